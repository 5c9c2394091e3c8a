package plan

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
	"github.com/terrane/terrane/optimizer/align"
)

// Balance measures of an alignment, and territories drawn around rep homes.
//
// A scenario's settings.align.balances names the measures every territory
// is balanced on, each within mean ± its tolerance:
//
//   - market: the unit's market size (scaled by the market multipliers),
//     dollars per year; the solver's demand. The default, at ±tolerance
//     (0.05), when the list is empty.
//   - accounts: the number of accounts in the unit.
//   - workload: hours of work a year, Σ over the unit's accounts of the hours
//     an account of its segment takes (settings.align.hours_per_account,
//     default DefaultHoursPerAccount). Divided by the reps' mean capacity
//     (hours per year) it says how many reps a territory takes.
//   - revenue: current revenue, Σ of the unit's accounts' revenue, dollars per
//     year (the mean over the history loaded).
//
// Market is always the solver's demand (what max_moved counts); when it is
// not in the list it is simply not bounded. The other measures become the
// solver's Balances (align.Problem.Balances).

// Measure names of settings.align.balances.
const (
	MeasureMarket   = "market"
	MeasureAccounts = "accounts"
	MeasureWorkload = "workload"
	MeasureRevenue  = "revenue"
)

// CentersRepHomes is the settings.align.centers value that draws each
// territory around its rep's home.
const CentersRepHomes = "rep_homes"

// DefaultHoursPerAccount is the work an account of a segment missing from
// settings.align.hours_per_account takes, in hours per year (about two
// hours a month: a call and its follow-up).
const DefaultHoursPerAccount = 24.0

// AlignBalance is one measure a scenario's territories are balanced on.
type AlignBalance struct {
	// Measure is market, accounts, workload or revenue.
	Measure string `json:"measure"`
	// Tolerance bounds each territory to mean ± this fraction, in (0, 1]
	// (0.1 = ±10 %); required.
	Tolerance float64 `json:"tolerance"`
}

// measureUnits says what each measure counts, for people.
var measureUnits = map[string]string{
	MeasureMarket:   "dollars per year",
	MeasureAccounts: "accounts",
	MeasureWorkload: "hours per year",
	MeasureRevenue:  "dollars per year",
}

// validateMeasures checks balances, hours_per_account and centers, naming
// the field.
func (a AlignSettings) validateMeasures() error {
	seen := map[string]bool{}
	for i, b := range a.Balances {
		field := fmt.Sprintf("settings.align.balances[%d]", i)
		if _, ok := measureUnits[b.Measure]; !ok {
			return terrane.Errorf(terrane.EINVALID, "%s.measure %q: want market, accounts, workload or revenue", field, b.Measure)
		}
		if seen[b.Measure] {
			return terrane.Errorf(terrane.EINVALID, "%s.measure %q is listed twice", field, b.Measure)
		}
		seen[b.Measure] = true
		if !(b.Tolerance > 0 && b.Tolerance <= 1) {
			return terrane.Errorf(terrane.EINVALID, "%s.tolerance must be in (0, 1] (0.1 = ±10 %%), not %v", field, b.Tolerance)
		}
	}
	segs := make([]string, 0, len(a.HoursPerAccount))
	for s := range a.HoursPerAccount {
		segs = append(segs, s)
	}
	sort.Strings(segs)
	for _, s := range segs {
		if v := a.HoursPerAccount[s]; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 8760 {
			return terrane.Errorf(terrane.EINVALID, "settings.align.hours_per_account.%s must be hours per year in [0, 8760], not %v", s, v)
		}
	}
	switch a.Centers {
	case "", CentersRepHomes:
	default:
		return terrane.Errorf(terrane.EINVALID, "settings.align.centers %q: want rep_homes or nothing (free centres)", a.Centers)
	}
	return nil
}

// balances is the effective list of measures: market at Tolerance (0.05)
// when none is listed.
func (a AlignSettings) balances() []AlignBalance {
	if len(a.Balances) == 0 {
		tol := a.Tolerance
		if tol == 0 {
			tol = 0.05
		}
		return []AlignBalance{{Measure: MeasureMarket, Tolerance: tol}}
	}
	return a.Balances
}

// needsAccounts says whether the measures read the accounts themselves
// (workload, revenue), not only their count.
func (a AlignSettings) needsAccounts() bool {
	for _, b := range a.balances() {
		if b.Measure == MeasureWorkload || b.Measure == MeasureRevenue {
			return true
		}
	}
	return false
}

// hours is the work an account of the segment takes, hours per year.
func (a AlignSettings) hours(segment string) float64 {
	if v, ok := a.HoursPerAccount[segment]; ok {
		return v
	}
	if v, ok := a.HoursPerAccount["*"]; ok {
		return v
	}
	return DefaultHoursPerAccount
}

