package main

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/optimizer/align"
)

// zipsTimeLimit is the per-instance time limit of the zips set when
// --time-limit is not given (issue 17: k = 1,000 feasible within 60 s).
const zipsTimeLimit = 60 * time.Second

// zipsCases are the ZIP-scale national cases of issue 17, built by
// zipInstance: the 33,232 ZCTAs of the lower 48 and DC into k = 100, 500
// and 1,000 territories.
func zipsCases() []benchCase {
	var cases []benchCase
	for _, k := range []int{100, 500, 1000} {
		cases = append(cases, benchCase{set: "zips", name: fmt.Sprintf("zips33232-k%d", k), n: 33232, k: k,
			optimum: math.NaN(), optStatus: "—",
			load: func() (*align.Problem, error) { return zipInstance(k) }})
	}
	cases = append(cases, benchCase{set: "zips", name: "zips33232-k200-measures", n: 33232, k: 200,
		optimum: math.NaN(), optStatus: "—", load: func() (*align.Problem, error) { return zipMeasuresInstance(200) }})
	cases = append(cases, benchCase{set: "zips", name: "zips33232-k200-measures-planted", n: 33232, k: 200,
		optimum: math.NaN(), optStatus: "—", load: func() (*align.Problem, error) { return zipPlantedInstance(200) }})
	return cases
}

// zipMeasuresInstance is the multi-measure case of issue 17 at ZIP level:
// the units and edges of zipInstance, demand = weight = market (dollars per
// year, sample.ZIPMeasuresOf: the sample company's county market split by
// population) within ±5 %, and every territory also within ±10 % of the
// mean in accounts (the county's establishments split the same way) and in
// workload (hours a year: 4 h per account in metro counties up to 9 h in the
// most rural).
func zipMeasuresInstance(k int) (*align.Problem, error) {
	in, err := zipInstance(k)
	if err != nil {
		return nil, err
	}
	pts, err := sample.ZIPPoints()
	if err != nil {
		return nil, err
	}
	m, err := sample.ZIPMeasuresOf(pts)
	if err != nil {
		return nil, err
	}
	for i := range in.Units {
		u := &in.Units[i]
		u.Demand, u.Weight = m.Market[i], m.Market[i]
		u.Measures = map[string]float64{"accounts": m.Accounts[i], "workload": m.Workload[i]}
	}
	in.Balances = []align.MeasureBalance{{Measure: "accounts", Tolerance: 0.10}, {Measure: "workload", Tolerance: 0.10}}
	return in, nil
}

// plantedIterations caps the demand-only solve that draws the planted plan
// of zipPlantedInstance: an iteration cap, not a clock, so that the
// instance is the same on every machine.
const plantedIterations = 300

// zipPlantedInstance is zipMeasuresInstance with a plan known to hold every
// band, a test of the search rather than of the data: a plan balanced on
// market alone (align.Solve on the same units without the other bands,
// seed 1 — the bench solves with seed 0 —, plantedIterations) is drawn
// first, and then each unit's accounts and workload are scaled by one
// factor per territory of that plan so that every territory of it holds
// exactly the mean of both. The county data's variation between the ZIPs of
// a territory stays; its variation between territories, which the
// realistic case may not be able to balance at all, is gone.
func zipPlantedInstance(k int) (*align.Problem, error) {
	in, err := zipMeasuresInstance(k)
	if err != nil {
		return nil, err
	}
	plan := *in
	plan.Balances, plan.Seed = nil, 1
	res, err := align.Solve(context.Background(), &plan, &align.Settings{MaxIterations: plantedIterations})
	if err != nil {
		return nil, err
	}
	if !res.Feasible {
		return nil, fmt.Errorf("planted: the market-only plan is not feasible after %d iterations", plantedIterations)
	}
	for _, name := range []string{"accounts", "workload"} {
		sum := make([]float64, k)
		total := 0.0
		for j, t := range res.Assignment {
			sum[t] += in.Units[j].Measures[name]
			total += in.Units[j].Measures[name]
		}
		for j, t := range res.Assignment {
			if sum[t] > 0 {
				in.Units[j].Measures[name] *= total / float64(k) / sum[t]
			}
		}
	}
	return in, nil
}

