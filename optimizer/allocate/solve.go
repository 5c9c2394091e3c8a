package allocate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Status says what a Result proves.
type Status string

const (
	// Optimal: the gap between Objective and the proven Bound is at most
	// Settings.GapTolerance.
	Optimal Status = "optimal"
	// Feasible: every constraint holds but the gap is larger than the
	// tolerance (S-shaped curves, several integer resources sharing the
	// budget, or the iteration limit).
	Feasible Status = "feasible"
	// Infeasible: no allocation satisfies every constraint; Result.Conflicts
	// names the constraints that clash.
	Infeasible Status = "infeasible"
	// Canceled: the context was canceled during the search; the Result is
	// the feasible allocation found so far and its Bound is not a proof.
	Canceled Status = "canceled"
)

// ErrNoSolution is returned, joined with the context's error, when the
// context was canceled before the search held an allocation that meets
// every constraint.
var ErrNoSolution = errors.New("allocate: no solution found before the search stopped")

// Settings tune Solve. The zero value works.
type Settings struct {
	// GapTolerance is the relative gap at or below which a result is
	// Optimal; 0 means 1e-6.
	GapTolerance float64
	// MaxIterations caps the evaluations of each price search; 0 means 300.
	MaxIterations int
	// WarmStart, when not nil, seeds the price searches with its shadow
	// prices (what-if sweeps pass the previous result).
	WarmStart *Result
	// Progress, if not nil, is called from the solving goroutine with the
	// fraction (0..1) of the solve's phases done — the price search, the
	// S-shaped pattern search, the integer exchange — and with 1 when Solve
	// returns a Result; nil means no reports.
	Progress func(fraction float64)
}

// Result is the answer to a Problem, in the canonical JSON form written by
// `terrane solve allocate`.
type Result struct {
	// Status is Optimal, Feasible, Infeasible or Canceled.
	Status Status `json:"status"`
	// Objective is the objective recomputed from Allocation, dollars per
	// year (0 when infeasible).
	Objective float64 `json:"objective"`
	// Bound is a proven upper bound on the optimal objective, dollars per
	// year (0 when infeasible).
	Bound float64 `json:"bound"`
	// Gap is (Bound − Objective) / max(1, |Objective|), dimensionless.
	Gap float64 `json:"gap"`
	// Allocation maps territory id → resource name → amount, units.
	Allocation map[string]map[string]float64 `json:"allocation"`
	// Revenue maps territory id → expected revenue at Allocation, dollars
	// per year.
	Revenue map[string]float64 `json:"revenue"`
	// Marginal maps territory id → resource name → d revenue / d x at
	// Allocation, dollars per year per unit (the right derivative; an
	// infinite slope at 0 is reported as math.MaxFloat64).
	Marginal map[string]map[string]float64 `json:"marginal"`
	// ShadowPrices maps "budget" and each resource name with a total to the
	// gain in objective from one more unit of that constraint at the
	// margin: objective dollars per budget dollar, per unit of the resource.
	// 0 means the constraint is slack.
	ShadowPrices map[string]float64 `json:"shadow_prices"`
	// ChangePrices maps each resource in max_change to the objective gained
	// per unit of looser change limit, objective dollars per year per unit.
	ChangePrices map[string]float64 `json:"change_prices,omitempty"`
	// Used maps each resource name to Σ_i x_ir, units, and "budget" to the
	// dollars per year spent.
	Used map[string]float64 `json:"used,omitempty"`
	// TotalRevenue is Σ_i revenue_i, dollars per year.
	TotalRevenue float64 `json:"total_revenue"`
	// Conflicts lists the constraints that cannot all hold (Infeasible).
	Conflicts []string `json:"conflicts,omitempty"`
	// Evaluations counts full passes over the territories, a
	// machine-independent measure of work.
	Evaluations int `json:"evaluations"`
	// Seconds is the wall-clock solve time, seconds.
	Seconds float64 `json:"seconds"`
}

