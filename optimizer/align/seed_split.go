package align

import "math"

// Seeding by recursive bisection, for large instances.
//
// seedTreeOn cuts one territory at a time off random spanning trees of what
// is left, and starts over when a cut fails (with the bounds widened every
// ten failures). With a thousand territories one failure in a thousand
// cuts throws the whole partition away: on the 33,232-ZIP case of issue 17
// the seeding never finished inside the time limit and, at the deadline,
// accepted any cut, leaving one territory with half the population.
//
// seedSplit never starts over. It bisects a region due to hold K
// territories along a random spanning tree into two connected pieces due to
// hold K₁ and K − K₁ territories, each piece's demand within
// [K₁·lo, K₁·hi] and [(K−K₁)·lo, (K−K₁)·hi], and recurses on both pieces
// (recursive bisection, as in the recursive_tree_part of GerryChain,
// DeFord, Duchin & Solomon 2021, which also allows uneven splits). Among
// the cuts within those bounds it prefers K₁ near K/2, so the recursion is
// about log₂ k deep and costs O(n log k) spanning-tree work. When a few
// trees offer no cut within the bounds it takes the least violating one
// and goes on: the search's repair moves (recom, recomCluster) fix the few
// territories out of band. Past the deadline each region gets one tree, so
// a complete partition comes back in a few tree draws per level. With
// several measures (Problem.Balances) a cut must hold every measure's
// bands too, each violation scaled to demand units as in the search.

// splitTreeWork is the number of unit visits (tree size × trees) that one
// bisection may spend looking for a cut within the bounds: small regions
// get many trees, the largest a few.
const splitTreeWork = 400_000

// splitTrees are the fewest and most spanning trees one bisection draws.
const (
	splitTreesMin = 3
	splitTreesMax = 60
)

// seedSplit partitions region (connected, or chained by spanningTree) into
// the territories ids by recursive bisection (see above), setting assign
// for the region's units, and returns assign. It always returns a complete
// partition with every territory nonempty when the region has at least
// len(ids) units.
func (s *dsearch) seedSplit(r *runner, assign, region, ids []int) []int {
	type job struct{ region, ids []int }
	stack := []job{{region, ids}}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(j.ids) == 1 || len(j.region) <= 1 {
			for _, u := range j.region {
				assign[u] = j.ids[0]
			}
			continue
		}
		a, b, k1 := s.bisect(r, j.region, len(j.ids))
		stack = append(stack, job{b, j.ids[k1:]}, job{a, j.ids[:k1]})
		r.progressNow()
	}
	return assign
}

// bisect cuts region, due to hold k territories, into two connected pieces
// due to hold k1 and k − k1 territories (see above) and returns them.
func (s *dsearch) bisect(r *runner, region []int, k int) (a, b []int, k1 int) {
	p := s.p
	m := len(region)
	D := 0.0
	for _, u := range region {
		D += p.demand[u]
	}
	mid := (p.lo + p.hi) / 2
	if math.IsInf(p.hi, 1) || mid <= 0 {
		mid = p.total / float64(p.k)
	}
	// the region's totals of the extra measures (measures.go), whose bands
	// the pieces must hold too
	nm := p.nm
	var mtot []float64
	if nm > 0 {
		mtot = make([]float64, nm)
		for _, u := range region {
			for i := range nm {
				mtot[i] += p.mval[u*nm+i]
			}
		}
	}
	trees := min(splitTreesMax, max(splitTreesMin, splitTreeWork/max(m, 1)))
	// score of a cut: violation of both pieces' bounds, then distance of
	// the split from even (in territories)
	type cut struct {
		t      *tree
		v      int  // local vertex: its subtree is one piece
		subIsA bool // the subtree is piece a (k1 territories)
		k1     int
		viol   float64
		dev    float64 // demand off the proportional share D·k1/k, beyond tau
		skew   int
	}
	// A cut within the bounds can still leave a piece near the edge of
	// its band (k1 territories all at 0.95 of the mean), which makes its
	// own cuts hard; cuts within tau of the proportional share are
	// preferred.
	tau := 0.1 * (p.hi - p.lo)
	if math.IsInf(tau, 1) {
		tau = math.Inf(1)
	}
	best := cut{viol: math.Inf(1)}
	eps := capEps * s.scale
	good := func(c cut) bool { return c.viol <= eps && c.dev <= eps }
	for try := 0; try < trees; try++ {
		// With several measures a cut within every band is rare, and
		// looking long for one costs the whole time limit: after the fewest
		// trees the least violating cut goes, and the search repairs it.
		if try > 0 && (r.expired() || good(best) && best.skew <= k/4 || nm > 0 && try >= 4*splitTreesMin) {
			break
		}
		t := s.spanningTree(r, region)
		for v := range t.units {
			if t.parent[v] < 0 {
				continue
			}
			sd, sz := t.sub[v], t.size[v]
			// k1 territories for the subtree: those nearest its demand
			// (within what the piece sizes allow: each territory needs a unit)
			g := int(math.Round(sd / mid))
			lo, hi := max(1, k-(m-sz)), min(k-1, sz)
			for kk := max(lo, min(hi, g-1)); kk <= min(hi, max(lo, g+1)); kk++ {
				viol := rangeViol(sd, float64(kk)*p.lo, float64(kk)*p.hi) + rangeViol(D-sd, float64(k-kk)*p.lo, float64(k-kk)*p.hi)
				dev := math.Max(0, math.Abs(sd-D*float64(kk)/float64(k))-tau)
				for i := range nm {
					// each measure's band and share, scaled to demand units
					x, lo, hi := t.msub[v*nm+i], p.mlo[i], p.mhi[i]
					viol += p.mw[i] * (rangeViol(x, float64(kk)*lo, float64(kk)*hi) + rangeViol(mtot[i]-x, float64(k-kk)*lo, float64(k-kk)*hi))
					if !math.IsInf(hi, 1) {
						dev += p.mw[i] * math.Max(0, math.Abs(x-mtot[i]*float64(kk)/float64(k))-0.1*(hi-lo))
					}
				}
				c := cut{t: t, v: v, subIsA: true, k1: kk, viol: viol, skew: abs(2*kk - k), dev: dev}
				if c.viol < best.viol-eps || c.viol <= best.viol+eps && (c.dev < best.dev-eps ||
					c.dev <= best.dev+eps && (c.skew < best.skew || c.skew == best.skew && r.rng.IntN(2) == 0)) {
					best = c
				}
			}
		}
	}
	if best.t == nil {
		// fewer units than territories, or one tree draw found no cut near
		// the demand: peel one unit off (its territory is then nearly
		// empty; the repair moves follow)
		return region[:1], region[1:], 1
	}
	in := make([]bool, m)
	best.t.side(best.v, in)
	for i, u := range best.t.units {
		if in[i] == best.subIsA {
			a = append(a, u)
		} else {
			b = append(b, u)
		}
	}
	return a, b, best.k1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
