// Package testdb gives tests fresh databases: a SQLite file in the test's
// temporary folder always, and a PostgreSQL schema of their own when
// TERRANE_TEST_POSTGRES_URL is set. Under CI (CI set) the PostgreSQL URL is
// required and an unreachable server fails the test: those tests must never
// be skipped silently.
package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver
)

// EnvPostgres names the variable holding the test PostgreSQL server's URL.
const EnvPostgres = "TERRANE_TEST_POSTGRES_URL"

// Backend is one database a test runs against.
type Backend struct {
	Name string // "sqlite" or "postgres"
	URL  string // for data.Open
}

// Backends returns SQLite and, when enabled, PostgreSQL, in that order.
// prefix names the PostgreSQL schema (prefix_<random>) so leftovers are
// easy to trace.
func Backends(t testing.TB, prefix string) []Backend {
	t.Helper()
	out := []Backend{{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), prefix+".db")}}
	if pg := PostgresURL(t, prefix); pg != "" {
		out = append(out, Backend{"postgres", pg})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name > out[j].Name }) // sqlite first
	return out
}

// PostgresURL creates a schema of its own on the test server and returns a
// URL whose search_path points at it, dropped when the test ends; "" when
// PostgreSQL tests are not enabled outside CI.
func PostgresURL(t testing.TB, prefix string) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the PostgreSQL tests must run in CI", EnvPostgres)
		}
		return ""
	}
	db, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatalf("postgres %s: %v", base, err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("postgres at %s is unreachable or refused CREATE SCHEMA: %v", base, err)
	}
	t.Cleanup(func() {
		if db, err := sqlx.Open("postgres", base); err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
