package plan_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

// sampleStore is a fresh SQLite store holding the sample dataset.
func sampleStore(t *testing.T) *data.Store {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := loader.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// sampleInputs loads the sample dataset's baseline scenario.
func sampleInputs(t *testing.T) *plan.Inputs {
	t.Helper()
	in, err := plan.Load(context.Background(), sampleStore(t), 1, false)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestCalibrationReproducesCurrentRevenue: at today's allocation the
// calibrated curves give today's revenue in every territory whose share
// lies inside the calibration clamps, and the optimum is no worse.
func TestCalibrationReproducesCurrentRevenue(t *testing.T) {
	in := sampleInputs(t)
	p, err := plan.AllocationProblem(in)
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]map[string]float64{}
	for _, tt := range p.Territories {
		current[tt.ID] = tt.Current
	}
	_, modelRev := allocate.Evaluate(p, current)
	metrics, totals := plan.Metrics(in, nil)
	var model float64
	for _, m := range metrics {
		model += modelRev[m.ID]
		phi := (m.Share - m.Floor) / (m.Saturation - m.Floor)
		if m.Revenue > 0 && phi > 1e-3 && phi < 0.98 && math.Abs(modelRev[m.ID]-m.Revenue) > 0.01*m.Revenue+1 {
			t.Errorf("territory %s: model revenue at current allocation %.0f, actual %.0f dollars per year", m.ID, modelRev[m.ID], m.Revenue)
		}
	}
	res, err := allocate.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status == allocate.Infeasible || res.TotalRevenue < model-1 {
		t.Errorf("optimum %.0f (%s) is below the current plan's %.0f", res.TotalRevenue, res.Status, model)
	}
	t.Logf("sample: revenue today %.0f, model at today's allocation %.0f, optimum %.0f (bound %.0f, gap %.2g)", totals.Revenue, model, res.TotalRevenue, res.Bound, res.Gap)
}

// TestSaturatedTerritoriesGetFlatCurves: of two territories with the same
// market and the same money today, the one near saturation gains less from
// one more dollar, and the optimum moves money to the one with headroom —
// never leaving money where its marginal return is below the shadow price.
func TestSaturatedTerritoriesGetFlatCurves(t *testing.T) {
	in := &plan.Inputs{
		Scenario: &terrane.Scenario{ID: 1, Resources: []terrane.Resource{{Name: "money", UnitCost: 1, Total: new(200000.0)}}},
		Settings: &plan.ScenarioSettings{Shape: 0.8},
		Territories: []*terrane.Territory{
			{ID: "won", Current: map[string]float64{"money": 100000}},
			{ID: "open", Current: map[string]float64{"money": 100000}},
		},
		Assignments: map[string]string{"u1": "won", "u2": "open"},
		Estimates: map[string]*terrane.MarketEstimate{
			"u1": {UnitID: "u1", Market: 1e7, Revenue: 9.8e5, Share: 0.098, Saturation: 0.1, Floor: 0.049}, // φ = 0.96
			"u2": {UnitID: "u2", Market: 1e7, Revenue: 1e5, Share: 0.01, Saturation: 0.1, Floor: 0.005},
		},
	}
	p, err := plan.AllocationProblem(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := allocate.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	cur := map[string]map[string]float64{"won": {"money": 100000}, "open": {"money": 100000}}
	_, today := allocate.Evaluate(p, cur)
	if math.Abs(today["won"]-9.8e5) > 1 || math.Abs(today["open"]-1e5) > 1 {
		t.Errorf("calibration: revenue at today's allocation = %v; want won 980000, open 100000", today)
	}
	slope := func(id string) float64 {
		x := map[string]map[string]float64{"won": {"money": 100000}, "open": {"money": 100000}}
		x[id]["money"] += 1000
		_, r := allocate.Evaluate(p, x)
		return (r[id] - today[id]) / 1000
	}
	if slope("won") >= slope("open") {
		t.Errorf("return of one more dollar: near saturation %.3f, with headroom %.3f; want lower near saturation", slope("won"), slope("open"))
	}
	if res.Allocation["open"]["money"] <= 100000 || res.TotalRevenue <= 1.08e6 {
		t.Errorf("optimum %v (revenue %.0f): want money moved to the territory with headroom and revenue above today's 1,080,000", res.Allocation, res.TotalRevenue)
	}
	price := res.ShadowPrices["money"]
	for id, a := range res.Allocation {
		if a["money"] > 1 && res.Marginal[id]["money"] < price*(1-1e-4) {
			t.Errorf("territory %s holds %.0f dollars at marginal return %.4f below the shadow price %.4f", id, a["money"], res.Marginal[id]["money"], price)
		}
	}
}

// TestMarketAssumptions: a market multiplier scales a territory's market and
// headroom; a saturation multiplier raises its ceiling, and the optimum
// follows the extra headroom.
func TestMarketAssumptions(t *testing.T) {
	build := func(set plan.ScenarioSettings) (*plan.Inputs, []plan.TerritoryMetrics) {
		in := &plan.Inputs{
			Scenario: &terrane.Scenario{ID: 1, Resources: []terrane.Resource{{Name: "money", UnitCost: 1, Total: new(200000.0)}}},
			Settings: &set,
			Territories: []*terrane.Territory{
				{ID: "a", Current: map[string]float64{"money": 100000}},
				{ID: "b", Current: map[string]float64{"money": 100000}},
			},
			Assignments: map[string]string{"u1": "a", "u2": "b"},
			Units:       []*terrane.Unit{{ID: "u1", Region: "West"}, {ID: "u2", Region: "East"}},
			Estimates: map[string]*terrane.MarketEstimate{
				"u1": {UnitID: "u1", Market: 1e7, Revenue: 2e5, Share: 0.02, Saturation: 0.05, Floor: 0.01},
				"u2": {UnitID: "u2", Market: 1e7, Revenue: 2e5, Share: 0.02, Saturation: 0.05, Floor: 0.01},
			},
		}
		m, _ := plan.Metrics(in, nil)
		return in, m
	}
	if err := (&plan.ScenarioSettings{SaturationMultipliers: map[string]float64{"a": -1}}).Validate(); err == nil || !strings.Contains(err.Error(), "saturation_multipliers.a") {
		t.Errorf("a negative saturation multiplier: %v", err)
	}
	_, base := build(plan.ScenarioSettings{})
	_, bigger := build(plan.ScenarioSettings{MarketMultipliers: map[string]float64{"a": 1.5}})
	if got := bigger[0].Market.Market; math.Abs(got-1.5e7) > 1 {
		t.Errorf("market of a with multiplier 1.5 = %.0f, want 15,000,000", got)
	}
	if bigger[0].Headroom <= base[0].Headroom {
		t.Errorf("headroom of a: %.0f with a 1.5× market, %.0f without", bigger[0].Headroom, base[0].Headroom)
	}
	in, raised := build(plan.ScenarioSettings{SaturationMultipliers: map[string]float64{"a": 2}})
	_, byRegion := build(plan.ScenarioSettings{MarketMultipliers: map[string]float64{"West": 2, "*": 0.5}})
	if a, b := byRegion[0].Market.Market, byRegion[1].Market.Market; math.Abs(a-2e7) > 1 || math.Abs(b-5e6) > 1 {
		t.Errorf("markets with West ×2 and * ×0.5 = %.0f, %.0f; want 20,000,000 (u1 is in West) and 5,000,000", a, b)
	}
	if math.Abs(raised[0].Saturation-0.10) > 1e-9 || math.Abs(raised[1].Saturation-0.05) > 1e-9 {
		t.Errorf("saturation with a ×2 on a = %.3f, %.3f; want 0.100, 0.050", raised[0].Saturation, raised[1].Saturation)
	}
	p, err := plan.AllocationProblem(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := allocate.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Allocation["a"]["money"] <= res.Allocation["b"]["money"] {
		t.Errorf("allocation %v: want more money where the ceiling was raised", res.Allocation)
	}
}

// TestSamplePlanKeepsRepsInTheLargestMarkets: the optimum on the sample's
// baseline does not leave a territory among the 10 largest markets
// without a rep while one among the 10 smallest keeps one (no lock or
// bound forces it on the sample), and one more rep is worth about a rep's
// cost or more at the margin.
func TestSamplePlanKeepsRepsInTheLargestMarkets(t *testing.T) {
	in := sampleInputs(t)
	p, err := plan.AllocationProblem(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := allocate.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := plan.Metrics(in, nil)
	sort.Slice(metrics, func(i, j int) bool { return metrics[i].Market.Market > metrics[j].Market.Market })
	forced := func(id string) bool {
		b, bounded := in.Settings.Bounds[id]
		return slices.Contains(in.Settings.Locks, id) || (bounded && (b.Max["headcount"] > 0 || b.Min["headcount"] > 0))
	}
	for _, m := range metrics {
		if m.Locked {
			t.Errorf("territory %s is locked on the sample", m.ID)
		}
	}
	var bare, kept []string
	for k, m := range metrics {
		reps := res.Allocation[m.ID]["headcount"]
		switch {
		case k < 10 && reps < 1 && !forced(m.ID):
			bare = append(bare, m.ID)
		case k >= len(metrics)-10 && reps >= 1 && !forced(m.ID):
			kept = append(kept, m.ID)
		}
		t.Logf("%2d %s market %.0f: reps %v → %v", k+1, m.ID, m.Market.Market, m.Current["headcount"], reps)
	}
	if len(bare) > 0 && len(kept) > 0 {
		t.Errorf("the plan leaves top-10 markets %v without a rep while bottom-10 markets %v keep one", bare, kept)
	}

	// The value of one more rep: the revenue one more gives each territory
	// at the optimum, against the fully loaded cost of a rep.
	repCost := in.Scenario.Resources[0].UnitCost
	var gains []float64
	for _, tt := range p.Territories {
		x := map[string]map[string]float64{}
		for id, a := range res.Allocation {
			x[id] = map[string]float64{}
			for r, v := range a {
				x[id][r] = v
			}
		}
		_, before := allocate.Evaluate(p, x)
		x[tt.ID]["headcount"]++
		_, after := allocate.Evaluate(p, x)
		gains = append(gains, after[tt.ID]-before[tt.ID])
	}
	sort.Float64s(gains)
	median := gains[len(gains)/2]
	t.Logf("one more rep at the optimum: median %.0f, range %.0f–%.0f dollars per year of revenue (a rep costs %.0f); shadow price of headcount %.0f, of budget %.3f",
		median, gains[0], gains[len(gains)-1], repCost, res.ShadowPrices["headcount"], res.ShadowPrices["budget"])
	if median < 0.5*repCost || median > 20*repCost {
		t.Errorf("one more rep is worth %.0f dollars a year at the median; want the order of a rep's cost (%.0f) or above", median, repCost)
	}
}