// LoadAlignExtras reads what the alignment settings need beyond Load: the
// scenario's accounts (for workload and revenue) and the users (for rep
// homes and reps' capacity), when users is not nil.
func LoadAlignExtras(ctx context.Context, svc Services, users terrane.UserService, in *Inputs) error {
	set := in.Settings.Align
	if set.needsAccounts() {
		accs, err := svc.FindAccounts(ctx, terrane.AccountFilter{Scenario: in.Scenario.ID})
		if err != nil {
			return fmt.Errorf("plan: accounts of scenario %d: %w", in.Scenario.ID, err)
		}
		in.AccountRecords = accs
	}
	if users != nil && (set.Centers == CentersRepHomes || slices.ContainsFunc(set.balances(), func(b AlignBalance) bool { return b.Measure == MeasureWorkload })) {
		us, err := users.FindUsers(ctx)
		if err != nil {
			return fmt.Errorf("plan: users: %w", err)
		}
		in.Reps = nil
		for _, u := range us {
			if u.Role == terrane.RoleRep {
				in.Reps = append(in.Reps, u)
			}
		}
	}
	if set.Centers == CentersRepHomes && users == nil {
		return terrane.Errorf(terrane.EINVALID, "settings.align.centers = rep_homes: the reps are not available to this planner")
	}
	return nil
}

// unitMeasures returns, per measure other than market, each unit's value
// (indexed like in.Units).
func unitMeasures(in *Inputs, bals []AlignBalance) map[string][]float64 {
	out := map[string][]float64{}
	index := make(map[string]int, len(in.Units))
	for i, u := range in.Units {
		index[u.ID] = i
	}
	set := in.Settings.Align
	for _, b := range bals {
		v := make([]float64, len(in.Units))
		switch b.Measure {
		case MeasureMarket:
			continue
		case MeasureAccounts:
			for i, u := range in.Units {
				v[i] = float64(in.Accounts[u.ID])
			}
		case MeasureWorkload, MeasureRevenue:
			for _, a := range in.AccountRecords {
				i, ok := index[a.UnitID]
				if !ok {
					continue
				}
				if b.Measure == MeasureWorkload {
					v[i] += set.hours(a.Segment)
				} else {
					v[i] += a.Revenue
				}
			}
		}
		out[b.Measure] = v
	}
	return out
}

// addMeasures writes the measures other than market into the instance's
// units (a.Units maps them to in.Units) and their bands into its Balances.
func addMeasures(a *Alignment, bals []AlignBalance, meas map[string][]float64) {
	inst := a.Problem
	for _, b := range bals {
		if b.Measure == MeasureMarket {
			continue
		}
		inst.Balances = append(inst.Balances, align.MeasureBalance{Measure: b.Measure, Tolerance: b.Tolerance})
		v := meas[b.Measure]
		for j, i := range a.Units {
			u := &inst.Units[j]
			if u.Measures == nil {
				u.Measures = map[string]float64{}
			}
			u.Measures[b.Measure] = v[i]
		}
	}
}

// repCenters finds, for each territory of the instance, the unit holding
// (or, when none holds it, nearest to) the home of the rep who owns it:
// the territory's owners first, then the reps listing it. Two homes in one
// unit take the next nearest free unit. A territory without a rep home
// (no owner, or none with a home) gets −1, a free centre, and its name is
// listed in missing; centers is nil when no territory has a rep home.
func repCenters(in *Inputs, a *Alignment) ([]int, []string) {
	homes := map[string]orb.Point{} // rep name → home
	owns := map[string][]string{}   // territory id → rep names
	for _, u := range in.Reps {
		if u.Home != nil {
			homes[u.Name] = *u.Home
		}
		for _, t := range u.Territories {
			owns[t] = append(owns[t], u.Name)
		}
	}
	for _, t := range in.Territories {
		owns[t.ID] = append(slices.Clone(t.Owners), owns[t.ID]...)
	}
	known := territoryNames(in)
	centers := make([]int, len(a.IDs))
	taken := map[int]bool{}
	var missing []string
	for t, id := range a.IDs {
		var home *orb.Point
		for _, name := range owns[id] {
			if h, ok := homes[name]; ok {
				home = &h
				break
			}
		}
		if home == nil {
			missing = append(missing, nameOf(known, id))
			centers[t] = -1
			continue
		}
		centers[t] = nearestUnit(in, a, *home, taken)
		taken[centers[t]] = true
	}
	if len(missing) == len(a.IDs) {
		return nil, missing
	}
	return centers, missing
}

