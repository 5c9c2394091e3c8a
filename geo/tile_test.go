package geo

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

func TestTileSynthetic(t *testing.T) {
	features := []Feature{
		{ID: "06037", Properties: map[string]any{"name": "a", "pop": 10.0, "nested": map[string]any{"x": 1}}, Geometry: square(-0.5, -0.5, 1)},
		{ID: "far", Geometry: square(100, 40, 1)},
		{ID: "nil"},
	}
	data, err := Tile(features, 1, 1, 0) // north-east quarter of the world
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "units" {
		t.Fatalf("layers = %v, want one named units", layers)
	}
	// The square straddles the origin: only its north-east quarter plus the buffer is in tile 1/1/0.
	fs := layers[0].Features
	if len(fs) != 2 {
		t.Fatalf("%d features in the tile, want 2 (the square and the far one)", len(fs))
	}
	f := fs[0]
	if f.Properties["id"] != "06037" || f.Properties["name"] != "a" || f.Properties["pop"] != 10.0 {
		t.Errorf("properties = %v, want id 06037, name a, pop 10", f.Properties)
	}
	if _, ok := f.Properties["nested"]; ok {
		t.Errorf("nested property was encoded, want it dropped")
	}
	// orb's decoder returns MVT ids as float64.
	if id, ok := f.ID.(float64); !ok || id != 6037 {
		t.Errorf("MVT id = %v (%T), want 6037", f.ID, f.ID)
	}
	// Tile coordinates: the square's west edge at lon -0.5 is left of the tile (x < 0) but
	// within the 64-unit buffer only after clipping.
	b := f.Geometry.Bound()
	if b.Min[0] < -64 || b.Max[1] > 4096+64 {
		t.Errorf("tile geometry bound %v outside the buffered extent", b)
	}

	gz, err := TileWith(features, 1, 1, 0, TileOptions{Gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, data) {
		t.Errorf("gunzipped tile differs from the plain one")
	}

	for _, tc := range []struct {
		z, x, y uint32
		want    string
	}{{25, 0, 0, "zoom 25"}, {2, 4, 0, "must be below 4"}, {0, 0, 1, "must be below 1"}} {
		if _, err := Tile(features, tc.z, tc.x, tc.y); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Tile(%d/%d/%d) error = %v, want %q", tc.z, tc.x, tc.y, err, tc.want)
		}
	}
}

func TestTileCounties(t *testing.T) {
	counties := loadCounties(t)
	tile := maptile.At(orb.Point{-118.2437, 34.0522}, 8)
	data, err := Tile(counties, uint32(tile.Z), tile.X, tile.Y)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range layers[0].Features {
		if f.Properties["id"] == "06037" {
			found = true
			if f.Geometry.GeoJSONType() != "Polygon" && f.Geometry.GeoJSONType() != "MultiPolygon" {
				t.Errorf("06037 geometry type %s, want polygonal", f.Geometry.GeoJSONType())
			}
		}
	}
	if !found {
		t.Errorf("Los Angeles (06037) missing from its z8 tile %v", tile)
	}
}

func TestSimplify(t *testing.T) {
	counties := loadCounties(t)
	for _, f := range counties {
		if f.ID != "02016" && f.ID != "06037" {
			continue
		}
		before := 0
		forEachRing(f.Geometry, func(r orb.Ring) { before += len(r) })
		g, err := Simplify(f.Geometry, 4)
		if err != nil {
			t.Fatal(err)
		}
		after := 0
		forEachRing(g, func(r orb.Ring) { after += len(r) })
		if after == 0 || after >= before {
			t.Errorf("%s: %d positions after simplifying for z4, want fewer than %d and more than 0", f.ID, after, before)
		}
		again := 0
		forEachRing(f.Geometry, func(r orb.Ring) { again += len(r) })
		if again != before {
			t.Errorf("%s: Simplify changed its input", f.ID)
		}
	}
	if _, err := Simplify(nil, 3); err == nil {
		t.Errorf("Simplify(nil) = nil error, want one")
	}
}

// denseTile is a z6 tile over the lower Midwest (Missouri, Illinois, Kentucky), where counties
// are small and many.
func denseTile() maptile.Tile { return maptile.At(orb.Point{-89.5, 37.5}, 6) }

func BenchmarkTileDense(b *testing.B) {
	counties := loadCounties(b)
	tile := denseTile()
	data, err := Tile(counties, uint32(tile.Z), tile.X, tile.Y)
	if err != nil {
		b.Fatal(err)
	}
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Tile(counties, uint32(tile.Z), tile.X, tile.Y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(layers[0].Features)), "features/tile")
	b.ReportMetric(float64(len(data)), "bytes/tile")
}

func BenchmarkTileDenseGzip(b *testing.B) {
	counties := loadCounties(b)
	tile := denseTile()
	for b.Loop() {
		if _, err := TileWith(counties, uint32(tile.Z), tile.X, tile.Y, TileOptions{Gzip: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTileMaxFeatures: past MaxFeatures a tile keeps the largest features,
// and MinArea drops those under it; without either every square is kept.
func TestTileMaxFeatures(t *testing.T) {
	var features []Feature
	for i := range 50 {
		// Squares of side 0.5° + i·0.05° along the equator, apart.
		features = append(features, Feature{ID: string(rune('A' + i)), Geometry: square(-170+float64(i)*6, 0, 0.5+float64(i)*0.05)})
	}
	ids := func(opts TileOptions) []string {
		t.Helper()
		data, err := TileWith(features, 0, 0, 0, opts)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := mvt.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range layers[0].Features {
			out = append(out, f.Properties["id"].(string))
		}
		return out
	}
	if got := ids(TileOptions{}); len(got) != 50 {
		t.Fatalf("no cap: %d features, want 50", len(got))
	}
	got := ids(TileOptions{MaxFeatures: 10})
	if want := "ijklmnopqr"; strings.Join(got, "") != want { // 'A'+40 … 'A'+49
		t.Errorf("cap 10: %q, want the 10 largest, in input order", strings.Join(got, ""))
	}
	// At zoom 0 a 0.5° square is under 6 tile units a side (4096 for 360°): 36 square units.
	if got := ids(TileOptions{MinArea: 100}); len(got) == 50 || len(got) == 0 {
		t.Errorf("MinArea 100: %d features, want the small ones dropped", len(got))
	}
}
