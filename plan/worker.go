package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/align"
	"github.com/terrane/terrane/optimizer/allocate"
)

// SolverVersion is recorded on every run so results can be traced.
const SolverVersion = "terrane-solvers/1"

// RunRequest is the input a run is created with.
type RunRequest struct {
	Kind string `json:"kind"`
	Seed int64  `json:"seed"`
	// Fit says how a run of kind fit fits; only with that kind.
	Fit *FitRequest `json:"fit,omitempty"`
}

// Worker takes queued runs from the database and solves them. Any number of
// workers in any number of processes may share one database.
type Worker struct {
	Services Services
	Name     string        // identifies this worker in the runs table
	Poll     time.Duration // how often to look for work; 0 = 500 ms
	Stale    time.Duration // a running run without a heartbeat this long is taken over; 0 = 30 s
	Logger   *slog.Logger
	// Events, when set, is told each time a run's row changes (progress,
	// the end), so that watchers need not poll, and is handed the inputs and
	// results of each finished allocation for the API's next read.
	Events *Broker
	wake   chan struct{}
	fits   fitCache // the curve fits of recent allocate runs
}

// Wake tells the worker a run was queued, so it need not wait for the poll.
func (w *Worker) Wake() {
	if w.wake == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run processes runs until ctx is cancelled.
func (w *Worker) Run(ctx context.Context) {
	if w.Poll == 0 {
		w.Poll = 500 * time.Millisecond
	}
	if w.Stale == 0 {
		w.Stale = 30 * time.Second
	}
	if w.Logger == nil {
		w.Logger = slog.Default()
	}
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	for ctx.Err() == nil {
		run, err := w.Services.ClaimRun(ctx, w.Name, w.Stale)
		if err == nil {
			w.execute(ctx, run)
			continue
		}
		if terrane.ErrorCode(err) != terrane.ENOTFOUND && ctx.Err() == nil {
			w.Logger.Error("claim run", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-time.After(w.Poll):
		}
	}
}

// execute solves one claimed run, heart-beating and watching for a cancel.
func (w *Worker) execute(ctx context.Context, run *terrane.Run) {
	log := w.Logger.With(slog.Int64("run", run.ID), slog.Int64("scenario", run.ScenarioID), slog.String("kind", run.Kind))
	log.Info("run started")
	solveCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := make(chan float64, 1)
	done := make(chan struct{})
	watcherDone := make(chan struct{})
	go func() { // heartbeat, progress and cancel watcher
		defer close(watcherDone)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		last := -1.0
		for {
			select {
			case <-done:
				return
			case p := <-progress:
				if p-last >= 0.01 || p == 1 {
					last = p
					if _, err := w.Services.UpdateRun(context.WithoutCancel(ctx), run.ID, terrane.RunUpdate{Progress: &p}); err != nil && terrane.ErrorCode(err) != terrane.ECONFLICT {
						log.Warn("progress", slog.Any("err", err))
					} else if w.Events != nil {
						w.Events.Notify(run.ID)
					}
				}
			case <-tick.C:
				cur, err := w.Services.FindRunByID(ctx, run.ID)
				if err == nil && cur.Status == terrane.RunCancelled {
					cancel()
					return
				}
				w.Services.Heartbeat(ctx, run.ID, w.Name)
			}
		}
	}()
	report := func(p float64) {
		select {
		case progress <- p:
		default:
			select { // replace a stale value
			case <-progress:
			default:
			}
			select {
			case progress <- p:
			default:
			}
		}
	}
	// Progress never goes backwards, whichever part reports it.
	var progressMu sync.Mutex
	var best float64
	monotonic := func(p float64) {
		progressMu.Lock()
		defer progressMu.Unlock()
		if p > best {
			best = p
			report(p)
		}
	}
	started := time.Now()
	out, err := w.solve(solveCtx, run, monotonic)
	solved := time.Now()
	close(done)
	<-watcherDone // no progress report may land after the final result
	if ctx.Err() != nil {
		// The process is shutting down: leave the run "running" with an old
		// heartbeat, so this or another process takes it over on restart.
		log.Info("run interrupted by shutdown; it will be resumed")
		return
	}
	fin := terrane.RunFinish{Status: terrane.RunSucceeded}
	switch {
	case solveCtx.Err() != nil:
		fin = terrane.RunFinish{Status: terrane.RunCancelled, Error: "cancelled"}
	case err != nil:
		fin = terrane.RunFinish{Status: terrane.RunFailed, Error: terrane.ErrorMessage(err)}
		if terrane.ErrorCode(err) == terrane.EINTERNAL {
			fin.Error = err.Error()
		}
	default:
		fin.Result, _ = json.Marshal(out.result)
		if out.problem != nil {
			fin.Problem, _ = json.Marshal(out.problem)
		}
		fin.Territories, fin.Assignments, fin.Results = out.territories, out.assignments, out.results
	}
	// One transaction: the run's status, the redrawn territories and the
	// stored results land together or not at all.
	_, err = w.Services.FinishRun(context.WithoutCancel(ctx), run.ID, fin)
	if err != nil && fin.Status == terrane.RunSucceeded && terrane.ErrorCode(err) == terrane.ECONFLICT {
		if cur, ferr := w.Services.FindRunByID(context.WithoutCancel(ctx), run.ID); ferr == nil && cur.Status == terrane.RunRunning {
			// The scenario changed under the run (or was published): record why.
			fin = terrane.RunFinish{Status: terrane.RunFailed, Error: terrane.ErrorMessage(err)}
			_, err = w.Services.FinishRun(context.WithoutCancel(ctx), run.ID, fin)
		}
	}
	if err != nil && terrane.ErrorCode(err) != terrane.ECONFLICT {
		log.Error("record run result", slog.Any("err", err))
	}
	if w.Events != nil {
		if err == nil && fin.Status == terrane.RunSucceeded && run.Kind == terrane.RunAllocate {
			// The scenario is as the run read it, now naming this run's results.
			sc := *out.in.Scenario
			sc.ResultsRunID = run.ID
			in := *out.in
			in.Scenario = &sc
			w.Events.Finished(&in, fin.Results)
		}
		w.Events.Notify(run.ID)
	}
	attrs := []any{slog.String("status", fin.Status), slog.String("error", fin.Error),
		slog.Duration("solve", solved.Sub(started)), slog.Duration("finish", time.Since(solved))}
	if out != nil {
		attrs = append(attrs, slog.Duration("load", out.load))
	}
	log.Info("run finished", attrs...)
}

// outcome is what a successful solve writes when it finishes.
type outcome struct {
	result      *RunResult
	territories []*terrane.Territory // the redrawn territories; nil when not redrawn
	assignments map[string]string    // their units; nil when not redrawn
	results     *terrane.Results
	problem     *allocate.Problem // the allocation problem solved; nil when the run did not allocate
	load        time.Duration     // reading the inputs, part of the solve
	in          *Inputs           // what the run read (and redrew)
	curves      *fittedCurves     // the curves the allocation used; nil when the run did not allocate
}

// solve runs the solvers a run asks for. progress gets the fraction done.
func (w *Worker) solve(ctx context.Context, run *terrane.Run, progress func(float64)) (*outcome, error) {
	if run.Kind == terrane.RunFit {
		return w.solveFit(ctx, run, progress)
	}
	t0 := time.Now()
	in, err := Load(ctx, w.Services, run.ScenarioID, run.Kind != terrane.RunAllocate)
	if err != nil {
		return nil, err
	}
	load := time.Since(t0)
	if in.Scenario.Status == terrane.StatusPublished && run.Kind != terrane.RunAllocate {
		return nil, terrane.Errorf(terrane.ECONFLICT, "scenario %d is published; its territories cannot be redrawn", in.Scenario.ID)
	}
	out := &RunResult{}
	done := &outcome{result: out, load: load, in: in}
	alignShare := 0.0
	if run.Kind != terrane.RunAllocate {
		alignShare = 0.95
		if run.Seed != 0 {
			in.Settings.Align.Seed = run.Seed
		}
		edges, err := w.Services.FindAdjacency(ctx, in.Scenario.Layer)
		if err != nil {
			return nil, err
		}
		users, _ := w.Services.(terrane.UserService)
		if err := LoadAlignExtras(ctx, w.Services, users, in); err != nil {
			return nil, err
		}
		ap, err := AlignProblem(in, edges)
		if err != nil {
			return nil, err
		}
		inst := ap.Problem
		// The solver reports progress from its search; its set-up phase is
		// covered by the clock, as a share of the time limit.
		stopClock := make(chan struct{})
		go func() {
			start, tick := time.Now(), time.NewTicker(250*time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stopClock:
					return
				case <-tick.C:
					progress(alignShare * math.Min(0.99, time.Since(start).Seconds()/inst.TimeLimitSeconds))
				}
			}
		}()
		res, err := align.Solve(ctx, inst, &align.Settings{Progress: func(f float64) { progress(f * alignShare) }})
		close(stopClock)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, terrane.Errorf(terrane.EINVALID, "alignment: %v", err)
		}
		// Name the territories after today's before anything reports them.
		relabel, moved := ap.Relabel(res.Assignment)
		var warnings []string
		missed := 0 // balanced territories outside the band
		if !res.Feasible {
			// A plan whose territories are whole and contiguous but a few of
			// which miss the balance band is still a plan a person can
			// finish by hand; anything worse is a failure.
			sl := res.Slack
			if !sl.Contiguous || sl.Empty > 0 || sl.Locked > 0 || sl.MovedSlack < 0 || sl.Capacity < 0 {
				return nil, terrane.Errorf(terrane.EINFEASIBLE, "alignment found no plan meeting the constraints (contiguity, max moved, locks) in %.0f s", res.Seconds)
			}
			if sl.CenterViolations > 0 {
				return nil, terrane.Errorf(terrane.EINFEASIBLE, "alignment found no plan holding every rep's home in the rep's territory in %.0f s", res.Seconds)
			}
			lo, hi := balanceRange(inst)
			known := territoryNames(in)
			var out []string
			for i, t := range sl.Territories {
				if inst.Balance != (align.Balance{}) && (t.Demand < lo-1e-6 || t.Demand > hi+1e-6) {
					out = append(out, fmt.Sprintf("%s (%s)", nameOf(known, ap.IDs[relabel[i]]), money(t.Demand)))
				}
			}
			missed = len(out)
			if missed > 0 {
				warnings = append(warnings, bandWarning(len(out), len(ap.IDs), lo, hi, out, res.Seconds))
			}
		}
		bands := measureBands(in, ap, res, relabel)
		warnings = append(warnings, measureWarnings(in, ap, res, relabel, bands)...)
		for _, b := range bands {
			missed = max(missed, b.Outside)
		}
		if missed > 0 && len(inst.Balances) > 0 {
			// Several bands missed: say where they contradict each other,
			// when that can be proved (3 s at 33,232 ZIPs), within a tenth
			// of the run's time limit more.
			budget := min(spanBudget, time.Duration(inst.TimeLimitSeconds*float64(time.Second)/10))
			sctx, cancel := context.WithTimeout(ctx, budget)
			w := align.SpanBound(sctx, inst)
			cancel()
			if w != nil {
				warnings = append(warnings, spanWarning(in, ap, w))
			}
		}
		if ap.CenterWarning != "" {
			warnings = append(warnings, ap.CenterWarning)
		}
		if n := len(ap.Dissolved); n > 0 {
			known := territoryNames(in)
			list := make([]string, len(ap.Dissolved))
			for i, id := range ap.Dissolved {
				list[i] = nameOf(known, id)
			}
			verb := "are"
			if n == 1 {
				verb = "is"
			}
			warnings = append(warnings, fmt.Sprintf("%d of today's territories %s dissolved to make %d: %s. Their units, %.1f%% of the market, had to move to other territories, and count against the most market that may move.",
				n, verb, len(ap.IDs)+len(ap.Oversize), names(list), 100*ap.ForcedMoved))
		}
		if w := renamedWarning(in, ap); w != "" {
			warnings = append(warnings, w)
		}
		if n := len(ap.Added); n > 0 {
			warnings = append(warnings, fmt.Sprintf("%s cut from today's territories, each named after its largest unit: %s. Name them and give them owners before publishing.",
				counted(n, "new territory is", "new territories are"), names(ap.Added)))
		}
		if n := len(ap.Oversize); n > 0 {
			warnings = append(warnings, peeledWarning(in, ap, missed))
		}
		fromCurrent := len(in.Territories) > 0
		ids, full := ap.Territories(res.Assignment)
		// The territories are written with the results when the run
		// finishes, in one transaction: a failed allocation leaves them as
		// they were.
		terrs, assignments := ApplyAlignment(in, ids, full)
		in.Territories, in.Assignments = terrs, assignments
		done.territories, done.assignments = terrs, assignments
		lo, hi := balanceRange(inst)
		out.Alignment = &AlignmentSummary{Status: string(res.Status), Feasible: res.Feasible, Objective: res.Objective, LowerBound: res.LowerBound,
			K: len(ids), Moved: moved, FromCurrent: fromCurrent, Contiguous: res.Slack.Contiguous, BalanceMin: lo, BalanceMax: hi, Seconds: res.Seconds, Territories: ids,
			Oversize: ap.OversizeIDs, Warnings: warnings, Balances: bands, Balanced: balancedSentence(bands)}
		if inst.Centers != nil {
			out.Alignment.Centers = CentersRepHomes
		}
	}
	var p *allocate.Problem
	if run.Kind != terrane.RunAlign {
		p, err = AllocationProblem(in)
		if err != nil {
			return nil, err
		}
		fc, err := w.chooseCurves(ctx, in, p)
		if err != nil {
			return nil, err
		}
		done.curves = fc
		res, err := allocate.Solve(ctx, p, nil)
		if err != nil {
			var ie *allocate.InputError
			if errors.As(err, &ie) {
				return nil, terrane.Errorf(terrane.EINVALID, "%s", ie.Error())
			}
			return nil, err
		}
		if res.Status == allocate.Infeasible {
			return nil, terrane.Errorf(terrane.EINFEASIBLE, "allocation is infeasible: %s", strings.Join(res.Conflicts, "; "))
		}
		out.Allocation = res
		out.Objective = objectiveKind(p.Objective)
		fc.outcome.ExpectedRevenue = fc.expectedRevenue(p, res.Allocation, res.Revenue)
		if in.Settings.Robust && fc.outcome.Fitted > 0 {
			if fc.outcome.Robust, fc.robustAlloc, err = fc.robust(ctx, p, res); err != nil {
				return nil, err
			}
		}
		out.Curves = fc.outcome
		done.problem = p
	}
	if done.results, err = storedResults(run, in, p, out, done.curves); err != nil {
		return nil, err
	}
	if out.Allocation != nil {
		// The run's result is the certificate: the per-territory marginal
		// returns, with the solver's sentinel for an unbounded slope, are
		// stored with each territory's results and answered as numbers or
		// null with a reason (TerritoryMetrics).
		cert := *out.Allocation
		cert.Marginal = nil
		out.Allocation = &cert
	}
	progress(1)
	return done, nil
}

