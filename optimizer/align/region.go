package align

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// This file is the large-neighbourhood search of the capacitated engine: it
// repeatedly frees the units of a few neighbouring territories (a region)
// and re-solves that small capacitated p-median — choice of the centers and
// assignment — keeping the rest of the plan fixed, in the spirit of the
// decomposition heuristics for large capacitated p-median and clustering
// instances (the local subproblems of Stefanello, de Araújo & Müller 2015,
// solved there by a MIP; of Gnägi & Baumann 2021; and the variable
// neighbourhood decomposition search of Hansen, Mladenović & Pérez-Brito
// 2001). Regions that do not overlap are re-solved in parallel, one batch
// at a time, and their results applied in the order of the batch, so that
// the answer for a seed does not depend on the number of cores or on
// scheduling.

// regionBatch is how many regions are drawn per round. It is fixed (not
// the number of cores) so that the search is the same on any machine.
const regionBatch = 16

// regionUnits is the target number of units of a region: the region grows
// by whole territories, nearest first, until it holds at least this many
// units (and at least two territories).
const regionUnits = 36

// swapNear is how many of a unit's closest units of its region the
// descent tries to swap it with.
const swapNear = 16

// regionRestarts is the number of perturbed restarts of a region's search.
const regionRestarts = 4

// rsol is one solution of a region: local center and assignment of every
// local unit.
type rsol struct {
	med   []int     // local territory → local unit at its center
	isMed []int     // local unit → local territory it centers, −1
	asg   []int     // local unit → local territory
	load  []float64 // local territory → demand
	c, v  float64   // cost (Σ weight × distance) and violation (demand units)
}

func newRSol(m, q int) *rsol {
	return &rsol{med: make([]int, q), isMed: make([]int, m), asg: make([]int, m), load: make([]float64, q)}
}

func (x *rsol) copyFrom(y *rsol) {
	copy(x.med, y.med)
	copy(x.isMed, y.isMed)
	copy(x.asg, y.asg)
	copy(x.load, y.load)
	x.c, x.v = y.c, y.v
}

// region is one subproblem of the search: the units of a few nearby
// territories, with everything the re-solve needs copied out of the model,
// so that regions solve concurrently without sharing state.
type region struct {
	terr  []int     // local territory → global territory
	units []int     // local unit → global unit
	cost  []float64 // m×m: cost[j*m+u] = weight_j × distance(j, u)
	dem   []float64 // local unit → demand
	capU  []float64 // local unit → most demand a territory centered on it may hold
	near  [][]int   // local unit → other local units, closest first
	lo    float64   // least demand of a territory (balance minimum)
	scale float64   // total demand, the tolerance scale of comparisons
	rng   *rand.Rand
	stop  func() bool
	cur   *rsol
	trial *rsol
	work  *rsol
	start [2]float64 // (violation, cost) before the re-solve
	order []int
}

// vio is how far load lies outside the bounds of a territory centered on
// local unit c.
func (g *region) vio(c int, load float64) float64 {
	v := 0.0
	if h := g.capU[c]; load > h {
		v += load - h
	}
	if load < g.lo {
		v += g.lo - load
	}
	return v
}

// eval recomputes x's load, cost and violation.
func (g *region) eval(x *rsol) {
	m := len(g.units)
	for t := range x.load {
		x.load[t] = 0
	}
	x.c = 0
	for j, t := range x.asg {
		x.load[t] += g.dem[j]
		x.c += g.cost[j*m+x.med[t]]
	}
	x.v = 0
	for t, c := range x.med {
		x.v += g.vio(c, x.load[t])
	}
}

// moveUnit moves local unit j of x to local territory b.
func (g *region) moveUnit(x *rsol, j, b int) {
	m := len(g.units)
	a := x.asg[j]
	x.v -= g.vio(x.med[a], x.load[a]) + g.vio(x.med[b], x.load[b])
	x.load[a] -= g.dem[j]
	x.load[b] += g.dem[j]
	x.v += g.vio(x.med[a], x.load[a]) + g.vio(x.med[b], x.load[b])
	x.c += g.cost[j*m+x.med[b]] - g.cost[j*m+x.med[a]]
	x.asg[j] = b
}

