package align

import (
	"math"
	"slices"
	"time"
)

// capSearch is the state of the capacitated (and balanced, non-contiguous)
// distance search: a center per territory and an assignment of units.
type capSearch struct {
	tally
	cen      []int // territory → center unit
	centerOf []int // unit → territory it centers, −1
	cand     [][]int32
	cost     float64
	nCand    int
}

// newCapSearch returns an empty search state for p.
func newCapSearch(p *model) *capSearch {
	s := &capSearch{tally: newTally(p), centerOf: make([]int, p.n), cand: make([][]int32, p.n)}
	s.nCand = min(p.k, 12)
	return s
}

// total returns the violation and the cost of the current state.
func (s *capSearch) total() (float64, float64) {
	v := s.movedViol(s.moved)
	for t := range s.p.k {
		v += s.tviol(t)
	}
	return v, s.cost
}

// setCenters installs the centers and the candidate lists: for every unit,
// the nCand territories with the closest centers.
func (s *capSearch) setCenters(cen []int) {
	p := s.p
	s.cen = append(s.cen[:0], cen...)
	for i := range s.centerOf {
		s.centerOf[i] = -1
	}
	for t, c := range s.cen {
		s.centerOf[c] = t
		s.capT[t] = s.capOf(c)
	}
	var ds []float64
	var ts []int32
	for j := range p.n {
		c := s.cand[j][:0]
		for _, u := range p.near[j] {
			if t := s.centerOf[u]; t >= 0 {
				c = append(c, int32(t))
				if len(c) == s.nCand {
					break
				}
			}
		}
		// A truncated near list (above 1,500 units) may hold fewer
		// centers; with at least two the unit has a regret and a move.
		if len(c) < s.nCand && (len(c) < 2 || len(p.near[j]) == p.n) {
			c = c[:0]
			if ds == nil {
				ds, ts = make([]float64, p.k), make([]int32, p.k)
			}
			for t, ct := range s.cen {
				ts[t], ds[t] = int32(t), p.d(j, ct)
			}
			slices.SortStableFunc(ts, func(a, b int32) int {
				if ds[a] < ds[b] {
					return -1
				} else if ds[a] > ds[b] {
					return 1
				}
				return 0
			})
			c = append(c, ts[:s.nCand]...)
		}
		s.cand[j] = c
	}
}

// put assigns unit j, unassigned, to territory t.
func (s *capSearch) put(j, t int) {
	s.assign[j] = t
	s.addMember(j, t)
	s.load[t] += s.p.demand[j]
	if s.p.nm > 0 {
		s.madd(j, t, 1)
	}
	s.cost += s.p.weight[j] * s.p.d(j, s.cen[t])
	if c := s.p.current[j]; c >= 0 && c != t {
		s.moved += s.p.demand[j]
	}
}

// take unassigns unit j (its territory becomes −1).
func (s *capSearch) take(j int) {
	t := s.assign[j]
	s.removeMember(j, t)
	s.load[t] -= s.p.demand[j]
	if s.p.nm > 0 {
		s.madd(j, t, -1)
	}
	s.cost -= s.p.weight[j] * s.p.d(j, s.cen[t])
	if c := s.p.current[j]; c >= 0 && c != t {
		s.moved -= s.p.demand[j]
	}
	s.assign[j] = -1
}

