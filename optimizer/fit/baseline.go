package fit

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Baselines are the naive forecasters every fit is scored against, by
// name:
//
//   - last_n_mean: the territory's mean of its last N fitted periods (N =
//     the holdout periods);
//   - year_ago: the same period a year earlier (the latest fitted one);
//   - linear_trend: the territory's least-squares line through its fitted
//     periods;
//   - mean_x_trend: the territory's mean of its fitted periods × the
//     all-territory trend (the least-squares line through the total,
//     relative to its mean over the fitted periods).
//
// Their 80 % intervals come from the same rule applied one holdout earlier
// (fit on all but the last 2N periods, judged on the N before the split):
// the 10th and 90th percentiles of log(actual / forecast) over every
// territory, applied to the real forecast. Without room for that rehearsal
// a baseline has no intervals and no coverage.
var Baselines = []string{"last_n_mean", "year_ago", "linear_trend", "mean_x_trend"}

// series is one territory's history: period indices and revenues, in
// period order.
type series struct {
	per []int
	rev []float64
}

// baselineForecaster forecasts period per of every territory from the
// periods before cut.
type baselineForecaster struct {
	name   string
	ppy    int
	h      int
	cut    int
	factor func(per int) float64 // mean_x_trend: the all-territory trend, relative
}

func newForecaster(name string, all []series, cut, h, ppy int) *baselineForecaster {
	f := &baselineForecaster{name: name, ppy: ppy, h: h, cut: cut}
	if name == "mean_x_trend" {
		total := map[int]float64{}
		for _, s := range all {
			for j, per := range s.per {
				if per < cut {
					total[per] += s.rev[j]
				}
			}
		}
		var xs, ys []float64
		for per, v := range total {
			xs = append(xs, float64(per))
			ys = append(ys, v)
		}
		if len(xs) >= 2 {
			a, b := stat.LinearRegression(xs, ys, nil, false)
			mean := stat.Mean(ys, nil)
			f.factor = func(per int) float64 {
				if mean <= 0 {
					return 1
				}
				return math.Max(0, a+b*float64(per)) / mean
			}
		}
	}
	return f
}

// forecast is the baseline's forecast of period per for s; ok is false
// when the rule has no data for it.
func (f *baselineForecaster) forecast(s series, per int) (float64, bool) {
	var rev []float64
	var pers []int
	for j, p := range s.per {
		if p < f.cut {
			rev = append(rev, s.rev[j])
			pers = append(pers, p)
		}
	}
	if len(rev) == 0 {
		return 0, false
	}
	switch f.name {
	case "last_n_mean":
		k := min(f.h, len(rev))
		return stat.Mean(rev[len(rev)-k:], nil), true
	case "year_ago":
		back := per - f.ppy
		for back >= f.cut {
			back -= f.ppy
		}
		j := sort.SearchInts(pers, back)
		if back < 0 || j == len(pers) || pers[j] != back {
			return 0, false
		}
		return rev[j], true
	case "linear_trend":
		if len(rev) < 2 {
			return rev[0], true
		}
		xs := make([]float64, len(pers))
		for j, p := range pers {
			xs[j] = float64(p)
		}
		a, b := stat.LinearRegression(xs, rev, nil, false)
		return math.Max(0, a+b*float64(per)), true
	case "mean_x_trend":
		if f.factor == nil {
			return 0, false
		}
		return stat.Mean(rev, nil) * f.factor(per), true
	}
	return 0, false
}

// baselineRun is a baseline's forecasts of the held-out rows.
type baselineRun struct {
	ok       []bool
	forecast []float64
	lo, hi   []float64 // nil without intervals
}

// runBaseline forecasts every held-out row (held[k] = territory index into
// all, period) with baseline name, and its intervals by a rehearsal one
// holdout earlier.
func runBaseline(name string, all []series, held [][2]int, cut, h, ppy int) baselineRun {
	f := newForecaster(name, all, cut, h, ppy)
	run := baselineRun{ok: make([]bool, len(held)), forecast: make([]float64, len(held))}
	for k, th := range held {
		run.forecast[k], run.ok[k] = f.forecast(all[th[0]], th[1])
	}
	if cut-h < 2 {
		return run
	}
	g := newForecaster(name, all, cut-h, h, ppy)
	var logs []float64
	for _, s := range all {
		for j, per := range s.per {
			if per < cut-h || per >= cut {
				continue
			}
			v, ok := g.forecast(s, per)
			if ok && v > 0 && s.rev[j] > 0 {
				logs = append(logs, math.Log(s.rev[j]/v))
			}
		}
	}
	if len(logs) < 10 {
		return run
	}
	sort.Float64s(logs)
	q10 := stat.Quantile(0.1, stat.LinInterp, logs, nil)
	q90 := stat.Quantile(0.9, stat.LinInterp, logs, nil)
	run.lo, run.hi = make([]float64, len(held)), make([]float64, len(held))
	for k := range held {
		run.lo[k], run.hi[k] = run.forecast[k]*math.Exp(q10), run.forecast[k]*math.Exp(q90)
	}
	return run
}