// dvio is the change of violation of territory t of x when its load
// changes by delta.
func (g *region) dvio(x *rsol, t int, delta float64) float64 {
	c := x.med[t]
	return g.vio(c, x.load[t]+delta) - g.vio(c, x.load[t])
}

// descend improves x's assignment for its centers by the best shift of
// each unit and, failing that, the first improving swap of two units
// (Osman & Christofides 1994), until no move improves.
func (g *region) descend(x *rsol) {
	m, q := len(g.units), len(g.terr)
	for range 50 {
		improved := false
		for j := range m {
			if x.isMed[j] >= 0 {
				continue
			}
			a := x.asg[j]
			dj := g.dem[j]
			row := g.cost[j*m : (j+1)*m]
			ca := row[x.med[a]]
			bestB, bestV, bestC := -1, 0.0, 0.0
			feasible := x.v <= capEps*g.scale
			for b := range q {
				if b == a {
					continue
				}
				dc := row[x.med[b]] - ca
				if feasible && dc >= bestC {
					continue // no shift from a feasible state gains violation
				}
				dv := g.dvio(x, a, -dj) + g.dvio(x, b, dj)
				if better(dv-bestV, dc-bestC, g.scale) {
					bestB, bestV, bestC = b, dv, dc
				}
			}
			if bestB >= 0 {
				g.moveUnit(x, j, bestB)
				improved = true
				continue
			}
			for _, l := range g.near[j][:min(len(g.near[j]), swapNear)] {
				b := x.asg[l]
				if b == a || x.isMed[l] >= 0 {
					continue
				}
				ma, mb := x.med[a], x.med[b]
				dc := row[mb] - ca + g.cost[l*m+ma] - g.cost[l*m+mb]
				if dc >= 0 && feasible {
					continue
				}
				d := g.dem[l] - dj
				dv := g.dvio(x, a, d) + g.dvio(x, b, -d)
				if better(dv, dc, g.scale) {
					g.moveUnit(x, j, b)
					g.moveUnit(x, l, a)
					improved = true
					break
				}
			}
		}
		if !improved {
			return
		}
	}
}

// regret assigns x's units from scratch for x's centers: centers first,
// then the others in decreasing order of regret (the cost difference
// between their two cheapest centers), each to the cheapest center with
// room, or to the one with the most room.
func (g *region) regret(x *rsol) {
	m, q := len(g.units), len(g.terr)
	for t := range x.load {
		x.load[t] = 0
	}
	reg := make([]float64, m)
	order := g.order[:0]
	for j := range m {
		if t := x.isMed[j]; t >= 0 {
			x.asg[j] = t
			x.load[t] += g.dem[j]
			continue
		}
		c1, c2 := math.Inf(1), math.Inf(1)
		for t := range q {
			c := g.cost[j*m+x.med[t]]
			if c < c1 {
				c1, c2 = c, c1
			} else if c < c2 {
				c2 = c
			}
		}
		reg[j] = c2 - c1
		order = append(order, j)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if reg[a] > reg[b] {
			return -1
		} else if reg[a] < reg[b] {
			return 1
		}
		if g.dem[a] > g.dem[b] {
			return -1
		} else if g.dem[a] < g.dem[b] {
			return 1
		}
		return 0
	})
	for _, j := range order {
		best, bc := -1, math.Inf(1)
		room, roomT := math.Inf(-1), 0
		for t := range q {
			r := g.capU[x.med[t]] - x.load[t]
			if r >= g.dem[j]-capEps*g.scale {
				if c := g.cost[j*m+x.med[t]]; c < bc {
					bc, best = c, t
				}
			}
			if r > room {
				room, roomT = r, t
			}
		}
		if best < 0 {
			best = roomT
		}
		x.asg[j] = best
		x.load[best] += g.dem[j]
	}
	g.order = order
	g.eval(x)
}

// recenter makes local unit u the center of local territory t in x.
func (g *region) recenter(x *rsol, t, u int) {
	old := x.med[t]
	x.isMed[old] = -1
	x.med[t] = u
	x.isMed[u] = t
	if x.asg[u] != t {
		x.asg[u] = t
	}
	g.eval(x)
}

