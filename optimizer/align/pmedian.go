package align

import (
	"math"
	"slices"
)

// pmed is the state of the uncapacitated p-median search: the open medians
// and, for every client, its closest and second-closest median.
type pmed struct {
	p      *model
	med    []int // the k medians
	isMed  []bool
	c1, c2 []int // closest and second-closest median (unit index)
	d1, d2 []float64
	cost   float64 // Σ w_j d1_j
	loss   []float64
	pos    []int // unit → position in med, −1
}

func newPMed(p *model) *pmed {
	n := p.n
	s := &pmed{p: p, isMed: make([]bool, n), c1: make([]int, n), c2: make([]int, n),
		d1: make([]float64, n), d2: make([]float64, n), loss: make([]float64, n), pos: make([]int, n)}
	return s
}

// set opens exactly the given medians and recomputes the closest two.
func (s *pmed) set(med []int) {
	s.med = append(s.med[:0], med...)
	for i := range s.isMed {
		s.isMed[i] = false
		s.pos[i] = -1
	}
	for i, m := range s.med {
		s.isMed[m] = true
		s.pos[m] = i
	}
	s.cost = 0
	for j := range s.p.n {
		s.recompute(j)
		s.cost += s.p.weight[j] * s.d1[j]
	}
}

// recompute finds the closest and second-closest medians of client j.
func (s *pmed) recompute(j int) {
	b1, b2 := -1, -1
	e1, e2 := math.Inf(1), math.Inf(1)
	for _, m := range s.med {
		d := s.p.d(j, m)
		if d < e1 || (d == e1 && m < b1) {
			b2, e2 = b1, e1
			b1, e1 = m, d
		} else if d < e2 {
			b2, e2 = m, d
		}
	}
	s.c1[j], s.c2[j], s.d1[j], s.d2[j] = b1, b2, e1, e2
}

