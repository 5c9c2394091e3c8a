package importer

import (
	"testing"

	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/internal/testdb"
)

// forEachBackend runs fn on a fresh store of every backend (see internal/testdb).
func forEachBackend(t *testing.T, fn func(t *testing.T, s *data.Store)) {
	testdb.ForEachStore(t, "imp", fn)
}
