package align

import "math"

// Obstacle is a unit that makes the balance bounds unreachable on its own.
type Obstacle struct {
	// Unit is the unit's index.
	Unit int `json:"unit"`
	// ID is the unit's id.
	ID string `json:"id"`
	// Reason is "oversize" (its demand alone exceeds the maximum) or
	// "stranded" (its demand is under the minimum, yet adding its smallest
	// neighbour already exceeds the maximum, so no contiguous territory
	// holding it can be balanced).
	Reason string `json:"reason"`
	// Demand is the unit's demand; Min and Max are the balance bounds, in
	// demand units.
	Demand float64 `json:"demand"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Diagnose lists the units that make the balance bounds of the instance
// unreachable by themselves: oversize units (demand above the maximum) and,
// when territories must be contiguous, stranded units (demand below the
// minimum while the unit plus its smallest neighbour exceeds the maximum).
// These are necessary conditions only: an empty list does not prove the
// instance feasible. Callers such as the planner can make each obstacle a
// territory of its own and balance the rest (the county of Los Angeles
// holds 3 % of the US market; Kings County, NY, once Manhattan is its own
// territory, has only Queens left as a neighbour). It panics on an invalid
// edge index (programmer error; Validate first).
func Diagnose(in *Instance) []Obstacle {
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
			if u.Demand+least > hi+eps {
				out = append(out, Obstacle{Unit: j, ID: u.ID, Reason: "stranded", Demand: u.Demand, Min: lo, Max: hi})
			}
		}
	}
	return out
}