// bandWarning says, for people, that some territories miss the balance band.
func bandWarning(missed, of int, lo, hi float64, list []string, seconds float64) string {
	head := fmt.Sprintf("%d of %d territories hold more or less market than the balance band of %s allows", missed, of, moneyRange(lo, hi))
	if missed == of {
		head = fmt.Sprintf("None of the %d territories could be balanced within %s of market", of, moneyRange(lo, hi))
	} else if missed == 1 {
		head = fmt.Sprintf("1 of %d territories holds more or less market than the balance band of %s allows", of, moneyRange(lo, hi))
	}
	return fmt.Sprintf("%s: counties cannot be split, and the search stopped after %.0f seconds. You can finish the plan by hand or widen the band. Outside the band: %s.",
		head, seconds, names(list))
}

// spanBudget is the most time a run spends proving that its bands
// contradict each other (align.SpanBound); it stops with the best proof
// found so far.
const spanBudget = 5 * time.Second

// spanWarning says, for people, where the balance bands cannot all hold
// together and how wide a territory any plan holding them needs.
func spanWarning(in *Inputs, ap *Alignment, w *align.SpanWitness) string {
	name := func(m string) string {
		if m == align.DemandMeasure {
			return MeasureMarket
		}
		return m
	}
	over, under := name(w.Over), name(w.Under)
	// The ratio per a round amount of under: per $1M of market, per account, per 1,000 hours.
	per, perText := 1.0, "per unit of "+under
	switch under {
	case MeasureMarket, MeasureRevenue:
		per, perText = 1e6, "per $1M of "+measureNoun(under)
	case MeasureWorkload:
		per, perText = 1000, "per 1,000 "+measureNoun(under)
	case MeasureAccounts:
		perText = "per account"
	}
	u := in.Units[ap.Units[w.Center]]
	where := u.ID
	if u.Name != "" {
		where = u.Name
	}
	holds := fmt.Sprintf("the units within %s of it hold", kilometres(w.Radius))
	if w.Radius < 500 { // the unit alone
		holds = "it holds"
	}
	head := fmt.Sprintf("The balance bands contradict each other around %s: %s more %s %s than a territory in every band may (at most %s %s)",
		where, holds, measureNoun(over), perText, measureAmount(over, w.Ratio*per), perText)
	if math.IsInf(w.Span, 1) {
		return head + ", and no other units can make up for it: no plan holds every band. Widen the " + measureNoun(over) + " or the " + measureNoun(under) + " band."
	}
	return fmt.Sprintf("%s, and the units within %s cannot make up for it: every plan in every band has a territory at least %s across. Widen the %s or the %s band, or finish the plan by hand.",
		head, kilometres(w.Radius+w.Span), kilometres(w.Span), measureNoun(over), measureNoun(under))
}

