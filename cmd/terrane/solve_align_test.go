package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const alignDoc = `{"units": [
 {"id": "a", "x": 0, "y": 0, "demand": 2}, {"id": "b", "x": 1, "y": 0, "demand": 2},
 {"id": "c", "x": 2, "y": 0, "demand": 2}, {"id": "d", "x": 3, "y": 0, "demand": 2}],
 "edges": [[0, 1], [1, 2], [2, 3]], "distance": "euclidean", "k": 2,
 "balance": {"min": 4, "max": 4}, "contiguous": true, "objective": "cut_edges",
 "time_limit_seconds": 1, "seed": 3}`

func testEnv(stdin string) (*environment, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, &out, &errb
}

func TestSolveAlignFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	out := filepath.Join(dir, "out.json")
	if err := os.WriteFile(in, []byte(alignDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, _ := testEnv("")
	if err := run(context.Background(), env, []string{"solve", "align", "--in", in, "--out", out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Territory []int    `json:"territory"`
		Objective float64  `json:"objective"`
		Feasible  bool     `json:"feasible"`
		Seconds   *float64 `json:"seconds"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if !res.Feasible || res.Objective != 1 || len(res.Territory) != 4 || res.Seconds == nil {
		t.Errorf("got %s, want a feasible split of the path with 1 cut edge", b)
	}
	if res.Territory[0] != res.Territory[1] || res.Territory[2] != res.Territory[3] || res.Territory[1] == res.Territory[2] {
		t.Errorf("territory %v, want {a,b} and {c,d}", res.Territory)
	}
}

func TestSolveAlignStdio(t *testing.T) {
	env, out, errb := testEnv(alignDoc)
	if err := run(context.Background(), env, []string{"solve", "align", "--quiet"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"territory"`) || errb.Len() != 0 {
		t.Errorf("stdout %q stderr %q", out.String(), errb.String())
	}
}

func TestSolveAlignErrors(t *testing.T) {
	env, _, _ := testEnv("{")
	if err := run(context.Background(), env, []string{"solve", "align", "--bogus"}); !errors.Is(err, errUsage) {
		t.Errorf("unknown flag: got %v, want errUsage", err)
	}
	if err := run(context.Background(), env, []string{"solve", "align"}); err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("broken JSON: got %v, want an error naming stdin", err)
	}
	env, _, _ = testEnv(`{"units": [{"x": 0, "y": 0}], "k": 3}`)
	if err := run(context.Background(), env, []string{"solve", "align"}); err == nil || !strings.Contains(err.Error(), "k = 3") {
		t.Errorf("bad k: got %v, want an error naming k", err)
	}
}

// An instance no plan can balance is answered (least violating, infeasible)
// and the units that block it are named on stderr.
func TestSolveAlignNamesObstacles(t *testing.T) {
	env, out, errb := testEnv(`{"units": [{"id": "big", "x": 0, "y": 0, "demand": 30}, {"id": "a", "x": 1, "y": 0, "demand": 5},
	  {"id": "b", "x": 2, "y": 0, "demand": 5}], "edges": [[0, 1], [1, 2]], "k": 2, "distance": "euclidean",
	  "balance": {"min": 9, "max": 11}, "contiguous": true, "time_limit_seconds": 1}`)
	if err := run(context.Background(), env, []string{"solve", "align"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"feasible": false`) {
		t.Errorf("result: %s", out)
	}
	if !strings.Contains(errb.String(), "unit 0 (big): oversize, demand 30 alone is above the maximum 11") {
		t.Errorf("stderr does not name the oversize unit: %q", errb.String())
	}
}