// greedy builds k medians by greedy addition (Kuehn & Hamburger 1963). With
// alpha > 0 each step picks at random among the candidates whose cost is
// within alpha of the best (a GRASP construction, Resende & Werneck 2004).
// Above a work budget it evaluates a random sample of candidates per step.
func (s *pmed) greedy(r *runner, alpha float64) {
	p := s.p
	n, k := p.n, p.k
	best := make([]float64, n)
	for j := range best {
		best[j] = math.Inf(1)
	}
	open := make([]bool, n)
	med := make([]int, 0, k)
	cand := make([]int, 0, n)
	vals := make([]float64, n)
	sample := n
	if float64(k)*float64(n)*float64(n) > 2e8 {
		sample = max(8, int(2e8/(float64(k)*float64(n))))
	}
	for len(med) < k {
		cand = cand[:0]
		for i := range n {
			if !open[i] {
				cand = append(cand, i)
			}
		}
		if sample < len(cand) {
			r.rng.Shuffle(len(cand), func(a, b int) { cand[a], cand[b] = cand[b], cand[a] })
			cand = cand[:sample]
			slices.Sort(cand)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range cand {
			row := p.row(i)
			c := 0.0
			for j, d := range row {
				if b := best[j]; b < d {
					d = b
				}
				c += p.weight[j] * d
			}
			vals[i] = c
			lo, hi = math.Min(lo, c), math.Max(hi, c)
		}
		pick := -1
		if alpha > 0 {
			thr := lo + alpha*(hi-lo)
			cnt := 0
			for _, i := range cand {
				if vals[i] <= thr {
					cnt++
					if r.rng.IntN(cnt) == 0 {
						pick = i
					}
				}
			}
		} else {
			for _, i := range cand {
				if vals[i] == lo {
					pick = i
					break
				}
			}
		}
		open[pick] = true
		med = append(med, pick)
		row := p.row(pick)
		for j, d := range row {
			best[j] = math.Min(best[j], d)
		}
		if r.expired() {
			// finish with the first unopened units so the answer is complete
			for i := 0; len(med) < k; i++ {
				if !open[i] {
					open[i] = true
					med = append(med, i)
				}
			}
		}
	}
	s.set(med)
}

// localSearch applies best-improvement swaps (Teitz & Bart 1968) evaluated
// with the fast interchange of Whitaker (1983) as described by Hansen &
// Mladenović (1997) and Resende & Werneck (2004): for each candidate f, one
// pass over the clients gives the gain of opening f and, per median r, the
// loss of closing r; the best pair is applied. It stops at a local optimum.
func (s *pmed) localSearch(r *runner) {
	p := s.p
	n := p.n
	const eps = 1e-9
	for {
		if r.expired() {
			return
		}
		bestF, bestR := -1, -1
		bestDelta := -eps * math.Max(1, s.cost)
		for f := range n {
			if s.isMed[f] {
				continue
			}
			for _, m := range s.med {
				s.loss[m] = 0
			}
			gain := 0.0
			row := p.row(f)
			d1, d2, c1, wt, loss := s.d1, s.d2, s.c1, p.weight, s.loss
			row = row[:len(d1)]
			d2, c1, wt = d2[:len(d1)], c1[:len(d1)], wt[:len(d1)]
			for j, dj := range row {
				if a := d1[j]; dj < a {
					gain += wt[j] * (a - dj)
				} else {
					m := d2[j]
					if dj < m {
						m = dj
					}
					loss[c1[j]] += wt[j] * (m - a)
				}
			}
			for _, m := range s.med {
				// Clients of m that move to f were counted in gain as if m
				// stayed; they lose nothing more when m closes.
				if delta := s.loss[m] - gain; delta < bestDelta {
					bestDelta, bestF, bestR = delta, f, m
				}
			}
		}
		if bestF < 0 {
			return
		}
		s.swap(bestR, bestF)
	}
}

// swap closes median out, opens median in and updates the closest two.
func (s *pmed) swap(out, in int) {
	p := s.p
	i := s.pos[out]
	s.med[i] = in
	s.isMed[out], s.isMed[in] = false, true
	s.pos[out], s.pos[in] = -1, i
	s.cost = 0
	for j := range p.n {
		if s.c1[j] == out || s.c2[j] == out {
			s.recompute(j)
		} else if d := p.d(j, in); d < s.d1[j] {
			s.c2[j], s.d2[j] = s.c1[j], s.d1[j]
			s.c1[j], s.d1[j] = in, d
		} else if d < s.d2[j] {
			s.c2[j], s.d2[j] = in, d
		}
		s.cost += p.weight[j] * s.d1[j]
	}
}

// solvePMedian runs greedy + fast interchange, then variable neighbourhood
// search (Hansen & Mladenović 1997) with random swaps as shaking, and the
// Lagrangian bound of Beasley (1993) to prove optimality early.
func solvePMedian(p *model, r *runner) (assign, centers []int, lb float64) {
	s := newPMed(p)
	s.greedy(r, 0)
	s.localSearch(r)
	best := slices.Clone(s.med)
	bestCost := s.cost
	r.noteViolation(0, 1)
	lb = math.NaN()
	if !r.canceled {
		lb = lagrangeBound(p, r, bestCost, s.d1, 0.15)
	}
	proven := func() bool { return !math.IsNaN(lb) && bestCost-lb <= 1e-9*math.Max(1, bestCost) }
	kmax := min(p.k, 10, p.n-p.k)
	if p.n <= 1500 && p.n > 1 {
		p.buildNear(p.n)
	}
	stall, kk := 0, 1
	maxStall := 300 + 20*p.k
	work := slices.Clone(best)
	for kmax > 0 && !proven() && !r.stop() && stall < maxStall {
		r.iters++
		copy(work, best)
		s.set(work)
		for range kk {
			out := s.med[r.rng.IntN(p.k)]
			in := r.rng.IntN(p.n)
			if p.near != nil && r.rng.IntN(2) == 0 {
				// a local move: one of the units closest to the median
				nr := p.near[out]
				in = int(nr[1+r.rng.IntN(min(len(nr)-1, 2*p.n/p.k+1))])
			}
			for s.isMed[in] {
				in = r.rng.IntN(p.n)
			}
			s.swap(out, in)
		}
		s.localSearch(r)
		if s.cost < bestCost-1e-9*math.Max(1, bestCost) {
			bestCost = s.cost
			copy(best, s.med)
			kk, stall = 1, 0
		} else {
			stall++
			kk = kk%kmax + 1
		}
	}
	return assignNearest(p, best), best, lb
}

// assignNearest assigns every unit to the territory of its closest center
// (ties to the lower territory index); a center is in its own territory.
func assignNearest(p *model, centers []int) []int {
	assign := make([]int, p.n)
	for j := range p.n {
		bt, bd := -1, math.Inf(1)
		for t, c := range centers {
			if c == j {
				bt = t
				break
			}
			if d := p.d(j, c); d < bd {
				bt, bd = t, d
			}
		}
		assign[j] = bt
	}
	return assign
}
