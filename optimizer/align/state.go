package align

import (
	"math"
	"slices"
)

// dsearch is the state of the contiguous / cut-edge search: an assignment
// of units to territories kept connected, with loads, members and (for the
// distance objective) a center per territory.
type dsearch struct {
	tally
	cen   []int // distance objective: territory → center unit
	obj   float64
	scale float64
	// scratch
	mark  []int32
	stamp int32
	queue []int
	local []int        // unit → local index in the current region, −1
	pos   [][3]float64 // unit → centroid point (center.go), built on first use
	near  nearState    // flipsNear's snapshot (flips_local.go)
	locks bool         // some unit is locked
	// mslack widens the extra measures' bands in cutParts, as a fraction
	// of each measure's mean territory load, and msoft makes them a score
	// to minimise rather than a condition (measures.go); set by callers.
	mslack float64
	msoft  bool
}

// newDSearch returns an empty search state for p.
func newDSearch(p *model) *dsearch {
	s := &dsearch{tally: newTally(p), mark: make([]int32, p.n), local: make([]int, p.n)}
	for i := range s.local {
		s.local[i] = -1
	}
	s.scale = math.Max(1, p.total)
	s.locks = slices.Contains(p.locked, true)
	for t := range s.capT {
		s.capT[t] = p.hi
	}
	return s
}

// total returns the violation (an empty territory counts as the whole
// demand) and the objective of the current state.
func (s *dsearch) total() (float64, float64) {
	v := s.movedViol(s.moved)
	for t := range s.p.k {
		v += s.tviol(t)
		if len(s.members[t]) == 0 {
			v += s.scale // an empty territory is the worst violation
		}
	}
	return v, s.obj
}

// install loads an assignment, computes centers (distance objective) and
// the objective.
func (s *dsearch) install(assign []int) {
	p := s.p
	for t := range p.k {
		s.load[t] = 0
		s.members[t] = s.members[t][:0]
	}
	s.moved = 0
	s.mreset()
	for j, t := range assign {
		s.assign[j] = t
		s.addMember(j, t)
		s.load[t] += p.demand[j]
		if p.nm > 0 {
			s.madd(j, t, 1)
		}
		if c := p.current[j]; c >= 0 && c != t {
			s.moved += p.demand[j]
		}
	}
	if !p.cut {
		if s.cen == nil {
			s.cen = make([]int, p.k)
		}
		for t := range p.k {
			s.cen[t], _ = s.centre(t, s.members[t], s.load[t])
			s.capT[t] = p.hi
			if s.cen[t] >= 0 {
				s.capT[t] = s.capOf(s.cen[t])
			}
		}
	}
	s.obj = s.objective()
}

// objective recomputes the objective of the current state: cut edges, or
// the weighted distance to the territory centers.
func (s *dsearch) objective() float64 {
	p := s.p
	if p.cut {
		c := 0
		for _, e := range p.edges {
			if s.assign[e[0]] != s.assign[e[1]] {
				c++
			}
		}
		return float64(c)
	}
	sum := 0.0
	for j, t := range s.assign {
		sum += p.weight[j] * p.d(j, s.cen[t])
	}
	return sum
}

// median returns the 1-median of units (the member minimizing the weighted
// distance sum), preferring members whose capacity holds load; −1 if empty.
func (s *dsearch) median(units []int, load float64) (int, float64) {
	if !s.useExactMedian(units) {
		return s.approxMedian(units, load) // large, without a matrix: center.go
	}
	p := s.p
	best, bestS := -1, math.Inf(1)
	bestFits := false
	for _, c := range units {
		fits := s.capOf(c) >= load-capEps*s.scale
		if bestFits && !fits {
			continue
		}
		limit := bestS
		if fits && !bestFits {
			limit = math.Inf(1)
		}
		sum := 0.0
		for _, j := range units {
			sum += p.weight[j] * p.d(j, c)
			if sum >= limit {
				break
			}
		}
		if sum < limit || (fits && !bestFits) && sum <= limit {
			best, bestS, bestFits = c, sum, fits
		}
	}
	return best, bestS
}

// recenter moves every center to its territory's 1-median.
func (s *dsearch) recenter() {
	for t := range s.p.k {
		if len(s.members[t]) > 0 {
			s.cen[t], _ = s.centre(t, s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	s.obj = s.objective()
}
