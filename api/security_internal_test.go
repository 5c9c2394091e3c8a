package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
)

// Finding 3: the limiter forgot everyone after 10,000 addresses, so an
// attacker could clear its own limit with fresh addresses.
func TestLoginLimiterRemembersTheLimitedPastItsCapacity(t *testing.T) {
	l := newLoginLimiter(time.Hour, 3, 100, 1_000_000, time.Minute, 10000)
	for i := 0; i < 3; i++ {
		l.fail("attacker", "lee")
	}
	if l.check("attacker", "lee") == nil {
		t.Fatal("the attacker is not limited after its burst")
	}
	for i := 0; i < 25000; i++ {
		l.fail("client-"+strings.Repeat("x", i%7)+string(rune(i)), "name"+string(rune(i)))
	}
	if l.check("attacker", "lee") == nil {
		t.Errorf("after 25,000 other clients the attacker is free again")
	}
	if n := len(l.pairs) + len(l.clients) + len(l.accounts); n > 3*10001 {
		t.Errorf("the limiter holds %d entries; want at most its capacity per kind", n)
	}
}

// Lower: CSV exports carried spreadsheet formulas.
func TestCSVCellsAreNeutralised(t *testing.T) {
	var b bytes.Buffer
	w := &csvWriter{csv.NewWriter(&b)}
	if err := w.Write([]string{"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-12.5", "+3", "-0", "plain", ""}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	want := `"'=HYPERLINK(""http://x"")",'+1+1,'-2+3,'@SUM(A1),'	x,-12.5,+3,-0,plain,` + "\n"
	if b.String() != want {
		t.Errorf("row = %q; want %q", b.String(), want)
	}
}

// oneLayer is a geography of one census layer at a settable version.
type oneLayer struct {
	terrane.GeographyService // the methods the tile route does not call
	version                  int64
	reads                    int
}

func (g *oneLayer) FindLayerByID(_ context.Context, id string) (*terrane.Layer, error) {
	return &terrane.Layer{ID: id, Name: "US states", Version: g.version}, nil
}

func (g *oneLayer) FindUnits(context.Context, terrane.UnitFilter) ([]*terrane.Unit, error) {
	g.reads++
	return []*terrane.Unit{{ID: "08", Geometry: orb.Polygon{{{-100, 40}, {-99, 40}, {-99, 41}, {-100, 41}, {-100, 40}}}}}, nil
}

// Finding 5: an anonymous tile was built on every request (0.5–0.7 s of
// CPU for a 1e6-vertex layer). A tile is built once per layer version: the
// second request is answered from the cache, a new version builds it anew.
func TestTilesAreCachedPerLayerVersion(t *testing.T) {
	g := &oneLayer{version: 1}
	s := NewServer(Config{}, Services{Geography: g}, nil, nil)
	get := func() []byte {
		t.Helper()
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/tiles/us-states/0/0/0.mvt", nil))
		if w.Code != 200 {
			t.Fatalf("tile = %d %s", w.Code, w.Body.String())
		}
		return w.Body.Bytes()
	}
	built := get()
	if len(built) == 0 {
		t.Fatal("an empty tile")
	}
	key := "us-states@1/0/0/0"
	if b, ok := s.tiles.get(key); !ok || !bytes.Equal(b, built) {
		t.Fatalf("tile %s is not cached after it was built", key)
	}
	// Mark the cached tile: a request answered from the cache answers the mark.
	s.tiles.tiles[key] = []byte("cached")
	if got := get(); string(got) != "cached" {
		t.Errorf("the second request built the tile again (%d bytes); want it from the cache", len(got))
	}
	g.version = 2
	if got := get(); !bytes.Equal(got, built) || g.reads != 2 {
		t.Errorf("after a new layer version: %d bytes, %d reads of the units; want the tile built anew from the units read again", len(got), g.reads)
	}
}
