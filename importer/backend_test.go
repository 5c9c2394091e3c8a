package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/terrane/terrane/data"
)

// forEachBackend runs fn on a fresh SQLite store and, when
// TERRANE_TEST_POSTGRES_URL is set (required when CI is set), on a fresh
// PostgreSQL schema.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *data.Store)) {
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "import.db")}
	if base := os.Getenv("TERRANE_TEST_POSTGRES_URL"); base != "" {
		urls["postgres"] = freshSchema(t, base)
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI is set but TERRANE_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI")
	}
	names := make([]string, 0, len(urls))
	for n := range urls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s, err := data.Open(context.Background(), urls[name])
			if err != nil {
				t.Fatalf("open %s: %v", name, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

// freshSchema creates a schema for this test and returns a URL whose
// search_path points at it; the schema is dropped when the test ends.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	db, err := sqlx.Open("postgres", base)
	if err != nil {
		t.Fatalf("postgres %s: %v", base, err)
	}
	t.Cleanup(func() { db.Close() })
	var b [6]byte
	rand.Read(b[:])
	schema := "imp_" + hex.EncodeToString(b[:])
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
