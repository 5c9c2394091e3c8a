package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Voronoi returns the Voronoi cell of each point of pts in the plane,
// clipped to bound, as a closed counter-clockwise ring; the cell of a point
// outside bound, or one that clipping empties, is nil. Cell i is the
// region of the plane nearer to pts[i] than to any other point: the cells
// of two points touch when they are joined by a [Delaunay] edge.
//
// The cells are the duals of [DelaunayTriangles] (Voronoi 1908; de Berg
// et al., Computational Geometry, 3rd ed., 2008, §9.2): the circumcentres
// of the triangles around a point, in angular order. Eight frame points far
// outside bound are triangulated with pts so that every cell is bounded;
// they are too far to change a cell inside bound. Two cells that share an
// edge share its two vertices exactly (both are the same circumcentres), so
// the cells dissolve without slivers ([Dissolve]). Exact duplicate points
// split their cell between them (the nudge of [Delaunay]).
func Voronoi(pts []orb.Point, bound orb.Bound) []orb.Ring {
	n := len(pts)
	out := make([]orb.Ring, n)
	if n == 0 {
		return out
	}
	ext := bound
	for _, p := range pts {
		ext = ext.Extend(p)
	}
	size := math.Max(math.Max(ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]), 1e-9)
	c := ext.Center()
	all := make([]orb.Point, n, n+8)
	copy(all, pts)
	for k := range 8 {
		a := float64(k) * math.Pi / 4
		all = append(all, orb.Point{c[0] + 10*size*math.Cos(a), c[1] + 10*size*math.Sin(a)})
	}
	d := triangulate(all)
	m := len(all)
	// The triangles around each point, as offsets into one array.
	start := make([]int32, n+1)
	for _, t := range d.v {
		for _, v := range t {
			if int(v) < n {
				start[v+1]++
			}
		}
	}
	for i := range n {
		start[i+1] += start[i]
	}
	around := make([]int32, start[n])
	fill := slices.Clone(start[:n])
	centre := make([]orb.Point, len(d.v))
	for ti, t := range d.v {
		if int(t[0]) < m && int(t[1]) < m && int(t[2]) < m {
			centre[ti] = d.circumcentre(t[0], t[1], t[2])
		}
		for _, v := range t {
			if int(v) < n {
				around[fill[v]] = int32(ti)
				fill[v]++
			}
		}
	}
	window := boundRing(bound)
	var angles []float64
	for i := range n {
		if !bound.Contains(pts[i]) {
			continue
		}
		ts := around[start[i]:start[i+1]]
		angles = angles[:0]
		px, py := d.x[i], d.y[i]
		for _, t := range ts {
			angles = append(angles, math.Atan2(centre[t][1]-py, centre[t][0]-px))
		}
		order := make([]int, len(ts))
		for k := range order {
			order[k] = k
		}
		slices.SortFunc(order, func(a, b int) int { return cmpFloat(angles[a], angles[b]) })
		r := make(orb.Ring, 0, len(ts)+1)
		for _, k := range order {
			p := centre[ts[k]]
			if len(r) == 0 || r[len(r)-1] != p {
				r = append(r, p)
			}
		}
		if len(r) > 1 && r[0] == r[len(r)-1] {
			r = r[:len(r)-1]
		}
		if len(r) < 3 {
			continue
		}
		r = append(r, r[0])
		out[i] = clipRing(r, window)
	}
	return out
}

// circumcentre is the centre of the circle through the (nudged) points a,
// b and c, computed relative to a for precision.
func (d *delaunay) circumcentre(a, b, c int32) orb.Point {
	bx, by := d.x[b]-d.x[a], d.y[b]-d.y[a]
	cx, cy := d.x[c]-d.x[a], d.y[c]-d.y[a]
	den := 2 * (bx*cy - by*cx)
	b2, c2 := bx*bx+by*by, cx*cx+cy*cy
	return orb.Point{d.x[a] + (cy*b2-by*c2)/den, d.y[a] + (bx*c2-cx*b2)/den}
}

