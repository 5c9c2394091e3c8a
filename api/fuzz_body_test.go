package api_test

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/terrane/terrane/api"
)

// jsonWriteRoutes are the routes of openapi.json whose request body is JSON,
// as method and path template: every one the fuzz target feeds.
func jsonWriteRoutes(t testing.TB) [][2]string {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for p, ops := range doc.Paths {
		for m, op := range ops {
			if _, ok := op.RequestBody.Content["application/json"]; ok {
				out = append(out, [2]string{strings.ToUpper(m), p})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1]+out[i][0] < out[j][1]+out[j][0] })
	if len(out) < 10 {
		t.Fatalf("only %d JSON write routes in openapi.json", len(out))
	}
	return out
}

// FuzzWriteBodies sends arbitrary bytes as the JSON body of every write
// route, as an admin and as an analyst: no answer is a 500, and no answer
// holds a number that is not finite. A route of a scenario is called on the
// baseline, which is read-only, and on a fresh draft with the version it
// read (If-Match), where the body reaches the scenario's checks; a write
// the draft takes must leave it readable: its frontier answers, with
// finite numbers (a budget of 1e308 once came back NaN, a 500).
func FuzzWriteBodies(f *testing.F) {
	fx := newFixture(f, "sqlite::memory:")
	srv := api.NewServer(api.Config{Version: "fuzz", LoginBurst: 1 << 30, LoginClientBurst: 1 << 30, LoginAccountFailures: 1 << 30}, fx.services, nil, nil)
	routes := jsonWriteRoutes(f)
	for i := range routes {
		for _, seed := range []string{`{}`, `{"name":"x"}`, `{"budget":1e308}`, `{"moves":{"a0":"E"}}`, `{"kind":"allocate"}`,
			`{"label":"a\u0000"}`, `{"resources":[{"name":"r","unit_cost":-1}]}`, `{"name":"` + "\xff" + `"}`, `[1,2,3]`, `{"settings":{"shape":1e400}}`,
			`{"resources":[{"name":"x","unit":"u","unit_cost":1e300}]}`} {
			f.Add(uint8(i), seed)
		}
	}
	var drafts atomic.Int64
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		call := func(user, method, path, ifMatch, body string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+fx.tokens[user])
			if ifMatch != "" {
				req.Header.Set("If-Match", ifMatch)
			}
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, req)
			return w
		}
		check := func(what string, w *httptest.ResponseRecorder) {
			t.Helper()
			if w.Code >= 500 {
				t.Fatalf("%s with %q = %d %s", what, body, w.Code, w.Body.String())
			}
			if err := finiteJSON(w.Body.Bytes()); err != "" {
				t.Fatalf("%s with %q answered %s: %s", what, body, w.Body.String(), err)
			}
		}
		r := routes[int(which)%len(routes)]
		targets := []int64{fx.baseline}
		if strings.Contains(r[1], "{id}") {
			w := call("ann", "POST", "/api/v1/scenarios", "", `{"name":"Fuzz `+strconv.FormatInt(drafts.Add(1), 10)+`","from":`+strconv.FormatInt(fx.baseline, 10)+`}`)
			var sc struct {
				ID int64 `json:"id"`
			}
			if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &sc) != nil {
				t.Fatalf("branch = %d %s", w.Code, w.Body.String())
			}
			targets = append(targets, sc.ID)
			defer call("ann", "DELETE", "/api/v1/scenarios/"+strconv.FormatInt(sc.ID, 10), "", "")
		}
		for _, id := range targets {
			sid := strconv.FormatInt(id, 10)
			path := strings.NewReplacer("{id}", sid, "{tid}", "W", "{uid}", "1", "{rid}", "1", "{b}", strconv.FormatInt(fx.baseline, 10)).Replace(r[1])
			for _, user := range []string{"ada", "ann"} {
				ifMatch := ""
				if id != fx.baseline {
					ifMatch = call("ann", "GET", "/api/v1/scenarios/"+sid, "", "").Header().Get("ETag")
				}
				w := call(user, r[0], path, ifMatch, body)
				check(r[0]+" "+path+" as "+user, w)
				if id != fx.baseline && w.Code < 300 {
					check("the frontier of scenario "+sid+" after "+r[0]+" "+path, call("ann", "GET", "/api/v1/scenarios/"+sid+"/frontier", "", ""))
				}
			}
		}
	})
}

// finiteJSON returns what is wrong with a JSON answer's numbers, or "".
func finiteJSON(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return ""
			}
			return "not JSON: " + err.Error()
		}
		if n, ok := tok.(json.Number); ok {
			x, err := strconv.ParseFloat(string(n), 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return "the number " + string(n) + " is not finite"
			}
		}
	}
}
