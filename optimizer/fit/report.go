package fit

import (
	"math"
)

// Multipliers are the resource levels, relative to the latest fitted
// period's, at which every territory's curve is reported.
var Multipliers = []float64{0.5, 1, 2}

// eta is the log multiplier exp(η) of row n: season, trend and controls.
func (p *problem) eta(theta []float64, n int) float64 {
	per := p.ds.PeriodOf[n]
	e := 0.0
	for s, f := range p.season[per] {
		e += theta[p.iSeason()+s] * f
	}
	if p.trend {
		e += theta[p.iTrend()] * p.tau[per]
	}
	for c, v := range p.ctrl[n] {
		e += theta[p.iCtrl()+c] * v
	}
	return e
}

// lastFitted is territory t's latest fitted row.
func (p *problem) lastFitted(t int) int {
	last := -1
	for _, n := range p.ds.Series[p.terr[t]] {
		if p.fitted[n] {
			last = n
		}
	}
	return last
}

// curveValue is territory t's revenue in its latest fitted period (row
// last) at a steady mult × that period's resources.
func (p *problem) curveValue(theta []float64, cp curveParams, t, last int, mult float64) float64 {
	o := t * p.nLoc()
	inner := math.Exp(theta[o])
	for r := 0; r < p.R; r++ {
		if p.xbar[t][r] <= 0 {
			continue
		}
		z := mult * p.ds.Rows[last].Resources[r] / p.xbar[t][r]
		h, _, _, _ := hill(z, cp.k[r], cp.n[r])
		inner += cp.beta[r] * math.Exp(theta[o+1+r]) * h
	}
	return p.ybar[t] * math.Exp(p.eta(theta, last)) * inner
}

// report summarises the fit. A parameter's interval is the quantiles of
// its draws from the Laplace Gaussian (every reported parameter is a
// monotone function of one linear combination of the unconstrained ones,
// so these are the Gaussian's own quantiles, mapped). A curve point or a
// forecast is a non-linear function of many parameters that trade off
// along ridges (base against curve height, k against shape); drawn
// through the Gaussian it comes out skewed and off-centre, although the
// data pin it down. Those are linearised at the mode (the delta method on
// the same Laplace Gaussian): log q ~ N(log q̂, ∇ᵀH⁻¹∇), and for a
// forecast the residual noise σ² is added on the log scale.
func (p *problem) report(theta []float64, lf *laplaceFit, draws [][]float64) *Result {
	ds := p.ds
	K := len(draws)
	out := &Result{Granularity: ds.Granularity, Periods: len(ds.Periods), Resources: ds.Resources,
		Controls: ds.Controls, Carryover: p.carryover}
	col := func() []float64 { return make([]float64, K) }
	// per territory: base, then per resource beta, k; then curve points
	nq := 1 + 2*p.R
	terr := make([][][]float64, p.T)
	for t := range terr {
		terr[t] = make([][]float64, nq)
		for q := range terr[t] {
			terr[t][q] = col()
		}
	}
	shape, decay := make([][]float64, p.R), make([][]float64, p.R)
	for r := range shape {
		shape[r], decay[r] = col(), col()
	}
	season := make([][]float64, p.S)
	for s := range season {
		season[s] = col()
	}
	ctrl := make([][]float64, p.C)
	for c := range ctrl {
		ctrl[c] = col()
	}
	trend, sigma := col(), col()
	lasts := make([]int, p.T)
	for t := range lasts {
		lasts[t] = p.lastFitted(t)
	}
	// held-out rows: predictive draws
	var held []int
	heldIdx := map[int]int{}
	for _, i := range p.terr {
		for _, n := range ds.Series[i] {
			if !p.fitted[n] {
				heldIdx[n] = len(held)
				held = append(held, n)
			}
		}
	}
	for d, x := range draws {
		cp := p.curves(x)
		for t := 0; t < p.T; t++ {
			o := t * p.nLoc()
			terr[t][0][d] = p.ybar[t] * math.Exp(x[o])
			for r := 0; r < p.R; r++ {
				terr[t][1+2*r][d] = p.ybar[t] * cp.beta[r] * math.Exp(x[o+1+r])
				terr[t][2+2*r][d] = p.xbar[t][r] * cp.k[r]
			}
		}
		for r := 0; r < p.R; r++ {
			shape[r][d], decay[r][d] = cp.n[r], cp.lam[r]
		}
		for s := range season {
			season[s][d] = x[p.iSeason()+s]
		}
		if p.trend {
			trend[d] = x[p.iTrend()]
		}
		for c := range ctrl {
			ctrl[c][d] = x[p.iCtrl()+c]
		}
		sigma[d] = math.Exp(x[p.iSig()])
	}
	names := seasonNames(ds.Granularity)
	for s := range season {
		out.Shared.Season = append(out.Shared.Season, Effect{names[s], interval(season[s])})
	}
	if p.trend {
		iv := interval(trend)
		out.Shared.Trend = &iv
	}
	for c := range ctrl {
		out.Shared.Controls = append(out.Shared.Controls, Effect{ds.Controls[c], interval(ctrl[c])})
	}
	out.Shared.Sigma = interval(sigma)
	shapes := make([]Interval, p.R)
	decays := make([]*Interval, p.R)
	for r := range shapes {
		shapes[r] = interval(shape[r])
		if p.carryover {
			iv := interval(decay[r])
			decays[r] = &iv
		}
	}
	for t, i := range p.terr {
		tf := TerritoryFit{Territory: ds.Territories[i], MeanRevenue: p.ybar[t], Base: interval(terr[t][0])}
		tf.Mode = p.curveDraw(theta, t)
		tf.Draws = make([]CurveDraw, K)
		for d, x := range draws {
			tf.Draws[d] = p.curveDraw(x, t)
		}
		for _, n := range ds.Series[i] {
			if p.fitted[n] {
				tf.FittedPeriods++
			}
		}
		for r := 0; r < p.R; r++ {
			tf.Resources = append(tf.Resources, ResourceFit{Resource: ds.Resources[r],
				Beta: interval(terr[t][1+2*r]), K: interval(terr[t][2+2*r]), Shape: shapes[r], Decay: decays[r]})
		}
		for _, m := range Multipliers {
			tf.Curve = append(tf.Curve, CurvePoint{m, p.curveInterval(theta, lf, t, lasts[t], m)})
		}
		out.Territories = append(out.Territories, tf)
	}
	// forecasts: the mode, and the linearised predictive interval
	if len(held) > 0 {
		sig := math.Exp(theta[p.iSig()])
		p.eachRow(theta, true, func(t, n int, m float64, dloc, dsh []float64) {
			if _, ok := heldIdx[n]; !ok {
				return
			}
			L := math.Log(m + delta)
			sd := math.Sqrt(lf.variance(t, dloc, dsh) + sig*sig)
			at := func(z float64) float64 { return p.ybar[t] * math.Max(0, math.Exp(L+z*sd)-delta) }
			row := ds.Rows[n]
			out.Predictions = append(out.Predictions, Prediction{Period: row.Period, Territory: row.Territory,
				Actual: row.Revenue, Forecast: p.ybar[t] * math.Max(0, m), P10: at(-z90), P90: at(z90)})
		})
	}
	return out
}

