package plan

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/terrane/terrane"
)

// Services are what plan reads and writes.
type Services interface {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.RunService
}

// Inputs is everything known about a scenario that the solvers and metrics
// need, read in one place.
type Inputs struct {
	Scenario    *terrane.Scenario
	Settings    *ScenarioSettings
	Territories []*terrane.Territory
	Assignments map[string]string                  // unit id → territory id
	Estimates   map[string]*terrane.MarketEstimate // by unit id
	Accounts    map[string]int                     // accounts per unit id
	Units       []*terrane.Unit                    // sorted by id; Geometry only when loaded for the aligner
	// AccountRecords are the scenario's accounts, read by LoadAlignExtras
	// when a balance measure needs them (workload, revenue); nil otherwise.
	AccountRecords []*terrane.Account
	// Reps are the users with the rep role, read by LoadAlignExtras for rep
	// homes (settings.align.centers) and capacity; nil otherwise.
	Reps    []*terrane.User
	regions map[string]string // unit id → region, for region-level assumptions
}

// region is a unit's region ("" when unknown).
func (in *Inputs) region(unit string) string {
	if in.regions == nil {
		in.regions = make(map[string]string, len(in.Units))
		for _, u := range in.Units {
			in.regions[u.ID] = u.Region
		}
	}
	return in.regions[unit]
}

// Load reads a scenario's inputs. withUnits also reads the layer's units
// (centroids and geometry) for the alignment solver and maps.
func Load(ctx context.Context, svc Services, scenarioID int64, withUnits bool) (*Inputs, error) {
	sc, err := svc.FindScenarioByID(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	set, err := ParseScenarioSettings(sc.Settings)
	if err != nil {
		return nil, err
	}
	terrs, err := svc.FindTerritories(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	align, err := svc.FindAssignments(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	est, err := svc.FindScenarioMarketEstimates(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	counts, err := svc.CountScenarioAccounts(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	// Units: with geometry for the aligner, else only what the market
	// assumptions need (regions).
	units, err := svc.FindUnits(ctx, terrane.UnitFilter{Layer: sc.Layer, WithoutGeometry: !withUnits, WithoutAttributes: !withUnits})
	if err != nil {
		return nil, fmt.Errorf("plan: units of %s: %w", sc.Layer, err)
	}
	in := newInputs(sc, terrs, align, est, units, counts)
	in.Settings = set
	return in, nil
}

// NewInputs states a scenario's inputs from its parts, as Load reads them
// from a store: `terrane solve allocate --sample` builds the sample's
// baseline this way, so that the command and a run of the API solve the
// same problem. accounts counts accounts per unit id (nil: none). EINVALID
// when the scenario's settings do not parse.
func NewInputs(sc *terrane.Scenario, territories []*terrane.Territory, assignments map[string]string,
	estimates []*terrane.MarketEstimate, units []*terrane.Unit, accounts map[string]int) (*Inputs, error) {
	set, err := ParseScenarioSettings(sc.Settings)
	if err != nil {
		return nil, err
	}
	in := newInputs(sc, territories, assignments, estimates, units, accounts)
	in.Settings = set
	return in, nil
}

func newInputs(sc *terrane.Scenario, terrs []*terrane.Territory, align map[string]string, est []*terrane.MarketEstimate,
	units []*terrane.Unit, counts map[string]int) *Inputs {
	if counts == nil {
		counts = map[string]int{}
	}
	in := &Inputs{Scenario: sc, Territories: terrs, Assignments: align,
		Estimates: make(map[string]*terrane.MarketEstimate, len(est)), Accounts: counts, Units: units}
	for _, m := range est {
		in.Estimates[m.UnitID] = m
	}
	sort.Slice(in.Units, func(i, j int) bool { return in.Units[i].ID < in.Units[j].ID })
	in.region("") // built now, so that readers may share the inputs
	return in
}

// unitsOf lists each territory's unit ids, sorted.
func (in *Inputs) unitsOf() map[string][]string {
	out := map[string][]string{}
	for u, t := range in.Assignments {
		out[t] = append(out[t], u)
	}
	for _, us := range out {
		sort.Strings(us)
	}
	return out
}

// Market is one territory's market, summed over its units and scaled by the
// scenario's market multiplier.
type Market struct {
	Market     float64 `json:"market"`     // dollars per year
	Revenue    float64 `json:"revenue"`    // dollars per year
	Share      float64 `json:"share"`      // revenue / market
	Saturation float64 `json:"saturation"` // market-weighted share at saturation
	Floor      float64 `json:"floor"`      // market-weighted share kept with no effort
	Headroom   float64 `json:"headroom"`   // market·saturation − revenue, dollars per year
	// RevenuePeriod says which period Revenue is the actual of: the
	// revenue periods of the units' estimates (MarketEstimate.RevenuePeriod),
	// distinct, sorted and joined by ", ", e.g. "2017" or "2017-Q4 ×4"; ""
	// when none is known.
	RevenuePeriod string `json:"revenue_period"`
}

// Markets sums each territory's market (scaled by the scenario's market
// multipliers, as the solvers see it) and revenue over the units the inputs
// assign to it, by territory id.
func (in *Inputs) Markets() map[string]*Market { return in.markets() }

// markets sums unit estimates per territory.
func (in *Inputs) markets() map[string]*Market {
	out := map[string]*Market{}
	for _, t := range in.Territories {
		out[t.ID] = &Market{}
	}
	for u, t := range in.Assignments {
		m, ok := in.Estimates[u]
		agg := out[t]
		if !ok || agg == nil {
			continue
		}
		mult := in.Settings.multiplier(t, in.region(u))
		sat := math.Min(1, math.Max(m.Share, m.Saturation*in.Settings.saturationMultiplier(t, in.region(u))))
		agg.Market += m.Market * mult
		agg.Revenue += m.Revenue
		agg.Saturation += sat * m.Market * mult
		agg.Floor += m.Floor * m.Market * mult
	}
	periods := map[string]map[string]bool{}
	for u, t := range in.Assignments {
		if m, ok := in.Estimates[u]; ok && out[t] != nil && m.RevenuePeriod != "" {
			if periods[t] == nil {
				periods[t] = map[string]bool{}
			}
			periods[t][m.RevenuePeriod] = true
		}
	}
	for t, ps := range periods {
		list := make([]string, 0, len(ps))
		for p := range ps {
			list = append(list, p)
		}
		sort.Strings(list)
		out[t].RevenuePeriod = strings.Join(list, ", ")
	}
	for _, agg := range out {
		if agg.Market > 0 {
			agg.Share = agg.Revenue / agg.Market
			agg.Saturation /= agg.Market
			agg.Floor /= agg.Market
			if agg.Share > agg.Saturation {
				// A multiplier below 1 can push the share above saturation.
				agg.Saturation = agg.Share
			}
			agg.Headroom = agg.Market*agg.Saturation - agg.Revenue
		}
	}
	return out
}
