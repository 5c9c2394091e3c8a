package align

import (
	"math"
	"slices"
	"time"
)

// A lower bound without a distance matrix.
//
// lagrangeBound needs every distance (n² of them); above maxMatrix units
// none is kept. sparseBound is the same Lagrangian relaxation of the
// p-median (Beasley 1993) on truncated costs: for each unit j, its
// sparseNear nearest units i keep c_ij = w_j·d_ij, and every other unit
// costs w_j·R_j, where R_j is the distance to j's farthest listed unit —
// no unlisted unit is nearer than R_j, so the truncated costs are at most
// the true ones and the p-median optimum on them, hence its Lagrangian
// bound, is a lower bound of the true p-median optimum, which relaxes
// balance, contiguity, locks and the disruption limit. The constant cost of
// the unlisted units makes each subproblem ρ_i = Σ_j min(0, c_ij − λ_j) a
// sum over the units listing i plus one shared term, so an iteration costs
// O(n · sparseNear) instead of O(n²).
//
// The lists are exact (see nearest): a bucket grid is searched ring by
// ring, and the search stops when a lower bound on the distance to any unit
// outside the rings searched reaches the sparseNear-th smallest distance
// found.

// sparseNear is the shortest list of nearest units per unit; the lists
// hold twice the mean territory's unit count, up to sparseNearMax, since a
// list shorter than a territory caps most costs.
const (
	sparseNear    = 40
	sparseNearMax = 160
)

// yGap is a lower bound on the distance between two units whose y
// coordinates (latitude in degrees for haversine) differ by dy ≥ 0.
func (p *model) yGap(dy float64) float64 {
	switch p.kind {
	case kindHaversine:
		return EarthRadius * dy * math.Pi / 180
	case kindFloor:
		return math.Floor(dy)
	}
	return dy
}

// xGap is a lower bound on the distance between two units whose x
// coordinates (longitude in degrees for haversine) differ by dx ≥ 0; for
// haversine, cc is a lower bound on √(cos φ₁ · cos φ₂) for the two units,
// and a negative cc means the longitudes may wrap (no bound).
func (p *model) xGap(dx, cc float64) float64 {
	switch p.kind {
	case kindHaversine:
		if cc < 0 {
			return 0
		}
		// a = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2) ≥ cc²·sin²(Δλ/2)
		h := math.Min(dx, 180) * math.Pi / 360
		return 2 * EarthRadius * math.Asin(math.Min(1, cc*math.Sin(h)))
	case kindFloor:
		return math.Floor(dx)
	}
	return dx
}

// nearest lists, for each unit, its m nearest units (itself included) with
// their distances, by increasing distance; it returns nil when the clock
// ran out (the deadline, or until) first. It searches a bucket grid ring
// by ring around each unit and stops once the ring's distance bound (yGap,
// xGap) reaches the m-th smallest distance found, so the lists are exact.
func (p *model) nearest(r *runner, m int, until time.Time) (idx [][]int32, dist [][]float64) {
	n := p.n
	m = min(m, n)
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range n {
		x0, x1 = math.Min(x0, p.xs[i]), math.Max(x1, p.xs[i])
		y0, y1 = math.Min(y0, p.ys[i]), math.Max(y1, p.ys[i])
	}
	wraps := p.kind == kindHaversine && x1-x0 > 180 // xGap gives no bound
	side := int(math.Ceil(math.Sqrt(float64(n) / 4)))
	cx := math.Max((x1-x0)/float64(side), 1e-12)
	cy := math.Max((y1-y0)/float64(side), 1e-12)
	cell := func(i int) (int, int) {
		return min(side-1, int((p.xs[i]-x0)/cx)), min(side-1, int((p.ys[i]-y0)/cy))
	}
	start := make([]int, side*side+1)
	for i := range n {
		a, b := cell(i)
		start[b*side+a+1]++
	}
	for c := range side * side {
		start[c+1] += start[c]
	}
	units := make([]int, n)
	pos := slices.Clone(start[:side*side])
	for i := range n {
		a, b := cell(i)
		units[pos[b*side+a]] = i
		pos[b*side+a]++
	}
	idx = make([][]int32, n)
	dist = make([][]float64, n)
	type nd struct {
		u int
		d float64
	}
	best := make([]nd, 0, m) // the m best so far, sorted by distance
	add := func(u int, d float64) {
		if len(best) == m && d >= best[m-1].d {
			return
		}
		if len(best) < m {
			best = append(best, nd{})
		}
		i := len(best) - 1
		for i > 0 && best[i-1].d > d {
			best[i] = best[i-1]
			i--
		}
		best[i] = nd{u, d}
	}
	for j := range n {
		if j&255 == 0 && (r.expired() || time.Now().After(until)) {
			return nil, nil
		}
		best = best[:0]
		ca, cb := cell(j)
		for rho := 0; rho <= side; rho++ {
			for b := cb - rho; b <= cb+rho; b++ {
				if b < 0 || b >= side {
					continue
				}
				for a := ca - rho; a <= ca+rho; a++ {
					if a < 0 || a >= side || (abs(a-ca) != rho && abs(b-cb) != rho) {
						continue // inside the ring: done before
					}
					for _, u := range units[start[b*side+a]:start[b*side+a+1]] {
						add(u, p.rawDist(j, u))
					}
				}
			}
			// A unit outside rings 0..rho is rho whole cells away in y, or
			// within rows cb±rho (its latitude bounded) and rho whole
			// cells away in x.
			if len(best) < m {
				continue
			}
			cc := 1.0
			if p.kind == kindHaversine {
				const rad = math.Pi / 180
				lo := math.Max(y0, y0+float64(cb-rho)*cy) * rad
				hi := math.Min(y1, y0+float64(cb+rho+1)*cy) * rad
				// cos is concave on [−90°, 90°]: its minimum is at an end
				cosRows := math.Max(0, math.Min(math.Cos(lo), math.Cos(hi)))
				cc = math.Sqrt(math.Max(0, p.coslat[j]) * cosRows)
				if wraps {
					cc = -1
				}
			}
			if math.Min(p.yGap(float64(rho)*cy), p.xGap(float64(rho)*cx, cc)) >= best[m-1].d {
				break
			}
		}
		idx[j] = make([]int32, len(best))
		dist[j] = make([]float64, len(best))
		for i, x := range best {
			idx[j][i], dist[j][i] = int32(x.u), x.d
		}
	}
	return idx, dist
}

