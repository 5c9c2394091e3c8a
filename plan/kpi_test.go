package plan

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/terrane/terrane"
)

// kpiFixture is a small pipeline whose KPIs were worked out by hand (the
// arithmetic is in the comments of TestComputeKPIs): two territories with
// owners and one without, three reps in two regions under two managers, a
// lost deal with no amount, an open one with none, a deal with no account
// and one whose account is in no territory.
func kpiFixture() KPIInput {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	dp := func(s string) *time.Time { t := d(s); return &t }
	amt := func(v float64) *float64 { return &v }
	opp := func(id, account, owner, status, stage string, amount *float64, created string, closed *time.Time) *terrane.Opportunity {
		return &terrane.Opportunity{ID: id, AccountID: account, Owner: owner, Status: status, Stage: stage, Amount: amount, Created: d(created), CloseDate: closed}
	}
	return KPIInput{
		Opportunities: []*terrane.Opportunity{
			opp("o1", "A1", "ann", "won", "Closed Won", amt(10000), "2026-01-01", dp("2026-01-31")),  // 30 days
			opp("o2", "A1", "ann", "won", "Closed Won", amt(20000), "2026-02-01", dp("2026-03-13")),  // 40 days
			opp("o3", "A2", "ann", "lost", "Closed Lost", amt(5000), "2026-01-10", dp("2026-02-09")), // 30 days
			opp("o4", "A2", "ann", "lost", "Closed Lost", nil, "2026-01-15", dp("2026-02-14")),       // no amount
			opp("o5", "A2", "ann", "open", "Proposal", amt(8000), "2026-03-01", nil),                 // 61 days old at as_of
			opp("o6", "A1", "ann", "open", "Proposal", nil, "2026-05-01", nil),                       // the latest date: as_of
			opp("o7", "A3", "bob", "won", "Closed Won", amt(30000), "2026-01-05", dp("2026-04-05")),  // 90 days
			opp("o8", "A3", "bob", "open", "Negotiation", amt(12000), "2025-10-01", nil),             // 212 days old
			opp("o9", "", "cy", "open", "Prospecting", amt(4000), "2026-04-01", nil),                 // no account; 30 days old
			opp("o10", "A4", "cy", "lost", "Closed Lost", amt(7000), "2026-02-01", dp("2026-03-01")), // account in no territory
		},
		AccountTerritory: map[string]string{"A1": "T1", "A2": "T1", "A3": "T2"},
		Territories: []*terrane.Territory{
			{ID: "T1", Name: "West One", Owners: []string{"ann"}},
			{ID: "T2", Name: "East One", Owners: []string{"bob"}},
			{ID: "T3", Name: "Empty"},
		},
		Users: []*terrane.User{
			{Name: "ann", Role: "rep", Region: "West", Manager: "Mia", Quota: 100000},
			{Name: "bob", Role: "rep", Region: "East", Manager: "Mia", Quota: 50000},
			{Name: "cy", Role: "rep", Region: "East", Manager: "Ned"},
		},
	}
}

// want is a group's expected figures; nil pointers are expected nulls.
type want struct {
	opps, won, lost, open, noAmount                    int
	winRate, winRateValue, avgWon, cycleMean, cycleMed *float64
	wonValue, openValue                                float64
	velocity, quota, attainment, coverage              *float64
	stale                                              *int
	bookings                                           map[string]float64
	stages                                             map[string]StageTally
}

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }

