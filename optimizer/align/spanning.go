package align

import (
	"math"
	"slices"
)

// tree is a random spanning tree of a region, rooted, in BFS order.
type tree struct {
	units  []int     // local index → unit
	order  []int     // local indices in BFS order from the root
	parent []int     // local parent, −1 for the root
	sub    []float64 // demand of the subtree
	size   []int     // units in the subtree
	msub   []float64 // extra measures of the subtree, msub[v·nm+i] (measures.go)
}

// spanningTree draws a random spanning tree (forest, when the region is
// disconnected: then the components are joined by virtual edges) of the
// region by Kruskal's algorithm on random edge weights.
func (s *dsearch) spanningTree(r *runner, region []int) *tree {
	p := s.p
	r.trees++
	for i, u := range region {
		s.local[u] = i
	}
	m := len(region)
	var es [][2]int
	for i, u := range region {
		for _, v := range p.adj[u] {
			if l := s.local[v]; l > i {
				es = append(es, [2]int{i, l})
			}
		}
	}
	r.rng.Shuffle(len(es), func(a, b int) { es[a], es[b] = es[b], es[a] })
	uf := make([]int, m)
	for i := range uf {
		uf[i] = i
	}
	find := func(x int) int {
		for uf[x] != x {
			uf[x] = uf[uf[x]]
			x = uf[x]
		}
		return x
	}
	tadj := make([][]int, m)
	joined := 0
	for _, e := range es {
		a, b := find(e[0]), find(e[1])
		if a != b {
			uf[a] = b
			tadj[e[0]] = append(tadj[e[0]], e[1])
			tadj[e[1]] = append(tadj[e[1]], e[0])
			joined++
		}
	}
	if joined < m-1 { // disconnected region: chain the components
		prev := -1
		for i := range m {
			if find(i) == i || prev < 0 {
				if prev >= 0 && find(prev) != find(i) {
					a, b := find(prev), find(i)
					uf[a] = b
					tadj[prev] = append(tadj[prev], i)
					tadj[i] = append(tadj[i], prev)
				}
				prev = i
			}
		}
		for i := range m { // any remaining roots
			if find(i) != find(0) {
				a, b := find(0), find(i)
				uf[b] = a
				tadj[0] = append(tadj[0], i)
				tadj[i] = append(tadj[i], 0)
			}
		}
	}
	t := &tree{units: region, order: make([]int, 0, m), parent: make([]int, m), sub: make([]float64, m), size: make([]int, m)}
	root := r.rng.IntN(m)
	for i := range t.parent {
		t.parent[i] = -2
	}
	t.parent[root] = -1
	t.order = append(t.order, root)
	for h := 0; h < len(t.order); h++ {
		u := t.order[h]
		for _, v := range tadj[u] {
			if t.parent[v] == -2 {
				t.parent[v] = u
				t.order = append(t.order, v)
			}
		}
	}
	for i := len(t.order) - 1; i >= 0; i-- {
		u := t.order[i]
		t.sub[u] += p.demand[region[u]]
		t.size[u]++
		if pu := t.parent[u]; pu >= 0 {
			t.sub[pu] += t.sub[u]
			t.size[pu] += t.size[u]
		}
	}
	p.msums(t)
	for _, u := range region {
		s.local[u] = -1
	}
	return t
}

// side marks, in in[], the units (local indices) of the subtree of v.
func (t *tree) side(v int, in []bool) {
	for i := range in {
		in[i] = false
	}
	in[v] = true
	for _, u := range t.order {
		if pu := t.parent[u]; pu >= 0 && in[pu] {
			in[u] = true
		}
	}
}

// cutParts makes one pass of the recursive tree partition: it cuts region
// (connected, or chained by spanningTree) into len(ids) connected parts
// whose demand each lies in [l, h], one part at a time off random spanning
// trees of what is left (up to tries trees per part), and writes ids[part]
// into assign for the region's units. It reports whether every part was cut
// (assign is partly written when not). Past the deadline it gives up, unless
// anyway is set: then any cut that leaves a unit for each later part does.
func (s *dsearch) cutParts(r *runner, assign, region, ids []int, l, h float64, tries int, anyway bool) bool {
	p := s.p
	k := len(ids)
	rest := slices.Clone(region)
	var restD float64
	for _, u := range region {
		restD += p.demand[u]
	}
	for part := 0; part < k-1; part++ {
		kk := k - part // parts still to make from rest, this one included
		found := false
		for try := 0; try < tries && !found; try++ {
			if r.hardStop() {
				if !anyway {
					return false
				}
				l, h = math.Inf(-1), math.Inf(1) // out of time: any split that leaves room
				s.mslack = math.Inf(1)
			}
			t := s.spanningTree(r, rest)
			// candidates: a subtree or its complement as the new part,
			// leaving at least one unit for each later part
			var cands []int
			m := len(t.units)
			for v := range t.units {
				if t.parent[v] < 0 {
					continue
				}
				sd, sz := t.sub[v], t.size[v]
				if m-sz >= kk-1 && rangeViol(sd, l, h) == 0 && rangeViol(restD-sd, float64(kk-1)*l, float64(kk-1)*h) == 0 && s.mcut(t, v, true, kk) {
					cands = append(cands, v+1)
				}
				if sz >= kk-1 && rangeViol(restD-sd, l, h) == 0 && rangeViol(sd, float64(kk-1)*l, float64(kk-1)*h) == 0 && s.mcut(t, v, false, kk) {
					cands = append(cands, -(v + 1))
				}
			}
			if len(cands) == 0 {
				continue
			}
			cands = s.mbest(t, cands, kk)
			c := cands[r.rng.IntN(len(cands))]
			in := make([]bool, m)
			t.side(max(c, -c)-1, in)
			var next []int
			for i, u := range t.units {
				if in[i] == (c > 0) {
					assign[u] = ids[part]
					restD -= p.demand[u]
				} else {
					next = append(next, u)
				}
			}
			rest = next
			found = true
		}
		if !found {
			return false
		}
	}
	for _, u := range rest {
		assign[u] = ids[k-1]
	}
	return true
}
