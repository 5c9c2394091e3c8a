package align

import (
	"math"
	"slices"
)

// dsearch is the state of the contiguous / cut-edge search: an assignment
// of units to territories kept connected, with loads, members and (for the
// distance objective) a center per territory.
type dsearch struct {
	p       *model
	assign  []int
	load    []float64
	members [][]int
	mpos    []int
	cen     []int // distance objective: territory → center unit
	capT    []float64
	obj     float64
	moved   float64
	scale   float64
	// scratch
	mark  []int32
	stamp int32
	queue []int
	local []int // unit → local index in the current region, −1
}

func newDSearch(p *model) *dsearch {
	s := &dsearch{p: p, assign: make([]int, p.n), load: make([]float64, p.k), members: make([][]int, p.k),
		mpos: make([]int, p.n), capT: make([]float64, p.k), mark: make([]int32, p.n), local: make([]int, p.n)}
	for i := range s.local {
		s.local[i] = -1
	}
	s.scale = math.Max(1, p.total)
	for t := range s.capT {
		s.capT[t] = p.hi
	}
	return s
}

func (s *dsearch) capOf(c int) float64 {
	h := s.p.hi
	if cp := s.p.capacity[c]; cp > 0 && !s.p.cut {
		h = math.Min(h, cp)
	}
	return h
}

func (s *dsearch) viol(t int, load float64) float64 {
	v := 0.0
	if load > s.capT[t] {
		v += load - s.capT[t]
	}
	if load < s.p.lo {
		v += s.p.lo - load
	}
	return v
}

// movedViol is the excess of moved demand over the limit, weighted by
// movedWeight so that the disruption limit acts as a hard constraint
// against balance and capacity violations.
func (s *dsearch) movedViol(m float64) float64 { return movedWeight * math.Max(0, m-s.p.moveCap) }

func (s *dsearch) total() (float64, float64) {
	v := s.movedViol(s.moved)
	for t := range s.p.k {
		v += s.viol(t, s.load[t])
		if len(s.members[t]) == 0 {
			v += s.scale // an empty territory is the worst violation
		}
	}
	return v, s.obj
}

// install loads an assignment, computes centers (distance objective) and
// the objective.
func (s *dsearch) install(assign []int) {
	p := s.p
	for t := range p.k {
		s.load[t] = 0
		s.members[t] = s.members[t][:0]
	}
	s.moved = 0
	for j, t := range assign {
		s.assign[j] = t
		s.mpos[j] = len(s.members[t])
		s.members[t] = append(s.members[t], j)
		s.load[t] += p.demand[j]
		if c := p.current[j]; c >= 0 && c != t {
			s.moved += p.demand[j]
		}
	}
	if !p.cut {
		if s.cen == nil {
			s.cen = make([]int, p.k)
		}
		for t := range p.k {
			s.cen[t], _ = s.median(s.members[t], s.load[t])
			s.capT[t] = p.hi
			if s.cen[t] >= 0 {
				s.capT[t] = s.capOf(s.cen[t])
			}
		}
	}
	s.obj = s.objective()
}

func (s *dsearch) objective() float64 {
	p := s.p
	if p.cut {
		c := 0
		for _, e := range p.edges {
			if s.assign[e[0]] != s.assign[e[1]] {
				c++
			}
		}
		return float64(c)
	}
	sum := 0.0
	for j, t := range s.assign {
		sum += p.weight[j] * p.d(j, s.cen[t])
	}
	return sum
}

// median returns the 1-median of units (the member minimizing the weighted
// distance sum), preferring members whose capacity holds load; −1 if empty.
func (s *dsearch) median(units []int, load float64) (int, float64) {
	p := s.p
	best, bestS := -1, math.Inf(1)
	bestFits := false
	for _, c := range units {
		fits := s.capOf(c) >= load-capEps*s.scale
		if bestFits && !fits {
			continue
		}
		limit := bestS
		if fits && !bestFits {
			limit = math.Inf(1)
		}
		sum := 0.0
		for _, j := range units {
			sum += p.weight[j] * p.d(j, c)
			if sum >= limit {
				break
			}
		}
		if sum < limit || (fits && !bestFits) && sum <= limit {
			best, bestS, bestFits = c, sum, fits
		}
	}
	return best, bestS
}

