package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

func init() {
	register(command{path: "bench startup", summary: "time the first start on an empty database; writes docs/benchmarks.md", run: runBenchStartup})
}

// runBenchStartup starts this binary's `serve` on a fresh empty SQLite
// database (and PostgreSQL with --postgres) several times and measures the
// time from process start to the first 200 from /healthz, which includes
// migrating and loading the sample dataset.
func runBenchStartup(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("bench startup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	runs := fs.Int("runs", 5, "starts per database")
	pg := fs.String("postgres", "", "also measure on this PostgreSQL server URL (each start gets a fresh schema, dropped afterwards)")
	out := fs.String("out", "docs/benchmarks.md", "markdown file to write the section into; empty = stdout only")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	measure := func(db string) (time.Duration, error) {
		start := time.Now()
		cmd := exec.CommandContext(ctx, self, "serve", "--addr", "127.0.0.1:0", "--db", db)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		re := regexp.MustCompile(`url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				for time.Since(start) < time.Minute {
					if resp, err := http.Get(m[1] + "/healthz"); err == nil {
						resp.Body.Close()
						if resp.StatusCode == 200 {
							return time.Since(start), nil
						}
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
		}
		return 0, fmt.Errorf("serve on %s never answered /healthz", db)
	}
	type row struct {
		db    string
		times []time.Duration
	}
	var rows []row
	dir, err := os.MkdirTemp("", "terrane-startup")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := row{db: "SQLite (empty file)"}
	for i := 0; i < *runs; i++ {
		d, err := measure("sqlite:" + filepath.Join(dir, fmt.Sprintf("s%d.db", i)))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "bench startup: sqlite run %d/%d: %s\n", i+1, *runs, d.Round(time.Millisecond))
		r.times = append(r.times, d)
	}
	rows = append(rows, r)
	if *pg != "" {
		r := row{db: "PostgreSQL (empty schema)"}
		for i := 0; i < *runs; i++ {
			schema := fmt.Sprintf("bench_startup_%d_%d", os.Getpid(), i)
			if out, err := exec.Command("psql", *pg, "-qc", "CREATE SCHEMA "+schema).CombinedOutput(); err != nil {
				return fmt.Errorf("psql: %v: %s", err, out)
			}
			sep := "?"
			if strings.Contains(*pg, "?") {
				sep = "&"
			}
			d, err := measure(*pg + sep + "search_path=" + schema)
			exec.Command("psql", *pg, "-qc", "DROP SCHEMA "+schema+" CASCADE").Run()
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "bench startup: postgres run %d/%d: %s\n", i+1, *runs, d.Round(time.Millisecond))
			r.times = append(r.times, d)
		}
		rows = append(rows, r)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## First start on an empty database\n\n")
	fmt.Fprintf(&b, "Time from starting `terrane serve` to the first 200 from `/healthz`: migrations plus loading the\n")
	fmt.Fprintf(&b, "sample dataset (3,142 counties, adjacency, 3,275 accounts, estimates, baseline). Target: under 5 s.\n\n")
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s. Reproduce: `make build && ./bin/terrane bench startup --runs %d", cpuModel(), runtime.NumCPU(), runtime.Version(), *runs)
	if *pg != "" {
		fmt.Fprintf(&b, " --postgres 'postgres://…'")
	}
	fmt.Fprintf(&b, "`.\n\n| database | runs | median | min | max |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		sort.Slice(r.times, func(i, j int) bool { return r.times[i] < r.times[j] })
		fmt.Fprintf(&b, "| %s | %d | %.2f s | %.2f s | %.2f s |\n", r.db, len(r.times), r.times[len(r.times)/2].Seconds(), r.times[0].Seconds(), r.times[len(r.times)-1].Seconds())
	}
	fmt.Fprint(env.stdout, b.String())
	if *out != "" {
		return writeSection(*out, "startup", b.String())
	}
	return nil
}
