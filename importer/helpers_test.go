package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
)

// openStore opens a fresh SQLite store.
func openStore(t testing.TB) *data.Store {
	t.Helper()
	s, err := data.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "import.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var (
	sampleOnce sync.Once
	sampleDS   *sample.Dataset
	sampleErr  error
)

// countyStore is a store holding the sample's us-counties layer (units and
// adjacency) and nothing else.
func countyStore(t testing.TB) *data.Store {
	t.Helper()
	sampleOnce.Do(func() { sampleDS, sampleErr = sample.Geography() })
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	s := openStore(t)
	if err := s.ReplaceLayer(context.Background(), &sampleDS.Layer, sampleDS.Units, sampleDS.Edges); err != nil {
		t.Fatal(err)
	}
	return s
}

// square is the unit square with its south-west corner at (x, y), counter-clockwise.
func square(x, y float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
}

// gridFeatures are the cells of a cols×rows grid of unit squares at
// (-100+c, 40+r), ids "c<col>r<row>", with NAME, ST and POP properties.
type gridCell struct {
	id   string
	name string
	st   string
	pop  float64
	poly orb.Polygon
}

func grid(cols, rows int) []gridCell {
	var out []gridCell
	for c := 0; c < cols; c++ {
		for r := 0; r < rows; r++ {
			out = append(out, gridCell{id: fmt.Sprintf("c%dr%d", c, r), name: fmt.Sprintf("Cell %d,%d", c, r),
				st: []string{"AA", "BB"}[c%2], pop: float64(100 * (c + r + 1)), poly: square(-100+float64(c), 40+float64(r))})
		}
	}
	return out
}

