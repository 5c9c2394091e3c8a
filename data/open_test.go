package data_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terrane/terrane/data"
)

func TestOpenErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, []byte(strings.Repeat("this is not a database ", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, want string
	}{
		{"empty", "", "database URL is empty"},
		{"unknown scheme", "mysql://root@localhost/db", "scheme must be sqlite: or postgres://"},
		{"sqlite without path", "sqlite:", "no file path"},
		{"postgres without host", "postgres:///db", "has no host"},
		{"corrupt sqlite file", "sqlite:" + corrupt, "not a database"},
		{"directory as sqlite file", "sqlite:" + dir, "is a directory"},
		{"unreachable postgres", "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", "cannot reach postgres database"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := data.Open(context.Background(), tc.url)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error containing %q", tc.url, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open(%q) error = %q, want it to contain %q", tc.url, err, tc.want)
			}
		})
	}
}
