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
// holds a number that is not finite.
func FuzzWriteBodies(f *testing.F) {
	fx := newFixture(f, "sqlite::memory:")
	srv := api.NewServer(api.Config{Version: "fuzz", LoginBurst: 1 << 30, LoginClientBurst: 1 << 30, LoginAccountFailures: 1 << 30}, fx.services, nil, nil)
	routes := jsonWriteRoutes(f)
	ids := strings.NewReplacer("{id}", strconv.FormatInt(fx.baseline, 10), "{tid}", "W", "{uid}", "1", "{rid}", "1", "{b}", strconv.FormatInt(fx.baseline, 10))
	for i := range routes {
		for _, seed := range []string{`{}`, `{"name":"x"}`, `{"budget":1e308}`, `{"moves":{"a0":"E"}}`, `{"kind":"allocate"}`,
			`{"label":"a\u0000"}`, `{"resources":[{"name":"r","unit_cost":-1}]}`, `{"name":"` + "\xff" + `"}`, `[1,2,3]`, `{"settings":{"shape":1e400}}`} {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		r := routes[int(which)%len(routes)]
		path := ids.Replace(r[1])
		for _, user := range []string{"ada", "ann"} {
			req := httptest.NewRequest(r[0], path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+fx.tokens[user])
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s %s as %s with %q = %d %s", r[0], path, user, body, w.Code, w.Body.String())
			}
			if err := finiteJSON(w.Body.Bytes()); err != "" {
				t.Fatalf("%s %s as %s with %q answered %s: %s", r[0], path, user, body, w.Body.String(), err)
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
