package plan

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/optimizer/fit"
)

// Curve sources of a territory's response curves (TerritoryResult.CurveSource).
const (
	CurveFitted  = "fitted"  // fitted from the scenario's history (optimizer/fit)
	CurveAssumed = "assumed" // calibrated from market share (AllocationProblem)
)

// curveDraws is the number of posterior draws the expected revenue's
// interval is taken over.
const curveDraws = 200

// Interval is a P10–P50–P90 summary, dollars per year.
type Interval struct {
	P10 float64 `json:"p10"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
}

// CurvesOutcome says which curves an allocation used and how sure its
// expected revenue is.
type CurvesOutcome struct {
	// Setting is settings.curves as applied: "auto", "fitted" or "assumed".
	Setting string `json:"setting"`
	// Fitted and Assumed count the territories on each kind of curve.
	Fitted  int `json:"fitted"`
	Assumed int `json:"assumed"`
	// Note says, for people, where the curves came from.
	Note string `json:"note"`
	// HoldoutPeriods is the back-test's holdout, 0 when there was none.
	HoldoutPeriods int `json:"holdout_periods,omitempty"`
	// ExpectedRevenue is the revenue of the optimum allocation, dollars per
	// year, on the curves the solver used (Estimate: the posterior mode's
	// for fitted territories) and over the fit's posterior draws (Mean,
	// Interval: the optimum evaluated under each draw; assumed territories
	// count at their one curve). Nil when no territory is on a fitted curve.
	ExpectedRevenue *ExpectedRevenue `json:"expected_revenue,omitempty"`
	// Robust is the plan maximising expected revenue over the draws, next
	// to this one; only with settings.robust and fitted territories.
	Robust *RobustOutcome `json:"robust,omitempty"`
}

// ExpectedRevenue is the allocation's revenue with its uncertainty.
type ExpectedRevenue struct {
	// Estimate is the revenue on the solver's curves (the fitted ones at the
	// posterior mode), dollars per year: the certificate's total revenue.
	Estimate float64 `json:"estimate"`
	// Interval is its P10–P90 (P50 = Estimate) by the delta method on the
	// fit's Laplace approximation, the way the fit gives every curve value
	// its interval (docs/fit.md); the assumed territories count at their
	// one curve. Absent if the fit's curvature gives no finite variance.
	Interval *Interval `json:"interval,omitempty"`
	// Draws is the optimum evaluated under each posterior draw of the
	// fitted curves: their mean and P10–P50–P90. Drawn through the Laplace
	// Gaussian, curve values come out skewed above the mode (docs/fit.md),
	// so these sit higher than Interval; both are shown.
	Draws DrawSummary `json:"draws"`
}

// DrawSummary is a figure's distribution over posterior draws.
type DrawSummary struct {
	N        int      `json:"n"`
	Mean     float64  `json:"mean"`
	Interval Interval `json:"interval"`
}

// territoryCurve is one territory's fitted curve, in the allocation's units.
type territoryCurve struct {
	mode  fit.CurveDraw
	draws []fit.CurveDraw
	// fixed are the history's amounts per period of the resources the
	// scenario does not allocate, held at the latest fitted period's.
	fixed []float64
}

// fittedCurves is the outcome of choosing curves for a scenario.
type fittedCurves struct {
	outcome *CurvesOutcome
	source  map[string]string // territory → CurveFitted | CurveAssumed
	note    map[string]string
	curves  map[string]*territoryCurve
	res     []string     // the fit's resources
	planner *fit.Planner // the full fit's, for the delta-method interval
	// robustAlloc is the robust plan's allocation (settings.robust).
	robustAlloc map[string]map[string]float64
	scale       map[string]float64 // history amount per period / allocation unit, per scenario resource
}

// chooseCurves applies settings.curves to p, the share-calibrated problem:
// with "auto" (the default) a territory gets its fitted curve only where
// the fit's back-test (the latest periods held out: a year, at most a
// third of the history) beats the best naive baseline on that territory's
// held-out periods; with "fitted" wherever it has history; with
// "assumed" never. The fit is done in the run from the scenario's stored
// history: once with the holdout, for the back-test, and once on every
// period, for the curves; both with every shape ≤ 1 (fit.Options.MaxShape),
// so that every curve is concave and the solver certifies its optimum as
// before (an S-shaped curve's foot is where a plan is least sure anyway). p's territories are changed in place.
func (w *Worker) chooseCurves(ctx context.Context, in *Inputs, p *allocate.Problem) (*fittedCurves, error) {
	setting := in.Settings.Curves
	if setting == "" {
		setting = "auto"
	}
	fc := &fittedCurves{outcome: &CurvesOutcome{Setting: setting}, source: map[string]string{}, note: map[string]string{}, curves: map[string]*territoryCurve{}}
	assumeAll := func(note string) *fittedCurves {
		for _, t := range p.Territories {
			fc.source[t.ID], fc.note[t.ID] = CurveAssumed, note
		}
		fc.outcome.Assumed, fc.outcome.Note = len(p.Territories), note
		return fc
	}
	if setting == "assumed" {
		return assumeAll("assumed from market share: settings.curves is \"assumed\""), nil
	}
	hf, ok := w.Services.(historyFinder)
	if !ok {
		return assumeAll("assumed from market share: no history"), nil
	}
	rows, err := hf.FindScenarioHistory(ctx, in.Scenario.ID)
	if err != nil {
		return nil, err
	}
	ds, _, err := scenarioHistory(ctx, w.Services, in, rows, nil)
	if err != nil {
		if terrane.ErrorCode(err) != terrane.EINVALID {
			return nil, err
		}
		if strings.Contains(err.Error(), "has no history") {
			return assumeAll("assumed from market share: no history"), nil
		}
		return assumeAll("assumed from market share: " + terrane.ErrorMessage(err)), nil
	}
	// Every allocated resource must be in the history to be fitted.
	have := map[string]int{}
	for r, name := range ds.Resources {
		have[name] = r
	}
	for _, r := range p.Resources {
		if _, ok := have[r.Name]; !ok {
			return assumeAll(fmt.Sprintf("assumed from market share: the history does not record %s", r.Name)), nil
		}
	}
	P := len(ds.Periods)
	ppy := map[string]int{fit.Week: 52, fit.Month: 12, fit.Quarter: 4}[ds.Granularity]
	if ppy == 0 {
		ppy = 1
	}
	holdout := min(ppy, P/3)
	var back *fit.Result
	if holdout >= 1 && P-holdout >= 4 {
		back, err = w.fits.fit(ctx, ds, fit.Options{Holdout: holdout, Draws: 50, MaxShape: 1})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return assumeAll(fmt.Sprintf("assumed from market share: the back-test failed: %v", err)), nil
		}
		fc.outcome.HoldoutPeriods = holdout
	}
	full, err := w.fits.fit(ctx, ds, fit.Options{Draws: curveDraws, MaxShape: 1})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return assumeAll(fmt.Sprintf("assumed from market share: the fit failed: %v", err)), nil
	}
	fc.res, fc.planner = ds.Resources, full.Planner()
	// The history's amounts per period per allocation unit: Σ latest
	// fitted amounts / Σ today's, over the territories in both (money per
	// quarter is a quarter of money per year; headcount is headcount).
	last := map[string]fit.Row{}
	for _, s := range ds.Series {
		if len(s) > 0 {
			r := ds.Rows[s[len(s)-1]]
			last[r.Territory] = r
		}
	}
	current := map[string]map[string]float64{}
	for _, t := range p.Territories {
		current[t.ID] = t.Current
	}
	fc.scale = map[string]float64{}
	for _, r := range p.Resources {
		var h, c float64
		for id, row := range last {
			if cur, ok := current[id]; ok {
				h += row.Resources[have[r.Name]]
				c += cur[r.Name]
			}
		}
		fc.scale[r.Name] = 1
		if h > 0 && c > 0 {
			fc.scale[r.Name] = h / c
		}
	}
	backOf := map[string]*fit.TerritoryFit{}
	if back != nil {
		for i := range back.Territories {
			backOf[back.Territories[i].Territory] = &back.Territories[i]
		}
	}
	fullOf := map[string]*fit.TerritoryFit{}
	for i := range full.Territories {
		fullOf[full.Territories[i].Territory] = &full.Territories[i]
	}
	unit := map[string]string{fit.Week: "weeks", fit.Month: "months", fit.Quarter: "quarters", fit.Year: "years", fit.Day: "days"}[ds.Granularity]
	allocated := map[string]bool{}
	for _, r := range p.Resources {
		allocated[r.Name] = true
	}
	for i := range p.Territories {
		t := &p.Territories[i]
		tf := fullOf[t.ID]
		if tf == nil {
			fc.source[t.ID], fc.note[t.ID] = CurveAssumed, "assumed from market share: no history"
			continue
		}
		note := ""
		use := setting == "fitted"
		if bt := backOf[t.ID]; bt != nil && bt.Holdout != nil && bt.Holdout.WAPE != nil {
			best, bestName := math.Inf(1), ""
			for _, b := range bt.Baselines {
				if b.Metrics.WAPE != nil && *b.Metrics.WAPE < best {
					best, bestName = *b.Metrics.WAPE, b.Name
				}
			}
			m := *bt.Holdout.WAPE
			switch {
			case math.IsInf(best, 1):
				note = fmt.Sprintf("no naive forecast to compare with on the last %d %s", holdout, unit)
			case m < best:
				note = fmt.Sprintf("beats the naive forecast (%s) by %.0f %% on the last %d %s", bestName, 100*(1-m/math.Max(best, 1e-12)), holdout, unit)
				use = true
			default:
				note = fmt.Sprintf("does not beat the naive forecast (%s): WAPE %.3f against %.3f on the last %d %s", bestName, m, best, holdout, unit)
			}
		} else {
			note = "too little history for a back-test"
		}
		if !use {
			fc.source[t.ID], fc.note[t.ID] = CurveAssumed, "assumed from market share: the fitted curve "+note
			if note == "too little history for a back-test" {
				fc.note[t.ID] = "assumed from market share: " + note
			}
			continue
		}
		tc := &territoryCurve{mode: tf.Mode, draws: tf.Draws}
		for r, name := range ds.Resources {
			if !allocated[name] {
				tc.fixed = append(tc.fixed, last[t.ID].Resources[r])
			}
		}
		// Base: the curve with the resources the scenario does not
		// allocate at their latest amounts and the allocated ones at 0.
		base := tc.revenue(tc.mode, fc.res, fc.scale, allocated, nil)
		t.Base = base
		t.Curves = map[string]allocate.Curve{}
		for _, r := range p.Resources {
			j := have[r.Name]
			if tf.Mode.Beta[j] <= 0 {
				continue
			}
			t.Curves[r.Name] = allocate.Curve{Beta: tf.Mode.Scale * tf.Mode.Beta[j], K: tf.Mode.K[j] / fc.scale[r.Name], Shape: tf.Mode.Shape[j]}
		}
		fc.curves[t.ID] = tc
		fc.source[t.ID] = CurveFitted
		fc.note[t.ID] = fmt.Sprintf("fitted from %d %s; %s", tf.FittedPeriods, unit, note)
		if setting == "fitted" && !strings.HasPrefix(note, "beats") {
			fc.note[t.ID] = fmt.Sprintf("fitted from %d %s (settings.curves is \"fitted\"); %s", tf.FittedPeriods, unit, note)
		}
	}
	for _, t := range p.Territories {
		if fc.source[t.ID] == CurveFitted {
			fc.outcome.Fitted++
		} else {
			fc.outcome.Assumed++
		}
	}
	fc.outcome.Note = fmt.Sprintf("%d of %d territories on curves fitted from %d %s of history, %d assumed from market share", fc.outcome.Fitted, len(p.Territories), P, unit, fc.outcome.Assumed)
	return fc, nil
}

// revenue is the territory's revenue per year under curve c at alloc
// (allocation units per scenario resource; nil = none), the resources the
// scenario does not allocate at their latest amounts.
func (tc *territoryCurve) revenue(c fit.CurveDraw, res []string, scale map[string]float64, allocated map[string]bool, alloc map[string]float64) float64 {
	x := make([]float64, len(res))
	f := 0
	for r, name := range res {
		if allocated[name] {
			x[r] = alloc[name] * scale[name]
		} else {
			x[r] = tc.fixed[f]
			f++
		}
	}
	return c.Revenue(x)
}

// expectedRevenue evaluates the optimum allocation under every posterior
// draw of the fitted territories' curves (the assumed ones at their
// curve's revenue, revenue[id]), and returns the interval.
func (fc *fittedCurves) expectedRevenue(p *allocate.Problem, alloc map[string]map[string]float64, revenue map[string]float64) *ExpectedRevenue {
	if fc.outcome.Fitted == 0 {
		return nil
	}
	allocated := map[string]bool{}
	for _, r := range p.Resources {
		allocated[r.Name] = true
	}
	var fixed, estimate float64
	for _, t := range p.Territories {
		estimate += revenue[t.ID]
		if fc.curves[t.ID] == nil {
			fixed += revenue[t.ID]
		}
	}
	draws := fc.overDraws(p, alloc, revenue)
	if draws.N == 0 {
		return nil
	}
	out := &ExpectedRevenue{Estimate: estimate, Draws: draws}
	// the delta method over the fitted territories, at the optimum's
	// amounts per period
	x := map[string][]float64{}
	for _, t := range p.Territories {
		if tc := fc.curves[t.ID]; tc != nil {
			v := make([]float64, len(fc.res))
			f := 0
			for r, name := range fc.res {
				if allocated[name] {
					v[r] = alloc[t.ID][name] * fc.scale[name]
				} else {
					v[r] = tc.fixed[f]
					f++
				}
			}
			x[t.ID] = v
		}
	}
	if fc.planner != nil {
		if iv, ok := fc.planner.Total(x); ok {
			out.Interval = &Interval{P10: fixed + iv.P10, P50: estimate, P90: fixed + iv.P90}
		}
	}
	return out
}

// validCurves checks settings.curves.
func validCurves(s string) error {
	switch s {
	case "", "auto", "fitted", "assumed":
		return nil
	}
	return terrane.Errorf(terrane.EINVALID, "settings.curves: %q is not one of \"auto\", \"fitted\", \"assumed\"", s)
}

// scenarioHistory is HistoryDataset for the scenario of in; a branch
// without history of its own has the history of the scenario it was
// branched from (and so on up), by territory id: a branch's territories
// keep their ids, and a redrawn one keeps today's id only if it holds most
// of that territory's market (Relabel).
func scenarioHistory(ctx context.Context, svc Services, in *Inputs, rows []*terrane.HistoryRow, controls []string) (*fit.Dataset, []string, error) {
	ds, dropped, err := HistoryDataset(rows, in.Scenario.ID, in.Assignments, controls)
	for sc, seen := in.Scenario, 0; err != nil && strings.Contains(err.Error(), "has no history") && sc.ParentID != 0 && seen < 50; seen++ {
		parent, perr := svc.FindScenarioByID(ctx, sc.ParentID)
		if perr != nil {
			return nil, nil, perr
		}
		sc = parent
		if d, dr, e := HistoryDataset(rows, sc.ID, in.Assignments, controls); e == nil || !strings.Contains(e.Error(), "has no history") {
			ds, dropped, err = d, dr, e
		}
	}
	return ds, dropped, err
}
