package align

import (
	"fmt"
	"math"
	"slices"
)

// Several balance measures.
//
// A territory is usually balanced on more than one thing at once: market
// potential (dollars), the number of accounts, the hours of work they take.
// Problem.Balances names measures the units carry in Unit.Measures, each
// with its own band; demand keeps its own band in Problem.Balance. Inside
// the search the violation of a territory is the sum over measures of how
// far its load lies outside the measure's band, each scaled to demand
// units by the ratio of the mean territory demand to the measure's mean
// territory load, so that 1 % off on accounts weighs as much as 1 % off on
// demand whatever the units. The loads of the extra measures are kept flat,
// territory-major (mload[t·m+i]); with no extra measure none of this code
// runs and the single-measure path is unchanged.

// DemandMeasure is the name under which [Problem.Balances] may bound the
// units' Demand (the same band as Problem.Balance).
const DemandMeasure = "demand"

// MeasureBalance bounds each territory's total of one measure.
type MeasureBalance struct {
	// Measure names the measure: a key of the units' Measures, or "demand".
	Measure string `json:"measure"`
	// Min is the least total of a territory, in the measure's unit; 0
	// means no lower bound unless Tolerance is set.
	Min float64 `json:"min,omitempty"`
	// Max is the most total of a territory; 0 means no upper bound unless
	// Tolerance is set.
	Max float64 `json:"max,omitempty"`
	// Tolerance, if > 0, bounds each territory to mean·(1 ± Tolerance), mean
	// = the measure's total / k, as a fraction in (0, 1]; a nonzero Min or
	// Max takes precedence on its side.
	Tolerance float64 `json:"tolerance,omitempty"`
}

// bounds are the effective bounds of a band on a measure whose units sum
// to total: lo and hi, with 0 and +Inf where there is no bound.
func (b Balance) bounds(total float64, k int) (lo, hi float64) {
	lo, hi = 0, math.Inf(1)
	if t := b.Tolerance; t > 0 && k > 0 {
		mean := total / float64(k)
		lo, hi = mean*(1-t), mean*(1+t)
	}
	if b.Min > 0 {
		lo = b.Min
	}
	if b.Max > 0 {
		hi = b.Max
	}
	return lo, hi
}

// demandBalance is the band on demand: Balance, or the "demand" entry of
// Balances when Balance is zero.
func (in *Problem) demandBalance() Balance {
	if in.Balance != (Balance{}) {
		return in.Balance
	}
	for _, b := range in.Balances {
		if b.Measure == DemandMeasure {
			return Balance{Min: b.Min, Max: b.Max, Tolerance: b.Tolerance}
		}
	}
	return in.Balance
}

// extraBalances are the bands of Balances on measures other than demand.
func (in *Problem) extraBalances() []MeasureBalance {
	var out []MeasureBalance
	for _, b := range in.Balances {
		if b.Measure != DemandMeasure {
			out = append(out, b)
		}
	}
	return out
}

// MeasureBounds returns the effective bounds of every balanced measure,
// demand first when Balance (or a "demand" band) bounds it, then the
// others in the order of Balances: names, lo and hi (0 and +Inf where
// there is no bound), in each measure's unit.
func (in *Problem) MeasureBounds() (names []string, lo, hi []float64) {
	if b := in.demandBalance(); b != (Balance{}) {
		l, h := in.Bounds()
		names, lo, hi = append(names, DemandMeasure), append(lo, l), append(hi, h)
	}
	for _, b := range in.extraBalances() {
		total := 0.0
		for _, u := range in.Units {
			total += u.Measures[b.Measure]
		}
		l, h := Balance{Min: b.Min, Max: b.Max, Tolerance: b.Tolerance}.bounds(total, in.K)
		names, lo, hi = append(names, b.Measure), append(lo, l), append(hi, h)
	}
	return names, lo, hi
}

// MeasureValue is unit j's value of the named measure (Demand for "demand").
func (in *Problem) MeasureValue(j int, name string) float64 {
	if name == DemandMeasure {
		return in.Units[j].Demand
	}
	return in.Units[j].Measures[name]
}

