package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/crypto/bcrypt"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
)

// login posts a sign-in from addr (the connection's address) with extra
// headers and returns the recorder.
func login(srv *api.Server, addr, name, password string, header map[string]string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(map[string]string{"name": name, "password": password})
	req := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr + ":40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, req)
	return w
}

// Finding 3: Gin trusted every proxy, so a rotating X-Forwarded-For or
// X-Real-IP was a new client each time and never limited.
func TestLoginIgnoresForwardedHeadersFromUntrustedPeers(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		srv := api.NewServer(api.Config{LoginEvery: time.Hour, LoginBurst: 5, LoginAccountFailures: 1000}, f.services, nil, nil)
		var codes []int
		for i := 0; i < 8; i++ {
			fake := "198.51.100." + string(rune('1'+i))
			codes = append(codes, login(srv, "203.0.113.9", "lee", "wrong-password", map[string]string{"X-Forwarded-For": fake, "X-Real-IP": fake}).Code)
		}
		if codes[4] != 401 || codes[5] != 429 || codes[7] != 429 {
			t.Errorf("codes with a rotating X-Forwarded-For = %v; want 401 ×5 then 429: the header is not believed", codes)
		}
		// Behind a trusted proxy, the forwarded address is the client.
		srv = api.NewServer(api.Config{LoginEvery: time.Hour, LoginBurst: 5, LoginAccountFailures: 1000, TrustedProxies: []string{"10.0.0.0/8"}}, f.services, nil, nil)
		for i := 0; i < 5; i++ {
			login(srv, "10.1.2.3", "lee", "wrong-password", map[string]string{"X-Forwarded-For": "198.51.100.7"})
		}
		if w := login(srv, "10.1.2.3", "lee", "wrong-password", map[string]string{"X-Forwarded-For": "198.51.100.7"}); w.Code != 429 {
			t.Errorf("sixth wrong password of one forwarded client = %d; want 429", w.Code)
		}
		if w := login(srv, "10.1.2.3", "lee", "wrong-password", map[string]string{"X-Forwarded-For": "198.51.100.8"}); w.Code != 401 {
			t.Errorf("another forwarded client = %d; want 401, its own limit", w.Code)
		}
	})
}

// Finding 3: no per-account limit; the right password refused while an
// address is limited.
func TestLoginLimitsPerAccountAndSparesOthers(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		srv := api.NewServer(api.Config{LoginEvery: time.Hour, LoginBurst: 3, LoginAccountFailures: 6, LoginAccountLock: time.Minute}, f.services, nil, nil)
		// Six wrong passwords for lee, each from a different address.
		for i := 0; i < 6; i++ {
			if w := login(srv, "192.0.2."+string(rune('1'+i)), "lee", "wrong-password", nil); w.Code != 401 {
				t.Fatalf("wrong password %d = %d; want 401", i, w.Code)
			}
		}
		w := login(srv, "192.0.2.200", "lee", "password-lee", nil)
		if w.Code != 429 || !strings.Contains(w.Body.String(), `account \"lee\" is locked`) || !strings.Contains(w.Body.String(), "try again in") || w.Header().Get("Retry-After") == "" {
			t.Errorf("right password for the locked account = %d %s; want 429 naming the account and the wait", w.Code, w.Body.String())
		}
		// The address that was limited for lee signs in as ann.
		for i := 0; i < 4; i++ {
			login(srv, "192.0.2.1", "lee", "wrong-password", nil)
		}
		if w := login(srv, "192.0.2.1", "ann", "password-ann", nil); w.Code != 200 {
			t.Errorf("right password for another account from a limited address = %d %s; want 200", w.Code, w.Body.String())
		}
	})
}

// Finding 4: an unknown name answered in 2 ms, a known one in 69 ms,
// because only a known name cost a bcrypt comparison. Now every sign-in
// makes exactly one comparison against a hash of the same cost, whether the
// name exists or not; counted, not timed.
func TestLoginTimingDoesNotTellNamesApart(t *testing.T) {
	f := newFixture(t, "sqlite::memory:")
	srv := api.NewServer(api.Config{LoginEvery: time.Millisecond, LoginBurst: 1000, LoginAccountFailures: 1000}, f.services, nil, nil)
	var costs []int
	defer api.SetComparePassword(func(hash, password []byte) error {
		c, err := bcrypt.Cost(hash)
		if err != nil {
			t.Errorf("compared with something that is not a bcrypt hash: %v", err)
		}
		costs = append(costs, c)
		return bcrypt.CompareHashAndPassword(hash, password)
	})()
	for _, name := range []string{"lee", "no-such-user"} {
		costs = costs[:0]
		if w := login(srv, "192.0.2.1", name, "wrong-password", nil); w.Code != 401 {
			t.Fatalf("%s = %d", name, w.Code)
		}
		if len(costs) != 1 || costs[0] != bcrypt.DefaultCost {
			t.Errorf("signing in as %s made comparisons of cost %v; want one of cost %d, as for every name", name, costs, bcrypt.DefaultCost)
		}
	}
}

