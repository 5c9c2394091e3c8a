package testdb

import (
	"context"
	"testing"

	"github.com/terrane/terrane/data"
)

// ForEachStore runs fn once per backend (SQLite, and PostgreSQL when
// enabled), each on a fresh, migrated store that is closed afterwards.
func ForEachStore(t *testing.T, prefix string, fn func(t *testing.T, s *data.Store)) {
	for _, b := range Backends(t, prefix) {
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
