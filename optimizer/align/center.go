package align

import "math"

// Centres of large territories without a distance matrix.
//
// The exact 1-median of a territory compares every member with every other
// (O(size²) distances). Above maxMatrix units no distance matrix is kept,
// every distance is a haversine, and in the profile of the 33,232-ZIP case
// of issue 17 the exact medians took 90 % of the CPU (a territory of 3,000
// units costs 9 million haversines, and the seeding's first territories are
// far larger). There, a territory of more than exactMedianMax members gets
// an approximate 1-median instead: the members nearest to the weighted
// centroid (a cheap estimate of the Weber point; on the sphere the
// normalised weighted mean of unit vectors), each scored exactly, then a
// descent to neighbouring members (through the adjacency) while the
// weighted distance sum falls. That is O(size · candidates) distances, and
// the result is a local optimum of the 1-median over the adjacency, close
// to the exact one for compact territories (the weighted distance sum is
// convex in the plane, so its minimum over the members lies next to the
// Weber point).

// exactMedianMax is the largest territory whose 1-median is computed
// exactly when there is no distance matrix.
const exactMedianMax = 48

// medianCandidates is how many members nearest to the centroid the
// approximate 1-median scores before its descent.
const medianCandidates = 6

// medianDescent is the most descent steps of the approximate 1-median.
const medianDescent = 8

// centrePos returns, for each unit, the point used for centroids: the unit
// vector (x, y, z) on the sphere for haversine distances, else (x, y, 0).
func centrePos(p *model) [][3]float64 {
	pos := make([][3]float64, p.n)
	for i := range p.n {
		if p.kind == kindHaversine {
			const rad = math.Pi / 180
			lat, lon := p.ys[i]*rad, p.xs[i]*rad
			pos[i] = [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
		} else {
			pos[i] = [3]float64{p.xs[i], p.ys[i], 0}
		}
	}
	return pos
}

// useExactMedian reports whether the 1-median of units is computed by
// comparing every member with every other.
func (s *dsearch) useExactMedian(units []int) bool {
	return s.p.mat != nil || len(units) <= exactMedianMax
}

// approxMedian is the approximate 1-median of units (see above),
// preferring members whose capacity holds load as median does; it returns
// the centre and its weighted distance sum, −1 if units is empty.
func (s *dsearch) approxMedian(units []int, load float64) (int, float64) {
	p := s.p
	if len(units) == 0 {
		return -1, math.Inf(1)
	}
	if s.pos == nil {
		s.pos = centrePos(p)
	}
	// weighted centroid (weights: the objective's, or 1 when all are 0)
	var c [3]float64
	wsum := 0.0
	for _, j := range units {
		w := p.weight[j]
		wsum += w
		for a := range 3 {
			c[a] += w * s.pos[j][a]
		}
	}
	if wsum <= 0 {
		c = [3]float64{}
		for _, j := range units {
			for a := range 3 {
				c[a] += s.pos[j][a]
			}
		}
		wsum = float64(len(units))
	}
	for a := range 3 {
		c[a] /= wsum
	}
	// the members nearest to it (an insertion list of medianCandidates)
	var cand [medianCandidates]int
	var cd [medianCandidates]float64
	nc := 0
	for _, j := range units {
		d := 0.0
		for a := range 3 {
			x := s.pos[j][a] - c[a]
			d += x * x
		}
		if nc == medianCandidates && d >= cd[nc-1] {
			continue
		}
		i := min(nc, medianCandidates-1)
		for i > 0 && cd[i-1] > d {
			cand[i], cd[i] = cand[i-1], cd[i-1]
			i--
		}
		cand[i], cd[i] = j, d
		nc = min(nc+1, medianCandidates)
	}
	// mark the members, for the descent through the adjacency
	s.stamp++
	st := s.stamp
	for _, j := range units {
		s.mark[j] = st
	}
	best, bestS, bestFits := -1, math.Inf(1), false
	try := func(cu int) bool {
		fits := s.capOf(cu) >= load-capEps*s.scale
		if bestFits && !fits {
			return false
		}
		limit := bestS
		if fits && !bestFits {
			limit = math.Inf(1)
		}
		sum := s.distSum(units, cu, limit)
		if sum < limit {
			best, bestS, bestFits = cu, sum, fits
			return true
		}
		return false
	}
	for _, cu := range cand[:nc] {
		try(cu)
	}
	// units already scored carry the stamp st+1
	s.stamp++
	for _, cu := range cand[:nc] {
		s.mark[cu] = st + 1
	}
	for range medianDescent {
		moved := false
		for _, v := range p.adj[best] {
			if s.mark[v] != st {
				continue
			}
			s.mark[v] = st + 1
			if try(v) {
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	return best, bestS
}

// distSum is Σ weight_j · d(j, c) over units, stopping once it reaches
// limit (the caller then discards it).
func (s *dsearch) distSum(units []int, c int, limit float64) float64 {
	p := s.p
	sum := 0.0
	for _, j := range units {
		sum += p.weight[j] * p.d(j, c)
		if sum >= limit {
			break
		}
	}
	return sum
}

// regionObjective is the objective's share of the units of region, whose
// territories lie wholly inside it: the weighted distances to their
// centers, or the cut edges incident to them (each counted once). Above
// maxMatrix units the search updates the objective by this share instead
// of recomputing all n terms after each recombination.
func (s *dsearch) regionObjective(region []int) float64 {
	p := s.p
	sum := 0.0
	if p.cut {
		s.stamp++
		st := s.stamp
		for _, u := range region {
			s.mark[u] = st
		}
		for _, u := range region {
			for _, v := range p.adj[u] {
				if s.assign[v] != s.assign[u] && (s.mark[v] != st || u < v) {
					sum++
				}
			}
		}
		return sum
	}
	for _, u := range region {
		sum += p.weight[u] * p.d(u, s.cen[s.assign[u]])
	}
	return sum
}
