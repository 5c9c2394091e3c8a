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
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/plan"
)

// TestOneCalibration: an allocate run of the sample's baseline through the
// API, `terrane solve allocate --sample`, and `terrane solve allocate --in`
// on the problem the run answers at GET /api/v1/runs/{id}/problem all
// reach the same objective (within 1e-9 relative) and move the same reps:
// the command and the API build the same problem from the same scenario,
// with no hidden reference amount of their own.
func TestOneCalibration(t *testing.T) {
	ctx := context.Background()
	s, err := data.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.Load(ctx, s); err != nil {
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
	defer func() { stop(); <-done }()
	srv := httptest.NewServer(api.NewServer(api.Config{Version: "test", LoginEvery: time.Hour, LoginBurst: 5},
		api.Services{Geography: s, Scenarios: s, Runs: s, Users: s, Imports: s, Ping: s.Ping, Wake: w.Wake}, nil, nil).Handler())
	defer srv.Close()
	get := func(method, path, body string) (int, []byte) {
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
	scs, err := s.FindScenarios(ctx, terrane.ScenarioFilter{})
	if err != nil || len(scs) != 1 {
		t.Fatalf("sample scenarios: %v %v", scs, err)
	}
	code, raw := get("POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", scs[0].ID), `{"kind":"allocate"}`)
	if code != 202 {
		t.Fatalf("start run: %d %s", code, raw)
	}
	var run struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Error  string `json:"error"`
		Result struct {
			Allocation struct {
				Objective  float64                       `json:"objective"`
				Allocation map[string]map[string]float64 `json:"allocation"`
			} `json:"allocation"`
		} `json:"result"`
	}
	json.Unmarshal(raw, &run)
	for deadline := time.Now().Add(60 * time.Second); run.Status != terrane.RunSucceeded; {
		if run.Status == terrane.RunFailed || time.Now().After(deadline) {
			t.Fatalf("run %d: %s %s", run.ID, run.Status, run.Error)
		}
		time.Sleep(20 * time.Millisecond)
		_, raw = get("GET", fmt.Sprintf("/api/v1/runs/%d", run.ID), "")
		json.Unmarshal(raw, &run)
	}
	code, problem := get("GET", fmt.Sprintf("/api/v1/runs/%d/problem", run.ID), "")
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
	fromSample, stderr, err := runAllocate(t, "", "--sample", "--quiet")
	if err != nil {
		t.Fatalf("solve allocate --sample: %v %s", err, stderr)
	}
	want := run.Result.Allocation.Objective
	moved := func(alloc map[string]map[string]float64) float64 {
		var n float64
		terrs, _ := s.FindTerritories(ctx, scs[0].ID)
		for _, tt := range terrs {
			n += math.Max(0, alloc[tt.ID]["headcount"]-tt.Current["headcount"])
		}
		return n
	}
	for _, got := range []struct {
		name string
		res  allocateJSON
	}{{"solve allocate --in <the run's problem>", fromFile}, {"solve allocate --sample", fromSample}} {
		if math.Abs(got.res.Objective-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: objective %.10g; the API run's %.10g", got.name, got.res.Objective, want)
		}
		if a, b := moved(got.res.Allocation), moved(run.Result.Allocation.Allocation); a != b {
			t.Errorf("%s moves %v reps; the API run %v", got.name, a, b)
		}
	}
	if code, raw := get("GET", "/api/v1/runs/99999/problem", ""); code != 404 {
		t.Errorf("problem of no run: %d %s", code, raw)
	}
}