// Finding 5: geometry routes were public for every layer with every
// attribute; now only the census layers are, with geometry and names.
func TestGeometryIsPublicOnlyForCensusLayers(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if err := f.store.CreateLayer(ctx, &terrane.Layer{ID: "us-states", Name: "US states"}); err != nil {
			t.Fatal(err)
		}
		sq := orb.Polygon{{{-100, 40}, {-99, 40}, {-99, 41}, {-100, 41}, {-100, 40}}}
		if err := f.store.ReplaceUnits(ctx, "us-states", []*terrane.Unit{{ID: "08", Name: "Colorado", Region: "West", Geometry: sq,
			Centroid: orb.Point{-99.5, 40.5}, Attributes: map[string]float64{"secret_revenue": 123456}}}); err != nil {
			t.Fatal(err)
		}
		code, raw := f.raw("", "GET", "/api/v1/layers/us-states/units", nil)
		if code != 200 || !strings.Contains(string(raw), `"Colorado"`) || !strings.Contains(string(raw), `"coordinates"`) || strings.Contains(string(raw), "secret_revenue") {
			t.Errorf("anonymous census units = %d %s; want geometry and names, no attributes", code, raw)
		}
		if code, raw := f.raw("rita", "GET", "/api/v1/layers/us-states/units", nil); code != 200 || !strings.Contains(string(raw), "secret_revenue") {
			t.Errorf("signed-in census units = %d %s; want the attributes", code, raw)
		}
		if code, _ := f.raw("", "GET", "/api/v1/tiles/us-states/0/0/0.mvt", nil); code != 200 {
			t.Errorf("anonymous census tile = %d; want 200", code)
		}
		for _, p := range []string{"/api/v1/layers/grid/units", "/api/v1/layers/grid/regions", "/api/v1/tiles/grid/0/0/0.mvt"} {
			if code, _ := f.raw("", "GET", p, nil); code != 401 {
				t.Errorf("anonymous %s = %d; want 401", p, code)
			}
		}
		// Tiles are cached per layer version: a new geometry shows at once.
		_, before := f.raw("rita", "GET", "/api/v1/tiles/us-states/0/0/0.mvt", nil)
		big := orb.Polygon{{{-120, 30}, {-80, 30}, {-80, 45}, {-120, 45}, {-120, 30}}}
		if err := f.store.ReplaceUnits(ctx, "us-states", []*terrane.Unit{{ID: "08", Name: "Colorado", Geometry: big, Centroid: orb.Point{-100, 38}}, {ID: "09", Name: "Connecticut", Geometry: sq, Centroid: orb.Point{-99.5, 40.5}}}); err != nil {
			t.Fatal(err)
		}
		_, after := f.raw("rita", "GET", "/api/v1/tiles/us-states/0/0/0.mvt", nil)
		if bytes.Equal(before, after) {
			t.Errorf("the tile did not change with the layer's units: cached across versions")
		}
	})
}

