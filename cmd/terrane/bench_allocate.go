package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/terrane/terrane/optimizer/allocate"
)

func init() {
	register(command{
		path:    "bench allocate",
		summary: "time the allocation solver on national-size plans (and GLPK on the same), write docs/benchmarks.md",
		run:     runBenchAllocate,
	})
}

// benchAllocateOptions are the flags of `terrane bench allocate`.
type benchAllocateOptions struct {
	sizes      []int         // territories per synthetic plan
	reps       int           // timed solves per plan
	frontier   int           // points of the budget frontier, 0 for none
	glpk       string        // path of glpsol, "" to skip the comparison
	glpkSizes  []int         // territories for the GLPK comparison
	glpkLimit  time.Duration // GLPK time limit per instance
	scratchDir string        // where the LP files go
}

func runBenchAllocate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("bench allocate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	out := fs.String("out", "docs/benchmarks.md", "markdown report to update between the allocate markers (\"-\": stdout only)")
	sizes := fs.String("sizes", "3142,100000", "comma-separated numbers of territories")
	reps := fs.Int("reps", 5, "timed solves per instance (the median is reported)")
	frontier := fs.Int("frontier", 11, "points of the revenue-vs-budget frontier to time (0: none)")
	glpk := fs.String("glpk", "auto", `path of glpsol for the side-by-side ("auto": from PATH, "": skip)`)
	glpkSizes := fs.String("glpk-sizes", "200,3142", "comma-separated numbers of territories for the GLPK comparison")
	glpkLimit := fs.Duration("glpk-time-limit", 10*time.Minute, "GLPK time limit per instance")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: bench allocate takes no arguments, got %q", errUsage, fs.Args())
	}
	opt := benchAllocateOptions{reps: *reps, frontier: *frontier, glpkLimit: *glpkLimit}
	var err error
	if opt.sizes, err = parseSizes(*sizes); err != nil {
		return fmt.Errorf("%w: --sizes: %v", errUsage, err)
	}
	if opt.glpkSizes, err = parseSizes(*glpkSizes); err != nil && *glpkSizes != "" {
		return fmt.Errorf("%w: --glpk-sizes: %v", errUsage, err)
	}
	if opt.reps < 1 {
		return fmt.Errorf("%w: --reps must be ≥ 1", errUsage)
	}
	switch *glpk {
	case "auto":
		if p, err := exec.LookPath("glpsol"); err == nil {
			opt.glpk = p
		}
	default:
		opt.glpk = *glpk
	}
	dir, err := os.MkdirTemp("", "terrane-bench-allocate-")
	if err != nil {
		return fmt.Errorf("bench allocate: %w", err)
	}
	defer os.RemoveAll(dir)
	opt.scratchDir = dir
	report, err := benchAllocate(ctx, opt, env.stderr)
	if err != nil {
		return fmt.Errorf("bench allocate: %w", err)
	}
	report = strings.ReplaceAll(report, "$COMMAND", strings.TrimSpace("bench allocate "+strings.Join(args, " ")))
	if *out == "-" {
		_, err := io.WriteString(env.stdout, report)
		return err
	}
	if err := writeSection(*out, "allocate", report); err != nil {
		return fmt.Errorf("bench allocate: %w", err)
	}
	fmt.Fprintf(env.stderr, "bench allocate: wrote the allocate section of %s\n", *out)
	return nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes")
	}
	return out, nil
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// allocRow is one timed instance.
type allocRow struct {
	name        string
	territories int
	res         *allocate.Result
	wall, cpu   time.Duration // medians per solve
	min         time.Duration
}

