package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// statusVersion reads a scenario's status and version.
func (f *fixture) statusVersion(t *testing.T, id int64) (string, int64) {
	t.Helper()
	_, sc := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d", id), nil)
	return sc["status"].(string), int64(sc["version"].(float64))
}

// Finding 2: a move on an approved scenario used to keep it approved; runs
// on an approved or published scenario used to be accepted (an analyst
// re-allocated the published plan).
func TestApprovalCannotBeBypassed(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		a := f.branch(t, "Plan A", nil)
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		f.run(t, []check{
			{"approve", "lee", "POST", sp("/api/v1/scenarios/%d/approve", a), nil, 200, `"approved"`},
			{"align on approved", "ann", "POST", sp("/api/v1/scenarios/%d/runs", a), map[string]any{"kind": "align"}, 409, "branch"},
			{"allocate on approved", "ann", "POST", sp("/api/v1/scenarios/%d/runs", a), map[string]any{"kind": "allocate"}, 409, "approved"},
			{"move on approved", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"c0": "W"}}, 200, `"moved":1`},
		})
		if st, _ := f.statusVersion(t, a); st != "draft" {
			t.Errorf("after a move the approved scenario is %s; want draft (it needs approving again)", st)
		}
		_, audit := f.do("ann", "GET", sp("/api/v1/scenarios/%d/audit", a), nil)
		var actions []string
		for _, e := range audit["audit"].([]any) {
			m := e.(map[string]any)
			actions = append(actions, m["actor"].(string)+":"+m["action"].(string))
		}
		if got := strings.Join(actions, " "); !strings.HasSuffix(got, "lee:approved ann:draft ann:assign") {
			t.Errorf("audit = %s; want the approval, the return to draft and the move, each with its actor", got)
		}
		f.run(t, []check{
			{"approve again", "lee", "POST", sp("/api/v1/scenarios/%d/approve", a), nil, 200, `"approved"`},
			{"publish", "lee", "POST", sp("/api/v1/scenarios/%d/publish", a), nil, 200, `"published"`},
			{"allocate on published", "ann", "POST", sp("/api/v1/scenarios/%d/runs", a), map[string]any{"kind": "allocate"}, 409, "published"},
			{"fit on published", "ann", "POST", sp("/api/v1/scenarios/%d/runs", a), map[string]any{"kind": "fit"}, 409, "branch"},
			{"move on published", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"c1": "W"}}, 409, "read-only"},
		})
		if st, _ := f.statusVersion(t, a); st != "published" {
			t.Errorf("published scenario is %s after refused changes", st)
		}
	})
}

// Finding 6 (settings): a write carrying a stale version is refused with
// 409 conflict and changes nothing; GET answers the version as an ETag and
// If-Match carries it back.
func TestStaleWritesAreRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		a := f.branch(t, "Plan A", nil)
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		_, v := f.statusVersion(t, a)
		req := httptest.NewRequest("GET", sp("/api/v1/scenarios/%d", a), nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["ann"])
		w := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(w, req)
		if got, want := w.Header().Get("ETag"), fmt.Sprintf(`"%d"`, v); got != want {
			t.Errorf("ETag = %q, want %q", got, want)
		}
		f.run(t, []check{
			{"settings at the version read", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"version": v, "settings": map[string]any{"note": "one"}}, 200, `"note":"one"`},
			{"settings at a stale version", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"version": v, "settings": map[string]any{"note": "two"}}, 409, fmt.Sprintf("version %d", v)},
			{"move at a stale version", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"version": v, "moves": map[string]string{"c0": "W"}}, 409, "nothing was moved"},
			{"dry-run move at a stale version", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments?dry_run=true", a), map[string]any{"version": v, "moves": map[string]string{"c0": "W"}}, 409, "version"},
			{"version zero", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"version": 0, "budget": 1}, 400, "version"},
			{"version on create", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": f.baseline, "version": 1}, 400, "version"},
		})
		_, sc := f.do("ann", "GET", sp("/api/v1/scenarios/%d", a), nil)
		if !strings.Contains(fmt.Sprint(sc["settings"]), "one") {
			t.Errorf("settings = %v; the stale write must not have replaced them", sc["settings"])
		}
		if _, ass := f.do("ann", "GET", sp("/api/v1/scenarios/%d/assignments", a), nil); ass["assignments"].(map[string]any)["c0"] != "E" {
			t.Errorf("c0 = %v after a refused move; want E", ass["assignments"].(map[string]any)["c0"])
		}
		// If-Match: stale → 409, current → 200; differing from the body → 400.
		patch := func(ifMatch string, body string) int {
			req := httptest.NewRequest("PATCH", sp("/api/v1/scenarios/%d", a), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.tokens["ann"])
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("If-Match", ifMatch)
			code, _ := f.serve(req)
			return code
		}
		if code := patch(fmt.Sprintf(`"%d"`, v), `{"budget": 1000}`); code != 409 {
			t.Errorf("If-Match stale = %d, want 409", code)
		}
		if code := patch(fmt.Sprintf(`"%d"`, v+1), `{"budget": 1000}`); code != 200 {
			t.Errorf("If-Match current = %d, want 200", code)
		}
		if code := patch(`"2"`, `{"budget": 1000, "version": 3}`); code != 400 {
			t.Errorf("If-Match and version differing = %d, want 400", code)
		}
		if code := patch(`"abc"`, `{"budget": 1000}`); code != 400 {
			t.Errorf("If-Match not a version = %d, want 400", code)
		}
	})
}

