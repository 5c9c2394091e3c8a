package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestImportRepair checks the form field repair=true of a units import: without it a bow-tie
// is rejected with a problem suggesting the option; with it the unit is written and the answer
// lists the repair by feature.
func TestImportRepair(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		bowtie := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"FIPS":"x","NAME":"Bow"},
			"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}}]}`
		fields := map[string]string{"kind": "units", "layer": "bowtie", "id": "FIPS", "name": "NAME"}
		code, out := f.upload("ann", fields, bowtie)
		if code != http.StatusBadRequest || !strings.Contains(errMessage(out), "repair=true") {
			t.Fatalf("without repair: %d %v, want 400 suggesting repair=true", code, out)
		}
		fields["repair"] = "true"
		code, out = f.upload("ann", fields, bowtie)
		repairs, _ := out["repairs"].([]any)
		if code != http.StatusOK || out["units"] != 1.0 || len(repairs) != 1 {
			t.Fatalf("with repair: %d %v, want 200 with 1 unit and 1 repair", code, out)
		}
		r := repairs[0].(map[string]any)
		if r["feature"] != 0.0 || r["id"] != "x" || r["name"] != "Bow" || len(r["repairs"].([]any)) == 0 {
			t.Errorf("repair %v, want feature 0, id x, name Bow and what was repaired", r)
		}
	})
}
