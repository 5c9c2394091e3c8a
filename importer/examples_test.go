package importer

import (
	"bytes"
	"context"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/terrane/terrane"
)

// TestDocExamples imports the files of docs/examples as docs/import.md
// shows them, onto a small layer of countries with ISO alpha-3 ids, and
// checks what the page says happens.
func TestDocExamples(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var cells []gridCell
	for i, c := range [][2]string{{"FRA", "France"}, {"BEL", "Belgium"}, {"DEU", "Germany"}, {"POL", "Poland"}, {"CAN", "Canada"},
		{"USA", "United States of America"}, {"NLD", "Netherlands"}, {"BRA", "Brazil"}} {
		cells = append(cells, gridCell{id: c[0], name: c[1], poly: square(float64(2*i), 0)})
	}
	if _, err := Import(ctx, s, bytes.NewReader(gridGeoJSON(t, cells)), Options{Kind: KindUnits, Layer: "world", Fields: map[string]string{"id": "GEOID", "name": "NAME"}}); err != nil {
		t.Fatal(err)
	}
	markets, err := os.ReadFile("../docs/examples/markets.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, s, bytes.NewReader(markets), Options{Kind: KindMarkets, Layer: "world"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Estimates != 8 {
		t.Errorf("markets example: %+v", res)
	}
	est := func(unit string) *terrane.MarketEstimate {
		all, err := s.FindMarketEstimates(ctx, "world")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if m.UnitID == unit {
				return m
			}
		}
		t.Fatalf("no estimate for %s", unit)
		return nil
	}
	if m := est("DEU"); m.Revenue != 100000 || m.Share != 0.04 || m.Floor != 0.02 || m.RevenueSource != "markets" {
		t.Errorf("DEU estimate %+v", *m)
	}
	accounts, err := os.ReadFile("../docs/examples/accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(gzipped(t, string(accounts))), Options{Kind: KindAccounts, Layer: "world", Fields: map[string]string{
		"unit": "Country", "group": "Account ID", "location": "most_revenue", "aliases": "Brasil:BRA", "date": "Close Date", "skip_invalid": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	imported := map[string]bool{"accounts.csv": true} // the example files this test imports
	if res.Accounts != 5 || res.ByUnit != 5 || len(res.Skipped) != 1 || res.Skipped[0].Line != 8 {
		t.Errorf("accounts example: %+v", res)
	}
	a, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "world"})
	if err != nil || a[0].ID != "0012" || a[0].UnitID != "FRA" || a[0].Revenue != 160000 || a[0].Owner != "Ann Lee" {
		t.Errorf("account 0012: %+v %v", a[0], err)
	}
	assignments, err := os.ReadFile("../docs/examples/assignments.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(assignments), Options{Kind: KindAssignments, Layer: "world", Fields: map[string]string{"create_scenario": "FY27 baseline"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assigned != 7 || res.TerritoriesCreated != 7 || res.Unassigned != 1 { // 4 territories, EMEA, AMER, WORLD; NLD unassigned
		t.Errorf("assignments example: %+v", res)
	}
	baseline := res.Scenario
	imported["assignments.csv"] = true

	// The baseline's current resources, as docs/import.md imports them.
	resources, err := os.ReadFile("../docs/examples/resources.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(resources), Options{Kind: KindResources, Scenario: baseline})
	if err != nil {
		t.Fatal(err)
	}
	// The baseline's totals were derived from markets.csv's revenue; the
	// file's amounts exceed them (a warning each), and the attention of the
	// three territories the file leaves it out of stays assumed.
	if res.Rows != 9 || res.Resources != 9 || res.Territories != 4 || res.Assumed != 3 || len(res.Warnings) != 3 {
		t.Errorf("resources example: %+v", res)
	}
	ts, err := s.FindTerritories(ctx, baseline)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		if tr.ID == "NA" && (tr.Current["headcount"] != 9 || tr.Current["money"] != 750000 || tr.Current["attention"] != 1200 || len(tr.Assumed) != 0) {
			t.Errorf("NA after the resources example: %+v", tr)
		}
	}
	imported["resources.csv"] = true

	// The people: users, and the owners of the baseline's territories.
	reps, err := os.ReadFile("../docs/examples/reps.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(reps), Options{Kind: KindReps, Layer: "world"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 7 || res.UsersCreated != 7 || res.Scenario != baseline {
		t.Errorf("reps example: %+v", res)
	}
	if o := ownersIn(t, s, baseline); !slices.Equal(o["EU-C"], []string{"Bo Chen", "Cy Díaz"}) || !slices.Equal(o["AMER"], []string{"Sam Ortiz"}) {
		t.Errorf("owners after the reps example: %v", o)
	}
	if u, err := s.FindUserByName(ctx, "Dee Okafor"); err != nil || u.Quota != 2e6 || u.Cost != 170000 || u.Manager != "Sam Ortiz" {
		t.Errorf("Dee Okafor: %+v %v", u, err)
	}
	imported["reps.csv"] = true

	// docs/import.md, ## units: four units, three in a column and an island of two parts,
	// bridged to the nearest.
	unitsFile, err := os.ReadFile("../docs/examples/units.geojson")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(unitsFile), Options{Kind: KindUnits, Layer: "areas", Fields: map[string]string{
		"id": "GEOID", "name": "NAME", "region": "REGION", "bridge": "true", "skip_invalid": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Units != 4 || res.Edges != 3 || res.Islands != 1 || res.Bridges != 1 || res.Components != 2 || len(res.Skipped) != 0 {
		t.Errorf("units example: %+v", res)
	}
	units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "areas"})
	if err != nil || len(units) != 4 || units[0].ID != "T-CENTRAL" || units[0].Name != "Central" || units[0].Region != "East" || units[0].Attributes["population"] != 340000 {
		t.Errorf("units example stored: %+v %v", units, err)
	}
	imported["units.geojson"] = true

	// New actuals from the accounts' dates (2025): DEU's revenue is its one
	// account's, its floor kept in proportion; USA's only account was skipped.
	if m := est("DEU"); m.Revenue != 85000 || m.Share != 0.034 || math.Abs(m.Floor-0.017) > 1e-12 || m.RevenuePeriod != "2025" || m.RevenueSource != "accounts" {
		t.Errorf("DEU after accounts %+v", *m)
	}
	if m := est("USA"); m.Revenue != 0 || m.Share != 0 || m.RevenuePeriod != "2025" {
		t.Errorf("USA after accounts %+v", *m)
	}
	opportunities, err := os.ReadFile("../docs/examples/opportunities.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(opportunities), Options{Kind: KindOpportunities, Layer: "world", Fields: map[string]string{"skip_invalid": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Opportunities != 6 || res.Won != 2 || res.Lost != 1 || res.Open != 3 || res.Unassigned != 1 || res.UnmatchedAccounts != 1 ||
		res.UnmatchedAccountIDs[0] != "0099" || len(res.Skipped) != 1 || res.Skipped[0].Line != 8 || res.Skipped[0].Field != "Close Date" {
		t.Errorf("opportunities example: %+v", res)
	}
	opps, err := s.FindOpportunities(ctx, "world")
	if err != nil || len(opps) != 6 || *opps[0].Amount != 48000 || opps[0].Attributes["Lead Source"] != "Web" || opps[3].Amount != nil || opps[3].Created.Format(time.DateOnly) != "2025-10-05" {
		t.Errorf("opportunities %+v, %v", opps, err)
	}
	history, err := os.ReadFile("../docs/examples/history.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = Import(ctx, s, bytes.NewReader(history), Options{Kind: KindHistory, Layer: "world"})
	if err != nil {
		t.Fatal(err)
	}
	if res.HistoryRows != 8 || res.Periods != 2 || res.Granularity != "quarter" || res.RevenuePeriod != "2025-Q4 ×4" || res.MarketsUpdated != 7 ||
		len(res.ResourceColumns) != 2 || res.ResourceColumns[1] != "Program" {
		t.Errorf("history example: %+v", res)
	}
	// EU-C's 23,000 × 4 goes to DEU, the one of its units with revenue.
	if m := est("DEU"); m.Revenue != 92000 || m.RevenuePeriod != "2025-Q4 ×4" || m.RevenueSource != "history" {
		t.Errorf("DEU after history %+v", *m)
	}
	imported["markets.csv"], imported["opportunities.csv"], imported["history.csv"] = true, true, true

	// Every example file is imported above.
	files, err := os.ReadDir("../docs/examples")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !imported[f.Name()] {
			t.Errorf("docs/examples/%s is not imported by this test: import it as docs/import.md shows", f.Name())
		}
	}
}