// send answers one request outside the fixture's bookkeeping (safe to call
// from several goroutines).
func (f *fixture) send(user, method, path string, body any) (int, map[string]any) {
	j, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	var out map[string]any
	json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// Acceptance (finding 6): 50 concurrent moves and settings edits on one
// scenario, each made on the version its client read, lose nothing: each is
// applied or refused with 409 conflict, every applied one counts one
// version and one audit entry, and the plan ends as the applied ones left
// it.
func TestConcurrentMovesAndSettingsLoseNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		a := f.branch(t, "Plan A", nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d", a)
		_, v0 := f.statusVersion(t, a)
		_, audit0 := f.do("ann", "GET", path+"/audit", nil)
		n0 := len(audit0["audit"].([]any))
		units := []string{"a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2", "d0", "d1", "d2"}
		type outcome struct {
			code    int
			version int64 // the version written (settings edits)
			kind    string
			unit    string
			to      string
			note    string
			read    int64  // the version the client read and wrote on
			message string // the error's message, when refused
		}
		out := make([]outcome, 50)
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				code, sc := f.send("ann", "GET", path, nil)
				if code != 200 {
					out[i] = outcome{code: code}
					return
				}
				v := int64(sc["version"].(float64))
				if i%2 == 0 {
					u := units[i/2%len(units)]
					_, as := f.send("ann", "GET", path+"/assignments", nil)
					to := "W"
					if as["assignments"].(map[string]any)[u] == "W" {
						to = "E"
					}
					code, res := f.send("ann", "PATCH", path+"/assignments", map[string]any{"version": v, "moves": map[string]string{u: to}})
					out[i] = outcome{code: code, kind: "move", unit: u, to: to, read: v, message: errMessage(res)}
					return
				}
				note := fmt.Sprintf("edit %d", i)
				code, res := f.send("ann", "PATCH", path, map[string]any{"version": v, "settings": map[string]any{"note": note, "shape": 0.8}})
				o := outcome{code: code, kind: "settings", note: note, read: v, message: errMessage(res)}
				if code == 200 {
					o.version = int64(res["version"].(float64))
				}
				out[i] = o
			}(i)
		}
		wg.Wait()
		applied := 0
		for i, o := range out {
			switch o.code {
			case 200:
				applied++
			case 409:
			default:
				t.Errorf("request %d (%s) = %d; want 200 or 409 conflict", i, o.kind, o.code)
			}
		}
		if applied == 0 {
			t.Fatal("no write was applied")
		}
		// No lost update: two writes made on the same version cannot both be
		// applied, since the second was made without seeing the first.
		appliedOn := map[int64]int{}
		var lost []string
		for i, o := range out {
			if o.code != 200 {
				continue
			}
			if j, dup := appliedOn[o.read]; dup {
				lost = append(lost, fmt.Sprintf("%d (%s) and %d (%s) on version %d", j, out[j].kind, i, o.kind, o.read))
				continue
			}
			appliedOn[o.read] = i
		}
		if len(lost) > 0 {
			t.Errorf("%d writes were applied on a version another applied write had already changed, so each was made without seeing it (lost updates); e.g. requests %s", len(lost), strings.Join(lost[:min(3, len(lost))], "; "))
		}
		// A refusal says why in the API's words, never the database's.
		for i, o := range out {
			if o.code == 409 && (!strings.Contains(o.message, "version") || strings.Contains(o.message, "Key (") || strings.Contains(o.message, "duplicate key") || strings.Contains(o.message, "pq:") || strings.Contains(o.message, "SQL")) {
				t.Errorf("request %d (%s) refused with %q; want the version conflict, no database text", i, o.kind, o.message)
			}
		}
		_, v1 := f.statusVersion(t, a)
		if v1-v0 != int64(applied) {
			t.Errorf("version went %d → %d for %d applied writes; each applied write must count once", v0, v1, applied)
		}
		_, audit1 := f.do("ann", "GET", path+"/audit", nil)
		if n := len(audit1["audit"].([]any)) - n0; n != applied {
			t.Errorf("%d audit entries for %d applied writes", n, applied)
		}
		// The plan is what the applied writes left: a move applied on version
		// v was made knowing every earlier applied write, so replaying the
		// applied writes in audit order gives the stored plan.
		_, as := f.do("ann", "GET", path+"/assignments", nil)
		got := as["assignments"].(map[string]any)
		want := map[string]string{}
		for _, e := range audit1["audit"].([]any)[n0:] {
			m := e.(map[string]any)
			if m["action"] != "assign" {
				continue
			}
			var d map[string]any
			if err := json.Unmarshal([]byte(m["detail"].(string)), &d); err != nil {
				t.Fatalf("assign detail %v: %v", m["detail"], err)
			}
			for _, mv := range d["moves"].([]any) {
				x := mv.(map[string]any)
				want[x["unit_id"].(string)] = x["to"].(string)
			}
		}
		for u, to := range want {
			if got[u] != to {
				t.Errorf("unit %s is in %v; its last applied move put it in %s", u, got[u], to)
			}
		}
		var last outcome
		for _, o := range out {
			if o.code == 200 && o.kind == "settings" && o.version > last.version {
				last = o
			}
		}
		if last.note != "" {
			_, sc := f.do("ann", "GET", path, nil)
			if note := sc["settings"].(map[string]any)["note"]; note != last.note {
				t.Errorf("settings note = %v; the last applied edit wrote %q", note, last.note)
			}
		}
	})
}

