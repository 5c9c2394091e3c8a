package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/terrane/terrane"
)

// derivedScenario stores a branch of the fixture's baseline whose current
// amounts were derived from revenue: W's headcount and money, E's money.
func (f *fixture) derivedScenario(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	base, err := f.store.FindScenarioByID(ctx, f.baseline)
	if err != nil {
		t.Fatal(err)
	}
	al, err := f.store.FindAssignments(ctx, f.baseline)
	if err != nil {
		t.Fatal(err)
	}
	sc := &terrane.Scenario{Name: "Derived", Layer: "grid", ParentID: f.baseline, Budget: base.Budget, Resources: base.Resources, Settings: base.Settings, CreatedBy: "ann"}
	terrs := []*terrane.Territory{
		{ID: "W", Name: "West", Owners: []string{"rita"}, Current: map[string]float64{"headcount": 1, "money": 20000}, Assumed: []string{"headcount", "money"}},
		{ID: "E", Name: "East", Owners: []string{"rick"}, Current: map[string]float64{"headcount": 2, "money": 30000}, Assumed: []string{"money"}},
	}
	if err := f.store.CreateScenario(ctx, sc, terrs, al); err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

// TestPatchTerritoryCurrent: PATCH …/territories/{tid} {"current": …} sets
// amounts as a resources import does — each one given is no longer
// assumed, the others stay — and the territories, the detail and
// allocation.csv say which amounts are assumed; bad bodies are 400 naming
// current.<resource>, an unknown territory 404, a rep 403, a plan that is
// not a draft 409.
func TestPatchTerritoryCurrent(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id := f.derivedScenario(t)
		base := fmt.Sprintf("/api/v1/scenarios/%d", id)
		assumedOf := func() map[string][]string {
			var list struct {
				Territories []struct {
					ID      string   `json:"id"`
					Assumed []string `json:"assumed"`
				} `json:"territories"`
			}
			if err := json.Unmarshal(f.fetch(t, "ann", base+"/territories"), &list); err != nil {
				t.Fatal(err)
			}
			out := map[string][]string{}
			for _, tr := range list.Territories {
				out[tr.ID] = tr.Assumed
			}
			return out
		}
		if got := fmt.Sprint(assumedOf()); got != "map[E:[money] W:[headcount money]]" {
			t.Errorf("assumed before: %s", got)
		}
		if got := fmt.Sprint(f.scenarioAssumed(t, f.baseline)); got != "map[E:[] W:[]]" {
			t.Errorf("the baseline's amounts were supplied, none assumed: %s", got)
		}
		before, _ := f.store.FindScenarioByID(context.Background(), id)

		code, out := f.do("ann", "PATCH", base+"/territories/W", map[string]any{"current": map[string]any{"headcount": 2}})
		if code != http.StatusOK {
			t.Fatalf("PATCH: %d %v", code, out)
		}
		tr := out["territory"].(map[string]any)
		if fmt.Sprint(tr["current"]) != "map[headcount:2 money:20000]" || fmt.Sprint(tr["assumed"]) != "[money]" || out["scenario_version"] != float64(before.Version+1) {
			t.Errorf("answer %v", out)
		}
		if w, _ := out["warnings"].([]any); len(w) != 1 || !strings.Contains(w[0].(string), "headcount: the current amounts add up to 4 reps, more than the scenario's total of 3") {
			t.Errorf("warnings %v, want one on headcount (2 + 2 > 3)", out["warnings"])
		}
		if got := fmt.Sprint(assumedOf()); got != "map[E:[money] W:[money]]" {
			t.Errorf("assumed after: %s", got)
		}
		var detail struct {
			Territory struct {
				Current map[string]float64 `json:"current"`
				Assumed []string           `json:"assumed"`
			} `json:"territory"`
		}
		if err := json.Unmarshal(f.fetch(t, "ann", base+"/territories/W"), &detail); err != nil || detail.Territory.Current["headcount"] != 2 || fmt.Sprint(detail.Territory.Assumed) != "[money]" {
			t.Errorf("detail %+v %v", detail, err)
		}
		rows, err := csv.NewReader(bytes.NewReader(f.fetch(t, "ann", base+"/exports/allocation.csv"))).ReadAll()
		if err != nil || strings.Join(rows[0], ",") != "territory_id,resource,current,allocation,change,marginal_revenue_per_unit,current_assumed" {
			t.Fatalf("allocation.csv header %v %v", rows, err)
		}
		for _, row := range rows[1:] {
			if want := fmt.Sprint(row[1] == "money"); row[6] != want { // W's headcount was supplied, E's never assumed
				t.Errorf("allocation.csv %s %s current_assumed = %s, want %s", row[0], row[1], row[6], want)
			}
		}
		if geo := string(f.fetch(t, "ann", base+"/territories.geojson")); !strings.Contains(geo, `"assumed":["money"]`) {
			t.Errorf("territories.geojson does not say what is assumed:\n%.400s", geo)
		}
		trail := f.audit(t, id)
		if last := trail[len(trail)-1]; last.Action != "current" || last.Actor != "ann" || fmt.Sprint(last.Detail["changes"]) != "map[W:map[headcount:map[new:2 old:1 was_assumed:true]]]" {
			t.Errorf("audit entry %+v", last)
		}

		for _, tc := range []struct {
			name, user, path string
			body             any
			code             int
			msg              string
		}{
			{"fractional rep", "ann", "/territories/E", map[string]any{"current": map[string]any{"headcount": 1.5}}, 400, "current.headcount: headcount is allocated in whole reps: 1.5"},
			{"negative", "lee", "/territories/E", map[string]any{"current": map[string]any{"money": -1}}, 400, "current.money: negative money -1"},
			{"unknown resource", "ann", "/territories/E", map[string]any{"current": map[string]any{"hours": 1}}, 400, `current.hours: unknown resource "hours"`},
			{"null", "ann", "/territories/E", `{"current":{"money":null}}`, 400, "current.money: null"},
			{"not a number", "ann", "/territories/E", `{"current":{"money":"lots"}}`, 400, "field current must be"},
			{"empty", "ann", "/territories/E", map[string]any{"current": map[string]any{}}, 400, "current must map at least one resource"},
			{"unknown field", "ann", "/territories/E", map[string]any{"locked": true}, 400, "locked"},
			{"unknown territory", "ann", "/territories/Q", map[string]any{"current": map[string]any{"money": 1}}, 404, "territory Q not found"},
			{"rep", "rita", "/territories/W", map[string]any{"current": map[string]any{"money": 1}}, 403, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, out := f.do(tc.user, "PATCH", base+tc.path, tc.body)
				if code != tc.code || !strings.Contains(errMessage(out), tc.msg) {
					t.Errorf("%d %q, want %d with %q", code, errMessage(out), tc.code, tc.msg)
				}
			})
		}
		if code, out := f.do("ann", "PATCH", "/api/v1/scenarios/999/territories/W", map[string]any{"current": map[string]any{"money": 1}}); code != 404 {
			t.Errorf("unknown scenario: %d %v", code, out)
		}
		if code, out := f.do("lee", "POST", base+"/approve", nil); code != 200 {
			t.Fatalf("approve: %d %v", code, out)
		}
		unchanged := fmt.Sprint(f.scenarioAssumed(t, id))
		code, out = f.do("ann", "PATCH", base+"/territories/E", map[string]any{"current": map[string]any{"money": 1}})
		if code != http.StatusConflict || !strings.Contains(errMessage(out), "is approved: its current resources change in drafts only") {
			t.Errorf("approved plan: %d %v", code, out)
		}
		if got := fmt.Sprint(f.scenarioAssumed(t, id)); got != unchanged {
			t.Errorf("a refused change changed the territories: %s, was %s", got, unchanged)
		}
	})
}