// VoronoiLonLat is [Voronoi] of lon/lat points (degrees) on the Mercator
// projection, as [DelaunayLonLat] triangulates them, so that the cells'
// neighbours are its edges; the cells come back in lon/lat degrees, clipped
// to bound (lon/lat degrees). Latitudes are clamped to ±85°.
func VoronoiLonLat(pts []orb.Point, bound orb.Bound) []orb.Ring {
	proj := make([]orb.Point, len(pts))
	for i, p := range pts {
		proj[i] = mercator(p)
	}
	cells := Voronoi(proj, orb.Bound{Min: mercator(bound.Min), Max: mercator(bound.Max)})
	for _, r := range cells {
		for k, p := range r {
			r[k] = unmercator(p)
		}
	}
	return cells
}

// mercator projects lon/lat degrees onto the spherical Mercator plane
// (x = λ, y = ln tan(π/4 + φ/2), radians), the latitude clamped to ±85°.
func mercator(p orb.Point) orb.Point {
	lat := math.Max(-85, math.Min(85, p[1])) * math.Pi / 180
	return orb.Point{p[0] * math.Pi / 180, math.Log(math.Tan(math.Pi/4 + lat/2))}
}

// unmercator is the inverse of mercator, in lon/lat degrees.
func unmercator(p orb.Point) orb.Point {
	return orb.Point{p[0] * 180 / math.Pi, (2*math.Atan(math.Exp(p[1])) - math.Pi/2) * 180 / math.Pi}
}

// boundRing is b as a closed counter-clockwise ring.
func boundRing(b orb.Bound) orb.Ring {
	return orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
}

// ClipConvex returns the part of the polygonal geometry g (a Polygon,
// MultiPolygon, Ring or Collection of them) inside window, a convex,
// closed, counter-clockwise ring: a Polygon, a MultiPolygon when several
// polygons of g remain, or nil when none does. Each ring is clipped by
// Sutherland–Hodgman (Sutherland & Hodgman 1974), exact for a convex
// window and any subject: a subject that the window cuts into several
// pieces comes back as one ring whose pieces are joined along the window's
// edge by zero-area bridges, which fills and point-in-polygon tests ignore.
// A polygon whose exterior vanishes is dropped, and so is a hole that does.
func ClipConvex(g orb.Geometry, window orb.Ring) orb.Geometry {
	wb := window.Bound()
	var out orb.MultiPolygon
	forEachPolygon(g, func(p orb.Polygon) {
		if len(p) == 0 || !p[0].Bound().Intersects(wb) {
			return
		}
		ext := clipRing(p[0], window)
		if ext == nil {
			return
		}
		q := orb.Polygon{ext}
		for _, h := range p[1:] {
			if !h.Bound().Intersects(wb) {
				continue
			}
			if c := clipRing(h, window); c != nil {
				q = append(q, c)
			}
		}
		if hasBridge(q, window) {
			// Cut the zero-area bridges: split the segments along each
			// window edge at one another's ends, so that a bridge's two
			// ways are the same segments reversed, which Dissolve cancels
			// before it traces the pieces as rings of their own.
			if d, err := Dissolve([]orb.Geometry{splitAlongWindow(q, window)}); err == nil {
				forEachPolygon(d, func(p orb.Polygon) { out = append(out, p) })
				return
			}
		}
		out = append(out, q)
	})
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// clipRing clips the closed ring r to the convex counter-clockwise window
// by Sutherland–Hodgman; nil when fewer than three points remain. The
// intersection of a ring edge with a window edge is computed from the two
// segments in a canonical order, so two neighbouring cells that clip the
// same ring edge along their common edge get the same point.
func clipRing(r orb.Ring, window orb.Ring) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	cur := make([]orb.Point, len(r)-1)
	copy(cur, r[:len(r)-1])
	next := make([]orb.Point, 0, len(cur)+4)
	for k := 0; k+1 < len(window) && len(cur) > 0; k++ {
		a, b := window[k], window[k+1]
		if a == b {
			continue
		}
		side := func(p orb.Point) float64 { return (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0]) }
		next = next[:0]
		prev := cur[len(cur)-1]
		sp := side(prev)
		allIn := true
		for _, p := range cur {
			s := side(p)
			switch {
			case s >= 0 && sp >= 0:
				next = append(next, p)
			case s >= 0: // entering
				next = append(next, cross(prev, p, a, b), p)
			case sp >= 0: // leaving
				next = append(next, cross(prev, p, a, b))
				allIn = false
			default:
				allIn = false
			}
			prev, sp = p, s
		}
		if allIn {
			continue
		}
		cur, next = next, cur
	}
	// Drop repeated points.
	res := make(orb.Ring, 0, len(cur)+1)
	for _, p := range cur {
		if len(res) == 0 || res[len(res)-1] != p {
			res = append(res, p)
		}
	}
	for len(res) > 1 && res[0] == res[len(res)-1] {
		res = res[:len(res)-1]
	}
	if len(res) < 3 {
		return nil
	}
	return append(res, res[0])
}