// validateMeasures checks Measures, Balances and Centers, naming the field
// and the unit.
func (in *Problem) validateMeasures() error {
	known := map[string]bool{}
	for i, u := range in.Units {
		for name, v := range u.Measures {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("align: unit %d (%s): measures.%s = %v, want a finite number ≥ 0", i, u.ID, name, v)
			}
			if name == DemandMeasure {
				return fmt.Errorf("align: unit %d (%s): measures.demand: demand is the unit's demand field, not a measure", i, u.ID)
			}
			known[name] = true
		}
	}
	seen := map[string]bool{}
	for i, b := range in.Balances {
		field := fmt.Sprintf("balances[%d]", i)
		switch {
		case b.Measure == "":
			return fmt.Errorf("align: %s.measure is empty, want a measure name", field)
		case b.Measure != DemandMeasure && !known[b.Measure]:
			return fmt.Errorf("align: %s.measure = %q: no unit carries that measure", field, b.Measure)
		case seen[b.Measure]:
			return fmt.Errorf("align: %s.measure = %q is bounded twice", field, b.Measure)
		case b.Measure == DemandMeasure && in.Balance != (Balance{}):
			return fmt.Errorf("align: %s bounds demand, which balance already bounds", field)
		}
		seen[b.Measure] = true
		for _, f := range []struct {
			name string
			v    float64
		}{{"min", b.Min}, {"max", b.Max}, {"tolerance", b.Tolerance}} {
			if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
				return fmt.Errorf("align: %s.%s = %v, want a finite number ≥ 0", field, f.name, f.v)
			}
		}
		if b.Tolerance > 1 {
			return fmt.Errorf("align: %s.tolerance = %v, want a fraction in (0, 1]", field, b.Tolerance)
		}
		if b.Min == 0 && b.Max == 0 && b.Tolerance == 0 {
			return fmt.Errorf("align: %s (%s) has no bound: give tolerance, min or max", field, b.Measure)
		}
		if b.Max > 0 && b.Min > b.Max {
			return fmt.Errorf("align: %s.min %v exceeds max %v", field, b.Min, b.Max)
		}
	}
	if in.Centers != nil {
		if len(in.Centers) != in.K {
			return fmt.Errorf("align: centers has %d entries, want k = %d", len(in.Centers), in.K)
		}
		at := map[int]int{}
		for t, c := range in.Centers {
			if c == -1 {
				continue // a free center
			}
			if c < 0 || c >= len(in.Units) {
				return fmt.Errorf("align: centers[%d] = %d names a unit outside 0..%d (or −1: free)", t, c, len(in.Units)-1)
			}
			if o, ok := at[c]; ok {
				return fmt.Errorf("align: centers[%d] = centers[%d] = %d: each territory needs its own center", t, o, c)
			}
			at[c] = t
			if u := in.Units[c]; u.Locked && u.Current != t {
				return fmt.Errorf("align: centers[%d] = %d (%s) is locked in territory %d", t, c, u.ID, u.Current)
			}
		}
	}
	return nil
}

// measureModel is the model's part for extra measures and fixed centers.
type measureModel struct {
	nm     int       // extra measures (besides demand)
	mnames []string  // their names
	mval   []float64 // unit-major values: mval[j·nm+i]
	mlo    []float64 // per measure: least load of a territory
	mhi    []float64 // per measure: most load, +Inf if none
	mw     []float64 // per measure: factor to demand units (mean demand / mean load)
	mtotal []float64 // per measure: total over the units
	// lockT is, per unit, the territory it must stay in (its current one
	// when locked, t when it is the fixed center of t), −1 if free.
	lockT []int
	// fixed are the fixed centers, territory → unit or −1 (free); nil
	// when every center is free.
	fixed []int
}

// initMeasures fills the measure part of the model from the problem.
func (p *model) initMeasures(in *Problem) {
	bs := in.extraBalances()
	p.nm = len(bs)
	p.lockT = make([]int, p.n)
	for j := range p.lockT {
		p.lockT[j] = -1
		if p.locked[j] {
			p.lockT[j] = p.current[j]
		}
	}
	if in.Centers != nil {
		p.fixed = slices.Clone(in.Centers)
		for t, c := range p.fixed {
			if c >= 0 {
				p.lockT[c] = t
			}
		}
	}
	if p.nm == 0 {
		return
	}
	m := p.nm
	p.mval = make([]float64, p.n*m)
	p.mtotal = make([]float64, m)
	for i, b := range bs {
		p.mnames = append(p.mnames, b.Measure)
		for j, u := range in.Units {
			v := u.Measures[b.Measure]
			p.mval[j*m+i] = v
			p.mtotal[i] += v
		}
		l, h := Balance{Min: b.Min, Max: b.Max, Tolerance: b.Tolerance}.bounds(p.mtotal[i], p.k)
		p.mlo, p.mhi = append(p.mlo, l), append(p.mhi, h)
		w := 1.0
		if p.mtotal[i] > 0 {
			w = math.Max(1, p.total) / p.mtotal[i]
		}
		p.mw = append(p.mw, w)
	}
}