// Finding 8: a NUL byte reached PostgreSQL (500); budget 1e308 was accepted.
func TestBodiesRefuseNULAndOutOfDomainNumbers(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		sp := "/api/v1/scenarios/" + itoa(f.baseline)
		f.run(t, []check{
			{"NUL in the login name", "", "POST", "/api/v1/login", `{"name":"lee\u0000","password":"password-lee"}`, 400, "field name contains a NUL"},
			{"NUL in a scenario name", "ann", "PATCH", sp, `{"name":"Plan\u0000B"}`, 400, "field name contains a NUL"},
			{"NUL in a token label", "ann", "POST", "/api/v1/tokens", `{"label":"ci\u0000"}`, 400, "field label contains a NUL"},
			{"invalid UTF-8", "ann", "PATCH", sp, "{\"name\":\"Plan \xff\"}", 400, "UTF-8"},
			{"budget 1e308", "ann", "PATCH", sp, `{"budget":1e308}`, 400, "field budget is 1e308"},
			{"a resource's cost 1e300", "ann", "PATCH", sp, `{"resources":[{"name":"x","unit":"u","unit_cost":1e300}]}`, 400, "resources[0].unit_cost"},
			{"a 1 MB name", "ann", "PATCH", sp, `{"name":"` + strings.Repeat("n", 1<<20) + `"}`, 400, "field name is 1048576 bytes long"},
			{"a 1 MB token label", "ann", "POST", "/api/v1/tokens", `{"label":"` + strings.Repeat("n", 1<<20) + `"}`, 400, "field label is"},
			{"50,000 resources", "ann", "PATCH", sp, `{"resources":[` + strings.TrimSuffix(strings.Repeat(`{"name":"r"},`, 50000), ",") + `]}`, 400, "field resources has more than 1000 items"},
			{"a type error names no Go type", "ann", "PATCH", sp, `{"budget":"lots"}`, 400, "field budget must be a number"},
			{"a settings type error names no Go type", "ann", "PATCH", sp, `{"settings":{"shape":"steep"}}`, 400, "shape must be a number, not string"},
		})
		for _, body := range []string{`{"budget":"lots"}`, `{"settings":{"shape":"steep"}}`, `{"resources":[{"name":1}]}`} {
			if _, raw := f.raw("ann", "PATCH", sp, body); strings.Contains(string(raw), "float64") || strings.Contains(string(raw), "Go ") || strings.Contains(string(raw), "terrane.") || strings.Contains(string(raw), "plan.") {
				t.Errorf("%s: the message names Go types: %s", body, raw)
			}
		}
		// The baseline is read-only whatever the body, so the numbers are
		// tried on a draft too: refused by the check, nothing written, and
		// the frontier (500 on NaN when 1e308 was stored) still answers.
		a := "/api/v1/scenarios/" + itoa(f.branch(t, "Plan A", nil))
		_, before := f.do("ann", "GET", a, nil)
		frontier := func(p string) {
			t.Helper()
			if code, body := f.do("ann", "GET", p+"/frontier", nil); code != 200 {
				t.Errorf("%s/frontier = %d %v; want 200", p, code, body)
			}
		}
		f.run(t, []check{{"budget 1e308 on a draft", "ann", "PATCH", a, `{"budget":1e308}`, 400, "field budget is 1e308"}})
		frontier(a)
		many := make([]string, 50000)
		for i := range many {
			many[i] = fmt.Sprintf(`{"name":"r%d","unit":"u","unit_cost":1}`, i)
		}
		f.run(t, []check{
			{"a resource's cost 1e300 on a draft", "ann", "PATCH", a, `{"resources":[{"name":"x","unit":"u","unit_cost":1e300}]}`, 400, "resources[0].unit_cost"},
			{"50,000 resources on a draft", "ann", "PATCH", a, `{"resources":[` + strings.Join(many, ",") + `]}`, 400, "field resources has more than 1000 items"},
		})
		_, after := f.do("ann", "GET", a, nil)
		if fmt.Sprint(after["budget"], len(after["resources"].([]any))) != fmt.Sprint(before["budget"], len(before["resources"].([]any))) {
			t.Errorf("budget %v and %d resources after refused writes; were %v and %d", after["budget"], len(after["resources"].([]any)), before["budget"], len(before["resources"].([]any)))
		}
		frontier(sp)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Lower: no security headers.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, "sqlite::memory:")
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/me", nil))
	h := w.Header()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "worker-src 'self' blob:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q allows inline script or eval", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers = %v; want nosniff, no-referrer and DENY", h)
	}
}

