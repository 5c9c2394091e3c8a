package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite README.md's configuration table from the settings table")

// readmeConfiguration splits README.md around the table of its
// "## Configuration" section: before, the table, after.
func readmeConfiguration(t *testing.T, readme string) (before, table, after string) {
	t.Helper()
	const heading = "\n## Configuration\n"
	i := strings.Index(readme, heading)
	if i < 0 {
		t.Fatalf("README.md has no %q section", strings.TrimSpace(heading))
	}
	i += len(heading)
	start := strings.Index(readme[i:], "\n|")
	if start < 0 {
		t.Fatal("README.md's Configuration section has no table")
	}
	start += i + 1
	end := start
	for end < len(readme) && readme[end] == '|' {
		nl := strings.IndexByte(readme[end:], '\n')
		if nl < 0 {
			end = len(readme)
			break
		}
		end += nl + 1
	}
	return readme[:start], readme[start:end], readme[end:]
}

// TestREADMEConfiguration checks that README.md's configuration table is
// the settings table; go test -run TestREADMEConfiguration -update rewrites it.
func TestREADMEConfiguration(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, got, after := readmeConfiguration(t, string(b))
	want := settingsMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(before+want+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README.md's Configuration table differs from the settings table in cmd/terrane/config.go (-want +got); run go test ./cmd/terrane -run TestREADMEConfiguration -update:\n%s", diff)
	}
}

// TestSettingsTable checks the table itself: names are unique, every
// default parses, every command exists, and the defaults agree with the
// packages' own.
func TestSettingsTable(t *testing.T) {
	flags, envs := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if s.env == "" || s.meaning == "" || s.arg == "" {
			t.Errorf("setting %+v: env, meaning and arg are required", s)
		}
		if envs[s.env] {
			t.Errorf("variable %s appears twice", s.env)
		}
		envs[s.env] = true
		if s.flag != "" {
			if flags[s.flag] {
				t.Errorf("flag --%s appears twice", s.flag)
			}
			flags[s.flag] = true
			if len(s.commands) == 0 {
				t.Errorf("flag --%s: no command takes it", s.flag)
			}
		}
		if s.def != "" {
			if err := s.kind.check(s.def); err != nil {
				t.Errorf("%s: default: %v", s.env, err)
			}
		}
		for _, c := range s.commands {
			if _, ok := commands[c]; !ok {
				t.Errorf("%s: no command %q", s.env, c)
			}
		}
	}
	if !envs[testdb.EnvPostgres] {
		t.Errorf("the settings table does not list %s, the tests' PostgreSQL", testdb.EnvPostgres)
	}
	for flagName, want := range map[string]int64{"max-size": importer.DefaultMaxBytes, "max-upload-bytes": importer.DefaultHTTPMaxBytes} {
		for _, s := range settings {
			if s.flag == flagName {
				if got, _ := parseBytes(s.def); got != want {
					t.Errorf("--%s defaults to %s = %d bytes; the importer's default is %d", flagName, s.def, got, want)
				}
			}
		}
	}
}

// parseServe parses serve's settings from args and env as runServe does.
func parseServe(env map[string]string, args ...string) (*config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := addSettings(fs, "serve", "serve [flags]")
	return cfg, cfg.parseFlags(&environment{getenv: func(k string) string { return env[k] }}, args)
}

