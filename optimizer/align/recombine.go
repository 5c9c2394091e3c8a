package align

import (
	"math"
	"slices"
)

// splitCandidate is one way to cut a region of two territories in two.
type splitCandidate struct {
	v      int  // local vertex whose subtree is one part
	subToA bool // the subtree goes to territory a
	viol   float64
	obj    float64
}

// recom merges two neighbouring territories and splits the union again
// along a random spanning tree (ReCom, DeFord, Duchin & Solomon 2021; the
// merge-and-split of Ricca & Simeone 2008), taking the best split of a few
// trees when it is no worse than the current pair. It reports whether the
// state changed.
func (s *dsearch) recom(r *runner, trees int, strict bool) bool {
	p := s.p
	if len(p.edges) == 0 || p.k < 2 {
		return false
	}
	// While some territory violates its bounds, two moves in three focus on
	// it and one of its neighbours, with more trees: repairs need the rare
	// split that lands in the window. (No random draw when none violates.)
	a, b := s.violatingPair(r)
	if a >= 0 && r.rng.IntN(3) != 0 {
		trees *= 6
	} else {
		a, b = -1, -1
	}
	for tries := 0; a < 0; tries++ {
		e := p.edges[r.rng.IntN(len(p.edges))]
		if x, y := s.assign[e[0]], s.assign[e[1]]; x != y {
			a, b = x, y
		} else if tries > 200 {
			return false
		}
	}
	region := make([]int, 0, len(s.members[a])+len(s.members[b]))
	region = append(region, s.members[a]...)
	region = append(region, s.members[b]...)
	D := s.load[a] + s.load[b]
	// current pair's score
	curV := s.tviol(a) + s.tviol(b)
	curO := s.pairObjective(a, b, region)
	bestV, bestO := math.Inf(1), math.Inf(1)
	var best *tree
	bestC := splitCandidate{}
	in := make([]bool, len(region))
	// Without a disruption limit and locks, giving the subtree to a or to b
	// scores the same (the same two unit sets, medians and cut edges): the
	// second labelling is skipped, which halves the medians computed.
	labels := []bool{true, false}
	if math.IsInf(p.moveCap, 1) && !s.locks {
		labels = labels[:1]
	}
	for range trees {
		if r.hardStop() {
			break
		}
		t := s.spanningTree(r, region)
		for i, u := range region {
			s.local[u] = i
		}
		// screen by balance
		minV := math.Inf(1)
		var cands []int
		for v := range t.units {
			if t.parent[v] < 0 {
				continue
			}
			sd := t.sub[v]
			vv := rangeViol(sd, p.lo, p.hi) + rangeViol(D-sd, p.lo, p.hi)
			if p.nm > 0 {
				vv += s.msplitViol(t, v)
			}
			if vv < minV-capEps*s.scale {
				minV = vv
				cands = cands[:0]
			}
			if vv <= minV+capEps*s.scale {
				cands = append(cands, v)
			}
		}
		if minV > bestV+capEps*s.scale {
			continue
		}
		r.rng.Shuffle(len(cands), func(x, y int) { cands[x], cands[y] = cands[y], cands[x] })
		if len(cands) > 6 {
			cands = cands[:6]
		}
		for _, v := range cands {
			t.side(v, in)
			for _, subToA := range labels {
				vv, oo, ok := s.splitScore(t, in, subToA, a, b)
				if !ok {
					continue
				}
				if vv < bestV-capEps*s.scale || vv <= bestV+capEps*s.scale && oo < bestO {
					bestV, bestO, best = vv, oo, t
					bestC = splitCandidate{v: v, subToA: subToA, viol: vv, obj: oo}
				}
			}
		}
	}
	for _, u := range region {
		s.local[u] = -1
	}
	if best == nil {
		return false
	}
	curMV := s.movedViol(s.moved)
	dv := bestV - (curV + curMV)
	do := bestO - curO
	if strict {
		if !better(dv, do, s.scale) {
			return false
		}
	} else if dv > capEps*s.scale || dv >= -capEps*s.scale && do > 1e-9*math.Max(1, math.Abs(curO)) {
		return false
	}
	// apply
	best.side(bestC.v, in)
	for i, u := range best.units {
		to := b
		if in[i] == bestC.subToA {
			to = a
		}
		if s.assign[u] != to {
			s.move(u, to)
		}
	}
	if !p.cut {
		for _, t := range [2]int{a, b} {
			s.cen[t], _ = s.centre(t, s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	s.obj += do
	if !p.cut {
		if p.n > maxMatrix {
			// the region's share, not all n units (center.go)
			s.obj += s.pairObjective(a, b, region) - bestO
		} else {
			s.obj = s.objective()
		}
	}
	return true
}

// violating lists the territories outside their balance or capacity bounds.
func (s *dsearch) violating() []int {
	var bad []int
	for t := range s.p.k {
		if s.tviol(t) > capEps*s.scale {
			bad = append(bad, t)
		}
	}
	return bad
}

// violatingPair picks a random territory outside its balance or capacity
// bounds and a random territory adjacent to it; −1, −1 if none violates.
func (s *dsearch) violatingPair(r *runner) (int, int) {
	p := s.p
	bad := s.violating()
	if len(bad) == 0 {
		return -1, -1
	}
	a := bad[r.rng.IntN(len(bad))]
	var nb []int
	for _, u := range s.members[a] {
		for _, v := range p.adj[u] {
			if t := s.assign[v]; t != a && !slices.Contains(nb, t) {
				nb = append(nb, t)
			}
		}
	}
	if len(nb) == 0 {
		return -1, -1
	}
	return a, nb[r.rng.IntN(len(nb))]
}

// pairObjective is the objective restricted to territories a and b: cut
// edges incident to the region, or the distance sum of both.
func (s *dsearch) pairObjective(a, b int, region []int) float64 {
	p := s.p
	if p.cut {
		c := 0.0
		for _, u := range region {
			for _, v := range p.adj[u] {
				if s.assign[v] != s.assign[u] && (u < v || s.assign[v] != a && s.assign[v] != b) {
					c++
				}
			}
		}
		return c
	}
	sum := 0.0
	for _, u := range region {
		sum += p.weight[u] * p.d(u, s.cen[s.assign[u]])
	}
	return sum
}

// splitScore is the (violation including the moved share, objective) of the
// pair after the split, or ok false when the split breaks a lock.
func (s *dsearch) splitScore(t *tree, in []bool, subToA bool, a, b int) (float64, float64, bool) {
	p := s.p
	la, lb := 0.0, 0.0
	moved := s.moved
	var ua, ub []int
	for i, u := range t.units {
		to := b
		if in[i] == subToA {
			to = a
		}
		if l := p.lockT[u]; l >= 0 && l != to {
			return 0, 0, false
		}
		if c := p.current[u]; c >= 0 {
			if s.assign[u] == c && to != c {
				moved += p.demand[u]
			} else if s.assign[u] != c && to == c {
				moved -= p.demand[u]
			}
		}
		if to == a {
			la += p.demand[u]
			ua = append(ua, u)
		} else {
			lb += p.demand[u]
			ub = append(ub, u)
		}
	}
	if len(ua) == 0 || len(ub) == 0 {
		return 0, 0, false
	}
	var obj float64
	vv := s.movedViol(moved)
	if p.nm > 0 {
		vv += s.mpartViol(ua) + s.mpartViol(ub)
	}
	if p.cut {
		vv += rangeViol(la, p.lo, p.hi) + rangeViol(lb, p.lo, p.hi)
		for i, u := range t.units {
			side := in[i]
			for _, v := range p.adj[u] {
				tv := s.assign[v]
				if tv != a && tv != b {
					obj++ // edges to outside stay cut
					continue
				}
				if u < v {
					// v is in the region: compare sides
					if s.localSide(t, in, v) != side {
						obj++
					}
				}
			}
		}
	} else {
		ca, sa := s.centre(a, ua, la)
		cb, sb := s.centre(b, ub, lb)
		obj = sa + sb
		vv += rangeViol(la, p.lo, math.Min(p.hi, s.capOf(ca))) + rangeViol(lb, p.lo, math.Min(p.hi, s.capOf(cb)))
	}
	return vv, obj, true
}

// localSide tells on which side of the split unit v (in the region) lies.
func (s *dsearch) localSide(t *tree, in []bool, v int) bool {
	return in[s.local[v]]
}
