package align

import (
	"math"
	"slices"
)

// Repairs that two territories cannot make.
//
// Merge-and-split of two neighbouring territories (recom) cannot fix a
// territory whose every neighbour pair lacks the right mix of units: with
// heavy-tailed demand (a county holding 0.6 of a territory next to one
// holding 0.8) the fix often needs a third or fourth territory to give up
// a unit. recomCluster merges a violating territory with m−1 territories
// around it and splits the union into m parts by recursive spanning-tree
// partition with the balance bounds held strictly (DeFord, Duchin &
// Solomon 2021 split one part at a time the same way).

// treePartition splits region (connected, or chained by spanningTree) into
// m connected parts whose demand each lies in [lo, hi], cutting one part at
// a time off random spanning trees of what is left. It makes at most
// attempts passes of up to tries trees per part and returns the part of
// each region unit (index into region), or nil when none was found.
func (s *dsearch) treePartition(r *runner, region []int, m int, lo, hi float64, attempts, tries int) []int {
	p := s.p
	part := make([]int, len(region))
	pos := make(map[int]int, len(region))
	var total float64
	for i, u := range region {
		pos[u] = i
		total += p.demand[u]
	}
	eps := capEps * s.scale
	for attempt := 0; attempt < attempts; attempt++ {
		rest := slices.Clone(region)
		restD := total
		ok := true
		for k := 0; k < m-1 && ok; k++ {
			left := m - k // parts still to make from rest, this one included
			found := false
			for try := 0; try < tries && !found; try++ {
				if r.hardStop() {
					return nil
				}
				t := s.spanningTree(r, rest)
				n := len(t.units)
				var cands []int
				for v := range t.units {
					if t.parent[v] < 0 {
						continue
					}
					sd, sz := t.sub[v], t.size[v]
					if n-sz >= left-1 && sd >= lo-eps && sd <= hi+eps &&
						restD-sd >= float64(left-1)*lo-eps && restD-sd <= float64(left-1)*hi+eps {
						cands = append(cands, v+1)
					}
					if sz >= left-1 && restD-sd >= lo-eps && restD-sd <= hi+eps &&
						sd >= float64(left-1)*lo-eps && sd <= float64(left-1)*hi+eps {
						cands = append(cands, -(v + 1))
					}
				}
				if len(cands) == 0 {
					continue
				}
				c := cands[r.rng.IntN(len(cands))]
				v := max(c, -c) - 1
				in := make([]bool, n)
				t.side(v, in)
				var next []int
				for i, u := range t.units {
					if in[i] == (c > 0) {
						part[pos[u]] = k
						restD -= p.demand[u]
					} else {
						next = append(next, u)
					}
				}
				rest = next
				found = true
			}
			ok = found
		}
		if ok {
			for _, u := range rest {
				part[pos[u]] = m - 1
			}
			return part
		}
	}
	return nil
}

// recomCluster merges a random violating territory with m−1 territories
// around it (grown through shared boundaries) and re-partitions the union
// into m territories within the balance bounds. The new parts take the
// cluster's territory indices so as to keep the most demand (against the
// current plan when there is one) where it was. It applies the result only
// when the total violation, disruption limit included, falls, and reports
// whether it did. Clusters holding locked units, and instances with
// capacities, are left to the other moves.
func (s *dsearch) recomCluster(r *runner, m, attempts, tries int) bool {
	p := s.p
	if p.capac || p.k < m || m < 2 {
		return false
	}
	var bad []int
	for t := range p.k {
		if s.viol(t, s.load[t]) > capEps*s.scale {
			bad = append(bad, t)
		}
	}
	if len(bad) == 0 {
		return false
	}
	a := bad[r.rng.IntN(len(bad))]
	cluster := []int{a}
	in := map[int]bool{a: true}
	D := s.load[a]
	for len(cluster) < m {
		// neighbouring territories of the cluster, each once
		var nb []int
		seen := map[int]bool{}
		for _, t := range cluster {
			for _, u := range s.members[t] {
				for _, v := range p.adj[u] {
					if tv := s.terr[v]; !in[tv] && !seen[tv] {
						seen[tv] = true
						nb = append(nb, tv)
					}
				}
			}
		}
		if len(nb) == 0 {
			return false
		}
		slices.Sort(nb) // map order must not reach the random draw
		b := nb[r.rng.IntN(len(nb))]
		cluster = append(cluster, b)
		in[b] = true
		D += s.load[b]
	}
	eps := capEps * s.scale
	if D < float64(m)*p.lo-eps || D > float64(m)*p.hi+eps {
		return false
	}
	var region []int
	for _, t := range cluster {
		for _, u := range s.members[t] {
			if p.locked[u] {
				return false
			}
			region = append(region, u)
		}
	}
	part := s.treePartition(r, region, m, p.lo, p.hi, attempts, tries)
	if part == nil {
		return false
	}
	// Parts take territory indices by greatest overlap of demand: with the
	// current plan when the disruption limit counts, else with the present
	// assignment (the centers move least).
	overlap := make([][]float64, m)
	for i := range overlap {
		overlap[i] = make([]float64, m)
	}
	ci := map[int]int{}
	for i, t := range cluster {
		ci[t] = i
	}
	for i, u := range region {
		ref := s.terr[u]
		if c := p.current[u]; !math.IsInf(p.moveCap, 1) {
			ref = c
		}
		if j, ok := ci[ref]; ok {
			overlap[part[i]][j] += p.demand[u]
		}
	}
	to := make([]int, m) // part → cluster position
	usedP, usedT := make([]bool, m), make([]bool, m)
	for range m {
		bp, bt, bv := -1, -1, -1.0
		for i := range m {
			for j := range m {
				if !usedP[i] && !usedT[j] && overlap[i][j] > bv {
					bp, bt, bv = i, j, overlap[i][j]
				}
			}
		}
		usedP[bp], usedT[bt] = true, true
		to[bp] = bt
	}
	moved := s.moved
	for i, u := range region {
		t := cluster[to[part[i]]]
		if c := p.current[u]; c >= 0 {
			if s.terr[u] == c && t != c {
				moved += p.demand[u]
			} else if s.terr[u] != c && t == c {
				moved -= p.demand[u]
			}
		}
	}
	cur := s.movedViol(s.moved)
	for _, t := range cluster {
		cur += s.viol(t, s.load[t])
	}
	if s.movedViol(moved) >= cur-eps {
		return false
	}
	for i, u := range region {
		if t := cluster[to[part[i]]]; s.terr[u] != t {
			s.move(u, t)
		}
	}
	if !p.cut {
		for _, t := range cluster {
			s.cen[t], _ = s.median(s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	s.obj = s.objective()
	return true
}
