package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/terrane/terrane/internal/finite"
)

// scanJSON fails on any number in a JSON answer that is not finite or whose
// magnitude is above finite.Max, naming where it is.
func scanJSON(t *testing.T, what string, raw []byte) {
	t.Helper()
	for _, p := range finite.JSON(raw) {
		t.Errorf("%s: %s", what, p)
	}
}

// scanCSV fails on any numeric cell of a CSV answer that finite.CSV finds
// wrong, and returns the rows.
func scanCSV(t *testing.T, what string, raw []byte, money, counts map[string]bool) [][]string {
	t.Helper()
	rows, problems := finite.CSV(raw, money, counts)
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
	return rows
}

// fetch gets path as user, wants 200 and returns the body.
func (f *fixture) fetch(t *testing.T, user, path string) []byte {
	t.Helper()
	code, raw := f.raw(user, "GET", path, nil)
	if code != 200 {
		t.Fatalf("GET %s = %d %s", path, code, raw)
	}
	return raw
}

// branch creates a scenario from f.baseline with the given settings (nil:
// the baseline's) and returns its id.
func (f *fixture) branch(t *testing.T, name string, fields map[string]any) int64 {
	t.Helper()
	body := map[string]any{"name": name, "from": f.baseline}
	for k, v := range fields {
		body[k] = v
	}
	code, sc := f.do("lee", "POST", "/api/v1/scenarios", body)
	if code != 201 {
		t.Fatalf("branch %s: %d %v", name, code, sc)
	}
	return int64(sc["id"].(float64))
}

// runOK runs kind on scenario id and wants it to succeed.
func (f *fixture) runOK(t *testing.T, id int64, kind string) map[string]any {
	t.Helper()
	code, run := f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", id), map[string]any{"kind": kind})
	if code != 202 {
		t.Fatalf("start %s on %d: %d %v", kind, id, code, run)
	}
	r := f.runEnd(t, run["id"])
	if r["status"] != "succeeded" {
		t.Fatalf("%s run on %d: %v", kind, id, r)
	}
	return r
}

// settingsWith is the fixture baseline's settings plus extra.
func settingsWith(extra map[string]any) map[string]any {
	s := map[string]any{"shape": 0.8, "align": map[string]any{"time_limit_seconds": 2}}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

// TestNoSentinelLeavesTheServer is the scan of the rule "no sentinel or
// non-finite number leaves the server": after an allocate (with a territory
// held at none of a resource, whose slope is unbounded there), a
// profit-objective allocate and an align run, every JSON and CSV answer
// about the scenarios — territories, each territory's detail, the GeoJSON,
// compare, the frontier, runs and each run's result, problem and event
// stream, the audit, every export — holds only finite numbers of magnitude
// ≤ 1e15, money in CSV with at most 2 decimals and counts as whole numbers.
func TestNoSentinelLeavesTheServer(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		b := f.baseline
		none := f.branch(t, "No reps in West", map[string]any{"settings": settingsWith(map[string]any{
			"bounds": map[string]any{"W": map[string]any{"max": map[string]any{"headcount": 0}}}})})
		profit := f.branch(t, "Profit", map[string]any{"settings": settingsWith(map[string]any{"objective": "profit"})})
		aligned := f.branch(t, "Redrawn", nil)
		f.runOK(t, b, "allocate")
		f.runOK(t, none, "allocate")
		f.runOK(t, profit, "allocate")
		f.runOK(t, aligned, "align")
		f.runOK(t, aligned, "align+allocate")
		f.scanScenarios(t, b, []int64{b, none, profit, aligned})
	})
}

