package plan

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
)

// TerritoryResult is one territory's part of a run's results, stored with
// the run so that reads need not solve or calibrate anything.
type TerritoryResult struct {
	Allocation      map[string]float64 `json:"allocation"`       // resource units
	Change          map[string]float64 `json:"change"`           // allocation − current at the run, resource units
	ExpectedRevenue float64            `json:"expected_revenue"` // modelled at the allocation, dollars per year
	RevenueChange   float64            `json:"revenue_change"`   // expected − actual revenue at the run, dollars per year
	// Marginal is d revenue / d amount at the allocation, dollars per year
	// per resource unit; a resource whose slope is unbounded (none of it
	// yet, an S-shaped curve's foot) is absent rather than a sentinel.
	Marginal map[string]float64 `json:"marginal"`
	// Model is the territory as the solver saw it: base revenue and the
	// calibrated curve of each resource, dollars per year.
	Model allocate.Territory `json:"model"`
	// CurveSource is where Model's curves come from: "fitted" (from the
	// scenario's history) or "assumed" (from market share); CurveNote says
	// why, for people.
	CurveSource string `json:"curve_source,omitempty"`
	CurveNote   string `json:"curve_note,omitempty"`
	// RobustAllocation is the robust plan's allocation (settings.robust),
	// next to Allocation; absent without it.
	RobustAllocation map[string]float64 `json:"robust_allocation,omitempty"`
}

// ResultSummary is a run's scenario-wide results.
type ResultSummary struct {
	Kind string `json:"kind"` // the run's kind
	// Allocation is the allocation solver's certificate (status, objective,
	// bound, gap, shadow prices) without its per-territory maps, which are in
	// each TerritoryResult; nil when the run did not allocate.
	Allocation *allocate.Result `json:"allocation,omitempty"`
	// Alignment summarises the redrawn territories; nil when the run did not align.
	Alignment *AlignmentSummary `json:"alignment,omitempty"`
	// Resources and Objective let a read evaluate the stored curves.
	Resources []allocate.Resource `json:"resources,omitempty"`
	Objective allocate.Objective  `json:"objective,omitempty"`
	// Curves says which curves the allocation used and the interval of
	// its expected revenue; nil when the run did not allocate.
	Curves *CurvesOutcome `json:"curves,omitempty"`
}

// Results are a scenario's stored results, decoded.
type Results struct {
	RunID           int64
	ScenarioVersion int64 // the scenario's version they were computed on
	LayerVersion    int64 // the layer's version they were computed on
	ComputedAt      time.Time
	Summary         ResultSummary
	Territories     map[string]TerritoryResult
}

// Stale reports whether sc changed since the results were computed.
func (r *Results) Stale(sc *terrane.Scenario) bool {
	return r.ScenarioVersion != sc.Version || r.LayerVersion != sc.LayerVersion
}

// Problem is the allocation problem of one stored territory, for drawing
// its response curves; nil when the run did not allocate.
func (r *Results) Problem(territory string) *allocate.Problem {
	t, ok := r.Territories[territory]
	if !ok || r.Summary.Allocation == nil {
		return nil
	}
	return &allocate.Problem{Resources: r.Summary.Resources, Objective: r.Summary.Objective, Territories: []allocate.Territory{t.Model}}
}

// ParseResults decodes stored results.
func ParseResults(raw *terrane.Results) (*Results, error) {
	out := &Results{RunID: raw.RunID, ScenarioVersion: raw.ScenarioVersion, LayerVersion: raw.LayerVersion, ComputedAt: raw.ComputedAt,
		Territories: make(map[string]TerritoryResult, len(raw.Territories))}
	if err := json.Unmarshal(raw.Summary, &out.Summary); err != nil {
		return nil, fmt.Errorf("plan: stored results of run %d: summary: %w", raw.RunID, err)
	}
	for id, b := range raw.Territories {
		var t TerritoryResult
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("plan: stored results of run %d: territory %s: %w", raw.RunID, id, err)
		}
		out.Territories[id] = t
	}
	return out, nil
}

// storedResults turns a run's answer on its inputs into what is stored.
// p is the allocation problem solved (nil when the run did not allocate).
func storedResults(run *terrane.Run, in *Inputs, p *allocate.Problem, out *RunResult, fc *fittedCurves) (*terrane.Results, error) {
	sum := ResultSummary{Kind: run.Kind, Alignment: out.Alignment, Curves: out.Curves}
	terrs := map[string]json.RawMessage{}
	if a := out.Allocation; a != nil && p != nil {
		cert := *a
		cert.Allocation, cert.Revenue, cert.Marginal = nil, nil, nil
		sum.Allocation, sum.Resources, sum.Objective = &cert, p.Resources, p.Objective
		markets := in.markets()
		for _, t := range p.Territories {
			alloc, ok := a.Allocation[t.ID]
			if !ok {
				continue
			}
			tr := TerritoryResult{Allocation: alloc, Change: map[string]float64{}, Marginal: map[string]float64{}, Model: t,
				ExpectedRevenue: a.Revenue[t.ID]}
			if fc != nil {
				tr.CurveSource, tr.CurveNote = fc.source[t.ID], fc.note[t.ID]
				tr.RobustAllocation = fc.robustAlloc[t.ID]
			}
			for r, v := range alloc {
				tr.Change[r] = v - t.Current[r]
			}
			if m := markets[t.ID]; m != nil {
				tr.RevenueChange = tr.ExpectedRevenue - m.Revenue
			}
			for r, v := range a.Marginal[t.ID] {
				if !math.IsInf(v, 0) && !math.IsNaN(v) && v < math.MaxFloat64 {
					tr.Marginal[r] = v
				}
			}
			b, err := json.Marshal(tr)
			if err != nil {
				return nil, fmt.Errorf("plan: results of territory %s: %w", t.ID, err)
			}
			terrs[t.ID] = b
		}
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return nil, fmt.Errorf("plan: results summary: %w", err)
	}
	return &terrane.Results{ScenarioID: in.Scenario.ID, RunID: run.ID, ScenarioVersion: in.Scenario.Version, LayerVersion: in.Scenario.LayerVersion,
		ComputedAt: time.Now().UTC().Truncate(time.Microsecond), Summary: b, Territories: terrs}, nil
}