// benchAllocate runs the benchmark on one core and returns the markdown
// section; progress goes to log.
func benchAllocate(ctx context.Context, opt benchAllocateOptions, log io.Writer) (string, error) {
	load := loadAverage()
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var rows []allocRow
	timeIt := func(name string, p *allocate.Problem, reps int) (allocRow, error) {
		row := allocRow{name: name, territories: len(p.Territories)}
		var walls, cpus []time.Duration
		runtime.GC()
		for range reps {
			c0, t0 := cpuTime(), time.Now()
			r, err := allocate.Solve(ctx, p, nil)
			if err != nil {
				return row, err
			}
			walls = append(walls, time.Since(t0))
			cpus = append(cpus, cpuTime()-c0)
			row.res = r
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		row.wall, row.cpu, row.min = walls[len(walls)/2], cpus[len(cpus)/2], walls[0]
		fmt.Fprintf(log, "bench allocate: %s n=%d: %s gap %.2g, median %.1f ms\n", name, row.territories, row.res.Status, row.res.Gap, ms(row.wall))
		return row, nil
	}
	for _, n := range opt.sizes {
		for _, s := range []bool{false, true} {
			name := "concave"
			if s {
				name = "S-shaped money (1/3 of territories)"
			}
			row, err := timeIt(name, allocate.Synthetic(n, 1, s), opt.reps)
			if err != nil {
				return "", err
			}
			rows = append(rows, row)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Allocation solver (`optimizer/allocate`)\n\n")
	fmt.Fprintf(&b, "Machine: %d CPUs (`nproc`), %s, %s, %s/%s; solves run with GOMAXPROCS=1 (one core). Run %s.\n",
		runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Reproduce: `go run ./cmd/terrane $COMMAND` (and `go test -run XXX -bench Solve -cpu 1 ./optimizer/allocate/`).\n\n")
	fmt.Fprintf(&b, "Instances are `allocate.Synthetic(n, seed 1, sShaped)`: three resources — integer headcount at $150,000 "+
		"with a total and a change limit of ±3, program money, manager hours with a total — a shared budget, "+
		"per-territory bounds and 1 %% of territories locked. Time is the median of %d solves, wall clock with the process's CPU time "+
		"in brackets: the machine is shared, so CPU time is the figure to compare with the targets; "+
		"passes count full sweeps over the territories. Targets (issue 4): 3,142 × 3 to gap ≤ 1e-6 in < 50 ms, 100,000 in < 2 s. "+
		"Load average when the run started: %s.\n\n", opt.reps, load)
	fmt.Fprintf(&b, "| instance | territories | status | objective ($) | bound ($) | gap | passes | median ms (CPU) | min ms |\n")
	fmt.Fprintf(&b, "|---|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %s | %.0f | %.0f | %.1e | %d | %.1f (%.1f) | %.1f |\n", r.name, r.territories, r.res.Status,
			r.res.Objective, r.res.Bound, r.res.Gap, r.res.Evaluations, ms(r.wall), ms(r.cpu), ms(r.min))
	}
	if opt.frontier >= 2 {
		n := opt.sizes[0]
		p := allocate.Synthetic(n, 1, false)
		b0 := *p.Budget
		var values []float64
		for k := range opt.frontier {
			values = append(values, b0*(0.75+0.5*float64(k)/float64(opt.frontier-1)))
		}
		c0 := cpuTime()
		pts, err := allocate.Frontier(ctx, p, "budget", values, nil)
		if err != nil {
			return "", err
		}
		el := cpuTime() - c0
		worst := 0.0
		for _, pt := range pts {
			worst = math.Max(worst, pt.Gap)
		}
		c1 := cpuTime()
		base, err := allocate.Solve(ctx, p, nil)
		if err != nil {
			return "", err
		}
		uvs, err := allocate.UnitValues(ctx, p, base, nil)
		if err != nil {
			return "", err
		}
		el2 := cpuTime() - c1
		fmt.Fprintf(&b, "\nWhat-if on the concave %d-territory plan: the revenue-vs-budget frontier at %d budgets (75 %%–125 %%, warm-started) "+
			"took %.1f ms of CPU in all (%.1f ms a point), largest gap %.1e; revenue %.0f → %.0f $, budget shadow price %.3f → %.3f $ per $. "+
			"Unit values (base solve + one re-solve per constraint) took %.1f ms of CPU:", n, len(pts), ms(el), ms(el)/float64(len(pts)), worst,
			pts[0].TotalRevenue, pts[len(pts)-1].TotalRevenue, pts[0].ShadowPrice, pts[len(pts)-1].ShadowPrice, ms(el2))
		for _, uv := range uvs {
			if uv.Constraint == "budget" {
				fmt.Fprintf(&b, " %.0f $ more budget is worth %.0f $", uv.Step, uv.Gain)
			} else {
				fmt.Fprintf(&b, " one more unit of %s is worth %.0f $", uv.Constraint, uv.Gain)
			}
			if uv.FundedGain != 0 {
				fmt.Fprintf(&b, " (%.0f $ with its budget)", uv.FundedGain)
			}
			b.WriteString(";")
		}
		b.WriteString("\n")
	}
	if opt.glpk == "" || len(opt.glpkSizes) == 0 {
		fmt.Fprintf(&b, "\nGeneric-solver comparison: not run (glpsol not found; `apt-get install glpk-utils`).\n")
		return b.String(), nil
	}
	fmt.Fprintf(&b, "\n### Side by side with GLPK\n\n")
	ver := "glpsol"
	if out, err := exec.Command(opt.glpk, "--version").Output(); err == nil {
		ver = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	fmt.Fprintf(&b, "The same concave instances as a piecewise-linear model (`allocate.WritePiecewiseLP`: one unit segment per rep, "+
		"16 equal-revenue segments per money and hours curve; headcount integer, so a MIP) solved by %s with a %s limit. "+
		"GLPK's allocation is then scored on the true curves. Time ratio = GLPK CPU / Terrane CPU; objective ratio = Terrane / GLPK (true curves).\n\n", ver, opt.glpkLimit)
	fmt.Fprintf(&b, "| territories | columns × rows | GLPK status | GLPK CPU s (wall) | Terrane ms (CPU) | time ratio | GLPK objective, true curves ($) | Terrane objective ($) | objective ratio |\n")
	fmt.Fprintf(&b, "|---:|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, n := range opt.glpkSizes {
		line, err := glpkCompare(ctx, opt, n, log)
		if err != nil {
			fmt.Fprintf(&b, "| %d | — | error: %s | | | | | | |\n", n, strings.ReplaceAll(err.Error(), "|", "/"))
			continue
		}
		b.WriteString(line)
	}
	return b.String(), nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// glpkCompare solves Synthetic(n) with Terrane and with GLPK on its
// piecewise-linear model and returns the table row.
func glpkCompare(ctx context.Context, opt benchAllocateOptions, n int, log io.Writer) (string, error) {
	p := allocate.Synthetic(n, 1, false)
	lp := filepath.Join(opt.scratchDir, fmt.Sprintf("alloc%d.lp", n))
	sol := filepath.Join(opt.scratchDir, fmt.Sprintf("alloc%d.sol", n))
	f, err := os.Create(lp)
	if err != nil {
		return "", err
	}
	pm, err := allocate.WritePiecewiseLP(f, p, 16)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	c0 := cpuTime()
	ours, err := allocate.Solve(ctx, p, nil)
	if err != nil {
		return "", err
	}
	oursCPU := cpuTime() - c0
	fmt.Fprintf(log, "bench allocate: GLPK on %d territories (%d columns)…\n", n, pm.Columns)
	cmd := exec.CommandContext(ctx, opt.glpk, "--lp", lp, "-w", sol, "--tmlim", strconv.Itoa(int(opt.glpkLimit.Seconds())))
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(t0)
	if err != nil {
		return "", fmt.Errorf("glpsol: %v: %s", err, lastLine(out))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	status, values, pwlObj, err := readGLPKSolution(sol)
	if err != nil {
		return "", err
	}
	alloc := pm.Allocation(values)
	trueObj, _ := allocate.Evaluate(p, alloc)
	feasible := "feasible"
	if v := allocate.Violations(p, alloc, 1e-6); len(v) > 0 {
		feasible = fmt.Sprintf("%d violations, e.g. %s", len(v), v[0])
	}
	_ = pwlObj
	return fmt.Sprintf("| %d | %d × %d | %s (%s) | %.2f (%.1f) | %.1f | %.0f× | %.0f | %.0f | %.7f |\n",
		n, pm.Columns, pm.Rows, status, feasible, cpu.Seconds(), wall.Seconds(), ms(oursCPU),
		cpu.Seconds()/math.Max(oursCPU.Seconds(), 1e-6), trueObj, ours.Objective, ours.Objective/trueObj), nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// readGLPKSolution reads glpsol's raw solution file (-w): the status, the
// column values named v0, v1, … in column order, and the objective.
func readGLPKSolution(path string) (string, map[string]float64, float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	values := map[string]float64{}
	status, kind, obj := "", "", 0.0
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) == 0 {
			continue
		}
		switch fl[0] {
		case "s":
			// s mip ROWS COLS STAT OBJ | s bas ROWS COLS PST DST OBJ
			kind = fl[1]
			if len(fl) >= 6 {
				status = fl[4]
				obj, _ = strconv.ParseFloat(fl[len(fl)-1], 64)
			}
		case "j":
			if len(fl) < 3 {
				continue
			}
			j, err := strconv.Atoi(fl[1])
			if err != nil {
				continue
			}
			v := fl[2]
			if kind == "bas" && len(fl) >= 4 {
				v = fl[3]
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return "", nil, 0, fmt.Errorf("%s: column %d: %v", path, j, err)
			}
			values["v"+strconv.Itoa(j-1)] = x
		}
	}
	names := map[string]string{"o": "optimal", "f": "feasible", "n": "no feasible", "u": "undefined"}
	if s, ok := names[status]; ok {
		status = s
	}
	return status, values, obj, sc.Err()
}
