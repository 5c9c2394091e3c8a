package data_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestOpportunities writes opportunities with their import, replaces and
// appends to them, and checks that bad input changes nothing.
func TestOpportunities(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		amount := 1234.5
		closed := date("2017-03-01")
		opps := []*terrane.Opportunity{
			{Layer: "grid", ID: "o1", AccountID: "acc-1", Owner: "rita", Stage: "Closed Won", Status: terrane.OpportunityWon, Amount: &amount,
				Created: date("2017-01-05"), CloseDate: &closed, Product: "Widgets", Attributes: map[string]string{"Source": "Web"}},
			{Layer: "grid", ID: "o2", Stage: "Qualify", Status: terrane.OpportunityOpen, Created: date("2017-02-01")},
		}
		imp := &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 2, Actor: "ada", Hash: "abc"}
		if err := s.ReplaceOpportunities(ctx, imp, opps); err != nil {
			t.Fatal(err)
		}
		if imp.ID == 0 || imp.CreatedAt.IsZero() || opps[0].ImportID != imp.ID {
			t.Fatalf("import %+v, opportunity import id %d", imp, opps[0].ImportID)
		}
		got, err := s.FindOpportunities(ctx, "grid")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(opps, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		// Append adds; an id already current is a conflict and changes nothing.
		more := &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 1, Actor: "ada", Append: true}
		if err := s.ReplaceOpportunities(ctx, more, []*terrane.Opportunity{{Layer: "grid", ID: "o3", Stage: "Lost", Status: terrane.OpportunityLost, Created: date("2017-02-01"), CloseDate: &closed}}); err != nil {
			t.Fatal(err)
		}
		dup := &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 1, Append: true}
		wantCode(t, s.ReplaceOpportunities(ctx, dup, []*terrane.Opportunity{{Layer: "grid", ID: "o1", Stage: "x", Status: terrane.OpportunityOpen, Created: date("2017-02-01")}}), terrane.ECONFLICT)
		if got, _ := s.FindOpportunities(ctx, "grid"); len(got) != 3 {
			t.Errorf("after append: %d opportunities, want 3", len(got))
		}
		// Bad input changes nothing.
		for name, call := range map[string]func() error{
			"invalid": func() error {
				return s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "opportunities"}, []*terrane.Opportunity{{Layer: "grid", ID: "x", Stage: "Won", Status: terrane.OpportunityWon, Created: date("2017-01-01")}})
			},
			"other layer": func() error {
				return s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "opportunities"}, []*terrane.Opportunity{{Layer: "zz", ID: "x", Stage: "Open", Status: terrane.OpportunityOpen, Created: date("2017-01-01")}})
			},
			"wrong kind": func() error {
				return s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "history"}, nil)
			},
		} {
			if err := call(); terrane.ErrorCode(err) != terrane.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		wantCode(t, s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "opportunities"}, []*terrane.Opportunity{opps[1], opps[1]}), terrane.ECONFLICT)
		wantCode(t, s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "nope", Kind: "opportunities"}, nil), terrane.ENOTFOUND)
		if got, _ := s.FindOpportunities(ctx, "grid"); len(got) != 3 {
			t.Errorf("after bad input: %d opportunities, want 3", len(got))
		}
		// Replace: the previous imports are marked replaced and their rows go.
		last := &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 1, Actor: "lee"}
		if err := s.ReplaceOpportunities(ctx, last, opps[1:]); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindOpportunities(ctx, "grid"); len(got) != 1 || got[0].ImportID != last.ID {
			t.Errorf("after replace: %+v", got)
		}
		imps, err := s.FindImports(ctx, "grid")
		if err != nil || len(imps) != 3 || imps[0].ID != last.ID || imps[0].ReplacedBy != 0 || imps[1].ReplacedBy != last.ID || imps[2].ReplacedBy != last.ID ||
			!imps[1].Append || imps[2].Actor != "ada" || imps[2].Hash != "abc" || imps[2].Rows != 2 {
			t.Errorf("imports %+v, %v", imps, err)
		}
		var rows int
		if err := s.DB().Get(&rows, `SELECT COUNT(*) FROM opportunities`); err != nil || rows != 1 {
			t.Errorf("%d opportunity rows stored, %v; want the replaced ones deleted", rows, err)
		}
		// Deleting the layer deletes them.
		if err := s.DeleteLayer(ctx, "grid"); err != nil {
			t.Fatal(err)
		}
		if imps, _ := s.FindImports(ctx, "grid"); len(imps) != 0 {
			t.Errorf("imports after deleting the layer: %+v", imps)
		}
	})
}