// gridGeoJSON encodes cells as a GeoJSON FeatureCollection.
func gridGeoJSON(t testing.TB, cells []gridCell) []byte {
	t.Helper()
	var fc struct {
		Type     string `json:"type"`
		Features []any  `json:"features"`
	}
	fc.Type = "FeatureCollection"
	for _, c := range cells {
		fc.Features = append(fc.Features, map[string]any{"type": "Feature",
			"properties": map[string]any{"GEOID": c.id, "NAME": c.name, "ST": c.st, "POP": c.pop},
			"geometry":   map[string]any{"type": "Polygon", "coordinates": c.poly}})
	}
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gridShapefile encodes cells as a zipped ESRI Shapefile (.shp, .dbf, .prj)
// with dBASE fields GEOID, NAME, ST and POP.
func gridShapefile(t testing.TB, cells []gridCell) []byte {
	t.Helper()
	var recs bytes.Buffer
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, c := range cells {
		ring := append(orb.Ring(nil), c.poly[0]...)
		ring.Reverse() // shapefile exteriors are clockwise
		var b bytes.Buffer
		le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
		bd := ring.Bound()
		bound = bound.Union(bd)
		le(int32(5))
		le([4]float64{bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1]})
		le(int32(1))
		le(int32(len(ring)))
		le(int32(0))
		for _, p := range ring {
			le([2]float64{p[0], p[1]})
		}
		_ = binary.Write(&recs, binary.BigEndian, [2]int32{int32(i + 1), int32(b.Len() / 2)})
		recs.Write(b.Bytes())
	}
	var shp bytes.Buffer
	_ = binary.Write(&shp, binary.BigEndian, [7]int32{9994, 0, 0, 0, 0, 0, int32((100 + recs.Len()) / 2)})
	_ = binary.Write(&shp, binary.LittleEndian, [2]int32{1000, 5})
	_ = binary.Write(&shp, binary.LittleEndian, [8]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]})
	shp.Write(recs.Bytes())

	type field struct {
		name string
		typ  byte
		n    int
	}
	fields := []field{{"GEOID", 'C', 8}, {"NAME", 'C', 20}, {"ST", 'C', 2}, {"POP", 'N', 10}}
	recLen := 1
	for _, f := range fields {
		recLen += f.n
	}
	var dbf bytes.Buffer
	dbf.Write([]byte{3, 126, 1, 1})
	_ = binary.Write(&dbf, binary.LittleEndian, uint32(len(cells)))
	_ = binary.Write(&dbf, binary.LittleEndian, [2]uint16{uint16(32 + 32*len(fields) + 1), uint16(recLen)})
	dbf.Write(make([]byte, 20))
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.n)
		dbf.Write(d)
	}
	dbf.WriteByte(0x0D)
	for _, c := range cells {
		dbf.WriteByte(' ')
		fmt.Fprintf(&dbf, "%-8s%-20s%-2s%10.0f", c.id, c.name, c.st, c.pop)
	}
	dbf.WriteByte(0x1A)

	const prj = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range []struct {
		name string
		data []byte
	}{{"grid.shp", shp.Bytes()}, {"grid.dbf", dbf.Bytes()}, {"grid.prj", []byte(prj)}} {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gridStore is a store with layer "grid" of 4×3 cells imported from GeoJSON,
// and a scenario "Plan" on it with territories W (columns 0–1) and E (2–3).
func gridStore(t testing.TB) (*data.Store, int64) {
	t.Helper()
	s := openStore(t)
	return s, seedGrid(t, s)
}

// seedGrid fills s as gridStore describes and returns the scenario id.
func seedGrid(t testing.TB, s *data.Store) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := Import(ctx, s, bytes.NewReader(gridGeoJSON(t, grid(4, 3))), Options{Kind: KindUnits, Layer: "grid",
		Fields: map[string]string{"id": "GEOID", "name": "NAME", "region": "ST"}}); err != nil {
		t.Fatal(err)
	}
	align := map[string]string{}
	for _, c := range grid(4, 3) {
		align[c.id] = map[bool]string{true: "W", false: "E"}[c.id[1] < '2']
	}
	sc := &terrane.Scenario{Name: "Plan", Layer: "grid", Status: terrane.StatusDraft}
	if err := s.CreateScenario(ctx, sc, []*terrane.Territory{{ID: "W", Name: "West", Owners: []string{"rita"}}, {ID: "E", Name: "East"}}, align); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, strings.NewReader("unit_id,market,revenue\nc0r0,1000,10\nc1r1,2000,20\n"), Options{Kind: KindMarkets, Layer: "grid"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, strings.NewReader("id,name,lon,lat,revenue\na1,One,-99.5,40.5,100\na2,Two,-97.5,42.5,200\n"), Options{Kind: KindAccounts, Layer: "grid"}); err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

// snapshot renders everything stored that an import may change, to compare.
func snapshot(t testing.TB, s *data.Store, scenario int64) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	layers, err := s.FindLayers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		fmt.Fprintf(&b, "layer %+v\n", *l)
		gj, err := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(gj)
		adj, err := s.FindAdjacency(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "\nadjacency %v\n", adj)
		est, err := s.FindMarketEstimates(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range est {
			fmt.Fprintf(&b, "estimate %+v\n", *e)
		}
		fmt.Fprint(&b, pipelineSnapshot(t, s, l.ID))
	}
	accts, err := s.FindAccounts(ctx, terrane.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		fmt.Fprintf(&b, "account %+v\n", *a)
	}
	if scenario != 0 {
		terrs, err := s.FindTerritories(ctx, scenario)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range terrs {
			fmt.Fprintf(&b, "territory %+v\n", *tr)
		}
		al, err := s.FindAssignments(ctx, scenario)
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, 0, len(al))
		for k := range al {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "assign %s=%s\n", k, al[k])
		}
	}
	return b.String()
}

// importErrs asserts err is an *Errors with code EINVALID and returns it.
func importErrs(t testing.TB, err error) *Errors {
	t.Helper()
	var ie *Errors
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *importer.Errors", err, err)
	}
	if got := terrane.ErrorCode(err); got != terrane.EINVALID {
		t.Fatalf("code = %q, want %q", got, terrane.EINVALID)
	}
	return ie
}
