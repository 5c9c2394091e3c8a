package align

import (
	"math"
)

// Status says what a [Result] proves; the words are those of every solver
// under optimizer/ (see package optimizer).
type Status string

// Statuses of a [Result].
const (
	// Optimal means every constraint holds and the objective equals the
	// lower bound (within 1e-9 relative).
	Optimal Status = "optimal"
	// Feasible means every constraint holds but optimality is not proven:
	// the time limit, the iteration cap or convergence ended the search.
	Feasible Status = "feasible"
	// Infeasible means no answer meeting every constraint was found; the
	// result is the least violating one.
	Infeasible Status = "infeasible"
	// Canceled means the context was canceled; the result is the best found
	// so far, feasible or not (see Result.Feasible).
	Canceled Status = "canceled"
)

// TerritorySlack is the slack of one territory's constraints.
type TerritorySlack struct {
	// Demand is the territory's total demand.
	Demand float64 `json:"demand"`
	// AboveMin is Demand − the balance minimum, in demand units (negative:
	// violated); the minimum is 0 when there is none.
	AboveMin float64 `json:"above_min"`
	// BelowMax is the balance maximum − Demand, in demand units (negative:
	// violated); math.MaxFloat64 when there is no maximum (JSON has no +Inf).
	BelowMax float64 `json:"below_max"`
	// Capacity is the center's capacity − Demand when the center has a
	// capacity (negative: violated), otherwise 0 with HasCapacity false.
	Capacity float64 `json:"capacity_slack"`
	// HasCapacity says whether the territory's center has a capacity.
	HasCapacity bool `json:"has_capacity"`
	// Components is the number of connected pieces of the territory through
	// the edges (1 when contiguous; 0 when empty).
	Components int `json:"components"`
	// Units is the number of units in the territory.
	Units int `json:"units"`
}

// Slack gathers the per-constraint slack of an answer.
type Slack struct {
	// Territories is the slack of each territory, indexed 0..k−1.
	Territories []TerritorySlack `json:"territories"`
	// Balance is the smallest balance slack over all territories, in demand
	// units (negative: violated); 0 when there are no balance bounds.
	Balance float64 `json:"balance"`
	// Capacity is the smallest capacity slack over capacitated territories,
	// in demand units (negative: violated); 0 when none has a capacity.
	Capacity float64 `json:"capacity"`
	// Contiguous says whether every nonempty territory is connected.
	Contiguous bool `json:"contiguous"`
	// Moved is the share (0..1) of total demand assigned to a territory other
	// than its current one.
	Moved float64 `json:"moved"`
	// MovedSlack is max_moved − Moved when a limit is set (negative:
	// violated), otherwise 0.
	MovedSlack float64 `json:"moved_slack"`
	// Locked is the number of locked units not in their current territory.
	Locked int `json:"locked_violations"`
	// Empty is the number of territories with no unit.
	Empty int `json:"empty"`
	// Balances is the slack of every balanced measure: demand first when
	// Balance bounds it, then each measure of Problem.Balances in order,
	// with its band, per-territory loads and slack and the worst territory;
	// empty when nothing is balanced. Feasible requires every band.
	Balances []MeasureSlack `json:"balances,omitempty"`
	// CenterViolations is the number of fixed centers (Problem.Centers)
	// not in their territory, or not reported as its center.
	CenterViolations int `json:"center_violations,omitempty"`
}

// Result is the answer of [Solve].
type Result struct {
	// Assignment maps each unit to its territory 0..k−1 (JSON "territory").
	Assignment []int `json:"territory"`
	// Centers are the k center units, one per territory, when the objective
	// is distance; nil for cut_edges.
	Centers []int `json:"centers"`
	// Objective is the recomputed objective: Σ weight·distance (distance
	// units of the problem) or the number of cut edges.
	Objective float64 `json:"objective"`
	// LowerBound is a proven lower bound on the optimum when one is known,
	// else nil.
	LowerBound *float64 `json:"lower_bound"`
	// Gap is (Objective − LowerBound)/Objective when a bound is known, else nil.
	Gap *float64 `json:"gap,omitempty"`
	// Feasible says whether every constraint holds.
	Feasible bool `json:"feasible"`
	// Slack is the per-constraint slack.
	Slack Slack `json:"slack"`
	// Status says why the search stopped.
	Status Status `json:"status"`
	// Seconds is the wall-clock time of the solve, in seconds.
	Seconds float64 `json:"seconds"`
	// FirstFeasibleSeconds is when the search first held an answer meeting
	// every constraint, in seconds from the start; 0 when the answer is
	// infeasible.
	FirstFeasibleSeconds float64 `json:"first_feasible_seconds"`
	// Iterations is the number of improvement iterations the search made.
	Iterations int `json:"iterations"`
}

// Evaluate recomputes the objective, slack and feasibility of an assignment
// (assign: unit → 0..k−1; centers: k unit indices, needed for the distance
// objective and for capacities, may be nil otherwise). It panics if
// assign does not have one entry per unit (programmer error).
func Evaluate(in *Problem, assign, centers []int) Result {
	if len(assign) != len(in.Units) {
		panic("align: Evaluate: assignment length differs from the number of units")
	}
	return evaluate(newModelLite(in), assign, centers)
}