func (s *dsearch) move(j, b int) {
	p := s.p
	a := s.assign[j]
	m := s.members[a]
	i := s.mpos[j]
	last := m[len(m)-1]
	m[i] = last
	s.mpos[last] = i
	s.members[a] = m[:len(m)-1]
	s.load[a] -= p.demand[j]
	s.mpos[j] = len(s.members[b])
	s.members[b] = append(s.members[b], j)
	s.load[b] += p.demand[j]
	s.assign[j] = b
	if c := p.current[j]; c >= 0 {
		if c == a {
			s.moved += p.demand[j]
		} else if c == b {
			s.moved -= p.demand[j]
		}
	}
}

// connectedWithout reports whether territory a stays connected when unit
// j leaves it: a breadth-first search from one neighbour of j inside a that
// stops as soon as every neighbour of j inside a is reached (j is then not
// an articulation point of a; Ricca & Simeone 2008 use the same test).
func (s *dsearch) connectedWithout(j, a int) bool {
	p := s.p
	need, start := 0, -1
	for _, v := range p.adj[j] {
		if s.assign[v] == a {
			need++
			start = v
		}
	}
	if need <= 1 {
		return need == 1 || len(s.members[a]) == 1
	}
	s.stamp++
	st := s.stamp
	s.mark[j] = st
	s.mark[start] = st
	found := 1
	q := append(s.queue[:0], start)
	// neighbours of j get a distinct mark so we can count them
	isNbr := func(u int) bool {
		for _, v := range p.adj[j] {
			if v == u {
				return true
			}
		}
		return false
	}
	for len(q) > 0 {
		u := q[len(q)-1]
		q = q[:len(q)-1]
		for _, v := range p.adj[u] {
			if s.mark[v] == st || s.assign[v] != a {
				continue
			}
			s.mark[v] = st
			if isNbr(v) {
				found++
				if found == need {
					s.queue = q
					return true
				}
			}
			q = append(q, v)
		}
	}
	s.queue = q
	return false
}

// flipDelta is the change of (violation, objective) when j moves from a to b.
func (s *dsearch) flipDelta(j, a, b int) (float64, float64) {
	p := s.p
	dj := p.demand[j]
	dv := s.viol(a, s.load[a]-dj) - s.viol(a, s.load[a]) + s.viol(b, s.load[b]+dj) - s.viol(b, s.load[b])
	if c := p.current[j]; c >= 0 && !math.IsInf(p.moveCap, 1) {
		m := s.moved
		if c == a {
			m += dj
		} else if c == b {
			m -= dj
		}
		dv += s.movedViol(m) - s.movedViol(s.moved)
	}
	var do float64
	if p.cut {
		for _, v := range p.adj[j] {
			switch s.assign[v] {
			case a:
				do++
			case b:
				do--
			}
		}
	} else {
		do = p.weight[j] * (p.d(j, s.cen[b]) - p.d(j, s.cen[a]))
	}
	return dv, do
}

// flips moves single boundary units to a neighbouring territory while that
// improves (violation, objective) and keeps every territory connected and
// nonempty (boundary moves with articulation checks). It returns whether
// anything moved.
func (s *dsearch) flips(r *runner) bool {
	p := s.p
	order := make([]int, p.n)
	for i := range order {
		order[i] = i
	}
	any := false
	for pass := 0; pass < 50; pass++ {
		r.rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		improved := false
		for _, j := range order {
			if r.hardStop() {
				return any
			}
			a := s.assign[j]
			if p.locked[j] || len(s.members[a]) == 1 || (!p.cut && s.cen[a] == j) {
				continue
			}
			bestB, bestV, bestO := -1, 0.0, 0.0
			for _, v := range p.adj[j] {
				b := s.assign[v]
				if b == a || b == bestB {
					continue
				}
				dv, do := s.flipDelta(j, a, b)
				if bestB < 0 && better(dv, do, s.scale) || bestB >= 0 && better(dv-bestV, do-bestO, s.scale) {
					bestB, bestV, bestO = b, dv, do
				}
			}
			if bestB < 0 && !p.contig {
				continue
			}
			if bestB < 0 || (p.contig && !s.connectedWithout(j, a)) {
				continue
			}
			s.move(j, bestB)
			s.obj += bestO
			improved, any = true, true
		}
		if !improved {
			break
		}
	}
	if !p.cut && any {
		s.recenter()
	}
	return any
}

