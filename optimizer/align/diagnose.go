package align

import (
	"cmp"
	"math"
	"slices"
)

// Obstacle is a unit that makes the balance bounds unreachable on its own.
type Obstacle struct {
	// Unit is the unit's index.
	Unit int `json:"unit"`
	// ID is the unit's id.
	ID string `json:"id"`
	// Reason is "oversize" (its demand, or its value of another balanced
	// measure, alone exceeds the maximum) or
	// "stranded" (its demand is under the minimum, yet adding its smallest
	// neighbour already exceeds the maximum, so no contiguous territory
	// holding it can be balanced).
	Reason string `json:"reason"`
	// Demand is the unit's demand; Min and Max are the balance bounds, in
	// demand units.
	Demand float64 `json:"demand"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	// Measure names the measure the unit is oversize on; empty for demand.
	// Then Value is the unit's value of it and Min and Max its band, in
	// the measure's unit. (Stranded units are found on demand only.)
	Measure string  `json:"measure,omitempty"`
	Value   float64 `json:"value,omitempty"`
}

// Diagnose lists the units that make the balance bounds of the problem
// unreachable by themselves: oversize units (demand above the maximum) and,
// when territories must be contiguous, stranded units (demand below the
// minimum while the unit plus its smallest neighbour exceeds the maximum,
// or, for a unit holding at least half the minimum, no connected set of
// units holding it lies within the bounds once the units it encloses are
// added: Miami-Dade with Monroe is short of the minimum, and with Collier
// it encloses Monroe and overshoots the maximum).
// These are necessary conditions only: an empty list does not prove the
// problem feasible. Callers such as the planner can make each obstacle a
// territory of its own and balance the rest (the county of Los Angeles
// holds 3 % of the US market; Kings County, NY, once Manhattan is its own
// territory, has only Queens left as a neighbour). It panics on an invalid
// edge index (programmer error; Validate first).
func Diagnose(in *Problem) []Obstacle {
	lo, hi := in.Bounds()
	var out []Obstacle
	adj := make([][]int, len(in.Units))
	for _, e := range in.Edges {
		if e[0] != e[1] {
			adj[e[0]] = append(adj[e[0]], e[1])
			adj[e[1]] = append(adj[e[1]], e[0])
		}
	}
	eps := 1e-9 * math.Max(1, hi)
	for j, u := range in.Units {
		switch {
		case u.Demand > hi+eps:
			out = append(out, Obstacle{Unit: j, ID: u.ID, Reason: "oversize", Demand: u.Demand, Min: lo, Max: hi})
		case in.Contiguous && in.K > 1 && u.Demand < lo-eps:
			least := math.Inf(1)
			for _, v := range adj[j] {
				least = math.Min(least, in.Units[v].Demand)
			}
			if u.Demand+least > hi+eps || u.Demand >= lo/2 && !balancedSetExists(in, adj, j, lo-eps, hi+eps) {
				out = append(out, Obstacle{Unit: j, ID: u.ID, Reason: "stranded", Demand: u.Demand, Min: lo, Max: hi})
			}
		}
	}
	return append(out, oversizeMeasures(in, out)...)
}

// Peel makes every unit that blocks balance by itself (Diagnose) a
// territory of its own, in rounds: all obstacles of a round at once, then
// Diagnose again on what is left, whose mean has changed. build returns the
// problem of the units not peeled (peeled[i] for the caller's unit i, with
// k reduced by their number, or an error when too few territories are left)
// and, for each of its units, the caller's index. Peel returns the last
// problem and every obstacle found, with Unit the caller's index. The
// planner and `terrane bench align` both peel through it.
func Peel(n int, build func(peeled []bool) (*Problem, []int, error)) (*Problem, []Obstacle, error) {
	peeled := make([]bool, n)
	var all []Obstacle
	for {
		in, back, err := build(peeled)
		if err != nil {
			return nil, nil, err
		}
		obs := Diagnose(in)
		if len(obs) == 0 {
			return in, all, nil
		}
		for _, o := range obs {
			o.Unit = back[o.Unit]
			peeled[o.Unit] = true
			all = append(all, o)
		}
	}
}

// stateCap bounds the connected sets balancedSetExists looks at per unit;
// past it the unit is given the benefit of the doubt.
const stateCap = 20000

// balancedSetExists reports whether some connected set of units holding
// unit j, with every unit short of lo that it encloses, has demand within
// [lo, hi], by a search over such sets whose demand stays at most hi,
// largest neighbours first. It answers true when the search passes
// stateCap sets without settling.
func balancedSetExists(in *Problem, adj [][]int, j int, lo, hi float64) bool {
	type state struct {
		units []int // sorted
		d     float64
	}
	key := func(units []int) string {
		b := make([]byte, 0, 4*len(units))
		for _, u := range units {
			b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
		return string(b)
	}
	// enclose adds to units (demand d) every unit short of lo whose every
	// neighbour is in the set once v has joined it: such a unit can only be
	// in the set's territory (Monroe County, FL, once Miami-Dade and
	// Collier are together). It stops early once d passes hi.
	enclose := func(units []int, d float64, v int) ([]int, float64) {
		for q := []int{v}; len(q) > 0 && d <= hi; {
			x := q[0]
			q = q[1:]
			for _, w := range adj[x] {
				if in.Units[w].Demand >= lo || slices.Contains(units, w) {
					continue
				}
				trapped := true
				for _, y := range adj[w] {
					trapped = trapped && slices.Contains(units, y)
				}
				if trapped {
					units = append(units, w)
					d += in.Units[w].Demand
					q = append(q, w)
				}
			}
		}
		slices.Sort(units)
		return units, d
	}
	units, d := enclose([]int{j}, in.Units[j].Demand, j)
	if d > hi {
		return false
	}
	if d >= lo {
		return true
	}
	seen := map[string]bool{key(units): true}
	stack := []state{{units: units, d: d}}
	for len(stack) > 0 {
		if len(seen) > stateCap {
			return true
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		var next []int
		for _, u := range s.units {
			for _, v := range adj[u] {
				if !slices.Contains(s.units, v) && !slices.Contains(next, v) {
					next = append(next, v)
				}
			}
		}
		// smallest first onto the stack, so the largest is tried first
		slices.SortFunc(next, func(a, b int) int { return cmp.Compare(in.Units[a].Demand, in.Units[b].Demand) })
		for _, v := range next {
			if s.d+in.Units[v].Demand > hi {
				continue
			}
			units, d := enclose(append(slices.Clone(s.units), v), s.d+in.Units[v].Demand, v)
			if d > hi {
				continue
			}
			if d >= lo {
				return true
			}
			if k := key(units); !seen[k] {
				seen[k] = true
				stack = append(stack, state{units: units, d: d})
			}
		}
	}
	return false
}
