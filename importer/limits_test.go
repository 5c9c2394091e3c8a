package importer

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"github.com/terrane/terrane"
)

// Finding 7: a 1 MB gzip bomb unpacked to hundreds of MB.
func TestGzipBombIsRefusedAtTheRatio(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zero := make([]byte, 1<<20)
	for i := 0; i < 200; i++ { // 200 MB of zeros, ~200 KB packed
		zw.Write(zero)
	}
	zw.Close()
	opts := Options{MaxBytes: 50 << 20}
	_, err := gunzip(b.Bytes(), opts.unpackLimit(int64(b.Len())))
	if terrane.ErrorCode(err) != terrane.ETOOLARGE {
		t.Fatalf("gzip bomb of %d bytes: %v; want too_large", b.Len(), err)
	}
	if lim := opts.unpackLimit(int64(b.Len())); lim > int64(DefaultMaxRatio)*int64(b.Len())+1<<20 {
		t.Errorf("unpack limit %d is over %d × the packed size", lim, DefaultMaxRatio)
	}
	// A plain compressible file within the ratio still unpacks.
	b.Reset()
	zw = gzip.NewWriter(&b)
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(zw, "unit_%d,%d,some text of the row\n", i, i*37%1000)
	}
	zw.Close()
	if _, err := gunzip(b.Bytes(), opts.unpackLimit(int64(b.Len()))); err != nil {
		t.Errorf("an ordinary gzip CSV: %v", err)
	}
}

// Finding 7: a GeoJSON of 1e6 vertices was accepted.
func TestVertexLimits(t *testing.T) {
	ring := func(n int) string {
		pts := make([]string, 0, n+1)
		for i := 0; i < n; i++ {
			x := float64(i) / float64(n)
			pts = append(pts, fmt.Sprintf("[%g,%g]", -100+x, 40+x*(1-x)))
		}
		pts = append(pts, pts[0])
		return "[[" + strings.Join(pts, ",") + "]]"
	}
	feature := func(id string, n int) string {
		return fmt.Sprintf(`{"type":"Feature","id":%q,"properties":{},"geometry":{"type":"Polygon","coordinates":%s}}`, id, ring(n))
	}
	one := `{"type":"FeatureCollection","features":[` + feature("a", 2000) + `]}`
	_, err := parseUnits([]byte(one), Options{Kind: KindUnits, Layer: "grid", MaxFeatureVertices: 1000, Progress: func(string, int) {}})
	if terrane.ErrorCode(err) != terrane.ETOOLARGE || !strings.Contains(err.Error(), "feature a has 2001 vertices") {
		t.Errorf("a 2,001-vertex feature over a 1,000 limit: %v; want too_large naming it", err)
	}
	var fs []string
	for i := 0; i < 5; i++ {
		fs = append(fs, feature(fmt.Sprint("f", i), 300))
	}
	many := `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	_, err = parseUnits([]byte(many), Options{Kind: KindUnits, Layer: "grid", MaxVertices: 1000, Progress: func(string, int) {}})
	if terrane.ErrorCode(err) != terrane.ETOOLARGE || !strings.Contains(err.Error(), "more than 1000 vertices") {
		t.Errorf("1,505 vertices over a 1,000 file limit: %v; want too_large", err)
	}
}

// Finding 8: a NUL byte in an accounts CSV reached PostgreSQL (500).
func TestCSVWithNULOrBadUTF8IsRefused(t *testing.T) {
	for _, data := range []string{"id,name\na1,Acme\na2,Ac\x00me\n", "id,name\na1,Acme\na2,Ac\xffme\n"} {
		p := Options{Kind: KindAccounts, Layer: "grid", MaxErrors: 5}.newProblems(KindAccounts, "csv")
		tb, err := newTable([]byte(data), "", p)
		if err != nil || tb != nil {
			t.Fatalf("%q: table %v, %v; want none and a problem", data, tb, err)
		}
		err = p.err()
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("%q: %v; want invalid naming line 3", data, err)
		}
	}
}

// skip_invalid does not skip a NUL or bad UTF-8: the whole file is refused.
func TestCSVWithBadBytesIsRefusedEvenWithSkipInvalid(t *testing.T) {
	_, err := parseOpportunities([]byte("\n\xd5"), Options{Kind: KindOpportunities, Layer: "grid", Fields: map[string]string{"delimiter": ";"}, MaxErrors: 5, SkipInvalid: true, Progress: func(string, int) {}}, nil, nil)
	if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("bad UTF-8 with skip_invalid: %v; want invalid", err)
	}
}