// nearestUnit is the instance unit, not taken, whose geometry holds p, or
// else whose centroid is nearest to p.
func nearestUnit(in *Inputs, a *Alignment, p orb.Point, taken map[int]bool) int {
	type cand struct {
		j int
		d float64
	}
	cs := make([]cand, 0, len(a.Units))
	for j, i := range a.Units {
		if !taken[j] {
			cs = append(cs, cand{j, geo.Haversine(p, in.Units[i].Centroid)})
		}
	}
	sort.Slice(cs, func(x, y int) bool { return cs[x].d < cs[y].d || cs[x].d == cs[y].d && cs[x].j < cs[y].j })
	for _, c := range cs[:min(10, len(cs))] {
		if g := in.Units[a.Units[c.j]].Geometry; g != nil && contains(g, p) {
			return c.j
		}
	}
	return cs[0].j
}

// contains reports whether a polygonal geometry holds p.
func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// MeasureBand is how a run's territories meet one balance measure.
type MeasureBand struct {
	Measure   string  `json:"measure"`   // market, accounts, workload or revenue
	Unit      string  `json:"unit"`      // what it counts: dollars per year, accounts, hours per year
	Tolerance float64 `json:"tolerance"` // the band is mean ± this fraction
	Min       float64 `json:"min"`       // least a balanced territory may hold, in Unit
	Max       float64 `json:"max"`       // most, in Unit
	// WorstSlack is the smallest slack, min(load − Min, Max − load), over
	// the balanced territories, in Unit (negative: outside the band), and
	// WorstTerritory the id of the territory where it is.
	WorstSlack     float64 `json:"worst_slack"`
	WorstTerritory string  `json:"worst_territory"`
	WorstLoad      float64 `json:"worst_load"` // what that territory holds, in Unit
	Outside        int     `json:"outside"`    // balanced territories outside the band
	// RepsPerTerritory, for workload, is the mean workload of a territory
	// over the reps' mean capacity (hours per year): how many reps a
	// territory takes; 0 when no rep has a capacity.
	RepsPerTerritory float64 `json:"reps_per_territory,omitempty"`
}

// measureBands turns the solver's slack into the bands of the summary;
// relabel maps the instance's territories to ap.IDs.
func measureBands(in *Inputs, ap *Alignment, res *align.Result, relabel []int) []MeasureBand {
	bals := in.Settings.Align.balances()
	tol := map[string]float64{}
	for _, b := range bals {
		tol[b.Measure] = b.Tolerance
	}
	var capacity, reps float64
	for _, u := range in.Reps {
		if u.Capacity > 0 {
			capacity += u.Capacity
			reps++
		}
	}
	out := []MeasureBand{}
	for _, ms := range res.Slack.Balances {
		name := ms.Measure
		if name == align.DemandMeasure {
			name = MeasureMarket
		}
		b := MeasureBand{Measure: name, Unit: measureUnits[name], Tolerance: tol[name], Min: ms.Min, Max: ms.Max,
			WorstSlack: ms.Worst, WorstLoad: ms.Loads[ms.WorstTerritory], WorstTerritory: ap.IDs[relabel[ms.WorstTerritory]]}
		total := 0.0
		eps := 1e-9 * math.Max(1, ms.Max)
		for _, s := range ms.Slack {
			if s < -eps {
				b.Outside++
			}
		}
		for _, x := range ms.Loads {
			total += x
		}
		if name == MeasureWorkload && reps > 0 && len(ms.Loads) > 0 {
			b.RepsPerTerritory = total / float64(len(ms.Loads)) / (capacity / reps)
		}
		out = append(out, b)
	}
	return out
}

// measureWarnings says, for people, which territories miss the band of a
// measure other than market (bandWarning speaks of market).
func measureWarnings(in *Inputs, ap *Alignment, res *align.Result, relabel []int, bands []MeasureBand) []string {
	known := territoryNames(in)
	var out []string
	for i, ms := range res.Slack.Balances {
		b := bands[i]
		if b.Measure == MeasureMarket || b.Outside == 0 {
			continue
		}
		var list []string
		eps := 1e-9 * math.Max(1, ms.Max)
		for t, s := range ms.Slack {
			if s < -eps {
				list = append(list, fmt.Sprintf("%s (%s)", nameOf(known, ap.IDs[relabel[t]]), measureAmount(b.Measure, ms.Loads[t])))
			}
		}
		verb := "hold"
		if b.Outside == 1 {
			verb = "holds"
		}
		out = append(out, fmt.Sprintf("%d of %d territories %s more or fewer %s than the band of %s allows; the search stopped after %.0f seconds. You can finish the plan by hand or widen the band. Outside the band: %s.",
			b.Outside, len(ms.Slack), verb, measureNoun(b.Measure), amountRange(b.Measure, b.Min, b.Max), res.Seconds, names(list)))
	}
	return out
}
