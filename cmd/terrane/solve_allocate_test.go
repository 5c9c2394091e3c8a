package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

const issueProblem = `{
  "objective": "revenue",
  "budget": 12000000,
  "resources": [
    {"name": "headcount", "unit_cost": 150000, "integer": true, "total": 40},
    {"name": "money", "unit_cost": 1, "integer": false},
    {"name": "attention", "unit_cost": 0, "integer": false, "total": 3000}
  ],
  "territories": [
    {"id": "T1", "base": 250000, "margin": 0.55,
     "curves": {"headcount": {"beta": 900000, "k": 3, "shape": 1},
                "money": {"beta": 400000, "k": 150000, "shape": 0.8}},
     "current": {"headcount": 2, "money": 90000, "attention": 40},
     "min": {"headcount": 1}, "max": {"headcount": 8},
     "locked": false},
    {"id": "T2", "base": 100000,
     "curves": {"headcount": {"beta": 2000000, "k": 2, "shape": 0.9},
                "money": {"beta": 300000, "k": 80000, "shape": 0.7},
                "attention": {"beta": 50000, "k": 100, "shape": 1}},
     "current": {"headcount": 3, "money": 50000, "attention": 100}}
  ],
  "max_change": {"headcount": 2, "money": 100000}
}`

const marketProblem = `{
  "objective": "revenue",
  "budget": 1500000,
  "resources": [
    {"name": "headcount", "unit_cost": 150000, "integer": true, "total": 6},
    {"name": "money", "unit_cost": 1}
  ],
  "calibration": {"weights": {"headcount": 0.6, "money": 0.4}, "shapes": {"money": 0.8}, "floor": 0.02},
  "markets": [
    {"id": "won", "market": 8000000, "share": 0.58, "saturation": 0.6, "current": {"headcount": 3, "money": 300000}},
    {"id": "open", "market": 8000000, "share": 0.08, "saturation": 0.6, "current": {"headcount": 1, "money": 50000}},
    {"id": "mid", "market": 4000000, "share": 0.3, "current": {"headcount": 2, "money": 250000}}
  ]
}`

type allocateJSON struct {
	Status       string                        `json:"status"`
	Objective    float64                       `json:"objective"`
	Bound        float64                       `json:"bound"`
	Gap          float64                       `json:"gap"`
	Allocation   map[string]map[string]float64 `json:"allocation"`
	Revenue      map[string]float64            `json:"revenue"`
	Marginal     map[string]map[string]float64 `json:"marginal"`
	ShadowPrices map[string]float64            `json:"shadow_prices"`
	Seconds      *float64                      `json:"seconds"`
	Conflicts    []string                      `json:"conflicts"`
	Frontier     []struct {
		Value     float64 `json:"value"`
		Objective float64 `json:"objective"`
	} `json:"frontier"`
	UnitValues []struct {
		Constraint string  `json:"constraint"`
		Gain       float64 `json:"gain"`
	} `json:"unit_values"`
}

func runAllocate(t *testing.T, stdin string, args ...string) (allocateJSON, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	err := run(context.Background(), env, append([]string{"solve", "allocate"}, args...))
	var res allocateJSON
	if err == nil && out.Len() > 0 {
		if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil {
			t.Fatalf("output is not JSON: %v\n%s", jerr, out.String())
		}
	}
	return res, errb.String(), err
}

func TestSolveAllocateCanonical(t *testing.T) {
	res, stderr, err := runAllocate(t, issueProblem)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "optimal" || res.Gap > 1e-6 || res.Bound < res.Objective {
		t.Errorf("status %s objective %v bound %v gap %v", res.Status, res.Objective, res.Bound, res.Gap)
	}
	if res.Seconds == nil || res.Allocation["T2"] == nil || res.Marginal["T1"] == nil || res.Revenue["T1"] == 0 {
		t.Errorf("result misses contract fields: %+v", res)
	}
	for _, k := range []string{"budget", "headcount", "attention"} {
		if _, ok := res.ShadowPrices[k]; !ok {
			t.Errorf("no shadow price for %s", k)
		}
	}
	if !strings.Contains(stderr, "optimal") {
		t.Errorf("summary %q", stderr)
	}
	total := 0.0
	for _, a := range res.Allocation {
		total += a["headcount"]
		if a["headcount"] != math.Round(a["headcount"]) {
			t.Errorf("fractional headcount %v", a["headcount"])
		}
	}
	if total > 40 {
		t.Errorf("headcount %v over its total 40", total)
	}
}

