package plan

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/fit"
)

// HistoryDataset turns a layer's stored history (terrane.HistoryRow, as
// ImportService.FindHistory returns it) into the territories of scenario
// for optimizer/fit. Rows by territory of this scenario are used as they
// are; when the scenario has none, rows by unit are summed into each unit's
// territory under assignments (unit id → territory id; revenue and every
// resource summed per territory and period; units outside the plan are
// left out). Rows of other scenarios are ignored. The resources are the
// amounts recorded in every row, in name order, less the controls, which
// must be recorded in every row too; dropped lists the resources some row
// lacks.
func HistoryDataset(rows []*terrane.HistoryRow, scenario int64, assignments map[string]string, controls []string) (ds *fit.Dataset, dropped []string, err error) {
	type key struct {
		territory string
		start     time.Time
	}
	type agg struct {
		label       string
		granularity string
		revenue     float64
		amounts     map[string]float64
	}
	sum := map[key]*agg{}
	var order []key
	byTerritory := false
	for _, r := range rows {
		if r.Territory != "" && r.Scenario == scenario {
			byTerritory = true
			break
		}
	}
	for _, r := range rows {
		terr := ""
		switch {
		case byTerritory && r.Territory != "" && r.Scenario == scenario:
			terr = r.Territory
		case !byTerritory && r.UnitID != "":
			terr = assignments[r.UnitID]
		}
		if terr == "" {
			continue
		}
		k := key{terr, r.Start}
		a := sum[k]
		if a == nil {
			a = &agg{label: r.Period, granularity: r.Granularity, amounts: map[string]float64{}}
			for name, v := range r.Resources {
				a.amounts[name] = v
			}
			a.revenue = r.Revenue
			sum[k] = a
			order = append(order, k)
			continue
		}
		a.revenue += r.Revenue
		for name := range a.amounts {
			if v, ok := r.Resources[name]; ok {
				a.amounts[name] += v
			} else {
				delete(a.amounts, name) // not recorded for every unit: unknown for the territory
			}
		}
	}
	if len(order) == 0 {
		return nil, nil, terrane.Errorf(terrane.EINVALID, "scenario %d has no history: import a history file by territory of the scenario, or by unit of its layer", scenario)
	}
	// resources recorded in every (territory, period)
	count := map[string]int{}
	granularity := sum[order[0]].granularity
	for _, k := range order {
		a := sum[k]
		if a.granularity != granularity {
			return nil, nil, terrane.Errorf(terrane.EINVALID, "history: period %s is a %s but %s is a %s: one granularity is needed", a.label, a.granularity, sum[order[0]].label, granularity)
		}
		for name := range a.amounts {
			count[name]++
		}
	}
	isControl := map[string]bool{}
	for _, c := range controls {
		if count[c] != len(order) {
			return nil, nil, terrane.Errorf(terrane.EINVALID, "controls: %q is not recorded in every period of the history", c)
		}
		isControl[c] = true
	}
	var resources []string
	for name, n := range count {
		switch {
		case isControl[name]:
		case n == len(order):
			resources = append(resources, name)
		default:
			dropped = append(dropped, name)
		}
	}
	sort.Strings(resources)
	sort.Strings(dropped)
	if len(resources) == 0 {
		return nil, dropped, terrane.Errorf(terrane.EINVALID, "history: no resource is recorded in every period (recorded in some: %s)", strings.Join(dropped, ", "))
	}
	out := make([]fit.Row, 0, len(order))
	for _, k := range order {
		a := sum[k]
		row := fit.Row{Territory: k.territory, Period: a.label, Start: k.start, Revenue: a.revenue}
		for _, name := range resources {
			row.Resources = append(row.Resources, a.amounts[name])
		}
		for _, name := range controls {
			row.Controls = append(row.Controls, a.amounts[name])
		}
		out = append(out, row)
	}
	ds, err = fit.NewDataset(out, resources, controls, granularity)
	if err != nil {
		return nil, dropped, terrane.Errorf(terrane.EINVALID, "%v", err)
	}
	return ds, dropped, nil
}

// FitRequest says how a run of kind fit fits (RunRequest.Fit).
type FitRequest struct {
	// HoldoutPeriods is how many of the latest periods to hold out,
	// forecast and score against the naive baselines (0: fit every period).
	HoldoutPeriods int `json:"holdout_periods"`
	// Controls are history columns (stored among the resources) that are
	// covariates rather than resources.
	Controls []string `json:"controls,omitempty"`
}

// Validate reports the first malformed field.
func (f *FitRequest) Validate() error {
	if f.HoldoutPeriods < 0 {
		return terrane.Errorf(terrane.EINVALID, "fit.holdout_periods must be ≥ 0")
	}
	seen := map[string]bool{}
	for _, c := range f.Controls {
		if strings.TrimSpace(c) == "" {
			return terrane.Errorf(terrane.EINVALID, "fit.controls: empty name")
		}
		if seen[c] {
			return terrane.Errorf(terrane.EINVALID, "fit.controls: %q twice", c)
		}
		seen[c] = true
	}
	return nil
}

