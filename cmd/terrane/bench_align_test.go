package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs", "benchmarks.md")
	if err := writeSection(path, "align", "first\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if got := string(b); !strings.HasPrefix(got, "# Benchmarks\n") || !strings.Contains(got, "<!-- BEGIN align -->\nfirst\n<!-- END align -->") {
		t.Fatalf("new file: %q", got)
	}
	// someone else's section before and after ours survives a rewrite
	other := "# Benchmarks\n\n<!-- BEGIN allocate -->\nx\n<!-- END allocate -->\n\n<!-- BEGIN align -->\nold\n<!-- END align -->\n\ntail\n"
	if err := os.WriteFile(path, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, "align", "second"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	want := "# Benchmarks\n\n<!-- BEGIN allocate -->\nx\n<!-- END allocate -->\n\n<!-- BEGIN align -->\nsecond\n<!-- END align -->\n\ntail\n"
	if string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
}

func TestBenchAlignSmallSet(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "orlib-pmed")
	if err := os.MkdirAll(filepath.Join(set, "instances"), 0o755); err != nil {
		t.Fatal(err)
	}
	// a 4-vertex path, p = 2: the optimum is 2 (medians 1–2 or 3–4 pairs)
	os.WriteFile(filepath.Join(set, "instances", "tiny.txt"), []byte("4 3 2\n1 2 1\n2 3 1\n3 4 1\n"), 0o644)
	os.WriteFile(filepath.Join(set, "optima.csv"), []byte("instance,n_vertices,n_edges,p,optimal_value\ntiny,4,3,2,2\n"), 0o644)
	out := filepath.Join(dir, "benchmarks.md")
	env, _, errb := testEnv("")
	if err := run(context.Background(), env, []string{"bench", "align", "--set", "orlib-pmed", "--dir", dir, "--out", out}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	got := string(b)
	for _, want := range []string{"<!-- BEGIN align -->", "<!-- END align -->", "| tiny | 4 | 2 | 2.00 | 2 | optimal | 0.000 % |", "nproc", "go run ./cmd/terrane bench align"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errb.String(), "[1/1] orlib-pmed tiny") {
		t.Errorf("no progress line on stderr: %q", errb.String())
	}
	if err := run(context.Background(), env, []string{"bench", "align", "--set", "nope"}); !errors.Is(err, errUsage) {
		t.Errorf("unknown set: got %v, want errUsage", err)
	}
}
