package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/plan"
)

// runEnd waits for a run to end and returns it as the API answers.
func (f *fixture) runEnd(t *testing.T, id any) map[string]any {
	t.Helper()
	rid := int64(id.(float64))
	f.waitRun(t, rid)
	_, r := f.do("ann", "GET", fmt.Sprintf("/api/v1/runs/%d", rid), nil)
	return r
}

// scenarioState is everything a run may change in a scenario, read from the store.
type scenarioState struct {
	Territories []*terrane.Territory
	Alignment   map[string]string
	Results     *terrane.Results
	Audit       int // entries other than runs starting and finishing
	Version     int64
}

func (f *fixture) scenarioState(id int64) scenarioState {
	f.t.Helper()
	ctx := context.Background()
	var st scenarioState
	var err error
	if st.Territories, err = f.store.FindTerritories(ctx, id); err != nil {
		f.t.Fatal(err)
	}
	if st.Alignment, err = f.store.FindAssignments(ctx, id); err != nil {
		f.t.Fatal(err)
	}
	if st.Results, err = f.store.FindResults(ctx, id); err != nil && terrane.ErrorCode(err) != terrane.ENOTFOUND {
		f.t.Fatal(err)
	}
	audit, err := f.store.FindAudit(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, e := range audit {
		if !strings.HasPrefix(e.Action, "run ") { // every run logs its start and end
			st.Audit++
		}
	}
	sc, err := f.store.FindScenarioByID(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	st.Version = sc.Version
	return st
}

// TestFailedAllocationLeavesScenarioAsItWas: the allocation step of an
// align+allocate run fails after the alignment has redrawn the territories;
// the scenario's territories, assignments and stored results are exactly as
// before the run, and its audit trail records only the run starting and
// finishing.
func TestFailedAllocationLeavesScenarioAsItWas(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		id := f.branch(t, "Draft", nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d", id)
		code, run := f.do("ann", "POST", path+"/runs", map[string]any{"kind": "allocate"})
		if code != 202 {
			t.Fatalf("start allocate: %d %v", code, run)
		}
		if r := f.runEnd(t, run["id"]); r["status"] != terrane.RunSucceeded {
			t.Fatalf("allocate run: %v", r)
		}
		// Settings the alignment accepts and the allocation refuses: no
		// resource has a weight. West holds 9 M of market, East 21 M, so a
		// ±5 % balance must move units.
		code, body := f.do("ann", "PATCH", path, map[string]any{"settings": map[string]any{"shape": 0.8,
			"resource_weights": map[string]float64{"headcount": 0, "money": 0}, "align": map[string]any{"time_limit_seconds": 2, "tolerance": 0.05}}})
		if code != 200 {
			t.Fatalf("patch settings: %d %v", code, body)
		}
		before := f.scenarioState(id)
		if before.Results == nil {
			t.Fatal("the allocate run stored no results")
		}
		_, listBefore := f.raw("ann", "GET", path+"/territories", nil)

		code, run = f.do("ann", "POST", path+"/runs", map[string]any{"kind": "align+allocate"})
		if code != 202 {
			t.Fatalf("start align+allocate: %d %v", code, run)
		}
		r := f.runEnd(t, run["id"])
		if r["status"] != terrane.RunFailed || !strings.Contains(fmt.Sprint(r["error"]), "resource_weights") {
			t.Fatalf("align+allocate run: want failed on resource_weights, got %v: %v", r["status"], r["error"])
		}
		after := f.scenarioState(id)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the failed run changed the scenario:\nbefore %+v\nafter  %+v", before, after)
		}
		_, listAfter := f.raw("ann", "GET", path+"/territories", nil)
		if string(listBefore) != string(listAfter) {
			t.Errorf("GET territories changed:\nbefore %s\nafter  %s", listBefore, listAfter)
		}
		_, list := f.do("ann", "GET", path+"/territories", nil)
		if list["stale"] != true {
			t.Errorf("after the settings changed, the stored results must read as stale: %v", list["stale"])
		}

		// The same run with settings the allocation accepts redraws the
		// territories and stores its results with them, not stale.
		code, _ = f.do("ann", "PATCH", path, map[string]any{"settings": map[string]any{"shape": 0.8, "align": map[string]any{"time_limit_seconds": 2, "tolerance": 0.05}}})
		if code != 200 {
			t.Fatalf("patch settings: %d", code)
		}
		_, run = f.do("ann", "POST", path+"/runs", map[string]any{"kind": "align+allocate"})
		if r := f.runEnd(t, run["id"]); r["status"] != terrane.RunSucceeded {
			t.Fatalf("align+allocate run: %v", r)
		}
		done := f.scenarioState(id)
		if reflect.DeepEqual(done.Alignment, before.Alignment) {
			t.Error("a succeeded realignment left the units where they were")
		}
		if done.Results == nil || fmt.Sprint(done.Results.RunID) != fmt.Sprint(run["id"]) || done.Results.ScenarioVersion != done.Version {
			t.Errorf("results after the realignment: %+v (scenario version %d)", done.Results, done.Version)
		}
		_, list = f.do("ann", "GET", path+"/territories", nil)
		if list["stale"] != false || fmt.Sprint(list["run_id"]) != fmt.Sprint(run["id"]) {
			t.Errorf("territories after the realignment: stale %v, run_id %v", list["stale"], list["run_id"])
		}
	})
}

