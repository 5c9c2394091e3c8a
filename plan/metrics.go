package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
)

// RunResult is what a run stores as its result.
type RunResult struct {
	// Allocation is the allocation solver's answer, when the run allocated,
	// without its per-territory marginal returns (null; they are in each
	// territory's figures, GET …/territories, with reasons where unbounded).
	Allocation *allocate.Result `json:"allocation,omitempty"`
	// Objective says what Allocation's objective and bound measure:
	// "revenue" or "profit", dollars per year; empty when the run did not
	// allocate.
	Objective string `json:"objective,omitempty"`
	// Alignment summarises the alignment solver's answer, when the run aligned.
	Alignment *AlignmentSummary `json:"alignment,omitempty"`
	// Fit is the fitted curves and their back-test, when the run was of
	// kind fit.
	Fit *FitOutcome `json:"fit,omitempty"`
	// Curves says which response curves the allocation used (settings.curves)
	// and the interval of its expected revenue; nil when the run did not
	// allocate.
	Curves *CurvesOutcome `json:"curves,omitempty"`
}

// ParseRunResult decodes a stored run result; empty means none.
func ParseRunResult(raw json.RawMessage) (*RunResult, error) {
	var r RunResult
	if len(raw) == 0 {
		return &r, nil
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// TerritoryMetrics is one territory's row in tables and the map.
type TerritoryMetrics struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Owners   []string `json:"owners"`
	Locked   bool     `json:"locked"`
	Units    int      `json:"units"`
	Accounts int      `json:"accounts"`
	Market
	Current         map[string]float64 `json:"current"`                   // resource units
	Assumed         []string           `json:"assumed" openapi:"nonnull"` // sorted names whose current amount was derived from revenue, not supplied; [] when none
	Allocation      map[string]float64 `json:"allocation"`                // resource units; nil before a run
	Change          map[string]float64 `json:"change"`                    // allocation − current
	ExpectedRevenue *float64           `json:"expected_revenue"`          // dollars per year at the allocation
	RevenueChange   *float64           `json:"revenue_change"`            // expected − current revenue, dollars per year
	// Marginal is d revenue / d amount at the allocation per resource,
	// dollars per year per unit of resource; null for a resource whose
	// slope is unbounded there (the territory has none of it and its
	// curve is vertical at zero), with the reason in MarginalReasons. Nil
	// before a run.
	Marginal map[string]*float64 `json:"marginal"`
	// MarginalReasons says, for each resource whose marginal is null, why,
	// in a sentence for people; absent when every marginal is a number.
	MarginalReasons map[string]string `json:"marginal_reasons,omitempty"`
	// CurveSource ("fitted" or "assumed") and CurveNote say where the
	// territory's response curves in the latest run came from and why;
	// absent before a run.
	CurveSource string `json:"curve_source,omitempty"`
	CurveNote   string `json:"curve_note,omitempty"`
	// RobustAllocation is the robust plan's allocation (settings.robust),
	// resource units; absent without it.
	RobustAllocation map[string]float64 `json:"robust_allocation,omitempty"`
}

// Totals sums the territories.
type Totals struct {
	Territories     int                `json:"territories"`
	Units           int                `json:"units"`
	Accounts        int                `json:"accounts"`
	Market          float64            `json:"market"`
	Revenue         float64            `json:"revenue"`
	Share           float64            `json:"share"`
	Headroom        float64            `json:"headroom"`
	Current         map[string]float64 `json:"current"`
	Allocation      map[string]float64 `json:"allocation"`
	ExpectedRevenue *float64           `json:"expected_revenue"`
	// Objective and Bound are what the solver maximised and its proven
	// upper bound, dollars per year of ObjectiveKind; null without results.
	Objective *float64 `json:"objective"`
	Bound     *float64 `json:"bound"`
	// ObjectiveKind says which objective Objective and Bound measure:
	// "revenue" or "profit"; empty without results.
	ObjectiveKind string             `json:"objective_kind"`
	Gap           *float64           `json:"gap"`
	ShadowPrices  map[string]float64 `json:"shadow_prices"`
	// Curves says which curves the latest run's allocation used and the
	// interval of its expected revenue; absent without results.
	Curves *CurvesOutcome `json:"curves,omitempty"`
}

// Metrics computes every territory's metrics, sorted by id, and the totals:
// the actual figures from the inputs, the modelled ones from the stored
// results of the latest run (nil: no run has stored any).
func Metrics(in *Inputs, res *Results) ([]TerritoryMetrics, Totals) {
	markets := in.markets()
	units := in.unitsOf()
	out := make([]TerritoryMetrics, 0, len(in.Territories))
	tot := Totals{Current: map[string]float64{}}
	var cert *allocate.Result
	if res != nil && res.Summary.Allocation != nil && res.Summary.Allocation.Status != allocate.Infeasible {
		cert = res.Summary.Allocation
		tot.Allocation = map[string]float64{}
		exp, obj, bound, gap := cert.TotalRevenue, cert.Objective, cert.Bound, cert.Gap
		tot.ExpectedRevenue, tot.Objective, tot.Bound, tot.Gap = &exp, &obj, &bound, &gap
		tot.ShadowPrices = cert.ShadowPrices
		tot.ObjectiveKind = objectiveKind(res.Summary.Objective)
		tot.Curves = res.Summary.Curves
	}
	for _, t := range in.Territories {
		m := TerritoryMetrics{ID: t.ID, Name: t.Name, Owners: t.Owners, Locked: t.Locked || in.Settings.locked(t.ID),
			Units: len(units[t.ID]), Market: *markets[t.ID], Current: t.Current, Assumed: t.Assumed}
		if m.Owners == nil {
			m.Owners = []string{}
		}
		if m.Assumed == nil {
			m.Assumed = []string{}
		}
		for _, u := range units[t.ID] {
			m.Accounts += in.Accounts[u]
		}
		if cert != nil {
			if tr, ok := res.Territories[t.ID]; ok {
				m.Allocation, m.Change = tr.Allocation, tr.Change
				m.Marginal, m.MarginalReasons = marginals(t, tr)
				exp, delta := tr.ExpectedRevenue, tr.RevenueChange
				m.ExpectedRevenue, m.RevenueChange = &exp, &delta
				m.CurveSource, m.CurveNote = tr.CurveSource, tr.CurveNote
				m.RobustAllocation = tr.RobustAllocation
				for r, v := range tr.Allocation {
					tot.Allocation[r] += v
				}
			}
		}
		for r, v := range t.Current {
			tot.Current[r] += v
		}
		tot.Units += m.Units
		tot.Accounts += m.Accounts
		tot.Market += m.Market.Market
		tot.Revenue += m.Revenue
		tot.Headroom += m.Headroom
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	tot.Territories = len(out)
	if tot.Market > 0 {
		tot.Share = tot.Revenue / tot.Market
	}
	return out, tot
}

// objectiveKind names what the solver maximised: "revenue" or "profit".
func objectiveKind(o allocate.Objective) string {
	if o == allocate.Profit {
		return "profit"
	}
	return "revenue"
}

// marginals are a territory's stored marginal returns, one per resource it
// was allocated: a number, or nil with the reason where the slope is
// unbounded (stored results leave such a resource out).
func marginals(t *terrane.Territory, tr TerritoryResult) (map[string]*float64, map[string]string) {
	out := make(map[string]*float64, len(tr.Allocation))
	var why map[string]string
	name := t.Name
	if name == "" {
		name = t.ID
	}
	for r, x := range tr.Allocation {
		if v, ok := tr.Marginal[r]; ok {
			out[r] = &v
			continue
		}
		out[r] = nil
		if why == nil {
			why = map[string]string{}
		}
		why[r] = fmt.Sprintf("%s has %s of %s in this plan, where the response curve rises vertically: the return on the first unit is unbounded, so no return per unit is given", name, amountWord(x), r)
	}
	return out, why
}

// amountWord is "none" for 0, else the amount.
func amountWord(x float64) string {
	if x == 0 {
		return "none"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