// regret builds an assignment for the current centers by regret: centers
// and locked units first, then the other units in decreasing order of the
// difference between their second and first candidate, each to the closest
// territory with room (Osman & Christofides 1994).
func (s *capSearch) regret() {
	p := s.p
	for t := range p.k {
		s.load[t] = 0
		s.members[t] = s.members[t][:0]
	}
	s.cost, s.moved = 0, 0
	s.mreset()
	for j := range s.assign {
		s.assign[j] = -1
	}
	for t, c := range s.cen {
		s.put(c, t)
	}
	order := make([]int, 0, p.n)
	regret := make([]float64, p.n)
	for j := range p.n {
		if s.assign[j] >= 0 {
			continue
		}
		if p.lockT[j] >= 0 {
			s.put(j, p.lockT[j])
			continue
		}
		c := s.cand[j]
		if len(c) > 1 {
			regret[j] = p.weight[j] * (p.d(j, s.cen[c[1]]) - p.d(j, s.cen[c[0]]))
		} else {
			regret[j] = math.Inf(1)
		}
		order = append(order, j)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if regret[a] > regret[b] {
			return -1
		} else if regret[a] < regret[b] {
			return 1
		}
		if p.demand[a] > p.demand[b] {
			return -1
		} else if p.demand[a] < p.demand[b] {
			return 1
		}
		return 0
	})
	for _, j := range order {
		dj := p.demand[j]
		best := -1
		for _, t := range s.cand[j] {
			if s.load[t]+dj <= s.capT[t]+capEps {
				best = int(t)
				break
			}
		}
		if best < 0 {
			bd := math.Inf(1)
			room, roomT := math.Inf(-1), 0
			for t, c := range s.cen {
				r := s.capT[t] - s.load[t]
				if r >= dj-capEps {
					if d := p.d(j, c); d < bd {
						bd, best = d, t
					}
				}
				if r > room {
					room, roomT = r, t
				}
			}
			if best < 0 {
				best = roomT
			}
		}
		s.put(j, best)
	}
}

// improve applies shift and swap moves of units between territories until
// none improves (violation first, then cost).
func (s *capSearch) improve(r *runner) {
	p := s.p
	scale := math.Max(1, p.total)
	for pass := 0; pass < 100; pass++ {
		if r.hardStop() {
			return
		}
		improved := false
		for j := range p.n {
			a := s.assign[j]
			if p.lockT[j] >= 0 || s.centerOf[j] >= 0 {
				continue
			}
			dj, wj := p.demand[j], p.weight[j]
			da := p.d(j, s.cen[a])
			// shift
			for _, tb := range s.cand[j] {
				b := int(tb)
				if b == a {
					continue
				}
				dv := s.shiftViol(j, a, b)
				dc := wj * (p.d(j, s.cen[b]) - da)
				if better(dv, dc, scale) {
					s.take(j)
					s.put(j, b)
					improved = true
					break
				}
			}
			if s.assign[j] != a {
				continue
			}
			// swap with a unit of a nearby territory
		swap:
			for ci, tb := range s.cand[j] {
				b := int(tb)
				if b == a || ci >= 6 {
					continue
				}
				db := p.d(j, s.cen[b])
				for _, l := range s.members[b] {
					if p.lockT[l] >= 0 || s.centerOf[l] >= 0 {
						continue
					}
					dl := p.demand[l]
					dc := wj*(db-da) + p.weight[l]*(p.d(l, s.cen[a])-p.d(l, s.cen[b]))
					if dc >= 0 {
						continue
					}
					la, lb := s.load[a]-dj+dl, s.load[b]+dj-dl
					dv := s.viol(a, la) - s.viol(a, s.load[a]) + s.viol(b, lb) - s.viol(b, s.load[b])
					if p.nm > 0 {
						dv += s.mswap(j, l, a, b)
					}
					if !math.IsInf(p.moveCap, 1) {
						m := s.moved
						for _, x := range [2]struct {
							u, from, to int
						}{{j, a, b}, {l, b, a}} {
							if c := p.current[x.u]; c >= 0 {
								if x.from == c {
									m += p.demand[x.u]
								} else if x.to == c {
									m -= p.demand[x.u]
								}
							}
						}
						dv += s.movedViol(m) - s.movedViol(s.moved)
					}
					if better(dv, dc, scale) {
						s.take(j)
						s.take(l)
						s.put(j, b)
						s.put(l, a)
						improved = true
						break swap
					}
				}
			}
		}
		if !improved {
			return
		}
	}
}

// relocate moves each territory's center to the member that minimizes the
// territory's distance sum among those whose capacity holds its load (the
// location step of location–allocation, Cooper 1964). It reports whether a
// center changed.
func (s *capSearch) relocate() bool {
	p := s.p
	changed := false
	cen := slices.Clone(s.cen)
	for t, m := range s.members {
		if p.fixed != nil && p.fixed[t] >= 0 {
			continue // a fixed center (Problem.Centers) stays
		}
		bestC, bestS := s.cen[t], 0.0
		for _, j := range m {
			bestS += p.weight[j] * p.d(j, s.cen[t])
		}
		for _, c := range m {
			if c == s.cen[t] || s.capOf(c) < s.load[t]-capEps && s.capOf(c) < s.capT[t] {
				continue
			}
			sum := 0.0
			for _, j := range m {
				sum += p.weight[j] * p.d(j, c)
				if sum >= bestS {
					break
				}
			}
			if sum < bestS-capEps*math.Max(1, bestS) {
				bestS, bestC = sum, c
			}
		}
		if bestC != s.cen[t] {
			cen[t] = bestC
			changed = true
		}
	}
	if changed {
		assign := slices.Clone(s.assign)
		s.setCenters(cen)
		s.reload(assign)
	}
	return changed
}

