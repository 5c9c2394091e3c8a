package plan

import (
	"fmt"
	"math"
	"sort"

	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/optimizer/fit"
)

// ShareMarket is a territory's market estimate for the share model's
// back-test: the addressable revenue, dollars per year, its low and high
// (0: unknown) and the saturation share before the raise (0: the
// options' default).
type ShareMarket struct {
	Market     float64
	Low, High  float64
	Saturation float64
}

// ShareOptions set the share model's back-test: the latest Holdout
// periods are judged, the others calibrate. The saturation rule is the
// sample's: S = Saturation (a market's own, else this default, 0 means
// 0.08), raised to s / Headroom where the calibrated share s is above
// Headroom × S (0 means 0.8), and the market raised to revenue / Headroom
// where that would exceed 1; floor F = FloorFraction × s (0 means 0.5).
type ShareOptions struct {
	Holdout       int
	Saturation    float64
	Headroom      float64
	FloorFraction float64
}

// ShareTerritory is one territory's calibration on the training periods
// and its back-test.
type ShareTerritory struct {
	Territory     string       `json:"territory"`
	FittedPeriods int          `json:"fitted_periods"`
	Revenue       float64      `json:"revenue"`    // mean revenue per training period: the calibration's current revenue
	Market        float64      `json:"market"`     // dollars per year, after the saturation rule's raise
	Share         float64      `json:"share"`      // s = revenue a year / market
	Saturation    float64      `json:"saturation"` // S
	Floor         float64      `json:"floor"`      // F
	MarketLow     *float64     `json:"market_low,omitempty"`
	MarketHigh    *float64     `json:"market_high,omitempty"`
	Holdout       *fit.Metrics `json:"model,omitempty"` // the share model's metrics on the territory's held-out rows
	Baselines     []fit.Scored `json:"baselines,omitempty"`
}

// SharePrediction is a held-out period's forecast by the share model; the
// interval is absent where the market has no low and high.
type SharePrediction struct {
	Period    string   `json:"period"`
	Territory string   `json:"territory"`
	Actual    float64  `json:"actual"`
	Forecast  float64  `json:"forecast"`
	P10       *float64 `json:"p10,omitempty"`
	P90       *float64 `json:"p90,omitempty"`
}

// ShareResult is the share model's back-test.
type ShareResult struct {
	Forecaster     string            `json:"forecaster"` // "share"
	Granularity    string            `json:"granularity"`
	Periods        int               `json:"periods"`
	FittedPeriods  int               `json:"fitted_periods"`
	HoldoutPeriods int               `json:"holdout_periods"`
	Resources      []string          `json:"resources"` // empty: resources unchanged (the history has none)
	Territories    []ShareTerritory  `json:"territories"`
	Predictions    []SharePrediction `json:"predictions"`
	Holdout        *fit.Backtest     `json:"holdout"`
	Skipped        []fit.Skipped     `json:"skipped,omitempty"`
}

// unchanged names the one nominal resource of a history without
// resources: one unit in every period, so the forecast is the calibrated
// revenue at today's effort.
const unchanged = "unchanged"