// FitOutcome is what a fit run keeps (RunResult.Fit): the fit, the
// held-out forecasts, and the resources some history row lacked. With a
// holdout it also back-tests the share-calibrated curves the scenario
// would use without the fit on the same split (Share, ScenarioShareBacktest), or
// says why it could not (ShareUnavailable).
type FitOutcome struct {
	fit.Result
	Predictions      []fit.Prediction `json:"predictions,omitempty"`
	DroppedResources []string         `json:"dropped_resources,omitempty"`
	Share            *ShareResult     `json:"share,omitempty"`
	ShareUnavailable string           `json:"share_unavailable,omitempty"`
}

// ScenarioShareBacktest back-tests the scenario's share-calibrated model
// on ds (ShareBacktest), the latest holdout periods judged: each territory's
// market as the solvers see it (Inputs.Markets: summed over its units,
// scaled by the market multipliers), its low and high summed the same way
// when every unit has them, and its saturation as the base of the
// saturation rule. The share, the floor and the saturation's raise come
// from the training periods' revenue only; a stored saturation that was
// itself raised from a share read over later periods keeps that raise
// (it changes no forecast at unchanged resources).
func ScenarioShareBacktest(in *Inputs, ds *fit.Dataset, holdout int) (*ShareResult, error) {
	agg := in.markets()
	lo, hi, full := map[string]float64{}, map[string]float64{}, map[string]bool{}
	for t := range agg {
		full[t] = true
	}
	for u, t := range in.Assignments {
		m, ok := in.Estimates[u]
		if !ok || agg[t] == nil {
			continue
		}
		if !(m.Low > 0 && m.High > 0) {
			full[t] = false
			continue
		}
		mult := in.Settings.multiplier(t, in.region(u))
		lo[t] += m.Low * mult
		hi[t] += m.High * mult
	}
	markets := map[string]ShareMarket{}
	for t, m := range agg {
		if !(m.Market > 0) {
			continue
		}
		sm := ShareMarket{Market: m.Market, Saturation: math.Min(1, m.Saturation)}
		if full[t] && lo[t] <= m.Market && hi[t] >= m.Market {
			sm.Low, sm.High = lo[t], hi[t]
		}
		if !(sm.Saturation > 0) {
			sm.Saturation = 0
		}
		markets[t] = sm
	}
	res, err := ShareBacktest(ds, markets, ShareOptions{Holdout: holdout})
	if err != nil {
		return nil, terrane.Errorf(terrane.EINVALID, "%v", err)
	}
	return res, nil
}

// historyFinder is the part of the store a fit run reads history from.
type historyFinder interface {
	FindScenarioHistory(ctx context.Context, scenarioID int64) ([]*terrane.HistoryRow, error)
}

// solveFit fits the scenario's stored history (HistoryDataset) with the
// run's FitRequest (recorded in its input under "fit").
func (w *Worker) solveFit(ctx context.Context, run *terrane.Run, progress func(float64)) (*outcome, error) {
	t0 := time.Now()
	var input struct {
		Fit *FitRequest `json:"fit"`
	}
	if len(run.Input) > 0 {
		if err := json.Unmarshal(run.Input, &input); err != nil {
			return nil, terrane.Errorf(terrane.EINTERNAL, "fit run %d: input: %v", run.ID, err)
		}
	}
	req := input.Fit
	if req == nil {
		req = &FitRequest{}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	hf, ok := w.Services.(historyFinder)
	if !ok {
		return nil, terrane.Errorf(terrane.EINTERNAL, "fit run %d: the store cannot read history", run.ID)
	}
	in, err := Load(ctx, w.Services, run.ScenarioID, false)
	if err != nil {
		return nil, err
	}
	rows, err := hf.FindScenarioHistory(ctx, in.Scenario.ID)
	if err != nil {
		return nil, err
	}
	load := time.Since(t0)
	ds, dropped, err := scenarioHistory(ctx, w.Services, in, rows, req.Controls)
	if err != nil {
		return nil, err
	}
	if req.HoldoutPeriods >= len(ds.Periods) {
		return nil, terrane.Errorf(terrane.EINVALID, "fit.holdout_periods: %d must be less than the history's %d periods", req.HoldoutPeriods, len(ds.Periods))
	}
	res, err := fit.Fit(ctx, ds, fit.Options{Holdout: req.HoldoutPeriods, Seed: uint64(run.Seed), Progress: progress})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, terrane.Errorf(terrane.EINVALID, "%v", err)
	}
	fo := &FitOutcome{Result: *res, Predictions: res.Predictions, DroppedResources: dropped}
	if req.HoldoutPeriods > 0 {
		if fo.Share, err = ScenarioShareBacktest(in, ds, req.HoldoutPeriods); err != nil {
			fo.ShareUnavailable = err.Error()
		}
	}
	out := &RunResult{Fit: fo}
	return &outcome{result: out, load: load, in: in}, nil
}