func checkGroup(t *testing.T, label string, g *KPIGroup, w want) {
	t.Helper()
	ints := []struct {
		name      string
		got, want int
	}{{"opportunities", g.Opportunities, w.opps}, {"won", g.Won, w.won}, {"lost", g.Lost, w.lost}, {"open", g.Open, w.open}, {"open_without_amount", g.OpenWithoutAmount, w.noAmount}}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: %s = %d, want %d", label, c.name, c.got, c.want)
		}
	}
	// Dollars to the cent, days to 0.01 day, rates to 1e-9.
	near := func(name string, got, want *float64, tol float64) {
		switch {
		case (got == nil) != (want == nil):
			t.Errorf("%s: %s = %v, want %v", label, name, deref(got), deref(want))
		case got != nil && math.Abs(*got-*want) > tol:
			t.Errorf("%s: %s = %v, want %v", label, name, *got, *want)
		}
	}
	near("win_rate", g.WinRate, w.winRate, 1e-9)
	near("win_rate_value", g.WinRateValue, w.winRateValue, 1e-9)
	near("won_value", &g.WonValue, &w.wonValue, 0.005)
	near("avg_won_deal", g.AvgWonDeal, w.avgWon, 0.005)
	near("cycle_days_mean", g.CycleDaysMean, w.cycleMean, 0.005)
	near("cycle_days_median", g.CycleDaysMedian, w.cycleMed, 0.005)
	near("open_value", &g.OpenValue, &w.openValue, 0.005)
	near("velocity_per_day", g.VelocityPerDay, w.velocity, 0.005)
	near("quota", g.Quota, w.quota, 0.005)
	near("attainment", g.Attainment, w.attainment, 1e-9)
	near("coverage", g.Coverage, w.coverage, 1e-9)
	if (g.StaleOpen == nil) != (w.stale == nil) || g.StaleOpen != nil && *g.StaleOpen != *w.stale {
		t.Errorf("%s: stale_open = %v, want %v", label, derefInt(g.StaleOpen), derefInt(w.stale))
	}
	if w.bookings == nil {
		w.bookings = map[string]float64{}
	}
	if len(g.Bookings) != len(w.bookings) {
		t.Errorf("%s: bookings = %v, want %v", label, g.Bookings, w.bookings)
	}
	for m, v := range w.bookings {
		if math.Abs(g.Bookings[m]-v) > 0.005 {
			t.Errorf("%s: bookings[%s] = %v, want %v", label, m, g.Bookings[m], v)
		}
	}
	if w.stages != nil && len(g.OpenByStage) != len(w.stages) {
		t.Errorf("%s: open_by_stage = %v, want %v", label, g.OpenByStage, w.stages)
	}
	for st, v := range w.stages {
		if g.OpenByStage[st] != v {
			t.Errorf("%s: open_by_stage[%s] = %v, want %v", label, st, g.OpenByStage[st], v)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func byKey(t *testing.T, k *KPIs) map[string]*KPIGroup {
	t.Helper()
	m := map[string]*KPIGroup{}
	for _, g := range k.Groups {
		m[g.Key] = g
	}
	return m
}

func TestComputeKPIs(t *testing.T) {
	in := kpiFixture()
	// T1 = o1…o6. Won 10000 (30 d) + 20000 (40 d); lost 5000 and one blank;
	// open 8000 (61 d) and one blank (0 d). Win rate 2/4; by value
	// 30000/35000; cycle mean = median = 35; velocity 2 × 0.5 × 15000 / 35;
	// stale: 61 > 70? no. Quota 100000 (ann): attainment 0.3, coverage
	// 8000/70000.
	t1 := want{opps: 6, won: 2, lost: 2, open: 2, noAmount: 1, winRate: f(0.5), winRateValue: f(30000.0 / 35000), wonValue: 30000, avgWon: f(15000),
		cycleMean: f(35), cycleMed: f(35), openValue: 8000, velocity: f(2 * 0.5 * 15000 / 35.0), stale: i(0), quota: f(100000), attainment: f(0.3), coverage: f(8000.0 / 70000),
		bookings: map[string]float64{"2026-01": 10000, "2026-03": 20000}, stages: map[string]StageTally{"Proposal": {2, 8000}}}
	// T2 = o7, o8: won 30000 in 90 days; open 12000, 212 days old > 180.
	t2 := want{opps: 2, won: 1, open: 1, winRate: f(1), winRateValue: f(1), wonValue: 30000, avgWon: f(30000), cycleMean: f(90), cycleMed: f(90),
		openValue: 12000, velocity: f(30000 / 90.0), stale: i(1), quota: f(50000), attainment: f(0.6), coverage: f(12000.0 / 20000),
		bookings: map[string]float64{"2026-04": 30000}, stages: map[string]StageTally{"Negotiation": {1, 12000}}}
	// Total: won 60000 over 3 deals of 30, 40, 90 days (median 40, mean
	// 53.33); lost 5000 + blank + 7000; open 24000 over 4, one 212 > 80
	// days old. Quota 150000.
	total := want{opps: 10, won: 3, lost: 3, open: 4, noAmount: 1, winRate: f(0.5), winRateValue: f(60000.0 / 72000), wonValue: 60000, avgWon: f(20000),
		cycleMean: f(160.0 / 3), cycleMed: f(40), openValue: 24000, velocity: f(4 * 0.5 * 20000 / (160.0 / 3)), stale: i(1), quota: f(150000), attainment: f(0.4), coverage: f(24000.0 / 90000),
		bookings: map[string]float64{"2026-01": 10000, "2026-03": 20000, "2026-04": 30000},
		stages:   map[string]StageTally{"Proposal": {2, 8000}, "Negotiation": {1, 12000}, "Prospecting": {1, 4000}}}
	// No won deal: win rate 0/1 is 0, no average, no cycle, no velocity;
	// stale uses the total's median (80 days): 30 is not.
	none := want{opps: 2, lost: 1, open: 1, winRate: f(0), winRateValue: f(0), openValue: 4000, stale: i(0), stages: map[string]StageTally{"Prospecting": {1, 4000}}}

	t.Run("by territory", func(t *testing.T) {
		k, err := ComputeKPIs(KPIQuery{By: KPIByTerritory}, in)
		if err != nil {
			t.Fatal(err)
		}
		if k.AsOf == nil || *k.AsOf != "2026-05-01" || k.From != nil || k.To != nil {
			t.Errorf("as_of %v from %v to %v, want 2026-05-01 and unbounded", k.AsOf, k.From, k.To)
		}
		g := byKey(t, k)
		if len(k.Groups) != 4 || k.Groups[3].Key != "" || g["T1"].Name != "West One" || g[""].Name != "No territory" {
			t.Fatalf("groups %v, want T1 T2 T3 then the one of no territory", k.Groups)
		}
		checkGroup(t, "T1", g["T1"], t1)
		checkGroup(t, "T2", g["T2"], t2)
		checkGroup(t, "T3", g["T3"], want{stale: i(0)}) // no deal, no owner: every ratio null
		checkGroup(t, "no territory", g[""], none)
		checkGroup(t, "total", k.Total, total)
	})
	t.Run("by rep", func(t *testing.T) {
		k, _ := ComputeKPIs(KPIQuery{By: KPIByRep}, in)
		g := byKey(t, k)
		if len(k.Groups) != 3 {
			t.Fatalf("groups %v, want ann bob cy", k.Groups)
		}
		checkGroup(t, "ann", g["ann"], t1)
		checkGroup(t, "bob", g["bob"], t2)
		checkGroup(t, "cy", g["cy"], none) // cy has no quota: null attainment
	})
	t.Run("by region", func(t *testing.T) {
		k, _ := ComputeKPIs(KPIQuery{By: KPIByRegion}, in)
		g := byKey(t, k)
		checkGroup(t, "West", g["West"], t1)
		// East = bob + cy: won 30000 (90 d); lost 7000; open 12000 (212 d)
		// and 4000 (30 d); stale beyond 180 days: 1.
		checkGroup(t, "East", g["East"], want{opps: 4, won: 1, lost: 1, open: 2, winRate: f(0.5), winRateValue: f(30000.0 / 37000), wonValue: 30000, avgWon: f(30000),
			cycleMean: f(90), cycleMed: f(90), openValue: 16000, velocity: f(2 * 0.5 * 30000 / 90.0), stale: i(1), quota: f(50000), attainment: f(0.6), coverage: f(16000.0 / 20000),
			bookings: map[string]float64{"2026-04": 30000}})
	})
	t.Run("by manager", func(t *testing.T) {
		k, _ := ComputeKPIs(KPIQuery{By: KPIByManager}, in)
		g := byKey(t, k)
		// Mia = ann + bob: won 60000 (30, 40, 90 d: median 40); lost 5000 +
		// blank; open 8000 + blank + 12000; stale beyond 80 days: 1.
		checkGroup(t, "Mia", g["Mia"], want{opps: 8, won: 3, lost: 2, open: 3, noAmount: 1, winRate: f(0.6), winRateValue: f(60000.0 / 65000), wonValue: 60000, avgWon: f(20000),
			cycleMean: f(160.0 / 3), cycleMed: f(40), openValue: 20000, velocity: f(3 * 0.6 * 20000 / (160.0 / 3)), stale: i(1), quota: f(150000), attainment: f(0.4), coverage: f(20000.0 / 90000),
			bookings: map[string]float64{"2026-01": 10000, "2026-03": 20000, "2026-04": 30000}})
		checkGroup(t, "Ned", g["Ned"], none)
	})
	t.Run("from and to", func(t *testing.T) {
		from, to := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
		k, err := ComputeKPIs(KPIQuery{By: KPIByTerritory, From: &from, To: &to}, in)
		if err != nil {
			t.Fatal(err)
		}
		if *k.From != "2026-02-01" || *k.To != "2026-03-31" || *k.AsOf != "2026-05-01" {
			t.Errorf("from %s to %s as_of %s", *k.From, *k.To, *k.AsOf)
		}
		g := byKey(t, k)
		// Closed in Feb–Mar: o2 (won 20000, 40 d), o3, o4, o10 (lost);
		// created in Feb–Mar and open: o5.
		checkGroup(t, "T1", g["T1"], want{opps: 4, won: 1, lost: 2, open: 1, winRate: f(1.0 / 3), winRateValue: f(0.8), wonValue: 20000, avgWon: f(20000),
			cycleMean: f(40), cycleMed: f(40), openValue: 8000, velocity: f(1.0 / 3 * 20000 / 40), stale: i(0), quota: f(100000), attainment: f(0.2), coverage: f(8000.0 / 80000),
			bookings: map[string]float64{"2026-03": 20000}})
		checkGroup(t, "T2", g["T2"], want{quota: f(50000), attainment: f(0), coverage: f(0), stale: i(0)})
		if k.Total.Opportunities != 5 || *k.Total.WinRate != 0.25 {
			t.Errorf("total: %d deals, win rate %v; want 5 and 0.25", k.Total.Opportunities, *k.Total.WinRate)
		}
	})
	t.Run("bad queries", func(t *testing.T) {
		if _, err := ComputeKPIs(KPIQuery{By: "team"}, in); terrane.ErrorCode(err) != terrane.EINVALID {
			t.Errorf("by team: %v, want EINVALID", err)
		}
		a, b := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		if _, err := ComputeKPIs(KPIQuery{By: KPIByRep, From: &a, To: &b}, in); terrane.ErrorCode(err) != terrane.EINVALID {
			t.Errorf("from after to: %v, want EINVALID", err)
		}
		if _, err := ParseKPIDate("from", "2026-13-01"); terrane.ErrorCode(err) != terrane.EINVALID {
			t.Errorf("bad date: %v, want EINVALID", err)
		}
	})
	t.Run("no opportunities: nulls, not sentinels", func(t *testing.T) {
		k, err := ComputeKPIs(KPIQuery{By: KPIByTerritory}, KPIInput{Territories: in.Territories})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(k)
		if k.AsOf != nil || k.Total.WinRate != nil || k.Total.StaleOpen != nil {
			t.Errorf("empty pipeline: %s", b)
		}
	})
}

func derefInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