// ShareBacktest back-tests the share-calibrated market model (PRODUCT.md,
// "The market model"; plan.AllocationProblem) on ds: each territory is
// calibrated on the periods before the latest opts.Holdout ones only —
// current revenue R = its mean revenue per training period, current
// resources x⁰ = their mean per training period, share s = R × periods a
// year / M, saturation and floor by the rule of ShareOptions from that s —
// through allocate.MarketProblem (weight 1 and shape 1 per resource,
// φ clamped as the planner does), and the calibrated curves are evaluated
// at each held-out period's resources. The model has no time in it: no
// trend, no season, no market growth; with resources unchanged (a history
// without resource columns, or the same amounts) it forecasts R for every
// later period. Its 80 % interval reads the market's low and high as the
// 10th and 90th percentiles of the judged period's market, the share held:
// the calibrated curves scale with M at fixed K, so P10 and P90 are the
// forecast × low/M and × high/M. The forecasts are scored, and the naive
// baselines on the same split, by fit.Judge, the code that scores Fit's.
func ShareBacktest(ds *fit.Dataset, markets map[string]ShareMarket, opts ShareOptions) (*ShareResult, error) {
	P := len(ds.Periods)
	h := opts.Holdout
	if h < 1 || h >= P {
		return nil, fmt.Errorf("holdout periods: %d must be at least 1 and less than the %d periods of the history", h, P)
	}
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	sat0, head, ff := def(opts.Saturation, 0.08), def(opts.Headroom, 0.8), def(opts.FloorFraction, 0.5)
	switch {
	case !isFinite(sat0) || sat0 <= 0 || sat0 > 1:
		return nil, fmt.Errorf("saturation: must be a fraction in (0, 1], got %v", sat0)
	case !isFinite(head) || head <= 0 || head >= 1:
		return nil, fmt.Errorf("headroom: must be a fraction in (0, 1), got %v", head)
	case !isFinite(ff) || ff < 0 || ff >= 1:
		return nil, fmt.Errorf("floor fraction: must be in [0, 1), got %v", ff)
	}
	cut := P - h
	ppy := float64(fit.PeriodsPerYear(ds.Granularity))
	res := ds.Resources
	nominal := len(res) == 0
	if nominal {
		res = []string{unchanged}
	}
	amount := func(row fit.Row, r int) float64 {
		if nominal {
			return 1
		}
		return row.Resources[r]
	}
	out := &ShareResult{Forecaster: "share", Granularity: ds.Granularity, Periods: P, FittedPeriods: cut, HoldoutPeriods: h,
		Resources: append([]string{}, ds.Resources...)}
	mp := &allocate.MarketProblem{Objective: allocate.Revenue,
		Calibration: allocate.Calibration{Weights: map[string]float64{}, Shapes: map[string]float64{}, MinPhi: minPhi, MaxPhi: maxPhi}}
	for _, r := range res {
		mp.Resources = append(mp.Resources, allocate.Resource{Name: r})
		mp.Calibration.Weights[r], mp.Calibration.Shapes[r] = 1, 1
	}
	var terr []int // dataset territory index of each calibrated territory
	spread := map[string][2]float64{}
	for i, name := range ds.Territories {
		mk, ok := markets[name]
		if !ok {
			out.Skipped = append(out.Skipped, fit.Skipped{Territory: name, Reason: "no market estimate"})
			continue
		}
		if !isFinite(mk.Market) || mk.Market <= 0 {
			return nil, fmt.Errorf("market of territory %s: must be a finite number of dollars > 0, got %v", name, mk.Market)
		}
		if mk.Low != 0 || mk.High != 0 {
			if !isFinite(mk.Low) || !isFinite(mk.High) || mk.Low < 0 || mk.Low > mk.Market || mk.High < mk.Market {
				return nil, fmt.Errorf("market of territory %s: need 0 ≤ low ≤ market ≤ high, got %v ≤ %v ≤ %v", name, mk.Low, mk.Market, mk.High)
			}
		}
		if s := mk.Saturation; s != 0 && (!isFinite(s) || s <= 0 || s > 1) {
			return nil, fmt.Errorf("saturation of territory %s: must be a fraction in (0, 1], got %v", name, s)
		}
		var rev float64
		x0 := make([]float64, len(res))
		n := 0
		for _, k := range ds.Series[i] {
			if ds.PeriodOf[k] >= cut {
				continue
			}
			rev += ds.Rows[k].Revenue
			for r := range res {
				x0[r] += amount(ds.Rows[k], r)
			}
			n++
		}
		if n == 0 {
			out.Skipped = append(out.Skipped, fit.Skipped{Territory: name, Reason: "no revenue in the training periods"})
			continue
		}
		rev /= float64(n)
		M, S := mk.Market, def(mk.Saturation, sat0)
		s := rev * ppy / M
		if s > head*S {
			S = s / head
		}
		if S > 1 {
			M, S = rev*ppy/head, 1
			s = head
		}
		F := ff * s
		sat, floor := S, F
		m := allocate.Market{ID: name, Market: M, Share: s, Saturation: &sat, Floor: &floor, Current: map[string]float64{}}
		for r, name := range res {
			m.Current[name] = x0[r] / float64(n)
		}
		mp.Markets = append(mp.Markets, m)
		st := ShareTerritory{Territory: name, FittedPeriods: n, Revenue: rev, Market: M, Share: s, Saturation: S, Floor: F}
		if mk.Low != 0 || mk.High != 0 {
			lo, hi := mk.Low, mk.High
			st.MarketLow, st.MarketHigh = &lo, &hi
			spread[name] = [2]float64{mk.Low / mk.Market, mk.High / mk.Market}
		}
		out.Territories = append(out.Territories, st)
		terr = append(terr, i)
	}
	if len(terr) == 0 {
		return nil, fmt.Errorf("no territory has both a market estimate and revenue in the training periods")
	}
	// Calibrate once, with every nominal or mean training amount: a
	// territory with none of a resource takes the others' mean, as the
	// planner does.
	prob, err := mp.Problem()
	if err != nil {
		return nil, err
	}
	var preds []fit.Prediction
	names := make([]string, len(terr))
	intervals := true
	for t, i := range terr {
		name := ds.Territories[i]
		names[t] = name
		one := &allocate.Problem{Objective: allocate.Revenue, Resources: prob.Resources, Territories: []allocate.Territory{prob.Territories[t]}}
		for _, k := range ds.Series[i] {
			row := ds.Rows[k]
			if ds.PeriodOf[k] < cut {
				continue
			}
			x := map[string]float64{}
			for r, rn := range res {
				x[rn] = amount(row, r)
			}
			_, rv := allocate.Evaluate(one, map[string]map[string]float64{name: x})
			fc := rv[name] / ppy
			pr := SharePrediction{Period: row.Period, Territory: name, Actual: row.Revenue, Forecast: fc}
			jp := fit.Prediction{Period: row.Period, Territory: name, Actual: row.Revenue, Forecast: fc}
			if sp, ok := spread[name]; ok {
				p10, p90 := fc*sp[0], fc*sp[1]
				pr.P10, pr.P90 = &p10, &p90
				jp.P10, jp.P90 = p10, p90
			} else {
				intervals = false
			}
			out.Predictions = append(out.Predictions, pr)
			preds = append(preds, jp)
		}
	}
	bt, byT, base, err := fit.Judge(ds, h, names, preds, intervals)
	if err != nil {
		return nil, err
	}
	out.Holdout = bt
	for t := range out.Territories {
		name := out.Territories[t].Territory
		out.Territories[t].Holdout, out.Territories[t].Baselines = byT[name], base[name]
	}
	sort.SliceStable(out.Predictions, func(x, y int) bool { return out.Predictions[x].Period < out.Predictions[y].Period })
	for _, p := range out.Predictions {
		if !isFinite(p.Forecast) {
			return nil, fmt.Errorf("territory %s, period %s: the forecast is not a finite number", p.Territory, p.Period)
		}
	}
	return out, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
