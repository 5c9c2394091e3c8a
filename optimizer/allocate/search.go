package allocate

import (
	"container/heap"
	"context"
	"math"
	"slices"
)

// excessFn evaluates use − target at price p (decreasing in p) and its slope
// d(use − target)/dp ≤ 0 (0 where unknown). It evaluates into the caller's
// scratch state, which keep then files as the low or high end.
type excessFn func(p float64) (excess, slope float64)

// bracket holds a price interval [lo, hi] with excess(lo) > 0 ≥ excess(hi).
type bracket struct {
	lo, hi       float64
	fLo, fHi     float64
	evaluations  int
	lastP, lastF float64
	lastS        float64
}

// findPrice narrows b until done reports true, the interval is at machine
// precision or maxIter evaluations are spent: safeguarded Newton steps from
// the last point, bisection (geometric while the interval spans decades)
// whenever Newton leaves the interval or stops halving it.
func findPrice(ctx context.Context, b *bracket, f excessFn, keep func(hi bool), done func(*bracket) bool, maxIter int) {
	force, slow := false, 0
	for it := 0; it < maxIter; it++ {
		if done(b) || b.hi-b.lo <= 1e-15*b.hi {
			return
		}
		if it%8 == 7 && ctx.Err() != nil {
			return
		}
		cand := math.NaN()
		if !force && b.lastS < 0 && !math.IsInf(b.lastF, 0) {
			cand = b.lastP - b.lastF/b.lastS
		}
		if !(cand > b.lo && cand < b.hi) && !force && b.fLo > b.fHi && !math.IsInf(b.fLo, 0) {
			// regula falsi on the interval's ends
			cand = b.hi - b.fHi*(b.hi-b.lo)/(b.fHi-b.fLo)
			if b.lo > 0 && b.hi > 4*b.lo {
				cand = math.NaN() // spans decades: bisect geometrically
			}
		}
		if !(cand > b.lo && cand < b.hi) {
			if b.lo > 0 && b.hi > 4*b.lo {
				cand = math.Sqrt(b.lo * b.hi)
			} else {
				cand = b.lo + (b.hi-b.lo)/2
			}
		}
		width := b.hi - b.lo
		fc, sc := f(cand)
		b.evaluations++
		if fc > 0 {
			b.lo, b.fLo = cand, fc
			keep(false)
		} else {
			b.hi, b.fHi = cand, fc
			keep(true)
		}
		if b.hi-b.lo > 0.5*width {
			slow++
		} else {
			slow = 0
		}
		force = slow >= 2
		b.lastP, b.lastF, b.lastS = cand, fc, sc
	}
}

// expand finds a price with excess ≤ 0 starting from guess, moving the low
// end up as it goes: Newton steps pushed 50 % further, or factors of 8
// where the slope is unknown. f(0) must already be known to be positive.
func expand(b *bracket, f excessFn, keep func(hi bool), guess float64) bool {
	p := guess
	if !(p > 0) || math.IsInf(p, 0) {
		p = 1
	}
	for it := 0; it < 2200; it++ {
		fc, sc := f(p)
		b.evaluations++
		b.lastP, b.lastF, b.lastS = p, fc, sc
		if fc == 0 {
			b.hi, b.fHi = p, fc
			keep(true)
			return true
		}
		if fc > 0 {
			b.lo, b.fLo = p, fc
			keep(false)
			if b.hi > 0 {
				return true
			}
			next := p * 8
			if sc < 0 {
				next = math.Min(next, math.Max(p*1.01, p-1.5*fc/sc))
			}
			p = next
			if math.IsInf(p, 1) {
				return false
			}
		} else {
			b.hi, b.fHi = p, fc
			keep(true)
			if b.lo > 0 || p < 1e-300 {
				return true
			}
			next := p / 8
			if sc < 0 {
				next = math.Max(next, math.Min(p/1.01, p-1.5*fc/sc))
			}
			p = next
		}
	}
	return false
}

type zeroEval struct {
	x        []float64
	use, val float64
}

// atZero returns a copy of the resource's demand at price 0, its use and
// value, computed once per resource.
func (s *solver) atZero(rm *resModel) ([]float64, float64, float64) {
	z, ok := s.zero[rm]
	if !ok {
		z = &zeroEval{x: make([]float64, len(rm.items))}
		z.use, z.val, _ = rm.eval(0, z.x)
		s.zero[rm] = z
		s.iters++
	}
	return append([]float64(nil), z.x...), z.use, z.val
}

// resSol is the solution of one resource under its own total.
type resSol struct {
	x     []float64 // units per territory
	use   float64   // Σ x, units
	val   float64   // Σ value, objective dollars per year
	price float64   // shadow price of the total, objective dollars per year per unit
	phi   float64   // Σ_i max_x(value − price·x) at price, objective dollars per year
	total float64   // the cap solved for, units (+Inf when none)
	bound float64   // upper bound on max Σ value s.t. Σ x ≤ total
	evals int
}

