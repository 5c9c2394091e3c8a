package align

import (
	"encoding/json"
	"fmt"
	"math"
)

// Distance names accepted in [Problem.Distance].
const (
	// Euclidean is the plane distance between (x, y) points, in the units of x and y.
	Euclidean = "euclidean"
	// FloorEuclidean is the Euclidean distance rounded down to an integer
	// (the Osman & Christofides convention).
	FloorEuclidean = "floor_euclidean"
	// Haversine is the great-circle distance between (lon, lat) points in
	// degrees, in meters, on a sphere of radius [EarthRadius].
	Haversine = "haversine"
)

// Objective names accepted in [Problem.Objective].
const (
	// ObjectiveDistance is Σ_j weight_j · d(j, center of j's territory); the
	// centers are units (the p-median form).
	ObjectiveDistance = "distance"
	// ObjectiveCutEdges is the number of edges joining different territories.
	ObjectiveCutEdges = "cut_edges"
)

// EarthRadius is the mean Earth radius used by the haversine distance, in meters.
const EarthRadius = 6371008.8

// Unit is the smallest piece of geography a plan moves.
type Unit struct {
	// ID names the unit (a FIPS code, a node number); informational.
	ID string `json:"id"`
	// X and Y are the coordinates: lon/lat in degrees for haversine, plane
	// coordinates otherwise.
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// Demand is what balance, capacity and the moved share count (people,
	// dollars, accounts); default 1 when absent from JSON.
	Demand float64 `json:"demand"`
	// Weight multiplies the unit's distance in the distance objective;
	// default 1 when absent from JSON.
	Weight float64 `json:"weight"`
	// Capacity, if > 0, is the most demand a territory centered on this unit
	// may hold (the capacitated p-median); 0 means no limit.
	Capacity float64 `json:"capacity"`
	// Current is the unit's territory (0..k−1) in the current plan, −1 if
	// none; absent from JSON means −1.
	Current int `json:"current"`
	// Locked keeps the unit in its Current territory.
	Locked bool `json:"locked"`
	// Measures are the unit's values of the measures that [Problem.Balances]
	// bound (accounts, hours of work, dollars of revenue …), by name; each
	// finite and ≥ 0, in the measure's own unit. A measure a unit does not
	// carry counts 0 for it; nil means none.
	Measures map[string]float64 `json:"measures,omitempty"`
}