// Lower: the session cookie lacked Secure behind TLS; tokens never expired;
// a cookie-authenticated write from a foreign Origin was accepted.
func TestSessionCookieExpiryRotationAndOrigin(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		srv := api.NewServer(api.Config{SessionLifetime: 2 * time.Second, TrustedProxies: []string{"10.0.0.1"}}, f.services, nil, nil)
		cookieOf := func(w *httptest.ResponseRecorder) *http.Cookie {
			for _, c := range w.Result().Cookies() {
				if c.Name == api.SessionCookie {
					return c
				}
			}
			return nil
		}
		if c := cookieOf(login(srv, "10.0.0.1", "ann", "password-ann", map[string]string{"X-Forwarded-Proto": "https"})); c == nil || !c.Secure {
			t.Errorf("cookie behind a trusted TLS proxy = %+v; want Secure", c)
		}
		if c := cookieOf(login(srv, "203.0.113.5", "ann", "password-ann", map[string]string{"X-Forwarded-Proto": "https"})); c == nil || c.Secure {
			t.Errorf("cookie over plain HTTP from an untrusted peer claiming https = %+v; want not Secure", c)
		}
		ck := cookieOf(login(srv, "203.0.113.5", "ann", "password-ann", nil))
		send := func(method, path, origin string, ck *http.Cookie) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, path, strings.NewReader(`{"label":"x"}`))
			req.Header.Set("Content-Type", "application/json")
			if origin != "" {
				req.Header.Set("Origin", origin)
			}
			req.AddCookie(ck)
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, req)
			return w
		}
		if w := send("POST", "/api/v1/tokens", "https://evil.example", ck); w.Code != 403 || !strings.Contains(w.Body.String(), "evil.example") {
			t.Errorf("cookie write from a foreign Origin = %d %s; want 403", w.Code, w.Body.String())
		}
		// What a cross-site form, or a fetch without a preflight, sends:
		// text/plain with the victim's cookie.
		req := httptest.NewRequest("POST", "/api/v1/tokens", strings.NewReader(`{"label":"x"}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Origin", "https://evil.example")
		req.AddCookie(ck)
		plain := httptest.NewRecorder()
		srv.Handler().ServeHTTP(plain, req)
		if plain.Code != 403 {
			t.Errorf("text/plain cookie write from a foreign Origin = %d %s; want 403", plain.Code, plain.Body.String())
		}
		if w := send("POST", "/api/v1/tokens", "http://example.com", ck); w.Code != 201 {
			t.Errorf("cookie write from this site = %d %s; want 201", w.Code, w.Body.String())
		}
		time.Sleep(1100 * time.Millisecond) // past half the lifetime: rotated
		w := send("GET", "/api/v1/me", "", ck)
		fresh := cookieOf(w)
		if w.Code != 200 || fresh == nil || fresh.Value == ck.Value {
			t.Fatalf("a session past half its life = %d, cookie %+v; want 200 and a new cookie", w.Code, fresh)
		}
		time.Sleep(1000 * time.Millisecond) // the first session is past its lifetime
		if w := send("GET", "/api/v1/me", "", ck); w.Code != 401 || !strings.Contains(w.Body.String(), "expired") {
			t.Errorf("the first session past its lifetime = %d %s; want 401 expired", w.Code, w.Body.String())
		}
		if w := send("GET", "/api/v1/me", "", fresh); w.Code != 200 {
			t.Errorf("the rotated session = %d %s; want 200", w.Code, w.Body.String())
		}
		time.Sleep(1100 * time.Millisecond)
		if w := send("GET", "/api/v1/me", "", fresh); w.Code != 401 || !strings.Contains(w.Body.String(), "expired") {
			t.Errorf("an expired session = %d %s; want 401 expired", w.Code, w.Body.String())
		}
	})
}

// Lower: a client that went away was logged as an internal error.
func TestClientDisconnectIsNotAnError(t *testing.T) {
	f := newFixture(t, "sqlite::memory:")
	var log bytes.Buffer
	srv := api.NewServer(api.Config{}, f.services, nil, slog.New(slog.NewTextHandler(&log, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/api/v1/scenarios", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+f.tokens["ann"])
	srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
	if strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("a canceled request logged an error:\n%s", log.String())
	}
}

// Lower: only a header timeout; a body trickled at 1 byte / 5 s stayed open.
func TestTrickledBodyIsCutOff(t *testing.T) {
	f := newFixture(t, "sqlite::memory:")
	srv := api.NewServer(api.Config{ReadTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}, f.services, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	defer func() { cancel(); <-done }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.ReadAll(conn) // the server answers or closes
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a trickled body held the connection %v; want it cut at the read timeout", d)
	}
}

// Lower: API tokens never expired on the server. A token past
// Config.TokenLifetime is refused (401, saying so) and revoked; a new one,
// issued with POST /tokens, works (rotation).
func TestAPITokenExpires(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		srv := api.NewServer(api.Config{TokenLifetime: time.Second}, f.services, nil, nil)
		call := func(method, path, token string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, path, strings.NewReader(`{"label":"ci"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			srv.Handler().ServeHTTP(w, req)
			return w
		}
		issue := func(with string) string {
			w := call("POST", "/api/v1/tokens", with)
			var out struct {
				Token string `json:"token"`
			}
			if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &out) != nil || out.Token == "" {
				t.Fatalf("POST /tokens = %d %s", w.Code, w.Body.String())
			}
			return out.Token
		}
		time.Sleep(1100 * time.Millisecond) // the fixture's tokens are past the lifetime now
		if w := call("GET", "/api/v1/me", f.tokens["ann"]); w.Code != 401 || !strings.Contains(w.Body.String(), "expired") {
			t.Fatalf("a token past its lifetime = %d %s; want 401 expired", w.Code, w.Body.String())
		}
		// A fresh server-side token (as users add issues them) works until it too expires.
		tok, hash := api.NewToken()
		ann, _ := f.store.FindUserByName(context.Background(), "ann")
		if err := f.store.CreateToken(context.Background(), &terrane.Token{UserID: ann.ID, Hash: hash, Label: "cli"}); err != nil {
			t.Fatal(err)
		}
		rotated := issue(tok)
		if w := call("GET", "/api/v1/me", rotated); w.Code != 200 {
			t.Errorf("a new token = %d %s; want 200", w.Code, w.Body.String())
		}
		time.Sleep(1100 * time.Millisecond)
		if w := call("GET", "/api/v1/me", tok); w.Code != 401 || !strings.Contains(w.Body.String(), "expired") {
			t.Errorf("an expired token = %d %s; want 401 expired", w.Code, w.Body.String())
		}
		if w := call("GET", "/api/v1/me", tok); w.Code != 401 || !strings.Contains(w.Body.String(), "revoked") {
			t.Errorf("an expired token, again = %d %s; want 401: it was revoked", w.Code, w.Body.String())
		}
	})
}