// TestHistory writes history rows with the estimates of new actuals in one
// transaction, and checks keys, append and that bad input changes nothing.
func TestHistory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		rows := []*terrane.HistoryRow{
			{Layer: "grid", Period: "2017-Q4", Start: date("2017-10-01"), End: date("2017-12-31"), Granularity: terrane.GranularityQuarter, UnitID: "a", Revenue: 25, Resources: map[string]float64{"calls": 12, "money": 1500.5}},
			{Layer: "grid", Period: "2017-Q4", Start: date("2017-10-01"), End: date("2017-12-31"), Granularity: terrane.GranularityQuarter, UnitID: "b", Revenue: 0, Resources: map[string]float64{}},
			{Layer: "grid", Period: "2017-Q3", Start: date("2017-07-01"), End: date("2017-09-30"), Granularity: terrane.GranularityQuarter, Scenario: 4, Territory: "W", Revenue: 7, Resources: map[string]float64{}},
		}
		est := []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 1000, Revenue: 100, Share: 0.1, Saturation: 0.2, Floor: 0.05, RevenuePeriod: "2017-Q4 ×4", RevenueSource: terrane.RevenueFromHistory}}
		imp := &terrane.Import{Layer: "grid", Kind: "history", Rows: 3, Actor: "ada", Hash: "h"}
		if err := s.ReplaceHistory(ctx, imp, rows, est); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindHistory(ctx, "grid")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*terrane.HistoryRow{rows[2], rows[0], rows[1]}, got); diff != "" {
			t.Errorf("round trip, by period (-want +got):\n%s", diff)
		}
		if e, _ := s.FindMarketEstimates(ctx, "grid"); !cmp.Equal(e, est) {
			t.Errorf("estimates %+v", e)
		}
		// Append: a period and unit already current is a conflict; nothing changes.
		bad := &terrane.Import{Layer: "grid", Kind: "history", Append: true}
		again := *rows[0]
		again.Revenue = 99
		newEst := *est[0]
		newEst.Revenue = 50
		newEst.Share = 0.05
		wantCode(t, s.ReplaceHistory(ctx, bad, []*terrane.HistoryRow{&again}, []*terrane.MarketEstimate{&newEst}), terrane.ECONFLICT)
		// An invalid estimate, a duplicate row, a row of another layer.
		badEst := newEst
		badEst.Share = 2
		wantCode(t, s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history"}, rows[:1], []*terrane.MarketEstimate{&badEst}), terrane.EINVALID)
		wantCode(t, s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history"}, []*terrane.HistoryRow{rows[0], rows[0]}, nil), terrane.ECONFLICT)
		other := *rows[0]
		other.Layer = "zz"
		wantCode(t, s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history"}, []*terrane.HistoryRow{&other}, nil), terrane.EINVALID)
		both := *rows[0]
		both.Territory = "W"
		wantCode(t, s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history"}, []*terrane.HistoryRow{&both}, nil), terrane.EINVALID)
		if got2, _ := s.FindHistory(ctx, "grid"); !cmp.Equal(got, got2) {
			t.Errorf("bad input changed the history")
		}
		if e, _ := s.FindMarketEstimates(ctx, "grid"); !cmp.Equal(e, est) {
			t.Errorf("bad input changed the estimates: %+v", e)
		}
		if imps, _ := s.FindImports(ctx, "grid"); len(imps) != 1 {
			t.Errorf("bad input recorded imports: %+v", imps)
		}
		// Append of a new period adds it.
		next := *rows[0]
		next.Period, next.Start, next.End = "2018-Q1", date("2018-01-01"), date("2018-03-31")
		if err := s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history", Append: true}, []*terrane.HistoryRow{&next}, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindHistory(ctx, "grid"); len(got) != 4 || got[3].Period != "2018-Q1" {
			t.Errorf("after append: %+v", got)
		}
	})
}