// scanScenarios fetches every answer about the scenarios and scans it.
func (f *fixture) scanScenarios(t *testing.T, baseline int64, ids []int64) {
	t.Helper()
	sp := fmt.Sprintf
	for _, id := range ids {
		base := sp("/api/v1/scenarios/%d", id)
		paths := []string{base, base + "/territories", base + "/territories.geojson", base + "/assignments", base + "/audit",
			base + "/runs", base + "/exports/territories.geojson", base + "/frontier?points=5",
			base + "/frontier?resource=headcount&points=4", sp("/api/v1/scenarios/%d/compare/%d", baseline, id),
			sp("/api/v1/scenarios/%d/compare/%d", id, baseline), sp("/api/v1/accounts?scenario=%d", id)}
		var terrs struct {
			Territories []struct{ ID string } `json:"territories"`
		}
		if err := json.Unmarshal(f.fetch(t, "lee", base+"/territories"), &terrs); err != nil {
			t.Fatal(err)
		}
		for _, tr := range terrs.Territories {
			paths = append(paths, base+"/territories/"+tr.ID)
		}
		var runs struct {
			Runs []struct {
				ID int64 `json:"id"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(f.fetch(t, "lee", base+"/runs"), &runs); err != nil {
			t.Fatal(err)
		}
		for _, r := range runs.Runs {
			paths = append(paths, sp("/api/v1/runs/%d", r.ID))
			if code, raw := f.raw("lee", "GET", sp("/api/v1/runs/%d/problem", r.ID), nil); code == 200 {
				scanJSON(t, sp("/api/v1/runs/%d/problem", r.ID), raw)
			}
			// The event stream's messages, the last with the territories.
			for _, line := range strings.Split(string(f.fetch(t, "lee", sp("/api/v1/runs/%d/events", r.ID))), "\n") {
				if data, ok := strings.CutPrefix(line, "data: "); ok {
					scanJSON(t, sp("/api/v1/runs/%d/events", r.ID), []byte(data))
				}
			}
		}
		for _, p := range paths {
			scanJSON(t, p, f.fetch(t, "lee", p))
		}
		scanCSV(t, base+"/exports/units.csv", f.fetch(t, "lee", base+"/exports/units.csv"), nil, nil)
		scanCSV(t, base+"/exports/accounts.csv", f.fetch(t, "lee", base+"/exports/accounts.csv"), map[string]bool{"revenue": true}, nil)
		rows := scanCSV(t, base+"/exports/allocation.csv", f.fetch(t, "lee", base+"/exports/allocation.csv"),
			map[string]bool{}, map[string]bool{})
		for _, row := range rows[1:] {
			if row[1] == "headcount" {
				for j, c := range row[2:5] {
					if c != "" && strings.Contains(c, ".") {
						t.Errorf("%s allocation.csv: %s headcount %s = %s, not a whole number of reps", base, row[0], rows[0][j+2], c)
					}
				}
			}
		}
	}
}

// TestUnboundedMarginalIsNullWithAReason: a territory held at no headcount,
// whose curve is vertical at zero, has marginal.headcount null and a
// sentence in marginal_reasons saying why — not the solver's 1.797e308 — in
// the territories, the territory's detail and the run event; an empty
// cell in allocation.csv; no marginal_headcount in the GeoJSON; and the
// run's result carries no per-territory sentinel.
func TestUnboundedMarginalIsNullWithAReason(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		id := f.branch(t, "No reps in West", map[string]any{"settings": settingsWith(map[string]any{
			"bounds": map[string]any{"W": map[string]any{"max": map[string]any{"headcount": 0}}}})})
		run := f.runOK(t, id, "allocate")
		if strings.Contains(fmt.Sprint(run), "1.79769") {
			t.Errorf("run result holds the sentinel: %v", run["result"])
		}
		base := fmt.Sprintf("/api/v1/scenarios/%d", id)
		var list struct {
			Territories []struct {
				ID       string              `json:"id"`
				Marginal map[string]*float64 `json:"marginal"`
				Reasons  map[string]string   `json:"marginal_reasons"`
			} `json:"territories"`
		}
		if err := json.Unmarshal(f.fetch(t, "lee", base+"/territories"), &list); err != nil {
			t.Fatal(err)
		}
		for _, tr := range list.Territories {
			mg, ok := tr.Marginal["headcount"]
			switch {
			case tr.ID == "W" && (!ok || mg != nil || !strings.Contains(tr.Reasons["headcount"], "unbounded")):
				t.Errorf("West: marginal.headcount = %v (present %v), reason %q; want null with a reason", mg, ok, tr.Reasons["headcount"])
			case tr.ID == "E" && (mg == nil || tr.Reasons["headcount"] != ""):
				t.Errorf("East: marginal.headcount = %v, reason %q; want a number", mg, tr.Reasons["headcount"])
			}
			if tr.Marginal["money"] == nil {
				t.Errorf("%s: marginal.money is null", tr.ID)
			}
		}
		var detail struct {
			Territory struct {
				Marginal map[string]*float64 `json:"marginal"`
				Reasons  map[string]string   `json:"marginal_reasons"`
			} `json:"territory"`
		}
		if err := json.Unmarshal(f.fetch(t, "lee", base+"/territories/W"), &detail); err != nil {
			t.Fatal(err)
		}
		if mg, ok := detail.Territory.Marginal["headcount"]; !ok || mg != nil || detail.Territory.Reasons["headcount"] == "" {
			t.Errorf("detail of West: marginal %v reasons %v", detail.Territory.Marginal, detail.Territory.Reasons)
		}
		rows, _ := csv.NewReader(bytes.NewReader(f.fetch(t, "lee", base+"/exports/allocation.csv"))).ReadAll()
		found := false
		for _, row := range rows {
			if row[0] == "W" && row[1] == "headcount" {
				found = true
				if row[3] != "0" || row[5] != "" {
					t.Errorf("allocation.csv West headcount = %v; want allocation 0 and an empty marginal", row)
				}
			}
		}
		if !found {
			t.Errorf("allocation.csv has no West headcount row: %v", rows)
		}
		geo := string(f.fetch(t, "lee", base+"/territories.geojson"))
		if strings.Count(geo, `"marginal_headcount"`) != 1 || !strings.Contains(geo, `"marginal_money"`) {
			t.Errorf("GeoJSON: want marginal_headcount for East only and marginal_money for both:\n%s", geo)
		}
	})
}

// TestProfitIsLabelledProfit: with the profit objective the run's result
// and the totals say the objective is profit, and every frontier point
// gives the objective maximised (profit), a bound on that same objective
// that is never below it, and the expected revenue separately.
func TestProfitIsLabelledProfit(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		id := f.branch(t, "Profit", map[string]any{"settings": settingsWith(map[string]any{"objective": "profit", "margin": 0.05})})
		run := f.runOK(t, id, "allocate")
		res := run["result"].(map[string]any)
		if res["objective"] != "profit" {
			t.Errorf("run result objective = %v; want profit", res["objective"])
		}
		base := fmt.Sprintf("/api/v1/scenarios/%d", id)
		var list struct {
			Totals struct {
				Kind      string   `json:"objective_kind"`
				Objective *float64 `json:"objective"`
				Bound     *float64 `json:"bound"`
				Revenue   *float64 `json:"expected_revenue"`
			} `json:"totals"`
		}
		if err := json.Unmarshal(f.fetch(t, "lee", base+"/territories"), &list); err != nil {
			t.Fatal(err)
		}
		tot := list.Totals
		if tot.Kind != "profit" || tot.Objective == nil || tot.Bound == nil || *tot.Bound < *tot.Objective || *tot.Revenue == *tot.Objective {
			t.Errorf("totals: kind %q objective %v bound %v revenue %v", tot.Kind, tot.Objective, tot.Bound, tot.Revenue)
		}
		for _, q := range []string{"", "?resource=headcount"} {
			var fr struct {
				Objective string `json:"objective"`
				Points    []struct {
					Amount    float64  `json:"amount"`
					Objective *float64 `json:"objective"`
					Bound     float64  `json:"bound"`
					Revenue   float64  `json:"revenue"`
				} `json:"points"`
			}
			if err := json.Unmarshal(f.fetch(t, "lee", base+"/frontier"+q), &fr); err != nil {
				t.Fatal(err)
			}
			if fr.Objective != "profit" || len(fr.Points) < 2 {
				t.Errorf("frontier%s: objective %q, %d points; want profit", q, fr.Objective, len(fr.Points))
			}
			for _, p := range fr.Points {
				if p.Objective == nil || p.Bound < *p.Objective || p.Revenue == *p.Objective {
					t.Errorf("frontier%s at %v: objective %v bound %v revenue %v; want a profit with a bound ≥ it", q, p.Amount, p.Objective, p.Bound, p.Revenue)
				}
			}
		}
	})
}

// TestInputsMeanWhatAPlannerMeans: an integer resource's total, bounds and
// change limit must be whole numbers (400 naming the field, on PATCH and
// on POST), and locks, minimums and totals that cannot all hold end the run
// failed with infeasible naming the constraints — never a plan that
// silently exceeds the total.
func TestInputsMeanWhatAPlannerMeans(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		id := f.branch(t, "Whole reps", nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d", id)
		res := func(hc any) []map[string]any {
			return []map[string]any{{"name": "headcount", "unit": "reps", "unit_cost": 100000, "integer": true, "total": hc},
				{"name": "money", "unit": "dollars per year", "unit_cost": 1, "total": 50000}}
		}
		f.run(t, []check{
			{"fractional total", "ann", "PATCH", path, map[string]any{"resources": res(14.5)}, 400, "resources[0].total"},
			{"fractional total on a branch", "lee", "POST", "/api/v1/scenarios", map[string]any{"name": "Half a rep", "from": f.baseline, "resources": res(2.5)}, 400, "resources[0].total"},
			{"fractional max change", "ann", "PATCH", path, map[string]any{"settings": settingsWith(map[string]any{"max_change": map[string]any{"headcount": 0.5}})}, 400, "settings.max_change.headcount"},
			{"fractional min", "ann", "PATCH", path, map[string]any{"settings": settingsWith(map[string]any{"bounds": map[string]any{"W": map[string]any{"min": map[string]any{"headcount": 1.5}}}})}, 400, "settings.bounds.W.min.headcount"},
			{"fractional max", "ann", "PATCH", path, map[string]any{"settings": settingsWith(map[string]any{"bounds": map[string]any{"E": map[string]any{"max": map[string]any{"headcount": 2.25}}}})}, 400, "settings.bounds.E.max.headcount"},
			{"fractional money is fine", "ann", "PATCH", path, map[string]any{"settings": settingsWith(map[string]any{"max_change": map[string]any{"money": 0.5}})}, 200, ""},
			{"whole reps are fine", "ann", "PATCH", path, map[string]any{"resources": res(4)}, 200, ""},
		})
		for _, tc := range []struct {
			name     string
			hc       float64
			settings map[string]any
			want     []string // words the error must hold
		}{
			{"total 0 with East locked at 2 reps", 0, map[string]any{"locks": []string{"E"}}, []string{"headcount", "E"}},
			{"minimums above the total", 1, map[string]any{"bounds": map[string]any{"W": map[string]any{"min": map[string]any{"headcount": 1}}, "E": map[string]any{"min": map[string]any{"headcount": 1}}}}, []string{"headcount"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body := f.do("ann", "PATCH", path, map[string]any{"resources": res(tc.hc), "settings": settingsWith(tc.settings)})
				if code != 200 {
					t.Fatalf("PATCH: %d %v", code, body)
				}
				code, run := f.do("ann", "POST", path+"/runs", map[string]any{"kind": "allocate"})
				if code != 202 {
					t.Fatalf("start: %d %v", code, run)
				}
				r := f.runEnd(t, run["id"])
				msg, _ := r["error"].(string)
				if r["status"] != "failed" || !strings.Contains(msg, "infeasible") {
					t.Fatalf("run = %v %q; want failed, infeasible", r["status"], msg)
				}
				for _, w := range tc.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q does not name %q", msg, w)
					}
				}
			})
		}
	})
}

// TestBaselineIsReadOnly: the baseline (parent_id 0, the current plan
// every comparison uses) says baseline: true; its budget, resources,
// settings and assignments cannot be changed and it cannot be redrawn (409
// naming it and saying to branch it); it can be renamed and allocated, and
// a branch of it is an ordinary, editable draft.
func TestBaselineIsReadOnly(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		path := fmt.Sprintf("/api/v1/scenarios/%d", f.baseline)
		_, sc := f.do("lee", "GET", path, nil)
		if sc["baseline"] != true {
			t.Errorf("baseline scenario: baseline = %v; want true", sc["baseline"])
		}
		b := f.branch(t, "Branch", nil)
		bpath := fmt.Sprintf("/api/v1/scenarios/%d", b)
		_, bs := f.do("lee", "GET", bpath, nil)
		if bs["baseline"] != false {
			t.Errorf("branch: baseline = %v; want false", bs["baseline"])
		}
		for _, c := range []check{
			{"budget", "ann", "PATCH", path, map[string]any{"budget": 1}, 409, ""},
			{"resources", "ann", "PATCH", path, map[string]any{"resources": []map[string]any{{"name": "money", "unit_cost": 1}}}, 409, ""},
			{"settings", "ann", "PATCH", path, map[string]any{"settings": settingsWith(nil)}, 409, ""},
			{"a rename with a budget", "lee", "PATCH", path, map[string]any{"name": "Renamed", "budget": 1}, 409, ""},
			{"assignments", "ann", "PATCH", path + "/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}, 409, ""},
			{"align run", "ann", "POST", path + "/runs", map[string]any{"kind": "align"}, 409, ""},
			{"align+allocate run", "ann", "POST", path + "/runs", map[string]any{"kind": "align+allocate"}, 409, ""},
		} {
			code, body := f.do(c.user, c.method, c.path, c.body)
			msg := errMessage(body)
			if code != 409 || !strings.Contains(msg, `"Baseline"`) || !strings.Contains(msg, "branch it") {
				t.Errorf("%s: %s %s = %d %q; want 409 naming the baseline and saying to branch it", c.name, c.method, c.path, code, msg)
			}
		}
		f.run(t, []check{
			{"rename", "lee", "PATCH", path, map[string]any{"name": "Current plan"}, 200, ""},
			{"allocate run", "ann", "POST", path + "/runs", map[string]any{"kind": "allocate"}, 202, ""},
			{"branch budget", "ann", "PATCH", bpath, map[string]any{"budget": 300000}, 200, ""},
			{"branch move", "ann", "PATCH", bpath + "/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}, 200, ""},
			{"branch align", "ann", "POST", bpath + "/runs", map[string]any{"kind": "align"}, 202, ""},
		})
		if st := f.scenarioState(f.baseline); st.Version != 1 {
			t.Errorf("the baseline's version is %d after the refused edits; want 1", st.Version)
		}
	})
}

// auditEntry is one entry of GET …/audit with its detail decoded.
type auditEntry struct {
	Actor  string
	Action string
	Detail map[string]any
}

func (f *fixture) audit(t *testing.T, id int64) []auditEntry {
	t.Helper()
	var list struct {
		Audit []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
			Detail string `json:"detail"`
		} `json:"audit"`
	}
	if err := json.Unmarshal(f.fetch(t, "lee", fmt.Sprintf("/api/v1/scenarios/%d/audit", id)), &list); err != nil {
		t.Fatal(err)
	}
	var out []auditEntry
	for _, e := range list.Audit {
		var d map[string]any
		if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
			t.Errorf("audit %s by %s: detail %q is not a JSON object: %v", e.Action, e.Actor, e.Detail, err)
		}
		out = append(out, auditEntry{e.Actor, e.Action, d})
	}
	return out
}

// TestAuditSaysWhoAndWhat: a run records who started it; a realignment's
// audit entry names that person and the run, and lists the units moved by
// id and name, from and to; every run is logged as started and finished
// with its status (a failed one too); a settings change lists each
// setting changed, old → new; a manual move lists the unit moved.
func TestAuditSaysWhoAndWhat(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		id := f.branch(t, "Audited", nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d", id)
		if code, body := f.do("ann", "PATCH", path, map[string]any{"budget": 350000, "settings": settingsWith(map[string]any{"shape": 0.9})}); code != 200 {
			t.Fatalf("PATCH: %d %v", code, body)
		}
		if code, body := f.do("ann", "PATCH", path+"/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}); code != 200 {
			t.Fatalf("move: %d %v", code, body)
		}
		if code, body := f.do("ann", "PATCH", path, map[string]any{"settings": settingsWith(map[string]any{"shape": 0.9, "align": map[string]any{"time_limit_seconds": 2, "tolerance": 0.05}})}); code != 200 {
			t.Fatalf("PATCH: %d %v", code, body)
		}
		run := f.runOK(t, id, "align")
		if run["created_by"] != "ann" {
			t.Errorf("run created_by = %v; want ann", run["created_by"])
		}
		rid := run["id"].(float64)
		// A run that fails is logged too.
		f.do("ann", "PATCH", path, map[string]any{"resources": []map[string]any{{"name": "headcount", "unit": "reps", "unit_cost": 100000, "integer": true, "total": 0}},
			"settings": settingsWith(map[string]any{"locks": []string{"E"}})})
		_, failed := f.do("lee", "POST", path+"/runs", map[string]any{"kind": "allocate"})
		if r := f.runEnd(t, failed["id"]); r["status"] != "failed" {
			t.Fatalf("run = %v; want failed", r)
		}

		var sawSettings, sawMove, sawRealign bool
		runs := map[string]int{}
		for _, e := range f.audit(t, id) {
			d := e.Detail
			switch e.Action {
			case "update":
				if s, ok := d["settings"].(map[string]any); ok {
					if sh, ok := s["shape"].(map[string]any); ok && sh["old"] == 0.8 && sh["new"] == 0.9 {
						sawSettings = true
						if b, _ := d["budget"].(map[string]any); b["old"] != 400000.0 || b["new"] != 350000.0 {
							t.Errorf("budget change = %v; want old 400000, new 350000", d["budget"])
						}
					}
					if al, _ := s["align"].(map[string]any); al != nil {
						if nw, _ := al["new"].(map[string]any); nw["tolerance"] == 0.05 && len(s) != 1 {
							t.Errorf("settings changed = %v; want only align", s)
						}
					}
				}
			case "assign":
				moves, _ := d["moves"].([]any)
				if d["run_id"] == nil {
					first, _ := moves[0].(map[string]any)
					if e.Actor != "ann" || len(moves) != 1 || first["unit_id"] != "c0" || first["unit_name"] != "Cell c0" || first["from"] != "E" || first["to"] != "W" {
						t.Errorf("manual move entry: %s %v", e.Actor, d)
					}
					sawMove = true
					continue
				}
				sawRealign = true
				if e.Actor != "ann" || d["run_id"] != rid || len(moves) == 0 || d["units_moved"] != float64(len(moves)) {
					t.Errorf("realignment entry: actor %q, detail %v; want ann, run %v, the units moved", e.Actor, d, rid)
				}
				for _, m := range moves {
					mv := m.(map[string]any)
					if mv["unit_name"] == "" || mv["from"] == mv["to"] {
						t.Errorf("realignment move %v", mv)
					}
				}
			case "run started", "run finished":
				runs[fmt.Sprintf("%s %v by %s %v", e.Action, d["run_id"], e.Actor, d["status"])]++
			}
		}
		if !sawSettings || !sawMove || !sawRealign {
			t.Errorf("settings change %v, manual move %v, realignment %v logged; want all", sawSettings, sawMove, sawRealign)
		}
		fid := failed["id"].(float64)
		for _, w := range []string{fmt.Sprintf("run started %v by ann <nil>", rid), fmt.Sprintf("run finished %v by ann succeeded", rid),
			fmt.Sprintf("run started %v by lee <nil>", fid), fmt.Sprintf("run finished %v by lee failed", fid)} {
			if runs[w] != 1 {
				t.Errorf("audit has %d × %q; want 1 (have %v)", runs[w], w, runs)
			}
		}
	})
}