// zipInstance is the documented generator of the zips set: units = the
// ZCTAs of sample.ZIPPoints (x, y = lon, lat degrees of the Census internal
// point), distance haversine (meters), demand = population (people: the
// county's 2018 population split evenly over its ZCTAs), weight = demand
// (the objective is people × meters), edges = sample.ZIPEdges (Delaunay
// triangulation of the points without edges over
// sample.ZIPMaxEdgeMeters = 150 km; connected), k contiguous territories
// balanced within ±5 % of the mean, distance objective, seed 0, time limit
// zipsTimeLimit.
func zipInstance(k int) (*align.Problem, error) {
	pts, err := sample.ZIPPoints()
	if err != nil {
		return nil, err
	}
	in := &align.Problem{K: k, Distance: align.Haversine, Contiguous: true, Objective: align.ObjectiveDistance,
		Balance: align.Balance{Tolerance: 0.05}, TimeLimitSeconds: zipsTimeLimit.Seconds()}
	in.Units = make([]align.Unit, len(pts))
	for i, z := range pts {
		in.Units[i] = align.Unit{ID: z.ID, X: z.Point[0], Y: z.Point[1], Demand: z.Population, Weight: z.Population, Current: -1}
	}
	in.Edges = sample.ZIPEdges(pts, sample.ZIPMaxEdgeMeters)
	return in, nil
}

// solveUsage is what one solve cost: wall time against its limit, process CPU
// time and peak memory.
type solveUsage struct {
	limit   time.Duration // the time limit the solver was given
	wall    time.Duration
	cpu     time.Duration // user + system CPU of the whole process (getrusage)
	peakMiB float64       // Go runtime memory, sampled max (see sampleMemory)
}

// measure runs solve and reports its solveUsage: process CPU time from
// syscall.Getrusage before and after (user + system, every thread), and
// peak memory as the largest value of runtimeMiB (heap, stacks and
// metadata the Go runtime holds; the whole process, the instance included)
// sampled every 20 ms while solve runs, after returning the garbage of
// earlier instances to the operating system.
func measure(limit time.Duration, solve func()) solveUsage {
	debug.FreeOSMemory() // what earlier instances left does not count
	cpu0 := processCPU()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	peak := 0.0
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = math.Max(peak, runtimeMiB())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	solve()
	wall := time.Since(start)
	close(stop)
	wg.Wait()
	peak = math.Max(peak, runtimeMiB())
	return solveUsage{limit: limit, wall: wall, cpu: processCPU() - cpu0, peakMiB: peak}
}

// runtimeMiB is the memory the Go runtime holds, in MiB: all it has
// mapped (/memory/classes/total:bytes) less what it has returned to the
// operating system (/memory/classes/heap/released:bytes).
func runtimeMiB() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return math.NaN()
	}
	return float64(s[0].Value.Uint64()-s[1].Value.Uint64()) / (1 << 20)
}

// effectiveLimit is the time limit Solve applies: the flag, else the
// instance's, else the solver's default.
func effectiveLimit(flagLimit time.Duration, in *align.Problem) time.Duration {
	switch {
	case flagLimit > 0:
		return flagLimit
	case in.TimeLimitSeconds > 0:
		return time.Duration(in.TimeLimitSeconds * float64(time.Second))
	}
	return align.DefaultTimeLimit
}

// solveMeasured solves in with the bench's settings and records the solveUsage
// in row.
func solveMeasured(ctx context.Context, row *benchRow, in *align.Problem, flagLimit time.Duration) error {
	var err error
	row.use = measure(effectiveLimit(flagLimit, in), func() {
		row.res, err = align.Solve(ctx, in, &align.Settings{TimeLimit: flagLimit})
	})
	row.seconds = row.use.wall.Seconds()
	return err
}

