package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/terrane/terrane/api"
)

// The contract: every answer a test receives from a route is checked
// against openapi.json — its status must be listed for the operation and its
// body must match the schema for that status and media type (members,
// types, nullability; objects with fixed members allow no others).

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func spec() (routers.Router, error) {
	specOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
		var doc *openapi3.T
		doc, specErr = openapi3.NewLoader().LoadFromData(api.OpenAPIDoc)
		if specErr != nil {
			return
		}
		if specErr = doc.Validate(context.Background()); specErr != nil {
			return
		}
		specRouter, specErr = legacy.NewRouter(doc)
	})
	return specRouter, specErr
}

// checkContract validates one answer against openapi.json and returns the
// operation it belongs to ("GET /api/v1/scenarios/{id}"), or "" when the
// request matches no operation (an unknown path, /healthz). A request the
// server accepted (2xx) must match the spec's request body too, so the spec
// never demands more than the server does. req.Body must hold what was sent.
func checkContract(t testing.TB, req *http.Request, status int, header http.Header, body []byte) string {
	t.Helper()
	router, err := spec()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		return ""
	}
	key := route.Method + " " + route.Path
	reqIn := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	// kin-openapi's multipart decoder rejects the parts that
	// additionalProperties allows (an import's options), so a multipart
	// request is checked by TestImport's own assertions instead.
	if status < 300 && !strings.HasPrefix(req.Header.Get("Content-Type"), "multipart/") {
		if err := openapi3filter.ValidateRequest(context.Background(), reqIn); err != nil {
			t.Errorf("%s was accepted (%d) but its request is not as openapi.json says: %v", key, status, err)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		excerpt := body
		if len(excerpt) > 600 {
			excerpt = append(excerpt[:600:600], "…"...)
		}
		t.Errorf("%s answered %d, not as openapi.json says: %v\nbody: %s", key, status, err, excerpt)
	}
	checkEvents(t, key, route, status, header, body)
	return key
}

// checkEvents validates the data of each message of a server-sent event
// stream against the schema its media type names in x-event-data.
func checkEvents(t testing.TB, key string, route *routers.Route, status int, header http.Header, body []byte) {
	t.Helper()
	if !strings.HasPrefix(header.Get("Content-Type"), "text/event-stream") {
		return
	}
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil || resp.Value.Content["text/event-stream"] == nil {
		return
	}
	name, _ := resp.Value.Content["text/event-stream"].Extensions["x-event-data"].(string)
	sch := route.Spec.Components.Schemas[name]
	if sch == nil {
		t.Errorf("%s: the event stream names no schema of its data (x-event-data %q)", key, name)
		return
	}
	for _, msg := range strings.Split(strings.TrimSpace(string(body)), "\n\n") {
		var data string
		for _, line := range strings.Split(msg, "\n") {
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				data += d
			}
		}
		var v any
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			t.Errorf("%s: event data is not JSON: %v\n%s", key, err, msg)
			continue
		}
		if err := sch.Value.VisitJSON(v); err != nil {
			t.Errorf("%s: event data is not a %s: %v\n%.600s", key, name, err, data)
		}
	}
}

