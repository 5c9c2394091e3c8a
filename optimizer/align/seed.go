package align

import (
	"math"
	"slices"
)

// seedTree partitions the units into k connected parts by recursive
// spanning-tree splitting (the recursive tree partition of DeFord, Duchin &
// Solomon 2021): cut off one part whose demand lies in [lo, hi] while the
// rest can still make k−1 parts, and repeat on the rest. After many failed
// trees the bounds are widened, so a partition is always returned.
func (s *dsearch) seedTree(r *runner) []int {
	return s.seedTreeOn(r, make([]int, s.p.n), upTo(s.p.n), upTo(s.p.k))
}

// seedTreeOn is seedTree on part of the units: it partitions region into
// the territories ids (setting assign for the region's units only) and
// returns assign.
//
// Above maxMatrix units it bisects instead (seedSplit, seed_split.go),
// which never starts over.
func (s *dsearch) seedTreeOn(r *runner, assign, region, ids []int) []int {
	if s.p.n > maxMatrix {
		return s.seedSplit(r, assign, region, ids)
	}
	var regionD float64
	for _, u := range region {
		regionD += s.p.demand[u]
	}
	slack := 0.0
	mean := regionD / float64(len(ids))
	for attempt := 0; ; attempt++ {
		s.mslack, s.msoft = slack, attempt >= seedStrictAttempts
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
		// grow kept pieces over the released units (loads kept as they
		// grow: recomputing them per unit was O(n²) at ZIP scale)
		load := make([]float64, p.k)
		for u, t := range assign {
			if t >= 0 {
				load[t] += p.demand[u]
			}
		}
		for changed := true; changed; {
			changed = false
			r.progressNow()
			for u := range p.n {
				if assign[u] >= 0 {
					continue
				}
				best := -1
				for _, v := range p.adj[u] {
					if t := assign[v]; t >= 0 && (best < 0 || load[t] < load[best]) {
						best = t
					}
				}
				if best >= 0 {
					assign[u] = best
					load[best] += p.demand[u]
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
		for try := range 20 {
			if try > 0 && bestT != nil && r.expired() {
				break // out of time: the first tree's cut does
			}
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
						if in[i] && p.lockT[u] >= 0 {
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

// restartPoint gives a restart point: a fresh tree partition (around the
// locked territories when only locks tie the search to today), or nil when
// the search is tied to the current plan (restart from the best).
func (s *dsearch) restartPoint(r *runner, tied, locksOnly bool) []int {
	switch {
	case s.p.fixed != nil:
		return s.seedCenters(r, 0.3)
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