// newModelLite builds the model without the O(n²) distance matrix:
// evaluation needs n distances only.
func newModelLite(in *Problem) *model { return newModel(in, false) }

func evaluate(p *model, assign, centers []int) Result {
	k := p.k
	r := Result{Assignment: append([]int(nil), assign...)}
	if !p.cut && centers != nil {
		r.Centers = append([]int(nil), centers...)
	}
	ts := make([]TerritorySlack, k)
	ok := true
	for j, t := range assign {
		if t < 0 || t >= k {
			ok = false
			continue
		}
		ts[t].Demand += p.demand[j]
		ts[t].Units++
	}
	// objective
	if p.cut {
		c := 0
		for _, e := range p.edges {
			if assign[e[0]] != assign[e[1]] {
				c++
			}
		}
		r.Objective = float64(c)
	} else if validCenters(p, centers) {
		s := 0.0
		for j, t := range assign {
			if t >= 0 && t < k {
				if centers[t] < 0 {
					ok = false // a unit in a territory without a center
					continue
				}
				s += p.weight[j] * p.d(j, centers[t])
			}
		}
		r.Objective = s
	} else {
		r.Objective = math.Inf(1)
		ok = false
	}
	// components
	comp := components(p, assign)
	r.Slack.Contiguous = true
	for t := range k {
		ts[t].Components = comp[t]
		if comp[t] > 1 {
			r.Slack.Contiguous = false
		}
	}
	if p.contig && !r.Slack.Contiguous {
		ok = false
	}
	minBal, minCap := math.Inf(1), math.Inf(1)
	bounded := p.lo > 0 || !math.IsInf(p.hi, 1)
	for t := range k {
		s := &ts[t]
		if s.Units == 0 {
			r.Slack.Empty++
			ok = false
		}
		s.AboveMin = s.Demand - p.lo
		if math.IsInf(p.hi, 1) {
			s.BelowMax = math.MaxFloat64
		} else {
			s.BelowMax = p.hi - s.Demand
		}
		if bounded {
			minBal = math.Min(minBal, math.Min(s.AboveMin, s.BelowMax))
		}
		if !p.cut && validCenters(p, centers) && centers[t] >= 0 && p.capacity[centers[t]] > 0 {
			s.HasCapacity = true
			s.Capacity = p.capacity[centers[t]] - s.Demand
			minCap = math.Min(minCap, s.Capacity)
		}
	}
	// A tolerance of 1e-9 relative absorbs float sums of demands.
	eps := 1e-9 * math.Max(1, p.total)
	if bounded {
		r.Slack.Balance = minBal
		if minBal < -eps {
			ok = false
		}
	}
	if !math.IsInf(minCap, 1) {
		r.Slack.Capacity = minCap
		if minCap < -eps {
			ok = false
		}
	}
	moved := 0.0
	for j, t := range assign {
		if p.current[j] >= 0 && t != p.current[j] {
			moved += p.demand[j]
			if p.in.Units[j].Locked {
				r.Slack.Locked++
				ok = false
			}
		}
	}
	if p.total > 0 {
		r.Slack.Moved = moved / p.total
	}
	if p.in.MaxMoved > 0 {
		r.Slack.MovedSlack = p.in.MaxMoved - r.Slack.Moved
		if moved > p.moveCap+eps {
			ok = false
		}
	}
	r.Slack.Balances = measureSlacks(p.in, assign)
	for _, ms := range r.Slack.Balances {
		if !ms.Feasible {
			ok = false
		}
	}
	if p.fixed != nil {
		for t, c := range p.fixed {
			if c < 0 {
				continue
			}
			if assign[c] != t || !p.cut && (len(centers) != k || centers[t] != c) {
				r.Slack.CenterViolations++
				ok = false
			}
		}
	}
	r.Slack.Territories = ts
	r.Feasible = ok
	return r
}

// components counts the connected pieces of every territory through the
// edges, by breadth-first search.
func components(p *model, assign []int) []int {
	comp := make([]int, p.k)
	seen := make([]bool, p.n)
	queue := make([]int, 0, p.n)
	for s := range p.n {
		t := assign[s]
		if seen[s] || t < 0 || t >= p.k {
			continue
		}
		comp[t]++
		seen[s] = true
		queue = append(queue[:0], s)
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, v := range p.adj[u] {
				if !seen[v] && assign[v] == t {
					seen[v] = true
					queue = append(queue, v)
				}
			}
		}
	}
	return comp
}

// validCenters reports whether centers has one unit per territory; an
// empty territory (which makes the answer infeasible) may have −1.
func validCenters(p *model, centers []int) bool {
	if len(centers) != p.k {
		return false
	}
	for _, c := range centers {
		if c < -1 || c >= p.n {
			return false
		}
	}
	return true
}
