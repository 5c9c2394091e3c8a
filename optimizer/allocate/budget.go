package allocate

import (
	"math"
	"slices"
)

// budgetSol is the solution of the resources that share the budget.
type budgetSol struct {
	x      [][]float64 // units, per resource (in the order given) and territory
	use    []float64   // Σ_i x, units per resource
	val    float64     // Σ value, objective dollars per year
	mu     float64     // shadow price of the budget, objective dollars per dollar
	lambda []float64   // shadow price of each total, objective dollars per year per unit
	bound  float64     // upper bound on the optimal Σ value
	hiUse  []float64   // use per resource at the feasible end of the price search
}

// budgetSolve maximizes Σ value over res subject to each resource's total
// (solved alone in solT, nil when absent) and Σ_r cost_r · Σ_i x_ir ≤ B, by
// a search on the budget multiplier μ: at μ each resource is priced at
// max(μ·cost, its own total's price) (Everett 1963). Continuous concave
// resources are interpolated between the two ends of the final price
// interval so the budget holds with equality; S-shaped ones are re-solved
// with each item kept on its side of the inflection; integer ones are left
// at the feasible end for the caller to improve.
func (s *solver) budgetSolve(res []*resModel, solT []*resSol, B, guess float64, depth int) *budgetSol {
	K := len(res)
	n := len(s.m.territory)
	type state struct {
		x    [][]float64
		useT []bool
		use  []float64
		val  []float64
	}
	newState := func() *state {
		st := &state{x: make([][]float64, K), useT: make([]bool, K), use: make([]float64, K), val: make([]float64, K)}
		for k := range st.x {
			st.x[k] = make([]float64, n)
		}
		return st
	}
	cur, lo, hi := newState(), newState(), newState()
	xOf := func(st *state, k int) []float64 {
		if st.useT[k] {
			return solT[k].x
		}
		return st.x[k]
	}
	bound := math.Inf(1)
	hasInt, hasNC := false, false
	for _, rm := range res {
		hasInt = hasInt || rm.integer
		hasNC = hasNC || rm.hasNonconcave()
	}
	f := func(mu float64) (float64, float64) {
		dual := mu * B
		excess, slope := -B, 0.0
		for k, rm := range res {
			p := mu * rm.cost
			if t := solT[k]; t != nil && p <= t.price {
				cur.useT[k], cur.use[k], cur.val[k] = true, t.use, t.val
				dual += (t.price-p)*t.total + t.phi
			} else if p == 0 {
				x, u, v := s.atZero(rm)
				cur.x[k] = x
				cur.useT[k], cur.use[k], cur.val[k] = false, u, v
				dual += v
			} else {
				u, v, d := rm.eval(p, cur.x[k])
				cur.useT[k], cur.use[k], cur.val[k] = false, u, v
				dual += v - p*u
				slope += rm.cost * rm.cost * d
			}
			excess += rm.cost * cur.use[k]
		}
		if dual < bound {
			bound = dual
		}
		return excess, slope
	}
	keep := func(isHi bool) {
		if isHi {
			hi, cur = cur, hi
		} else {
			lo, cur = cur, lo
		}
	}
	out := &budgetSol{x: make([][]float64, K), use: make([]float64, K), lambda: make([]float64, K), hiUse: make([]float64, K)}
	finish := func(st *state, mu float64) *budgetSol {
		for k := range res {
			out.x[k] = append([]float64(nil), xOf(st, k)...)
			out.use[k] = sum(out.x[k])
			out.hiUse[k] = out.use[k]
			out.val += sumValue(res[k].items, out.x[k])
			if t := solT[k]; t != nil {
				out.lambda[k] = math.Max(0, t.price-mu*res[k].cost)
			}
		}
		out.mu = mu
		out.bound = math.Max(bound, out.val)
		return out
	}
	f0, _ := f(0)
	s.iters++
	if f0 <= 1e-12*math.Max(1, B) {
		return finish(cur, 0)
	}
	keep(false)
	b := &bracket{fLo: f0}
	if !(guess > 0) {
		var g []float64
		for _, rm := range res {
			g = append(g, rm.typicalPrice(rm.cost))
		}
		slices.Sort(g)
		guess = g[len(g)/2]
	}
	if !expand(b, f, keep, guess) {
		// The budget only just covers every minimum: stay there.
		for k, rm := range res {
			hi.useT[k] = false
			for i := range rm.items {
				hi.x[k][i] = rm.items[i].lo
			}
		}
		return finish(hi, b.lo)
	}
	scale := 1.0
	for k := range res {
		scale += math.Abs(lo.val[k])
	}
	tol := 1e-12 * scale
	done := func(b *bracket) bool {
		return -b.fHi*b.hi <= tol || (b.lo > 0 && b.fLo*b.lo <= tol) || (hasInt && b.hi-b.lo <= 1e-7*b.hi)
	}
	findPrice(s.ctx, b, f, keep, done, s.maxIter)
	s.iters += b.evaluations
	switch {
	case hasInt || (hasNC && depth > 0):
		return finish(hi, b.hi)
	case hasNC:
		rres := make([]*resModel, K)
		rsolT := make([]*resSol, K)
		for k, rm := range res {
			rres[k] = rm.restrict(xOf(hi, k))
			if solT[k] != nil {
				rsolT[k] = s.solveTotal(rres[k], solT[k].total, solT[k].price, 1)
			}
		}
		sub := s.budgetSolve(rres, rsolT, B, b.hi, depth+1)
		sub.bound = math.Max(bound, sub.val)
		return sub
	}
	// Interpolate between the ends so that the budget binds exactly; a
	// convex combination keeps every total and bound.
	useLo, useHi := 0.0, 0.0
	for k, rm := range res {
		useLo += rm.cost * lo.use[k]
		useHi += rm.cost * hi.use[k]
	}
	theta := 0.0
	if useLo > useHi && !math.IsInf(useLo, 0) && !math.IsNaN(useLo) {
		theta = math.Min(1, math.Max(0, (B-useHi)/(useLo-useHi)))
	}
	for k := range res {
		out.x[k] = make([]float64, n)
	}
	for try := 0; ; try++ {
		spent, ok := 0.0, true
		out.val = 0
		for k, rm := range res {
			x := out.x[k]
			if try < 4 {
				interpolate(rm.items, x, xOf(hi, k), xOf(lo, k), theta)
			} else {
				copy(x, xOf(hi, k))
			}
			out.use[k] = sum(x)
			out.hiUse[k] = hi.use[k]
			out.val += sumValue(rm.items, x)
			spent += rm.cost * out.use[k]
			if t := solT[k]; t != nil {
				out.lambda[k] = math.Max(0, t.price-b.hi*rm.cost)
				ok = ok && out.use[k] <= t.total
			}
		}
		if try >= 4 || (ok && spent <= B) {
			break
		}
		// rounding broke a constraint: step back towards the feasible end.
		theta = math.Max(0, theta-2*math.Max(spent-B, 0)/(useLo-useHi)-1e-12*theta)
	}
	out.mu = b.hi
	if theta > 0 {
		out.mu = b.hi + theta*(b.lo-b.hi)
	}
	for k, rm := range res {
		if t := solT[k]; t != nil {
			out.lambda[k] = math.Max(0, t.price-out.mu*rm.cost)
		}
	}
	out.bound = math.Max(bound, out.val)
	return out
}