// maxCombos and maxEnumWork (combinations × territories) cap the
// combinations of integer totals enumerated when several integer resources
// share the budget; beyond them the totals are improved by local moves.
const (
	maxCombos   = 2000
	maxEnumWork = 1e5
)

type solver struct {
	ctx     context.Context
	m       *model
	maxIter int
	iters   int
	warm    map[string]float64
	zero    map[*resModel]*zeroEval
	tol     float64 // relative gap that is good enough
}

// outcome is the solution in index form.
type outcome struct {
	x      [][]float64 // units per resource and territory
	bound  float64     // upper bound on Σ value, objective dollars per year
	mu     float64
	lambda []float64
}

// Solve maximizes p's objective. It returns an error for malformed input
// (an *InputError) and when ctx is canceled; infeasible problems return a
// Result with Status Infeasible and no error. settings may be nil.
//
// If ctx is canceled, Solve returns promptly with the allocation found so
// far, Status Canceled, and an error that wraps ctx.Err(); when it holds
// no allocation meeting every constraint yet, it returns a nil Result and
// ctx.Err() joined with [ErrNoSolution] (the contract of package
// optimizer).
func Solve(ctx context.Context, p *Problem, set *Settings) (*Result, error) {
	start := time.Now()
	if set == nil {
		set = &Settings{}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("allocate: %w", errors.Join(ErrNoSolution, err))
	}
	progress := func(f float64) {
		if set.Progress != nil {
			set.Progress(f)
		}
	}
	m, conflicts := build(p)
	if len(conflicts) > 0 {
		progress(1)
		return &Result{Status: Infeasible, Conflicts: conflicts, Allocation: map[string]map[string]float64{},
			Revenue: map[string]float64{}, Marginal: map[string]map[string]float64{}, ShadowPrices: map[string]float64{},
			Seconds: time.Since(start).Seconds()}, nil
	}
	if err := m.unbounded(); err != nil {
		return nil, err
	}
	tol := set.GapTolerance
	if tol <= 0 {
		tol = 1e-6
	}
	s := &solver{ctx: ctx, m: m, maxIter: set.MaxIterations, warm: map[string]float64{}, zero: map[*resModel]*zeroEval{}, tol: tol}
	if s.maxIter <= 0 {
		s.maxIter = 300
	}
	if w := set.WarmStart; w != nil {
		for k, v := range w.ShadowPrices {
			s.warm[k] = v
		}
	}
	o := s.solve()
	progress(1.0 / 3)
	o = s.improvePattern(o)
	progress(2.0 / 3)
	s.improveIntegers(o)
	if err := ctx.Err(); err != nil {
		if !m.feasible(o.x) || !m.inBounds(o.x) {
			return nil, fmt.Errorf("allocate: %w", errors.Join(ErrNoSolution, err))
		}
		res := s.result(p, o)
		res.Status = Canceled
		res.Seconds = time.Since(start).Seconds()
		progress(1)
		return res, fmt.Errorf("allocate: %w", err)
	}
	res := s.result(p, o)
	res.Status = Feasible
	if res.Gap <= tol {
		res.Status = Optimal
	}
	res.Seconds = time.Since(start).Seconds()
	progress(1)
	return res, nil
}

func (s *solver) solve() *outcome {
	m := s.m
	R := len(m.res)
	o := &outcome{x: make([][]float64, R), lambda: make([]float64, R)}
	solT := make([]*resSol, R)
	var coupled []*resModel
	var cSolT []*resSol
	var cIdx []int
	for r, rm := range m.res {
		if !rm.coupled || !math.IsInf(rm.total, 1) {
			solT[r] = s.solveTotal(rm, rm.total, s.warm[rm.name]+s.warm["budget"]*rm.cost, 0)
		}
		if rm.coupled {
			coupled, cSolT, cIdx = append(coupled, rm), append(cSolT, solT[r]), append(cIdx, r)
			continue
		}
		o.x[r], o.lambda[r] = solT[r].x, solT[r].price
		o.bound += solT[r].bound
	}
	if len(coupled) == 0 {
		return o
	}
	bs := s.budgetSolve(coupled, cSolT, m.budget, s.warm["budget"], 0)
	var ints []int
	for k, rm := range coupled {
		if rm.integer {
			ints = append(ints, k)
		}
	}
	if len(ints) > 0 && bs.mu > 0 {
		bs = s.integerSearch(coupled, cSolT, ints, bs)
	}
	for k, r := range cIdx {
		o.x[r], o.lambda[r] = bs.x[k], bs.lambda[k]
	}
	o.mu = bs.mu
	o.bound += bs.bound
	return o
}

