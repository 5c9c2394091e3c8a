package loader_test

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/internal/testdb"
)

func TestLoadOnce(t *testing.T) {
	testdb.ForEachStore(t, "sampleload", func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		// A load cut off half way: the layer exists but the marker does not.
		if err := s.CreateLayer(ctx, &terrane.Layer{ID: sample.LayerID, Name: "partial"}); err != nil {
			t.Fatal(err)
		}
		loaded, err := loader.Load(ctx, s)
		if err != nil || !loaded {
			t.Fatalf("first load = %v, %v", loaded, err)
		}
		loaded, err = loader.Load(ctx, s)
		if err != nil || loaded {
			t.Fatalf("second load = %v, %v; want nothing loaded", loaded, err)
		}
		l, err := s.FindLayerByID(ctx, sample.LayerID)
		if err != nil || l.UnitCount != 3142 {
			t.Fatalf("layer = %+v, %v", l, err)
		}
		list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{})
		if len(list) != 1 || list[0].Name != sample.BaselineName || !list[0].Baseline {
			t.Errorf("scenarios = %v; want only the baseline", list)
		}
	})
}

// loaded is the sample as a fresh SQLite store holds it after Load.
type loaded struct {
	store       *data.Store
	scenario    *terrane.Scenario
	territories []*terrane.Territory
	users       []*terrane.User
	estimates   []*terrane.MarketEstimate
	accounts    []*terrane.Account
	assignments map[string]string
}