// mviolOf is the scaled violation of the extra measures for loads
// ld[0..nm−1] (demand units).
func (p *model) mviolOf(ld []float64) float64 {
	v := 0.0
	for i, x := range ld {
		v += p.mw[i] * rangeViol(x, p.mlo[i], p.mhi[i])
	}
	return v
}

// tviol is territory t's whole violation: demand bounds and capacity
// (viol) plus the scaled violation of the extra measures.
func (s *tally) tviol(t int) float64 {
	v := s.viol(t, s.load[t])
	if m := s.p.nm; m > 0 {
		v += s.p.mviolOf(s.mload[t*m : (t+1)*m])
	}
	return v
}

// mshift is the change of the extra measures' violation when unit j moves
// from territory a to territory b.
func (s *tally) mshift(j, a, b int) float64 { return s.mswap(j, -1, a, b) }

// mswap is the change of the extra measures' violation when unit j goes
// from a to b and unit l (none when l < 0) from b to a.
func (s *tally) mswap(j, l, a, b int) float64 {
	p := s.p
	m := p.nm
	dv := 0.0
	for i := range m {
		x := p.mval[j*m+i]
		if l >= 0 {
			x -= p.mval[l*m+i]
		}
		if x == 0 {
			continue
		}
		la, lb := s.mload[a*m+i], s.mload[b*m+i]
		lo, hi := p.mlo[i], p.mhi[i]
		dv += p.mw[i] * (rangeViol(la-x, lo, hi) - rangeViol(la, lo, hi) + rangeViol(lb+x, lo, hi) - rangeViol(lb, lo, hi))
	}
	return dv
}

// madd adds sign × unit j's measures to territory t's loads.
func (s *tally) madd(j, t int, sign float64) {
	m := s.p.nm
	for i := range m {
		s.mload[t*m+i] += sign * s.p.mval[j*m+i]
	}
}

// mreset zeroes the extra measures' loads.
func (s *tally) mreset() {
	clear(s.mload)
}

// msums fills tr.msub with the subtree totals of the extra measures
// (tr.msub[v·nm+i]); nothing when there is none.
func (p *model) msums(tr *tree) {
	m := p.nm
	if m == 0 {
		return
	}
	tr.msub = make([]float64, len(tr.units)*m)
	for i := len(tr.order) - 1; i >= 0; i-- {
		u := tr.order[i]
		row := tr.msub[u*m : (u+1)*m]
		vals := p.mval[tr.units[u]*m : (tr.units[u]+1)*m]
		for x := range row {
			row[x] += vals[x]
		}
		if pu := tr.parent[u]; pu >= 0 {
			prow := tr.msub[pu*m : (pu+1)*m]
			for x := range prow {
				prow[x] += row[x]
			}
		}
	}
}

// mcutViol is the scaled violation of the extra bands, widened by
// s.mslack × each measure's mean territory load, when the subtree of v is
// cut off tr (sub true: the subtree is the new part, else its complement
// is): the part's own, plus the rest's (kk−1 parts) against kk−1 times the
// bands, shared over those parts. 0 when every band holds.
func (s *dsearch) mcutViol(tr *tree, v int, sub bool, kk int) float64 {
	p := s.p
	m := p.nm
	root := tr.order[0]
	vv := 0.0
	for i := range m {
		total := tr.msub[root*m+i]
		x := tr.msub[v*m+i]
		if !sub {
			x = total - x
		}
		w := s.mslack * p.mtotal[i] / float64(p.k)
		lo, hi := p.mlo[i]-w, p.mhi[i]+w
		vv += p.mw[i] * (rangeViol(x, lo, hi) + rangeViol(total-x, float64(kk-1)*lo, float64(kk-1)*hi)/float64(kk-1))
	}
	return vv
}