// integerSearch improves the budget-sharing solution over the totals H of
// the integer resources: for fixed H each integer resource is solved alone
// by marginal analysis and the continuous ones share what is left of the
// budget. The value F(H) is concave when every curve is concave, so with
// one integer resource the local optimum is global, and concavity turns the
// neighbours' bounds into a bound over every H.
func (s *solver) integerSearch(res []*resModel, solT []*resSol, ints []int, relaxed *budgetSol) *budgetSol {
	isInt := make([]bool, len(res))
	var cont []*resModel
	var contT []*resSol
	var contIdx []int
	concave := true
	for _, rm := range res {
		concave = concave && !rm.hasNonconcave()
	}
	for _, k := range ints {
		isInt[k] = true
	}
	floorCont := 0.0
	for k, rm := range res {
		if !isInt[k] {
			cont, contT, contIdx = append(cont, rm), append(contT, solT[k]), append(contIdx, k)
			floorCont += rm.cost * rm.sumLo()
		}
	}
	B := s.m.budget
	lo := make([]float64, len(ints))
	hiH := make([]float64, len(ints))
	H := make([]float64, len(ints))
	for j, k := range ints {
		rm := res[k]
		lo[j] = rm.sumLo()
		others := floorCont
		for j2, k2 := range ints {
			if j2 != j {
				others += res[k2].cost * res[k2].sumLo()
			}
		}
		_, d0, _ := s.atZero(rm)
		hiH[j] = math.Min(math.Min(rm.total, d0), math.Floor((B-others)/rm.cost+1e-9))
		H[j] = math.Min(math.Max(relaxed.hiUse[k], lo[j]), hiH[j])
	}
	type point struct {
		sol   *budgetSol
		vals  []*resSol
		value float64
		bound float64
	}
	cache := map[string]*point{}
	vcache := make([]map[float64]*resSol, len(ints))
	for j := range vcache {
		vcache[j] = map[float64]*resSol{}
	}
	mu := relaxed.mu
	prices := make([]float64, len(ints))
	for j, k := range ints {
		prices[j] = mu*res[k].cost + relaxed.lambda[k]
	}
	F := func(H []float64) *point {
		key := fmt.Sprint(H)
		if pt, ok := cache[key]; ok {
			return pt
		}
		pt := &point{vals: make([]*resSol, len(ints))}
		left := B
		for j, k := range ints {
			rm := res[k]
			v, ok := vcache[j][H[j]]
			if !ok {
				v = s.solveTotal(rm, H[j], prices[j], 0)
				vcache[j][H[j]] = v
				if v.price > 0 {
					prices[j] = v.price
				}
			}
			pt.vals[j] = v
			pt.value += v.val
			pt.bound += v.bound
			left -= rm.cost * v.use
		}
		if left < floorCont-1e-9*math.Max(1, B) {
			pt.value, pt.bound = math.Inf(-1), math.Inf(-1)
			cache[key] = pt
			return pt
		}
		if len(cont) > 0 {
			pt.sol = s.budgetSolve(cont, contT, math.Max(left, floorCont), mu, 0)
			if pt.sol.mu > 0 {
				mu = pt.sol.mu
			}
			pt.value += pt.sol.val
			pt.bound += pt.sol.bound
		}
		cache[key] = pt
		return pt
	}
	// line maximizes F along the last integer resource from H (concave
	// there for concave curves) and returns the best point, its H and a
	// bound over the whole line: between the best point and each
	// neighbour F changes by at most the neighbour's bound minus the best
	// value, and by concavity no more per step further out.
	last := len(ints) - 1
	line := func(H []float64) (*point, []float64, float64) {
		H = append([]float64(nil), H...)
		best := F(H)
		if math.IsInf(best.value, -1) {
			H[last] = lo[last]
			if best = F(H); math.IsInf(best.value, -1) {
				return best, H, math.Inf(-1) // no budget left for this line
			}
		}
		for _, d := range []float64{1, -1} {
			for {
				next := append([]float64(nil), H...)
				next[last] += d
				if next[last] < lo[last] || next[last] > hiH[last] {
					break
				}
				pt := F(next)
				if !(pt.value > best.value*(1+1e-15)+1e-12) {
					break
				}
				H, best = next, pt
			}
		}
		cb := best.bound
		if H[last]+1 <= hiH[last] {
			next := append([]float64(nil), H...)
			next[last]++
			nb := F(next)
			slope := math.Max(0, nb.bound-best.value)
			cb = math.Max(cb, nb.bound+slope*(hiH[last]-H[last]-1))
		}
		if H[last]-1 >= lo[last] {
			next := append([]float64(nil), H...)
			next[last]--
			pb := F(next)
			slope := math.Max(0, pb.bound-best.value)
			cb = math.Max(cb, pb.bound+slope*(H[last]-1-lo[last]))
		}
		return best, H, cb
	}
	// Enumerate the other integer resources' totals when there are few
	// combinations (exact for concave curves); otherwise climb by
	// coordinates and rely on the Lagrangian bound.
	combos := 1.0
	for j := range last {
		combos *= hiH[j] - lo[j] + 1
	}
	bound := relaxed.bound
	var best *point
	if combos <= maxCombos && combos*float64(len(s.m.territory)) <= maxEnumWork {
		lineBound := math.Inf(-1)
		P := append([]float64(nil), lo...)
		P[last] = H[last]
		for {
			pt, h, cb := line(P)
			if best == nil || pt.value > best.value {
				best, H = pt, h
			}
			lineBound = math.Max(lineBound, cb)
			P[last] = h[last] // warm start the next line
			j := 0
			if s.ctx.Err() != nil {
				break
			}
			for ; j < last; j++ {
				if P[j]++; P[j] <= hiH[j] {
					break
				}
				P[j] = lo[j]
			}
			if j == last {
				break
			}
		}
		if concave {
			bound = math.Min(bound, lineBound)
		}
	} else {
		// moves: one more or one less of a resource, or one unit of one
		// traded for one unit of another
		best = F(H)
		inRange := func(h []float64) bool {
			for j := range h {
				if h[j] < lo[j] || h[j] > hiH[j] {
					return false
				}
			}
			return true
		}
		for improved := true; improved && s.ctx.Err() == nil; {
			improved = false
			for j := range ints {
				for j2 := range ints {
					for _, d := range []float64{1, -1} {
						for {
							next := append([]float64(nil), H...)
							next[j] += d
							if j2 != j {
								next[j2] -= d
							}
							if !inRange(next) {
								break
							}
							pt := F(next)
							if !(pt.value > best.value*(1+1e-15)+1e-12) {
								break
							}
							H, best, improved = next, pt, true
						}
					}
				}
			}
		}
	}
	out := &budgetSol{x: make([][]float64, len(res)), use: make([]float64, len(res)), lambda: make([]float64, len(res)), hiUse: make([]float64, len(res))}
	out.mu = relaxed.mu
	if best.sol != nil {
		out.mu = best.sol.mu
		for c, k := range contIdx {
			out.x[k], out.use[k], out.lambda[k] = best.sol.x[c], best.sol.use[c], best.sol.lambda[c]
		}
	}
	for j, k := range ints {
		v := best.vals[j]
		out.x[k], out.use[k] = v.x, v.use
		if H[j] >= res[k].total {
			out.lambda[k] = math.Max(0, v.price-out.mu*res[k].cost)
		}
	}
	out.val = best.value
	out.bound = math.Max(bound, best.value)
	return out
}