// backtest scores the held-out predictions of out and the baselines', per
// territory and in total.
func (p *problem) backtest(out *Result, h int) *Backtest {
	ds := p.ds
	cut := out.FittedPeriods
	ppy := periodsPerYear(ds.Granularity)
	all := make([]series, len(p.terr))
	for t, i := range p.terr {
		for _, n := range ds.Series[i] {
			all[t].per = append(all[t].per, ds.PeriodOf[n])
			all[t].rev = append(all[t].rev, ds.Rows[n].Revenue)
		}
	}
	tIdx := map[string]int{}
	for t, i := range p.terr {
		tIdx[ds.Territories[i]] = t
	}
	periodIdx := map[string]int{}
	for per, label := range ds.Periods {
		periodIdx[label] = per
	}
	held := make([][2]int, len(out.Predictions))
	a, f, lo, hi := make([]float64, len(held)), make([]float64, len(held)), make([]float64, len(held)), make([]float64, len(held))
	for k, pr := range out.Predictions {
		held[k] = [2]int{tIdx[pr.Territory], periodIdx[pr.Period]}
		a[k], f[k], lo[k], hi[k] = pr.Actual, pr.Forecast, pr.P10, pr.P90
	}
	bt, byT, baseT := scoreHoldout(all, held, a, f, lo, hi, cut, h, ppy)
	for t := range out.Territories {
		out.Territories[t].Holdout, out.Territories[t].Baselines = byT[t], baseT[t]
	}
	return bt
}

// scoreHoldout scores the held-out forecasts f (80 % intervals lo, hi, or
// nil) of actuals a, row k being territory held[k][0] of all in period
// held[k][1], and the naive baselines' forecasts of the same rows (fitted
// on the periods before cut, holdout h, ppy periods a year): in total, and
// per territory (nil and no baselines for a territory without held-out
// rows).
func scoreHoldout(all []series, held [][2]int, a, f, lo, hi []float64, cut, h, ppy int) (*Backtest, []*Metrics, [][]Scored) {
	byT := make([][]int, len(all))
	for k, th := range held {
		byT[th[0]] = append(byT[th[0]], k)
	}
	pick := func(xs []float64, ks []int) []float64 {
		if xs == nil {
			return nil
		}
		o := make([]float64, len(ks))
		for j, k := range ks {
			o[j] = xs[k]
		}
		return o
	}
	bt := &Backtest{Model: Score(a, f, lo, hi)}
	model := make([]*Metrics, len(all))
	base := make([][]Scored, len(all))
	for t := range all {
		if len(byT[t]) > 0 {
			m := Score(pick(a, byT[t]), pick(f, byT[t]), pick(lo, byT[t]), pick(hi, byT[t]))
			model[t] = &m
		}
	}
	for _, name := range Baselines {
		run := runBaseline(name, all, held, cut, h, ppy)
		var ks []int
		for k, ok := range run.ok {
			if ok {
				ks = append(ks, k)
			}
		}
		bt.Baselines = append(bt.Baselines, Scored{name, Score(pick(a, ks), pick(run.forecast, ks), pick(run.lo, ks), pick(run.hi, ks))})
		for t := range all {
			var kt []int
			for _, k := range byT[t] {
				if run.ok[k] {
					kt = append(kt, k)
				}
			}
			if len(kt) > 0 {
				base[t] = append(base[t], Scored{name, Score(pick(a, kt), pick(run.forecast, kt), pick(run.lo, kt), pick(run.hi, kt))})
			}
		}
	}
	return bt, model, base
}

// Judge scores another model's forecasts of ds's held-out rows — the
// latest holdout periods — next to the naive baselines on the same split,
// by the code that scores Fit's: in total, and per territory (by name;
// nil metrics and no baselines for one without held-out rows).
// territories are the ones the model covers: the baselines' all-territory
// trend is theirs, and a prediction of another territory is an error;
// preds give Actual and Forecast, and P10 and P90 when intervals is true.
func Judge(ds *Dataset, holdout int, territories []string, preds []Prediction, intervals bool) (*Backtest, map[string]*Metrics, map[string][]Scored, error) {
	P := len(ds.Periods)
	if holdout < 1 || holdout >= P {
		return nil, nil, nil, fmt.Errorf("holdout periods: %d must be at least 1 and less than the %d periods of the history", holdout, P)
	}
	cut := P - holdout
	dsIdx := map[string]int{}
	for i, name := range ds.Territories {
		dsIdx[name] = i
	}
	tIdx := map[string]int{}
	all := make([]series, len(territories))
	for t, name := range territories {
		i, ok := dsIdx[name]
		if !ok {
			return nil, nil, nil, fmt.Errorf("territory %s is not in the history", name)
		}
		tIdx[name] = t
		for _, n := range ds.Series[i] {
			all[t].per = append(all[t].per, ds.PeriodOf[n])
			all[t].rev = append(all[t].rev, ds.Rows[n].Revenue)
		}
	}
	periodIdx := map[string]int{}
	for per, label := range ds.Periods {
		periodIdx[label] = per
	}
	held := make([][2]int, len(preds))
	a, f := make([]float64, len(preds)), make([]float64, len(preds))
	var lo, hi []float64
	if intervals {
		lo, hi = make([]float64, len(preds)), make([]float64, len(preds))
	}
	for k, pr := range preds {
		t, ok := tIdx[pr.Territory]
		per, okp := periodIdx[pr.Period]
		if !ok || !okp || per < cut {
			return nil, nil, nil, fmt.Errorf("prediction %d (%s, %s) is not a held-out row of a territory judged", k+1, pr.Territory, pr.Period)
		}
		held[k] = [2]int{t, per}
		a[k], f[k] = pr.Actual, pr.Forecast
		if intervals {
			lo[k], hi[k] = pr.P10, pr.P90
		}
	}
	bt, byT, baseT := scoreHoldout(all, held, a, f, lo, hi, cut, holdout, periodsPerYear(ds.Granularity))
	model, base := map[string]*Metrics{}, map[string][]Scored{}
	for t, name := range territories {
		model[name], base[name] = byT[t], baseT[t]
	}
	return bt, model, base, nil
}
