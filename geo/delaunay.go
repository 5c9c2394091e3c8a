package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Delaunay returns the edges of the Delaunay triangulation of pts in the
// plane, as index pairs (i < j), sorted. It is the adjacency of point
// layers (ZIP centroids) whose units have no boundaries to share: two
// points are neighbours when their Voronoi cells touch.
//
// The algorithm is incremental insertion with Lawson edge flips (Lawson
// 1977; Guibas & Stolfi 1985) inside a large enclosing triangle, inserting
// the points along a space-filling order so that the walk locating each
// point is short: O(n log n) in practice. Exact duplicates are joined by an
// edge of length 0. Points are nudged by at most 1e-9 of the extent
// (deterministically) so that four cocircular or three collinear points,
// common in gridded data, do not produce degenerate triangles; an edge
// between two points that are exactly collinear with a third may therefore
// appear or not.
func Delaunay(pts []orb.Point) [][2]int {
	n := len(pts)
	if n < 2 {
		return nil
	}
	if n == 2 {
		return [][2]int{{0, 1}}
	}
	d := triangulate(pts)
	edges := make([][2]int, 0, 3*n)
	for _, t := range d.v {
		for e := range 3 {
			a, b := int(t[(e+1)%3]), int(t[(e+2)%3])
			if a >= n || b >= n {
				continue
			}
			if a > b {
				a, b = b, a
			}
			edges = append(edges, [2]int{a, b})
		}
	}
	slices.SortFunc(edges, func(p, q [2]int) int {
		if p[0] != q[0] {
			return p[0] - q[0]
		}
		return p[1] - q[1]
	})
	return slices.Compact(edges)
}

// DelaunayTriangles returns the triangles of the same triangulation as
// [Delaunay], each as three indices into pts in counter-clockwise order (of
// the nudged points), in no particular order. Fewer than three points have
// none.
func DelaunayTriangles(pts []orb.Point) [][3]int {
	n := len(pts)
	if n < 3 {
		return nil
	}
	d := triangulate(pts)
	out := make([][3]int, 0, 2*n)
	for _, t := range d.v {
		if int(t[0]) >= n || int(t[1]) >= n || int(t[2]) >= n {
			continue
		}
		out = append(out, [3]int{int(t[0]), int(t[1]), int(t[2])})
	}
	return out
}

// triangulate is the Delaunay triangulation of n ≥ 3 points inside the
// enclosing triangle of vertices n, n+1, n+2.
func triangulate(pts []orb.Point) *delaunay {
	n := len(pts)
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	size := math.Max(maxX-minX, maxY-minY)
	if size == 0 {
		size = 1
	}
	d := &delaunay{x: make([]float64, n+3), y: make([]float64, n+3)}
	for i, p := range pts {
		h := splitmix(uint64(i))
		d.x[i] = p[0] + size*1e-9*(float64(h>>11)/(1<<53)*2-1)
		d.y[i] = p[1] + size*1e-9*(float64(splitmix(h)>>11)/(1<<53)*2-1)
	}
	// The enclosing triangle; its vertices are n, n+1, n+2.
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	d.x[n], d.y[n] = cx-50*size, cy-30*size
	d.x[n+1], d.y[n+1] = cx+50*size, cy-30*size
	d.x[n+2], d.y[n+2] = cx, cy+50*size
	d.v = append(d.v, [3]int32{int32(n), int32(n + 1), int32(n + 2)})
	d.nb = append(d.nb, [3]int32{-1, -1, -1})
	for _, i := range spaceFillingOrder(pts, minX, minY, size) {
		d.insert(int32(i))
	}
	return d
}

// delaunay is a triangulation under construction: triangle t has the
// counter-clockwise vertices v[t] and, across the edge opposite v[t][i],
// the neighbour nb[t][i] (−1 on the outside).
type delaunay struct {
	x, y  []float64
	v     [][3]int32
	nb    [][3]int32
	last  int32 // the triangle the next walk starts from
	stack [][2]int32
}

// orient is twice the signed area of (a, b, c): > 0 when counter-clockwise.
func (d *delaunay) orient(a, b, c int32) float64 {
	return (d.x[b]-d.x[a])*(d.y[c]-d.y[a]) - (d.y[b]-d.y[a])*(d.x[c]-d.x[a])
}

// inCircle is > 0 when p lies inside the circumcircle of the
// counter-clockwise triangle (a, b, c). Coordinates are taken relative to p
// so that the determinant stays small for small triangles.
func (d *delaunay) inCircle(a, b, c, p int32) float64 {
	ax, ay := d.x[a]-d.x[p], d.y[a]-d.y[p]
	bx, by := d.x[b]-d.x[p], d.y[b]-d.y[p]
	cx, cy := d.x[c]-d.x[p], d.y[c]-d.y[p]
	return (ax*ax+ay*ay)*(bx*cy-cx*by) - (bx*bx+by*by)*(ax*cy-cx*ay) + (cx*cx+cy*cy)*(ax*by-bx*ay)
}

