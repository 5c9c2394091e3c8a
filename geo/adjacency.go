package geo

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"
)

// Contiguity says what two units must share to be neighbours.
type Contiguity int

const (
	// Rook units share at least one boundary segment (both endpoints). It is the default.
	Rook Contiguity = iota
	// Queen units share at least one boundary vertex; it includes every rook pair plus units
	// meeting only at a corner (e.g. the Four Corners states).
	Queen
)

// String names the contiguity: "rook" or "queen".
func (c Contiguity) String() string {
	if c == Queen {
		return "queen"
	}
	return "rook"
}

// AdjacencyOptions configures Adjacency. The zero value gives rook contiguity on exact
// coordinates without bridges, which is right for TopoJSON, whose shared arcs give neighbours
// bit-identical coordinates.
type AdjacencyOptions struct {
	// Contiguity is Rook (default, zero value) or Queen.
	Contiguity Contiguity
	// Tolerance, in degrees, snaps every vertex to a grid of this spacing before matching, for
	// inputs whose neighbours repeat each other's vertices only approximately (shapefiles
	// written by different tools). Zero (default) matches exact coordinates. Neighbours must
	// still have a vertex at each end of a shared segment: boundaries digitized with different
	// vertices are not matched by rook contiguity.
	Tolerance float64
	// Bridge, when true, adds edges so that the graph is connected: each component is linked
	// to the nearest unit of another component, by the distance between unit centroids, until
	// one component remains. Default false.
	Bridge bool
}

// Edge is a pair of units, A < B, linked by a bridge.
type Edge struct {
	A, B int
	// Distance between the centroids of A and B, in meters (haversine).
	Distance float64
}

// Graph is the neighbour graph of a layer of units, indexed like the geometries given to
// Adjacency.
type Graph struct {
	// Neighbors lists, for each unit, its neighbours in increasing order, bridges included.
	Neighbors [][]int
	// Contiguity is the rule the graph was built with.
	Contiguity Contiguity
	// Islands are the units with no neighbour by geometry (before bridging), in increasing
	// order. A unit with an empty or nil geometry is an island.
	Islands []int
	// Components are the connected components by geometry (before bridging), largest first
	// (ties by smallest unit), each in increasing order.
	Components [][]int
	// Bridges are the edges added because Bridge was set, in the order they were added;
	// nil otherwise.
	Bridges []Edge
}

// Degree is the number of neighbours of unit i, bridges included.
func (g *Graph) Degree(i int) int { return len(g.Neighbors[i]) }

// IsNeighbor reports whether units i and j are neighbours (bridges included).
func (g *Graph) IsNeighbor(i, j int) bool {
	_, ok := slices.BinarySearch(g.Neighbors[i], j)
	return ok
}

// Adjacency builds the neighbour graph of geoms: two units are neighbours when their
// boundaries share a segment (Rook) or a vertex (Queen), per opts. Polygons, MultiPolygons,
// Rings and Collections of them contribute their rings; other geometries have no boundary and
// are islands. It reports islands and connected components and, if opts.Bridge is set, bridges
// the components (Borůvka 1926: each round links every component but the largest to its
// nearest other component, found with orb's quadtree over centroids; union-find keeps the
// result a forest). Matching is by sorting boundary keys, O(n log n) in the number of vertices.
func Adjacency(geoms []orb.Geometry, opts AdjacencyOptions) Graph {
	n := len(geoms)
	snap := func(p orb.Point) [2]int64 {
		if opts.Tolerance > 0 {
			return [2]int64{int64(math.Round(p[0] / opts.Tolerance)), int64(math.Round(p[1] / opts.Tolerance))}
		}
		// +0 folds -0 into 0, so the bits of equal coordinates are equal.
		return [2]int64{int64(math.Float64bits(p[0] + 0)), int64(math.Float64bits(p[1] + 0))}
	}
	type entry struct {
		key  [4]int64
		unit int32
	}
	var entries []entry
	for u, g := range geoms {
		forEachRing(g, func(r orb.Ring) {
			if len(r) == 0 {
				return
			}
			prev := snap(r[0])
			if opts.Contiguity == Queen {
				entries = append(entries, entry{[4]int64{prev[0], prev[1]}, int32(u)})
			}
			for _, p := range r[1:] {
				cur := snap(p)
				if cur == prev {
					continue
				}
				if opts.Contiguity == Queen {
					entries = append(entries, entry{[4]int64{cur[0], cur[1]}, int32(u)})
				} else {
					a, b := prev, cur
					if b[0] < a[0] || (b[0] == a[0] && b[1] < a[1]) {
						a, b = b, a
					}
					entries = append(entries, entry{[4]int64{a[0], a[1], b[0], b[1]}, int32(u)})
				}
				prev = cur
			}
		})
	}
	slices.SortFunc(entries, func(x, y entry) int {
		for k := 0; k < 4; k++ {
			if c := cmp.Compare(x.key[k], y.key[k]); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.unit, y.unit)
	})
	var pairs []uint64
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].key == entries[i].key {
			j++
		}
		for a := i; a < j; a++ {
			for b := a + 1; b < j; b++ {
				ua, ub := entries[a].unit, entries[b].unit
				if ua != ub {
					pairs = append(pairs, uint64(ua)<<32|uint64(ub))
				}
			}
		}
		i = j
	}
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)

	g := Graph{Neighbors: make([][]int, n), Contiguity: opts.Contiguity}
	for _, pr := range pairs {
		a, b := int(pr>>32), int(uint32(pr))
		g.Neighbors[a] = append(g.Neighbors[a], b)
		g.Neighbors[b] = append(g.Neighbors[b], a)
	}
	for i := range g.Neighbors {
		slices.Sort(g.Neighbors[i])
		if len(g.Neighbors[i]) == 0 {
			g.Islands = append(g.Islands, i)
		}
	}
	g.Components = components(g.Neighbors)
	if opts.Bridge && len(g.Components) > 1 {
		g.Bridges = bridge(geoms, g.Components)
		for _, e := range g.Bridges {
			g.Neighbors[e.A] = insertSorted(g.Neighbors[e.A], e.B)
			g.Neighbors[e.B] = insertSorted(g.Neighbors[e.B], e.A)
		}
	}
	return g
}

