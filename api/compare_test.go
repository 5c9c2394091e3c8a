package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/terrane/terrane"
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

// TestComparePeople: the people section of a comparison, worked out by
// hand. A is the fixture's baseline: W (columns a, b; rita), E (columns c,
// d; rick). B gives column c to W, column d to a new territory N of nina,
// drops E, and puts W and N under a region R owned by mona (no user). Unit
// markets are 1, 2, 3 and 4 M$ per unit of columns a–d; one account per
// unit. The opportunities' latest date is 2026-06-30, so bookings count won
// deals closed 2025-07-01 to 2026-06-30.
func TestComparePeople(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if code, out := f.upload("ann", map[string]string{"kind": "reps", "layer": "grid"}, "name,quota\nrick,400000\nnina,300000\n"); code != 200 {
			t.Fatalf("reps import: %d %v", code, out)
		}
		opps := "id,account,owner,stage,amount,created,close_date\n" +
			"o1,acct-a0,rita,Closed Won,10000,2025-01-01,2025-06-01\n" + // before the window
			"o2,acct-c0,rick,Closed Won,20000,2025-09-01,2026-01-15\n" +
			"o3,acct-c1,rick,Proposal,5000,2026-02-01,2026-06-30\n" +
			"o4,acct-d0,rick,Proposal,7000,2026-03-01,\n" +
			"o5,acct-a1,rita,Discovery,3000,2026-01-01,2026-05-01\n" +
			"o6,acct-d2,rick,Closed Won,1000,2025-07-01,2025-07-01\n" + // first day of the window
			"o7,acct-b0,rita,Closed Lost,9999,2025-08-01,2025-09-01\n" +
			"o8,,rita,Proposal,100000,2026-01-01,2026-03-01\n" + // unassigned
			"o9,acct-b2,rita,Proposal,,2026-01-01,2026-03-01\n" // no amount
		if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, opps); code != 200 {
			t.Fatalf("opportunities import: %d %v", code, out)
		}
		sc := &terrane.Scenario{Name: "Regions", Layer: "grid", ParentID: f.baseline, Budget: 400000, CreatedBy: "ann",
			Resources: []terrane.Resource{{Name: "headcount", Unit: "reps", UnitCost: 100000, Integer: true, Total: new(3.0)}},
			Settings:  json.RawMessage(`{"shape":0.8}`)}
		terrs := []*terrane.Territory{
			{ID: "R", Name: "Region", Owners: []string{"mona"}, Current: map[string]float64{}},
			{ID: "W", Name: "West", Parent: "R", Owners: []string{"rita"}, Current: map[string]float64{"headcount": 2}},
			{ID: "N", Name: "North", Parent: "R", Owners: []string{"nina"}, Current: map[string]float64{"headcount": 1}},
		}
		align := map[string]string{}
		for c := 0; c < 4; c++ {
			for r := 0; r < 3; r++ {
				align[string(rune('a'+c))+string(rune('0'+r))] = []string{"W", "W", "W", "N"}[c]
			}
		}
		if err := f.store.CreateScenario(ctx, sc, terrs, align); err != nil {
			t.Fatal(err)
		}
		code, cmp := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/compare/%d", f.baseline, sc.ID), nil)
		if code != 200 {
			t.Fatalf("compare: %d %v", code, cmp)
		}
		if cmp["bookings_from"] != "2025-07-01" || cmp["bookings_to"] != "2026-06-30" {
			t.Errorf("bookings window %v to %v, want 2025-07-01 to 2026-06-30", cmp["bookings_from"], cmp["bookings_to"])
		}
		type person struct {
			territoriesA, territoriesB    []string
			figures                       map[string]float64
			quota, quotaGained, quotaLost float64
		}
		m := 1e6
		want := map[string]person{
			// Keeps a, b; gains column c (3 units, 3 × 3 M$, c0's booking, c1's open deal).
			"rita": {[]string{"W"}, []string{"W"}, map[string]float64{
				"units_a": 6, "units_b": 9, "units_gained": 3, "units_lost": 0,
				"accounts_a": 6, "accounts_b": 9, "accounts_gained": 3, "accounts_lost": 0,
				"market_a": 9 * m, "market_b": 18 * m, "market_gained": 9 * m, "market_lost": 0,
				"open_pipeline_a": 3000, "open_pipeline_b": 8000, "open_pipeline_gained": 5000, "open_pipeline_lost": 0,
				"bookings_a": 0, "bookings_b": 20000, "bookings_gained": 20000, "bookings_lost": 0}, 0, 0, 0},
			// Loses everything: columns c, d (3 × 3 + 3 × 4 M$), o3 + o4 open, o2 + o6 won; and his quota.
			"rick": {[]string{"E"}, []string{}, map[string]float64{
				"units_a": 6, "units_b": 0, "units_gained": 0, "units_lost": 6,
				"accounts_a": 6, "accounts_b": 0, "accounts_gained": 0, "accounts_lost": 6,
				"market_a": 21 * m, "market_b": 0, "market_gained": 0, "market_lost": 21 * m,
				"open_pipeline_a": 12000, "open_pipeline_b": 0, "open_pipeline_gained": 0, "open_pipeline_lost": 12000,
				"bookings_a": 21000, "bookings_b": 0, "bookings_gained": 0, "bookings_lost": 21000}, 400000, 0, 400000},
			// New: column d, o4 open, o6 won; and her quota.
			"nina": {[]string{}, []string{"N"}, map[string]float64{
				"units_a": 0, "units_b": 3, "units_gained": 3, "units_lost": 0,
				"accounts_a": 0, "accounts_b": 3, "accounts_gained": 3, "accounts_lost": 0,
				"market_a": 0, "market_b": 12 * m, "market_gained": 12 * m, "market_lost": 0,
				"open_pipeline_a": 0, "open_pipeline_b": 7000, "open_pipeline_gained": 7000, "open_pipeline_lost": 0,
				"bookings_a": 0, "bookings_b": 1000, "bookings_gained": 1000, "bookings_lost": 0}, 300000, 300000, 0},
			// Owns the region: every unit of W and N below it; no user, no quota.
			"mona": {[]string{}, []string{"R"}, map[string]float64{
				"units_a": 0, "units_b": 12, "units_gained": 12, "units_lost": 0,
				"accounts_a": 0, "accounts_b": 12, "accounts_gained": 12, "accounts_lost": 0,
				"market_a": 0, "market_b": 30 * m, "market_gained": 30 * m, "market_lost": 0,
				"open_pipeline_a": 0, "open_pipeline_b": 15000, "open_pipeline_gained": 15000, "open_pipeline_lost": 0,
				"bookings_a": 0, "bookings_b": 21000, "bookings_gained": 21000, "bookings_lost": 0}, 0, 0, 0},
		}
		people := cmp["people"].([]any)
		var names []string
		for _, x := range people {
			p := x.(map[string]any)
			name := p["name"].(string)
			names = append(names, name)
			w, ok := want[name]
			if !ok {
				t.Errorf("unexpected person %v", p)
				continue
			}
			strs := func(v any) []string {
				out := []string{}
				for _, s := range v.([]any) {
					out = append(out, s.(string))
				}
				return out
			}
			if got := strs(p["territories_a"]); fmt.Sprint(got) != fmt.Sprint(w.territoriesA) {
				t.Errorf("%s territories_a %v, want %v", name, got, w.territoriesA)
			}
			if got := strs(p["territories_b"]); fmt.Sprint(got) != fmt.Sprint(w.territoriesB) {
				t.Errorf("%s territories_b %v, want %v", name, got, w.territoriesB)
			}
			for k, v := range w.figures {
				if got, _ := num(p, k); math.Abs(got-v) > 1e-6*math.Max(1, v) {
					t.Errorf("%s %s = %v, want %v", name, k, p[k], v)
				}
			}
			for k, v := range map[string]float64{"quota": w.quota, "quota_gained": w.quotaGained, "quota_lost": w.quotaLost} {
				if got, _ := num(p, k); got != v {
					t.Errorf("%s %s = %v, want %v", name, k, p[k], v)
				}
			}
			if p["changed"] != true {
				t.Errorf("%s changed = %v, want true", name, p["changed"])
			}
		}
		if fmt.Sprint(names) != "[mona nina rick rita]" {
			t.Errorf("people %v, want [mona nina rick rita] by name", names)
		}

		// Against itself nobody changes.
		_, cmp = f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/compare/%d", f.baseline, f.baseline), nil)
		for _, x := range cmp["people"].([]any) {
			if p := x.(map[string]any); p["changed"] != false || p["units_gained"] != 0.0 || p["quota_lost"] != 0.0 {
				t.Errorf("a scenario against itself: %v", p)
			}
		}
	})
}