// reload installs an assignment for the current centers.
func (s *capSearch) reload(assign []int) {
	for t := range s.p.k {
		s.load[t] = 0
		s.members[t] = s.members[t][:0]
	}
	s.cost, s.moved = 0, 0
	s.mreset()
	for j, t := range assign {
		s.put(j, t)
	}
}

// descend runs assignment improvement and center relocation until neither
// changes anything.
func (s *capSearch) descend(r *runner) {
	for range 50 {
		s.improve(r)
		if r.hardStop() || !s.relocate() {
			return
		}
	}
}

// solveCapacitated runs an iterated local search (Lourenço, Martin & Stützle
// 2003) over location–allocation descents: start from p-median medians
// (greedy + fast interchange), assign by regret, descend; then repeatedly
// move one to three centers of the best solution to nearby units or to
// far-served units, reassign and descend, keeping the best. A Lagrangian
// bound with knapsack subproblems (Beasley 1993) gives the lower bound when
// only capacities (no balance, locks or disruption limit) constrain.
func solveCapacitated(p *model, r *runner) (assign, centers []int, lb float64) {
	lb = math.NaN()
	var med, runs []int
	if p.mat == nil && p.kind != kindMatrix {
		// no distance matrix: the greedy would compute n distances per
		// candidate and step
		med, runs = sweepCenters(p)
	}
	if p.n > 1500 {
		buildNearGrid(p, 300, r)
	} else {
		p.buildNear(p.n)
	}
	if p.fixed != nil {
		return solveFixedCenters(p, r)
	}
	if runs != nil && r.expired() && !slices.Contains(p.locked, true) {
		// out of time before any search: the runs are a complete plan
		return runs, med, lb
	}
	if med == nil {
		pm := newPMed(p)
		pm.greedy(r, 0)
		if p.n <= 1500 {
			pm.localSearch(r)
		}
		med = pm.med
	}
	// A locked unit keeps its territory's label: make it that label's
	// center, so that the label and the lock agree from the start.
	fixed := make([]bool, p.k)
	for j, l := range p.locked {
		c := p.current[j]
		if !l || fixed[c] {
			continue
		}
		if pos := slices.Index(med, j); pos >= 0 {
			med[pos], med[c] = med[c], med[pos]
		} else {
			med[c] = j
		}
		fixed[c] = true
	}
	s := newCapSearch(p)
	s.setCenters(med)
	if cur := completePlan(p); cur != nil {
		// start from the current plan, centered on each territory's 1-median
		cen := make([]int, p.k)
		for t := range cen {
			bestS := math.Inf(1)
			for c, tc := range cur {
				if tc != t {
					continue
				}
				sum := 0.0
				for j, tj := range cur {
					if tj == t {
						sum += p.weight[j] * p.d(j, c)
					}
				}
				if sum < bestS {
					bestS, cen[t] = sum, c
				}
			}
		}
		s.setCenters(cen)
		s.reload(cur)
	} else {
		s.regret()
	}
	s.descend(r)
	bv, bc := s.total()
	r.noteViolation(bv, scaleOf(p))
	bestCen, bestAssign := slices.Clone(s.cen), slices.Clone(s.assign)
	if p.lo == 0 && math.IsInf(p.hi, 1) && math.IsInf(p.moveCap, 1) && !slices.Contains(p.locked, true) && p.n <= 600 && bv == 0 {
		init := make([]float64, p.n)
		for j := range init {
			init[j] = p.d(j, s.cen[s.assign[j]])
		}
		lb = lagrangeBound(p, r, bc, init, 0.2)
	}
	proven := func() bool { return bv == 0 && !math.IsNaN(lb) && bc-lb <= 1e-9*math.Max(1, bc) }
	// The region search re-solves demand and capacity only: not with
	// other measures to balance, locks or a disruption limit.
	regions := p.nm == 0 && !slices.Contains(p.locked, true) && math.IsInf(p.moveCap, 1)
	if p.n > 1500 && regions {
		// at this size one descent of the whole plan takes tens of
		// milliseconds: go straight to the region search
		s.regionSearch(r, uint64(p.in.Seed))
		return slices.Clone(s.assign), slices.Clone(s.cen), lb
	}
	scale := math.Max(1, p.total)
	stall := 0
	maxStall := 2000 + 20*p.k
	cen := make([]int, p.k)
	// the walk: perturb the current solution; accept a worse one when it is
	// within a small threshold (a record-to-record travel, Dueck 1993)
	curV, curC := bv, bc
	curCen, curAssign := slices.Clone(bestCen), slices.Clone(bestAssign)
	// When the region search follows, the walk gets a share of the budget
	// (time, and iterations if capped) that falls with k: each of its steps
	// re-solves the whole plan, O(n), to move one to three of k centers,
	// while a region step costs only the region.
	share := math.Min(0.5, 10/float64(p.k))
	half := r.start.Add(time.Duration(share * float64(r.limit)))
	halfIter := int(share * float64(r.maxIter))
	walkDone := func() bool {
		return regions && (time.Now().After(half) || halfIter > 0 && r.iters >= halfIter)
	}
	for !proven() && !r.stop() && stall < maxStall && !walkDone() {
		r.iters++
		copy(cen, curCen)
		s.setCenters(cen) // refresh centerOf for the perturbation
		moves := 1 + r.rng.IntN(min(3, p.k))
		for range moves {
			t := r.rng.IntN(p.k)
			var u int
			if r.rng.IntN(2) == 0 {
				// a unit near the center
				nr := p.near[cen[t]]
				if len(nr) < 2 {
					continue
				}
				u = int(nr[1+r.rng.IntN(min(len(nr)-1, 15))])
			} else {
				// a unit far from its center, drawn by its share of the cost
				x := r.rng.Float64() * s.cost
				u = p.n - 1
				for j := range p.n {
					x -= p.weight[j] * p.d(j, s.cen[s.assign[j]])
					if x <= 0 {
						u = j
						break
					}
				}
			}
			if s.centerOf[u] >= 0 || p.locked[u] && p.current[u] != t {
				continue
			}
			s.centerOf[cen[t]] = -1
			cen[t] = u
			s.centerOf[u] = t
		}
		s.setCenters(cen)
		s.regret()
		s.descend(r)
		v, c := s.total()
		if better(v-bv, c-bc, scale) {
			bv, bc = v, c
			r.noteViolation(bv, scale)
			copy(bestCen, s.cen)
			copy(bestAssign, s.assign)
			stall = 0
		} else {
			stall++
		}
		if better(v-curV, c-curC, scale) || v <= bv+capEps*scale && c <= bc*1.003 && r.rng.IntN(4) == 0 {
			curV, curC = v, c
			copy(curCen, s.cen)
			copy(curAssign, s.assign)
		}
		if stall > 0 && stall%200 == 0 {
			curV, curC = bv, bc
			copy(curCen, bestCen)
			copy(curAssign, bestAssign)
		}
		// keep s consistent with the current solution for the next perturbation
		s.setCenters(curCen)
		s.reload(curAssign)
	}
	if regions && !proven() {
		// the walk has stalled (or used its share): re-solve regions of
		// the best plan for the rest of the time
		s.setCenters(bestCen)
		s.reload(bestAssign)
		s.regionSearch(r, uint64(p.in.Seed))
		if v, c := s.total(); better(v-bv, c-bc, scale) {
			return slices.Clone(s.assign), slices.Clone(s.cen), lb
		}
	}
	return bestAssign, bestCen, lb
}

// completePlan returns the current plan when every unit has a current
// territory and every territory has a unit, else nil.
func completePlan(p *model) []int {
	seen := make([]bool, p.k)
	for _, c := range p.current {
		if c < 0 {
			return nil
		}
		seen[c] = true
	}
	if slices.Contains(seen, false) {
		return nil
	}
	return slices.Clone(p.current)
}
