package data_test

import (
	"context"
	"testing"

	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/internal/testdb"
)

// forEachBackend runs fn once per backend (SQLite always, PostgreSQL when
// enabled; see internal/testdb), each on a fresh, migrated store.
func forEachBackend(t *testing.T, fn func(t *testing.T, s *data.Store)) {
	for _, b := range testdb.Backends(t, "t") {
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