// seedStrictAttempts is how many passes of the seeding hold the extra
// measures' bands strictly, as demand's, before making them a score to
// minimise (msoft): when correlated measures allow it a strict pass is the
// better start; when they fight (the sample's accounts crowd into cities)
// strict passes would fail until the deadline.
const seedStrictAttempts = 5

// mcut says whether cutParts may take the cut of mcutViol: always when the
// bands are soft (s.msoft, the seeding: mbest then keeps the least
// violating cuts), else only when every band holds (recomCluster).
func (s *dsearch) mcut(tr *tree, v int, sub bool, kk int) bool {
	return s.p.nm == 0 || s.msoft || s.mcutViol(tr, v, sub, kk) == 0
}

// mbest keeps, of cutParts' candidates (v+1 for a subtree, −(v+1) for its
// complement), those whose extra bands are least violated (mcutViol), so
// that the seeding cuts where every measure is nearest its band even when
// no cut holds them all; the candidates unchanged when there is no extra
// measure or the bands are strict.
func (s *dsearch) mbest(tr *tree, cands []int, kk int) []int {
	if s.p.nm == 0 || !s.msoft {
		return cands
	}
	best := math.Inf(1)
	out := cands[:0:0]
	for _, c := range cands {
		v := max(c, -c) - 1
		x := s.mcutViol(tr, v, c > 0, kk)
		if x < best-capEps*s.scale {
			best, out = x, out[:0]
		}
		if x <= best+capEps*s.scale {
			out = append(out, c)
		}
	}
	return out
}

// msplitViol is the scaled violation of the extra measures of the two
// parts when tr (the union of a pair) is cut at v.
func (s *dsearch) msplitViol(tr *tree, v int) float64 {
	p := s.p
	m := p.nm
	if m == 0 {
		return 0
	}
	root := tr.order[0]
	vv := 0.0
	for i := range m {
		total, x := tr.msub[root*m+i], tr.msub[v*m+i]
		vv += p.mw[i] * (rangeViol(x, p.mlo[i], p.mhi[i]) + rangeViol(total-x, p.mlo[i], p.mhi[i]))
	}
	return vv
}

// mpartViol is the scaled violation of the extra measures of the units
// (one side of a split).
func (s *dsearch) mpartViol(units []int) float64 {
	p := s.p
	m := p.nm
	if m == 0 {
		return 0
	}
	if len(s.mtmp) < m {
		s.mtmp = make([]float64, m)
	}
	ld := s.mtmp[:m]
	clear(ld)
	for _, u := range units {
		for i := range m {
			ld[i] += p.mval[u*m+i]
		}
	}
	return p.mviolOf(ld)
}

// mclusterFits reports whether the units of a cluster of c territories
// hold, on every extra measure, between c times the least and c times the
// most load.
func (s *dsearch) mclusterFits(cluster []int) bool {
	p := s.p
	m := p.nm
	c := float64(len(cluster))
	for i := range m {
		x := 0.0
		for _, t := range cluster {
			x += s.mload[t*m+i]
		}
		eps := capEps * math.Max(1, p.mtotal[i])
		if x < c*p.mlo[i]-eps || x > c*p.mhi[i]+eps {
			return false
		}
	}
	return true
}

// centre is territory t's center for the given members and demand: the
// fixed center when the problem fixes one (with its weighted distance
// sum), else the 1-median of the members.
func (s *dsearch) centre(t int, units []int, load float64) (int, float64) {
	p := s.p
	if p.fixed == nil || p.fixed[t] < 0 {
		return s.median(units, load)
	}
	c := p.fixed[t]
	sum := 0.0
	for _, j := range units {
		sum += p.weight[j] * p.d(j, c)
	}
	return c, sum
}

// MeasureSlack is the balance slack of one measure in every territory.
type MeasureSlack struct {
	// Measure names the measure ("demand" for the units' Demand).
	Measure string `json:"measure"`
	// Min and Max are the band, in the measure's unit; Max is
	// math.MaxFloat64 when there is no maximum (JSON has no +Inf).
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Loads are the territories' totals of the measure, indexed 0..k−1.
	Loads []float64 `json:"loads"`
	// Slack is, per territory, min(load − Min, Max − load), in the
	// measure's unit (negative: violated).
	Slack []float64 `json:"slack"`
	// Worst is the smallest Slack and WorstTerritory where it is.
	Worst          float64 `json:"worst"`
	WorstTerritory int     `json:"worst_territory"`
	// Feasible says whether every territory is within the band (to 1e-9 of
	// the measure's total).
	Feasible bool `json:"feasible"`
}