// TestStoredResultsGoStaleOnAMove: a move by hand keeps the run's results,
// marked stale, while the actual figures follow the move.
func TestStoredResultsGoStaleOnAMove(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		path := fmt.Sprintf("/api/v1/scenarios/%d", f.branch(t, "Draft", nil))
		_, run := f.do("ann", "POST", path+"/runs", map[string]any{"kind": "allocate"})
		f.runEnd(t, run["id"])
		_, list := f.do("ann", "GET", path+"/territories", nil)
		if list["stale"] != false || list["run_id"] == nil {
			t.Fatalf("after a run: stale %v, run_id %v", list["stale"], list["run_id"])
		}
		if code, body := f.do("ann", "PATCH", path+"/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}); code != 200 {
			t.Fatalf("move: %d %v", code, body)
		}
		_, list = f.do("ann", "GET", path+"/territories", nil)
		if list["stale"] != true {
			t.Errorf("after a move the results must read as stale: %v", list["stale"])
		}
		terrs := list["territories"].([]any)
		for _, x := range terrs {
			m := x.(map[string]any)
			if m["id"] == "W" && m["units"].(float64) != 7 {
				t.Errorf("West's units after the move: %v, want 7 (actual figures are current)", m["units"])
			}
		}
	})
}

// TestRunEventsCarryTheResult: a run's event stream reports progress and
// ends with one "done" message holding the scenario's new territories, so
// the browser needs no further request.
func TestRunEventsCarryTheResult(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		path := fmt.Sprintf("/api/v1/scenarios/%d", f.branch(t, "Draft", nil))
		for _, kind := range []string{"allocate", "align+allocate"} {
			_, run := f.do("ann", "POST", path+"/runs", map[string]any{"kind": kind})
			code, raw := f.raw("ann", "GET", fmt.Sprintf("/api/v1/runs/%v/events", run["id"]), nil)
			if code != 200 {
				t.Fatalf("%s: events: %d %s", kind, code, raw)
			}
			events := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
			last := events[len(events)-1]
			if !strings.HasPrefix(last, "event: done\ndata: ") || strings.Count(string(raw), "event: done") != 1 {
				t.Fatalf("%s: the stream must end with one done event:\n%s", kind, raw)
			}
			for _, e := range events[:len(events)-1] {
				if !strings.HasPrefix(e, "event: progress\ndata: ") {
					t.Errorf("%s: unexpected event %q", kind, e)
				}
			}
			var done struct {
				Run         map[string]any `json:"run"`
				Scenario    map[string]any `json:"scenario"`
				Territories struct {
					RunID       any              `json:"run_id"`
					Stale       bool             `json:"stale"`
					Territories []map[string]any `json:"territories"`
				} `json:"territories"`
				Assignments map[string]string `json:"assignments"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(last, "event: done\ndata: ")), &done); err != nil {
				t.Fatal(err)
			}
			if done.Run["status"] != terrane.RunSucceeded || done.Run["result"] == nil {
				t.Fatalf("%s: done run = %v", kind, done.Run)
			}
			if fmt.Sprint(done.Territories.RunID) != fmt.Sprint(run["id"]) || done.Territories.Stale || len(done.Territories.Territories) != 2 {
				t.Errorf("%s: done territories: run %v (want %v), stale %v, %d territories", kind, done.Territories.RunID, run["id"], done.Territories.Stale, len(done.Territories.Territories))
			}
			for _, tr := range done.Territories.Territories {
				if tr["allocation"] == nil {
					t.Errorf("%s: territory %v has no allocation in the done event", kind, tr["id"])
				}
			}
			if (kind == "allocate") != (done.Assignments == nil) || (done.Assignments != nil && len(done.Assignments) != 12) {
				t.Errorf("%s: assignments in the done event: %v", kind, done.Assignments)
			}
			// The same as GET territories answers.
			_, list := f.raw("ann", "GET", path+"/territories", nil)
			var want, got any
			json.Unmarshal(list, &want)
			b, _ := json.Marshal(done.Territories)
			json.Unmarshal(b, &got)
			if w, g := fmt.Sprint(want.(map[string]any)["run_id"]), fmt.Sprint(got.(map[string]any)["run_id"]); w != g {
				t.Errorf("%s: GET territories run %s, done event %s", kind, w, g)
			}
		}
		// Reps see no runs, hence no events.
		if code, _ := f.raw("rita", "GET", "/api/v1/runs/1/events", nil); code != 404 && code != 403 {
			t.Errorf("a rep's events request: %d, want 403 or 404", code)
		}
	})
}

// TestPrimedReadMatchesStore: with the worker handing its inputs and results
// to the API (plan.Broker), the first read after a run answers exactly what
// a read from the store answers.
func TestPrimedReadMatchesStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		b := &plan.Broker{}
		f.worker.Events = b
		f.services.Events = b
		primed := api.NewServer(api.Config{Version: "test"}, f.services, nil, nil)
		f.startWorker()
		path := fmt.Sprintf("/api/v1/scenarios/%d", f.baseline)
		f.do("ann", "PATCH", path, map[string]any{"budget": 390000})
		_, run := f.do("ann", "POST", path+"/runs", map[string]any{"kind": "allocate"})
		f.runEnd(t, run["id"])
		req := func(srv *api.Server) string {
			r := httptest.NewRequest("GET", path+"/territories", nil)
			r.Header.Set("Authorization", "Bearer "+f.tokens["ann"])
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, r)
			return w.Body.String()
		}
		p, ok := b.Take(f.baseline)
		if !ok {
			t.Fatal("the worker handed nothing to the broker")
		}
		b.Finished(p.Inputs, p.Results)
		got := req(primed)
		if _, ok := b.Take(f.baseline); ok {
			t.Error("the primed read did not take what the worker handed over")
		}
		want := req(api.NewServer(api.Config{Version: "test"}, f.services, nil, nil))
		if got != want {
			t.Errorf("primed read differs from the store's:\nprimed %s\nstore  %s", got, want)
		}
		if !strings.Contains(got, fmt.Sprintf(`"run_id":%v`, run["id"])) {
			t.Errorf("primed read does not show run %v: %.200s", run["id"], got)
		}
	})
}

// TestMoveBalanceWithMultipliers: the balance a move answers is the market
// the solvers balance (with the scenario's multipliers, as GET territories
// says), after the move and after its undo; a dry run answers the same
// figures without saving the move (issue 12, case 5).
func TestMoveBalanceWithMultipliers(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		code, sc := f.do("ann", "POST", "/api/v1/scenarios", map[string]any{"name": "Mult", "from": f.baseline,
			"settings": map[string]any{"market_multipliers": map[string]float64{"W": 1.2, "*": 0.9}}})
		if code != 201 {
			t.Fatalf("create = %d %v", code, sc)
		}
		id := int64(sc["id"].(float64))
		path := fmt.Sprintf("/api/v1/scenarios/%d/assignments", id)
		marketOf := func() map[string]float64 {
			_, ts := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", id), nil)
			out := map[string]float64{}
			for _, x := range ts["territories"].([]any) {
				m := x.(map[string]any)
				out[m["id"].(string)] = m["market"].(float64)
			}
			return out
		}
		balanceOf := func(body map[string]any) map[string]float64 {
			out := map[string]float64{}
			for _, x := range body["balance"].([]any) {
				m := x.(map[string]any)
				out[m["territory"].(string)] = m["market"].(float64)
			}
			return out
		}
		same := func(name string, got, want map[string]float64) {
			t.Helper()
			for k, w := range want {
				if g := got[k]; g < w-1e-6*(1+w) || g > w+1e-6*(1+w) {
					t.Errorf("%s: market of %s = %v; want %v (GET territories)", name, k, g, w)
				}
			}
		}
		_, assign := f.do("ann", "GET", path, nil)
		from := assign["assignments"].(map[string]any)["c0"].(string)
		_, dry := f.do("ann", "PATCH", path+"?dry_run=true", map[string]any{"moves": map[string]string{"c0": "W"}})
		if _, after := f.do("ann", "GET", path, nil); after["assignments"].(map[string]any)["c0"] != from {
			t.Fatalf("a dry run moved c0 to %v", after["assignments"].(map[string]any)["c0"])
		}
		code, moved := f.do("ann", "PATCH", path, map[string]any{"moves": map[string]string{"c0": "W"}})
		if code != 200 {
			t.Fatalf("move = %d %v", code, moved)
		}
		same("move", balanceOf(moved), marketOf())
		same("dry run", balanceOf(dry), balanceOf(moved))
		_, undone := f.do("ann", "PATCH", path, map[string]any{"moves": map[string]string{"c0": from}})
		same("undo", balanceOf(undone), marketOf())
	})
}
