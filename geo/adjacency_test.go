package geo

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

// square is the counter-clockwise unit-less square [x, x+s] × [y, y+s] in degrees.
func square(x, y, s float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
}

// grid3 is a 3×3 grid of 1° squares; unit 3*row+col, unit 4 in the middle.
func grid3() []orb.Geometry {
	var g []orb.Geometry
	for row := 0; row < 3; row++ {
		for col := 0; col < 3; col++ {
			g = append(g, square(float64(col), float64(row), 1))
		}
	}
	return g
}

func TestAdjacencySynthetic(t *testing.T) {
	tests := []struct {
		name    string
		geoms   []orb.Geometry
		opts    AdjacencyOptions
		unit    int
		want    []int
		islands []int
	}{
		{"rook middle of grid", grid3(), AdjacencyOptions{}, 4, []int{1, 3, 5, 7}, nil},
		{"queen middle of grid", grid3(), AdjacencyOptions{Contiguity: Queen}, 4, []int{0, 1, 2, 3, 5, 6, 7, 8}, nil},
		{"rook corner of grid", grid3(), AdjacencyOptions{}, 0, []int{1, 3}, nil},
		{"near-miss exact", []orb.Geometry{square(0, 0, 1), square(1+1e-9, 0, 1)}, AdjacencyOptions{}, 0, nil, []int{0, 1}},
		{"near-miss with tolerance", []orb.Geometry{square(0, 0, 1), square(1+1e-9, 0, 1)}, AdjacencyOptions{Tolerance: 1e-6}, 0, []int{1}, nil},
		{"clockwise neighbour", []orb.Geometry{square(0, 0, 1), orb.Polygon{{{1, 0}, {1, 1}, {2, 1}, {2, 0}, {1, 0}}}}, AdjacencyOptions{}, 1, []int{0}, nil},
		{"nil and point are islands", []orb.Geometry{square(0, 0, 1), nil, orb.Point{0, 0}}, AdjacencyOptions{}, 0, nil, []int{0, 1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := Adjacency(tc.geoms, tc.opts)
			if diff := cmp.Diff(tc.want, g.Neighbors[tc.unit]); diff != "" {
				t.Errorf("neighbours of %d (-want +got):\n%s", tc.unit, diff)
			}
			if diff := cmp.Diff(tc.islands, g.Islands); diff != "" {
				t.Errorf("islands (-want +got):\n%s", diff)
			}
			for i, nb := range g.Neighbors {
				for _, j := range nb {
					if !g.IsNeighbor(j, i) {
						t.Errorf("%d lists %d but not the reverse", i, j)
					}
				}
			}
		})
	}
}

func TestAdjacencyBridge(t *testing.T) {
	// Two 2-unit groups and a lone square; the lone one is nearer the east group.
	geoms := []orb.Geometry{
		square(0, 0, 1), square(1, 0, 1), // west group
		square(10, 0, 1), square(11, 0, 1), // east group
		square(14, 0, 1), // lone
	}
	g := Adjacency(geoms, AdjacencyOptions{Bridge: true})
	wantComps := [][]int{{0, 1}, {2, 3}, {4}}
	if diff := cmp.Diff(wantComps, g.Components); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{4}, g.Islands); diff != "" {
		t.Errorf("islands (-want +got):\n%s", diff)
	}
	if len(g.Bridges) != 2 {
		t.Fatalf("got %d bridges %v, want 2", len(g.Bridges), g.Bridges)
	}
	pairs := [][2]int{}
	for _, e := range g.Bridges {
		pairs = append(pairs, [2]int{e.A, e.B})
		want := Haversine(mustCentroid(t, geoms[e.A]), mustCentroid(t, geoms[e.B]))
		if e.Distance != want {
			t.Errorf("bridge %v distance = %g m, want %g m", e, e.Distance, want)
		}
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	if diff := cmp.Diff([][2]int{{1, 2}, {3, 4}}, pairs); diff != "" {
		t.Errorf("bridges (-want +got):\n%s", diff)
	}
	if n := len(components(g.Neighbors)); n != 1 {
		t.Errorf("after bridging, %d components, want 1", n)
	}
}

func mustCentroid(t *testing.T, g orb.Geometry) orb.Point {
	t.Helper()
	c, ok := Centroid(g)
	if !ok {
		t.Fatalf("no centroid for %v", g)
	}
	return c
}

// countyGraph is the rook graph of the 3,142 counties, with an index from FIPS to unit.
func countyGraph(t testing.TB, opts AdjacencyOptions) ([]Feature, Graph, map[string]int) {
	t.Helper()
	counties := loadCounties(t)
	geoms := make([]orb.Geometry, len(counties))
	idx := map[string]int{}
	for i, f := range counties {
		geoms[i] = f.Geometry
		idx[f.ID] = i
	}
	return counties, Adjacency(geoms, opts), idx
}