func TestSettingsPrecedence(t *testing.T) {
	def := func(edit func(c *api.Config)) api.Config {
		c := api.Config{MaxBodyBytes: 10 << 20, MaxImportBytes: 50 << 20, LoginEvery: 2 * time.Second, LoginBurst: 10, Version: terrane.Version,
			LoginClientBurst: 100, LoginAccountFailures: 20, LoginAccountLock: time.Minute, LoginTracked: 10000,
			SessionLifetime: 168 * time.Hour, TokenLifetime: 2160 * time.Hour, ReadTimeout: time.Minute, WriteTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute,
			MaxNameLength: 200, MaxTextLength: 10000, MaxArrayLength: 100000, MaxResources: 1000,
			MaxUnpackedBytes: 200 << 20, MaxUnpackRatio: 20, MaxVertices: 500000, MaxFeatureVertices: 100000}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want api.Config
		addr string
	}{
		{"defaults", nil, nil, def(nil), "127.0.0.1:8080"},
		{"environment", map[string]string{"TERRANE_ADDR": ":9000", "TERRANE_MAX_BODY_BYTES": "1KiB", "TERRANE_MAX_UPLOAD_BYTES": "2048",
			"TERRANE_LOGIN_EVERY": "1m", "TERRANE_LOGIN_BURST": "3", "TERRANE_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1", "TERRANE_MAX_VERTICES": "7"}, nil,
			def(func(c *api.Config) {
				c.MaxBodyBytes, c.MaxImportBytes, c.LoginEvery, c.LoginBurst = 1024, 2048, time.Minute, 3
				c.TrustedProxies, c.MaxVertices = []string{"10.0.0.0/8", "192.0.2.1"}, 7
			}), ":9000"},
		{"empty variables are unset", map[string]string{"TERRANE_ADDR": "", "TERRANE_LOGIN_BURST": ""}, nil, def(nil), "127.0.0.1:8080"},
		{"flags win", map[string]string{"TERRANE_ADDR": ":9000", "TERRANE_LOGIN_BURST": "3"}, []string{"--addr", ":9001", "--login-burst", "4", "--max-body-bytes", "5MiB", "--session-lifetime", "1h"},
			def(func(c *api.Config) { c.MaxBodyBytes, c.LoginBurst, c.SessionLifetime = 5<<20, 4, time.Hour }), ":9001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseServe(tc.env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, apiConfig(cfg)); diff != "" {
				t.Errorf("apiConfig (-want +got):\n%s", diff)
			}
			if got := cfg.string("addr"); got != tc.addr {
				t.Errorf("addr = %q, want %q", got, tc.addr)
			}
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // in the error
	}{
		{"bad variable", map[string]string{"TERRANE_RUN_STALE": "soon"}, nil, "TERRANE_RUN_STALE"},
		{"zero duration", map[string]string{"TERRANE_LOGIN_EVERY": "0s"}, nil, "TERRANE_LOGIN_EVERY"},
		{"bad size", map[string]string{"TERRANE_MAX_BODY_BYTES": "big"}, nil, "TERRANE_MAX_BODY_BYTES"},
		{"bad count", nil, []string{"--login-burst", "-1"}, "login-burst"},
		{"unknown flag", nil, []string{"--max-size", "1MiB"}, "max-size"}, // import's, not serve's
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseServe(tc.env, tc.args...)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want a usage error naming %s", err, tc.want)
			}
		})
	}
	// A bad variable is ignored when the flag is given.
	if _, err := parseServe(map[string]string{"TERRANE_LOGIN_BURST": "x"}, "--login-burst", "2"); err != nil {
		t.Errorf("flag given, bad variable: %v", err)
	}
}

// TestHelpListsSettings checks that --help prints every setting of the
// command, with its variable and default, and is not an error to main.
func TestHelpListsSettings(t *testing.T) {
	for _, command := range []string{"serve", "import", "users add"} {
		t.Run(command, func(t *testing.T) {
			var out bytes.Buffer
			env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
			err := run(context.Background(), env, append(strings.Fields(command), "--help"))
			if !errors.Is(err, flag.ErrHelp) {
				t.Errorf("error = %v, want flag.ErrHelp", err)
			}
			for _, s := range settings {
				if !slices.Contains(s.commands, command) {
					continue
				}
				for _, want := range []string{"--" + s.flag + " " + s.arg, s.meaning, "env " + s.env, "default " + s.def} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("--help lacks %q:\n%s", want, out.String())
					}
				}
			}
		})
	}
}

// TestServeBodyLimitFromEnvironment runs the binary with a small
// TERRANE_MAX_BODY_BYTES: a larger request is refused with 413.
func TestServeBodyLimitFromEnvironment(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "limit.db")
	srv := launch(t, db, "TERRANE_MAX_BODY_BYTES=64")
	body := `{"name":"admin","password":"` + strings.Repeat("x", 100) + `"}`
	resp, err := http.Post(srv.base+"/api/v1/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST /api/v1/login with %d bytes = %d, want 413", len(body), resp.StatusCode)
	}
}

func TestTrustedProxiesAreChecked(t *testing.T) {
	if _, err := parseServe(map[string]string{"TERRANE_TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"}); err == nil || !strings.Contains(err.Error(), "not-an-ip") {
		t.Errorf("a bad trusted proxy: %v; want a usage error naming it", err)
	}
}