func (rm *resModel) eval(pi float64, x []float64) (use, val, duse float64) {
	for i := range rm.items {
		it := &rm.items[i]
		xi, v, d := it.best(pi, rm.integer)
		x[i] = xi
		use += xi
		val += v
		duse += d
	}
	return use, val, duse
}

// typicalPrice is the median over items with a curve of the marginal value
// at half saturation, a·h'(k) − q = a·c/(4k) − q, divided by per, a scale
// for the first guess of a price search.
func (rm *resModel) typicalPrice(per float64) float64 {
	var v []float64
	for i := range rm.items {
		it := &rm.items[i]
		if it.a > 0 && it.lo < it.hi {
			if m := (it.a*it.c/(4*it.k) - it.q) / per; m > 0 {
				v = append(v, m)
			}
		}
	}
	if len(v) == 0 {
		return 1
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func (rm *resModel) hasNonconcave() bool { return rm.nc }

func (rm *resModel) scanNonconcave() bool {
	for i := range rm.items {
		if rm.items[i].nonconcave() {
			return true
		}
	}
	return false
}

// interpolate sets x = xhi + θ·(xlo − xhi), clamped to the items' domains.
func interpolate(items []item, x, xhi, xlo []float64, theta float64) {
	for i := range x {
		v := xhi[i]
		if theta > 0 {
			v += theta * (xlo[i] - xhi[i])
		}
		x[i] = math.Min(math.Max(v, items[i].lo), items[i].hi)
	}
}

func sumValue(items []item, x []float64) float64 {
	v := 0.0
	for i := range items {
		v += items[i].value(x[i])
	}
	return v
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// restrict returns a copy of rm in which every S-shaped item keeps the side
// of its inflection point that x chose (off at lo, or on the concave branch),
// which makes the resource concave and its demand continuous.
func (rm *resModel) restrict(x []float64) *resModel {
	r := *rm
	r.items = append([]item(nil), rm.items...)
	for i := range r.items {
		it := &r.items[i]
		if !it.nonconcave() {
			continue
		}
		if x[i] <= it.lo {
			it.hi = it.lo
			it.prepare()
			continue
		}
		infl := it.infl
		if rm.integer {
			infl = math.Ceil(infl)
		}
		it.lo = math.Min(x[i], math.Max(it.lo, infl))
		it.prepare()
	}
	r.nc = r.scanNonconcave()
	return &r
}

// solveTotal maximizes Σ value over the resource's items subject to
// Σ x ≤ total (+Inf for none) by water-filling on the resource's price;
// integer resources are completed by greedy marginal analysis, S-shaped
// ones by re-solving with each item kept on its side of the inflection.
func (s *solver) solveTotal(rm *resModel, total, guess float64, depth int) *resSol {
	n := len(rm.items)
	x, use, val := s.atZero(rm)
	sol := &resSol{total: total, evals: 1}
	if use <= total*(1+1e-15) {
		sol.x, sol.use, sol.val, sol.phi, sol.bound = x, use, val, val, val
		return sol
	}
	xlo, xhi, cur := x, make([]float64, n), make([]float64, n)
	var useLo, valLo, useHi, valHi, useCur, valCur float64 = use, val, 0, 0, 0, 0
	bound := math.Inf(1)
	f := func(p float64) (float64, float64) {
		var d float64
		useCur, valCur, d = rm.eval(p, cur)
		if b := valCur + p*(total-useCur); b < bound {
			bound = b
		}
		return useCur - total, d
	}
	keep := func(hi bool) {
		if hi {
			xhi, cur = cur, xhi
			useHi, valHi = useCur, valCur
		} else {
			xlo, cur = cur, xlo
			useLo, valLo = useCur, valCur
		}
	}
	b := &bracket{fLo: use - total}
	if !(guess > 0) {
		guess = rm.typicalPrice(1)
	}
	expand(b, f, keep, guess)
	// Stop when the price times the excess, the most the interpolated
	// solution can lose, is below 1e-12 of the value.
	tol := 1e-12 * (math.Abs(val) + 1)
	slack := math.Max(64, 0.01*total)
	done := func(b *bracket) bool {
		if rm.integer {
			return total-useHi <= slack || useLo-total <= slack
		}
		return -b.fHi*b.hi <= tol || (b.lo > 0 && b.fLo*b.lo <= tol)
	}
	findPrice(s.ctx, b, f, keep, done, s.maxIter)
	s.iters += b.evaluations
	sol.evals += b.evaluations
	// The price of the total: the end of the interval nearer to the root.
	sol.price = b.hi
	sol.phi = valHi - b.hi*useHi
	if b.lo > 0 && b.fLo*b.lo < -b.fHi*b.hi && !math.IsInf(useLo, 0) {
		sol.price = b.lo
		sol.phi = valLo - b.lo*useLo
	}
	nc := rm.hasNonconcave()
	switch {
	case nc && depth == 0:
		r := rm.restrict(xhi)
		sub := s.solveTotal(r, total, b.hi, depth+1)
		sol.x, sol.use, sol.val = sub.x, sub.use, sub.val
		sol.evals += sub.evals
	case rm.integer:
		// Marginal analysis from the nearer end of the interval: both ends
		// are greedy prefixes, so adding the best or removing the worst
		// units reaches the optimum (Fox 1966); price is a gain between the
		// last unit in and the first unit out.
		var price float64
		if total-useHi <= useLo-total || math.IsInf(useLo, 1) {
			price = greedy(rm, xhi, total-useHi)
			sol.x = xhi
		} else {
			price = shed(rm, xlo, useLo-total)
			sol.x = xlo
		}
		sol.use, sol.val = sum(sol.x), sumValue(rm.items, sol.x)
		price = math.Max(0, price)
		sol.price = price
		if nc {
			f(price)
			sol.phi = valCur - price*useCur
		} else {
			// For concave items x maximizes value − price·x item by item,
			// so the Lagrangian at price is attained at x.
			sol.phi = sol.val - price*sol.use
			bound = math.Min(bound, sol.phi+price*total)
		}
	default:
		sol.x = xhi
		if useLo > useHi && !math.IsInf(useLo, 0) {
			theta := math.Min(1, math.Max(0, (total-useHi)/(useLo-useHi)))
			x := make([]float64, n)
			for try := 0; try < 4; try++ {
				interpolate(rm.items, x, xhi, xlo, theta)
				u := sum(x)
				if u <= total {
					sol.x = x
					break
				}
				theta = math.Max(0, theta-2*(u-total)/(useLo-useHi)-1e-15)
			}
		}
		sol.use, sol.val = sum(sol.x), sumValue(rm.items, sol.x)
	}
	// The dual is only as accurate as floating point: never report a bound
	// below a feasible value.
	sol.bound = math.Max(bound, sol.val)
	return sol
}

// shed removes units whole units, one at a time, where the last unit
// gains the least, never below an item's lo. It returns the gain of the
// last unit removed, objective dollars per year: a price at which the Lagrangian
// bound is tight.
func shed(rm *resModel, x []float64, units float64) float64 {
	units = math.Floor(units + 1e-9)
	h := &gainHeap{}
	for i := range rm.items {
		it := &rm.items[i]
		if x[i]-1 >= it.lo {
			h.idx = append(h.idx, i)
			h.gain = append(h.gain, -(it.value(x[i]) - it.value(x[i]-1)))
		}
	}
	heap.Init(h)
	last := 0.0
	for ; units > 0 && h.Len() > 0; units-- {
		i := h.idx[0]
		it := &rm.items[i]
		last = -h.gain[0]
		x[i]--
		if x[i]-1 >= it.lo {
			h.gain[0] = -(it.value(x[i]) - it.value(x[i]-1))
			heap.Fix(h, 0)
			continue
		}
		heap.Pop(h)
	}
	return last
}

// gainHeap orders items by the gain of one more unit, largest first, ties
// by index so the result is deterministic.
type gainHeap struct {
	idx  []int
	gain []float64
}

func (h *gainHeap) Len() int { return len(h.idx) }
func (h *gainHeap) Less(a, b int) bool {
	ga, gb := h.gain[a], h.gain[b]
	if ga != gb {
		return ga > gb
	}
	return h.idx[a] < h.idx[b]
}
func (h *gainHeap) Swap(a, b int) {
	h.idx[a], h.idx[b] = h.idx[b], h.idx[a]
	h.gain[a], h.gain[b] = h.gain[b], h.gain[a]
}
func (h *gainHeap) Push(v any) { panic("unused") }
func (h *gainHeap) Pop() any {
	n := len(h.idx) - 1
	h.idx, h.gain = h.idx[:n], h.gain[:n]
	return nil
}

// greedy adds up to units whole units, one at a time, where the next unit
// gains the most (Fox 1966), while the gain is positive.
// It returns the gain of the best unit left out, objective dollars per year: a
// price at which the Lagrangian bound is tight.
func greedy(rm *resModel, x []float64, units float64) float64 {
	units = math.Floor(units + 1e-9)
	h := &gainHeap{}
	for i := range rm.items {
		it := &rm.items[i]
		if x[i]+1 <= it.hi {
			if g := it.value(x[i]+1) - it.value(x[i]); g > 0 {
				h.idx = append(h.idx, i)
				h.gain = append(h.gain, g)
			}
		}
	}
	heap.Init(h)
	for ; units > 0 && h.Len() > 0; units-- {
		i := h.idx[0]
		it := &rm.items[i]
		x[i]++
		if x[i]+1 <= it.hi {
			if g := it.value(x[i]+1) - it.value(x[i]); g > 0 {
				h.gain[0] = g
				heap.Fix(h, 0)
				continue
			}
		}
		heap.Pop(h)
	}
	if h.Len() > 0 {
		return h.gain[0]
	}
	return 0
}