// Lower: CSV exports carried spreadsheet formulas. An accounts import with
// names a spreadsheet would run comes back in accounts.csv with each such
// cell led by a quote; a number stays a number.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		file := "Account,Name,lon,lat,ARR\n" +
			"f1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",-99.5,40.5,10\n" +
			"f2,+1+1,-99.5,40.5,12.5\n" +
			"f3,@SUM(A1),-99.5,40.5,10\n" +
			"f4,-2+3,-99.5,40.5,10\n"
		if code, out := f.upload("ann", map[string]string{"kind": "accounts", "layer": "grid", "id": "Account", "name": "Name", "revenue": "ARR"}, file); code != 200 {
			t.Fatalf("accounts import: %d %v", code, out)
		}
		code, raw := f.raw("ann", "GET", "/api/v1/scenarios/"+itoa(f.baseline)+"/exports/accounts.csv", nil)
		if code != 200 {
			t.Fatalf("accounts.csv = %d %s", code, raw)
		}
		for _, want := range []string{`f1,"'=HYPERLINK(""http://evil.example"",""x"")"`, "f2,'+1+1,", "f3,'@SUM(A1),", "f4,'-2+3,", ",12.5,"} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("accounts.csv lacks %q:\n%s", want, raw)
			}
		}
	})
}

// Finding 8: an accounts CSV with a NUL byte reached PostgreSQL, which
// cannot store one (500). It is a 400 naming the line, on both databases,
// and the layer's accounts are as they were.
func TestImportWithNULIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		for _, file := range []string{"Account,Name,lon,lat,ARR\nn1,Acme,-99.5,40.5,10\nn2,Ac\x00me,-99.5,40.5,10\n", "Account,Name,lon,lat,ARR\nn1,Acme,-99.5,40.5,10\nn2,Ac\xffme,-99.5,40.5,10\n"} {
			code, out := f.upload("ann", map[string]string{"kind": "accounts", "layer": "grid", "id": "Account", "name": "Name", "revenue": "ARR"}, file)
			if code != 400 || !strings.Contains(fmt.Sprint(out), "line 3") {
				t.Errorf("accounts CSV %q = %d %v; want 400 naming line 3", file, code, out)
			}
		}
		if _, raw := f.raw("ann", "GET", "/api/v1/scenarios/"+itoa(f.baseline)+"/exports/accounts.csv", nil); !strings.Contains(string(raw), "acct-a0") {
			t.Errorf("accounts after refused imports:\n%s", raw)
		}
	})
}
