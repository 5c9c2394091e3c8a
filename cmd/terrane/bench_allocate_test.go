package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchAllocateReport(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "benchmarks.md")
	other := "# Benchmarks\n\n<!-- BEGIN align -->\nalign numbers\n<!-- END align -->\n"
	if err := os.WriteFile(md, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"bench", "allocate", "--out", md, "--sizes", "60", "--reps", "2", "--frontier", "3", "--glpk-sizes", "12"}
	if _, err := exec.LookPath("glpsol"); err != nil {
		args = append(args, "--glpk", "")
	}
	for range 2 { // the second run replaces the first section
		var out, errb bytes.Buffer
		env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if err := run(context.Background(), env, args); err != nil {
			t.Fatalf("%v\n%s", err, errb.String())
		}
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, other) {
		t.Errorf("the align section changed:\n%s", s)
	}
	if strings.Count(s, "<!-- BEGIN allocate -->") != 1 || strings.Count(s, "<!-- END allocate -->") != 1 {
		t.Errorf("want one allocate section:\n%s", s)
	}
	for _, w := range []string{"nproc", "go1", "| concave | 60 | optimal |", "frontier", "cmd/terrane bench allocate --out"} {
		if !strings.Contains(s, w) {
			t.Errorf("report lacks %q:\n%s", w, s)
		}
	}
	if _, err := exec.LookPath("glpsol"); err == nil && !strings.Contains(s, "| 12 | ") {
		t.Errorf("no GLPK row:\n%s", s)
	}
}

func TestReadGLPKSolution(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.txt")
	raw := "c Problem:\ns mip 3 4 o 12.5\ni 1 3\nj 1 0.5\nj 2 1\nj 3 0\nj 4 2\ne o f\n"
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	status, values, obj, err := readGLPKSolution(path)
	if err != nil {
		t.Fatal(err)
	}
	if status != "optimal" || obj != 12.5 || values["v0"] != 0.5 || values["v3"] != 2 {
		t.Errorf("got %s %v %v", status, obj, values)
	}
}