// result assembles the Result from the index form, recomputing the
// objective from the allocation.
func (s *solver) result(p *Problem, o *outcome) *Result {
	m := s.m
	res := &Result{
		Allocation:   make(map[string]map[string]float64, len(p.Territories)),
		Marginal:     make(map[string]map[string]float64, len(p.Territories)),
		ShadowPrices: map[string]float64{},
		Used:         map[string]float64{},
		Evaluations:  s.iters,
	}
	for i, t := range p.Territories {
		a := make(map[string]float64, len(m.res))
		g := make(map[string]float64, len(m.res))
		for r, rm := range m.res {
			x := o.x[r][i]
			if rm.integer {
				x = math.Round(x)
			}
			a[rm.name] = x + 0 // never −0
			d := 0.0
			if cv, ok := t.Curves[rm.name]; ok {
				c := cv.Shape
				if c == 0 {
					c = 1
				}
				d = cv.Beta * hillDeriv(x, cv.K, c)
				if math.IsInf(d, 1) {
					d = math.MaxFloat64
				}
			}
			g[rm.name] = d
		}
		res.Allocation[t.ID] = a
		res.Marginal[t.ID] = g
	}
	obj, rev := Evaluate(p, res.Allocation)
	res.Objective, res.Revenue = obj, rev
	for _, t := range p.Territories {
		res.TotalRevenue += rev[t.ID]
	}
	spent := 0.0
	for r, rm := range m.res {
		u := 0.0
		for _, t := range p.Territories {
			u += res.Allocation[t.ID][rm.name]
		}
		res.Used[rm.name] = u
		spent += rm.cost * u
		if !math.IsInf(rm.total, 1) {
			res.ShadowPrices[rm.name] = o.lambda[r]
		}
	}
	if !math.IsInf(m.budget, 1) {
		res.Used["budget"] = spent
		res.ShadowPrices["budget"] = o.mu
	}
	res.ChangePrices = s.changePrices(p, o)
	res.Bound = math.Max(m.constant+o.bound, res.Objective)
	res.Gap = (res.Bound - res.Objective) / math.Max(1, math.Abs(res.Objective))
	return res
}