// recenter moves every center to its territory's 1-median.
func (s *dsearch) recenter() {
	for t := range s.p.k {
		if len(s.members[t]) > 0 {
			s.cen[t], _ = s.median(s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	s.obj = s.objective()
}

// tree is a random spanning tree of a region, rooted, in BFS order.
type tree struct {
	units  []int     // local index → unit
	order  []int     // local indices in BFS order from the root
	parent []int     // local parent, −1 for the root
	sub    []float64 // demand of the subtree
	size   []int     // units in the subtree
}

// spanningTree draws a random spanning tree (forest, when the region is
// disconnected: then the components are joined by virtual edges) of the
// region by Kruskal's algorithm on random edge weights.
func (s *dsearch) spanningTree(r *runner, region []int) *tree {
	p := s.p
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
	var find func(int) int
	find = func(x int) int {
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

// rangeViol is how far x lies outside [lo, hi].
func rangeViol(x, lo, hi float64) float64 {
	if x < lo {
		return lo - x
	}
	if x > hi {
		return x - hi
	}
	return 0
}

// seedTree partitions the units into k connected parts by recursive
// spanning-tree splitting (the recursive tree partition of DeFord, Duchin &
// Solomon 2021): cut off one part whose demand lies in [lo, hi] while the
// rest can still make k−1 parts, and repeat on the rest. After many failed
// trees the bounds are widened, so a partition is always returned.
func (s *dsearch) seedTree(r *runner) []int {
	all := make([]int, s.p.n)
	ids := make([]int, s.p.k)
	for i := range all {
		all[i] = i
	}
	for i := range ids {
		ids[i] = i
	}
	return s.seedTreeOn(r, make([]int, s.p.n), all, ids)
}

// seedTreeOn is seedTree on part of the units: it partitions region into
// the territories ids (setting assign for the region's units only) and
// returns assign.
func (s *dsearch) seedTreeOn(r *runner, assign, region, ids []int) []int {
	var regionD float64
	for _, u := range region {
		regionD += s.p.demand[u]
	}
	slack := 0.0
	mean := regionD / float64(len(ids))
	for attempt := 0; ; attempt++ {
		if s.cutParts(r, assign, region, ids, s.p.lo-slack*mean, s.p.hi+slack*mean, 40, true) {
			return assign
		}
		if attempt%10 == 9 {
			if slack == 0 {
				slack = 0.001
			} else {
				slack *= 2
			}
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
				if m-sz >= kk-1 && rangeViol(sd, l, h) == 0 && rangeViol(restD-sd, float64(kk-1)*l, float64(kk-1)*h) == 0 {
					cands = append(cands, v+1)
				}
				if sz >= kk-1 && rangeViol(restD-sd, l, h) == 0 && rangeViol(sd, float64(kk-1)*l, float64(kk-1)*h) == 0 {
					cands = append(cands, -(v + 1))
				}
			}
			if len(cands) == 0 {
				continue
			}
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

// fromCurrent starts from the current plan: keeps each territory's largest
// connected piece (the one with a locked unit first), hands the other units
// to neighbouring territories, and fills empty territories by splitting the
// largest ones.
func (s *dsearch) fromCurrent(r *runner) []int {
	p := s.p
	assign := slices.Clone(p.current)
	if p.contig {
		// label the pieces of every territory
		piece := make([]int, p.n)
		for i := range piece {
			piece[i] = -1
		}
		type pc struct {
			t      int
			demand float64
			locked bool
		}
		var pieces []pc
		for u := range p.n {
			if piece[u] >= 0 || assign[u] < 0 {
				continue // labelled, or without a current territory
			}
			id := len(pieces)
			pieces = append(pieces, pc{t: assign[u]})
			q := []int{u}
			piece[u] = id
			for len(q) > 0 {
				x := q[len(q)-1]
				q = q[:len(q)-1]
				pieces[id].demand += p.demand[x]
				pieces[id].locked = pieces[id].locked || p.locked[x]
				for _, y := range p.adj[x] {
					if piece[y] < 0 && assign[y] == assign[u] {
						piece[y] = id
						q = append(q, y)
					}
				}
			}
		}
		keep := make([]int, p.k)
		for t := range keep {
			keep[t] = -1
		}
		for id, x := range pieces {
			b := keep[x.t]
			if b < 0 || x.locked && !pieces[b].locked || x.locked == pieces[b].locked && x.demand > pieces[b].demand {
				keep[x.t] = id
			}
		}
		for u := range p.n {
			if assign[u] >= 0 && keep[assign[u]] != piece[u] {
				assign[u] = -1
			}
		}
		// grow kept pieces over the released units
		for changed := true; changed; {
			changed = false
			for u := range p.n {
				if assign[u] >= 0 {
					continue
				}
				best := -1
				for _, v := range p.adj[u] {
					if t := assign[v]; t >= 0 && (best < 0 || s.loadOf(assign, t) < s.loadOf(assign, best)) {
						best = t
					}
				}
				if best >= 0 {
					assign[u] = best
					changed = true
				}
			}
		}
		for u := range p.n { // unreachable units (no edges): keep current
			if assign[u] < 0 {
				assign[u] = p.current[u]
			}
		}
	}
	// Units still without a territory (no current one and no neighbour that
	// has one) join the lightest territory; contiguity repair follows.
	if slices.Contains(assign, -1) {
		load := make([]float64, p.k)
		for u, t := range assign {
			if t >= 0 {
				load[t] += p.demand[u]
			}
		}
		for u := range p.n {
			if assign[u] < 0 {
				best := 0
				for t := 1; t < p.k; t++ {
					if load[t] < load[best] {
						best = t
					}
				}
				assign[u] = best
				load[best] += p.demand[u]
			}
		}
	}
	s.fillEmpty(r, assign)
	return assign
}

// fillEmpty gives every empty territory a piece of the largest territory:
// the subtree of a random spanning tree of it, without locked units, whose
// demand is closest to half (both pieces stay connected).
func (s *dsearch) fillEmpty(r *runner, assign []int) {
	p := s.p
	for t := range p.k {
		if slices.Contains(assign, t) {
			continue
		}
		load := make([]float64, p.k)
		count := make([]int, p.k)
		for u, x := range assign {
			load[x] += p.demand[u]
			count[x]++
		}
		big := -1
		for x := range p.k {
			if count[x] >= 2 && (big < 0 || load[x] > load[big]) {
				big = x
			}
		}
		if big < 0 {
			return
		}
		var region []int
		for u, x := range assign {
			if x == big {
				region = append(region, u)
			}
		}
		bestV, bestD := -1, math.Inf(1)
		var bestT *tree
		for range 20 {
			tr := s.spanningTree(r, region)
			for v := range tr.units {
				if tr.parent[v] < 0 {
					continue
				}
				if d := math.Abs(tr.sub[v] - load[big]/2); d < bestD {
					in := make([]bool, len(tr.units))
					tr.side(v, in)
					ok := true
					for i, u := range tr.units {
						if in[i] && p.locked[u] {
							ok = false
							break
						}
					}
					if ok {
						bestV, bestD, bestT = v, d, tr
					}
				}
			}
		}
		if bestT == nil {
			return // every piece holds a locked unit: the territory stays empty
		}
		in := make([]bool, len(bestT.units))
		bestT.side(bestV, in)
		for i, u := range bestT.units {
			if in[i] {
				assign[u] = t
			}
		}
	}
}

func (s *dsearch) loadOf(assign []int, t int) float64 {
	l := 0.0
	for u, x := range assign {
		if x == t {
			l += s.p.demand[u]
		}
	}
	return l
}

// splitCandidate is one way to cut a region of two territories in two.
type splitCandidate struct {
	v      int  // local vertex whose subtree is one part
	subToA bool // the subtree goes to territory a
	viol   float64
	obj    float64
}

// recom merges two neighbouring territories and splits the union again
// along a random spanning tree (ReCom, DeFord, Duchin & Solomon 2021; the
// merge-and-split of Ricca & Simeone 2008), taking the best split of a few
// trees when it is no worse than the current pair. It reports whether the
// state changed.
func (s *dsearch) recom(r *runner, trees int, strict bool) bool {
	p := s.p
	if len(p.edges) == 0 || p.k < 2 {
		return false
	}
	// While some territory violates its bounds, two moves in three focus on
	// it and one of its neighbours, with more trees: repairs need the rare
	// split that lands in the window. (No random draw when none violates.)
	a, b := s.violatingPair(r)
	if a >= 0 && r.rng.IntN(3) != 0 {
		trees *= 6
	} else {
		a, b = -1, -1
	}
	for tries := 0; a < 0; tries++ {
		e := p.edges[r.rng.IntN(len(p.edges))]
		if x, y := s.assign[e[0]], s.assign[e[1]]; x != y {
			a, b = x, y
		} else if tries > 200 {
			return false
		}
	}
	region := make([]int, 0, len(s.members[a])+len(s.members[b]))
	region = append(region, s.members[a]...)
	region = append(region, s.members[b]...)
	D := s.load[a] + s.load[b]
	// current pair's score
	curV := s.viol(a, s.load[a]) + s.viol(b, s.load[b])
	curO := s.pairObjective(a, b, region)
	bestV, bestO := math.Inf(1), math.Inf(1)
	var best *tree
	bestC := splitCandidate{}
	in := make([]bool, len(region))
	for range trees {
		if r.hardStop() {
			break
		}
		t := s.spanningTree(r, region)
		for i, u := range region {
			s.local[u] = i
		}
		// screen by balance
		minV := math.Inf(1)
		var cands []int
		for v := range t.units {
			if t.parent[v] < 0 {
				continue
			}
			sd := t.sub[v]
			vv := rangeViol(sd, p.lo, p.hi) + rangeViol(D-sd, p.lo, p.hi)
			if vv < minV-capEps*s.scale {
				minV = vv
				cands = cands[:0]
			}
			if vv <= minV+capEps*s.scale {
				cands = append(cands, v)
			}
		}
		if minV > bestV+capEps*s.scale {
			continue
		}
		r.rng.Shuffle(len(cands), func(x, y int) { cands[x], cands[y] = cands[y], cands[x] })
		if len(cands) > 6 {
			cands = cands[:6]
		}
		for _, v := range cands {
			t.side(v, in)
			for _, subToA := range []bool{true, false} {
				vv, oo, ok := s.splitScore(t, in, subToA, a, b)
				if !ok {
					continue
				}
				if vv < bestV-capEps*s.scale || vv <= bestV+capEps*s.scale && oo < bestO {
					bestV, bestO, best = vv, oo, t
					bestC = splitCandidate{v: v, subToA: subToA, viol: vv, obj: oo}
				}
			}
		}
	}
	for _, u := range region {
		s.local[u] = -1
	}
	if best == nil {
		return false
	}
	curMV := s.movedViol(s.moved)
	dv := bestV - (curV + curMV)
	do := bestO - curO
	if strict {
		if !better(dv, do, s.scale) {
			return false
		}
	} else if dv > capEps*s.scale || dv >= -capEps*s.scale && do > 1e-9*math.Max(1, math.Abs(curO)) {
		return false
	}
	// apply
	best.side(bestC.v, in)
	for i, u := range best.units {
		to := b
		if in[i] == bestC.subToA {
			to = a
		}
		if s.assign[u] != to {
			s.move(u, to)
		}
	}
	if !p.cut {
		for _, t := range [2]int{a, b} {
			s.cen[t], _ = s.median(s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	s.obj += do
	if !p.cut {
		s.obj = s.objective()
	}
	return true
}

// violating lists the territories outside their balance or capacity bounds.
func (s *dsearch) violating() []int {
	var bad []int
	for t := range s.p.k {
		if s.viol(t, s.load[t]) > capEps*s.scale {
			bad = append(bad, t)
		}
	}
	return bad
}

// violatingPair picks a random territory outside its balance or capacity
// bounds and a random territory adjacent to it; −1, −1 if none violates.
func (s *dsearch) violatingPair(r *runner) (int, int) {
	p := s.p
	bad := s.violating()
	if len(bad) == 0 {
		return -1, -1
	}
	a := bad[r.rng.IntN(len(bad))]
	var nb []int
	for _, u := range s.members[a] {
		for _, v := range p.adj[u] {
			if t := s.assign[v]; t != a && !slices.Contains(nb, t) {
				nb = append(nb, t)
			}
		}
	}
	if len(nb) == 0 {
		return -1, -1
	}
	return a, nb[r.rng.IntN(len(nb))]
}

// pairObjective is the objective restricted to territories a and b: cut
// edges incident to the region, or the distance sum of both.
func (s *dsearch) pairObjective(a, b int, region []int) float64 {
	p := s.p
	if p.cut {
		c := 0.0
		for _, u := range region {
			for _, v := range p.adj[u] {
				if s.assign[v] != s.assign[u] && (u < v || s.assign[v] != a && s.assign[v] != b) {
					c++
				}
			}
		}
		return c
	}
	sum := 0.0
	for _, u := range region {
		sum += p.weight[u] * p.d(u, s.cen[s.assign[u]])
	}
	return sum
}

// splitScore is the (violation including the moved share, objective) of the
// pair after the split, or ok false when the split breaks a lock.
func (s *dsearch) splitScore(t *tree, in []bool, subToA bool, a, b int) (float64, float64, bool) {
	p := s.p
	la, lb := 0.0, 0.0
	moved := s.moved
	var ua, ub []int
	for i, u := range t.units {
		to := b
		if in[i] == subToA {
			to = a
		}
		if p.locked[u] && p.current[u] != to {
			return 0, 0, false
		}
		if c := p.current[u]; c >= 0 {
			if s.assign[u] == c && to != c {
				moved += p.demand[u]
			} else if s.assign[u] != c && to == c {
				moved -= p.demand[u]
			}
		}
		if to == a {
			la += p.demand[u]
			ua = append(ua, u)
		} else {
			lb += p.demand[u]
			ub = append(ub, u)
		}
	}
	if len(ua) == 0 || len(ub) == 0 {
		return 0, 0, false
	}
	var obj float64
	vv := s.movedViol(moved)
	if p.cut {
		vv += rangeViol(la, p.lo, p.hi) + rangeViol(lb, p.lo, p.hi)
		for i, u := range t.units {
			side := in[i]
			for _, v := range p.adj[u] {
				tv := s.assign[v]
				if tv != a && tv != b {
					obj++ // edges to outside stay cut
					continue
				}
				if u < v {
					// v is in the region: compare sides
					if s.localSide(t, in, v) != side {
						obj++
					}
				}
			}
		}
	} else {
		ca, sa := s.median(ua, la)
		cb, sb := s.median(ub, lb)
		obj = sa + sb
		vv += rangeViol(la, p.lo, math.Min(p.hi, s.capOf(ca))) + rangeViol(lb, p.lo, math.Min(p.hi, s.capOf(cb)))
	}
	return vv, obj, true
}

// localSide tells on which side of the split unit v (in the region) lies.
func (s *dsearch) localSide(t *tree, in []bool, v int) bool {
	return in[s.local[v]]
}

// solveDistrict seeds a contiguous partition (from the current plan when
// one is given with a disruption limit or locks, else by recursive tree
// partition), then alternates boundary moves and merge-and-split
// recombination, accepting sideways recombinations to cross plateaus, with
// restarts from the best answer; it returns the best answer found, compared
// on (violation, objective).
//
// For the distance objective the Lagrangian p-median bound (Beasley 1993)
// is a valid lower bound too: it relaxes balance, contiguity, locks and the
// disruption limit.
func solveDistrict(p *model, r *runner) (assign, centers []int, lb float64) {
	s := newDSearch(p)
	// Start from the current plan when the answer must stay near it; units
	// without a current territory (a dissolved one) are handed to neighbours.
	someCurrent := slices.ContainsFunc(p.current, func(c int) bool { return c >= 0 })
	hasCurrent := someCurrent && (!math.IsInf(p.moveCap, 1) || slices.Contains(p.locked, true))
	// With locks but no disruption limit, only the locked territories are
	// tied to today: the rest is partitioned afresh (faster to balance than
	// today's plan when today's is far from balanced, e.g. one per state).
	locksOnly := hasCurrent && math.IsInf(p.moveCap, 1)
	var start []int
	if locksOnly {
		start = s.seedAroundLocks(r)
	}
	if start == nil && hasCurrent {
		start = s.fromCurrent(r)
		locksOnly = false
	} else if start == nil {
		start = s.seedTree(r)
	}
	s.install(start)
	s.flips(r)
	lb = math.NaN()
	if !p.cut && p.mat != nil {
		init := make([]float64, p.n)
		for j, t := range s.assign {
			init[j] = p.d(j, s.cen[t])
		}
		lb = lagrangeBound(p, r, s.obj, init, 0.08)
	}
	bv, bo := s.total()
	r.noteViolation(bv, s.scale)
	best := slices.Clone(s.assign)
	rv, ro := bv, bo // best of the current restart
	stall, restarts, sinceGlobal, clusterCalls := 0, 0, 0, 0
	const clusterEvery = 25
	const trees = 4
	restartAfter := max(200, min(4000+40*p.k, 60*p.n))
	for !r.stop() && sinceGlobal < 12 {
		r.iters++
		changed := s.recom(r, trees, false)
		// While the restart still violates a bound, now and then merge a
		// violating territory with several around it (see recomCluster).
		if rv > capEps*s.scale && r.iters%clusterEvery == 0 {
			m := 3 + clusterCalls%6
			clusterCalls++
			if s.recomCluster(r, m, 4, 30) {
				changed = true
			}
		}
		if changed && r.iters%16 == 0 {
			s.flips(r)
		}
		v, o := s.total()
		if better(v-rv, o-ro, s.scale) {
			rv, ro = v, o
			stall = 0
			if better(v-bv, o-bo, s.scale) {
				bv, bo = v, o
				r.noteViolation(bv, s.scale)
				copy(best, s.assign)
				sinceGlobal = 0
			}
		} else {
			stall++
		}
		if stall >= restartAfter {
			// restart: a fresh partition, or the best one when the plan
			// must stay near the current one
			restarts++
			sinceGlobal++
			if start := s.restartPoint(r, hasCurrent, locksOnly); start != nil {
				s.install(start)
			} else {
				s.install(best)
			}
			s.flips(r)
			rv, ro = s.total()
			stall = 0
		}
	}
	s.install(best)
	s.flips(r)
	if v, o := s.total(); better(v-bv, o-bo, s.scale) {
		copy(best, s.assign)
	} else {
		s.install(best)
	}
	if !p.cut {
		centers = slices.Clone(s.cen)
	}
	return best, centers, lb
}

// restartPoint gives a restart point: a fresh tree partition (around the
// locked territories when only locks tie the search to today), or nil when
// the search is tied to the current plan (restart from the best).
func (s *dsearch) restartPoint(r *runner, tied, locksOnly bool) []int {
	switch {
	case locksOnly:
		return s.seedAroundLocks(r)
	case tied:
		return nil
	}
	return s.seedTree(r)
}

// seedAroundLocks keeps every territory holding a locked unit as it is
// today and partitions the other units afresh among the other territories
// (seedTreeOn); nil when those units are not connected through the edges or
// no territory is left for them.
func (s *dsearch) seedAroundLocks(r *runner) []int {
	p := s.p
	lockedT := make([]bool, p.k)
	for u := range p.n {
		if p.locked[u] && p.current[u] >= 0 {
			lockedT[p.current[u]] = true
		}
	}
	assign := make([]int, p.n)
	in := make([]bool, p.n)
	var region []int
	for u := range p.n {
		if c := p.current[u]; c >= 0 && lockedT[c] {
			assign[u] = c
		} else {
			region = append(region, u)
			in[u] = true
		}
	}
	var ids []int
	for t := range p.k {
		if !lockedT[t] {
			ids = append(ids, t)
		}
	}
	if len(ids) == 0 || len(region) < len(ids) {
		return nil
	}
	// the units left must be connected, or a part could straddle two pieces
	label := make([]int, p.n)
	for u := range label {
		label[u] = -1
		if in[u] {
			label[u] = 0
		}
	}
	if components(p, label)[0] != 1 {
		return nil
	}
	return s.seedTreeOn(r, assign, region, ids)
}