// kilometres formats meters as kilometres for people: "96 km".
func kilometres(m float64) string {
	return count(math.Round(m/1000)) + " km"
}

// peeledWarning tells people which units became territories of their own
// and why, so that a territory of one county far off the mean is explained.
// missed is how many of the balanced territories still miss the band: the
// others only are said to be balanced.
func peeledWarning(in *Inputs, ap *Alignment, missed int) string {
	stranded := map[string]bool{}
	for _, id := range ap.Stranded {
		stranded[id] = true
	}
	var big, small []string
	other := map[string][]string{} // measure → units oversize on it
	for _, i := range ap.Oversize {
		u := in.Units[i]
		name := u.ID
		if u.Name != "" {
			name = u.Name
		}
		if m := ap.OversizeOn[u.ID]; m != "" {
			other[m] = append(other[m], name)
		} else if stranded[u.ID] {
			small = append(small, name)
		} else {
			big = append(big, name)
		}
	}
	n := len(ap.Oversize)
	msg := fmt.Sprintf("%s a territory of %s, outside the balance band, because a county cannot be split", counted(n, "county is", "counties are each"), map[bool]string{true: "its own", false: "their own"}[n == 1])
	if len(big) > 0 {
		msg += fmt.Sprintf(". %s more market than a balanced territory may: %s", counted(len(big), "holds", "hold"), names(big))
	}
	for _, m := range []string{MeasureAccounts, MeasureWorkload, MeasureRevenue} {
		if list := other[m]; len(list) > 0 {
			msg += fmt.Sprintf(". %s more %s than a balanced territory may: %s", counted(len(list), "holds", "hold"), measureNoun(m), names(list))
		}
	}
	if len(small) > 0 {
		msg += fmt.Sprintf(". %s stranded, with no connected group of neighbours that fits the band: %s", counted(len(small), "is", "are"), names(small))
	}
	if rest := len(ap.IDs) - missed; rest > 0 && missed == 0 {
		msg += fmt.Sprintf(". The other %s balanced among themselves", counted(rest, "territory is", "territories are"))
	} else if rest > 0 {
		msg += fmt.Sprintf(". Of the other %d territories, %d %s within the band", len(ap.IDs), rest, map[bool]string{true: "is", false: "are"}[rest == 1])
	}
	return msg + "."
}

