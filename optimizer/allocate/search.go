package allocate

import (
	"container/heap"
	"context"
	"math"
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
	exhausted    bool
	cancelled    bool
	lastP, lastF float64
	lastS        float64
}

// findPrice narrows b until done reports true, the interval is at machine
// precision or maxIter evaluations are spent: safeguarded Newton steps from
// the last point, bisection (geometric while the interval spans decades)
// whenever Newton leaves the interval or stops halving it.
func findPrice(ctx context.Context, b *bracket, f excessFn, keep func(hi bool), done func(*bracket) bool, maxIter int) {
	force := false
	for it := 0; it < maxIter; it++ {
		if done(b) || b.hi-b.lo <= 1e-15*b.hi {
			return
		}
		if it%8 == 7 && ctx.Err() != nil {
			b.cancelled = true
			return
		}
		cand := math.NaN()
		if !force && b.lastS < 0 && !math.IsInf(b.lastF, 0) {
			cand = b.lastP - b.lastF/b.lastS
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
		force = b.hi-b.lo > 0.5*width
		b.lastP, b.lastF, b.lastS = cand, fc, sc
	}
	b.exhausted = true
}

// expand finds a price with excess ≤ 0 starting from guess, moving the low
// end up as it goes. f(0) must already be known to be positive.
func expand(b *bracket, f excessFn, keep func(hi bool), guess float64) bool {
	p := guess
	if !(p > 0) || math.IsInf(p, 0) {
		p = 1
	}
	for it := 0; it < 2200; it++ {
		fc, sc := f(p)
		b.evaluations++
		b.lastP, b.lastF, b.lastS = p, fc, sc
		if fc > 0 {
			b.lo, b.fLo = p, fc
			keep(false)
			if b.hi > 0 {
				return true
			}
			p *= 8
			if math.IsInf(p, 1) {
				return false
			}
		} else {
			b.hi, b.fHi = p, fc
			keep(true)
			if b.lo > 0 || p < 1e-300 {
				return true
			}
			p /= 8
		}
	}
	return false
}

// resSol is the solution of one resource under its own total.
type resSol struct {
	x     []float64 // units per territory
	use   float64   // Σ x, units
	val   float64   // Σ value, objective dollars
	price float64   // shadow price of the total, objective dollars per unit
	phi   float64   // Σ_i max_x(value − price·x) at price, objective dollars
	total float64   // the cap solved for, units (+Inf when none)
	bound float64   // upper bound on max Σ value s.t. Σ x ≤ total
	evals int
}

func (rm *resModel) eval(pi float64, x []float64) (use, val, duse float64) {
	for i := range rm.items {
		it := &rm.items[i]
		xi, d := it.best(pi, rm.integer)
		x[i] = xi
		use += xi
		val += it.value(xi)
		duse += d
	}
	return use, val, duse
}

func (rm *resModel) hasNonconcave() bool {
	for i := range rm.items {
		if rm.items[i].nonconcave() {
			return true
		}
	}
	return false
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
			continue
		}
		infl := inflection(it.k, it.c)
		if rm.integer {
			infl = math.Ceil(infl)
		}
		it.lo = math.Min(x[i], math.Max(it.lo, infl))
	}
	return &r
}

// solveTotal maximizes Σ value over the resource's items subject to
// Σ x ≤ total (+Inf for none) by water-filling on the resource's price;
// integer resources are completed by greedy marginal analysis, S-shaped
// ones by re-solving with each item kept on its side of the inflection.
func (s *solver) solveTotal(rm *resModel, total, guess float64, depth int) *resSol {
	n := len(rm.items)
	x := make([]float64, n)
	use, val, _ := rm.eval(0, x)
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
	expand(b, f, keep, guess)
	tol := 1e-13 * math.Max(1, total)
	done := func(b *bracket) bool {
		if rm.integer {
			return total-useHi <= 64
		}
		return -b.fHi <= tol
	}
	findPrice(s.ctx, b, f, keep, done, s.maxIter)
	s.iters += b.evaluations
	sol.evals += b.evaluations
	sol.price = b.hi
	sol.phi = valHi - b.hi*useHi
	_ = valLo
	switch {
	case rm.hasNonconcave() && depth == 0:
		r := rm.restrict(xhi)
		sub := s.solveTotal(r, total, b.hi, depth+1)
		sol.x, sol.use, sol.val = sub.x, sub.use, sub.val
		sol.evals += sub.evals
	case rm.integer:
		next := greedy(rm, xhi, total-useHi)
		sol.x = xhi
		sol.use, sol.val = sum(xhi), sumValue(rm.items, xhi)
		if next > 0 && next < b.hi {
			f(next)
			sol.price = next
			sol.phi = valCur - next*useCur
		}
	default:
		sol.x = xhi
		if useLo > useHi && !math.IsInf(useLo, 0) {
			theta := (total - useHi) / (useLo - useHi)
			theta = math.Min(1, math.Max(0, theta))
			for i := range xhi {
				v := xhi[i] + theta*(xlo[i]-xhi[i])
				xhi[i] = math.Min(math.Max(v, rm.items[i].lo), rm.items[i].hi)
			}
		}
		sol.use, sol.val = sum(xhi), sumValue(rm.items, xhi)
		if sol.use > total {
			// rounding: fall back on the feasible end
			rm.eval(b.hi, xhi)
			sol.use, sol.val = sum(xhi), sumValue(rm.items, xhi)
		}
	}
	// The dual is only as accurate as floating point: never report a bound
	// below a feasible value.
	sol.bound = math.Max(bound, sol.val)
	return sol
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
// It returns the gain of the best unit left out, objective dollars: a
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
