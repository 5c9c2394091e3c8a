package geo

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedFile reads a file of the project's shared data set (../../shared beside the checkout).
// Outside CI a missing file skips the test; in CI (CI set) it fails it.
func sharedFile(t testing.TB, rel string) []byte {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "data", rel)
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data: %v", err)
		}
		t.Skipf("shared data not present: %v", err)
	}
	return data
}