// usageTable renders, for one set, each instance's wall time against its
// time limit, CPU time and peak memory.
func usageTable(rs []benchRow) string {
	var b strings.Builder
	b.WriteString("| instance | time limit (s) | wall (s) | wall / limit | CPU (s) | peak memory (MiB) |\n|---|---:|---:|---:|---:|---:|\n")
	worst := 0.0
	for _, r := range rs {
		if r.use.limit <= 0 {
			continue
		}
		ratio := r.use.wall.Seconds() / r.use.limit.Seconds()
		worst = math.Max(worst, ratio)
		fmt.Fprintf(&b, "| %s | %.3g | %.2f | %.3f | %.2f | %.0f |\n", r.c.name, r.use.limit.Seconds(), r.use.wall.Seconds(), ratio, r.use.cpu.Seconds(), r.use.peakMiB)
	}
	fmt.Fprintf(&b, "\nLongest wall time / time limit in this set: %.3f (bar ≤ 1.10). Instances that converge stop before their limit. CPU = user + system time of the process (getrusage) during the solve; peak memory = the largest sample, every 20 ms, of the memory the Go runtime holds for the whole process (runtime/metrics /memory/classes/total:bytes less /memory/classes/heap/released:bytes), after debug.FreeOSMemory before each solve.\n\n", worst)
	return b.String()
}

// zipsReport renders the zips set's own table: feasibility, territories in
// band, objective, lower bound, first-feasible time, wall vs limit, CPU,
// peak memory.
func zipsReport(rs []benchRow) string {
	var b strings.Builder
	b.WriteString("The ZIP-scale national case of issue 17, built by `zipInstance` (cmd/terrane/bench_zips.go) from the embedded data: units = the 33,232 ZCTAs of the lower 48 and DC (`sample.ZIPPoints`), x/y = lon/lat of the Census internal point, haversine distance in meters, demand = population (each county's 2018 population split evenly over its ZCTAs), weight = demand (objective in person-meters), adjacency = Delaunay triangulation of the points without edges over 150 km (`sample.ZIPEdges`, 99,431 edges, connected), contiguous, balance ±5 % of the mean, distance objective, seed 0, time limit 60 s per instance unless `--time-limit` is given. Feasible = `align.Verify` says so. Lower bound: the Lagrangian p-median bound on truncated costs (each unit's exact list of nearest units, every other unit costing the list's farthest distance; optimizer/align/lower_sparse.go), computed once at the first feasible answer with 15 % of the remaining time; it relaxes balance and contiguity, so the gap it leaves is mostly theirs; — when the answer is infeasible (no bound is reported then). `zips33232-k200-measures` (`zipMeasuresInstance`) is the multi-measure case: the same units and edges, demand = weight = market (dollars per year: the sample company's county market split by population, `sample.ZIPMeasuresOf`) within ±5 %, and every territory also within ±10 % of the mean in accounts (the county's CBP 2020 establishments split the same way) and in workload (hours a year: 4 h per account in metro counties up to 9 h in the most rural); in band there means in every band, and its objective is in dollar-meters. No search has put it in every band (measured on 2026-12-01 with `terrane solve align` on the instance `--save` writes: 128–140 of 200 in four runs of 60 s, 138 in 300 s, 166 with the market band widened to ±10 %), and no compact plan can: the county data's ratios of market to accounts to workload differ between whole regions (Manhattan and Silicon Valley hold half the accounts per dollar of market of the mean, Miami-Dade 1.4 times; rural hours run 9 h per account), and `align.SpanBound` (optimizer/align/span.go; below the table) proves that every plan in every band has a territory hundreds of kilometres wider than the mean territory (about 200 km across). `zips33232-k200-measures-planted` (`zipPlantedInstance`) is the same case with a plan known to hold every band: a market-only plan (seed 1, 300 iterations) is drawn first and each unit's accounts and workload are scaled by one factor per territory of it, so that plan holds both at their mean; the variation between the ZIPs of a territory stays, that between territories is gone. It tests the search, which does not know the plan, not the data.\n\n")
	b.WriteString("| instance | k | feasible (Verify) | territories in band | objective (weight × m) | lower bound | first feasible (s) | wall (s) / limit (s) | CPU (s) | peak memory (MiB) | status |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		if r.res == nil {
			fmt.Fprintf(&b, "| %s | %d | error: %s | — | — | — | — | %.2f / %.3g | %.2f | %.0f | — |\n", r.c.name, r.c.k, oneLine(r.err), r.use.wall.Seconds(), r.use.limit.Seconds(), r.use.cpu.Seconds(), r.use.peakMiB)
			continue
		}
		feasible := yesNo(r.res.Feasible && r.err == nil)
		// in band with the solver's tolerance (1e-9 of the total demand)
		total := 0.0
		for _, t := range r.res.Slack.Territories {
			total += t.Demand
		}
		within, tol := 0, 1e-9*math.Max(1, total)
		for i, t := range r.res.Slack.Territories {
			ok := t.AboveMin >= -tol && t.BelowMax >= -tol
			// and in every other measure's band (the measures case)
			for _, ms := range r.res.Slack.Balances {
				mt := 0.0
				for _, l := range ms.Loads {
					mt += l
				}
				if ms.Slack[i] < -1e-9*math.Max(1, mt) {
					ok = false
				}
			}
			if ok {
				within++
			}
		}
		lb := "—" // infeasible: no bound is reported
		if r.res.LowerBound != nil {
			lb = fmt.Sprintf("%.4g", *r.res.LowerBound)
		}
		first := "—"
		if r.res.Feasible {
			first = fmt.Sprintf("%.2f", r.res.FirstFeasibleSeconds)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d / %d | %.5g | %s | %s | %.2f / %.3g | %.2f | %.0f | %s |\n", r.c.name, r.c.k, feasible, within, r.c.k,
			r.res.Objective, lb, first, r.use.wall.Seconds(), r.use.limit.Seconds(), r.use.cpu.Seconds(), r.use.peakMiB, r.res.Status)
	}
	b.WriteString("\n")
	b.WriteString(spanReport(rs))
	return b.String()
}

