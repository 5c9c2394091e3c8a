package plan_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/terrane/terrane/geo"
	"github.com/terrane/terrane/optimizer/align"
	"github.com/terrane/terrane/plan"
)

// The sample balanced on market and accounts: the instance carries each
// unit's account count and both bands, and a capped solve meets both
// (checked by align.Verify on every measure).
func TestAlignProblemMarketAndAccounts(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 6
	in.Settings.Align.Balances = []plan.AlignBalance{{Measure: "market", Tolerance: 0.10}, {Measure: "accounts", Tolerance: 0.20}}
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	inst := a.Problem
	if inst.Balance.Tolerance != 0.10 {
		t.Errorf("market band: got ±%v, want ±0.10", inst.Balance.Tolerance)
	}
	if len(inst.Balances) != 1 || inst.Balances[0].Measure != "accounts" || inst.Balances[0].Tolerance != 0.20 {
		t.Fatalf("balances: got %+v, want accounts ±0.20", inst.Balances)
	}
	var got, want float64
	for j, u := range inst.Units {
		got += u.Measures["accounts"]
		want += float64(in.Accounts[in.Units[a.Units[j]].ID])
	}
	if got != want || got == 0 {
		t.Errorf("accounts over the instance: got %v, want %v (> 0)", got, want)
	}
	// The iteration cap ends the search; the time limit only bounds the
	// share of it the Lagrangian lower bound may take (8 %).
	res, err := align.Solve(context.Background(), inst, &align.Settings{TimeLimit: 3 * time.Minute, MaxIterations: 250})
	if err != nil {
		t.Fatal(err)
	}
	feasible, err := align.Verify(inst, res)
	if err != nil {
		t.Fatal(err)
	}
	if !feasible {
		for _, b := range res.Slack.Balances {
			t.Logf("%s: band [%.0f, %.0f], worst slack %.0f in territory %d", b.Measure, b.Min, b.Max, b.Worst, b.WorstTerritory)
		}
		t.Fatalf("infeasible on the sample at k = 6, market ±10 %%, accounts ±20 %% (contiguous %v)", res.Slack.Contiguous)
	}
	if len(res.Slack.Balances) != 2 || res.Slack.Balances[1].Measure != "accounts" {
		t.Errorf("slack.balances: got %d measures, want demand and accounts", len(res.Slack.Balances))
	}
}

