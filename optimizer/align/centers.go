package align

import (
	"container/heap"
	"math"
	"slices"
)

// Fixed centers (rep homes).
//
// When Problem.Centers fixes territory t's center to a unit, that unit is
// pinned to t (model.lockT) and is its seed: seedCenters grows the
// territories from their centers through the edges, the lightest territory
// first (its load scored on every balanced measure), each taking the free
// boundary unit closest to its center, so that every territory starts
// connected and around its rep's home. The search then moves boundary units
// and recombines pairs as usual; centre() returns the fixed center instead
// of recomputing a median.

// grow is one territory's frontier in seedCenters: boundary units by
// distance to its center.
type grow struct {
	units []int32
	keys  []float64
}

func (g *grow) Len() int           { return len(g.units) }
func (g *grow) Less(a, b int) bool { return g.keys[a] < g.keys[b] }
func (g *grow) Swap(a, b int) {
	g.units[a], g.units[b] = g.units[b], g.units[a]
	g.keys[a], g.keys[b] = g.keys[b], g.keys[a]
}
func (g *grow) Push(x any) {
	e := x.([2]float64)
	g.units = append(g.units, int32(e[0]))
	g.keys = append(g.keys, e[1])
}
func (g *grow) Pop() any {
	n := len(g.units) - 1
	e := [2]float64{float64(g.units[n]), g.keys[n]}
	g.units, g.keys = g.units[:n], g.keys[:n]
	return e
}

// seedCenters partitions the units by growing every territory from its
// fixed center, or from a seed unit when its center is free (seedUnits). jitter > 0 multiplies each distance by a
// random factor in [1, 1+jitter), for restarts. Units no center reaches
// through the edges join the territory of the nearest center (or the one
// they are locked to). It looks at the clock; past the deadline the units
// left go to their nearest center.
func (s *dsearch) seedCenters(r *runner, jitter float64) []int {
	p := s.p
	assign := make([]int, p.n)
	for j := range assign {
		assign[j] = -1
	}
	fr := make([]grow, p.k)
	score := make([]float64, p.k) // load on every measure, in demand units
	m := p.nm
	seeds := seedUnits(p, r)
	add := func(j, t int) {
		assign[j] = t
		score[t] += p.demand[j]
		for i := range m {
			score[t] += p.mw[i] * p.mval[j*m+i]
		}
		for _, v := range p.adj[j] {
			if assign[v] < 0 && (p.lockT[v] < 0 || p.lockT[v] == t) {
				key := p.d(v, seeds[t])
				if jitter > 0 {
					key *= 1 + jitter*r.rng.Float64()
				}
				heap.Push(&fr[t], [2]float64{float64(v), key})
			}
		}
	}
	for t, c := range seeds {
		add(c, t)
	}
	open := make([]bool, p.k)
	for t := range open {
		open[t] = true
	}
	for !r.hardStop() {
		best := -1
		for t := range p.k {
			if open[t] && (best < 0 || score[t] < score[best]) {
				best = t
			}
		}
		if best < 0 {
			break
		}
		g := &fr[best]
		took := false
		for g.Len() > 0 {
			e := heap.Pop(g).([2]float64)
			if j := int(e[0]); assign[j] < 0 {
				add(j, best)
				took = true
				break
			}
		}
		if !took {
			open[best] = false
		}
	}
	for j := range assign {
		if assign[j] >= 0 {
			continue
		}
		if l := p.lockT[j]; l >= 0 {
			assign[j] = l
			continue
		}
		bd := math.Inf(1)
		for t, c := range seeds {
			if d := p.d(j, c); d < bd {
				bd, assign[j] = d, t
			}
		}
	}
	return assign
}

// seedUnits returns one seed unit per territory: its fixed center, or, for
// a territory whose center is free (−1), a unit drawn with probability
// proportional to weight · demand · D², D the distance to the nearest seed
// so far (the D² seeding of k-means++, Arthur & Vassilvitskii 2007), among
// the units no lock or center ties to another territory.
func seedUnits(p *model, r *runner) []int {
	seeds := slices.Clone(p.fixed)
	near := make([]float64, p.n)
	for j := range near {
		near[j] = math.Inf(1)
	}
	taken := make([]bool, p.n)
	update := func(c int) {
		taken[c] = true
		for j := range p.n {
			near[j] = math.Min(near[j], p.d(j, c))
		}
	}
	have := false
	for _, c := range seeds {
		if c >= 0 {
			update(c)
			have = true
		}
	}
	for t, c := range seeds {
		if c >= 0 {
			continue
		}
		sum := 0.0
		for j := range p.n {
			if !taken[j] && (p.lockT[j] < 0 || p.lockT[j] == t) {
				x := 1.0
				if have {
					x = near[j] * near[j]
				}
				sum += x * math.Max(p.weight[j]*p.demand[j], 1e-12)
			}
		}
		pick, x := -1, r.rng.Float64()*sum
		for j := range p.n {
			if !taken[j] && (p.lockT[j] < 0 || p.lockT[j] == t) {
				w := 1.0
				if have {
					w = near[j] * near[j]
				}
				x -= w * math.Max(p.weight[j]*p.demand[j], 1e-12)
				pick = j
				if x <= 0 {
					break
				}
			}
		}
		if pick < 0 {
			pick = slices.Index(taken, false)
		}
		seeds[t] = pick
		update(pick)
		have = true
	}
	return seeds
}
