package fit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
)

// Options say how to fit. The zero value fits on every period with
// carry-over, 400 posterior draws and seed 1.
type Options struct {
	// Holdout is how many of the latest periods to hold out: they are not
	// fitted but forecast, and scored against the actuals.
	Holdout int
	// NoCarryover turns the adstock off (decay 0 for every resource).
	// Carry-over is always off for yearly periods.
	NoCarryover bool
	// Draws is the number of draws from the Laplace approximation used for
	// every interval (0: 400).
	Draws int
	// Seed seeds the draws (0: 1), so a fit is reproducible.
	Seed uint64
	// MaxIterations caps the optimiser's iterations (0: 5,000).
	MaxIterations int
	// MaxShape caps every curve's shape n (0: 3; at most 1 keeps every
	// curve concave, as planning on the curves wants). It must be 0 or in
	// (0.5, 3].
	MaxShape float64
	// Progress, if not nil, is called with the fraction of the work done
	// (0..1, never decreasing), and with 1 when Fit returns a result.
	Progress func(float64)
}

// Interval is a posterior (or predictive) distribution's 10th, 50th and
// 90th percentiles.
type Interval struct {
	P10 float64 `json:"p10"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
}

// Contains reports whether v lies in [P10, P90].
func (iv Interval) Contains(v float64) bool { return v >= iv.P10 && v <= iv.P90 }

// ResourceFit is a territory's curve for one resource, in its own units:
// revenue per period = base + Σ beta · zⁿ/(zⁿ + kⁿ), z the (carried-over)
// amount.
type ResourceFit struct {
	Resource string    `json:"resource"`
	Beta     Interval  `json:"beta"`            // revenue per period the resource adds at saturation
	K        Interval  `json:"k"`               // amount (per period) at half the saturation
	Shape    Interval  `json:"shape"`           // n, shared across territories
	Decay    *Interval `json:"decay,omitempty"` // carry-over to the next period, shared; absent without carry-over
}

// CurvePoint is the territory's revenue in its latest fitted period had it
// had, steadily, Multiplier × that period's resources.
type CurvePoint struct {
	Multiplier float64  `json:"multiplier"`
	Revenue    Interval `json:"revenue"`
}

// TerritoryFit is one territory's fitted curve.
type TerritoryFit struct {
	Territory     string        `json:"territory"`
	FittedPeriods int           `json:"fitted_periods"`
	MeanRevenue   float64       `json:"mean_revenue"` // per period, over the fitted periods
	Base          Interval      `json:"base"`         // revenue per period without any resource, before season, trend and controls
	Resources     []ResourceFit `json:"resources"`
	Curve         []CurvePoint  `json:"curve"` // at 0.5×, 1× and 2× the latest fitted period's resources
	Holdout       *Metrics      `json:"holdout,omitempty"`
	Baselines     []Scored      `json:"baselines,omitempty"`
	// Mode is the curve at the posterior mode and Draws under each draw
	// from the Laplace approximation, for planning (not in the JSON).
	Mode  CurveDraw   `json:"-"`
	Draws []CurveDraw `json:"-"`
}

// Effect is a named shared effect on log revenue.
type Effect struct {
	Name   string   `json:"name"`
	Effect Interval `json:"effect"`
}

// Shared are the parameters common to every territory.
type Shared struct {
	Season   []Effect  `json:"season,omitempty"`   // log effect against the first period of the year
	Trend    *Interval `json:"trend,omitempty"`    // log growth per year
	Controls []Effect  `json:"controls,omitempty"` // log effect of one standard deviation
	Sigma    Interval  `json:"sigma"`              // residual noise, log scale
}

// Skipped is a territory left out of the fit, and why.
type Skipped struct {
	Territory string `json:"territory"`
	Reason    string `json:"reason"`
}

// Prediction is a held-out period's forecast.
type Prediction struct {
	Period    string  `json:"period"`
	Territory string  `json:"territory"`
	Actual    float64 `json:"actual"`
	Forecast  float64 `json:"forecast"`
	P10       float64 `json:"p10"`
	P90       float64 `json:"p90"`
}

// Result is a fit.
type Result struct {
	Granularity    string         `json:"granularity"`
	Periods        int            `json:"periods"`
	FittedPeriods  int            `json:"fitted_periods"`
	HoldoutPeriods int            `json:"holdout_periods"`
	Resources      []string       `json:"resources"`
	Controls       []string       `json:"controls,omitempty"`
	Carryover      bool           `json:"carryover"`
	Shared         Shared         `json:"shared"`
	Territories    []TerritoryFit `json:"territories"`
	planner        *Planner
	Skipped        []Skipped `json:"skipped,omitempty"`
	// Holdout scores the model and each naive baseline over every held-out
	// row (absent without a holdout).
	Holdout     *Backtest    `json:"holdout,omitempty"`
	Predictions []Prediction `json:"-"`
	Iterations  int          `json:"iterations"`
	Converged   bool         `json:"converged"`
	Draws       int          `json:"draws"`
	Seconds     float64      `json:"seconds"`
}

// Backtest is the holdout's totals.
type Backtest struct {
	Model     Metrics  `json:"model"`
	Baselines []Scored `json:"baselines"`
}

// Fit fits the model to ds by maximum a posteriori and a Laplace
// approximation, holding out the latest opts.Holdout periods. A canceled
// ctx stops it between iterations with an error wrapping ctx.Err().
func Fit(ctx context.Context, ds *Dataset, opts Options) (*Result, error) {
	began := time.Now()
	progress := func(float64) {}
	if opts.Progress != nil {
		last := 0.0
		progress = func(f float64) {
			if f > last {
				last = f
				opts.Progress(f)
			}
		}
	}
	if opts.MaxShape != 0 && !(opts.MaxShape > nMin && opts.MaxShape <= nMin+nSpan) {
		return nil, fmt.Errorf("fit: the largest shape must be in (%v, %v], got %v", nMin, nMin+nSpan, opts.MaxShape)
	}
	if opts.Draws <= 0 {
		opts.Draws = 400
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 5000
	}
	if len(ds.Resources) == 0 {
		return nil, fmt.Errorf("history: no resource columns")
	}
	P := len(ds.Periods)
	if opts.Holdout < 0 || opts.Holdout >= P {
		return nil, fmt.Errorf("holdout periods: %d must be at least 0 and less than the %d periods of the history", opts.Holdout, P)
	}
	p, skipped, err := prepare(ds, opts)
	if err != nil {
		return nil, err
	}
	priors := p.priors()
	// Damped Gauss–Newton on the arrow precision does the work; gonum's
	// LBFGS then polishes from there (and, should the first stall, takes
	// over).
	theta, iters, lmDone, err := p.levenberg(ctx, p.start(), priors, 200, func(it int) { progress(0.8 * float64(it) / (float64(it) + 10)) })
	if err != nil {
		return nil, err
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { return p.objective(x, nil, priors) },
		Grad: func(g, x []float64) { p.objective(x, g, priors) },
	}
	settings := &optimize.Settings{
		MajorIterations:   opts.MaxIterations,
		GradientThreshold: 1e-6 * math.Max(1, float64(p.nFit)),
		Converger:         &optimize.FunctionConverge{Absolute: 1e-9 * math.Max(1, float64(p.nFit)), Relative: 1e-12, Iterations: 30},
	}
	res, err := optimize.Minimize(prob, theta, settings, &optimize.LBFGS{Store: 20})
	if res == nil {
		return nil, fmt.Errorf("fit: the optimiser failed: %v", err)
	}
	if err != nil && !errors.Is(err, optimize.ErrLinesearcherFailure) && res.Status != optimize.IterationLimit {
		return nil, fmt.Errorf("fit: the optimiser failed: %v", err)
	}
	if res.F <= p.objective(theta, nil, priors) {
		theta = res.X
	}
	for _, v := range theta {
		if !finite(v) {
			return nil, fmt.Errorf("fit: the optimiser reached a non-finite parameter")
		}
	}
	progress(0.85)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	lap, err := p.factor(p.precision(theta, priors), 0)
	if err != nil {
		return nil, err
	}
	// The mode's σ is SS/N, biased low by the parameters the fit spent;
	// divide by the residual degrees of freedom N − p_eff instead (as
	// REML would) and take the Laplace approximation at that σ.
	if df := float64(p.nFit) - lap.effectiveParameters(priors); df >= 1 {
		theta[p.iSig()] = 0.5 * math.Log(p.sumSquares(theta)/df)
		if lap, err = p.factor(p.precision(theta, priors), 0); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	draws := lap.draw(theta, opts.Draws, rng)
	out := p.report(theta, lap, draws)
	out.planner = &Planner{p: p, theta: theta, lf: lap}
	out.Skipped = skipped
	out.Iterations = iters + res.Stats.MajorIterations
	out.Converged = lmDone || res.Status == optimize.GradientThreshold || res.Status == optimize.FunctionConvergence
	out.FittedPeriods, out.HoldoutPeriods = P-opts.Holdout, opts.Holdout
	out.Draws = opts.Draws
	if opts.Holdout > 0 {
		out.Holdout = p.backtest(out, opts.Holdout)
	}
	out.Seconds = time.Since(began).Seconds()
	if _, err := json.Marshal(out); err != nil {
		// never a NaN or an infinity in a result
		return nil, fmt.Errorf("fit: a figure of the result is not finite: %v", err)
	}
	progress(1)
	return out, nil
}

// prepare normalises the dataset and lays the parameters out.
func prepare(ds *Dataset, opts Options) (*problem, []Skipped, error) {
	P := len(ds.Periods)
	cut := P - opts.Holdout // periods [0, cut) are fitted
	p := &problem{ds: ds, R: len(ds.Resources), C: len(ds.Controls),
		carryover: !opts.NoCarryover && ds.Granularity != Year, maxShape: opts.MaxShape}
	p.fitted = make([]bool, len(ds.Rows))
	for n := range ds.Rows {
		p.fitted[n] = ds.PeriodOf[n] < cut
	}
	var skipped []Skipped
	for t, rows := range ds.Series {
		sum, k := 0.0, 0
		for _, n := range rows {
			if p.fitted[n] {
				sum += ds.Rows[n].Revenue
				k++
			}
		}
		switch {
		case k == 0:
			skipped = append(skipped, Skipped{ds.Territories[t], "no fitted period"})
			continue
		case sum <= 0:
			skipped = append(skipped, Skipped{ds.Territories[t], "no revenue in the fitted periods"})
			continue
		}
		p.terr = append(p.terr, t)
		p.ybar = append(p.ybar, sum/float64(k))
		xb := make([]float64, p.R)
		for _, n := range rows {
			if p.fitted[n] {
				for r, v := range ds.Rows[n].Resources {
					xb[r] += v / float64(k)
				}
			}
		}
		p.xbar = append(p.xbar, xb)
	}
	p.T = len(p.terr)
	if p.T == 0 {
		return nil, nil, fmt.Errorf("history: no territory has revenue in the fitted periods")
	}
	p.ly = make([]float64, len(ds.Rows))
	for t, i := range p.terr {
		for _, n := range ds.Series[i] {
			p.ly[n] = math.Log(ds.Rows[n].Revenue/p.ybar[t] + delta)
			if p.fitted[n] {
				p.nFit++
			}
		}
	}
	// Season and trend: only when the fitted periods span more than a year
	// (season) or at least four periods (trend).
	span := ds.Starts[cut-1].Sub(ds.Starts[0]).Hours() / 24 / 365.25
	p.season = make([][]float64, P)
	if ds.Granularity != Year && cut > periodsPerYear(ds.Granularity) {
		for per, s := range ds.Starts {
			p.season[per] = seasonFeatures(ds.Granularity, s)
		}
		p.S = len(p.season[0])
	}
	p.trend = cut >= 4 && span > 0
	p.tau = make([]float64, P)
	mean := 0.0
	for per := 0; per < cut; per++ {
		mean += ds.Starts[per].Sub(ds.Starts[0]).Hours() / 24 / 365.25 / float64(cut)
	}
	for per, s := range ds.Starts {
		p.tau[per] = s.Sub(ds.Starts[0]).Hours()/24/365.25 - mean
	}
	// Controls, standardised over the fitted rows.
	p.ctrl = make([][]float64, len(ds.Rows))
	mu, sd := make([]float64, p.C), make([]float64, p.C)
	for c := 0; c < p.C; c++ {
		var xs []float64
		for n, r := range ds.Rows {
			if p.fitted[n] {
				xs = append(xs, r.Controls[c])
			}
		}
		mu[c], sd[c] = stat.MeanStdDev(xs, nil)
		if !(sd[c] > 0) {
			sd[c] = 1
		}
	}
	for n, r := range ds.Rows {
		p.ctrl[n] = make([]float64, p.C)
		for c, v := range r.Controls {
			p.ctrl[n][c] = (v - mu[c]) / sd[c]
		}
	}
	p.sh = p.T * p.nLoc()
	p.nPar = p.sh + 4*p.R + p.S + p.C + 1
	if p.trend {
		p.nPar++
	}
	return p, skipped, nil
}

// solveLT solves Lᵀ x = z in place (L lower triangular).
func solveLT(L *mat.TriDense, z []float64) {
	n := len(z)
	for i := n - 1; i >= 0; i-- {
		s := z[i]
		for j := i + 1; j < n; j++ {
			s -= L.At(j, i) * z[j]
		}
		z[i] = s / L.At(i, i)
	}
}

// draw returns k parameter vectors from the Gaussian N(theta, H⁻¹).
func (lf *laplaceFit) draw(theta []float64, k int, rng *rand.Rand) [][]float64 {
	p := lf.p
	nl, ns := p.nLoc(), p.nPar-p.sh
	out := make([][]float64, k)
	ds := make([]float64, ns)
	zl := make([]float64, nl)
	for d := range out {
		x := append([]float64(nil), theta...)
		for i := range ds {
			ds[i] = rng.NormFloat64()
		}
		solveLT(lf.ls, ds)
		for i, v := range ds {
			x[p.sh+i] += v
		}
		for t := 0; t < p.T; t++ {
			for i := range zl {
				zl[i] = rng.NormFloat64()
			}
			solveLT(lf.la[t], zl)
			o := t * nl
			for i := 0; i < nl; i++ {
				v := zl[i]
				row := lf.ainvB[t].RawRowView(i)
				for j, dj := range ds {
					v -= row[j] * dj
				}
				x[o+i] += v
			}
		}
		out[d] = x
	}
	return out
}

// interval is the 10th, 50th and 90th percentiles of xs (sorted in place).
func interval(xs []float64) Interval {
	sort.Float64s(xs)
	return Interval{
		P10: stat.Quantile(0.1, stat.LinInterp, xs, nil),
		P50: stat.Quantile(0.5, stat.LinInterp, xs, nil),
		P90: stat.Quantile(0.9, stat.LinInterp, xs, nil),
	}
}