// sparseBound is the Lagrangian p-median bound on truncated costs (see
// above), with the subgradient optimization of lagrangeBound; ub is the
// best known cost, init the starting multipliers (each unit's distance to
// its center in that answer), share the most of the remaining time it may
// take. It returns NaN if it could not finish a first iteration.
func sparseBound(p *model, r *runner, ub float64, init []float64, share float64) float64 {
	n, k := p.n, p.k
	if p.capac || r.hardStop() {
		return math.NaN()
	}
	stopAt := time.Now().Add(time.Duration(share * float64(time.Until(r.deadline))))
	m := min(sparseNearMax, max(sparseNear, 2*n/max(k, 1)))
	near, nd := p.nearest(r, m, stopAt)
	if near == nil || time.Now().After(stopAt) {
		return math.NaN()
	}
	// R_j and the transposed lists: facility i → (j, w_j·d_ij)
	rc := make([]float64, n) // w_j · R_j
	count := make([]int, n+1)
	for j := range n {
		rc[j] = p.weight[j] * nd[j][len(nd[j])-1]
		for _, i := range near[j] {
			count[i+1]++
		}
	}
	for i := range n {
		count[i+1] += count[i]
	}
	cl := make([]int32, count[n])
	cc := make([]float64, count[n])
	fill := slices.Clone(count[:n])
	for j := range n {
		for a, i := range near[j] {
			cl[fill[i]], cc[fill[i]] = int32(j), p.weight[j]*nd[j][a]
			fill[i]++
		}
	}
	lam := make([]float64, n)
	for j := range n {
		lam[j] = p.weight[j] * init[j]
	}
	rho := make([]float64, n)
	order := make([]int, n)
	cntNear := make([]int, n) // chosen facilities listed by j with cost below λ_j
	inNear := make([]int, n)  // chosen facilities listed by j
	g := make([]float64, n)
	best := math.Inf(-1)
	pi := 2.0
	noImp := 0
	// at most about 3e8 list terms, whatever the time limit
	maxIt := min(3000, max(20, int(3e8/(float64(n)*float64(m)))))
	for it := 0; it < maxIt && pi > 1e-4; it++ {
		if it > 0 && (r.expired() || time.Now().After(stopAt)) {
			break
		}
		S := 0.0
		for j := range n {
			S += math.Min(0, rc[j]-lam[j])
		}
		for i := range n {
			s := S
			for a := count[i]; a < count[i+1]; a++ {
				j := cl[a]
				s += math.Min(0, cc[a]-lam[j]) - math.Min(0, rc[j]-lam[j])
			}
			rho[i] = s
			order[i] = i
		}
		L := dualValue(rho, order, lam, k)
		if math.IsInf(best, -1) || L > best+1e-9*math.Max(1, math.Abs(best)) {
			best, noImp = L, 0
		} else if noImp++; noImp >= 20 {
			pi /= 2
			noImp = 0
		}
		// subgradient: 1 − Σ_i x_ij over the chosen facilities
		for j := range n {
			cntNear[j], inNear[j] = 0, 0
		}
		for _, i := range order[:k] {
			for a := count[i]; a < count[i+1]; a++ {
				j := cl[a]
				inNear[j]++
				if cc[a] < lam[j] {
					cntNear[j]++
				}
			}
		}
		norm := 0.0
		for j := range n {
			x := cntNear[j]
			if rc[j] < lam[j] {
				x += k - inNear[j]
			}
			g[j] = float64(1 - x)
			norm += g[j] * g[j]
		}
		if norm == 0 {
			break // the relaxation's solution is feasible for it: L is its optimum
		}
		step := pi * math.Max(ub-L, 1e-9*math.Max(1, ub)) / norm
		for j := range lam {
			lam[j] = math.Max(0, lam[j]+step*g[j])
		}
	}
	if math.IsInf(best, -1) {
		return math.NaN()
	}
	return best
}

// sparseBoundNow is sparseBound from the current state (its objective as
// the upper bound, each unit's distance to its center as the starting
// multipliers), with up to 15 % of the remaining time.
func (s *dsearch) sparseBoundNow(r *runner) float64 {
	p := s.p
	init := make([]float64, p.n)
	for j, t := range s.assign {
		init[j] = p.d(j, s.cen[t])
	}
	return sparseBound(p, r, s.obj, init, 0.15)
}
