package api_test

import (
	"fmt"
	"math"
	"testing"
)

// num reads a JSON number member; ok is false when it is null or absent.
func num(m map[string]any, k string) (float64, bool) {
	v, ok := m[k].(float64)
	return v, ok
}

// TestCompareSetsLikeAgainstLike (issue 12, case 3): the branch that cuts
// two reps is run, the baseline is not. The comparison sets optimum against
// optimum on a stated basis (the branch's run; the baseline's optimum solved
// for the comparison) and the actual revenue apart, never the baseline's
// actual revenue against the branch's modelled one: two reps fewer earn less.
func TestCompareSetsLikeAgainstLike(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		b := f.baseline
		code, br := f.do("lee", "POST", "/api/v1/scenarios", map[string]any{"name": "Two reps fewer", "from": b,
			"resources": []map[string]any{{"name": "headcount", "unit": "reps", "unit_cost": 100000, "integer": true, "total": 1},
				{"name": "money", "unit": "dollars per year", "unit_cost": 1, "total": 50000}}})
		if code != 201 {
			t.Fatalf("branch: %d %v", code, br)
		}
		c := int64(br["id"].(float64))
		_, run := f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", c), map[string]any{"kind": "allocate"})
		if r := f.runEnd(t, run["id"]); r["status"] != "succeeded" {
			t.Fatalf("allocate the branch: %v", r)
		}
		_, base := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", b), nil)
		_, branch := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", c), nil)
		code, cmp := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/compare/%d", b, c), nil)
		if code != 200 {
			t.Fatalf("compare: %d %v", code, cmp)
		}
		if cmp["basis_a"] != "solved" || cmp["basis_b"] != "run" || cmp["run_a"] != nil || fmt.Sprint(cmp["run_b"]) != fmt.Sprint(run["id"]) {
			t.Errorf("basis a %v (run %v), b %v (run %v); want solved (null) and run (%v)", cmp["basis_a"], cmp["run_a"], cmp["basis_b"], cmp["run_b"], run["id"])
		}
		if cmp["stale_a"] != false || cmp["stale_b"] != false {
			t.Errorf("stale a %v, b %v; want false, false", cmp["stale_a"], cmp["stale_b"])
		}
		tot := cmp["totals"].(map[string]any)
		near := func(what string, got, want float64) {
			t.Helper()
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s = %v, want %v", what, got, want)
			}
		}
		bt, ct := base["totals"].(map[string]any), branch["totals"].(map[string]any)
		expB, _ := num(tot, "expected_b")
		near("totals.expected_b (the branch's run)", expB, ct["expected_revenue"].(float64))
		actA, _ := num(tot, "actual_a")
		actB, _ := num(tot, "actual_b")
		near("totals.actual_a", actA, bt["revenue"].(float64))
		near("totals.actual_b", actB, ct["revenue"].(float64))
		expA, ok := num(tot, "expected_a")
		if !ok {
			t.Fatalf("totals.expected_a is %v; want the baseline's optimum solved for the comparison", tot["expected_a"])
		}
		// The baseline's optimum earns at least what its model gives today's
		// allocation (which reproduces today's revenue), and the branch with
		// two reps fewer earns less than it: no "+$31.2k" for cutting reps.
		if expA < bt["revenue"].(float64)-1e-6 {
			t.Errorf("the baseline's solved optimum %v is below its current revenue %v", expA, bt["revenue"])
		}
		ed, _ := num(tot, "expected_delta")
		if ed >= 0 {
			t.Errorf("cutting two reps shows %+.0f expected against the baseline's solved optimum; want less", ed)
		}
		near("totals.expected_delta", ed, expB-expA)
		near("totals.delta", tot["delta"].(float64), ed)
		ad, _ := num(tot, "actual_delta")
		near("totals.actual_delta", ad, actB-actA)
		if got := tot["allocation_delta"].(map[string]any)["headcount"]; got != 0.0 && got != -2.0 {
			t.Errorf("total headcount delta %v; want a whole number", got)
		}
		var sumA, sumB float64
		for _, x := range cmp["territories"].([]any) {
			d := x.(map[string]any)
			ea, okA := num(d, "expected_a")
			eb, okB := num(d, "expected_b")
			if !okA || !okB || d["name_a"] == nil || d["name_b"] == nil {
				t.Fatalf("territory %v on both sides lacks a figure: %v", d["id"], d)
			}
			sumA, sumB = sumA+ea, sumB+eb
			near(fmt.Sprintf("%v delta", d["id"]), d["delta"].(float64), eb-ea)
			near(fmt.Sprintf("%v expected_delta", d["id"]), d["expected_delta"].(float64), eb-ea)
			for r, v := range d["allocation_delta"].(map[string]any) {
				if r == "headcount" && v.(float64) != math.Round(v.(float64)) {
					t.Errorf("%v: headcount delta %v is not a whole number", d["id"], v)
				}
			}
		}
		near("Σ expected_a", sumA, expA)
		near("Σ expected_b", sumB, expB)

		// Both run: optimum against optimum, and two reps fewer earn less.
		_, run = f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "allocate"})
		if r := f.runEnd(t, run["id"]); r["status"] != "succeeded" {
			t.Fatalf("allocate the baseline: %v", r)
		}
		_, base = f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", b), nil)
		_, cmp = f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/compare/%d", b, c), nil)
		tot = cmp["totals"].(map[string]any)
		if cmp["basis_a"] != "run" || cmp["basis_b"] != "run" {
			t.Errorf("after both runs: basis %v, %v; want run, run", cmp["basis_a"], cmp["basis_b"])
		}
		solvedA := expA
		expA, _ = num(tot, "expected_a")
		near("the baseline's run equals its optimum solved for the comparison", expA, solvedA)
		near("totals.expected_a (the baseline's run)", expA, base["totals"].(map[string]any)["expected_revenue"].(float64))
		if ed, _ := num(tot, "expected_delta"); ed >= 0 {
			t.Errorf("cutting two reps shows %+.0f expected; want less than the baseline's optimum", ed)
		}
		if got := tot["allocation_delta"].(map[string]any)["headcount"]; got != -2.0 {
			t.Errorf("headcount delta between the optima %v, want −2", got)
		}
	})
}
