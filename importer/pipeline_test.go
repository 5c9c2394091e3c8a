package importer

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// pipelineSnapshot renders a layer's opportunities, history and imports.
func pipelineSnapshot(t testing.TB, s *data.Store, layer string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	opps, err := s.FindOpportunities(ctx, layer)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opps {
		c := *o
		c.Amount, c.CloseDate = nil, nil // printed by value below
		var closeDate any
		if o.CloseDate != nil {
			closeDate = o.CloseDate.Format(time.DateOnly)
		}
		fmt.Fprintf(&b, "opportunity %+v amount %v close %v\n", c, deref(o.Amount), closeDate)
	}
	hist, err := s.FindHistory(ctx, layer)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hist {
		fmt.Fprintf(&b, "history %+v\n", *h)
	}
	imps, err := s.FindImports(ctx, layer)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range imps {
		fmt.Fprintf(&b, "import %+v\n", *i)
	}
	return b.String()
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func ptr(v float64) *float64 { return &v }

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func dayPtr(s string) *time.Time {
	d := day(s)
	return &d
}

// TestImportOpportunities imports a pipeline: statuses from the stage names
// (default and chosen), unassigned and unmatched accounts, blank amounts,
// CRM date forms and attributes; a second import replaces the first and
// mode=append adds to it.
func TestImportOpportunities(t *testing.T) {
	forEachBackend(t, testImportOpportunities)
}

func testImportOpportunities(t *testing.T, s *data.Store) {
	ctx := context.Background()
	seedGrid(t, s) // accounts a1, a2
	file := "Opportunity ID,Account ID,Opportunity Owner,Stage,Amount,Created Date,Close Date,Product,Source\n" +
		"o1,a1,rita,Closed Won,\"$1,000\",2017-01-05,2017-03-01,Widgets,Web\n" +
		"o2,a2,sam,closed  lost,500,1/15/2017,2/20/2017T,Gadgets,\n" +
		"o3,,rita,Negotiation,,2017-02-01T09:30:00Z,,Widgets,Referral\n" +
		"o4,zz9,sam,Prospecting,250,2017-02-03,2017-06-30,,\n" +
		"o5,zz9,sam,Won,0,2017-02-03,2017-02-03,,\n"
	_, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindOpportunities, Layer: "grid"})
	ie := importErrs(t, err)
	if want := (Problem{Row: 3, ID: "o2", Field: "Close Date", Message: `"2/20/2017T" is not a date (use YYYY-MM-DD, M/D/YYYY or YYYY-MM-DDTHH:MM:SSZ)`}); ie.Total() != 1 || !cmp.Equal(ie.Problems[0], want) {
		t.Fatalf("problems %s, want %v", ie.Message(), want)
	}
	file = strings.Replace(file, "2/20/2017T", "2/20/2017", 1)
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindOpportunities, Layer: "grid", Actor: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Opportunities != 5 || res.Won != 2 || res.Lost != 1 || res.Open != 2 || res.Unassigned != 1 || res.UnmatchedAccounts != 1 ||
		!cmp.Equal(res.UnmatchedAccountIDs, []string{"zz9"}) || res.UnmatchedOpportunities != 2 || res.Rows != 5 || res.ImportID == 0 {
		t.Errorf("result %+v", res)
	}
	got, err := s.FindOpportunities(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	want := []*terrane.Opportunity{
		{Layer: "grid", ID: "o1", AccountID: "a1", Owner: "rita", Stage: "Closed Won", Status: "won", Amount: ptr(1000), Created: day("2017-01-05"), CloseDate: dayPtr("2017-03-01"), Product: "Widgets", Attributes: map[string]string{"Source": "Web"}, ImportID: res.ImportID},
		{Layer: "grid", ID: "o2", AccountID: "a2", Owner: "sam", Stage: "closed  lost", Status: "lost", Amount: ptr(500), Created: day("2017-01-15"), CloseDate: dayPtr("2017-02-20"), Product: "Gadgets", ImportID: res.ImportID},
		{Layer: "grid", ID: "o3", Owner: "rita", Stage: "Negotiation", Status: "open", Created: day("2017-02-01"), Product: "Widgets", Attributes: map[string]string{"Source": "Referral"}, ImportID: res.ImportID},
		{Layer: "grid", ID: "o4", AccountID: "zz9", Owner: "sam", Stage: "Prospecting", Status: "open", Amount: ptr(250), Created: day("2017-02-03"), CloseDate: dayPtr("2017-06-30"), ImportID: res.ImportID},
		{Layer: "grid", ID: "o5", AccountID: "zz9", Owner: "sam", Stage: "Won", Status: "won", Amount: ptr(0), Created: day("2017-02-03"), CloseDate: dayPtr("2017-02-03"), ImportID: res.ImportID},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored opportunities (-want +got):\n%s", diff)
	}
	imps, err := s.FindImports(ctx, "grid")
	if err != nil || len(imps) != 1 || imps[0].Kind != KindOpportunities || imps[0].Rows != 5 || imps[0].Actor != "ada" || len(imps[0].Hash) != 64 || imps[0].ReplacedBy != 0 {
		t.Fatalf("imports %+v, %v", imps, err)
	}
	first := res.ImportID

	// Chosen stage names: "Signed" is won, "Negotiation" lost, "Won" open.
	res, err = Import(ctx, s, strings.NewReader("id,account,stage,created,close_date\np1,a1,Signed,2018-01-01,2018-02-01\np2,a1,Negotiation,2018-01-01,2018-01-02\np3,a1,Won,2018-01-01,\n"),
		Options{Kind: KindOpportunities, Layer: "grid", Fields: map[string]string{"won": "Signed, Booked", "lost": "negotiation"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Won != 1 || res.Lost != 1 || res.Open != 1 || res.Unassigned != 0 || res.UnmatchedAccounts != 0 {
		t.Errorf("chosen stages: %+v", res)
	}
	got, _ = s.FindOpportunities(ctx, "grid")
	if len(got) != 3 || got[0].ID != "p1" {
		t.Errorf("the second import did not replace the first: %d opportunities", len(got))
	}
	imps, _ = s.FindImports(ctx, "grid")
	if len(imps) != 2 || imps[1].ID != first || imps[1].ReplacedBy != res.ImportID {
		t.Errorf("imports after a replace: %+v", imps)
	}

	// mode=append adds; an id already there names its line.
	res, err = Import(ctx, s, strings.NewReader("id,account,stage,created\np4,a2,Qualify,2018-03-01\n"), Options{Kind: KindOpportunities, Layer: "grid", Fields: map[string]string{"mode": "append"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ = s.FindOpportunities(ctx, "grid"); len(got) != 4 || got[3].ID != "p4" || got[3].ImportID != res.ImportID || got[0].ImportID == res.ImportID {
		t.Errorf("append: %d opportunities, want 4 of two imports", len(got))
	}
	before := snapshot(t, s, 0)
	_, err = Import(ctx, s, strings.NewReader("id,account,stage,created\np5,a2,Qualify,2018-03-01\np1,a2,Qualify,2018-03-01\n"), Options{Kind: KindOpportunities, Layer: "grid", Fields: map[string]string{"mode": "append"}})
	ie = importErrs(t, err)
	if p := ie.Problems[0]; p.Row != 3 || p.ID != "p1" || p.Field != "id" || !strings.Contains(p.Message, "already in layer grid") {
		t.Errorf("append of an existing id: %s", ie.Message())
	}
	if after := snapshot(t, s, 0); after != before {
		t.Errorf("a rejected append changed the store:\n%s", cmp.Diff(before, after))
	}
}

// TestImportHistory imports history by unit and by territory, checks the
// stored rows, and the new actuals: the latest period's revenue,
// annualised, updates revenue, share, floor (in proportion) and headroom of
// the estimates, and says where it comes from; an older file leaves newer
// actuals alone, and update_markets=false leaves the estimates alone.
func TestImportHistory(t *testing.T) {
	forEachBackend(t, testImportHistory)
}

func testImportHistory(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s) // estimates: c0r0 market 1000 revenue 10, c1r1 market 2000 revenue 20; W = columns 0–1
	est := func() map[string]*terrane.MarketEstimate {
		all, err := s.FindMarketEstimates(ctx, "grid")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*terrane.MarketEstimate{}
		for _, m := range all {
			out[m.UnitID] = m
		}
		return out
	}
	if m := est()["c0r0"]; m.RevenueSource != terrane.RevenueFromMarkets || m.RevenuePeriod != "" {
		t.Errorf("a markets import: source %q, period %q", m.RevenueSource, m.RevenuePeriod)
	}
	file := "period,unit,revenue,Calls,Program $\n" +
		"2017-Q3,c0r0,20,100,\n" +
		"2017-Q4,c0r0,25,120,\"$1,500\"\n" +
		"2017-Q4,\"Cell 1,1\",30,,\n" + // a unit found by its name
		"2017-Q4,c3r2,5,,\n"
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindHistory, Layer: "grid"})
	if err != nil {
		t.Fatal(err)
	}
	if res.HistoryRows != 4 || res.Periods != 2 || res.Granularity != "quarter" || !cmp.Equal(res.ResourceColumns, []string{"Calls", "Program $"}) ||
		res.MarketsUpdated != 2 || res.RevenuePeriod != "2017-Q4 ×4" || res.MarketsNewer != 0 || res.ImportID == 0 ||
		!strings.Contains(res.MarketsNote, "1 units with revenue in 2017-Q4 ×4 have no market estimate") {
		t.Errorf("result %+v", res)
	}
	hist, err := s.FindHistory(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	wantHist := []*terrane.HistoryRow{
		{Layer: "grid", Period: "2017-Q3", Start: day("2017-07-01"), End: day("2017-09-30"), Granularity: "quarter", UnitID: "c0r0", Revenue: 20, Resources: map[string]float64{"Calls": 100}, ImportID: res.ImportID},
		{Layer: "grid", Period: "2017-Q4", Start: day("2017-10-01"), End: day("2017-12-31"), Granularity: "quarter", UnitID: "c0r0", Revenue: 25, Resources: map[string]float64{"Calls": 120, "Program $": 1500}, ImportID: res.ImportID},
		{Layer: "grid", Period: "2017-Q4", Start: day("2017-10-01"), End: day("2017-12-31"), Granularity: "quarter", UnitID: "c1r1", Revenue: 30, Resources: map[string]float64{}, ImportID: res.ImportID},
		{Layer: "grid", Period: "2017-Q4", Start: day("2017-10-01"), End: day("2017-12-31"), Granularity: "quarter", UnitID: "c3r2", Revenue: 5, Resources: map[string]float64{}, ImportID: res.ImportID},
	}
	if diff := cmp.Diff(wantHist, hist); diff != "" {
		t.Errorf("stored history (-want +got):\n%s", diff)
	}
	// c0r0: 25 × 4 = 100 of a market of 1000; the old share 0.01 had the
	// default floor 0.005, so the new floor is 0.05; saturation stays 0.05.
	m := est()["c0r0"]
	want := terrane.MarketEstimate{Layer: "grid", UnitID: "c0r0", Market: 1000, Revenue: 100, Share: 0.1, Saturation: 0.1, Floor: 0.05, RevenuePeriod: "2017-Q4 ×4", RevenueSource: "history"}
	if !cmp.Equal(*m, want, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })) {
		t.Errorf("c0r0 estimate %+v, want %+v", *m, want)
	}
	if m := est()["c1r1"]; m.Revenue != 120 || math.Abs(m.Share-0.06) > 1e-12 || m.RevenuePeriod != "2017-Q4 ×4" {
		t.Errorf("c1r1 estimate %+v", *m)
	}

	// An older file (2016) is stored but leaves the 2017 actuals alone, and says so.
	res, err = Import(ctx, s, strings.NewReader("period,territory,revenue\n2016-Q4,W,50\n2016-Q4,E,5\n"), Options{Kind: KindHistory, Layer: "grid", Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenario != sc || res.MarketsUpdated != 0 || res.MarketsNewer != 2 || !strings.Contains(res.MarketsNote, "later period (2017-Q4 ×4)") ||
		!strings.Contains(res.MarketsNote, "left out: E") {
		t.Errorf("older file: %+v", res)
	}
	if hist, _ := s.FindHistory(ctx, "grid"); len(hist) != 2 || hist[0].Territory != "E" || hist[0].Scenario != sc {
		t.Errorf("the territory file did not replace the unit history: %+v", hist)
	}
	// A later file by territory spreads W's revenue over its units by their revenue (100 : 120).
	res, err = Import(ctx, s, strings.NewReader("period,territory,revenue\n2018,W,440\n"), Options{Kind: KindHistory, Layer: "grid", Scenario: sc, Fields: map[string]string{"mode": "append"}})
	if err != nil {
		t.Fatal(err)
	}
	if e := est(); res.MarketsUpdated != 2 || res.RevenuePeriod != "2018" || e["c0r0"].Revenue != 200 || e["c1r1"].Revenue != 240 || e["c1r1"].RevenuePeriod != "2018" {
		t.Errorf("by territory: %+v; c0r0 %+v; c1r1 %+v", res, *e["c0r0"], *e["c1r1"])
	}
	if hist, _ := s.FindHistory(ctx, "grid"); len(hist) != 3 {
		t.Errorf("append: %d rows, want 3", len(hist))
	}
	// update_markets=false stores the history only.
	before := est()
	if _, err := Import(ctx, s, strings.NewReader("period,unit,revenue\n2019,c0r0,999\n"), Options{Kind: KindHistory, Layer: "grid", Fields: map[string]string{"update_markets": "false"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, est()); diff != "" {
		t.Errorf("update_markets=false changed the estimates:\n%s", diff)
	}
}

// TestAccountsNewActuals imports accounts with a date column: the latest
// year's revenue per unit becomes the estimates' revenue ("2017", from
// accounts), units with no revenue that year get 0, and an older file
// leaves them alone.
func TestAccountsNewActuals(t *testing.T) {
	s, _ := gridStore(t)
	ctx := context.Background()
	file := "id,lon,lat,revenue,date\n" +
		"a1,-99.5,40.5,100,2016-05-01\n" +
		"a1b,-99.4,40.6,40,2017-05-01\n" +
		"a1c,-99.4,40.6,60,12/31/2017\n" +
		"a3,-98.5,41.5,70,2016-02-02\n"
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "grid"})
	if err != nil {
		t.Fatal(err)
	}
	if res.MarketsUpdated != 2 || res.RevenuePeriod != "2017" || res.MarketsNewer != 0 {
		t.Errorf("result %+v", res)
	}
	all, _ := s.FindMarketEstimates(ctx, "grid")
	if m := all[0]; m.UnitID != "c0r0" || m.Revenue != 100 || m.Share != 0.1 || m.RevenuePeriod != "2017" || m.RevenueSource != "accounts" {
		t.Errorf("c0r0 %+v", *m)
	}
	if m := all[1]; m.UnitID != "c1r1" || m.Revenue != 0 || m.Share != 0 || m.Floor != 0 || m.RevenuePeriod != "2017" {
		t.Errorf("c1r1 %+v", *m)
	}
	res, err = Import(ctx, s, strings.NewReader("id,lon,lat,revenue,date\na1,-99.5,40.5,5,2015-05-01\n"), Options{Kind: KindAccounts, Layer: "grid"})
	if err != nil {
		t.Fatal(err)
	}
	if res.MarketsUpdated != 0 || res.MarketsNewer != 2 || !strings.Contains(res.MarketsNote, "does not overwrite") {
		t.Errorf("older accounts: %+v", res)
	}
	if again, _ := s.FindMarketEstimates(ctx, "grid"); !cmp.Equal(all, again) {
		t.Errorf("an older file changed the estimates")
	}
	res, err = Import(ctx, s, strings.NewReader("id,lon,lat,revenue,date\na1,-99.5,40.5,5,2019-05-01\n"), Options{Kind: KindAccounts, Layer: "grid", Fields: map[string]string{"update_markets": "false"}})
	if err != nil || res.MarketsUpdated != 0 || res.RevenuePeriod != "" {
		t.Errorf("update_markets=false: %+v, %v", res, err)
	}
}
