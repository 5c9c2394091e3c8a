package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Index locates points in a layer of polygonal units. It is a static R-tree over the bounds
// of every polygon part (a MultiPolygon contributes one entry per part), bulk-loaded by
// Sort-Tile-Recursive packing (Leutenegger, Lopez & Edgington 1997), followed by an exact
// point-in-polygon test (crossing number, Shimrat 1962, with the half-open rule so that a point
// on an edge shared by two units is counted in exactly one of them). An Index is immutable and
// safe for concurrent use.
type Index struct {
	parts []indexPart
	nodes []indexNode // nodes[0] is the root when len(parts) > 0
}

// indexPart is one polygon of one unit with its bounds.
type indexPart struct {
	bound orb.Bound
	poly  orb.Polygon
	unit  int
	// holeBounds[k] bounds ring k+1.
	holeBounds []orb.Bound
}

// indexNode is an R-tree node: its children are nodes[first:first+count] or, for a leaf,
// parts[first:first+count].
type indexNode struct {
	bound        orb.Bound
	first, count int
	leaf         bool
}

// indexFanout is the number of children per R-tree node.
const indexFanout = 16

// NewIndex builds an Index over geoms, whose positions are the unit numbers Locate returns.
// Polygons, MultiPolygons and Collections of them are indexed; other geometries and nil
// entries can never be located. Ring orientation does not matter.
func NewIndex(geoms []orb.Geometry) *Index {
	ix := &Index{}
	for u, g := range geoms {
		forEachPolygon(g, func(p orb.Polygon) {
			if len(p) == 0 || len(p[0]) < 4 {
				return
			}
			part := indexPart{bound: p[0].Bound(), poly: p, unit: u}
			for _, h := range p[1:] {
				part.holeBounds = append(part.holeBounds, h.Bound())
			}
			ix.parts = append(ix.parts, part)
		})
	}
	if len(ix.parts) == 0 {
		return ix
	}
	// STR: sort by centre x, cut into vertical slices, sort each slice by centre y, pack runs
	// of indexFanout into leaves; repeat on the leaves' bounds until one node remains.
	cx := func(b orb.Bound) float64 { return (b.Min[0] + b.Max[0]) / 2 }
	cy := func(b orb.Bound) float64 { return (b.Min[1] + b.Max[1]) / 2 }
	strSort := func(n int, bound func(i int) orb.Bound, swap func(order []int)) {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(cx(bound(a)), cx(bound(b))) })
		leaves := (n + indexFanout - 1) / indexFanout
		nSlices := int(math.Ceil(math.Sqrt(float64(leaves))))
		per := nSlices * indexFanout
		for s := 0; s < n; s += per {
			e := min(s+per, n)
			sortRange(order[s:e], func(a, b int) int { return cmpFloat(cy(bound(a)), cy(bound(b))) })
		}
		swap(order)
	}
	strSort(len(ix.parts), func(i int) orb.Bound { return ix.parts[i].bound }, func(order []int) {
		sorted := make([]indexPart, len(order))
		for k, i := range order {
			sorted[k] = ix.parts[i]
		}
		ix.parts = sorted
	})
	var level []indexNode
	for s := 0; s < len(ix.parts); s += indexFanout {
		e := min(s+indexFanout, len(ix.parts))
		b := ix.parts[s].bound
		for _, p := range ix.parts[s+1 : e] {
			b = b.Union(p.bound)
		}
		level = append(level, indexNode{bound: b, first: s, count: e - s, leaf: true})
	}
	// Build upper levels; nodes are stored root first by collecting levels then reversing.
	var levels [][]indexNode
	for {
		levels = append(levels, level)
		if len(level) == 1 {
			break
		}
		cur := level
		strSort(len(cur), func(i int) orb.Bound { return cur[i].bound }, func(order []int) {
			sorted := make([]indexNode, len(order))
			for k, i := range order {
				sorted[k] = cur[i]
			}
			copy(cur, sorted)
		})
		var up []indexNode
		for s := 0; s < len(cur); s += indexFanout {
			e := min(s+indexFanout, len(cur))
			b := cur[s].bound
			for _, n := range cur[s+1 : e] {
				b = b.Union(n.bound)
			}
			up = append(up, indexNode{bound: b, first: s, count: e - s})
		}
		level = up
	}
	// Lay out levels root first; rebase child offsets of internal nodes.
	offset := make([]int, len(levels))
	total := 0
	for l := len(levels) - 1; l >= 0; l-- {
		offset[l] = total
		total += len(levels[l])
	}
	ix.nodes = make([]indexNode, 0, total)
	for l := len(levels) - 1; l >= 0; l-- {
		for _, n := range levels[l] {
			if !n.leaf {
				n.first += offset[l-1]
			}
			ix.nodes = append(ix.nodes, n)
		}
	}
	return ix
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortRange(s []int, cmp func(a, b int) int) { slices.SortStableFunc(s, cmp) }

// Len is the number of polygon parts indexed.
func (ix *Index) Len() int { return len(ix.parts) }

// Locate returns the unit containing p (lon, lat in degrees) and true, or -1 and false if no
// unit contains it. Where units overlap, the one found first in the tree is returned.
func (ix *Index) Locate(p orb.Point) (int, bool) {
	if len(ix.nodes) == 0 || !finite(p) {
		return -1, false
	}
	var buf [128]int
	stack := append(buf[:0], 0)
	for len(stack) > 0 {
		n := &ix.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if !n.bound.Contains(p) {
			continue
		}
		if n.leaf {
			for i := n.first; i < n.first+n.count; i++ {
				part := &ix.parts[i]
				if part.bound.Contains(p) && part.contains(p) {
					return part.unit, true
				}
			}
			continue
		}
		for c := n.first + n.count - 1; c >= n.first; c-- {
			stack = append(stack, c)
		}
	}
	return -1, false
}

// contains reports whether p is inside the part's exterior and outside its holes.
func (part *indexPart) contains(p orb.Point) bool {
	if !ringCrossings(part.poly[0], p) {
		return false
	}
	for k, h := range part.poly[1:] {
		if part.holeBounds[k].Contains(p) && ringCrossings(h, p) {
			return false
		}
	}
	return true
}

// ringCrossings is the crossing-number (even-odd) test of p against a ring.
func ringCrossings(r orb.Ring, p orb.Point) bool {
	in := false
	x, y := p[0], p[1]
	n := len(r)
	j := n - 1
	for i := 0; i < n; i++ {
		yi, yj := r[i][1], r[j][1]
		if (yi > y) != (yj > y) {
			xi, xj := r[i][0], r[j][0]
			if x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
		j = i
	}
	return in
}
