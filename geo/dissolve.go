package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Dissolve returns the outline of a set of polygonal units as one Polygon or MultiPolygon, with
// the boundaries they share removed. Inputs are Polygons, MultiPolygons or Collections of them
// (nil entries are skipped); ring orientation is normalized first, so any winding is accepted.
//
// The algorithm is boundary-segment cancellation followed by ring assembly: every ring is
// split into directed segments with the unit's interior on the left; a segment a→b of one
// unit and b→a of another are an inner boundary and cancel. The segments left form the
// outline; they are chained into rings by the planar face-tracing rule (at each vertex take
// the leftmost turn, i.e. the next edge clockwise from the reverse of the incoming one; de Berg
// et al., Computational Geometry, 3rd ed., 2008, §2.2), which splits rings at pinch points.
// Counter-clockwise rings are exteriors and clockwise rings holes, each hole assigned to the
// smallest exterior containing it. The result has exactly the input coordinates.
//
// It is exact for topologically clean inputs (neighbours share vertices along their common
// boundaries, as in TopoJSON); where neighbours' vertices differ, the unmatched boundary stays
// and appears as slivers. An error is returned when there is no polygon to dissolve.
func Dissolve(geoms []orb.Geometry) (orb.Geometry, error) {
	count := map[dissolveEdge]int{}
	var order []dissolveEdge // first appearance order, for a deterministic result
	add := func(e dissolveEdge) {
		if e.a == e.b {
			return
		}
		if rev := (dissolveEdge{e.b, e.a}); count[rev] > 0 {
			count[rev]--
			return
		}
		if count[e] == 0 {
			order = append(order, e)
		}
		count[e]++
	}
	for gi, g := range geoms {
		var err error
		forEachPolygon(g, func(p orb.Polygon) {
			for k, r := range p {
				if err != nil || len(r) < 3 {
					continue
				}
				for _, pt := range r {
					if !finite(pt) {
						err = fmt.Errorf("geo: dissolve: geometry %d: non-finite coordinate", gi)
						return
					}
				}
				if r[0] != r[len(r)-1] {
					r = append(append(orb.Ring(nil), r...), r[0])
				}
				a := signedArea(r)
				if a == 0 {
					continue
				}
				reverse := (k == 0 && a < 0) || (k > 0 && a > 0)
				for i := 0; i+1 < len(r); i++ {
					if reverse {
						add(dissolveEdge{r[i+1], r[i]})
					} else {
						add(dissolveEdge{r[i], r[i+1]})
					}
				}
			}
		})
		if err != nil {
			return nil, err
		}
	}

	out := map[orb.Point][]*dissolveHalf{}
	var starts []*dissolveHalf
	for _, e := range order {
		for c := count[e]; c > 0; c-- {
			h := &dissolveHalf{from: e.a, to: e.b}
			out[e.a] = append(out[e.a], h)
			starts = append(starts, h)
		}
	}
	if len(starts) == 0 {
		return nil, errors.New("geo: dissolve: no polygon to dissolve")
	}

	var rings []orb.Ring
	for _, h0 := range starts {
		if h0.used {
			continue
		}
		ring := orb.Ring{h0.from}
		h := h0
		for {
			h.used = true
			ring = append(ring, h.to)
			next := leftmost(h, out[h.to], h0)
			if next == nil || next == h0 {
				break
			}
			h = next
		}
		if ring[len(ring)-1] != ring[0] {
			ring = append(ring, ring[0])
		}
		if len(ring) >= 4 && signedArea(ring) != 0 {
			rings = append(rings, ring)
		}
	}
	return assemble(rings)
}

// dissolveEdge is a directed boundary segment with the region on its left.
type dissolveEdge struct{ a, b orb.Point }

// dissolveHalf is one remaining outline segment during ring assembly.
type dissolveHalf struct {
	from, to orb.Point
	used     bool
}