// changePrices is, per resource with a change limit, the derivative of the
// objective with respect to that limit: Σ over items held at a bound set by
// the limit of their reduced marginal value, objective dollars per year per unit.
func (s *solver) changePrices(p *Problem, o *outcome) map[string]float64 {
	if len(p.MaxChange) == 0 {
		return nil
	}
	out := map[string]float64{}
	for r, rm := range s.m.res {
		mc, ok := p.MaxChange[rm.name]
		if !ok {
			continue
		}
		price := o.lambda[r] + o.mu*rm.cost
		v := 0.0
		for i, t := range p.Territories {
			if t.Locked || rm.integer {
				continue
			}
			it := &rm.items[i]
			x := o.x[r][i]
			cur := t.Current[rm.name]
			red := it.deriv(x) - price
			if math.IsInf(red, 0) {
				continue
			}
			if x >= cur+mc-1e-9*math.Max(1, mc) && x >= it.hi-1e-12 && red > 0 {
				v += red
			} else if x <= cur-mc+1e-9*math.Max(1, mc) && x <= it.lo+1e-12 && red < 0 {
				v -= red
			}
		}
		out[rm.name] = v
	}
	return out
}

// improveIntegers polishes integer resources with S-shaped curves, where
// the Lagrangian solution can leave a territory short of the steep part of
// its curve: it moves k units (k up to 16) from the territory that loses
// least to the one that gains most, or adds k units where the total and
// the budget have room, while that raises the objective. Concave
// resources are already optimal and are left alone.
func (s *solver) improveIntegers(o *outcome) {
	m := s.m
	if v := m.value(o.x); (o.bound-v)/math.Max(1, math.Abs(m.constant+v)) <= s.tol {
		return // already proven good enough
	}
	spent := 0.0
	for r, rm := range m.res {
		spent += rm.cost * sum(o.x[r])
	}
	for r, rm := range m.res {
		if !rm.integer || !rm.nc {
			continue
		}
		x := o.x[r]
		rounds := min(200, max(10, 4000000/(16*len(x)+1)))
		for round := 0; round < rounds && s.ctx.Err() == nil; round++ {
			used := sum(x)
			room := rm.total - used
			if rm.coupled {
				room = math.Min(room, math.Floor((m.budget-spent)/rm.cost+1e-9))
			}
			bestD, bestK, from, to := 0.0, 0.0, -1, -1
			for k := 1.0; k <= 16; k++ {
				gi, gv := -1, math.Inf(-1) // taker with the largest gain
				gi2, gv2 := -1, math.Inf(-1)
				li, lv := -1, math.Inf(1) // giver with the smallest loss
				for i := range rm.items {
					it := &rm.items[i]
					if x[i]+k <= it.hi {
						g := it.value(x[i]+k) - it.value(x[i])
						if g > gv {
							gi2, gv2 = gi, gv
							gi, gv = i, g
						} else if g > gv2 {
							gi2, gv2 = i, g
						}
					}
					if x[i]-k >= it.lo {
						if l := it.value(x[i]) - it.value(x[i]-k); l < lv {
							li, lv = i, l
						}
					}
				}
				if gi >= 0 && room >= k && gv > bestD {
					bestD, bestK, from, to = gv, k, -1, gi
				}
				if li >= 0 && lv < 0 && -lv > bestD {
					bestD, bestK, from, to = -lv, k, li, -1
				}
				if li >= 0 && gi >= 0 {
					t, g := gi, gv
					if t == li {
						t, g = gi2, gv2
					}
					if t >= 0 && g-lv > bestD {
						bestD, bestK, from, to = g-lv, k, li, t
					}
				}
			}
			if bestD <= 1e-12*math.Max(1, math.Abs(m.constant)) {
				break
			}
			if from >= 0 {
				x[from] -= bestK
				spent -= rm.cost * bestK
			}
			if to >= 0 {
				x[to] += bestK
				spent += rm.cost * bestK
			}
		}
	}
}

