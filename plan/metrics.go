package plan

import (
	"encoding/json"
	"sort"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
)

// RunResult is what a run stores as its result.
type RunResult struct {
	// Allocation is the allocation solver's answer, when the run allocated.
	Allocation *allocate.Result `json:"allocation,omitempty"`
	// Alignment summarises the alignment solver's answer, when the run aligned.
	Alignment *AlignmentSummary `json:"alignment,omitempty"`
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
	Current         map[string]float64 `json:"current"`          // resource units
	Allocation      map[string]float64 `json:"allocation"`       // resource units; nil before a run
	Change          map[string]float64 `json:"change"`           // allocation − current
	ExpectedRevenue *float64           `json:"expected_revenue"` // dollars per year at the allocation
	RevenueChange   *float64           `json:"revenue_change"`   // expected − current revenue, dollars per year
	Marginal        map[string]float64 `json:"marginal"`         // dollars per year per unit of resource
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
	Objective       *float64           `json:"objective"`
	Bound           *float64           `json:"bound"`
	Gap             *float64           `json:"gap"`
	ShadowPrices    map[string]float64 `json:"shadow_prices"`
}

// Metrics computes every territory's metrics, sorted by id, and the totals.
// alloc may be nil (no successful allocation run yet).
func Metrics(in *Inputs, alloc *allocate.Result) ([]TerritoryMetrics, Totals) {
	markets := in.markets()
	units := in.unitsOf()
	out := make([]TerritoryMetrics, 0, len(in.Territories))
	tot := Totals{Current: map[string]float64{}}
	if alloc != nil && alloc.Status != allocate.Infeasible {
		tot.Allocation = map[string]float64{}
		exp, obj, bound, gap := alloc.TotalRevenue, alloc.Objective, alloc.Bound, alloc.Gap
		tot.ExpectedRevenue, tot.Objective, tot.Bound, tot.Gap = &exp, &obj, &bound, &gap
		tot.ShadowPrices = alloc.ShadowPrices
	}
	for _, t := range in.Territories {
		m := TerritoryMetrics{ID: t.ID, Name: t.Name, Owners: t.Owners, Locked: t.Locked || in.Settings.locked(t.ID),
			Units: len(units[t.ID]), Market: *markets[t.ID], Current: t.Current}
		if m.Owners == nil {
			m.Owners = []string{}
		}
		for _, u := range units[t.ID] {
			m.Accounts += in.Accounts[u]
		}
		if tot.Allocation != nil {
			if a, ok := alloc.Allocation[t.ID]; ok {
				m.Allocation = a
				m.Change = map[string]float64{}
				for r, v := range a {
					m.Change[r] = v - t.Current[r]
					tot.Allocation[r] += v
				}
				rev := alloc.Revenue[t.ID]
				delta := rev - m.Revenue
				m.ExpectedRevenue, m.RevenueChange = &rev, &delta
				m.Marginal = alloc.Marginal[t.ID]
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

// LatestAllocation finds the scenario's newest successful run that
// allocated and returns its id and result; (0, nil) if there is none.
func LatestAllocation(ctxRuns []*terrane.Run, find func(id int64) (*terrane.Run, error)) (int64, *allocate.Result, error) {
	for _, r := range ctxRuns { // newest first
		if r.Status != terrane.RunSucceeded {
			continue
		}
		if r.Kind == terrane.RunAlign {
			return 0, nil, nil // territories were redrawn after any earlier allocation
		}
		full, err := find(r.ID)
		if err != nil {
			return 0, nil, err
		}
		res, err := ParseRunResult(full.Result)
		if err != nil {
			return 0, nil, err
		}
		if res.Allocation != nil {
			return r.ID, res.Allocation, nil
		}
	}
	return 0, nil, nil
}
