package geo

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkGolden compares g with testdata/<name>.golden.geojson (coordinates within 1e-9
// degrees). With -update it rewrites the file; on mismatch it writes
// testdata/failure_<name>.geojson with the got geometry, to open in a map viewer.
func checkGolden(t *testing.T, name string, g orb.Geometry) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden.geojson")
	fc := geojson.NewFeatureCollection()
	fc.Append(geojson.NewFeature(g))
	got, err := fc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./geo -run %s -update to create it)", err, t.Name())
	}
	want, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil || len(want.Features) != 1 {
		t.Fatalf("golden %s: %v", path, err)
	}
	if msg := geometryDiff(want.Features[0].Geometry, g, 1e-9); msg != "" {
		fail := filepath.Join("testdata", "failure_"+name+".geojson")
		_ = os.WriteFile(fail, got, 0o644)
		t.Errorf("%s: %s (got written to %s)", name, msg, fail)
	}
}

// geometryDiff describes the first difference between two polygonal geometries, or "".
func geometryDiff(want, got orb.Geometry, tol float64) string {
	if want.GeoJSONType() != got.GeoJSONType() {
		return fmt.Sprintf("type %s, want %s", got.GeoJSONType(), want.GeoJSONType())
	}
	var wr, gr []orb.Ring
	forEachRing(want, func(r orb.Ring) { wr = append(wr, r) })
	forEachRing(got, func(r orb.Ring) { gr = append(gr, r) })
	if len(wr) != len(gr) {
		return fmt.Sprintf("%d rings, want %d", len(gr), len(wr))
	}
	for i := range wr {
		if len(wr[i]) != len(gr[i]) {
			return fmt.Sprintf("ring %d has %d positions, want %d", i, len(gr[i]), len(wr[i]))
		}
		for k := range wr[i] {
			if math.Abs(wr[i][k][0]-gr[i][k][0]) > tol || math.Abs(wr[i][k][1]-gr[i][k][1]) > tol {
				return fmt.Sprintf("ring %d position %d is %v, want %v", i, k, gr[i][k], wr[i][k])
			}
		}
	}
	return ""
}

func TestDissolveSynthetic(t *testing.T) {
	// A 3×3 block of squares without the middle one: one polygon with one hole.
	var ring []orb.Geometry
	for i, g := range grid3() {
		if i != 4 {
			ring = append(ring, g)
		}
	}
	tests := []struct {
		name  string
		geoms []orb.Geometry
		want  orb.Geometry
	}{
		{"two squares", []orb.Geometry{square(0, 0, 1), square(1, 0, 1)},
			orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {1, 1}, {0, 1}, {0, 0}}}},
		{"clockwise input", []orb.Geometry{orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}, square(1, 0, 1)},
			orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {1, 1}, {0, 1}, {0, 0}}}},
		{"ring around a hole", ring, orb.Polygon{
			{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {3, 1}, {3, 2}, {3, 3}, {2, 3}, {1, 3}, {0, 3}, {0, 2}, {0, 1}, {0, 0}},
			{{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}},
		}},
		{"corner touch stays two polygons", []orb.Geometry{square(0, 0, 1), square(1, 1, 1)}, orb.MultiPolygon{
			{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
			{{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}},
		}},
		{"multipolygon input", []orb.Geometry{orb.MultiPolygon{square(0, 0, 1), square(5, 5, 1)}, square(1, 0, 1)}, orb.MultiPolygon{
			{{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {1, 1}, {0, 1}, {0, 0}}},
			{{{5, 5}, {6, 5}, {6, 6}, {5, 6}, {5, 5}}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Dissolve(tc.geoms)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(got); err != nil {
				t.Errorf("Validate(dissolved) = %v", err)
			}
			if msg := sameOutline(tc.want, got); msg != "" {
				t.Errorf("Dissolve: %s\ngot  %v\nwant %v", msg, got, tc.want)
			}
		})
	}
	t.Run("golden ring around a hole", func(t *testing.T) {
		got, err := Dissolve(ring)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "dissolve_ring", got)
	})
	for _, bad := range [][]orb.Geometry{nil, {orb.Point{0, 0}}, {orb.Polygon{}}} {
		if _, err := Dissolve(bad); err == nil {
			t.Errorf("Dissolve(%v) = nil error, want one", bad)
		}
	}
}

