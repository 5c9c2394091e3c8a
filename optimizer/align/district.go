package align

import (
	"math"
	"slices"
	"time"
)

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
	if p.fixed != nil {
		// fixed centers seed the territories (centers.go); locks are
		// honoured by the growth
		start = s.seedCenters(r, 0)
		hasCurrent, locksOnly = false, false
	}
	if p.fixed == nil && locksOnly {
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
	// Without a matrix the bound (lower_sparse.go) waits for the first
	// feasible answer: only a feasible answer reports one, and the repair
	// is what the time goes to first.
	boundLater := !p.cut && p.mat == nil
	if boundLater && bv <= capEps*s.scale {
		boundLater = false
		lb = s.sparseBoundNow(r)
	}
	best := slices.Clone(s.assign)
	rv, ro := bv, bo // best of the current restart
	stall, restarts, sinceGlobal, clusterCalls := 0, 0, 0, 0
	const clusterEvery = 25
	const trees = 4
	restartAfter := max(200, min(4000+40*p.k, 60*p.n))
	annealed := p.nm == 0
	for !r.stop() && sinceGlobal < 12 {
		r.iters++
		if !annealed && bv > capEps*s.scale && (r.maxIter > 0 && r.iters > r.maxIter/4 || r.maxIter == 0 && time.Since(r.start) > r.limit/4) {
			// Several bands that fight each other and a quarter of the
			// time gone without an answer in every band: anneal the best
			// answer with up to 70 % of the time left (anneal.go).
			annealed = true
			s.install(best)
			if s.anneal(r, time.Now().Add(time.Duration(0.7*float64(time.Until(r.deadline))))) {
				s.flips(r)
			}
			// The annealed answer becomes the restart's; the test below
			// takes it as the best when it is.
			rv, stall = math.Inf(1), 0
		}
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
			if p.n > maxMatrix {
				s.flipsNear(r) // flips_local.go: only near what changed
			} else {
				s.flips(r)
			}
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
				if boundLater && bv <= capEps*s.scale {
					boundLater = false
					lb = s.sparseBoundNow(r)
				}
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
