package plan

import (
	"sort"

	"github.com/terrane/terrane/optimizer/allocate"
)

// Basis says where a scenario's modelled (expected) revenue comes from, so
// that a comparison sets like against like.
type Basis string

const (
	// BasisRun: the stored results of the scenario's latest run, which hold
	// every territory.
	BasisRun Basis = "run"
	// BasisSolved: the scenario's optimum solved for the comparison, on its
	// inputs as they are now (no run stored results for every territory, or
	// the scenario changed since its run).
	BasisSolved Basis = "solved"
	// BasisCurrent: the scenario's calibrated model evaluated at today's
	// allocation (its optimum could not be solved: e.g. infeasible limits).
	BasisCurrent Basis = "current"
	// BasisNone: no model can be evaluated (e.g. a scenario without
	// resources); the expected figures are null.
	BasisNone Basis = "none"
)

// RunExpected is each territory's expected revenue stored by the latest
// run, dollars per year; ok is false unless the results hold an allocation
// for every territory of in (then the figures are not comparable as a
// whole and the model should be evaluated instead).
func RunExpected(in *Inputs, res *Results) (map[string]float64, bool) {
	if res == nil || res.Summary.Allocation == nil || res.Summary.Allocation.Status == allocate.Infeasible {
		return nil, false
	}
	out := make(map[string]float64, len(in.Territories))
	for _, t := range in.Territories {
		tr, ok := res.Territories[t.ID]
		if !ok {
			return nil, false
		}
		out[t.ID] = tr.ExpectedRevenue
	}
	return out, true
}

// ModelExpected is each territory's revenue as the calibrated model p
// (AllocationProblem of in) gives it at today's allocation, dollars per
// year.
func ModelExpected(in *Inputs, p *allocate.Problem) map[string]float64 {
	at := make(map[string]map[string]float64, len(in.Territories))
	for _, t := range in.Territories {
		at[t.ID] = t.Current
	}
	_, rev := allocate.Evaluate(p, at)
	return rev
}

// UnitFigures are one unit's figures as a scenario sees it.
type UnitFigures struct {
	Territory string  // territory id; "" when unassigned
	Accounts  int     // accounts located in the unit
	Market    float64 // dollars per year, with the scenario's market assumptions
	Revenue   float64 // actual revenue, dollars per year
}

// UnitFigures lists every assigned unit's figures in the scenario, by unit id.
func (in *Inputs) UnitFigures() map[string]UnitFigures {
	out := make(map[string]UnitFigures, len(in.Assignments))
	for u, t := range in.Assignments {
		f := UnitFigures{Territory: t, Accounts: in.Accounts[u]}
		if m := in.Estimates[u]; m != nil {
			f.Market = m.Market * in.Settings.multiplier(t, in.region(u))
			f.Revenue = m.Revenue
		}
		out[u] = f
	}
	return out
}

// TerritoryImpact is what publishing a plan changes for one territory and
// the people who own it, from the plan in force (before) to the new one
// (after). Money in dollars per year; revenue is actual revenue.
type TerritoryImpact struct {
	Territory       string
	Name            string
	Status          string // "changed", "added" (only after) or "removed" (only before)
	Before, After   bool   // the territory exists in that plan
	OwnersBefore    []string
	OwnersAfter     []string
	UnitsGained     int
	UnitsLost       int
	AccountsGained  int
	AccountsLost    int
	MarketGained    float64
	MarketLost      float64
	RevenueGained   float64
	RevenueLost     float64
	HeadcountBefore *float64 // reps; nil when the plan has no headcount resource or not the territory
	HeadcountAfter  *float64
}

// HeadcountResource is the resource counted as headcount in impacts: the
// one named "headcount", else the first integer resource; "" when none.
func (in *Inputs) HeadcountResource() string {
	first := ""
	for _, r := range in.Scenario.Resources {
		if r.Name == "headcount" {
			return r.Name
		}
		if r.Integer && first == "" {
			first = r.Name
		}
	}
	return first
}

// Impact compares two plans of the same layer territory by territory id:
// the units, accounts, market and actual revenue each territory gains and
// loses, and its headcount before and after. Only territories that change
// (units, headcount or owners) are listed, sorted by id.
func Impact(before, after *Inputs) []TerritoryImpact {
	ub, ua := before.UnitFigures(), after.UnitFigures()
	tb, ta := map[string]int{}, map[string]int{}
	for i, t := range before.Territories {
		tb[t.ID] = i
	}
	for i, t := range after.Territories {
		ta[t.ID] = i
	}
	rows := map[string]*TerritoryImpact{}
	row := func(id string) *TerritoryImpact {
		r := rows[id]
		if r == nil {
			r = &TerritoryImpact{Territory: id}
			rows[id] = r
		}
		return r
	}
	for u, fa := range ua {
		fb, ok := ub[u]
		if ok && fb.Territory == fa.Territory {
			continue
		}
		g := row(fa.Territory)
		g.UnitsGained++
		g.AccountsGained += fa.Accounts
		g.MarketGained += fa.Market
		g.RevenueGained += fa.Revenue
		if ok {
			l := row(fb.Territory)
			l.UnitsLost++
			l.AccountsLost += fb.Accounts
			l.MarketLost += fb.Market
			l.RevenueLost += fb.Revenue
		}
	}
	for u, fb := range ub {
		if _, ok := ua[u]; !ok {
			l := row(fb.Territory)
			l.UnitsLost++
			l.AccountsLost += fb.Accounts
			l.MarketLost += fb.Market
			l.RevenueLost += fb.Revenue
		}
	}
	hb, ha := before.HeadcountResource(), after.HeadcountResource()
	headcount := func(in *Inputs, r string, idx map[string]int, id string) *float64 {
		i, ok := idx[id]
		if !ok || r == "" {
			return nil
		}
		v := in.Territories[i].Current[r]
		return &v
	}
	ids := map[string]bool{}
	for id := range tb {
		ids[id] = true
	}
	for id := range ta {
		ids[id] = true
	}
	out := []TerritoryImpact{}
	for id := range ids {
		r := rows[id]
		if r == nil {
			r = &TerritoryImpact{Territory: id}
		}
		ib, okB := tb[id]
		ia, okA := ta[id]
		r.Before, r.After = okB, okA
		r.HeadcountBefore, r.HeadcountAfter = headcount(before, hb, tb, id), headcount(after, ha, ta, id)
		if okB {
			r.Name, r.OwnersBefore = before.Territories[ib].Name, sortedCopy(before.Territories[ib].Owners)
		}
		if okA {
			r.Name, r.OwnersAfter = after.Territories[ia].Name, sortedCopy(after.Territories[ia].Owners)
		}
		switch {
		case !okB:
			r.Status = "added"
		case !okA:
			r.Status = "removed"
		default:
			r.Status = "changed"
			sameHead := (r.HeadcountBefore == nil) == (r.HeadcountAfter == nil) &&
				(r.HeadcountBefore == nil || *r.HeadcountBefore == *r.HeadcountAfter)
			if r.UnitsGained == 0 && r.UnitsLost == 0 && sameHead && equalStrings(r.OwnersBefore, r.OwnersAfter) {
				continue
			}
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Territory < out[j].Territory })
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
