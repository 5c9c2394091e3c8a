package plan

import (
	"encoding/json"
	"sort"

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
		if cert != nil {
			if tr, ok := res.Territories[t.ID]; ok {
				m.Allocation, m.Change, m.Marginal = tr.Allocation, tr.Change, tr.Marginal
				exp, delta := tr.ExpectedRevenue, tr.RevenueChange
				m.ExpectedRevenue, m.RevenueChange = &exp, &delta
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