func insertSorted(s []int, v int) []int {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}

// forEachRing calls f for every ring of a polygonal geometry.
func forEachRing(g orb.Geometry, f func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Ring:
		f(g)
	case orb.Polygon:
		for _, r := range g {
			f(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				f(r)
			}
		}
	case orb.Collection:
		for _, c := range g {
			forEachRing(c, f)
		}
	}
}

// components returns the connected components of a graph, largest first (ties by smallest
// member), each sorted.
func components(nb [][]int) [][]int {
	seen := make([]bool, len(nb))
	var out [][]int
	var stack []int
	for s := range nb {
		if seen[s] {
			continue
		}
		seen[s] = true
		comp := []int{s}
		stack = append(stack[:0], s)
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range nb[u] {
				if !seen[v] {
					seen[v] = true
					comp = append(comp, v)
					stack = append(stack, v)
				}
			}
		}
		slices.Sort(comp)
		out = append(out, comp)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// indexedPoint is a centroid in the bridge quadtree.
type indexedPoint struct {
	p orb.Point
	i int
}

func (ip indexedPoint) Point() orb.Point { return ip.p }

// bridge links the components into one, returning the added edges.
func bridge(geoms []orb.Geometry, comps [][]int) []Edge {
	n := len(geoms)
	cent := make([]orb.Point, n)
	has := make([]bool, n)
	var bound orb.Bound
	first := true
	for i, g := range geoms {
		c, ok := Centroid(g)
		if !ok {
			continue
		}
		cent[i], has[i] = c, true
		if first {
			bound, first = orb.Bound{Min: c, Max: c}, false
		} else {
			bound = bound.Extend(c)
		}
	}
	if first {
		return nil // no unit has a location: nothing to measure bridges by
	}
	// Pad a degenerate bound so the quadtree has room.
	bound = bound.Pad(1e-9)
	qt := quadtree.New(bound)
	for i := range geoms {
		if has[i] {
			_ = qt.Add(indexedPoint{cent[i], i})
		}
	}
	uf := newUnionFind(n)
	for _, c := range comps {
		for _, u := range c[1:] {
			uf.union(c[0], u)
		}
	}
	var bridges []Edge
	var buf []orb.Pointer
	for {
		// Group current components; stop when one remains.
		groups := map[int][]int{}
		for i := 0; i < n; i++ {
			if has[i] {
				r := uf.find(i)
				groups[r] = append(groups[r], i)
			}
		}
		if len(groups) <= 1 {
			break
		}
		largest, size := -1, -1
		roots := make([]int, 0, len(groups))
		for r, members := range groups {
			roots = append(roots, r)
			if len(members) > size || (len(members) == size && r < largest) {
				largest, size = r, len(members)
			}
		}
		slices.Sort(roots)
		var cands []Edge
		for _, r := range roots {
			if r == largest {
				continue
			}
			best := Edge{A: -1}
			for _, u := range groups[r] {
				buf = qt.KNearestMatching(buf[:0], cent[u], 1, func(p orb.Pointer) bool {
					return uf.find(p.(indexedPoint).i) != r
				})
				if len(buf) == 0 {
					continue
				}
				v := buf[0].(indexedPoint).i
				d := Haversine(cent[u], cent[v])
				if best.A < 0 || d < best.Distance {
					best = Edge{A: min(u, v), B: max(u, v), Distance: d}
				}
			}
			if best.A >= 0 {
				cands = append(cands, best)
			}
		}
		if len(cands) == 0 {
			break
		}
		slices.SortStableFunc(cands, func(x, y Edge) int { return cmp.Compare(x.Distance, y.Distance) })
		for _, e := range cands {
			if uf.union(e.A, e.B) {
				bridges = append(bridges, e)
			}
		}
	}
	return bridges
}

// unionFind is a disjoint-set forest with path halving and union by size (Tarjan 1975).
type unionFind struct{ parent, size []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = i, 1
	}
	return u
}

func (u *unionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// union merges the sets of a and b and reports whether they were distinct.
func (u *unionFind) union(a, b int) bool {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return false
	}
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
	return true
}

// Bridges returns the edges that connect the graph given by edges (pairs of
// indexes into geoms) into one component, each linking a component to the
// nearest unit of another by centroid distance, as AdjacencyOptions.Bridge
// does for a graph built from geometry. Callers whose graph comes from
// elsewhere (a stored layer, a subset of its units) use this.
func Bridges(geoms []orb.Geometry, edges [][2]int) []Edge {
	nb := make([][]int, len(geoms))
	for _, e := range edges {
		nb[e[0]] = append(nb[e[0]], e[1])
		nb[e[1]] = append(nb[e[1]], e[0])
	}
	return bridge(geoms, components(nb))
}