// spanReport says, for each instance with several bands, what
// align.SpanBound proved: how wide some territory of every plan in every
// band must be, and the ball that shows it.
func spanReport(rs []benchRow) string {
	// In these instances the demand is the market.
	label := func(m string) string {
		if m == align.DemandMeasure {
			return "market (the demand, $)"
		}
		return m
	}
	var b strings.Builder
	for _, r := range rs {
		if r.res == nil || len(r.res.Slack.Balances) < 2 { // one band: nothing to contradict
			continue
		}
		if b.Len() == 0 {
			b.WriteString("How wide a territory any plan in every band must have (`align.SpanBound`, computed by the bench after each solve): a territory holds at most hi(over)/lo(under) of one measure per unit of another, so the units within a ball around a ZIP hold an excess that the territories covering them must dilute with units nearer than the ball's radius plus their span; when all the units out to that distance cannot absorb it, no plan in every band has every territory narrower. Each line can be added up again from the instance.\n\n")
		}
		w := r.span
		switch {
		case w == nil:
			fmt.Fprintf(&b, "- %s: no bound found (which proves nothing).\n", r.c.name)
		case math.IsInf(w.Span, 1):
			fmt.Fprintf(&b, "- %s: **no plan holds every band**: the %.0f km around ZIP %s hold %.4g more %s than %.4g × its %s, more than every other unit can absorb.\n", r.c.name, w.Radius/1000, w.CenterID, w.Excess, label(w.Over), w.Ratio, label(w.Under))
		default:
			fmt.Fprintf(&b, "- %s: every plan in every band has a territory spanning at least **%.0f km**: the %.0f km around ZIP %s hold %.4g of %s beyond %.4g × their %s, and the units from there out to %.0f km can absorb only %.4g.\n",
				r.c.name, w.Span/1000, w.Radius/1000, w.CenterID, w.Excess, label(w.Over), w.Ratio, label(w.Under), (w.Radius+w.Span)/1000, w.Absorb)
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}