// Issue 16 (finding 6): every scenario write carries the version it read.
// A PATCH of the scenario, its assignments or a territory's current amounts
// with neither version nor
// If-Match is a 400 naming version, and changes nothing: not the plan, not
// the version, not the audit trail. A dry run needs no version.
func TestUnversionedWriteIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		a := f.branch(t, "Plan A", nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d", a)
		_, before := f.do("ann", "GET", path, nil)
		_, asg0 := f.do("ann", "GET", path+"/assignments", nil)
		_, audit0 := f.do("ann", "GET", path+"/audit", nil)
		_, terr0 := f.do("ann", "GET", path+"/territories", nil)
		for _, tc := range []struct {
			name, path string
			body       map[string]any
		}{
			{"settings", path, map[string]any{"settings": map[string]any{"note": "lost"}}},
			{"budget and name", path, map[string]any{"budget": 1, "name": "Renamed"}},
			{"move", path + "/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}},
			{"current", path + "/territories/W", map[string]any{"current": map[string]any{"headcount": 7}}},
		} {
			code, out := f.unversioned("ann", "PATCH", tc.path, tc.body)
			if code != 400 || !strings.Contains(errMessage(out), "version is required") {
				t.Errorf("%s without a version = %d %q; want 400 naming version", tc.name, code, errMessage(out))
			}
		}
		if code, out := f.unversioned("ann", "PATCH", path+"/assignments?dry_run=true", map[string]any{"moves": map[string]string{"c0": "W"}}); code != 200 {
			t.Errorf("dry-run move without a version = %d %q; want 200", code, errMessage(out))
		}
		_, after := f.do("ann", "GET", path, nil)
		for _, k := range []string{"version", "name", "budget"} {
			if fmt.Sprint(after[k]) != fmt.Sprint(before[k]) {
				t.Errorf("%s = %v after refused writes; was %v", k, after[k], before[k])
			}
		}
		if fmt.Sprint(after["settings"]) != fmt.Sprint(before["settings"]) {
			t.Errorf("settings = %v after refused writes; was %v", after["settings"], before["settings"])
		}
		_, asg := f.do("ann", "GET", path+"/assignments", nil)
		if fmt.Sprint(asg["assignments"]) != fmt.Sprint(asg0["assignments"]) {
			t.Errorf("assignments changed by a refused move")
		}
		if _, terr := f.do("ann", "GET", path+"/territories", nil); fmt.Sprint(terr) != fmt.Sprint(terr0) {
			t.Errorf("territories changed by a refused current write")
		}
		_, audit := f.do("ann", "GET", path+"/audit", nil)
		if len(audit["audit"].([]any)) != len(audit0["audit"].([]any)) {
			t.Errorf("audit grew from %d to %d entries on refused writes", len(audit0["audit"].([]any)), len(audit["audit"].([]any)))
		}
		// With the version read (If-Match), the same writes are applied; a
		// stale version on a territory is a 409 that changes nothing.
		if code, out := f.do("ann", "PATCH", path+"/assignments", map[string]any{"moves": map[string]string{"c0": "W"}}); code != 200 {
			t.Errorf("versioned move = %d %q; want 200", code, errMessage(out))
		}
		_, v := f.statusVersion(t, a)
		if code, out := f.do("ann", "PATCH", path+"/territories/W", map[string]any{"version": v, "current": map[string]any{"headcount": 7}}); code != 200 {
			t.Errorf("versioned current = %d %q; want 200", code, errMessage(out))
		}
		if code, out := f.do("ann", "PATCH", path+"/territories/W", map[string]any{"version": v, "current": map[string]any{"headcount": 8}}); code != 409 {
			t.Errorf("current at a stale version = %d %q; want 409", code, errMessage(out))
		}
		_, w := f.do("ann", "GET", path+"/territories/W", nil)
		if got := fmt.Sprint(w["territory"].(map[string]any)["current"].(map[string]any)["headcount"]); got != "7" {
			t.Errorf("W headcount = %s after a stale write; want 7", got)
		}
	})
}