// TestContract exercises every route of the server over a realistic store —
// runs queued, cancelled and solved, a plan branched, moved, approved and
// published, an import, users and tokens — so that each answer is checked
// against openapi.json, and fails if any route never answered 2xx.
func TestContract(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		b := f.baseline
		sp := fmt.Sprintf
		want := func(code int, user, method, path string, body any) map[string]any {
			t.Helper()
			got, raw := f.raw(user, method, path, body)
			if got != code {
				t.Fatalf("%s %s as %q = %d, want %d: %s", method, path, user, got, code, raw)
			}
			var out map[string]any
			if len(raw) > 0 && raw[0] == '{' {
				if err := json.Unmarshal(raw, &out); err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
			}
			return out
		}
		id := func(m map[string]any) int64 { return int64(m["id"].(float64)) }

		want(200, "", "GET", "/api/v1/openapi.json", nil)
		login := want(200, "", "POST", "/api/v1/login", map[string]string{"name": "ann", "password": "password-ann"})
		f.tokens["session"] = login["token"].(string)
		want(200, "session", "GET", "/api/v1/me", nil)
		want(204, "session", "POST", "/api/v1/logout", nil)
		want(401, "session", "GET", "/api/v1/me", nil)

		want(200, "ann", "GET", "/api/v1/layers", nil)
		want(200, "ann", "GET", "/api/v1/layers/grid", nil)
		want(404, "ann", "GET", "/api/v1/layers/nowhere", nil)
		want(200, "rick", "GET", "/api/v1/layers/grid/units", nil)
		want(200, "rick", "GET", "/api/v1/layers/grid/regions", nil)
		want(200, "rick", "GET", "/api/v1/tiles/grid/0/0/0.mvt", nil)
		want(400, "", "GET", "/api/v1/tiles/grid/0/9/0.mvt", nil)

		// A run queued and cancelled before any worker takes it.
		queued := want(202, "ann", "POST", sp("/api/v1/scenarios/%d/runs", b), map[string]any{"kind": "allocate"})
		want(200, "lee", "DELETE", sp("/api/v1/runs/%d", id(queued)), nil)
		want(200, "lee", "GET", sp("/api/v1/runs/%d/events", id(queued)), nil)
		want(409, "lee", "DELETE", sp("/api/v1/runs/%d", id(queued)), nil)

		plan := want(201, "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "Plan C", "from": b, "budget": 450000,
			"settings": map[string]any{"shape": 0.8, "max_change": map[string]float64{"headcount": 1}, "align": map[string]any{"time_limit_seconds": 1, "max_moved": 0.5}}})
		c := id(plan)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d", c), nil)
		want(200, "ann", "PATCH", sp("/api/v1/scenarios/%d", c), map[string]any{"name": "Plan C2", "resources": []map[string]any{
			{"name": "headcount", "unit": "reps", "unit_cost": 100000, "integer": true, "total": 3}, {"name": "money", "unit": "dollars per year", "unit_cost": 1, "total": 50000}}})
		want(400, "ann", "PATCH", sp("/api/v1/scenarios/%d", c), map[string]any{"colour": "red"})
		want(403, "rita", "POST", "/api/v1/scenarios", map[string]any{"name": "X", "from": b})
		want(200, "ann", "GET", "/api/v1/scenarios", nil)

		// Before any run: no allocation, nulls where the spec allows them.
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/territories", c), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/territories.geojson", c), nil)

		f.startWorker()
		for _, run := range []struct {
			scenario int64
			kind     string
		}{{b, "allocate"}, {c, "align+allocate"}} {
			r := want(202, "ann", "POST", sp("/api/v1/scenarios/%d/runs", run.scenario), map[string]any{"kind": run.kind, "seed": 3})
			if done := f.waitRun(t, id(r)); done["status"] != "succeeded" {
				t.Fatalf("%s run: %v", run.kind, done)
			}
			want(200, "ann", "GET", sp("/api/v1/runs/%d", id(r)), nil)
			want(200, "ann", "GET", sp("/api/v1/runs/%d/events", id(r)), nil)
			want(200, "ann", "GET", sp("/api/v1/runs/%d/problem", id(r)), nil)
		}
		want(404, "ann", "GET", sp("/api/v1/runs/%d/problem", id(queued)), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/runs", c), nil)

		for _, s := range []int64{b, c} {
			want(200, "ann", "GET", sp("/api/v1/scenarios/%d/territories", s), nil)
			want(200, "ann", "GET", sp("/api/v1/scenarios/%d/territories.geojson", s), nil)
			want(200, "ann", "GET", sp("/api/v1/scenarios/%d/territories/W", s), nil)
			want(200, "ann", "GET", sp("/api/v1/scenarios/%d/assignments", s), nil)
			for _, file := range []string{"units.csv", "accounts.csv", "allocation.csv", "territories.geojson",
				"salesforce-territory2.csv", "salesforce-object-territory2-association.csv", "salesforce-user-territory2-association.csv", "hubspot-companies.csv"} {
				want(200, "ann", "GET", sp("/api/v1/scenarios/%d/exports/%s", s, file), nil)
			}
		}
		want(404, "ann", "GET", sp("/api/v1/scenarios/%d/territories/Q", c), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/frontier?resource=money&points=3", c), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/frontier?points=3", b), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/compare/%d", b, c), nil)
		want(200, "ann", "PATCH", sp("/api/v1/scenarios/%d/assignments", c), map[string]any{"moves": map[string]string{"d2": "W"}})
		want(200, "ann", "PATCH", sp("/api/v1/scenarios/%d/territories/W", c), map[string]any{"current": map[string]any{"headcount": 1, "money": 25000}})
		want(400, "ann", "PATCH", sp("/api/v1/scenarios/%d/territories/W", c), map[string]any{"current": map[string]any{"headcount": 0.5}})
		want(404, "ann", "PATCH", sp("/api/v1/scenarios/%d/territories/Q", c), map[string]any{"current": map[string]any{"headcount": 1}})
		want(200, "ann", "GET", sp("/api/v1/accounts?scenario=%d&territory=W", c), nil)
		want(200, "ann", "GET", "/api/v1/accounts?layer=grid&limit=5", nil)

		if code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market,revenue\na0,5000000,100000\n"); code != 200 {
			t.Fatalf("import: %d %v", code, out)
		}
		if code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\na0,-1\n"); code != 400 {
			t.Fatalf("bad import: %d %v", code, out)
		}
		if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"},
			"id,account,stage,amount,created,close_date,Source\no1,,Closed Won,5,2017-01-01,2017-02-01,Web\no2,zz,Open,,2017-01-01,\n"); code != 200 || out["opportunities"] != 2.0 {
			t.Fatalf("opportunities import: %d %v", code, out)
		}
		if code, out := f.upload("ann", map[string]string{"kind": "history", "layer": "grid"}, "period,unit,revenue,Calls\n2017-Q4,a0,5,3\n2017-Q3,a0,4,\n"); code != 200 || out["revenue_period"] != "2017-Q4 ×4" {
			t.Fatalf("history import: %d %v", code, out)
		}
		want(200, "ann", "GET", "/api/v1/layers/grid/opportunities", nil)
		want(200, "ann", "GET", "/api/v1/layers/grid/history", nil)
		want(403, "rita", "GET", "/api/v1/layers/grid/opportunities", nil)
		want(404, "ann", "GET", "/api/v1/layers/nowhere/history", nil)

		want(200, "lee", "POST", sp("/api/v1/scenarios/%d/approve", c), nil)
		want(200, "lee", "GET", sp("/api/v1/scenarios/%d/publish-impact", c), nil)
		want(200, "lee", "POST", sp("/api/v1/scenarios/%d/publish", c), nil)
		want(409, "lee", "POST", sp("/api/v1/scenarios/%d/publish", c), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/audit", c), nil)
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/kpis?by=manager", c), nil)
		want(400, "ann", "GET", sp("/api/v1/scenarios/%d/kpis?by=team", c), nil)
		// A rep's view of the published plan.
		want(200, "rita", "GET", "/api/v1/scenarios", nil)
		want(200, "rita", "GET", sp("/api/v1/scenarios/%d/territories", c), nil)
		want(200, "rita", "GET", sp("/api/v1/accounts?scenario=%d", c), nil)

		draft := want(201, "ann", "POST", "/api/v1/scenarios", map[string]any{"name": "Scratch", "from": b})
		want(200, "ann", "GET", sp("/api/v1/scenarios/%d/conflicts", id(draft)), nil)
		want(200, "rita", "GET", sp("/api/v1/scenarios/%d/conflicts", c), nil)
		want(200, "ann", "POST", sp("/api/v1/scenarios/%d/conflicts/resolve", id(draft)), map[string]any{"action": "give_accounts_to_owner"})
		want(400, "ann", "POST", sp("/api/v1/scenarios/%d/conflicts/resolve", id(draft)), map[string]any{"action": "shuffle"})
		want(409, "ann", "POST", sp("/api/v1/scenarios/%d/conflicts/resolve", c), map[string]any{"action": "give_accounts_to_owner"})
		want(204, "ann", "DELETE", sp("/api/v1/scenarios/%d", id(draft)), nil)

		want(200, "ada", "GET", "/api/v1/users", nil)
		zed := want(201, "ada", "POST", "/api/v1/users", map[string]any{"name": "zed", "role": "rep", "password": "long-enough", "territories": []string{"W"}})
		want(200, "ada", "PATCH", sp("/api/v1/users/%d", id(zed)), map[string]any{"manager": "lee", "region": "West", "cost": 150000, "capacity": 1600, "quota": 1e6})
		want(204, "ada", "DELETE", sp("/api/v1/users/%d", id(zed)), nil)
		want(403, "ann", "GET", "/api/v1/users", nil)
		tok := want(201, "ann", "POST", "/api/v1/tokens", map[string]string{"label": "ci"})
		want(200, "ann", "GET", "/api/v1/tokens", nil)
		want(204, "ann", "DELETE", sp("/api/v1/tokens/%d", id(tok)), nil)

		var never []string
		for _, op := range f.srv.RoutePatterns() {
			if !f.answered[op] {
				never = append(never, op)
			}
		}
		if len(never) > 0 {
			t.Errorf("routes this test never saw answer 2xx (exercise them): %v", never)
		}
	})
}