// maxFlips is how many S-shaped items improvePattern tries to switch on or
// off: those whose choice at the final prices is closest to a tie.
const maxFlips = 24

// value is the objective of x without the constant, objective dollars per year.
func (m *model) value(x [][]float64) float64 {
	v := 0.0
	for r, rm := range m.res {
		v += sumValue(rm.items, x[r])
	}
	return v
}

// improvePattern improves the on/off choice of S-shaped items, which the
// Lagrangian prices make all at once: for the items nearest a tie it tries
// switching each on (onto the concave branch of its curve) or off (to its
// lower bound), re-solves the resulting concave problem exactly, and keeps
// a switch that raises the objective, until none does. The bound stays the
// Lagrangian one.
func (s *solver) improvePattern(o *outcome) *outcome {
	m := s.m
	type cand struct {
		r, i int
		tie  float64
	}
	var cands []cand
	for r, rm := range m.res {
		if !rm.nc {
			continue
		}
		price := o.lambda[r] + o.mu*rm.cost
		for i := range rm.items {
			it := &rm.items[i]
			if !it.nonconcave() {
				continue
			}
			x, _, _ := it.best(price, rm.integer)
			on := it.value(x) - price*x - (it.vlo - price*it.lo)
			cands = append(cands, cand{r, i, math.Abs(on) / math.Max(1, math.Abs(it.a))})
		}
	}
	if len(cands) == 0 {
		return o
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.tie, b.tie) })
	if len(cands) > maxFlips {
		cands = cands[:maxFlips]
	}
	best, bestV := o, m.value(o.x)
	if (o.bound-bestV)/math.Max(1, math.Abs(m.constant+bestV)) <= s.tol {
		return o // already proven good enough
	}
	on := make([]bool, len(cands))
	for c, cd := range cands {
		on[c] = o.x[cd.r][cd.i] > m.res[cd.r].items[cd.i].lo
	}
	try := func(fl []flip) bool {
		mm, ok := m.withPattern(fl, best.x)
		if !ok {
			return false
		}
		sub := &solver{ctx: s.ctx, m: mm, maxIter: s.maxIter, warm: s.warm, zero: map[*resModel]*zeroEval{}, tol: s.tol}
		so := sub.solve()
		s.iters += sub.iters
		if v := m.value(so.x); v > bestV+1e-12*math.Max(1, math.Abs(bestV)) && m.feasible(so.x) {
			best, bestV = so, v
			return true
		}
		return false
	}
	for round := 0; round < 8 && s.ctx.Err() == nil; round++ {
		improved := false
		// single switches
		for c, cd := range cands {
			if try([]flip{{cd.r, cd.i, !on[c]}}) {
				on[c], improved = !on[c], true
			}
		}
		// swaps: one item off, another on
		for a, ca := range cands {
			for b, cb := range cands {
				if on[a] && !on[b] && try([]flip{{ca.r, ca.i, false}, {cb.r, cb.i, true}}) {
					on[a], on[b], improved = false, true, true
				}
			}
		}
		if !improved {
			break
		}
	}
	if best != o {
		best.bound = o.bound
	}
	return best
}

