package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server is a terrane serve process under test.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
}

// launch starts `terrane serve` on db with extra environment and waits for
// its URL.
func launch(t *testing.T, db string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="), env...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &bytes.Buffer{}}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`url=(http://\S+)`)
		for sc.Scan() {
			s.logs.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	select {
	case s.base = <-urlc:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", s.logs)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	return s
}

func (s *server) call(t *testing.T, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// addUser runs `terrane users add` and returns the printed token.
func addUser(t *testing.T, db, name, role string) string {
	t.Helper()
	out, err := exec.Command(binary, "users", "add", "--name", name, "--role", role, "--password", "password-"+name, "--db", db).Output()
	if err != nil {
		t.Fatalf("users add: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestSampleRunProgressCancelAndRestart runs the national plan end to end:
// 3,142 counties into 100 territories plus the allocation, with progress;
// a cancel that stops the worker; and a server killed mid-run whose run is
// taken over after a restart.
func TestSampleRunProgressCancelAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("the national runs take about two minutes; run without -short")
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	token := addUser(t, db, "lee", "leader")
	srv := launch(t, db, "TERRANE_RUN_STALE=2s")
	// 60 s for the first plan and 40 s for the re-run: on the simulated
	// sample's markets Boston's territory (Suffolk and Norfolk, MA) needs
	// Plymouth to reach the band, which 25 s did not always find while the
	// other test packages ran on the same 2 cores.
	code, sc := srv.call(t, token, "POST", "/api/v1/scenarios", map[string]any{"name": "National 100", "from": 1,
		"settings": map[string]any{"shape": 0.8, "resource_weights": map[string]float64{"headcount": 0.5, "money": 0.3, "attention": 0.2},
			"align": map[string]any{"k": 100, "tolerance": 0.05, "time_limit_seconds": 60}}})
	if code != 201 {
		t.Fatalf("create scenario = %d %v", code, sc)
	}
	id := int64(sc["id"].(float64))
	start := func() int64 {
		code, run := srv.call(t, token, "POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", id), map[string]any{"kind": "align+allocate", "seed": 1})
		if code != 202 {
			t.Fatalf("start run = %d %v", code, run)
		}
		return int64(run["id"].(float64))
	}
	poll := func(s *server, run int64, until func(r map[string]any) bool, limit time.Duration) (map[string]any, []float64) {
		var seen []float64
		deadline := time.Now().Add(limit)
		for time.Now().Before(deadline) {
			_, r := s.call(t, token, "GET", fmt.Sprintf("/api/v1/runs/%d", run), nil)
			if p, ok := r["progress"].(float64); ok && (len(seen) == 0 || p != seen[len(seen)-1]) {
				seen = append(seen, p)
			}
			if until(r) {
				return r, seen
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("run %d: condition not reached in %s; progress seen %v\n%s", run, limit, seen, s.logs)
		return nil, nil
	}
	final := func(r map[string]any) bool {
		return r["status"] == "succeeded" || r["status"] == "failed" || r["status"] == "cancelled"
	}

	// 1. A full run: progress rises through several values to 1, with a result.
	run := start()
	r, seen := poll(srv, run, final, 180*time.Second)
	if r["status"] != "succeeded" {
		t.Fatalf("national run = %v (%v)", r["status"], r["error"])
	}
	if len(seen) < 4 || seen[len(seen)-1] != 1 {
		t.Errorf("progress values seen %v; want several updates ending at 1", seen)
	}
	res := r["result"].(map[string]any)
	al := res["alignment"].(map[string]any)
	// Contiguous 100 territories, every one within ±5 % of the mean but
	// the counties that cannot be balanced with others (Los Angeles alone
	// is 3 × a hundredth of the market), which are territories of their own
	// and named in a warning (docs/benchmarks.md, national cases).
	if al["contiguous"] != true || al["k"].(float64) != 100 || al["feasible"] != true {
		t.Errorf("alignment = %v", al)
	}
	if len(al["oversize"].([]any)) > 0 && len(al["warnings"].([]any)) == 0 {
		t.Errorf("territories of one county outside the band must be explained: %v", al)
	}
	_, terr := srv.call(t, token, "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", id), nil)
	if n := len(terr["territories"].([]any)); n != 100 {
		t.Errorf("scenario has %d territories after the run, want 100", n)
	}
	t.Logf("national run: %d progress updates, alignment %v s (feasible %v, %v), allocation gap %v", len(seen), al["seconds"], al["feasible"], al["warnings"], res["allocation"].(map[string]any)["gap"])

	// 1b. The market changes and the plan is redrawn with max_moved 0.10
	// from the first answer: the limit holds, the plan stays balanced.
	// Every scenario write carries the version it read (docs/api.md).
	_, read := srv.call(t, token, "GET", fmt.Sprintf("/api/v1/scenarios/%d", id), nil)
	code, patched := srv.call(t, token, "PATCH", fmt.Sprintf("/api/v1/scenarios/%d", id), map[string]any{
		"version": read["version"],
		"settings": map[string]any{"shape": 0.8, "resource_weights": map[string]float64{"headcount": 0.5, "money": 0.3, "attention": 0.2},
			"market_multipliers": map[string]float64{"IA": 1.3, "NE": 0.8},
			"align":              map[string]any{"k": 100, "tolerance": 0.05, "time_limit_seconds": 40, "max_moved": 0.10}}})
	if code != 200 {
		t.Fatalf("patch settings = %d %v", code, patched)
	}
	run = start()
	r, _ = poll(srv, run, final, 180*time.Second)
	if r["status"] != "succeeded" {
		t.Fatalf("re-run with max_moved = %v (%v)", r["status"], r["error"])
	}
	al2 := r["result"].(map[string]any)["alignment"].(map[string]any)
	if moved := al2["moved"].(float64); moved > 0.10+1e-9 || al2["feasible"] != true || al2["contiguous"] != true {
		t.Errorf("re-run with max_moved 0.10: moved %v, feasible %v, contiguous %v; %v", moved, al2["feasible"], al2["contiguous"], al2["warnings"])
	}
	t.Logf("re-run with max_moved 0.10: moved %.4f of the market in %v s, feasible %v", al2["moved"], al2["seconds"], al2["feasible"])

	// 2. Cancel mid-run: the worker lets go at once and takes the next run.
	run = start()
	poll(srv, run, func(r map[string]any) bool { return r["status"] == "running" }, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	if code, r := srv.call(t, token, "DELETE", fmt.Sprintf("/api/v1/runs/%d", run), nil); code != 200 || r["status"] != "cancelled" {
		t.Fatalf("cancel = %d %v", code, r)
	}
	cancelledAt := time.Now()
	code, quick := srv.call(t, token, "POST", "/api/v1/scenarios/1/runs", map[string]any{"kind": "allocate"})
	if code != 202 {
		t.Fatalf("start allocate = %d %v", code, quick)
	}
	poll(srv, int64(quick["id"].(float64)), final, 30*time.Second)
	freed := time.Since(cancelledAt)
	if !regexp.MustCompile(fmt.Sprintf(`msg="run finished" run=%d .*status=cancelled`, run)).MatchString(srv.logs.String()) {
		t.Errorf("the worker never reported the cancelled run %d as finished", run)
	}
	t.Logf("after a cancel the worker was free for the next run in %s", freed)
	if freed > 5*time.Second {
		t.Errorf("the worker took %s to let go of a cancelled run", freed)
	}

	// 3. Kill the server mid-run; a restarted server takes the run over.
	run = start()
	poll(srv, run, func(r map[string]any) bool { p, _ := r["progress"].(float64); return p > 0.05 }, 30*time.Second)
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.cmd.Wait()
	srv2 := launch(t, db, "TERRANE_RUN_STALE=2s")
	r, _ = poll(srv2, run, final, 120*time.Second)
	if r["status"] != "succeeded" {
		t.Fatalf("run %d after a restart = %v (%v)\n%s", run, r["status"], r["error"], srv2.logs)
	}
}
