package fit

import "math"

// Planner evaluates a fit's curves at amounts a plan chooses, with the
// uncertainty of the fit, for planning on fitted curves.
type Planner struct {
	p     *problem
	theta []float64
	lf    *laplaceFit
}

// Planner is the fit's planner.
func (r *Result) Planner() *Planner { return r.planner }

// Total is the sum over the territories of x (territory → amount per period
// of each resource, in Result.Resources' order, at steady state) of their
// yearly revenue (CurveDraw.Revenue at the mode), and its interval by the
// delta method on the Laplace approximation, like every curve value of the
// fit (docs/fit.md): log total ~ N(log total̂, ∇ᵀH⁻¹∇), the gradient over
// every territory's and the shared parameters (not the noise: this is the
// curve's revenue, not one period's outcome). Territories x names that were
// not fitted are left out; ok is false when none was, or when the
// variance is not finite.
func (pl *Planner) Total(x map[string][]float64) (iv Interval, ok bool) {
	p := pl.p
	idx := map[string]int{}
	for t, i := range p.terr {
		idx[p.ds.Territories[i]] = t
	}
	var ts []int
	var xs [][]float64
	for id, v := range x {
		if t, in := idx[id]; in && len(v) == p.R {
			ts, xs = append(ts, t), append(xs, v)
		}
	}
	if len(ts) == 0 {
		return Interval{}, false
	}
	term := func(theta []float64, k int) float64 { return p.curveDraw(theta, ts[k]).Revenue(xs[k]) }
	total := func(theta []float64) float64 {
		s := 0.0
		for k := range ts {
			s += term(theta, k)
		}
		return s
	}
	q := total(pl.theta)
	if !(q > 0) {
		return Interval{P10: q, P50: q, P90: q}, true
	}
	g := make([]float64, p.nPar)
	th := append([]float64(nil), pl.theta...)
	const h = 1e-5
	nl := p.nLoc()
	// a territory's own parameters move only its term
	for k, t := range ts {
		for i := 0; i < nl; i++ {
			j := t*nl + i
			th[j] = pl.theta[j] + h
			up := term(th, k)
			th[j] = pl.theta[j] - h
			down := term(th, k)
			th[j] = pl.theta[j]
			g[j] = (up - down) / (2 * h) / q
		}
	}
	for j := p.sh; j < p.nPar; j++ {
		if j == p.iSig() {
			continue
		}
		th[j] = pl.theta[j] + h
		up := total(th)
		th[j] = pl.theta[j] - h
		down := total(th)
		th[j] = pl.theta[j]
		g[j] = (up - down) / (2 * h) / q
	}
	hg, err := pl.lf.solve(g)
	if err != nil {
		return Interval{}, false
	}
	v := 0.0
	for j := range g {
		v += g[j] * hg[j]
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Interval{}, false
	}
	sd := math.Sqrt(math.Max(0, v))
	return Interval{P10: q * math.Exp(-z90*sd), P50: q, P90: q * math.Exp(z90*sd)}, true
}
