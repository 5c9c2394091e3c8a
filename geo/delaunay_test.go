package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// brute-force Delaunay check: every triangle of mutually adjacent points
// that is empty of other points... here, the edge set must equal the set of
// pairs (i, j) for which some circle through i and j holds no other point
// strictly inside. We check the easier direction exactly: every returned
// edge's triangles are empty, via the classic criterion on the triangulation.
func TestDelaunayEmptyCircles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{3, 4, 10, 100, 400} {
		pts := make([]orb.Point, n)
		for i := range pts {
			pts[i] = orb.Point{rng.Float64() * 100, rng.Float64() * 60}
		}
		edges := Delaunay(pts)
		adj := map[[2]int]bool{}
		for _, e := range edges {
			if e[0] >= e[1] {
				t.Fatalf("n=%d: edge %v not ordered", n, e)
			}
			adj[e] = true
		}
		if n >= 3 && len(edges) > 3*n-6 {
			t.Fatalf("n=%d: %d edges, a planar graph has at most %d", n, len(edges), 3*n-6)
		}
		// Every triangle of the graph whose circumcircle is empty must be
		// present, and every present triangle's circumcircle empty.
		d := &delaunay{x: make([]float64, n), y: make([]float64, n)}
		for i, p := range pts {
			d.x[i], d.y[i] = p[0], p[1]
		}
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				for c := b + 1; c < n; c++ {
					ia, ib, ic := int32(a), int32(b), int32(c)
					if d.orient(ia, ib, ic) < 0 {
						ib, ic = ic, ib
					}
					empty := true
					for q := 0; q < n && empty; q++ {
						if q != a && q != b && q != c && d.inCircle(ia, ib, ic, int32(q)) > 1e-9 {
							empty = false
						}
					}
					in := adj[[2]int{a, b}] && adj[[2]int{b, c}] && adj[[2]int{a, c}]
					if empty && !in {
						t.Fatalf("n=%d: triangle %d %d %d has an empty circumcircle but is missing", n, a, b, c)
					}
				}
			}
		}
	}
}

// TestDelaunayGrid: a square grid is all cocircular quadruples; the
// triangulation still has every grid edge and one diagonal per cell.
func TestDelaunayGrid(t *testing.T) {
	const w, h = 30, 20
	var pts []orb.Point
	for y := range h {
		for x := range w {
			pts = append(pts, orb.Point{float64(x), float64(y)})
		}
	}
	edges := Delaunay(pts)
	adj := map[[2]int]bool{}
	for _, e := range edges {
		adj[e] = true
	}
	for y := range h {
		for x := range w {
			i := y*w + x
			if x+1 < w && !adj[[2]int{i, i + 1}] {
				t.Fatalf("grid edge %d–%d missing", i, i+1)
			}
			if y+1 < h && !adj[[2]int{i, i + w}] {
				t.Fatalf("grid edge %d–%d missing", i, i+w)
			}
		}
	}
	want := (w-1)*h + w*(h-1) + (w-1)*(h-1)
	if len(edges) != want {
		t.Fatalf("%d edges, want %d (grid edges plus one diagonal per cell)", len(edges), want)
	}
}

func TestDelaunaySmallAndDuplicates(t *testing.T) {
	if e := Delaunay([]orb.Point{{0, 0}}); e != nil {
		t.Fatalf("one point: %v", e)
	}
	if e := Delaunay([]orb.Point{{0, 0}, {1, 1}}); len(e) != 1 {
		t.Fatalf("two points: %v", e)
	}
	e := Delaunay([]orb.Point{{0, 0}, {1, 0}, {0, 1}, {1, 0}})
	found := false
	for _, x := range e {
		if x == [2]int{1, 3} {
			found = true
		}
	}
	if !found {
		t.Fatalf("duplicates 1 and 3 not joined: %v", e)
	}
}

func BenchmarkDelaunay33k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([]orb.Point, 33000)
	for i := range pts {
		pts[i] = orb.Point{-125 + rng.Float64()*58, 25 + rng.Float64()*24}
	}
	for b.Loop() {
		DelaunayLonLat(pts)
	}
}