// better reports whether x is better than y: less violation, or as much
// and less cost.
func (g *region) better(x, y *rsol) bool { return better(x.v-y.v, x.c-y.c, g.scale) }

// solve re-solves the region by a small iterated local search: a descent
// of the current solution and of a regret restart, then restarts rounds
// times from the best with one or two centers moved to random units of the
// region; each start is followed by the center descent (locate).
func (g *region) solve(cands, rounds int) {
	x, y, z := g.cur, g.trial, g.work
	g.eval(x)
	g.start = [2]float64{x.v, x.c}
	g.descend(x)
	y.copyFrom(x)
	g.regret(y)
	g.descend(y)
	if g.better(y, x) {
		x.copyFrom(y)
	}
	g.locate(x, y, cands)
	m, q := len(g.units), len(g.terr)
	if m <= q {
		return
	}
	for range rounds {
		if g.stop() {
			return
		}
		z.copyFrom(x)
		for range 1 + g.rng.IntN(min(2, q)) {
			t, u := g.rng.IntN(q), g.rng.IntN(m)
			if z.isMed[u] < 0 {
				g.recenter(z, t, u)
			}
		}
		g.regret(z)
		g.descend(z)
		g.locate(z, y, cands)
		if g.better(z, x) {
			x.copyFrom(z)
		}
	}
}

// locate improves x by moving one center at a time to one of the cands
// units closest to it, each followed by a descent of the assignment
// (first improvement, territories in random order), until no such move
// improves; y is scratch.
func (g *region) locate(x, y *rsol, cands int) {
	m, q := len(g.units), len(g.terr)
	ts := upTo(q)
	for sweep := 0; sweep < 20; sweep++ {
		if g.stop() {
			return
		}
		improved := false
		g.rng.Shuffle(q, func(a, b int) { ts[a], ts[b] = ts[b], ts[a] })
		for _, t := range ts {
			if g.stop() {
				return
			}
			nr := g.near[x.med[t]]
			for _, u := range nr[:min(len(nr), cands)] {
				if x.isMed[u] >= 0 {
					continue
				}
				y.copyFrom(x)
				g.recenter(y, t, u)
				g.descend(y)
				if g.better(y, x) {
					x.copyFrom(y)
					improved = true
					break
				}
			}
		}
		if !improved || m <= q {
			return
		}
	}
}

// improved reports whether the re-solve found a better region solution.
func (g *region) improved() bool {
	return better(g.cur.v-g.start[0], g.cur.c-g.start[1], g.scale)
}

// regionSearch is the large-neighbourhood search over regions from the
// current state of s, until the runner stops it. Each round draws up to
// regionBatch disjoint regions around territories whose neighbourhood has
// changed since they were last tried, re-solves them in parallel and
// applies the improvements in draw order; a round is one iteration of the
// runner. When every territory has been tried without improvement the
// regions grow (36, 54 then 72 units), and then start small again; a whole
// cycle of sizes without improvement ends the search.
func (s *capSearch) regionSearch(r *runner, seed uint64) {
	p := s.p
	if p.k < 2 {
		return
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	deadline := r.deadline
	ctx := r.ctx
	stop := func() bool { return ctx.Err() != nil || time.Now().After(deadline) }
	scale := math.Max(1, p.total)
	clean := make([]bool, p.k)
	stamp := make([]int, p.k)
	for t := range stamp {
		stamp[t] = -1
	}
	level, gained := 0, false
	const levels = 3
	round := 0
	perm := upTo(p.k)
	r.rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
	next := 0
	pool := make([]*region, 0, regionBatch)
	for !r.stop() {
		r.iters++
		round++
		size := regionUnits * (2 + level) / 2
		const cands = 8
		restarts := regionRestarts
		pool = pool[:0]
		for scanned := 0; scanned < p.k && len(pool) < regionBatch; scanned++ {
			t0 := perm[next]
			next = (next + 1) % p.k
			if next == 0 {
				r.rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
			}
			if clean[t0] || stamp[t0] == round {
				continue
			}
			terr := s.nearTerritories(t0, size, stamp, round)
			if len(terr) < 2 {
				clean[t0] = true
				continue
			}
			for _, t := range terr {
				stamp[t] = round
			}
			g := s.newRegion(terr, scale)
			g.rng = rand.New(rand.NewPCG(seed, uint64(round)<<8|uint64(len(pool))))
			g.stop = stop
			pool = append(pool, g)
		}
		if len(pool) == 0 {
			// every territory tried at this level: grow the regions, or
			// start again from the smallest; stop after a whole cycle of
			// levels without improvement
			level = (level + 1) % levels
			if level == 0 {
				if !gained {
					return
				}
				gained = false
			}
			for t := range clean {
				clean[t] = false
			}
			continue
		}
		var wg sync.WaitGroup
		var nextJob atomic.Int64
		for range min(workers, len(pool)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(nextJob.Add(1)) - 1
					if i >= len(pool) {
						return
					}
					pool[i].solve(cands, restarts)
				}
			}()
		}
		wg.Wait()
		for _, g := range pool {
			if !g.improved() {
				clean[g.terr[0]] = true
				continue
			}
			s.applyRegion(g)
			gained = true
			for _, t := range g.terr {
				clean[t] = false
			}
		}
		v, _ := s.total()
		r.noteViolation(v, scale)
	}
}