// Lower items: unknown settings keys and unknown territory ids in bounds
// and locks are 400s naming them; a rep reads the settings of their own
// territories only.
func TestSettingsChecksAndRepView(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		a := f.branch(t, "Plan A", nil)
		f.run(t, []check{
			{"unknown key", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"shap": 0.8}}, 400, "shap"},
			{"unknown nested key", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"kk": 3}}}, 400, "kk"},
			{"unknown key on create", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": f.baseline, "settings": map[string]any{"budgett": 1}}, 400, "budgett"},
			{"unknown balance measure", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"balances": []any{map[string]any{"measure": "market", "tolerance": 0.05}, map[string]any{"measure": "hours", "tolerance": 0.1}}}}}, 400, "settings.align.balances[1].measure"},
			{"balance tolerance out of range", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"balances": []any{map[string]any{"measure": "accounts", "tolerance": 1.5}}}}}, 400, "settings.align.balances[0].tolerance"},
			{"balance tolerance zero", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"balances": []any{map[string]any{"measure": "accounts"}}}}}, 400, "settings.align.balances[0].tolerance"},
			{"unknown centers", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"centers": "homes"}}}, 400, "settings.align.centers"},
			{"negative hours", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"hours_per_account": map[string]float64{"Consumer": -2}}}}, 400, "settings.align.hours_per_account.Consumer"},
			{"several measures", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"balances": []any{map[string]any{"measure": "market", "tolerance": 0.05}, map[string]any{"measure": "accounts", "tolerance": 0.1}, map[string]any{"measure": "workload", "tolerance": 0.1}, map[string]any{"measure": "revenue", "tolerance": 0.2}}, "hours_per_account": map[string]float64{"Corporate": 40}, "centers": "rep_homes"}}}, 200, `"centers":"rep_homes"`},
			{"unknown territory in locks", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"locks": []string{"W", "Q"}}}, 400, "Q"},
			{"unknown territory in bounds", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"bounds": map[string]any{"Z": map[string]any{"min": map[string]float64{"headcount": 1}}}}}, 400, "Z"},
			{"known territories", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"shape": 0.8, "locks": []string{"E"},
				"bounds":             map[string]any{"W": map[string]any{"max": map[string]float64{"headcount": 2}}, "E": map[string]any{"min": map[string]float64{"headcount": 1}}},
				"market_multipliers": map[string]float64{"W": 1.5, "E": 2}, "max_change": map[string]float64{"headcount": 1}, "align": map[string]any{"k": 2}}}, 200, `"locks":["E"]`},
			{"approve", "lee", "POST", sp("/api/v1/scenarios/%d/approve", a), nil, 200, ""},
			{"publish", "lee", "POST", sp("/api/v1/scenarios/%d/publish", a), nil, 200, ""},
		})
		_, sc := f.do("rita", "GET", sp("/api/v1/scenarios/%d", a), nil)
		set, _ := json.Marshal(sc["settings"])
		if got, want := string(set), `{"align":{},"bounds":{"W":{"max":{"headcount":2}}},"market_multipliers":{"W":1.5},"shape":0.8}`; got != want {
			t.Errorf("rita reads settings %s; want only her territory's and the scenario-wide %s", got, want)
		}
		_, list := f.do("rick", "GET", "/api/v1/scenarios", nil)
		set, _ = json.Marshal(list["scenarios"].([]any)[0].(map[string]any)["settings"])
		if got, want := string(set), `{"align":{},"bounds":{"E":{"min":{"headcount":1}}},"locks":["E"],"market_multipliers":{"E":2},"shape":0.8}`; got != want {
			t.Errorf("rick lists settings %s; want %s", got, want)
		}
		_, full := f.do("ann", "GET", sp("/api/v1/scenarios/%d", a), nil)
		if s, _ := json.Marshal(full["settings"]); !strings.Contains(string(s), `"max_change"`) {
			t.Errorf("an analyst reads the full settings, got %s", s)
		}
	})
}