// UnmarshalJSON reads a unit, applying the defaults for absent fields
// (demand 1, weight 1, current −1).
func (u *Unit) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID       json.RawMessage    `json:"id"`
		X        float64            `json:"x"`
		Y        float64            `json:"y"`
		Demand   *float64           `json:"demand"`
		Weight   *float64           `json:"weight"`
		Capacity float64            `json:"capacity"`
		Current  *int               `json:"current"`
		Locked   bool               `json:"locked"`
		Measures map[string]float64 `json:"measures"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*u = Unit{X: raw.X, Y: raw.Y, Demand: 1, Weight: 1, Capacity: raw.Capacity, Current: -1, Locked: raw.Locked, Measures: raw.Measures}
	if len(raw.ID) > 0 {
		var s string
		if err := json.Unmarshal(raw.ID, &s); err == nil {
			u.ID = s
		} else {
			u.ID = string(raw.ID) // numeric ids are kept as written
		}
	}
	if raw.Demand != nil {
		u.Demand = *raw.Demand
	}
	if raw.Weight != nil {
		u.Weight = *raw.Weight
	}
	if raw.Current != nil {
		u.Current = *raw.Current
	}
	return nil
}

// Balance bounds each territory's total demand.
type Balance struct {
	// Min is the least total demand of a territory; 0 means no lower bound
	// unless Tolerance is set.
	Min float64 `json:"min,omitempty"`
	// Max is the most total demand of a territory; 0 means no upper bound
	// unless Tolerance is set.
	Max float64 `json:"max,omitempty"`
	// Tolerance, if > 0, bounds each territory to mean·(1 ± Tolerance), mean
	// = total demand / k, as a fraction (0.05 = ±5 %). A nonzero Min or Max
	// takes precedence on its side.
	Tolerance float64 `json:"tolerance,omitempty"`
}

// Problem is one alignment problem, the canonical JSON of `terrane solve align`
// (the instance files of `solve align --in` and ../shared/benchmarks).
type Problem struct {
	// Units are the units to assign, indexed 0..n−1.
	Units []Unit `json:"units"`
	// Edges are undirected adjacencies between unit indices (shared
	// boundaries, plus bridges for islands); duplicates and self loops are
	// ignored.
	Edges [][2]int `json:"edges"`
	// Distance is euclidean, floor_euclidean or haversine (meters); empty
	// means euclidean.
	Distance string `json:"distance"`
	// Distances, if not nil, is a full n×n matrix that overrides Distance.
	Distances [][]float64 `json:"distances"`
	// K is the number of territories.
	K int `json:"k"`
	// Balance bounds each territory's demand; the zero value means none.
	Balance Balance `json:"balance"`
	// Balances bound each territory's total of other measures (the units'
	// Measures), each band like Balance; every territory must hold every
	// band. A band on "demand" is Balance by another name (then Balance must
	// be zero). nil means demand is the only balanced measure.
	Balances []MeasureBalance `json:"balances,omitempty"`
	// Centers, if not nil, fixes the center of territory t to unit
	// Centers[t] (a rep's home): the distance objective measures from it, no
	// median is recomputed, and territory t must hold that unit. Length k,
	// distinct unit indices, or −1 for a territory whose center stays free
	// (its 1-median); nil means every center is free.
	Centers []int `json:"centers,omitempty"`
	// Contiguous requires every territory to be connected through Edges.
	Contiguous bool `json:"contiguous"`
	// Objective is distance or cut_edges; empty means distance.
	Objective string `json:"objective"`
	// MaxMoved, if > 0, is the largest share (0..1) of total demand whose
	// territory may differ from Current; 0 means no limit.
	MaxMoved float64 `json:"max_moved"`
	// TimeLimitSeconds bounds the search, in seconds; 0 means the default
	// of [Settings].
	TimeLimitSeconds float64 `json:"time_limit_seconds"`
	// Seed makes the search deterministic: the same seed and the same
	// iteration budget give the same answer.
	Seed int64 `json:"seed"`
}

// Validate reports the first error in the problem, naming the field and
// the unit.
func (in *Problem) Validate() error {
	n := len(in.Units)
	if n == 0 {
		return fmt.Errorf("align: instance has no units")
	}
	if in.K < 1 || in.K > n {
		return fmt.Errorf("align: k = %d, want 1..%d (the number of units)", in.K, n)
	}
	switch in.Distance {
	case "", Euclidean, FloorEuclidean, Haversine:
	default:
		return fmt.Errorf("align: distance %q, want euclidean, floor_euclidean or haversine", in.Distance)
	}
	switch in.Objective {
	case "", ObjectiveDistance, ObjectiveCutEdges:
	default:
		return fmt.Errorf("align: objective %q, want distance or cut_edges", in.Objective)
	}
	for i, u := range in.Units {
		for _, f := range []struct {
			name string
			v    float64
		}{{"x", u.X}, {"y", u.Y}, {"demand", u.Demand}, {"weight", u.Weight}, {"capacity", u.Capacity}} {
			if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
				return fmt.Errorf("align: unit %d (%s): %s is not a finite number", i, u.ID, f.name)
			}
		}
		if u.Demand < 0 || u.Weight < 0 || u.Capacity < 0 {
			return fmt.Errorf("align: unit %d (%s): demand, weight and capacity must be ≥ 0", i, u.ID)
		}
		if u.Current < -1 || u.Current >= in.K {
			return fmt.Errorf("align: unit %d (%s): current = %d, want −1..%d", i, u.ID, u.Current, in.K-1)
		}
		if u.Locked && u.Current < 0 {
			return fmt.Errorf("align: unit %d (%s) is locked but has no current territory", i, u.ID)
		}
	}
	for e, ed := range in.Edges {
		if ed[0] < 0 || ed[0] >= n || ed[1] < 0 || ed[1] >= n {
			return fmt.Errorf("align: edge %d = [%d %d] names a unit outside 0..%d", e, ed[0], ed[1], n-1)
		}
	}
	if in.Distances != nil {
		if len(in.Distances) != n {
			return fmt.Errorf("align: distances has %d rows, want %d", len(in.Distances), n)
		}
		for i, row := range in.Distances {
			if len(row) != n {
				return fmt.Errorf("align: distances row %d has %d entries, want %d", i, len(row), n)
			}
			for j, v := range row {
				if math.IsNaN(v) || v < 0 {
					return fmt.Errorf("align: distances[%d][%d] = %v, want a number ≥ 0", i, j, v)
				}
			}
		}
	}
	b := in.Balance
	if b.Min < 0 || b.Max < 0 || b.Tolerance < 0 || math.IsNaN(b.Min+b.Max+b.Tolerance) {
		return fmt.Errorf("align: balance min, max and tolerance must be ≥ 0")
	}
	if b.Max > 0 && b.Min > b.Max {
		return fmt.Errorf("align: balance min %v exceeds max %v", b.Min, b.Max)
	}
	if err := in.validateMeasures(); err != nil {
		return err
	}
	if in.MaxMoved < 0 || in.MaxMoved > 1 || math.IsNaN(in.MaxMoved) {
		return fmt.Errorf("align: max_moved = %v, want a share in 0..1", in.MaxMoved)
	}
	if in.TimeLimitSeconds < 0 || math.IsNaN(in.TimeLimitSeconds) {
		return fmt.Errorf("align: time_limit_seconds = %v, want ≥ 0", in.TimeLimitSeconds)
	}
	return nil
}

// Bounds returns the effective balance bounds on a territory's demand: lo
// and hi, with 0 and +Inf where there is no bound.
func (in *Problem) Bounds() (lo, hi float64) {
	total := 0.0
	for _, u := range in.Units {
		total += u.Demand
	}
	return in.demandBalance().bounds(total, in.K)
}
