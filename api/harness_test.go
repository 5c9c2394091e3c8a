package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/internal/testdb"
	"github.com/terrane/terrane/plan"
)

// fixture is a server over a real store holding a 4×3 grid layer: columns
// 0–1 are territory "W", 2–3 territory "E"; users of every role.
type fixture struct {
	t        testing.TB
	store    *data.Store
	srv      *api.Server
	tokens   map[string]string // user name → bearer token
	services api.Services
	baseline int64
	worker   *plan.Worker
	answered map[string]bool // operations that answered 2xx, for the contract test
}

// forEachStore runs fn with a fixture on every backend.
func forEachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, b := range testdb.Backends(t, "api") {
		t.Run(b.Name, func(t *testing.T) { fn(t, newFixture(t, b.URL)) })
	}
}

func cell(col, row int) orb.Polygon {
	x, y := -100+float64(col), 40+float64(row)
	return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
}

func newFixture(t testing.TB, dbURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateLayer(ctx, &terrane.Layer{ID: "grid", Name: "Grid"}); err != nil {
		t.Fatal(err)
	}
	var units []*terrane.Unit
	var est []*terrane.MarketEstimate
	var accts []*terrane.Account
	var edges [][2]string
	align := map[string]string{}
	id := func(c, r int) string { return string(rune('a'+c)) + string(rune('0'+r)) }
	for c := 0; c < 4; c++ {
		for r := 0; r < 3; r++ {
			u := id(c, r)
			units = append(units, &terrane.Unit{ID: u, Name: "Cell " + u, Region: []string{"R1", "R1", "R2", "R2"}[c], Geometry: cell(c, r),
				Centroid: orb.Point{-99.5 + float64(c), 40.5 + float64(r)}, Attributes: map[string]float64{"pop": float64(1000 * (c + r + 1))}})
			market := 1e6 * float64(1+c)
			rev := 2e4 * float64(1+r)
			est = append(est, &terrane.MarketEstimate{Layer: "grid", UnitID: u, Market: market, Revenue: rev, Share: rev / market,
				Saturation: 0.1, Floor: rev / market / 2, Low: market * 0.8, High: market * 1.2})
			accts = append(accts, &terrane.Account{ID: "acct-" + u, Name: "Account " + u, Location: orb.Point{-99.5 + float64(c), 40.5 + float64(r)},
				Layer: "grid", UnitID: u, Revenue: rev})
			if c < 2 {
				align[u] = "W"
			} else {
				align[u] = "E"
			}
			if c+1 < 4 {
				edges = append(edges, [2]string{u, id(c+1, r)})
			}
			if r+1 < 3 {
				edges = append(edges, [2]string{u, id(c, r+1)})
			}
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ReplaceUnits(ctx, "grid", units))
	must(s.SetAdjacency(ctx, "grid", edges))
	must(s.UpsertMarketEstimates(ctx, est))
	must(s.CreateAccounts(ctx, accts))
	sc := &terrane.Scenario{Name: "Baseline", Layer: "grid", Budget: 400000, CreatedBy: "seed",
		Resources: []terrane.Resource{{Name: "headcount", Unit: "reps", UnitCost: 100000, Integer: true, Total: new(3.0)}, {Name: "money", Unit: "dollars per year", UnitCost: 1, Total: new(50000.0)}},
		Settings:  json.RawMessage(`{"shape":0.8,"align":{"time_limit_seconds":2}}`)}
	terrs := []*terrane.Territory{
		{ID: "W", Name: "West", Owners: []string{"rita"}, Current: map[string]float64{"headcount": 1, "money": 20000}},
		{ID: "E", Name: "East", Owners: []string{"rick"}, Current: map[string]float64{"headcount": 2, "money": 30000}},
	}
	must(s.CreateScenario(ctx, sc, terrs, align))
	f := &fixture{t: t, store: s, tokens: map[string]string{}, baseline: sc.ID, answered: map[string]bool{}}
	for _, u := range []struct{ name, role, terr string }{
		{"ada", terrane.RoleAdmin, ""}, {"lee", terrane.RoleLeader, ""}, {"ann", terrane.RoleAnalyst, ""},
		{"rita", terrane.RoleRep, "W"}, {"rick", terrane.RoleRep, "E"},
	} {
		h, err := api.HashPassword("password-" + u.name)
		must(err)
		usr := &terrane.User{Name: u.name, Role: u.role, PasswordHash: h}
		if u.terr != "" {
			usr.Territories = []string{u.terr}
		}
		must(s.CreateUser(ctx, usr))
		tok, hash := api.NewToken()
		must(s.CreateToken(ctx, &terrane.Token{UserID: usr.ID, Hash: hash}))
		f.tokens[u.name] = tok
	}
	f.worker = &plan.Worker{Services: s, Name: "test-worker", Poll: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.services = api.Services{Geography: s, Scenarios: s, Runs: s, Users: s, Imports: s, Ping: s.Ping, Wake: f.worker.Wake}
	f.srv = api.NewServer(api.Config{Version: "test", LoginEvery: time.Hour, LoginBurst: 5}, f.services, nil, nil)
	return f
}

// startWorker runs the run worker until the test ends.
func (f *fixture) startWorker() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.worker.Run(ctx); close(done) }()
	f.t.Cleanup(func() { cancel(); <-done })
}