// renamedWarning tells people which of today's territories are not kept
// because no territory holds most of their market any more, and where the
// largest part of each went.
func renamedWarning(in *Inputs, ap *Alignment) string {
	tnames := map[string]string{}
	for _, t := range in.Territories {
		tnames[t.ID] = t.Name
	}
	units := map[string]string{}
	for _, u := range in.Units {
		units[u.ID] = u.Name
	}
	var lost []string
	for _, r := range ap.Renamed {
		n, ok := tnames[r.From]
		if !ok {
			continue // a new territory: the warning on added ones names it
		}
		// Names for people: the new territory is called after its largest unit.
		to := r.To
		if u := units[strings.TrimPrefix(r.To, "T-")]; u != "" {
			to = u
		}
		if r.Kept > 0 {
			lost = append(lost, fmt.Sprintf("%s (%.0f%% of its market is now in %s)", n, 100*r.Kept, to))
		} else {
			lost = append(lost, n)
		}
	}
	n := len(lost)
	if n == 0 {
		return ""
	}
	head := fmt.Sprintf("%d of today's territories are not kept", n)
	if n == 1 {
		head = "1 of today's territories is not kept"
	}
	return fmt.Sprintf("%s: no territory holds more than half of its market any more, so its units are in new territories, named after their largest county and without owners: %s.",
		head, names(lost))
}

// balanceRange is the [min, max] market a territory may hold.
func balanceRange(in *align.Problem) (float64, float64) {
	if in.Balance.Tolerance > 0 {
		var tot float64
		for _, u := range in.Units {
			tot += u.Demand
		}
		mean := tot / float64(in.K)
		return mean * (1 - in.Balance.Tolerance), mean * (1 + in.Balance.Tolerance)
	}
	return in.Balance.Min, in.Balance.Max
}