// sameOutline compares two polygonal geometries up to the starting position of each ring
// and the order of polygons.
func sameOutline(want, got orb.Geometry) string {
	canon := func(g orb.Geometry) []string {
		var out []string
		forEachRing(g, func(r orb.Ring) {
			body := r[:len(r)-1]
			k := 0
			for i := range body {
				if less(body[i], body[k]) {
					k = i
				}
			}
			rot := append(append(orb.Ring(nil), body[k:]...), body[:k]...)
			out = append(out, fmt.Sprint(rot))
		})
		slices.Sort(out)
		return out
	}
	w, g := canon(want), canon(got)
	if want.GeoJSONType() != got.GeoJSONType() {
		return fmt.Sprintf("type %s, want %s", got.GeoJSONType(), want.GeoJSONType())
	}
	if !slices.Equal(w, g) {
		return fmt.Sprintf("rings %v, want %v", g, w)
	}
	return ""
}

// statesByDissolve dissolves the counties of each state (by the first two FIPS digits).
func statesByDissolve(t testing.TB, counties []Feature) (fips []string, geoms []orb.Geometry, parts map[string][]orb.Geometry) {
	t.Helper()
	parts = map[string][]orb.Geometry{}
	for _, f := range counties {
		st := f.ID[:2]
		if _, ok := parts[st]; !ok {
			fips = append(fips, st)
		}
		parts[st] = append(parts[st], f.Geometry)
	}
	slices.Sort(fips)
	for _, st := range fips {
		g, err := Dissolve(parts[st])
		if err != nil {
			t.Fatalf("dissolve state %s: %v", st, err)
		}
		geoms = append(geoms, g)
	}
	return fips, geoms, parts
}

func TestDissolveStates(t *testing.T) {
	counties := loadCounties(t)
	fips, states, parts := statesByDissolve(t, counties)
	if len(fips) != 51 {
		t.Fatalf("%d states, want 51 (50 + DC)", len(fips))
	}
	// States whose mainland is one piece with no offshore island in this layer.
	onePiece := map[string]bool{"08": true, "19": true, "20": true, "29": true, "47": true, "56": true, "04": true, "42": true}
	for i, st := range fips {
		g := states[i]
		if err := Validate(g); err != nil {
			t.Errorf("state %s: Validate = %v", st, err)
		}
		var sum float64
		for _, c := range parts[st] {
			sum += orbgeo.Area(c) // square meters
		}
		area := orbgeo.Area(g)
		if rel := math.Abs(area-sum) / sum; rel > 0.005 {
			t.Errorf("state %s: dissolved area %.4g m², counties sum %.4g m², relative difference %.3g, want ≤ 0.5 %%", st, area, sum, rel)
		}
		// No interior slivers: no state has a hole (every point inside a state is in one of
		// its counties).
		holes := 0
		forEachPolygon(g, func(p orb.Polygon) { holes += len(p) - 1 })
		if holes != 0 {
			t.Errorf("state %s: %d holes, want none", st, holes)
		}
		if onePiece[st] {
			if p, ok := g.(orb.Polygon); !ok || len(p) != 1 {
				t.Errorf("state %s: %s, want one Polygon with one ring", st, g.GeoJSONType())
			}
		}
	}

	names := map[string]string{"20": "kansas", "08": "colorado", "15": "hawaii"}
	for i, st := range fips {
		if name, ok := names[st]; ok {
			t.Run("golden "+name, func(t *testing.T) { checkGolden(t, "dissolve_"+name, states[i]) })
		}
	}
}

func TestStateAdjacencyByDissolve(t *testing.T) {
	counties := loadCounties(t)
	fips, states, _ := statesByDissolve(t, counties)
	rook := Adjacency(states, AdjacencyOptions{})
	queen := Adjacency(states, AdjacencyOptions{Contiguity: Queen})
	neighbours := func(g Graph, st string) string {
		i, _ := slices.BinarySearch(fips, st)
		var out []string
		for _, j := range g.Neighbors[i] {
			out = append(out, fips[j])
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name  string
		g     Graph
		state string
		want  string
	}{
		// Tennessee: AL AR GA KY MS MO NC VA.
		{"Tennessee", rook, "47", "01 05 13 21 28 29 37 51"},
		// Missouri: AR IL IA KS KY NE OK TN.
		{"Missouri", rook, "29", "05 17 19 20 21 31 40 47"},
		// Maine: New Hampshire only.
		{"Maine", rook, "23", "33"},
		// Colorado shares boundaries with six states and only the Four Corners point with
		// Arizona.
		{"Colorado rook", rook, "08", "20 31 35 40 49 56"},
		{"Colorado queen", queen, "08", "04 20 31 35 40 49 56"},
		{"Hawaii", rook, "15", ""},
		{"Alaska", rook, "02", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := neighbours(tc.g, tc.state); got != tc.want {
				t.Errorf("neighbours of %s = %q, want %q", tc.state, got, tc.want)
			}
		})
	}
}

func BenchmarkDissolveStates(b *testing.B) {
	counties := loadCounties(b)
	for b.Loop() {
		statesByDissolve(b, counties)
	}
}
