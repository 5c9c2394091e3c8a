package align

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"time"
)

// DefaultTimeLimit is the time limit when neither [Settings] nor the
// problem sets one.
const DefaultTimeLimit = 8 * time.Second

// Settings tunes [Solve]. The zero value works: the problem's time limit
// (or [DefaultTimeLimit]), no iteration cap, no progress reports.
type Settings struct {
	// TimeLimit bounds the search; 0 means the problem's
	// time_limit_seconds, or DefaultTimeLimit if that is 0 too.
	TimeLimit time.Duration
	// MaxIterations, if > 0, caps the improvement iterations of the search,
	// so that the answer depends on the seed only, not on the machine's
	// speed; 0 means no cap.
	MaxIterations int
	// Progress, if not nil, is called from the solving goroutine with the
	// fraction (0..1) of the time budget used, at most about ten times a
	// second, and with 1 when Solve returns a Result; nil means no reports.
	Progress func(fraction float64)
}

// ErrNoSolution is returned, joined with the context's error, when the
// context was canceled before the search had any complete assignment.
var ErrNoSolution = errors.New("align: no solution found before the search stopped")

// Solve assigns the units of in to in.K territories. It validates the
// problem, picks the engine (see the package documentation), searches until
// the time limit, the iteration cap, convergence or a proof of optimality,
// and returns the best answer found: feasible if one was found (Status
// Optimal or Feasible), else the least violating one (Feasible false, Status
// Infeasible). settings may be nil.
//
// If ctx is canceled, Solve returns promptly with the best answer so far,
// Status Canceled, and an error that wraps ctx.Err(); when it holds no
// complete assignment yet, it returns a nil Result and ctx.Err() joined
// with [ErrNoSolution] (the contract of package optimizer).
func Solve(ctx context.Context, in *Problem, settings *Settings) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var s Settings
	if settings != nil {
		s = *settings
	}
	limit := s.TimeLimit
	if limit <= 0 && in.TimeLimitSeconds > 0 {
		limit = time.Duration(in.TimeLimitSeconds * float64(time.Second))
	}
	if limit <= 0 {
		limit = DefaultTimeLimit
	}
	r := &runner{ctx: ctx, start: time.Now(), limit: limit, maxIter: s.MaxIterations, progress: s.Progress}
	r.deadline = r.start.Add(limit)
	seed := uint64(in.Seed)
	r.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	if err := ctx.Err(); err != nil {
		return nil, errors.Join(ErrNoSolution, err)
	}
	p := newModel(in, true)
	var assign, centers []int
	var lb float64 = math.NaN()
	switch {
	case p.pure():
		assign, centers, lb = solvePMedian(p, r)
	case !p.cut && !p.contig:
		assign, centers, lb = solveCapacitated(p, r)
	default:
		assign, centers, lb = solveDistrict(p, r)
	}
	if assign == nil {
		return nil, errors.Join(ErrNoSolution, ctx.Err())
	}
	res := evaluate(p, assign, centers)
	res.Iterations = r.iters
	if !math.IsNaN(lb) && res.Feasible {
		b := math.Min(lb, res.Objective)
		res.LowerBound = &b
		g := 0.0
		if res.Objective > 0 {
			g = (res.Objective - b) / res.Objective
		}
		res.Gap = &g
	}
	switch {
	case r.canceled:
		res.Status = Canceled
	case !res.Feasible:
		res.Status = Infeasible
	case res.Gap != nil && *res.Gap <= 1e-9:
		res.Status = Optimal
	default: // the time limit, the iteration cap or convergence
		res.Status = Feasible
	}
	res.Seconds = time.Since(r.start).Seconds()
	if res.Feasible && r.firstFeasible > 0 {
		res.FirstFeasibleSeconds = r.firstFeasible.Seconds()
	}
	if r.progress != nil {
		r.progress(1)
	}
	if r.canceled {
		return &res, ctx.Err()
	}
	return &res, nil
}

// pure reports whether the problem is the uncapacitated p-median.
func (p *model) pure() bool {
	if p.cut || p.contig || p.capac || p.lo > 0 || !math.IsInf(p.hi, 1) || !math.IsInf(p.moveCap, 1) || p.nm > 0 || p.fixed != nil {
		return false
	}
	for _, l := range p.locked {
		if l {
			return false
		}
	}
	return true
}

// movedWeight is how much more a unit of demand over the max_moved limit
// counts than a unit of balance or capacity violation.
const movedWeight = 1000

// runner carries the budget, the random source and the hooks of one solve.
type runner struct {
	ctx      context.Context
	start    time.Time
	deadline time.Time
	limit    time.Duration
	maxIter  int
	iters    int
	rng      *rand.Rand
	progress func(float64)
	lastProg time.Time
	canceled bool
	timedOut bool
	checks   int
	trees    int // spanning trees drawn (tests check that loops stop drawing)
	// firstFeasible is when the search first held an answer without
	// violation; zero until then.
	firstFeasible time.Duration
}

// noteViolation records the time of the first answer without violation.
func (r *runner) noteViolation(v, scale float64) {
	if r.firstFeasible == 0 && v <= capEps*scale {
		r.firstFeasible = max(time.Since(r.start), time.Nanosecond)
	}
}

func scaleOf(p *model) float64 { return math.Max(1, p.total) }

// stop reports whether the search must end now: canceled context, time
// limit or iteration cap. It also reports progress.
func (r *runner) stop() bool {
	if r.canceled || r.timedOut {
		return true
	}
	if r.ctx.Err() != nil {
		r.canceled = true
		return true
	}
	if r.maxIter > 0 && r.iters >= r.maxIter {
		return true
	}
	now := time.Now()
	if now.After(r.deadline) {
		r.timedOut = true
		return true
	}
	r.report(now)
	return false
}

// report calls the progress callback when the last report is over 100 ms
// old, with the fraction of the time budget used at now.
func (r *runner) report(now time.Time) {
	if r.progress != nil && now.Sub(r.lastProg) > 100*time.Millisecond {
		r.lastProg = now
		r.progress(math.Min(1, float64(now.Sub(r.start))/float64(r.limit)))
	}
}

// progressNow reports progress if a report is due, for the phases that do
// not call stop (seeding, repair).
func (r *runner) progressNow() {
	if r.progress != nil {
		r.report(time.Now())
	}
}

// hardStop is stop without the iteration cap, for fine-grained loops
// inside one iteration: it looks at the clock and the context every 64th
// call.
func (r *runner) hardStop() bool {
	if r.canceled || r.timedOut {
		return true
	}
	r.checks++
	if r.checks&63 != 0 {
		return false
	}
	return r.expired()
}

// expired looks at the context and the clock now; for coarse loops whose
// steps take milliseconds.
func (r *runner) expired() bool {
	if r.canceled || r.timedOut {
		return true
	}
	if r.ctx.Err() != nil {
		r.canceled = true
		return true
	}
	now := time.Now()
	if now.After(r.deadline) {
		r.timedOut = true
		return true
	}
	r.report(now) // the seeding and repair loops check here, not in stop
	return false
}
