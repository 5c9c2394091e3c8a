package data_test

import (
	"context"
	"sync"
	"testing"

	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/internal/testdb"
)

// Several processes starting together on one empty database all migrate it
// and start: on PostgreSQL the second used to fail with a duplicate key
// (pg_type_typname_nsp_index) from CREATE TABLE racing the first.
func TestMigrateConcurrentStart(t *testing.T) {
	for _, b := range testdb.Backends(t, "mig") {
		t.Run(b.Name, func(t *testing.T) {
			const n = 4
			var wg sync.WaitGroup
			errs := make([]error, n)
			stores := make([]*data.Store, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					stores[i], errs[i] = data.Open(context.Background(), b.URL)
				}(i)
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("process %d: %v", i, err)
					continue
				}
				defer stores[i].Close()
			}
			if t.Failed() {
				return
			}
			files, _ := data.Migrations()
			var count int
			if err := stores[0].DB().Get(&count, `SELECT COUNT(*) FROM schema_migrations`); err != nil || count != len(files) {
				t.Fatalf("schema_migrations rows = %d, %v; want %d", count, err, len(files))
			}
		})
	}
}