func load(t *testing.T) *loaded {
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
	l := &loaded{store: s}
	scs, err := s.FindScenarios(ctx, terrane.ScenarioFilter{})
	if err != nil || len(scs) != 1 {
		t.Fatalf("scenarios %v, %v", scs, err)
	}
	l.scenario = scs[0]
	if l.territories, err = s.FindTerritories(ctx, l.scenario.ID); err != nil {
		t.Fatal(err)
	}
	if l.assignments, err = s.FindAssignments(ctx, l.scenario.ID); err != nil {
		t.Fatal(err)
	}
	if l.users, err = s.FindUsers(ctx); err != nil {
		t.Fatal(err)
	}
	if l.estimates, err = s.FindMarketEstimates(ctx, sample.LayerID); err != nil {
		t.Fatal(err)
	}
	if l.accounts, err = s.FindAccounts(ctx, terrane.AccountFilter{Layer: sample.LayerID}); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestSampleRatios prints and checks the economics of the loaded sample
// company against the ranges of the contract (data/README.md cites their
// sources): revenue per quota-carrying rep $0.5–2M a year, fully loaded rep
// cost $120–200k, program money 5–15 % of revenue, total sales cost 10–35 %
// of revenue, market share 1–20 % — in total, and per territory where a
// territory's figure means something (revenue per rep where it has reps,
// market share everywhere).
func TestSampleRatios(t *testing.T) {
	l := load(t)
	byTerr := map[string]struct{ market, revenue float64 }{}
	for _, e := range l.estimates {
		tid := l.assignments[e.UnitID]
		v := byTerr[tid]
		v.market += e.Market
		v.revenue += e.Revenue
		byTerr[tid] = v
	}
	var market, revenue, money, repCost, mgrCost float64
	reps := 0
	for _, u := range l.users {
		switch u.Role {
		case terrane.RoleRep:
			if u.Quota <= 0 || len(u.Territories) != 1 {
				t.Errorf("rep %s: quota %v, territories %v; want a quota and one territory", u.Name, u.Quota, u.Territories)
			}
			if u.Cost < 120000 || u.Cost > 200000 {
				t.Errorf("rep %s costs %.0f dollars a year, outside $120–200k", u.Name, u.Cost)
			}
			reps++
			repCost += u.Cost
		case terrane.RoleLeader:
			mgrCost += u.Cost
		}
	}
	t.Logf("%-3s %12s %12s %7s %5s %12s %8s", "id", "market", "revenue", "share", "reps", "revenue/rep", "money")
	ids := make([]string, 0, len(l.territories))
	terr := map[string]*terrane.Territory{}
	for _, tt := range l.territories {
		ids = append(ids, tt.ID)
		terr[tt.ID] = tt
	}
	sort.Slice(ids, func(i, j int) bool { return byTerr[ids[i]].market > byTerr[ids[j]].market })
	for _, id := range ids {
		v, tt := byTerr[id], terr[id]
		market, revenue, money = market+v.market, revenue+v.revenue, money+tt.Current["money"]
		share := v.revenue / v.market
		n := tt.Current["headcount"]
		perRep := "-"
		if n > 0 {
			r := v.revenue / n
			perRep = dollars(r)
			if r < 0.5e6 || r > 2e6 {
				t.Errorf("territory %s: revenue per quota-carrying rep %s, outside $0.5–2M", id, perRep)
			}
		}
		if share < 0.01 || share > 0.20 {
			t.Errorf("territory %s: market share %.2f %%, outside 1–20 %%", id, 100*share)
		}
		if float64(len(tt.Owners)) != n {
			t.Errorf("territory %s: %d owners for a headcount of %v", id, len(tt.Owners), n)
		}
		t.Logf("%-3s %12s %12s %6.2f%% %5.0f %12s %8s", id, dollars(v.market), dollars(v.revenue), 100*share, n, perRep, dollars(tt.Current["money"]))
	}
	salesCost := repCost + mgrCost + money
	t.Logf("market %s, revenue %s (share %.2f %%), %d quota-carrying reps: %s revenue per rep, %s mean fully loaded cost",
		dollars(market), dollars(revenue), 100*revenue/market, reps, dollars(revenue/float64(reps)), dollars(repCost/float64(reps)))
	t.Logf("program money %s (%.1f %% of revenue); sales cost %s = reps %s + managers %s + programs (%.1f %% of revenue)",
		dollars(money), 100*money/revenue, dollars(salesCost), dollars(repCost), dollars(mgrCost), 100*salesCost/revenue)
	check := func(what string, v, lo, hi float64) {
		if !(v >= lo && v <= hi) {
			t.Errorf("%s = %.4g, outside [%g, %g]", what, v, lo, hi)
		}
	}
	check("revenue per quota-carrying rep", revenue/float64(reps), 0.5e6, 2e6)
	check("mean fully loaded rep cost", repCost/float64(reps), 120000, 200000)
	check("program money / revenue", money/revenue, 0.05, 0.15)
	check("total sales cost / revenue", salesCost/revenue, 0.10, 0.35)
	check("market share", revenue/market, 0.01, 0.20)
	check("quota-carrying reps", float64(reps), 40, 70)

	// Accounts: CRM ids, owners, revenue adding up to the estimates'.
	var accRev float64
	for _, a := range l.accounts {
		accRev += a.Revenue
		if a.Owner == "" || a.UnitID == "" {
			t.Errorf("account %s: owner %q, unit %q", a.ID, a.Owner, a.UnitID)
		}
	}
	if math.Abs(accRev-revenue) > 0.01*revenue {
		t.Errorf("accounts' revenue %s, the estimates' %s", dollars(accRev), dollars(revenue))
	}
}

// TestLoadMatchesBuild: what Load stores through the importers is what
// sample.Build states in memory (which `solve allocate --sample` uses).
func TestLoadMatchesBuild(t *testing.T) {
	l := load(t)
	ds, err := sample.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range l.territories {
		tt.ScenarioID = 0
	}
	if diff := cmp.Diff(ds.Territories, l.territories); diff != "" {
		t.Errorf("territories (-built +loaded):\n%s", diff)
	}
	if diff := cmp.Diff(ds.Alignment, l.assignments); diff != "" {
		t.Errorf("alignment (-built +loaded):\n%s", diff)
	}
	sc := l.scenario
	if sc.Budget != ds.Scenario.Budget || !cmp.Equal(sc.Resources, ds.Scenario.Resources) {
		t.Errorf("scenario budget %v resources %+v; built %v %+v", sc.Budget, sc.Resources, ds.Scenario.Budget, ds.Scenario.Resources)
	}
	if !cmp.Equal(normJSON(t, sc.Settings), normJSON(t, ds.Scenario.Settings)) {
		t.Errorf("settings %s; built %s", sc.Settings, ds.Scenario.Settings)
	}
	est := map[string]*terrane.MarketEstimate{}
	for _, e := range l.estimates {
		est[e.UnitID] = e
	}
	for _, e := range ds.Estimates {
		g := est[e.UnitID]
		if g == nil || math.Abs(g.Market-e.Market) > 0.005 || math.Abs(g.Revenue-e.Revenue) > 0.005 || math.Abs(g.Share-e.Share) > 1e-12 || math.Abs(g.Floor-e.Floor) > 1e-12 || math.Abs(g.Saturation-e.Saturation) > 1e-12 {
			t.Errorf("estimate of %s: loaded %+v, built %+v", e.UnitID, g, e)
		}
	}
	acc := map[string]*terrane.Account{}
	for _, a := range l.accounts {
		acc[a.ID] = a
	}
	if len(acc) != len(ds.Accounts) {
		t.Errorf("%d accounts loaded, %d built", len(acc), len(ds.Accounts))
	}
	for _, a := range ds.Accounts {
		g := acc[a.ID]
		if g == nil || g.UnitID != a.UnitID || g.Owner != a.Owner || math.Abs(g.Revenue-a.Revenue) > 0.005 || g.Name != a.Name || g.Segment != a.Segment {
			t.Errorf("account %s: loaded %+v, built %+v", a.ID, g, a)
		}
	}
	names := map[string]*terrane.User{}
	for _, u := range l.users {
		names[u.Name] = u
	}
	for _, r := range ds.Company.Reps {
		u := names[r.Name]
		if u == nil || u.Role != r.Role || u.Cost != r.Cost || u.Quota != r.Quota || u.Manager != r.Manager || u.Region != r.Region || u.Home == nil {
			t.Errorf("rep %s: loaded %+v, built %+v", r.Name, u, r)
		}
	}
}

func normJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func dollars(v float64) string {
	switch {
	case math.Abs(v) >= 1e6:
		return "$" + trim(v/1e6) + "M"
	case math.Abs(v) >= 1e3:
		return "$" + trim(v/1e3) + "k"
	}
	return "$" + trim(v)
}

func trim(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