// Finding 1: a markets or accounts import after approval used to rewrite
// what the published plan reads. Now an approved or published plan reads
// the market estimates and accounts frozen when it was approved (territory
// figures, accounts, exports), a draft reads the import, and returning the
// plan to draft reads the layer's again.
func TestApprovedPlanInputsAreFrozen(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		pub := f.branch(t, "Published", nil)
		appr := f.branch(t, "Approved", nil)
		draft := f.branch(t, "Draft", nil)
		for _, id := range []int64{pub, appr} {
			if code, out := f.do("lee", "POST", sp("/api/v1/scenarios/%d/approve", id), nil); code != 200 {
				t.Fatalf("approve %d: %d %v", id, code, out)
			}
		}
		if code, out := f.do("lee", "POST", sp("/api/v1/scenarios/%d/publish", pub), nil); code != 200 {
			t.Fatalf("publish: %d %v", code, out)
		}
		totals := func(id int64) map[string]any {
			t.Helper()
			code, out := f.do("ann", "GET", sp("/api/v1/scenarios/%d/territories", id), nil)
			if code != 200 {
				t.Fatalf("territories of %d: %d %v", id, code, out)
			}
			return out["totals"].(map[string]any)
		}
		before := totals(pub)
		_, pubBefore := f.do("ann", "GET", sp("/api/v1/scenarios/%d", pub), nil)
		// Markets: a0's market ×50.
		if code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market,revenue\na0,50000000,20000\n"); code != 200 {
			t.Fatalf("markets import: %d %v", code, out)
		}
		for _, id := range []int64{pub, appr} {
			if got := totals(id); got["market"] != before["market"] {
				t.Errorf("scenario %d market %v after a markets import; the approved plan keeps %v", id, got["market"], before["market"])
			}
		}
		if got := totals(draft)["market"].(float64); got != before["market"].(float64)+49e6 {
			t.Errorf("draft market %v after the import; want %v", got, before["market"].(float64)+49e6)
		}
		// Accounts: the layer's twelve replaced by one.
		if code, out := f.upload("lee", map[string]string{"kind": "accounts", "layer": "grid", "id": "Account", "revenue": "ARR"}, "Account,lon,lat,ARR\nn1,-99.5,40.5,10\n"); code != 200 {
			t.Fatalf("accounts import: %d %v", code, out)
		}
		for _, id := range []int64{pub, appr} {
			if got := totals(id)["accounts"]; got != 12.0 {
				t.Errorf("scenario %d has %v accounts after an accounts import; the approved plan keeps 12", id, got)
			}
			if code, raw := f.raw("ann", "GET", sp("/api/v1/scenarios/%d/exports/accounts.csv", id), nil); code != 200 || !strings.Contains(string(raw), "acct-a0") || strings.Contains(string(raw), "n1,") {
				t.Errorf("scenario %d accounts export = %d %s; want the frozen accounts", id, code, raw)
			}
		}
		if code, out := f.do("rita", "GET", sp("/api/v1/scenarios/%d/territories/W", pub), nil); code != 200 || !strings.Contains(fmt.Sprint(out), "acct-a0") {
			t.Errorf("rita's territory in the published plan = %d %v; want its frozen accounts", code, out)
		}
		if got := totals(draft)["accounts"]; got != 1.0 {
			t.Errorf("draft has %v accounts after the import; want 1", got)
		}
		// Geography: units and adjacency are the layer itself, not copied at
		// approval, so a units import under approved or published plans is
		// refused naming them, and nothing changes (nor goes on any record).
		code, out := f.upload("ann", map[string]string{"kind": "units", "layer": "grid", "id": "id"},
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"z1"},"geometry":{"type":"Polygon","coordinates":[[[-100,40],[-99,40],[-99,41],[-100,40]]]}}]}`)
		if msg := fmt.Sprint(out); code != 409 || !strings.Contains(msg, fmt.Sprint(pub)) || !strings.Contains(msg, fmt.Sprint(appr)) || !strings.Contains(msg, "another layer") {
			t.Errorf("units import under approved and published plans = %d %v; want 409 naming scenarios %d and %d", code, out, pub, appr)
		}
		if got := totals(draft)["units"]; got != before["units"] {
			t.Errorf("draft has %v units after a refused units import; want %v", got, before["units"])
		}
		// The frozen plan's figures did not change, so neither did its layer
		// version: results computed before the imports are not stale.
		_, pubSc := f.do("ann", "GET", sp("/api/v1/scenarios/%d", pub), nil)
		_, draftSc := f.do("ann", "GET", sp("/api/v1/scenarios/%d", draft), nil)
		if pubSc["layer_version"] != pubBefore["layer_version"] || draftSc["layer_version"] == pubBefore["layer_version"] {
			t.Errorf("layer_version: published %v → %v, draft %v after two imports; the published plan keeps the version it was frozen at", pubBefore["layer_version"], pubSc["layer_version"], draftSc["layer_version"])
		}
		// The imports are on the record of the plans they change.
		actions := func(id int64) string {
			_, audit := f.do("ann", "GET", sp("/api/v1/scenarios/%d/audit", id), nil)
			var out []string
			for _, e := range audit["audit"].([]any) {
				m := e.(map[string]any)
				if m["action"] == "import" {
					out = append(out, m["actor"].(string)+":"+m["detail"].(string))
				}
			}
			return strings.Join(out, " ")
		}
		if got := actions(draft); !strings.Contains(got, `ann:{"bytes":`) || !strings.Contains(got, `"kind":"markets"`) || !strings.Contains(got, `lee:{"bytes":`) || !strings.Contains(got, `"kind":"accounts"`) || strings.Contains(got, `"kind":"units"`) {
			t.Errorf("draft's import audit = %s; want the markets import by ann and the accounts import by lee", got)
		}
		if got := actions(pub); got != "" {
			t.Errorf("published plan's import audit = %s; it reads its frozen inputs, the imports did not change it", got)
		}
		// Back to draft: the layer's inputs as they are now.
		if code, out := f.do("ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", appr), map[string]any{"moves": map[string]string{"c0": "W"}}); code != 200 {
			t.Fatalf("move: %d %v", code, out)
		}
		if got := totals(appr); got["accounts"] != 1.0 || got["market"].(float64) != before["market"].(float64)+49e6 {
			t.Errorf("returned to draft: accounts %v, market %v; want the layer's (1, %v)", got["accounts"], got["market"], before["market"].(float64)+49e6)
		}
	})
}