func TestSolveAllocateFiles(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "p.json"), filepath.Join(dir, "r.json")
	if err := os.WriteFile(in, []byte(issueProblem), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runAllocate(t, "", "--in", in, "--out", out, "--quiet"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res allocateJSON
	if err := json.Unmarshal(b, &res); err != nil || res.Status != "optimal" {
		t.Fatalf("file result: %v %s", err, b)
	}
}

func TestSolveAllocateMarket(t *testing.T) {
	res, _, err := runAllocate(t, marketProblem, "--unit-values", "--frontier", "budget", "--values", "1200000,1500000,1800000")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "optimal" {
		t.Fatalf("status %s gap %v", res.Status, res.Gap)
	}
	if !(res.Allocation["open"]["money"] > 50000) || !(res.Allocation["won"]["money"] < 300000) {
		t.Errorf("money did not move from the won market to the open one: %v", res.Allocation)
	}
	if len(res.Frontier) != 3 || !(res.Frontier[2].Objective >= res.Frontier[0].Objective) {
		t.Errorf("frontier %+v", res.Frontier)
	}
	if len(res.UnitValues) != 2 {
		t.Errorf("unit values %+v, want budget and headcount", res.UnitValues)
	}
	// --calibrate-only writes the canonical problem, which solves the same
	var out, errb bytes.Buffer
	env := &environment{stdin: strings.NewReader(marketProblem), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	if err := run(context.Background(), env, []string{"solve", "allocate", "--calibrate-only"}); err != nil {
		t.Fatal(err)
	}
	again, _, err := runAllocate(t, out.String())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(again.Objective-res.Objective) > 1e-9*res.Objective {
		t.Errorf("calibrated problem solves to %v, market form to %v", again.Objective, res.Objective)
	}
}

func TestSolveAllocateErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		args  []string
		wants []string
		usage bool
	}{
		{"negative k", strings.Replace(issueProblem, `"k": 3,`, `"k": -3,`, 1), nil, []string{`"T1"`, "curves.headcount.k"}, false},
		{"unknown resource", strings.Replace(issueProblem, `"attention": {"beta"`, `"atention": {"beta"`, 1), nil, []string{`"T2"`, "atention"}, false},
		{"duplicate id", strings.Replace(issueProblem, `"id": "T2"`, `"id": "T1"`, 1), nil, []string{`"T1"`, "duplicate"}, false},
		{"misspelt field", strings.Replace(issueProblem, `"budget"`, `"budjet"`, 1), nil, []string{"budjet"}, false},
		{"not JSON", "{", nil, []string{"read problem"}, false},
		{"bad flag", issueProblem, []string{"--frontier", "budget"}, []string{"--frontier needs"}, true},
		{"unknown frontier", issueProblem, []string{"--frontier", "reps", "--values", "1,2"}, []string{"reps"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runAllocate(t, tc.in, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if errors.Is(err, errUsage) != tc.usage {
				t.Errorf("usage error %v, want %v", errors.Is(err, errUsage), tc.usage)
			}
		})
	}
}

func TestSolveAllocateInfeasible(t *testing.T) {
	in := strings.Replace(issueProblem, `"total": 40`, `"total": 2`, 1) // mins 1 + T2 needs ≥ 1 after max_change
	in = strings.Replace(in, `"current": {"headcount": 3,`, `"min": {"headcount": 2}, "current": {"headcount": 3,`, 1)
	res, stderr, err := runAllocate(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "infeasible" || len(res.Conflicts) == 0 || !strings.Contains(strings.Join(res.Conflicts, ";"), "total headcount 2") {
		t.Errorf("status %s conflicts %v", res.Status, res.Conflicts)
	}
	if !strings.Contains(stderr, "infeasible") {
		t.Errorf("summary %q", stderr)
	}
}

// TestSampleDatasetCalibrated solves the baseline scenario of the sample
// dataset (US states over county market estimates, calibrated by the
// market model) and checks the intended behaviour: money leaves the states
// where one more dollar returns least for those where it returns most,
// expected revenue rises, and no state gets money whose marginal return is
// below its shadow price. (On the simulated company the return of a dollar
// is not ranked by φ alone: a state without reps has a low φ and a flat
// money curve.)
func TestSampleDatasetCalibrated(t *testing.T) {
	in, err := sampleInputs()
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.AllocationProblem(in)
	if err != nil {
		t.Fatal(err)
	}
	cur := map[string]map[string]float64{}
	phi := map[string]float64{}
	metrics, _ := plan.Metrics(in, nil)
	for _, m := range metrics {
		if m.Market.Market > 0 && m.Saturation > m.Floor {
			phi[m.ID] = (m.Share - m.Floor) / (m.Saturation - m.Floor)
		}
	}
	for _, tt := range p.Territories {
		cur[tt.ID] = tt.Current
	}
	if v := allocate.Violations(p, cur, 1e-9); len(v) > 0 {
		t.Fatalf("the baseline is not feasible: %v", v)
	}
	before, _ := allocate.Evaluate(p, cur)

	// The return of one more dollar of money in each funded state, today.
	slope := map[string]float64{}
	for _, m := range metrics {
		if _, ok := phi[m.ID]; !ok || m.Current["money"] <= 0 {
			continue
		}
		x := map[string]map[string]float64{}
		for id, a := range cur {
			x[id] = maps.Clone(a)
		}
		x[m.ID]["money"] += 1000
		r, _ := allocate.Evaluate(p, x)
		slope[m.ID] = (r - before) / 1000
	}
	// By hand: move a tenth of the money of the state where a dollar
	// returns least to the one where it returns most.
	var satID, headID string
	for id := range slope {
		if satID == "" || slope[id] < slope[satID] || (slope[id] == slope[satID] && id < satID) {
			satID = id
		}
		if headID == "" || slope[id] > slope[headID] || (slope[id] == slope[headID] && id < headID) {
			headID = id
		}
	}
	moved := map[string]map[string]float64{}
	for id, a := range cur {
		moved[id] = maps.Clone(a)
	}
	d := 0.1 * moved[satID]["money"]
	moved[satID]["money"] -= d
	moved[headID]["money"] += d
	after, _ := allocate.Evaluate(p, moved)
	if !(after > before) {
		t.Errorf("moving %.0f $ from %s (%.3f $ per $, φ %.2f) to %s (%.3f $ per $, φ %.2f): revenue %.2f → %.2f, want a rise",
			d, satID, slope[satID], phi[satID], headID, slope[headID], phi[headID], before, after)
	}

	res, err := allocate.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != allocate.Optimal || res.Gap > 1e-6 {
		t.Fatalf("status %s gap %v", res.Status, res.Gap)
	}
	if v := allocate.Violations(p, res.Allocation, 1e-9); len(v) > 0 {
		t.Fatalf("constraints broken: %v", v)
	}
	if !(res.Objective > after) {
		t.Errorf("optimum %.2f not above the hand-made move %.2f (baseline %.2f)", res.Objective, after, before)
	}
	// Money flows up the ranking of its return today: the half of funded
	// states where a dollar returns least loses money in aggregate, the
	// other half gains.
	ids := make([]string, 0, len(slope))
	for id := range slope {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(slope[b], slope[a]), cmp.Compare(a, b)) })
	var low, high float64
	for k, id := range ids {
		delta := res.Allocation[id]["money"] - cur[id]["money"]
		if k < len(ids)/2 {
			low += delta
		} else {
			high += delta
		}
	}
	if !(high < 0 && low > 0) {
		t.Errorf("money change: %.0f $ to the states where a dollar returns most, %.0f $ to those where it returns least; want + and −", low, high)
	}
	price := res.ShadowPrices["money"] + res.ShadowPrices["budget"]
	for _, m := range metrics {
		x, g := res.Allocation[m.ID]["money"], res.Marginal[m.ID]["money"]
		if x > 1e-6 && g < price*(1-1e-6) {
			t.Errorf("%s gets %.2f $ of money at marginal return %v below the shadow price %v", m.ID, x, g, price)
		}
	}
	t.Logf("sample: revenue %.0f → %.0f $ (+%.2f %%), money price %.3f $ per $", before, res.Objective, 100*(res.Objective/before-1), price)
}

func TestSolveAllocateSampleFlag(t *testing.T) {
	res, stderr, err := runAllocate(t, "", "--sample", "--frontier", "budget", "--from", "2000000", "--to", "3000000", "--steps", "3")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "optimal" || len(res.Allocation) != 51 || len(res.Frontier) != 3 {
		t.Errorf("status %s, %d territories, %d frontier points; want optimal, 51, 3 (%s)", res.Status, len(res.Allocation), len(res.Frontier), stderr)
	}
}
