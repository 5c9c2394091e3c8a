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
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/terrane/terrane/data/sample"
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
	// measure starts serve on db and returns the time to the first 200 from
	// /healthz, then waits for the background load of us-zips and returns
	// the time to it, the process's CPU time and peak RSS by then.
	measure := func(db string) (startup, measured, error) {
		var m startup
		start := time.Now()
		cmd := exec.CommandContext(ctx, self, "serve", "--addr", "127.0.0.1:0", "--db", db)
		cmd.Env = append(os.Environ(), "DATABASE_URL=")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			return m, measured{}, err
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		re := regexp.MustCompile(`url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				healthz(m[1], start)
				break
			}
		}
		m.healthz = time.Since(start)
		if m.healthz > time.Minute {
			return m, measured{}, fmt.Errorf("serve on %s never answered /healthz", db)
		}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "loaded a built-in layer in the background") && strings.Contains(sc.Text(), "layer="+sample.ZIPsLayerID) {
				m.zips = time.Since(start)
				return m, procStats(cmd.Process.Pid), nil
			}
			if strings.Contains(sc.Text(), "level=ERROR") {
				return m, measured{}, fmt.Errorf("serve on %s: %s", db, sc.Text())
			}
		}
		return m, measured{}, fmt.Errorf("serve on %s never loaded %s", db, sample.ZIPsLayerID)
	}
	type row struct {
		db    string
		times []startup
		stats []measured
	}
	var rows []row
	dir, err := os.MkdirTemp("", "terrane-startup")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r := row{db: "SQLite (empty file)"}
	for i := 0; i < *runs; i++ {
		d, st, err := measure("sqlite:" + filepath.Join(dir, fmt.Sprintf("s%d.db", i)))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "bench startup: sqlite run %d/%d: /healthz %s, us-zips %s, CPU %s, peak RSS %d MiB\n", i+1, *runs, d.healthz.Round(time.Millisecond), d.zips.Round(time.Millisecond), st.cpu.Round(time.Millisecond), st.rss>>20)
		r.times, r.stats = append(r.times, d), append(r.stats, st)
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
			d, st, err := measure(*pg + sep + "search_path=" + schema)
			exec.Command("psql", *pg, "-qc", "DROP SCHEMA "+schema+" CASCADE").Run()
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "bench startup: postgres run %d/%d: /healthz %s, us-zips %s, CPU %s, peak RSS %d MiB\n", i+1, *runs, d.healthz.Round(time.Millisecond), d.zips.Round(time.Millisecond), st.cpu.Round(time.Millisecond), st.rss>>20)
			r.times, r.stats = append(r.times, d), append(r.stats, st)
		}
		rows = append(rows, r)
	}
	load1, _ := os.ReadFile("/proc/loadavg")
	var b strings.Builder
	fmt.Fprintf(&b, "## First start on an empty database\n\n")
	fmt.Fprintf(&b, "Time from starting `terrane serve` to the first 200 from `/healthz`: migrations plus loading the\n")
	fmt.Fprintf(&b, "sample dataset (3,142 counties, adjacency, 3,275 accounts, estimates, baseline), us-states and\n")
	fmt.Fprintf(&b, "world-countries. Target: under 5 s. The us-zips layer (33,232 Voronoi cells, 99,431 edges, estimates)\n")
	fmt.Fprintf(&b, "is then built and stored in the background while the server answers (GET /api/v1/layers lists it under\n")
	fmt.Fprintf(&b, "`loading`): \"us-zips ready\" is the time from the start to its log line; CPU is the process's user + system\n")
	fmt.Fprintf(&b, "time and peak RSS its VmHWM, both read then. Wall times are noisy on a shared machine: compare CPU times.\n\n")
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s, load average %s. Reproduce: `make build && ./bin/terrane bench startup --runs %d", cpuModel(), runtime.NumCPU(), runtime.Version(), strings.Join(strings.Fields(string(load1))[:min(3, len(strings.Fields(string(load1))))], " "), *runs)
	if *pg != "" {
		fmt.Fprintf(&b, " --postgres 'postgres://…'")
	}
	fmt.Fprintf(&b, "`.\n\n| database | runs | /healthz median | min | max | us-zips ready median | CPU median | peak RSS median |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		sort.Slice(r.times, func(i, j int) bool { return r.times[i].healthz < r.times[j].healthz })
		zips := make([]time.Duration, len(r.times))
		cpu := make([]time.Duration, len(r.stats))
		rss := make([]int64, len(r.stats))
		for i := range r.times {
			zips[i], cpu[i], rss[i] = r.times[i].zips, r.stats[i].cpu, r.stats[i].rss
		}
		slices.Sort(zips)
		slices.Sort(cpu)
		slices.Sort(rss)
		n := len(r.times)
		fmt.Fprintf(&b, "| %s | %d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %d MiB |\n", r.db, n, r.times[n/2].healthz.Seconds(), r.times[0].healthz.Seconds(), r.times[n-1].healthz.Seconds(),
			zips[n/2].Seconds(), cpu[n/2].Seconds(), rss[n/2]>>20)
	}
	fmt.Fprint(env.stdout, b.String())
	if *out != "" {
		return writeSection(*out, "startup", b.String())
	}
	return nil
}

// startup is one measured start: to /healthz, and to us-zips loaded.
type startup struct{ healthz, zips time.Duration }

// measured is what /proc says of a process.
type measured struct {
	cpu time.Duration // user + system
	rss int64         // peak resident set (VmHWM), bytes
}

// healthz polls url/healthz until it answers 200 or a minute from start has passed.
func healthz(url string, start time.Time) {
	for time.Since(start) < time.Minute {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// procStats reads a process's CPU time and peak RSS from /proc (zero
// where /proc is not there).
func procStats(pid int) measured {
	var m measured
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// Fields after the command name "(…)": utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 {
			f := strings.Fields(string(b)[i+1:])
			if len(f) > 12 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				s, _ := strconv.ParseInt(f[12], 10, 64)
				m.cpu = time.Duration(u+s) * 10 * time.Millisecond
			}
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}
