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
// partition (cutParts, as the seeding does) with the balance bounds held
// strictly.

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
	bad := s.violating()
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
					if tv := s.assign[v]; !in[tv] && !seen[tv] {
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
	if D < float64(m)*p.lo-eps || D > float64(m)*p.hi+eps || p.nm > 0 && !s.mclusterFits(cluster) {
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
	// parts 0..m−1 by recursive tree partition, the bounds held strictly
	label := make([]int, p.n)
	ids := upTo(m)
	cut := false
	for attempt := 0; attempt < attempts && !cut; attempt++ {
		s.mslack, s.msoft = 0, false
		cut = s.cutParts(r, label, region, ids, p.lo-eps, p.hi+eps, tries, false)
	}
	// With several measures a partition holding every band may not exist
	// for this cluster: one that holds demand's and is least violating on
	// the others is taken when it violates less than today's territories.
	soft := false
	if !cut && p.nm > 0 {
		s.msoft = true
		cut = s.cutParts(r, label, region, ids, p.lo-eps, p.hi+eps, tries, false)
		s.msoft, soft = false, cut
	}
	if !cut {
		return false
	}
	part := make([]int, len(region))
	for i, u := range region {
		part[i] = label[u]
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
		ref := s.assign[u]
		if !math.IsInf(p.moveCap, 1) {
			ref = p.current[u]
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
	if p.fixed != nil && !s.fixedParts(cluster, label, to) {
		return false
	}
	moved := s.moved
	for i, u := range region {
		t := cluster[to[part[i]]]
		if c := p.current[u]; c >= 0 {
			if s.assign[u] == c && t != c {
				moved += p.demand[u]
			} else if s.assign[u] != c && t == c {
				moved -= p.demand[u]
			}
		}
	}
	cur := s.movedViol(s.moved)
	for _, t := range cluster {
		cur += s.tviol(t)
	}
	after := s.movedViol(moved)
	if soft {
		nm := p.nm
		loads := make([]float64, m*nm)
		for _, u := range region {
			for i := range nm {
				loads[label[u]*nm+i] += p.mval[u*nm+i]
			}
		}
		for pt := range m {
			after += p.mviolOf(loads[pt*nm : (pt+1)*nm])
		}
	}
	if after >= cur-eps {
		return false
	}
	before := s.regionObjective(region)
	for i, u := range region {
		if t := cluster[to[part[i]]]; s.assign[u] != t {
			s.move(u, t)
		}
	}
	if !p.cut {
		for _, t := range cluster {
			s.cen[t], _ = s.centre(t, s.members[t], s.load[t])
			s.capT[t] = s.capOf(s.cen[t])
		}
	}
	if p.n > maxMatrix {
		s.obj += s.regionObjective(region) - before // center.go
	} else {
		s.obj = s.objective()
	}
	return true
}