// do sends a request as user (empty = anonymous) and decodes a JSON answer.
func (f *fixture) do(user, method, path string, body any) (int, map[string]any) {
	f.t.Helper()
	code, raw := f.raw(user, method, path, body)
	var out map[string]any
	if len(raw) > 0 && (raw[0] == '{') {
		if err := json.Unmarshal(raw, &out); err != nil {
			f.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return code, out
}

func (f *fixture) raw(user, method, path string, body any) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	if id, ok := versionedWrite(method, path); ok && !carriesVersion(body) {
		if v := f.readVersion(id); v > 0 {
			req.Header.Set("If-Match", fmt.Sprintf("%q", strconv.FormatInt(v, 10)))
		}
	}
	return f.serve(req)
}

// versionedWritePath is a write that must carry the version it read: PATCH
// …/scenarios/{id}, …/assignments (not a dry run) and …/territories/{tid}.
var versionedWritePath = regexp.MustCompile(`^/api/v1/scenarios/(\d+)(/assignments|/territories/[^/]+)?$`)

// versionedWrite is the scenario id of a write that must carry a version.
func versionedWrite(method, path string) (int64, bool) {
	if method != "PATCH" || strings.Contains(path, "dry_run=true") {
		return 0, false
	}
	m := versionedWritePath.FindStringSubmatch(strings.SplitN(path, "?", 2)[0])
	if m == nil {
		return 0, false
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id, true
}

// carriesVersion tells whether a request body sets version itself (a test
// of a stale or bad version): then the harness adds no If-Match.
func carriesVersion(body any) bool {
	switch b := body.(type) {
	case nil:
		return false
	case string:
		return strings.Contains(b, `"version"`)
	case map[string]any:
		_, ok := b["version"]
		return ok
	}
	return false
}

// readVersion is a scenario's version as GET …/scenarios/{id} gives it
// (ann reads it, as a planner client would before writing); 0 when it
// cannot be read (a test of a missing scenario). Every versioned write of
// f.do and f.raw sends it as If-Match, as the web app does; a test of a
// write without a version uses f.unversioned.
func (f *fixture) readVersion(id int64) int64 {
	f.t.Helper()
	req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/scenarios/%d", id), nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["ann"])
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	if w.Code != 200 {
		return 0
	}
	var sc struct {
		Version int64 `json:"version"`
	}
	json.Unmarshal(w.Body.Bytes(), &sc)
	return sc.Version
}

// unversioned sends a JSON write as user with neither version nor If-Match.
func (f *fixture) unversioned(user, method, path string, body any) (int, map[string]any) {
	f.t.Helper()
	j, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	code, raw := f.serve(req)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return code, out
}

// serve answers req and checks the answer against openapi.json.
func (f *fixture) serve(req *http.Request) (int, []byte) {
	f.t.Helper()
	var sent []byte
	if req.Body != nil {
		sent, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	req.Body = io.NopCloser(bytes.NewReader(sent))
	if op := checkContract(f.t, req, w.Code, w.Header(), w.Body.Bytes()); op != "" && w.Code < 300 {
		f.answered[op] = true
	}
	return w.Code, w.Body.Bytes()
}

// errMessage is the message of an error answer.
func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}