// scenarioAssumed reads each territory's assumed resources from the store.
func (f *fixture) scenarioAssumed(t *testing.T, id int64) map[string][]string {
	t.Helper()
	ts, err := f.store.FindTerritories(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tr := range ts {
		out[tr.ID] = tr.Assumed
	}
	return out
}

// TestImportResourcesHTTP posts a resources file: the form field scenario
// names the draft; the answer counts what was written; a non-draft is 409.
func TestImportResourcesHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id := f.derivedScenario(t)
		code, out := f.upload("ann", map[string]string{"kind": "resources", "scenario": fmt.Sprint(id), "skip_invalid": "true"},
			"territory,resource,amount\nW,money,25000\nE,money,35000\nE,headcount,0.5\n")
		if code != http.StatusOK || out["resources"] != 2.0 || out["territories"] != 2.0 || out["assumed"] != 1.0 || out["layer"] != "grid" {
			t.Fatalf("import: %d %v", code, out)
		}
		if skipped, _ := out["skipped"].([]any); len(skipped) != 1 || skipped[0].(map[string]any)["field"] != "amount" {
			t.Errorf("skipped %v", out["skipped"])
		}
		if got := fmt.Sprint(f.scenarioAssumed(t, id)); got != "map[E:[] W:[headcount]]" {
			t.Errorf("assumed after the import: %s", got)
		}
		code, out = f.upload("ann", map[string]string{"kind": "resources"}, "territory,resource,amount\nW,money,1\n")
		if code != http.StatusBadRequest || !strings.Contains(errMessage(out), "scenario is required") {
			t.Errorf("without a scenario: %d %v", code, out)
		}
		if code, out := f.do("lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/approve", id), nil); code != 200 {
			t.Fatalf("approve: %d %v", code, out)
		}
		code, out = f.upload("ann", map[string]string{"kind": "resources", "scenario": fmt.Sprint(id)}, "territory,resource,amount\nW,money,1\n")
		if code != http.StatusConflict || !strings.Contains(errMessage(out), "change in drafts only") {
			t.Errorf("approved plan: %d %v", code, out)
		}
	})
}