// leftmost picks, among the unused outgoing segments at in.to (and start, which closes the
// ring), the one making the leftmost turn from in: the first clockwise from the reverse of in.
func leftmost(in *dissolveHalf, cands []*dissolveHalf, start *dissolveHalf) *dissolveHalf {
	dx, dy := in.to[0]-in.from[0], in.to[1]-in.from[1]
	var best *dissolveHalf
	bestAngle := math.Inf(-1)
	for _, c := range cands {
		if c.used && c != start {
			continue
		}
		ex, ey := c.to[0]-c.from[0], c.to[1]-c.from[1]
		// Turn angle in (-π, π]: positive is a left turn; a full reversal counts as the
		// rightmost turn (-π) so a spike is only taken when nothing else is left.
		ang := math.Atan2(dx*ey-dy*ex, dx*ex+dy*ey)
		if ang == math.Pi {
			ang = -math.Pi
		}
		if best == nil || ang > bestAngle {
			best, bestAngle = c, ang
		}
	}
	return best
}

// forEachPolygon calls f for every polygon of a polygonal geometry.
func forEachPolygon(g orb.Geometry, f func(orb.Polygon)) {
	switch g := g.(type) {
	case orb.Polygon:
		f(g)
	case orb.MultiPolygon:
		for _, p := range g {
			f(p)
		}
	case orb.Ring:
		f(orb.Polygon{g})
	case orb.Collection:
		for _, c := range g {
			forEachPolygon(c, f)
		}
	}
}

// assemble turns traced rings into a Polygon or MultiPolygon: counter-clockwise rings are
// exteriors, clockwise ones holes of the smallest exterior that contains them.
func assemble(rings []orb.Ring) (orb.Geometry, error) {
	var exteriors []orb.Polygon
	var areas []float64
	var holes []orb.Ring
	for _, r := range rings {
		switch a := signedArea(r); {
		case a > 0:
			exteriors = append(exteriors, orb.Polygon{r})
			areas = append(areas, a)
		case a < 0:
			holes = append(holes, r)
		}
		// A ring of zero area (a there-and-back along one line, as a
		// clip's bridge leaves) encloses nothing and is dropped.
	}
	if len(exteriors) == 0 {
		return nil, errors.New("geo: dissolve: the outline has no exterior ring")
	}
	total := 0.0
	for _, a := range areas {
		total += a
	}
	for _, h := range holes {
		pt := insidePoint(h)
		best := -1
		for i, p := range exteriors {
			if (best < 0 || areas[i] < areas[best]) && planar.RingContains(p[0], pt) {
				best = i
			}
		}
		if best < 0 {
			// A sliver between neighbours whose shared boundary does not
			// quite match (clipped cells) can trace as a hole outside
			// every exterior: one of less than a millionth of the
			// outline's area is dropped, a larger one is an error.
			if -signedArea(h) < 1e-6*total {
				continue
			}
			return nil, errors.New("geo: dissolve: a hole lies outside every exterior ring (overlapping inputs?)")
		}
		exteriors[best] = append(exteriors[best], h)
	}
	if len(exteriors) == 1 {
		return exteriors[0], nil
	}
	// Largest first, for a stable and readable result.
	idx := make([]int, len(exteriors))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case areas[a] > areas[b]:
			return -1
		case areas[a] < areas[b]:
			return 1
		}
		return 0
	})
	mp := make(orb.MultiPolygon, len(idx))
	for k, i := range idx {
		mp[k] = exteriors[i]
	}
	return mp, nil
}

// insidePoint is a point just left of the midpoint of the longest segment of a hole: inside the
// dissolved region (which lies to the left of a hole's edges) and off every vertex.
func insidePoint(r orb.Ring) orb.Point {
	best, bestLen := 0, -1.0
	for i := 0; i+1 < len(r); i++ {
		dx, dy := r[i+1][0]-r[i][0], r[i+1][1]-r[i][1]
		if l := dx*dx + dy*dy; l > bestLen {
			best, bestLen = i, l
		}
	}
	a, b := r[best], r[best+1]
	l := math.Sqrt(bestLen)
	off := 1e-7 * l
	dx, dy := (b[0]-a[0])/l, (b[1]-a[1])/l
	return orb.Point{(a[0]+b[0])/2 - dy*off, (a[1]+b[1])/2 + dx*off}
}