func TestAdjacencyCounties(t *testing.T) {
	counties, g, idx := countyGraph(t, AdjacencyOptions{})
	ids := func(units []int) []string {
		out := make([]string, len(units))
		for i, u := range units {
			out[i] = counties[u].ID
		}
		slices.Sort(out)
		return out
	}

	// Counties in the middle of a state, with every neighbour listed by the Census.
	neighbours := []struct {
		name string
		id   string
		want []string
	}{
		// Story County, Iowa: Hamilton (N), Hardin (NE), Marshall (E), Jasper (SE), Polk (S),
		// Boone (W).
		{"Story IA", "19169", []string{"19015", "19079", "19083", "19099", "19127", "19153"}},
		// Barton County, Kansas: Russell (N), Ellsworth (NE), Rice (E), Stafford (S),
		// Pawnee (SW), Rush (W).
		{"Barton KS", "20009", []string{"20053", "20145", "20159", "20165", "20167", "20185"}},
		// Rutherford County, Tennessee: Wilson, Cannon, Coffee, Bedford, Marshall, Williamson,
		// Davidson.
		{"Rutherford TN", "47149", []string{"47003", "47015", "47031", "47037", "47117", "47187", "47189"}},
	}
	for _, tc := range neighbours {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(g.Neighbors[idx[tc.id]])
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("neighbours of %s (-want +got):\n%s", tc.id, diff)
			}
		})
	}

	// Across state lines.
	for _, pair := range [][2]string{
		{"20091", "29095"}, // Johnson KS – Jackson MO (Kansas City)
		{"20091", "29037"}, // Johnson KS – Cass MO
		{"47163", "51191"}, // Sullivan TN – Washington VA (Bristol)
		{"36047", "36081"}, // Kings – Queens, NY (same state, sanity)
		{"34017", "36061"}, // Hudson NJ – New York NY, across the Hudson River boundary
	} {
		if !g.IsNeighbor(idx[pair[0]], idx[pair[1]]) {
			t.Errorf("%s and %s are not neighbours, want neighbours", pair[0], pair[1])
		}
	}

	// Islands: units with no neighbour at all. Falls Church (51610) collapsed under the
	// 1:10m quantization (see TestDecodeTopoJSONCounties); the others are real islands.
	wantIslands := []string{
		"02016", // Aleutians West, AK
		"15001", // Hawaii (Big Island)
		"15003", // Honolulu (Oahu)
		"15007", // Kauai
		"25019", // Nantucket, MA
		"51610", // Falls Church, VA (collapsed)
		"53055", // San Juan, WA
	}
	if diff := cmp.Diff(wantIslands, ids(g.Islands)); diff != "" {
		t.Errorf("islands (-want +got):\n%s", diff)
	}
	// No Hawaii or Alaska county is in the mainland component; Maui and Kalawao (which share
	// Molokai) form their own component.
	main := map[int]bool{}
	for _, u := range g.Components[0] {
		main[u] = true
	}
	for _, f := range counties {
		st := f.ID[:2]
		if (st == "02" || st == "15") && main[idx[f.ID]] {
			t.Errorf("%s %v is connected to the mainland", f.ID, f.Properties["name"])
		}
	}
	foundMaui := false
	for _, c := range g.Components {
		if slices.Equal(ids(c), []string{"15005", "15009"}) {
			foundMaui = true
		}
	}
	if !foundMaui {
		t.Errorf("no component {15005 Kalawao, 15009 Maui}")
	}

	// With bridges, every unit that has a geometry is connected.
	_, gb, _ := countyGraph(t, AdjacencyOptions{Bridge: true})
	comps := components(gb.Neighbors)
	if len(comps) != 2 || len(comps[1]) != 1 || counties[comps[1][0]].ID != "51610" {
		t.Errorf("after bridging, components of sizes %v, want everything but the collapsed 51610 in one", sizes(comps))
	}
	if want := len(g.Components) - 2; len(gb.Bridges) != want {
		t.Errorf("%d bridges, want %d (components %d, less the main one and the unbridgeable 51610)", len(gb.Bridges), want, len(g.Components))
	}
}

func sizes(comps [][]int) []int {
	out := make([]int, len(comps))
	for i, c := range comps {
		out[i] = len(c)
	}
	return out
}

func BenchmarkAdjacencyCounties(b *testing.B) {
	counties := loadCounties(b)
	geoms := make([]orb.Geometry, len(counties))
	for i, f := range counties {
		geoms[i] = f.Geometry
	}
	for _, opts := range []struct {
		name string
		opts AdjacencyOptions
	}{{"rook", AdjacencyOptions{}}, {"queen", AdjacencyOptions{Contiguity: Queen}}, {"rook+bridge", AdjacencyOptions{Bridge: true}}} {
		b.Run(opts.name, func(b *testing.B) {
			for b.Loop() {
				Adjacency(geoms, opts.opts)
			}
		})
	}
}

func TestBridges(t *testing.T) {
	sq := func(x, y float64) orb.Geometry {
		return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
	}
	// 0–1 touch (given as an edge); 2 is an island near 1; 3 is far away.
	geoms := []orb.Geometry{sq(0, 0), sq(1, 0), sq(3, 0), sq(20, 0)}
	got := Bridges(geoms, [][2]int{{0, 1}})
	if len(got) != 2 {
		t.Fatalf("Bridges = %v; want 2 edges joining 3 components", got)
	}
	linked := map[[2]int]bool{}
	for _, e := range got {
		linked[[2]int{e.A, e.B}] = true
		if e.Distance <= 0 {
			t.Errorf("bridge %v has no distance", e)
		}
	}
	if !linked[[2]int{1, 2}] || !linked[[2]int{2, 3}] {
		t.Errorf("Bridges = %v; want 1–2 (nearest to the island) and 2–3", got)
	}
	if got := Bridges(geoms[:2], [][2]int{{0, 1}}); len(got) != 0 {
		t.Errorf("a connected graph got bridges %v", got)
	}
}
