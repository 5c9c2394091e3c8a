package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/internal/finite"
	"github.com/terrane/terrane/plan"
)

// sampleAPI is the API over a fresh SQLite store holding the sample
// dataset, with a worker, served on 127.0.0.1; call sends a request as an
// analyst.
type sampleAPI struct {
	store *data.Store
	call  func(method, path, body string) (int, []byte)
}

func newSampleAPI(t *testing.T) *sampleAPI {
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
	usr := &terrane.User{Name: "ana", Role: terrane.RoleAnalyst}
	if err := s.CreateUser(ctx, usr); err != nil {
		t.Fatal(err)
	}
	tok, hash := api.NewToken()
	if err := s.CreateToken(ctx, &terrane.Token{UserID: usr.ID, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	w := &plan.Worker{Services: s, Name: "test", Poll: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	srv := httptest.NewServer(api.NewServer(api.Config{Version: "test", LoginEvery: time.Hour, LoginBurst: 5},
		api.Services{Geography: s, Scenarios: s, Runs: s, Users: s, Imports: s, Ping: s.Ping, Wake: w.Wake}, nil, nil).Handler())
	t.Cleanup(func() { srv.Close(); stop(); <-done })
	call := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	return &sampleAPI{store: s, call: call}
}

// runDone starts a run of kind on scenario id and waits for it to succeed;
// it returns the run's JSON.
func (a *sampleAPI) runDone(t *testing.T, id int64, kind string) []byte {
	t.Helper()
	code, raw := a.call("POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", id), `{"kind":"`+kind+`"}`)
	if code != 202 {
		t.Fatalf("start %s run: %d %s", kind, code, raw)
	}
	var run struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Error  string `json:"error"`
	}
	json.Unmarshal(raw, &run)
	for deadline := time.Now().Add(90 * time.Second); run.Status != terrane.RunSucceeded; {
		if run.Status == terrane.RunFailed || run.Status == terrane.RunCancelled || time.Now().After(deadline) {
			t.Fatalf("%s run %d: %s %s", kind, run.ID, run.Status, run.Error)
		}
		time.Sleep(20 * time.Millisecond)
		_, raw = a.call("GET", fmt.Sprintf("/api/v1/runs/%d", run.ID), "")
		json.Unmarshal(raw, &run)
	}
	return raw
}

// TestOneCalibration: an allocate run of the sample's baseline through the
// API, `terrane solve allocate --sample`, and `terrane solve allocate --in`
// on the problem the run answers at GET /api/v1/runs/{id}/problem all
// reach the same objective (within 1e-9 relative) and move the same reps:
// the command and the API build the same problem from the same scenario,
// with no hidden reference amount of their own.
func TestOneCalibration(t *testing.T) {
	ctx := context.Background()
	a := newSampleAPI(t)
	s, get := a.store, a.call
	scs, err := s.FindScenarios(ctx, terrane.ScenarioFilter{})
	if err != nil || len(scs) != 1 {
		t.Fatalf("sample scenarios: %v %v", scs, err)
	}
	// The run's own problem reproduces it whatever its curves (the
	// default, settings.curves "auto", fits the sample's history); `solve
	// allocate --sample` states the share-calibrated problem, the run's
	// with settings.curves "assumed".
	oneCalibration(t, a, scs[0].ID, "solve allocate --in <the run's problem>", func() (allocateJSON, string, error) {
		return allocateJSON{}, "", nil
	})
	set := map[string]any{}
	if err := json.Unmarshal(scs[0].Settings, &set); err != nil {
		t.Fatal(err)
	}
	set["curves"] = "assumed"
	raw, _ := json.Marshal(set)
	if _, err := s.UpdateScenario(ctx, scs[0].ID, terrane.ScenarioUpdate{Settings: raw}, "test"); err != nil {
		t.Fatal(err)
	}
	oneCalibration(t, a, scs[0].ID, "solve allocate --sample", func() (allocateJSON, string, error) {
		return runAllocate(t, "", "--sample", "--quiet")
	})
	if code, raw := get("GET", "/api/v1/runs/99999/problem", ""); code != 404 {
		t.Errorf("problem of no run: %d %s", code, raw)
	}
}

// oneCalibration runs an allocate of scenario id through the API and checks
// that `solve allocate --in` on the run's problem, and also() (named name)
// unless name is that, reach its objective and move the same reps.
func oneCalibration(t *testing.T, a *sampleAPI, id int64, name string, also func() (allocateJSON, string, error)) {
	t.Helper()
	raw := a.runDone(t, id, "allocate")
	var run struct {
		ID     int64 `json:"id"`
		Result struct {
			Allocation struct {
				Objective  float64                       `json:"objective"`
				Allocation map[string]map[string]float64 `json:"allocation"`
			} `json:"allocation"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	code, problem := a.call("GET", fmt.Sprintf("/api/v1/runs/%d/problem", run.ID), "")
	if code != 200 {
		t.Fatalf("GET problem: %d %s", code, problem)
	}
	in := filepath.Join(t.TempDir(), "problem.json")
	if err := os.WriteFile(in, problem, 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile, stderr, err := runAllocate(t, "", "--in", in, "--quiet")
	if err != nil {
		t.Fatalf("solve allocate --in: %v %s", err, stderr)
	}
	checks := []struct {
		name string
		res  allocateJSON
	}{{"solve allocate --in <the run's problem>", fromFile}}
	if name != checks[0].name {
		other, stderr, err := also()
		if err != nil {
			t.Fatalf("%s: %v %s", name, err, stderr)
		}
		checks = append(checks, struct {
			name string
			res  allocateJSON
		}{name, other})
	}
	want := run.Result.Allocation.Objective
	moved := func(alloc map[string]map[string]float64) float64 {
		var n float64
		terrs, _ := a.store.FindTerritories(context.Background(), id)
		for _, tt := range terrs {
			n += math.Max(0, alloc[tt.ID]["headcount"]-tt.Current["headcount"])
		}
		return n
	}
	for _, got := range checks {
		if math.Abs(got.res.Objective-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: objective %.10g; the API run's %.10g", got.name, got.res.Objective, want)
		}
		if a, b := moved(got.res.Allocation), moved(run.Result.Allocation.Allocation); a != b {
			t.Errorf("%s moves %v reps; the API run %v", got.name, a, b)
		}
	}
}

// TestSampleAnswersHoldOnlyFiniteNumbers is the scan of the rule "no
// sentinel or non-finite number leaves the server" on the real sample:
// after an allocate of the baseline, a profit-objective allocate and a
// realignment (align+allocate, 3 s), every JSON and CSV answer about the
// three scenarios — territories, each territory's detail, the GeoJSON,
// compare, the frontier, runs with their results and problems, the audit,
// every export — holds only finite numbers of magnitude ≤ 1e15, money in CSV
// with at most 2 decimals and reps as whole numbers.
func TestSampleAnswersHoldOnlyFiniteNumbers(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the national sample")
	}
	a := newSampleAPI(t)
	scs, err := a.store.FindScenarios(context.Background(), terrane.ScenarioFilter{})
	if err != nil || len(scs) != 1 {
		t.Fatalf("sample scenarios: %v %v", scs, err)
	}
	base := scs[0].ID
	var settings map[string]any
	json.Unmarshal(scs[0].Settings, &settings)
	branch := func(name string, extra map[string]any) int64 {
		set := map[string]any{}
		for k, v := range settings {
			set[k] = v
		}
		for k, v := range extra {
			set[k] = v
		}
		body, _ := json.Marshal(map[string]any{"name": name, "from": base, "settings": set})
		code, raw := a.call("POST", "/api/v1/scenarios", string(body))
		if code != 201 {
			t.Fatalf("branch %s: %d %s", name, code, raw)
		}
		var sc struct{ ID int64 }
		json.Unmarshal(raw, &sc)
		return sc.ID
	}
	profit := branch("Profit", map[string]any{"objective": "profit"})
	redrawn := branch("Redrawn", map[string]any{"align": map[string]any{"time_limit_seconds": 3, "max_moved": 0.2}})
	a.runDone(t, base, "allocate")
	a.runDone(t, profit, "allocate")
	a.runDone(t, redrawn, "align+allocate")
	get := func(path string) []byte {
		t.Helper()
		code, raw := a.call("GET", path, "")
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, raw)
		}
		return raw
	}
	scan := func(path string) {
		t.Helper()
		for _, p := range finite.JSON(get(path)) {
			t.Errorf("%s: %s", path, p)
		}
	}
	sp := fmt.Sprintf
	for _, id := range []int64{base, profit, redrawn} {
		p := sp("/api/v1/scenarios/%d", id)
		for _, q := range []string{p, p + "/territories", p + "/territories.geojson", p + "/audit", p + "/runs",
			p + "/frontier?points=4", p + "/frontier?resource=headcount&points=3", p + "/exports/territories.geojson",
			sp("/api/v1/scenarios/%d/compare/%d", base, id)} {
			scan(q)
		}
		var list struct {
			Territories []struct{ ID string } `json:"territories"`
		}
		json.Unmarshal(get(p+"/territories"), &list)
		for _, tr := range list.Territories {
			scan(p + "/territories/" + tr.ID)
		}
		var runs struct {
			Runs []struct{ ID int64 } `json:"runs"`
		}
		json.Unmarshal(get(p+"/runs"), &runs)
		for _, r := range runs.Runs {
			scan(sp("/api/v1/runs/%d", r.ID))
			scan(sp("/api/v1/runs/%d/problem", r.ID))
		}
		for _, e := range []struct {
			file          string
			money, counts map[string]bool
		}{
			{"units.csv", nil, nil},
			{"accounts.csv", map[string]bool{"revenue": true}, nil},
			{"allocation.csv", nil, nil},
		} {
			rows, problems := finite.CSV(get(p+"/exports/"+e.file), e.money, e.counts)
			for _, pr := range problems {
				t.Errorf("%s/exports/%s: %s", p, e.file, pr)
			}
			if e.file != "allocation.csv" {
				continue
			}
			for _, row := range rows[1:] {
				if row[1] == "headcount" && (strings.Contains(row[2]+row[3]+row[4], ".")) {
					t.Errorf("%s allocation.csv: %s headcount %v is not whole reps", p, row[0], row[2:5])
				}
				if row[1] == "money" && (strings.Contains(row[3], ".") && len(row[3])-strings.IndexByte(row[3], '.') > 3) {
					t.Errorf("%s allocation.csv: %s money %s has more than 2 decimals", p, row[0], row[3])
				}
			}
		}
	}
}
