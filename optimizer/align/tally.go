package align

import "math"

// tally is the bookkeeping that both local searches (dsearch for
// contiguous and cut-edge territories, capSearch for capacitated and
// balanced ones) keep of an assignment: every unit's territory, every
// territory's units and demand, and the demand moved off the current plan.
type tally struct {
	p       *model
	assign  []int     // unit → territory
	load    []float64 // territory → demand
	capT    []float64 // territory → most demand (capacity of its center, balance max)
	members [][]int   // territory → its units
	mpos    []int     // unit → position in members[assign]
	moved   float64   // demand off its current territory
	mload   []float64 // territory-major loads of the extra measures (measures.go)
	mtmp    []float64 // scratch, one per extra measure
}

func newTally(p *model) tally {
	return tally{p: p, assign: make([]int, p.n), load: make([]float64, p.k), capT: make([]float64, p.k),
		members: make([][]int, p.k), mpos: make([]int, p.n), mload: make([]float64, p.k*p.nm)}
}

// capOf is the most demand a territory centered on c may hold: the balance
// maximum, or c's capacity if smaller (capacities mean nothing for the
// cut-edge objective, which has no centers).
func (s *tally) capOf(c int) float64 {
	h := s.p.hi
	if cp := s.p.capacity[c]; cp > 0 && !s.p.cut {
		h = math.Min(h, cp)
	}
	return h
}

// viol is how far load lies outside territory t's bounds, in demand units.
func (s *tally) viol(t int, load float64) float64 {
	v := 0.0
	if load > s.capT[t] {
		v += load - s.capT[t]
	}
	if load < s.p.lo {
		v += s.p.lo - load
	}
	return v
}

// movedViol is the excess of moved demand over the limit, weighted by
// movedWeight so that the disruption limit acts as a hard constraint
// against balance and capacity violations.
func (s *tally) movedViol(m float64) float64 { return movedWeight * math.Max(0, m-s.p.moveCap) }

// shiftViol is the change of violation (bounds and the weighted excess of
// moved demand) when unit j moves from territory a to territory b.
func (s *tally) shiftViol(j, a, b int) float64 {
	p := s.p
	dj := p.demand[j]
	dv := s.viol(a, s.load[a]-dj) - s.viol(a, s.load[a]) + s.viol(b, s.load[b]+dj) - s.viol(b, s.load[b])
	if p.nm > 0 {
		dv += s.mshift(j, a, b)
	}
	if c := p.current[j]; c >= 0 && !math.IsInf(p.moveCap, 1) {
		m := s.moved
		if c == a {
			m += dj
		} else if c == b {
			m -= dj
		}
		dv += s.movedViol(m) - s.movedViol(s.moved)
	}
	return dv
}

// addMember appends unit j to the members of territory t.
func (s *tally) addMember(j, t int) {
	s.mpos[j] = len(s.members[t])
	s.members[t] = append(s.members[t], j)
}

// removeMember takes unit j out of the members of territory t (moving the
// last member into its place).
func (s *tally) removeMember(j, t int) {
	m := s.members[t]
	i := s.mpos[j]
	last := m[len(m)-1]
	m[i] = last
	s.mpos[last] = i
	s.members[t] = m[:len(m)-1]
}

// upTo returns 0, 1, …, n−1.
func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// rangeViol is how far x lies outside [lo, hi].
func rangeViol(x, lo, hi float64) float64 {
	if x < lo {
		return lo - x
	}
	if x > hi {
		return x - hi
	}
	return 0
}

// capEps is the relative tolerance of violation and cost comparisons.
const capEps = 1e-9

// better compares (violation, cost) changes lexicographically.
func better(dv, dc, scale float64) bool {
	if dv < -capEps*scale {
		return true
	}
	return dv <= capEps*scale && dc < -capEps*math.Max(1, scale)
}