// CurveDraw is a territory's response curve under one set of parameters,
// at steady state (carry-over then changes nothing: a steady amount x
// carries over to x), for a year: revenue per year = Scale × (Base +
// Σ_r Beta[r] · H(x_r; K[r], Shape[r])), x_r the amount per period in the
// history's units. Scale is the mean of exp(season + trend + controls)
// over the territory's latest year of fitted periods, so a year's curve
// carries one of each season at the latest trend.
type CurveDraw struct {
	Scale float64   // periods per year × mean multiplier of the latest year's periods
	Base  float64   // revenue per period with no resources, before Scale
	Beta  []float64 // per resource, revenue per period at saturation
	K     []float64 // per resource, amount per period at half of it
	Shape []float64 // per resource, the Hill exponent
}

// Revenue is the curve's revenue per year at amounts x (per period, in
// the history's units, one per resource).
func (c CurveDraw) Revenue(x []float64) float64 {
	v := c.Base
	for r := range c.Beta {
		v += c.Beta[r] * HillValue(x[r], c.K[r], c.Shape[r])
	}
	return c.Scale * v
}

// HillValue is zⁿ / (zⁿ + kⁿ) for z ≥ 0.
func HillValue(z, k, n float64) float64 {
	if z <= 0 {
		return 0
	}
	t := math.Pow(z/k, n)
	if math.IsInf(t, 1) {
		return 1
	}
	return t / (1 + t)
}

// curveDraw is territory t's yearly curve under theta.
func (p *problem) curveDraw(theta []float64, t int) CurveDraw {
	cp := p.curves(theta)
	o := t * p.nLoc()
	c := CurveDraw{Base: p.ybar[t] * math.Exp(theta[o]), Beta: make([]float64, p.R), K: make([]float64, p.R), Shape: make([]float64, p.R)}
	for r := 0; r < p.R; r++ {
		c.K[r], c.Shape[r] = 1, cp.n[r]
		if p.xbar[t][r] <= 0 {
			continue // the territory never had any: the data say nothing of its curve
		}
		c.Beta[r] = p.ybar[t] * cp.beta[r] * math.Exp(theta[o+1+r])
		c.K[r] = p.xbar[t][r] * cp.k[r]
	}
	// the latest year of fitted periods
	ppy := periodsPerYear(p.ds.Granularity)
	var rows []int
	for _, n := range p.ds.Series[p.terr[t]] {
		if p.fitted[n] {
			rows = append(rows, n)
		}
	}
	if len(rows) > ppy {
		rows = rows[len(rows)-ppy:]
	}
	var m float64
	for _, n := range rows {
		m += math.Exp(p.eta(theta, n))
	}
	c.Scale = float64(ppy) * m / float64(len(rows))
	return c
}

// z90 is the standard normal's 90th percentile.
const z90 = 1.2815515655446004

// curveInterval is the interval of territory t's curve value at mult
// (curveValue), by the delta method: the gradient of its log by central
// differences over the territory's local and the shared parameters.
func (p *problem) curveInterval(theta []float64, lf *laplaceFit, t, last int, mult float64) Interval {
	q := p.curveValue(theta, p.curves(theta), t, last, mult)
	x := append([]float64(nil), theta...)
	nl, ns := p.nLoc(), p.nPar-p.sh
	grad := func(j int) float64 {
		const h = 1e-5
		x[j] = theta[j] + h
		up := p.curveValue(x, p.curves(x), t, last, mult)
		x[j] = theta[j] - h
		down := p.curveValue(x, p.curves(x), t, last, mult)
		x[j] = theta[j]
		return (math.Log(up) - math.Log(down)) / (2 * h)
	}
	gl, gs := make([]float64, nl), make([]float64, ns)
	for i := range gl {
		gl[i] = grad(t*nl + i)
	}
	for i := range gs {
		if p.sh+i != p.iSig() {
			gs[i] = grad(p.sh + i)
		}
	}
	sd := math.Sqrt(lf.variance(t, gl, gs))
	return Interval{P10: q * math.Exp(-z90*sd), P50: q, P90: q * math.Exp(z90*sd)}
}
