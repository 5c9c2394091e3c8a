package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
)

// access is the decision, per route of openapi.json, of who may call it:
// public (anyone, signed in or not), user (any signed-in role), planner
// (analyst, leader, admin), leader (leader, admin) or admin. A route added to the API
// without a line here fails TestRoleRouteMatrix.
var access = map[string]string{
	"GET /api/v1/openapi.json":                       "public",
	"POST /api/v1/login":                             "public",
	"POST /api/v1/logout":                            "user",
	"GET /api/v1/me":                                 "user",
	"GET /api/v1/layers":                             "user",
	"GET /api/v1/layers/{layer}":                     "user",
	"GET /api/v1/layers/{layer}/units":               "user", // public only on the built-in census layers, which the grid is not (api/security_test.go)
	"GET /api/v1/layers/{layer}/regions":             "user", // public only on the built-in census layers, which the grid is not (api/security_test.go)
	"GET /api/v1/layers/{layer}/opportunities":       "planner",
	"GET /api/v1/layers/{layer}/history":             "planner",
	"GET /api/v1/tiles/{layer}/{z}/{x}/{y}":          "user", // public only on the built-in census layers, which the grid is not (api/security_test.go)
	"GET /api/v1/scenarios":                          "user",
	"POST /api/v1/scenarios":                         "planner",
	"GET /api/v1/scenarios/{id}":                     "user",
	"PATCH /api/v1/scenarios/{id}":                   "planner",
	"DELETE /api/v1/scenarios/{id}":                  "planner",
	"POST /api/v1/scenarios/{id}/approve":            "leader",
	"POST /api/v1/scenarios/{id}/publish":            "leader",
	"GET /api/v1/scenarios/{id}/publish-impact":      "leader",
	"GET /api/v1/scenarios/{id}/kpis":                "user",
	"GET /api/v1/scenarios/{id}/conflicts":           "user",
	"POST /api/v1/scenarios/{id}/conflicts/resolve":  "planner",
	"GET /api/v1/scenarios/{id}/audit":               "planner",
	"GET /api/v1/scenarios/{id}/territories":         "user",
	"GET /api/v1/scenarios/{id}/territories.geojson": "user",
	"GET /api/v1/scenarios/{id}/territories/{tid}":   "user",
	"PATCH /api/v1/scenarios/{id}/territories/{tid}": "planner",
	"GET /api/v1/scenarios/{id}/assignments":         "user",
	"PATCH /api/v1/scenarios/{id}/assignments":       "planner",
	"GET /api/v1/scenarios/{id}/frontier":            "planner",
	"GET /api/v1/scenarios/{id}/compare/{b}":         "planner",
	"GET /api/v1/scenarios/{id}/exports/{file}":      "user",
	"POST /api/v1/scenarios/{id}/runs":               "planner",
	"GET /api/v1/scenarios/{id}/runs":                "planner",
	"GET /api/v1/runs/{rid}":                         "planner",
	"DELETE /api/v1/runs/{rid}":                      "planner",
	"GET /api/v1/runs/{rid}/events":                  "planner",
	"GET /api/v1/runs/{rid}/problem":                 "planner",
	"GET /api/v1/accounts":                           "user",
	"POST /api/v1/imports":                           "planner",
	"GET /api/v1/users":                              "admin",
	"POST /api/v1/users":                             "admin",
	"PATCH /api/v1/users/{uid}":                      "admin",
	"DELETE /api/v1/users/{uid}":                     "admin",
	"GET /api/v1/tokens":                             "user",
	"POST /api/v1/tokens":                            "user",
	"DELETE /api/v1/tokens/{tid}":                    "user",
}

// allowedRoles is who an access class lets in.
var allowedRoles = map[string][]string{
	"public":  {"", "rita", "ann", "lee", "ada"},
	"user":    {"rita", "ann", "lee", "ada"},
	"planner": {"ann", "lee", "ada"},
	"leader":  {"lee", "ada"},
	"admin":   {"ada"},
}

// TestRoleRouteMatrix calls every route of openapi.json as each of five
// roles — anonymous, rep, analyst, leader, admin — and checks the decision
// in access: a role not let in gets 401 (anonymous) or 403, a role let in
// never does (its answer may still be 400, 404 or 409 for the request
// sent). Path parameters name the published scenario, so a rep may read it.
func TestRoleRouteMatrix(t *testing.T) {
	f := newFixture(t, "sqlite:"+t.TempDir()+"/matrix.db")
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	pub := f.branch(t, "Published", nil)
	for _, step := range []string{"approve", "publish"} {
		if code, out := f.do("lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/%s", pub, step), nil); code != 200 {
			t.Fatalf("%s: %d %v", step, code, out)
		}
	}
	params := map[string]string{"{id}": fmt.Sprint(pub), "{b}": fmt.Sprint(f.baseline), "{tid}": "W", "{layer}": "grid",
		"{z}": "6", "{x}": "14", "{y}": "24.mvt", "{file}": "units.csv", "{rid}": "999999", "{uid}": "999999"}
	var routes []string
	for p, ops := range doc.Paths {
		for m := range ops {
			switch m {
			case "get", "post", "patch", "put", "delete":
				routes = append(routes, strings.ToUpper(m)+" "+p)
			}
		}
	}
	// Logging out revokes the caller's token: last.
	sort.Slice(routes, func(i, j int) bool {
		li, lj := strings.HasSuffix(routes[i], "/logout"), strings.HasSuffix(routes[j], "/logout")
		if li != lj {
			return lj
		}
		return routes[i] < routes[j]
	})
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt] = true
		class, ok := access[rt]
		if !ok {
			t.Errorf("%s is in openapi.json but has no access decision in TestRoleRouteMatrix", rt)
			continue
		}
		method, path, _ := strings.Cut(rt, " ")
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		if strings.Contains(path, "{") {
			t.Errorf("%s: no value for a path parameter in %s", rt, path)
			continue
		}
		if strings.Contains(rt, "/tokens/{tid}") {
			path = "/api/v1/tokens/999999"
		}
		let := map[string]bool{}
		for _, u := range allowedRoles[class] {
			let[u] = true
		}
		for _, u := range []string{"", "rita", "ann", "lee", "ada"} {
			var body any
			if method == "POST" || method == "PATCH" {
				body = map[string]any{}
			}
			code := f.status(u, method, path, body)
			who := u
			if who == "" {
				who = "anonymous"
			}
			switch {
			case let[u] && (code == 401 || code == 403):
				t.Errorf("%s as %s = %d; %s routes let %s in", rt, who, code, class, who)
			case !let[u] && u == "" && code != 401:
				t.Errorf("%s as anonymous = %d, want 401", rt, code)
			case !let[u] && u != "" && code != 403:
				t.Errorf("%s as %s = %d, want 403 (%s only)", rt, who, code, class)
			}
		}
	}
	for rt := range access {
		if !seen[rt] {
			t.Errorf("access lists %s, which openapi.json does not have", rt)
		}
	}
}

// status answers one request as user without the contract bookkeeping:
// the matrix sends bodies no route accepts as valid.
func (f *fixture) status(user, method, path string, body any) int {
	var rd *strings.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		rd = strings.NewReader(string(j))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	return w.Code
}
