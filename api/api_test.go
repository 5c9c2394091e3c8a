package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// check is one request and what must come back.
type check struct {
	name       string
	user       string
	method     string
	path       string
	body       any
	wantCode   int
	wantInBody string // for 4xx: a word the error message must contain (the field or id)
}

func (f *fixture) run(t *testing.T, cs []check) {
	t.Helper()
	for _, c := range cs {
		code, raw := f.raw(c.user, c.method, c.path, c.body)
		if code != c.wantCode {
			t.Errorf("%s: %s %s as %q = %d, want %d; body %s", c.name, c.method, c.path, c.user, code, c.wantCode, raw)
			continue
		}
		if c.wantInBody != "" && !strings.Contains(string(raw), c.wantInBody) {
			t.Errorf("%s: %s %s answer %s does not mention %q", c.name, c.method, c.path, raw, c.wantInBody)
		}
		if code >= 400 && !strings.Contains(string(raw), `"error":{"code":`) {
			t.Errorf("%s: error answer %s is not in the error shape", c.name, raw)
		}
	}
}

func TestAuthAndAccounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		b := f.baseline
		f.run(t, []check{
			{"anonymous", "", "GET", "/api/v1/scenarios", nil, 401, "sign in"},
			{"bad login", "", "POST", "/api/v1/login", map[string]string{"name": "lee", "password": "nope-nope"}, 401, "wrong name or password"},
			{"login without password", "", "POST", "/api/v1/login", map[string]string{"name": "lee"}, 400, "password"},
			{"login with a bad body", "", "POST", "/api/v1/login", `{"name":`, 400, "JSON"},
			{"login unknown field", "", "POST", "/api/v1/login", `{"name":"lee","password":"x","pin":1}`, 400, "pin"},
			{"me", "rita", "GET", "/api/v1/me", nil, 200, `"name":"rita"`},
			{"openapi", "", "GET", "/api/v1/openapi.json", nil, 200, `"openapi"`},
			{"unknown route", "ann", "GET", "/api/v1/nothing", nil, 404, "no route"},
			{"rep cannot list users", "rita", "GET", "/api/v1/users", nil, 403, "rep"},
			{"analyst cannot list users", "ann", "GET", "/api/v1/users", nil, 403, "analyst"},
			{"admin lists users", "ada", "GET", "/api/v1/users", nil, 200, `"rita"`},
			{"bad role", "ada", "POST", "/api/v1/users", map[string]string{"name": "zed", "role": "king"}, 400, "role"},
			{"short password", "ada", "POST", "/api/v1/users", map[string]string{"name": "zed", "role": "rep", "password": "short"}, 400, "password"},
			{"create user", "ada", "POST", "/api/v1/users", map[string]any{"name": "zed", "role": "rep", "password": "long-enough", "territories": []string{"W"}}, 201, `"zed"`},
			{"duplicate user", "ada", "POST", "/api/v1/users", map[string]string{"name": "zed", "role": "rep"}, 409, "zed"},
			{"delete unknown user", "ada", "DELETE", "/api/v1/users/9999", nil, 404, "9999"},
			{"delete user bad id", "ada", "DELETE", "/api/v1/users/x", nil, 400, "uid"},
			{"layers", "ann", "GET", "/api/v1/layers", nil, 200, `"grid"`},
			{"layer", "ann", "GET", "/api/v1/layers/grid", nil, 200, `"unit_count":12`},
			{"layer not found", "ann", "GET", "/api/v1/layers/nope", nil, 404, "nope"},
			{"units", "rick", "GET", "/api/v1/layers/grid/units", nil, 200, `"FeatureCollection"`},
			{"units page", "rick", "GET", "/api/v1/layers/grid/units?offset=2&limit=1", nil, 200, `"id":"a2"`},
			{"units bad limit", "rick", "GET", "/api/v1/layers/grid/units?limit=x", nil, 400, "limit"},
			{"units unknown layer", "rick", "GET", "/api/v1/layers/nope/units", nil, 404, "nope"},
			{"regions", "rick", "GET", "/api/v1/layers/grid/regions", nil, 200, `"R2"`},
			{"units of an imported layer need a sign-in", "", "GET", "/api/v1/layers/grid/units", nil, 401, "not public"},
			{"regions of an imported layer need a sign-in", "", "GET", "/api/v1/layers/grid/regions", nil, 401, "not public"},
			{"a bad token is refused on a public route", "nobody", "GET", "/api/v1/layers/grid/units", nil, 401, ""},
			{"accounts of a territory", "ann", "GET", fmt.Sprintf("/api/v1/accounts?scenario=%d&territory=W", b), nil, 200, "acct-a0"},
			{"accounts need a scenario with a territory", "ann", "GET", "/api/v1/accounts?territory=W", nil, 400, "scenario"},
			{"accounts bad scenario", "ann", "GET", "/api/v1/accounts?scenario=x", nil, 400, "scenario"},
			{"rep: accounts of an unpublished plan", "rita", "GET", fmt.Sprintf("/api/v1/accounts?scenario=%d", b), nil, 404, "not found"},
		})
		// Tokens: issue, use, revoke.
		code, body := f.do("ann", "POST", "/api/v1/tokens", map[string]string{"label": "ci"})
		if code != 201 {
			t.Fatalf("create token = %d %v", code, body)
		}
		f.tokens["ann2"] = body["token"].(string)
		tid := int64(body["id"].(float64))
		f.run(t, []check{
			{"new token works", "ann2", "GET", "/api/v1/me", nil, 200, `"ann"`},
			{"list tokens", "ann", "GET", "/api/v1/tokens", nil, 200, `"ci"`},
			{"others cannot revoke it", "rita", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tid), nil, 404, "token"},
			{"revoke", "ann", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tid), nil, 204, ""},
			{"revoked token", "ann2", "GET", "/api/v1/me", nil, 401, "revoked"},
		})
		// Login gives a working token; logout revokes it.
		code, body = f.do("", "POST", "/api/v1/login", map[string]string{"name": "zed", "password": "long-enough"})
		if code != 200 || body["token"] == nil {
			t.Fatalf("login = %d %v", code, body)
		}
		f.tokens["zed"] = body["token"].(string)
		f.run(t, []check{
			{"session works", "zed", "GET", "/api/v1/me", nil, 200, `"zed"`},
			{"logout", "zed", "POST", "/api/v1/logout", nil, 204, ""},
			{"after logout", "zed", "GET", "/api/v1/me", nil, 401, ""},
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		codes := []int{}
		for i := 0; i < 7; i++ {
			code, _ := f.do("", "POST", "/api/v1/login", map[string]string{"name": "lee", "password": "wrong-password"})
			codes = append(codes, code)
		}
		if codes[0] != 401 || codes[6] != 429 {
			t.Errorf("login codes = %v; want 401 first and 429 once the burst of 5 is spent", codes)
		}
		// The refusal says how long to wait, in the header and in the message.
		req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(`{"name":"lee","password":"wrong-password"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(w, req)
		secs, err := strconv.Atoi(w.Header().Get("Retry-After"))
		if w.Code != 429 || err != nil || secs < 1 {
			t.Errorf("login after the burst = %d, Retry-After %q; want 429 with a whole number of seconds ≥ 1", w.Code, w.Header().Get("Retry-After"))
		}
		if want := fmt.Sprintf("try again in %d second", secs); !strings.Contains(w.Body.String(), want) {
			t.Errorf("login after the burst says %s; want it to contain %q", w.Body.String(), want)
		}
	})
}

func TestScenarioWorkflow(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		b := f.baseline
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		f.run(t, []check{
			{"list", "ann", "GET", "/api/v1/scenarios", nil, 200, `"Baseline"`},
			{"list bad offset", "ann", "GET", "/api/v1/scenarios?offset=-1", nil, 400, "offset"},
			{"rep sees no unpublished plan", "rita", "GET", "/api/v1/scenarios", nil, 200, `"scenarios":[]`},
			{"get", "ann", "GET", sp("/api/v1/scenarios/%d", b), nil, 200, `"Baseline"`},
			{"rep cannot read a draft", "rita", "GET", sp("/api/v1/scenarios/%d", b), nil, 404, "not found"},
			{"bad id", "ann", "GET", "/api/v1/scenarios/abc", nil, 400, "id"},
			{"not found", "ann", "GET", "/api/v1/scenarios/99999", nil, 404, "99999"},
			{"create without name", "ann", "POST", "/api/v1/scenarios", map[string]any{"from": b}, 400, "name"},
			{"create from nothing", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": 99999}, 400, "from"},
			{"create negative budget", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b, "budget": -1}, 400, "budget"},
			{"create bad settings", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b, "settings": map[string]any{"shape": -1}}, 400, "settings.shape"},
			{"create bad resource", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b, "resources": []map[string]any{{"name": "", "unit_cost": 1}}}, 400, "resources[0].name"},
			{"create unknown field", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b, "colour": "red"}, 400, "colour"},
			{"rep cannot create", "rita", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b}, 403, "rep"},
			{"create", "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "Plan A", "from": b, "budget": 500000}, 201, `"parent_id":`},
			{"create duplicate", "lee", "POST", "/api/v1/scenarios", map[string]any{"name": "Plan A", "from": b}, 409, "Plan A"},
		})
		_, list := f.do("ann", "GET", "/api/v1/scenarios", nil)
		a := int64(list["scenarios"].([]any)[1].(map[string]any)["id"].(float64))
		f.run(t, []check{
			{"update", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"budget": 450000}, 200, `"budget":450000`},
			{"update bad type", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), `{"budget":"lots"}`, 400, "budget"},
			{"update bad settings", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"align": map[string]any{"tolerance": 3}}}, 400, "settings.align.tolerance"},
			{"update bad curves", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"settings": map[string]any{"curves": "learned"}}, 400, "settings.curves"},
			{"update not found", "ann", "PATCH", "/api/v1/scenarios/99999", map[string]any{"budget": 1}, 404, "99999"},
			{"territories", "ann", "GET", sp("/api/v1/scenarios/%d/territories", a), nil, 200, `"headroom"`},
			{"territory", "ann", "GET", sp("/api/v1/scenarios/%d/territories/W", a), nil, 200, `"curves"`},
			{"territory not found", "ann", "GET", sp("/api/v1/scenarios/%d/territories/Q", a), nil, 404, "Q"},
			{"territories geojson", "ann", "GET", sp("/api/v1/scenarios/%d/territories.geojson", a), nil, 200, `"FeatureCollection"`},
			{"assignments", "ann", "GET", sp("/api/v1/scenarios/%d/assignments", a), nil, 200, `"a0":"W"`},
			{"move unknown unit", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"zz": "W"}}, 400, "zz"},
			{"move to unknown territory", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"a0": "Q"}}, 400, "Q"},
			{"move nothing", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{}, 400, "moves"},
			{"rep cannot move", "rita", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"c0": "W"}}, 403, ""},
			{"move keeps contiguity", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"c0": "W"}}, 200, `"noncontiguous":[]`},
			{"move breaks contiguity", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"d2": "W"}}, 200, `"noncontiguous":["W"]`},
			{"audit", "ann", "GET", sp("/api/v1/scenarios/%d/audit", a), nil, 200, `"assign"`},
			{"rep cannot read audit", "rita", "GET", sp("/api/v1/scenarios/%d/audit", a), nil, 403, ""},
			{"compare", "ann", "GET", sp("/api/v1/scenarios/%d/compare/%d", b, a), nil, 200, `"unit_id":"c0"`},
			{"compare not found", "ann", "GET", sp("/api/v1/scenarios/%d/compare/99999", b), nil, 404, "99999"},
			{"rep cannot compare", "rita", "GET", sp("/api/v1/scenarios/%d/compare/%d", b, a), nil, 403, ""},
			{"export units", "ann", "GET", sp("/api/v1/scenarios/%d/exports/units.csv", a), nil, 200, "unit_id,territory_id\na0,W"},
			{"export accounts", "ann", "GET", sp("/api/v1/scenarios/%d/exports/accounts.csv", a), nil, 200, "acct-c0,Account c0,,c0,W,rita"},
			{"export allocation", "ann", "GET", sp("/api/v1/scenarios/%d/exports/allocation.csv", a), nil, 200, "territory_id,resource,current"},
			{"export geojson", "ann", "GET", sp("/api/v1/scenarios/%d/exports/territories.geojson", a), nil, 200, `"FeatureCollection"`},
			{"export unknown", "ann", "GET", sp("/api/v1/scenarios/%d/exports/x.pdf", a), nil, 404, "x.pdf"},
			{"analyst cannot approve", "ann", "POST", sp("/api/v1/scenarios/%d/approve", a), nil, 403, "analyst"},
			{"publish before approve", "lee", "POST", sp("/api/v1/scenarios/%d/publish", a), nil, 409, "approved"},
			{"approve", "lee", "POST", sp("/api/v1/scenarios/%d/approve", a), nil, 200, `"approved"`},
			{"analyst cannot publish", "ann", "POST", sp("/api/v1/scenarios/%d/publish", a), nil, 403, "analyst"},
			{"publish", "lee", "POST", sp("/api/v1/scenarios/%d/publish", a), nil, 200, `"published"`},
			{"published is read-only", "ann", "PATCH", sp("/api/v1/scenarios/%d", a), map[string]any{"budget": 1}, 409, "read-only"},
			{"published cannot be redrawn", "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", a), map[string]any{"moves": map[string]string{"a0": "E"}}, 409, "read-only"},
			{"published cannot be deleted", "ann", "DELETE", sp("/api/v1/scenarios/%d", a), nil, 409, "published"},
			{"rep sees the published plan", "rita", "GET", "/api/v1/scenarios", nil, 200, `"Plan A"`},
			{"rep reads own territory", "rita", "GET", sp("/api/v1/scenarios/%d/territories/W", a), nil, 200, `"acct-a0"`},
			{"rep cannot read another's territory", "rita", "GET", sp("/api/v1/scenarios/%d/territories/E", a), nil, 404, "E"},
			{"other rep cannot read it either", "rick", "GET", sp("/api/v1/scenarios/%d/territories/W", a), nil, 404, "W"},
			{"rep accounts of another territory", "rita", "GET", sp("/api/v1/accounts?scenario=%d&territory=E", a), nil, 404, "E"},
			{"rep exports only own units", "rick", "GET", sp("/api/v1/scenarios/%d/exports/units.csv", a), nil, 200, "c1,E"},
			{"delete draft", "ann", "DELETE", sp("/api/v1/scenarios/%d", b), nil, 204, ""},
			{"deleted", "ann", "GET", sp("/api/v1/scenarios/%d", b), nil, 404, ""},
		})
		// A rep's territory list holds only their own.
		_, body := f.do("rita", "GET", sp("/api/v1/scenarios/%d/territories", a), nil)
		if ts := body["territories"].([]any); len(ts) != 1 || ts[0].(map[string]any)["id"] != "W" {
			t.Errorf("rita's territories = %v; want only W", ts)
		}
		if code, raw := f.raw("rick", "GET", sp("/api/v1/scenarios/%d/exports/units.csv", a), nil); code != 200 || strings.Contains(string(raw), ",W") {
			t.Errorf("rick's units export = %d %s; must not contain W", code, raw)
		}
	})
}

// waitRun polls a run until it reaches a final state.
func (f *fixture) waitRun(t *testing.T, id int64) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, r := f.do("ann", "GET", fmt.Sprintf("/api/v1/runs/%d", id), nil)
		switch r["status"] {
		case "succeeded", "failed", "cancelled":
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %d did not finish", id)
	return nil
}

func TestRuns(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		b := f.branch(t, "Runs", nil) // the baseline is not redrawn
		sp := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
		f.run(t, []check{
			{"run without kind", "ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{}, 400, "kind"},
			{"run bad kind", "ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "dance"}, 400, "dance"},
			{"run negative seed", "ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "align", "seed": -1}, 400, "seed"},
			{"run unknown scenario", "ann", "POST", "/api/v1/scenarios/99999/runs", map[string]any{"kind": "align"}, 404, "99999"},
			{"rep cannot run", "rita", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "align"}, 403, ""},
			{"run not found", "ann", "GET", "/api/v1/runs/99999", nil, 404, "99999"},
		})
		// A queued run cancelled before any worker takes it never runs.
		code, queued := f.do("ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "allocate"})
		if code != http.StatusAccepted || queued["status"] != "queued" {
			t.Fatalf("start run = %d %v", code, queued)
		}
		qid := int64(queued["id"].(float64))
		f.run(t, []check{
			{"cancel", "lee", "DELETE", sp("/api/v1/runs/%d", qid), nil, 200, `"cancelled"`},
			{"cancel again", "lee", "DELETE", sp("/api/v1/runs/%d", qid), nil, 409, "already cancelled"},
		})
		f.startWorker()
		for _, kind := range []string{"allocate", "align+allocate"} {
			code, run := f.do("ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": kind, "seed": 3})
			if code != http.StatusAccepted {
				t.Fatalf("start %s = %d %v", kind, code, run)
			}
			done := f.waitRun(t, int64(run["id"].(float64)))
			if done["status"] != "succeeded" || done["progress"] != 1.0 || len(done["input_hash"].(string)) != 64 || done["solver_version"] == "" {
				t.Fatalf("%s run = %v", kind, done)
			}
			res := done["result"].(map[string]any)
			alloc := res["allocation"].(map[string]any)
			// The fixture has no history: every curve is assumed, and says so.
			if cv, _ := res["curves"].(map[string]any); cv == nil || cv["setting"] != "auto" || cv["fitted"] != 0.0 || cv["note"] != "assumed from market share: no history" || cv["expected_revenue"] != nil {
				t.Errorf("%s: curves %v", kind, res["curves"])
			}
			if _, tl := f.do("ann", "GET", sp("/api/v1/scenarios/%d/territories", b), nil); len(tl["territories"].([]any)) > 0 {
				for _, tt := range tl["territories"].([]any) {
					if m := tt.(map[string]any); m["curve_source"] != "assumed" || m["curve_note"] != "assumed from market share: no history" {
						t.Errorf("%s: territory %v: curve_source %v, curve_note %v", kind, m["id"], m["curve_source"], m["curve_note"])
					}
				}
			} else {
				t.Errorf("%s: no territories", kind)
			}
			// Headcount is integer: the solver proves a bound, but not always
			// to 1e-6 (the Lagrangian duality gap of integer problems).
			if alloc["status"] == "infeasible" || alloc["gap"].(float64) > 1e-3 || alloc["bound"].(float64) < alloc["objective"].(float64) {
				t.Errorf("%s: allocation status %v gap %v bound %v objective %v", kind, alloc["status"], alloc["gap"], alloc["bound"], alloc["objective"])
			}
			if kind == "align+allocate" && res["alignment"].(map[string]any)["feasible"] != true {
				t.Errorf("alignment = %v; want feasible", res["alignment"])
			}
		}
		_, q := f.do("ann", "GET", sp("/api/v1/runs/%d", qid), nil)
		if q["status"] != "cancelled" {
			t.Errorf("the cancelled run became %v", q["status"])
		}
		_, body := f.do("ann", "GET", sp("/api/v1/scenarios/%d/territories", b), nil)
		for _, tt := range body["territories"].([]any) {
			m := tt.(map[string]any)
			if m["allocation"] == nil || m["expected_revenue"] == nil || m["marginal"] == nil {
				t.Errorf("territory %v has no allocation after a run", m["id"])
			}
		}
		tot := body["totals"].(map[string]any)
		if tot["gap"] == nil || tot["gap"].(float64) > 1e-3 {
			t.Errorf("totals = %v; want a certified gap", tot)
		}
		f.run(t, []check{
			{"runs list", "ann", "GET", sp("/api/v1/scenarios/%d/runs", b), nil, 200, `"succeeded"`},
			{"frontier", "ann", "GET", sp("/api/v1/scenarios/%d/frontier?points=5", b), nil, 200, `"points":[{"amount":0`},
			{"frontier by resource", "ann", "GET", sp("/api/v1/scenarios/%d/frontier?resource=headcount&points=4", b), nil, 200, `"resource":"headcount"`},
			{"frontier bad points", "ann", "GET", sp("/api/v1/scenarios/%d/frontier?points=1", b), nil, 400, "points"},
			{"frontier unknown resource", "ann", "GET", sp("/api/v1/scenarios/%d/frontier?resource=gold", b), nil, 400, "gold"},
			{"rep cannot read runs", "rita", "GET", sp("/api/v1/runs/%d", qid), nil, 403, ""},
		})
		// The frontier rises with the budget.
		_, fr := f.do("ann", "GET", sp("/api/v1/scenarios/%d/frontier?points=6", b), nil)
		pts := fr["points"].([]any)
		for i := 1; i < len(pts); i++ {
			if pts[i].(map[string]any)["revenue"].(float64) < pts[i-1].(map[string]any)["revenue"].(float64)-1e-6 {
				t.Errorf("frontier falls from point %d to %d: %v", i-1, i, pts)
			}
		}
	})
}

func TestBodyLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		big := `{"name":"` + strings.Repeat("x", 11<<20) + `"}`
		code, body := f.do("ann", "POST", "/api/v1/scenarios", big)
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(errMessage(body), "limit") {
			t.Errorf("11 MiB body = %d %v; want 413 naming the limit", code, body)
		}
	})
}

func TestTiles(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		// The grid spans lon −100…−96, lat 40…43: tile 3/1/2 at zoom 3 covers it.
		code, raw := f.raw("rick", "GET", "/api/v1/tiles/grid/3/1/2.mvt", nil)
		if code != 200 || len(raw) < 50 {
			t.Errorf("tile = %d, %d bytes; want a tile with the grid's units", code, len(raw))
		}
		f.run(t, []check{
			{"empty tile", "rick", "GET", "/api/v1/tiles/grid/3/7/7.mvt", nil, 200, ""},
			{"bad suffix", "", "GET", "/api/v1/tiles/grid/3/1/2.png", nil, 404, ".mvt"},
			{"outside the grid", "", "GET", "/api/v1/tiles/grid/3/9/2.mvt", nil, 400, "outside"},
			{"not a number", "", "GET", "/api/v1/tiles/grid/z/1/2.mvt", nil, 400, "whole numbers"},
			{"unknown layer", "rick", "GET", "/api/v1/tiles/nope/3/1/2.mvt", nil, 404, "nope"},
			{"an imported layer's tile needs a sign-in", "", "GET", "/api/v1/tiles/grid/3/1/2.mvt", nil, 401, "not public"},
		})
	})
}
