package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestVoronoi: the cells of random points tile the bound (their areas add
// up to its area), each cell holds its point and no point is nearer to
// another generator, and cells of Delaunay neighbours share vertices.
func TestVoronoi(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bound := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{100, 60}}
	for _, n := range []int{1, 2, 3, 10, 500} {
		pts := make([]orb.Point, n)
		for i := range pts {
			pts[i] = orb.Point{rng.Float64() * 100, rng.Float64() * 60}
		}
		cells := Voronoi(pts, bound)
		total := 0.0
		ix := NewIndex(func() []orb.Geometry {
			g := make([]orb.Geometry, n)
			for i, c := range cells {
				g[i] = orb.Polygon{c}
			}
			return g
		}())
		for i, c := range cells {
			if c == nil {
				t.Fatalf("n=%d: cell %d is nil", n, i)
			}
			a := planar.Area(c)
			if a <= 0 {
				t.Fatalf("n=%d: cell %d has area %g, want > 0 (counter-clockwise)", n, i, a)
			}
			total += a
			if !planar.RingContains(c, pts[i]) {
				t.Fatalf("n=%d: cell %d does not hold its point", n, i)
			}
		}
		if want := 6000.0; math.Abs(total-want) > 1e-6*want {
			t.Fatalf("n=%d: cells cover %g, want %g", n, total, want)
		}
		// Random probes land in the cell of their nearest point.
		for range 200 {
			q := orb.Point{rng.Float64() * 100, rng.Float64() * 60}
			best, bd := -1, math.Inf(1)
			for i, p := range pts {
				if d := planar.Distance(p, q); d < bd {
					best, bd = i, d
				}
			}
			got, ok := ix.Locate(q)
			if !ok || got != best {
				t.Fatalf("n=%d: probe %v in cell %d, want %d", n, q, got, best)
			}
		}
		if n < 3 {
			continue
		}
		// Unclipped (a bound far around the points), neighbours share the
		// two ends of their common edge.
		far := Voronoi(pts, orb.Bound{Min: orb.Point{-1e4, -1e4}, Max: orb.Point{1e4, 1e4}})
		for _, e := range Delaunay(pts) {
			shared := 0
			for _, p := range far[e[0]][:len(far[e[0]])-1] {
				for _, q := range far[e[1]] {
					if p == q {
						shared++
						break
					}
				}
			}
			if shared != 2 {
				t.Errorf("n=%d: Delaunay neighbours %d and %d share %d cell vertices, want 2", n, e[0], e[1], shared)
			}
		}
	}
}

func TestClipConvex(t *testing.T) {
	window := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	tests := []struct {
		name string
		g    orb.Geometry
		area float64
	}{
		{"inside", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}}, 1},
		{"outside", orb.Polygon{{{11, 1}, {12, 1}, {12, 2}, {11, 2}, {11, 1}}}, 0},
		{"half", orb.Polygon{{{5, 2}, {15, 2}, {15, 4}, {5, 4}, {5, 2}}}, 10},
		{"with hole", orb.Polygon{{{-5, -5}, {15, -5}, {15, 15}, {-5, 15}, {-5, -5}}, {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}, 96},
		// A U whose two arms the window cuts apart: one ring with a bridge.
		{"concave", orb.Polygon{{{1, 5}, {3, 5}, {3, 12}, {7, 12}, {7, 5}, {9, 5}, {9, 14}, {1, 14}, {1, 5}}}, 2*2*5 + 0},
		{"multi", orb.MultiPolygon{{{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}}, {{{20, 1}, {21, 1}, {21, 2}, {20, 2}, {20, 1}}}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ClipConvex(tc.g, window)
			area := 0.0
			if got != nil {
				area = math.Abs(planar.Area(got))
				if err := Validate(got); err != nil {
					t.Errorf("invalid: %v (%v)", err, got)
				}
			}
			if math.Abs(area-tc.area) > 1e-9 {
				t.Fatalf("area %g, want %g (%v)", area, tc.area, got)
			}
			if mp, ok := got.(orb.MultiPolygon); tc.name == "concave" && (!ok || len(mp) != 2) {
				t.Errorf("the U's arms: %v, want two polygons", got)
			}
		})
	}
}
