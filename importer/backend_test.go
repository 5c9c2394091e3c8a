package importer

import (
	"context"
	"testing"

	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/internal/testdb"
)

// forEachBackend runs fn on a fresh SQLite store and, when PostgreSQL tests
// are enabled (required under CI; see internal/testdb), on a fresh schema.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *data.Store)) {
	for _, b := range testdb.Backends(t, "imp") {
		t.Run(b.Name, func(t *testing.T) {
			s, err := data.Open(context.Background(), b.URL)
			if err != nil {
				t.Fatalf("open %s: %v", b.Name, err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}