// flip switches S-shaped item (r, i) on or off.
type flip struct {
	r, i int
	on   bool
}

// withPattern returns a copy of m in which every S-shaped item keeps the
// side of its inflection that x chose, except the flipped ones; ok is false
// when a switch cannot be funded.
func (m *model) withPattern(flips []flip, x [][]float64) (*model, bool) {
	mm := *m
	mm.res = make([]*resModel, len(m.res))
	for r, rm := range m.res {
		if !rm.nc {
			mm.res[r] = rm
			continue
		}
		xr := append([]float64(nil), x[r]...)
		var onAt []int
		for _, f := range flips {
			if f.r != r {
				continue
			}
			it := &rm.items[f.i]
			if !f.on {
				xr[f.i] = it.lo
				continue
			}
			v := math.Min(it.hi, math.Max(it.lo, it.infl))
			if rm.integer {
				v = math.Min(it.hi, math.Ceil(v))
			}
			if v <= it.lo {
				return nil, false
			}
			xr[f.i] = v
			onAt = append(onAt, f.i)
		}
		c := rm.restrict(xr)
		// an item switched on starts at its inflection so that it stays on
		for _, i := range onAt {
			c.items[i].lo = xr[i]
			c.items[i].prepare()
		}
		mm.res[r] = c
	}
	for _, rm := range mm.res {
		if rm.sumLo() > rm.total {
			return nil, false
		}
	}
	if mm.budgetAtLo() > mm.budget {
		return nil, false
	}
	return &mm, true
}

// feasible checks totals and the budget of x, with a relative tolerance
// for rounding.
func (m *model) feasible(x [][]float64) bool {
	spent := 0.0
	for r, rm := range m.res {
		u := sum(x[r])
		if u > rm.total*(1+1e-12)+1e-9 {
			return false
		}
		spent += rm.cost * u
	}
	return spent <= m.budget*(1+1e-12)+1e-9
}

// inBounds checks that every amount of x lies within its item's bounds
// (which carry the locks and change limits) and is whole for integer
// resources, with a relative tolerance for rounding; a canceled search may
// stop with amounts that do not.
func (m *model) inBounds(x [][]float64) bool {
	for r, rm := range m.res {
		if len(x[r]) != len(rm.items) {
			return false
		}
		for i, it := range rm.items {
			v := x[r][i]
			tol := 1e-9 * math.Max(1, math.Abs(v))
			if !(v >= it.lo-tol && v <= it.hi+tol) || rm.integer && math.Abs(v-math.Round(v)) > tol {
				return false
			}
		}
	}
	return true
}