// Workload is hours per account by segment (hours_per_account, "*" and
// the default for the others); revenue is the accounts' revenue.
func TestAlignProblemWorkloadAndRevenue(t *testing.T) {
	ctx := context.Background()
	s := sampleStore(t)
	in, err := plan.Load(ctx, s, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	edges, err := s.FindAdjacency(ctx, in.Scenario.Layer)
	if err != nil {
		t.Fatal(err)
	}
	in.Settings.Align.K = 6
	in.Settings.Align.Balances = []plan.AlignBalance{{Measure: "workload", Tolerance: 0.2}, {Measure: "revenue", Tolerance: 0.3}}
	in.Settings.Align.HoursPerAccount = map[string]float64{"Corporate": 40}
	if err := plan.LoadAlignExtras(ctx, s, s, in); err != nil {
		t.Fatal(err)
	}
	if len(in.AccountRecords) == 0 {
		t.Fatal("no accounts loaded for workload")
	}
	var hours, revenue float64
	for _, acc := range in.AccountRecords {
		if acc.Segment == "Corporate" {
			hours += 40
		} else {
			hours += plan.DefaultHoursPerAccount
		}
		revenue += acc.Revenue
	}
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if a.Problem.Balance != (align.Balance{}) {
		t.Errorf("market is not listed, yet the instance bounds demand: %+v", a.Problem.Balance)
	}
	var gotH, gotR float64
	for _, u := range a.Problem.Units {
		gotH += u.Measures["workload"]
		gotR += u.Measures["revenue"]
	}
	if len(a.Oversize) == 0 && (math.Abs(gotH-hours) > 1e-6 || math.Abs(gotR-revenue) > 1e-6*revenue) {
		t.Errorf("workload %v h, revenue %v; want %v h, %v", gotH, gotR, hours, revenue)
	}
}

// Drawn around rep homes, each territory's fixed centre is the unit
// holding (or nearest) the home of the rep who owns it, and a solve keeps
// every centre in its territory.
func TestAlignProblemRepHomes(t *testing.T) {
	ctx := context.Background()
	s := sampleStore(t)
	in, err := plan.Load(ctx, s, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	edges, err := s.FindAdjacency(ctx, in.Scenario.Layer)
	if err != nil {
		t.Fatal(err)
	}
	in.Settings.Align.Centers = plan.CentersRepHomes
	in.Settings.Align.Tolerance = 0.5
	if err := plan.LoadAlignExtras(ctx, s, s, in); err != nil {
		t.Fatal(err)
	}
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if a.Problem.Centers == nil {
		t.Fatalf("no centres: %s", a.CenterWarning)
	}
	free := 0
	for _, c := range a.Problem.Centers {
		if c < 0 {
			free++
		}
	}
	if free > 0 && !strings.Contains(a.CenterWarning, "for want of a rep with a home location") {
		t.Errorf("%d free centres, warning %q", free, a.CenterWarning)
	}
	homes := map[string]*[2]float64{}
	for _, u := range in.Reps {
		if u.Home != nil {
			homes[u.Name] = (*[2]float64)(u.Home)
		}
	}
	owner := map[string]string{}
	for _, tr := range in.Territories {
		if len(tr.Owners) > 0 {
			owner[tr.ID] = tr.Owners[0]
		}
	}
	for tr, c := range a.Problem.Centers {
		h := homes[owner[a.IDs[tr]]]
		if h == nil || c < 0 {
			continue
		}
		u := in.Units[a.Units[c]]
		if d := geo.Haversine(*h, u.Centroid); d > 150e3 {
			t.Errorf("territory %s: centre %s is %.0f km from its rep's home", a.IDs[tr], u.ID, d/1000)
		}
	}
	res, err := align.Solve(ctx, a.Problem, &align.Settings{TimeLimit: 3 * time.Minute, MaxIterations: 300})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := align.Verify(a.Problem, res); err != nil {
		t.Fatal(err)
	}
	if res.Slack.CenterViolations != 0 {
		t.Errorf("%d centres outside their territory", res.Slack.CenterViolations)
	}
}

func TestCheckSettingsWriteBalances(t *testing.T) {
	for _, c := range []struct {
		doc, want string
	}{
		{`{"align": {"balances": [{"measure": "market", "tolerance": 0.05}, {"measure": "hours", "tolerance": 0.1}]}}`, "settings.align.balances[1].measure"},
		{`{"align": {"balances": [{"measure": "accounts", "tolerance": 0}]}}`, "settings.align.balances[0].tolerance"},
		{`{"align": {"balances": [{"measure": "accounts", "tolerance": 1.5}]}}`, "settings.align.balances[0].tolerance"},
		{`{"align": {"balances": [{"measure": "accounts", "tolerance": 0.1}, {"measure": "accounts", "tolerance": 0.2}]}}`, "twice"},
		{`{"align": {"hours_per_account": {"SMB": -3}}}`, "settings.align.hours_per_account.SMB"},
		{`{"align": {"centers": "reps"}}`, "settings.align.centers"},
	} {
		err := plan.CheckSettingsWrite([]byte(c.doc), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error naming %s", c.doc, err, c.want)
		}
	}
	if err := plan.CheckSettingsWrite([]byte(`{"align": {"balances": [{"measure": "market", "tolerance": 0.05}, {"measure": "accounts", "tolerance": 0.1}, {"measure": "workload", "tolerance": 0.1}, {"measure": "revenue", "tolerance": 0.2}], "hours_per_account": {"Corporate": 40, "*": 20}, "centers": "rep_homes"}}`), nil); err != nil {
		t.Errorf("good settings refused: %v", err)
	}
}

// A county whose accounts alone exceed the accounts band becomes a
// territory of its own, and the run's words say it was for its accounts.
func TestAlignProblemPeelsOversizeOnAccounts(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 60
	in.Settings.Align.Balances = []plan.AlignBalance{{Measure: "accounts", Tolerance: 0.05}}
	top, most := "", 0
	for id, n := range in.Accounts {
		if n > most || n == most && id < top {
			top, most = id, n
		}
	}
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.OversizeOn[top]; got != "accounts" {
		t.Fatalf("county %s with %d accounts: peeled on %q, want accounts (peeled %v)", top, most, got, a.OversizeIDs)
	}
	if obs := align.Diagnose(a.Problem); len(obs) > 0 {
		t.Errorf("the instance left still has obstacles: %v", obs)
	}
}

// On the sample's counties the sample company's accounts crowd into
// cities less than its market does: with market ±5 %, accounts and workload
// ±10 % at k = 49, align.SpanBound proves that some territory of every
// plan in every band must be wide, with a witness that adds up on the
// planner's own instance.
func TestSpanBoundOnTheSample(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 49
	in.Settings.Align.Balances = []plan.AlignBalance{{Measure: "market", Tolerance: 0.05}, {Measure: "accounts", Tolerance: 0.10}, {Measure: "workload", Tolerance: 0.10}}
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	inst := a.Problem
	w := align.SpanBound(context.Background(), inst)
	if w == nil {
		t.Fatal("SpanBound found no witness on the sample at k = 49; the sample's accounts and market differ over whole regions")
	}
	var excess, absorb float64
	for j, u := range inst.Units {
		c := inst.Units[w.Center]
		d := align.HaversineDistance(c.X, c.Y, u.X, u.Y)
		q := inst.MeasureValue(j, w.Over) - w.Ratio*inst.MeasureValue(j, w.Under)
		switch {
		case d <= w.Radius:
			excess += q
		case d-w.Radius < w.Span:
			absorb += max(0, -q)
		}
	}
	if !(absorb < excess) || math.Abs(excess-w.Excess) > 1e-6*math.Abs(excess) {
		t.Fatalf("witness %+v: excess %v, absorb %v on the instance", w, excess, absorb)
	}
	t.Logf("every plan in every band has a territory at least %.0f km across: %.0f km around %s (%s against %s)", w.Span/1000, w.Radius/1000, w.CenterID, w.Over, w.Under)
}
