package importer

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"

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
	accounts, err := os.ReadFile("../docs/examples/accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, s, bytes.NewReader(gzipped(t, string(accounts))), Options{Kind: KindAccounts, Layer: "world", Fields: map[string]string{
		"unit": "Country", "group": "Account ID", "location": "most_revenue", "aliases": "Brasil:BRA", "skip_invalid": "true"}})
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
	if res.Rows != 9 || res.Resources != 9 || res.Territories != 4 || res.Assumed != 0 || len(res.Warnings) != 0 {
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