// cross is the point where segment p–q crosses the line through a and b,
// computed with both pairs in lexicographic order so that the result does
// not depend on which way either is walked.
func cross(p, q, a, b orb.Point) orb.Point {
	if less(q, p) {
		p, q = q, p
	}
	if less(b, a) {
		a, b = b, a
	}
	dx, dy := q[0]-p[0], q[1]-p[1]
	ex, ey := b[0]-a[0], b[1]-a[1]
	den := dx*ey - dy*ex
	if den == 0 {
		return p
	}
	t := ((a[0]-p[0])*ey - (a[1]-p[1])*ex) / den
	t = math.Max(0, math.Min(1, t))
	return orb.Point{p[0] + t*dx, p[1] + t*dy}
}

// onEdge tells whether p lies on the line through a and b, within a
// rounding error relative to the edge's length.
func onEdge(p, a, b orb.Point) bool {
	ex, ey := b[0]-a[0], b[1]-a[1]
	l2 := ex*ex + ey*ey
	if l2 == 0 {
		return false
	}
	c := ex*(p[1]-a[1]) - ey*(p[0]-a[0])
	return c*c <= 1e-20*l2*l2
}

// windowSegments lists, for window edge k, the ring segments (ring, index
// of its first point) of p that lie along it.
func windowSegments(p orb.Polygon, a, b orb.Point) [][2]int {
	var segs [][2]int
	for ri, r := range p {
		for i := 0; i+1 < len(r); i++ {
			if r[i] != r[i+1] && onEdge(r[i], a, b) && onEdge(r[i+1], a, b) {
				segs = append(segs, [2]int{ri, i})
			}
		}
	}
	return segs
}

// hasBridge tells whether two or more segments of p lie along one edge of
// the window: a Sutherland–Hodgman bridge (or two pieces touching the edge,
// which splitting leaves as they are).
func hasBridge(p orb.Polygon, window orb.Ring) bool {
	for k := 0; k+1 < len(window); k++ {
		if len(windowSegments(p, window[k], window[k+1])) >= 2 {
			return true
		}
	}
	return false
}

// splitAlongWindow splits every segment of p that lies along a window edge
// at the ends of the other such segments that fall inside it.
func splitAlongWindow(p orb.Polygon, window orb.Ring) orb.Polygon {
	// cuts[ring][i] are the points to insert after point i of the ring.
	cuts := make([]map[int][]orb.Point, len(p))
	for k := 0; k+1 < len(window); k++ {
		a, b := window[k], window[k+1]
		segs := windowSegments(p, a, b)
		if len(segs) < 2 {
			continue
		}
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := func(q orb.Point) float64 { return (q[0]-a[0])*dx + (q[1]-a[1])*dy }
		var ends []orb.Point
		for _, s := range segs {
			r := p[s[0]]
			ends = append(ends, r[s[1]], r[s[1]+1])
		}
		for _, s := range segs {
			r := p[s[0]]
			u, v := r[s[1]], r[s[1]+1]
			tu, tv := t(u), t(v)
			var in []orb.Point
			for _, e := range ends {
				if te := t(e); e != u && e != v && te > math.Min(tu, tv) && te < math.Max(tu, tv) {
					in = append(in, e)
				}
			}
			if len(in) == 0 {
				continue
			}
			slices.SortFunc(in, func(x, y orb.Point) int {
				if tu < tv {
					return cmpFloat(t(x), t(y))
				}
				return cmpFloat(t(y), t(x))
			})
			if cuts[s[0]] == nil {
				cuts[s[0]] = map[int][]orb.Point{}
			}
			cuts[s[0]][s[1]] = slices.Compact(in)
		}
	}
	out := make(orb.Polygon, len(p))
	for ri, r := range p {
		if cuts[ri] == nil {
			out[ri] = r
			continue
		}
		nr := make(orb.Ring, 0, len(r)+4)
		for i, q := range r {
			nr = append(nr, q)
			nr = append(nr, cuts[ri][i]...)
		}
		out[ri] = nr
	}
	return out
}