// measureSlacks computes the slack of every balanced measure of in.
func measureSlacks(in *Problem, assign []int) []MeasureSlack {
	names, lo, hi := in.MeasureBounds()
	out := make([]MeasureSlack, len(names))
	for i, name := range names {
		ms := MeasureSlack{Measure: name, Min: lo[i], Max: hi[i], Loads: make([]float64, in.K), Slack: make([]float64, in.K), Feasible: true}
		total := 0.0
		for j, t := range assign {
			v := in.MeasureValue(j, name)
			total += v
			if t >= 0 && t < in.K {
				ms.Loads[t] += v
			}
		}
		if math.IsInf(hi[i], 1) {
			ms.Max = math.MaxFloat64
		}
		eps := 1e-9 * math.Max(1, total)
		ms.Worst = math.MaxFloat64
		for t, x := range ms.Loads {
			sl := x - lo[i]
			if !math.IsInf(hi[i], 1) {
				sl = math.Min(sl, hi[i]-x)
			}
			ms.Slack[t] = sl
			if sl < ms.Worst {
				ms.Worst, ms.WorstTerritory = sl, t
			}
			if sl < -eps {
				ms.Feasible = false
			}
		}
		out[i] = ms
	}
	return out
}

// solveFixedCenters is the capacitated engine when the problem fixes the
// centers: with no center to move, location–allocation reduces to its
// allocation step, a regret assignment followed by shift and swap moves
// (Osman & Christofides 1994); free centers (−1 in Centers) are seeded
// by seedUnits and relocated by the descent. No lower bound is claimed.
func solveFixedCenters(p *model, r *runner) (assign, centers []int, lb float64) {
	s := newCapSearch(p)
	s.setCenters(seedUnits(p, r))
	s.regret()
	s.descend(r) // relocate moves the free centers only
	r.iters++
	v, _ := s.total()
	r.noteViolation(v, scaleOf(p))
	return slices.Clone(s.assign), slices.Clone(s.cen), math.NaN()
}

// fixedParts sets to (part → position in cluster) so that each part goes to
// the territory whose fixed center it holds, and the parts holding none to
// the cluster's territories with free centers (keeping the order of the
// overlap matching in to); false when some part holds two fixed centers.
func (s *dsearch) fixedParts(cluster, label, to []int) bool {
	seen := make([]bool, len(to))
	usedPos := make([]bool, len(cluster))
	for pos, t := range cluster {
		c := s.p.fixed[t]
		if c < 0 {
			continue
		}
		part := label[c]
		if part < 0 || part >= len(to) || seen[part] {
			return false
		}
		seen[part] = true
		to[part] = pos
		usedPos[pos] = true
	}
	var free []int // positions of the territories with free centers
	for pos := range cluster {
		if !usedPos[pos] {
			free = append(free, pos)
		}
	}
	n := 0
	for part := range to {
		if !seen[part] {
			if n >= len(free) {
				return false
			}
			to[part] = free[n]
			n++
		}
	}
	return true
}

// oversizeMeasures lists the units, not already in found, whose value of
// some balanced measure other than demand alone exceeds that measure's
// maximum: like a unit oversize on demand, it can only be a territory of
// its own.
func oversizeMeasures(in *Problem, found []Obstacle) []Obstacle {
	names, _, hi := in.MeasureBounds()
	dlo, dhi := in.Bounds()
	listed := map[int]bool{}
	for _, o := range found {
		listed[o.Unit] = true
	}
	var out []Obstacle
	for i, name := range names {
		if name == DemandMeasure || math.IsInf(hi[i], 1) {
			continue
		}
		eps := 1e-9 * math.Max(1, hi[i])
		for j, u := range in.Units {
			if v := u.Measures[name]; v > hi[i]+eps && !listed[j] {
				listed[j] = true
				out = append(out, Obstacle{Unit: j, ID: u.ID, Reason: "oversize", Demand: u.Demand, Min: dlo, Max: dhi,
					Measure: name, Value: v})
			}
		}
	}
	slices.SortFunc(out, func(a, b Obstacle) int { return a.Unit - b.Unit })
	return out
}
