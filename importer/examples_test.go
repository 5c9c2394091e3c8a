package importer

import (
	"bytes"
	"context"
	"os"
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
}