// nearTerritories returns t0 and the territories serving the units closest
// to t0's center, nearest first, until they hold at least size units,
// skipping territories already in a region of this round (stamp).
func (s *capSearch) nearTerritories(t0, size int, stamp []int, round int) []int {
	p := s.p
	terr := []int{t0}
	units := len(s.members[t0])
	for _, u := range p.near[s.cen[t0]] {
		if units >= size {
			break
		}
		t := s.assign[u]
		if t < 0 || stamp[t] == round || slices.Contains(terr, t) {
			continue
		}
		terr = append(terr, t)
		units += len(s.members[t])
	}
	return terr
}

// newRegion copies the territories terr of s into a region.
func (s *capSearch) newRegion(terr []int, scale float64) *region {
	p := s.p
	var units []int
	for _, t := range terr {
		units = append(units, s.members[t]...)
	}
	slices.Sort(units)
	m, q := len(units), len(terr)
	g := &region{terr: terr, units: units, cost: make([]float64, m*m), dem: make([]float64, m), capU: make([]float64, m),
		near: make([][]int, m), lo: p.lo, scale: scale, cur: newRSol(m, q), trial: newRSol(m, q), work: newRSol(m, q), order: make([]int, 0, m)}
	local := make(map[int]int, m)
	for i, u := range units {
		local[u] = i
	}
	tl := make(map[int]int, q)
	for i, t := range terr {
		tl[t] = i
	}
	for i, j := range units {
		g.dem[i] = p.demand[j]
		g.capU[i] = s.capOf(j)
		for k, u := range units {
			g.cost[i*m+k] = p.weight[j] * p.d(j, u)
		}
		g.cur.asg[i] = tl[s.assign[j]]
		g.cur.isMed[i] = -1
	}
	for i, t := range terr {
		c := local[s.cen[t]]
		g.cur.med[i] = c
		g.cur.isMed[c] = i
	}
	// closest first by distance (not weighted cost), ties by index
	for i := range m {
		nr := make([]int, 0, m-1)
		for k := range m {
			if k != i {
				nr = append(nr, k)
			}
		}
		j := units[i]
		slices.SortStableFunc(nr, func(a, b int) int {
			da, db := p.d(j, units[a]), p.d(j, units[b])
			if da < db {
				return -1
			} else if da > db {
				return 1
			}
			return 0
		})
		g.near[i] = nr
	}
	return g
}

// applyRegion installs the region's solution in s.
func (s *capSearch) applyRegion(g *region) {
	for _, j := range g.units {
		s.take(j)
	}
	for i, t := range g.terr {
		c := g.units[g.cur.med[i]]
		s.centerOf[s.cen[t]] = -1
		s.cen[t] = c
	}
	for _, t := range g.terr {
		c := s.cen[t]
		s.centerOf[c] = t
		s.capT[t] = s.capOf(c)
	}
	for i, j := range g.units {
		s.put(j, g.terr[g.cur.asg[i]])
	}
}