// locate walks from the last triangle towards p and returns the triangle
// holding it.
func (d *delaunay) locate(p int32) int32 {
	t := d.last
	for steps := 0; ; steps++ {
		moved := false
		// Start the edge scan at a varying edge so that the walk cannot
		// cycle on degenerate input.
		for k := range 3 {
			e := (k + steps) % 3
			a, b := d.v[t][(e+1)%3], d.v[t][(e+2)%3]
			if d.orient(a, b, p) < 0 && d.nb[t][e] >= 0 {
				t = d.nb[t][e]
				moved = true
				break
			}
		}
		if !moved || steps > len(d.v) {
			return t
		}
	}
}

// insert adds point p: it splits the triangle holding p into three and
// flips the edges that are no longer Delaunay.
func (d *delaunay) insert(p int32) {
	t := d.locate(p)
	a, b, c := d.v[t][0], d.v[t][1], d.v[t][2]
	na, nb, nc := d.nb[t][0], d.nb[t][1], d.nb[t][2]
	t1, t2 := int32(len(d.v)), int32(len(d.v)+1)
	d.v[t] = [3]int32{p, b, c}
	d.nb[t] = [3]int32{na, t1, t2}
	d.v = append(d.v, [3]int32{p, c, a}, [3]int32{p, a, b})
	d.nb = append(d.nb, [3]int32{nb, t2, t}, [3]int32{nc, t, t1})
	d.repoint(nb, t, t1)
	d.repoint(nc, t, t2)
	d.last = t
	d.stack = append(d.stack[:0], [2]int32{t, p}, [2]int32{t1, p}, [2]int32{t2, p})
	for len(d.stack) > 0 {
		top := d.stack[len(d.stack)-1]
		d.stack = d.stack[:len(d.stack)-1]
		d.legalize(top[0], top[1])
	}
}

// repoint makes triangle u, a neighbour of old, point to nu instead.
func (d *delaunay) repoint(u, old, nu int32) {
	if u < 0 {
		return
	}
	for i := range 3 {
		if d.nb[u][i] == old {
			d.nb[u][i] = nu
			return
		}
	}
}

// legalize checks the edge of triangle t opposite its vertex p and flips
// it when the vertex across lies inside t's circumcircle, pushing the two
// edges the flip exposes.
func (d *delaunay) legalize(t, p int32) {
	i := slices.Index(d.v[t][:], p)
	if i < 0 {
		return // t was changed by an earlier flip
	}
	// rotate so that t = (p, b, c)
	b, c := d.v[t][(i+1)%3], d.v[t][(i+2)%3]
	u := d.nb[t][i]
	if u < 0 {
		return
	}
	tCP, tPB := d.nb[t][(i+1)%3], d.nb[t][(i+2)%3]
	j := slices.Index(d.nb[u][:], t)
	q := d.v[u][j]
	// u = (q, c, b)
	uBQ, uQC := d.nb[u][(j+1)%3], d.nb[u][(j+2)%3]
	if d.inCircle(p, b, c, q) <= 0 {
		return
	}
	// The quadrilateral p, b, q, c: replace edge bc by pq.
	d.v[t] = [3]int32{p, b, q}
	d.nb[t] = [3]int32{uBQ, u, tPB}
	d.v[u] = [3]int32{p, q, c}
	d.nb[u] = [3]int32{uQC, tCP, t}
	d.repoint(uBQ, u, t)
	d.repoint(tCP, t, u)
	d.last = t
	d.stack = append(d.stack, [2]int32{t, p}, [2]int32{u, p})
}

// spaceFillingOrder returns the indices of pts along a Hilbert curve over
// their bounding square, so that consecutive points are near each other.
func spaceFillingOrder(pts []orb.Point, minX, minY, size float64) []int {
	const side = 1 << 16
	keys := make([]uint64, len(pts))
	order := make([]int, len(pts))
	for i, p := range pts {
		x := uint32(math.Min(side-1, (p[0]-minX)/size*side))
		y := uint32(math.Min(side-1, (p[1]-minY)/size*side))
		keys[i] = hilbert(side, x, y)
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	return order
}

// hilbert is the distance of cell (x, y) along the Hilbert curve filling a
// side × side grid (side a power of two).
func hilbert(side, x, y uint32) uint64 {
	var h uint64
	for s := side / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		h += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return h
}

// splitmix is the SplitMix64 mix of x: a cheap deterministic hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// DelaunayLonLat is [Delaunay] of lon/lat points (degrees) on the
// Mercator projection: conformal, so the empty-circle criterion keeps its
// meaning locally. Latitudes are clamped to ±85°.
func DelaunayLonLat(pts []orb.Point) [][2]int {
	proj := make([]orb.Point, len(pts))
	for i, p := range pts {
		lat := math.Max(-85, math.Min(85, p[1])) * math.Pi / 180
		proj[i] = orb.Point{p[0] * math.Pi / 180, math.Log(math.Tan(math.Pi/4 + lat/2))}
	}
	return Delaunay(proj)
}
