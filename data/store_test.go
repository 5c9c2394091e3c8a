package data_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/terrane/terrane/data"
)

// backends returns the database URLs the contract suite runs against:
// SQLite always, PostgreSQL when TERRANE_TEST_POSTGRES_URL is set. Under CI the
// PostgreSQL URL is required: a missing or unreachable server fails the run.
func backends(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "terrane.db")}
	pg := os.Getenv("TERRANE_TEST_POSTGRES_URL")
	if pg == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TERRANE_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI")
		}
		return out
	}
	out["postgres"] = freshSchema(t, pg)
	return out
}

// freshSchema creates a schema of its own for this test on the server at
// base and returns a URL whose search_path points at it; the schema is
// dropped when the test ends.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	db, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatalf("postgres %s: %v", base, err)
	}
	t.Cleanup(func() { db.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("postgres at %s is unreachable or refused CREATE SCHEMA: %v", base, err)
	}
	t.Cleanup(func() { db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// forEachBackend runs fn once per backend, each on a fresh, migrated store.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *data.Store)) {
	for name, u := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s, err := data.Open(context.Background(), u)
			if err != nil {
				t.Fatalf("open %s: %v", name, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}
