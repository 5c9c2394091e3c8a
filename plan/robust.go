package plan

import (
	"context"
	"math"
	"sort"

	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/optimizer/fit"
)

// RobustOutcome is the plan that maximises expected revenue over the fit's
// posterior draws (settings.robust), next to the plan on the curves at the
// posterior mode.
//
// The mean over draws of a territory's revenue is separable — its base's
// mean plus, per resource, the mean of that resource's curve — and each of
// those is a mean of concave Hill curves (every fitted shape ≤ 1), so
// concave. The solver takes one Hill curve per territory and resource: each
// mean curve is replaced by the Hill curve (shape ≤ 1) nearest it in least
// squares over 0 to 3 × the larger of today's amount and the mode's
// half-saturation, FitError the largest deviation (a fraction of the curve's
// height). The plan is certified on those curves; both plans are then
// evaluated exactly under every draw.
type RobustOutcome struct {
	Status    string  `json:"status"`
	Objective float64 `json:"objective"` // on the mean curves, dollars per year
	Bound     float64 `json:"bound"`
	Gap       float64 `json:"gap"`
	FitError  float64 `json:"fit_error"`
	// Robust and Mode are the robust plan's and the mode plan's revenue
	// over the draws, dollars per year.
	Robust DrawSummary `json:"robust"`
	Mode   DrawSummary `json:"mode"`
	// Gain is Robust.Mean − Mode.Mean: what planning on the draws adds to
	// expected revenue.
	Gain float64 `json:"gain"`
}

// meanHill fits a Hill curve with shape ≤ 1 to y(x) at xs by least squares.
func meanHill(xs, ys []float64) (allocate.Curve, float64) {
	var top float64
	for _, y := range ys {
		top = math.Max(top, y)
	}
	if !(top > 0) {
		return allocate.Curve{}, 0
	}
	hill := func(x, k, n float64) float64 { return fit.HillValue(x, k, n) }
	sse := func(k, n float64) (float64, float64) {
		var hy, hh float64
		for i, x := range xs {
			h := hill(x, k, n)
			hy += h * ys[i]
			hh += h * h
		}
		if hh == 0 {
			return math.Inf(1), 0
		}
		b := hy / hh
		var s float64
		for i, x := range xs {
			d := b*hill(x, k, n) - ys[i]
			s += d * d
		}
		return s, b
	}
	xmax := xs[len(xs)-1]
	best, bk, bn, bb := math.Inf(1), 0.0, 0.0, 0.0
	for n := 0.5; n <= 1+1e-9; n += 0.01 {
		// golden-section search on log k
		lo, hi := math.Log(xmax/1e3), math.Log(xmax*1e2)
		g := (math.Sqrt(5) - 1) / 2
		a, b := hi-g*(hi-lo), lo+g*(hi-lo)
		fa, _ := sse(math.Exp(a), n)
		fb, _ := sse(math.Exp(b), n)
		for i := 0; i < 50; i++ {
			if fa < fb {
				hi, b, fb = b, a, fa
				a = hi - g*(hi-lo)
				fa, _ = sse(math.Exp(a), n)
			} else {
				lo, a, fa = a, b, fb
				b = lo + g*(hi-lo)
				fb, _ = sse(math.Exp(b), n)
			}
		}
		k := math.Exp((lo + hi) / 2)
		if s, beta := sse(k, n); s < best {
			best, bk, bn, bb = s, k, n, beta
		}
	}
	var worst float64
	for i, x := range xs {
		worst = math.Max(worst, math.Abs(bb*hill(x, bk, bn)-ys[i])/top)
	}
	return allocate.Curve{Beta: bb, K: bk, Shape: math.Min(1, bn)}, worst
}

// robust solves p (the plan on the mode's curves, solved as mode) again on
// every fitted territory's mean curves over the draws.
func (fc *fittedCurves) robust(ctx context.Context, p *allocate.Problem, mode *allocate.Result) (*RobustOutcome, map[string]map[string]float64, error) {
	allocated := map[string]bool{}
	for _, r := range p.Resources {
		allocated[r.Name] = true
	}
	rp := *p
	rp.Territories = make([]allocate.Territory, len(p.Territories))
	var worst float64
	for i, t := range p.Territories {
		rt := t
		tc := fc.curves[t.ID]
		if tc == nil || len(tc.draws) == 0 {
			rp.Territories[i] = rt
			continue
		}
		var base float64
		for _, d := range tc.draws {
			base += tc.revenue(d, fc.res, fc.scale, allocated, nil)
		}
		rt.Base = base / float64(len(tc.draws))
		rt.Curves = map[string]allocate.Curve{}
		for j, name := range fc.res {
			if !allocated[name] {
				continue
			}
			s := fc.scale[name]
			top := math.Max(t.Current[name], tc.mode.K[j]/s)
			if m := mode.Allocation[t.ID][name]; m > top {
				top = m
			}
			top *= 3
			if !(top > 0) {
				continue
			}
			xs, ys := make([]float64, 48), make([]float64, 48)
			for g := range xs {
				xs[g] = top * float64(g+1) / float64(len(xs))
				for _, d := range tc.draws {
					ys[g] += d.Scale * d.Beta[j] * fit.HillValue(xs[g]*s, d.K[j], d.Shape[j])
				}
				ys[g] /= float64(len(tc.draws))
			}
			c, e := meanHill(xs, ys)
			if c.Beta > 0 {
				rt.Curves[name] = c
				worst = math.Max(worst, e)
			}
		}
		rp.Territories[i] = rt
	}
	res, err := allocate.Solve(ctx, &rp, nil)
	if err != nil {
		return nil, nil, err
	}
	out := &RobustOutcome{Status: string(res.Status), Objective: res.Objective, Bound: res.Bound, Gap: res.Gap, FitError: worst}
	out.Robust = fc.overDraws(p, res.Allocation, res.Revenue)
	out.Mode = fc.overDraws(p, mode.Allocation, mode.Revenue)
	out.Gain = out.Robust.Mean - out.Mode.Mean
	return out, res.Allocation, nil
}

// overDraws is the revenue of alloc over the fitted territories' draws,
// the others at revenue[id] (their one curve's revenue at alloc).
func (fc *fittedCurves) overDraws(p *allocate.Problem, alloc map[string]map[string]float64, revenue map[string]float64) DrawSummary {
	allocated := map[string]bool{}
	for _, r := range p.Resources {
		allocated[r.Name] = true
	}
	var fixed float64
	K := 0
	for _, t := range p.Territories {
		if tc := fc.curves[t.ID]; tc != nil {
			K = len(tc.draws)
		} else {
			fixed += revenue[t.ID]
		}
	}
	if K == 0 {
		return DrawSummary{}
	}
	totals := make([]float64, K)
	for d := range totals {
		totals[d] = fixed
	}
	for _, t := range p.Territories {
		if tc := fc.curves[t.ID]; tc != nil {
			for d, c := range tc.draws {
				totals[d] += tc.revenue(c, fc.res, fc.scale, allocated, alloc[t.ID])
			}
		}
	}
	var mean float64
	for _, v := range totals {
		mean += v
	}
	mean /= float64(K)
	sort.Float64s(totals)
	q := func(f float64) float64 {
		h := f * float64(K-1)
		i := int(math.Floor(h))
		if i+1 >= K {
			return totals[K-1]
		}
		return totals[i] + (h-float64(i))*(totals[i+1]-totals[i])
	}
	return DrawSummary{N: K, Mean: mean, Interval: Interval{P10: q(0.1), P50: q(0.5), P90: q(0.9)}}
}
