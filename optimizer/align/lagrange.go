package align

import (
	"math"
	"slices"
	"time"
)

// lagrangeBound computes a lower bound on the p-median optimum by the
// Lagrangian relaxation of the assignment constraints with subgradient
// optimization (Beasley 1985, 1993; Held, Wolfe & Crowder 1974): for
// multipliers λ, L(λ) = Σ_j λ_j + Σ of the k most negative
// ρ_i = Σ_j min(0, w_j d_ij − λ_j). When some unit has a capacity, ρ_i is
// instead the fractional knapsack min Σ_j (w_j d_ij − λ_j) x_ij subject to
// Σ_j demand_j x_ij ≤ capacity_i, 0 ≤ x ≤ 1, which keeps L(λ) a valid bound.
// ub is the best known cost, init the starting multipliers (each client's
// cost in that solution). share caps the time spent, as a share of the
// remaining budget. With integer distances the bound is rounded up.
// It returns NaN if it could not run.
func lagrangeBound(p *model, r *runner, ub float64, init []float64, share float64) float64 {
	n, k := p.n, p.k
	if p.mat == nil || r.hardStop() {
		return math.NaN()
	}
	stopAt := time.Now().Add(time.Duration(share * float64(time.Until(r.deadline))))
	integral := true
	for _, v := range p.mat {
		if v != math.Trunc(v) {
			integral = false
			break
		}
	}
	for _, w := range p.weight {
		if w != math.Trunc(w) {
			integral = false
		}
	}
	lam := make([]float64, n)
	for j := range n {
		lam[j] = p.weight[j] * init[j]
	}
	rho := make([]float64, n)
	order := make([]int, n)
	g := make([]float64, n)
	best := math.Inf(-1)
	pi := 2.0
	noImp := 0
	type item struct {
		j int
		v float64
	}
	items := make([]item, 0, n)
	// at most about 5e8 distance terms, whatever the time limit
	maxIt := min(3000, max(20, int(5e8/(float64(n)*float64(n)))))
	for it := 0; it < maxIt && pi > 1e-4; it++ {
		if r.expired() || time.Now().After(stopAt) {
			break
		}
		// subproblems
		for i := range n {
			row := p.row(i)
			if c := p.capacity[i]; c > 0 {
				items = items[:0]
				for j, d := range row {
					if v := p.weight[j]*d - lam[j]; v < 0 {
						items = append(items, item{j, v})
					}
				}
				slices.SortFunc(items, func(a, b item) int {
					// most negative cost per unit demand first
					x, y := a.v/math.Max(p.demand[a.j], 1e-12), b.v/math.Max(p.demand[b.j], 1e-12)
					if x < y {
						return -1
					} else if x > y {
						return 1
					}
					return a.j - b.j
				})
				left, s := c, 0.0
				for _, itm := range items {
					if left <= 0 {
						break
					}
					f := math.Min(1, left/math.Max(p.demand[itm.j], 1e-12))
					s += f * itm.v
					left -= f * p.demand[itm.j]
				}
				rho[i] = s
			} else {
				s := 0.0
				for j, d := range row {
					if v := p.weight[j]*d - lam[j]; v < 0 {
						s += v
					}
				}
				rho[i] = s
			}
			order[i] = i
		}
		L := dualValue(rho, order, lam, k)
		if math.IsInf(best, -1) || L > best+1e-9*math.Max(1, math.Abs(best)) {
			best, noImp = L, 0
		} else if noImp++; noImp >= 20 {
			pi /= 2
			noImp = 0
		}
		if integral && math.Ceil(best-1e-6) >= ub {
			break
		}
		// subgradient: 1 − Σ_i x_ij over the chosen facilities
		for j := range g {
			g[j] = 1
		}
		for _, i := range order[:k] {
			row := p.row(i)
			if c := p.capacity[i]; c > 0 {
				items = items[:0]
				for j, d := range row {
					if v := p.weight[j]*d - lam[j]; v < 0 {
						items = append(items, item{j, v})
					}
				}
				slices.SortFunc(items, func(a, b item) int {
					x, y := a.v/math.Max(p.demand[a.j], 1e-12), b.v/math.Max(p.demand[b.j], 1e-12)
					if x < y {
						return -1
					} else if x > y {
						return 1
					}
					return a.j - b.j
				})
				left := c
				for _, itm := range items {
					if left <= 0 {
						break
					}
					f := math.Min(1, left/math.Max(p.demand[itm.j], 1e-12))
					g[itm.j] -= f
					left -= f * p.demand[itm.j]
				}
			} else {
				for j, d := range row {
					if p.weight[j]*d-lam[j] < 0 {
						g[j]--
					}
				}
			}
		}
		norm := 0.0
		for _, v := range g {
			norm += v * v
		}
		if norm == 0 {
			break // the relaxation's solution is feasible: L is optimal
		}
		step := pi * math.Max(ub-L, 1e-9*math.Max(1, ub)) / norm
		for j := range lam {
			lam[j] = math.Max(0, lam[j]+step*g[j])
		}
	}
	if math.IsInf(best, -1) {
		return math.NaN()
	}
	if integral {
		best = math.Ceil(best - 1e-6)
	}
	return best
}

// dualValue sorts order (the facilities 0..n−1) by their reduced cost rho
// and returns the Lagrangian value: Σ λ plus the k smallest ρ, the k
// facilities the relaxed problem opens (order[:k]).
func dualValue(rho []float64, order []int, lam []float64, k int) float64 {
	slices.SortFunc(order, func(a, b int) int {
		if rho[a] < rho[b] {
			return -1
		} else if rho[a] > rho[b] {
			return 1
		}
		return a - b
	})
	L := 0.0
	for _, l := range lam {
		L += l
	}
	for _, i := range order[:k] {
		L += rho[i]
	}
	return L
}
