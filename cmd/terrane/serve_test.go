package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/terrane/terrane/internal/testdb"
)

var binary string // path of the terrane binary built once for the end-to-end tests

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "terrane-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "terrane")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		panic("build terrane: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// postgresURL is a fresh PostgreSQL schema for the binary, or "" when not
// enabled (see internal/testdb).
func postgresURL(t *testing.T) string { return testdb.PostgresURL(t, "e2e") }

// startServer runs `terrane serve` on a free port and returns its base URL;
// the server is stopped with SIGTERM when the test ends, and must exit 0.
func startServer(t *testing.T, db string) string {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "DATABASE_URL=")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	var logs strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`url=(http://\S+)`)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
		close(urlc)
	}()
	var base string
	select {
	case u, ok := <-urlc:
		if !ok {
			cmd.Wait()
			t.Fatalf("server exited before serving:\n%s", logs.String())
		}
		base = u
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", logs.String())
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server did not shut down cleanly on SIGTERM: %v\n%s", err, logs.String())
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("server ignored SIGTERM")
		}
	})
	return base
}

func get(t *testing.T, u string, into any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("GET %s: body is not JSON: %v", u, err)
		}
	}
	return resp.StatusCode
}

func TestServeSampleCounties(t *testing.T) {
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "var", "terrane.db")}
	if pg := postgresURL(t); pg != "" {
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			base := startServer(t, db)
			var health map[string]any
			if code := get(t, base+"/healthz", &health); code != 200 || health["status"] != "ok" {
				t.Fatalf("GET /healthz = %d %v", code, health)
			}
			var fc struct {
				Type     string
				Features []struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
					Geometry   struct {
						Type string `json:"type"`
					} `json:"geometry"`
				}
			}
			if code := get(t, base+"/api/v1/layers/us-counties/units", &fc); code != 200 {
				t.Fatalf("GET units = %d", code)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != 3142 {
				t.Fatalf("got %s with %d features, want a FeatureCollection of 3142 counties", fc.Type, len(fc.Features))
			}
			byID := map[string]map[string]any{}
			for _, f := range fc.Features {
				if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
					t.Errorf("county %s geometry type %q", f.ID, f.Geometry.Type)
				}
				byID[f.ID] = f.Properties
			}
			for _, tc := range []struct {
				fips, name string
				pop        float64
			}{{"06037", "Los Angeles County", 10105518}, {"36061", "New York County", 1628701}} {
				p := byID[tc.fips]
				// Anonymous: geometry and names, never the attributes.
				if p == nil || p["name"] != tc.name || p["pop_2018"] != nil {
					t.Errorf("county %s = %v; want name %q and no attributes (pop_2018 %v is for signed-in callers)", tc.fips, p, tc.name, tc.pop)
				}
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if code := get(t, base+"/api/v1/layers/nowhere/units", &e); code != 401 || !strings.Contains(e.Error.Message, "nowhere") {
				t.Errorf("unknown layer, anonymously = %d %+v; want 401 naming it (not public)", code, e)
			}
		})
	}
}

func TestServeBadDatabaseIsOneLineError(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, []byte(strings.Repeat("garbage ", 1000)), 0o644)
	for _, tc := range []struct{ name, db, want string }{
		{"malformed URL", "mysql:/x", "scheme must be sqlite: or postgres://"},
		{"corrupt sqlite file", "sqlite:" + corrupt, "not a database"},
		{"unreachable postgres", "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", "cannot reach postgres database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0", "--db", tc.db)
			out, err := cmd.CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() == 0 {
				t.Fatalf("exit = %v, want a non-zero status; output:\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "terrane: ") || !strings.Contains(lines[0], tc.want) || strings.Contains(string(out), "panic") {
				t.Errorf("output = %q; want one line 'terrane: …%s…'", out, tc.want)
			}
		})
	}
}
