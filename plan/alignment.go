package plan

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
	"github.com/terrane/terrane/optimizer/align"
)

// AlignmentSummary is what a run keeps of the alignment solver's answer.
type AlignmentSummary struct {
	Status      string   `json:"status"`
	Feasible    bool     `json:"feasible"`
	Objective   float64  `json:"objective"`   // meters of demand-weighted distance to the territory centres
	LowerBound  *float64 `json:"lower_bound"` // meters; nil when unknown
	K           int      `json:"k"`
	Moved       float64  `json:"moved"`        // share of market that changed territory
	FromCurrent bool     `json:"from_current"` // today's territories were the current plan (false: there were none)
	Contiguous  bool     `json:"contiguous"`   // every territory connected
	BalanceMin  float64  `json:"balance_min"`  // dollars per year of market a territory must hold
	BalanceMax  float64  `json:"balance_max"`  // dollars per year
	Seconds     float64  `json:"seconds"`
	Territories []string `json:"territories"` // territory ids in solver index order
	Oversize    []string `json:"oversize"`    // territories of one unit too large to balance
	// Balances are the bands of every balance measure (market first when
	// it is balanced) with the worst territory of each.
	Balances []MeasureBand `json:"balances" openapi:"nonnull"`
	// Balanced says in one sentence, for people, how the territories meet
	// every measure.
	Balanced string `json:"balanced"`
	// Centers is "rep_homes" when the territories were drawn around their
	// reps' homes, "" when their centres were free.
	Centers  string   `json:"centers"`
	Warnings []string `json:"warnings"` // what the plan falls short of, for people
}

// Alignment is a scenario's alignment problem: the instance the solver sees
// and how its answer maps back to the layer's units.
type Alignment struct {
	Problem *align.Problem
	// Units maps each instance unit to its index in Inputs.Units.
	Units []int
	// IDs names the instance's territories 0..K−1.
	IDs []string
	// Oversize are units (indexes in Inputs.Units) that cannot be balanced
	// with others: their market alone is above the balance ceiling, or
	// (Stranded) below the floor while every neighbour left would push it
	// over the ceiling. Each becomes a territory of its own, named
	// OversizeIDs[i], and the others are balanced among the remaining k.
	Oversize    []int
	OversizeIDs []string
	// Stranded are the ids of the units of Oversize peeled as stranded.
	Stranded []string
	// Dissolved are today's territories that are not in the plan (fewer
	// territories than today are left for the balanced units): unlocked
	// ones, first those a newly peeled unit left, then the least market.
	// Added are the ids of new territories (k is larger).
	Dissolved, Added []string
	// ForcedMoved is the share of the instance's demand that must change
	// territory whatever the plan (units of dissolved territories); it is
	// counted against max_moved.
	ForcedMoved float64
	// Renamed lists the territories Relabel gave a new id: today's that
	// kept no more than half of their market, and new ones.
	Renamed []Renamed
	// OversizeOn names, for the units of Oversize peeled because their
	// value of a measure other than market alone exceeds its band, that
	// measure (unit id → accounts, workload or revenue).
	OversizeOn map[string]string
	// CenterWarning says, for people, why territories are not drawn around
	// rep homes when settings.align.centers asked for it ("" otherwise).
	CenterWarning string

	today      map[string]float64 // today's territory id → its market (demand over every unit), dollars per year
	todayUnits map[string]int     // today's territory id → its units, for territories without market
	used       map[string]bool    // ids of today's territories and of the peeled ones
}

// Renamed is a redrawn territory that got a new id: From is the id it was
// drawn as (today's territory, or a new one such as "T001"), To its id.
type Renamed struct {
	From, To string
	Kept     float64 // share of From's market today that the territory holds, 0..1 (0 for a new one)
}

// AlignProblem builds the alignment problem of a scenario: units at their
// centroids (haversine distances), demand = market size, k territories
// balanced on market within the tolerance, contiguous through the layer's
// adjacency with bridges between islands, current = today's territory when
// k is unchanged.
//
// Units are indivisible, so a county whose market alone exceeds the
// balance ceiling (Los Angeles holds 3 % of the US market: three times a
// hundredth) could never be balanced; such units become territories of
// their own and the rest are balanced among the remaining territories,
// repeating until no unit is over the ceiling. So does a unit stranded under
// contiguity (align.Diagnose: Kings County, once Manhattan is its own
// territory, can only join Queens, and the two exceed the ceiling). Today's
// territories stay the current plan whatever k is (see buildAlignment), so
// max_moved and locks apply.
func AlignProblem(in *Inputs, edges [][2]string) (*Alignment, error) {
	if len(in.Units) == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "scenario %d: its layer has no units", in.Scenario.ID)
	}
	set := in.Settings.Align
	k := set.K
	if k == 0 {
		k = len(in.Territories)
	}
	if k < 1 || k > len(in.Units) {
		return nil, terrane.Errorf(terrane.EINVALID, "settings.align.k = %d: need between 1 and %d (the number of units)", k, len(in.Units))
	}
	// The band on market is the solver's band on demand; the other
	// measures are its Balances (measures.go).
	bals := set.balances()
	tol := 0.0
	for _, b := range bals {
		if b.Measure == MeasureMarket {
			tol = b.Tolerance
		}
	}
	meas := unitMeasures(in, bals)
	limit := set.TimeLimitSeconds
	if limit == 0 {
		limit = 20
	}
	seed := set.Seed
	if seed == 0 {
		seed = 1
	}
	demand := make([]float64, len(in.Units))
	var total float64
	for i, u := range in.Units {
		if m, ok := in.Estimates[u.ID]; ok {
			demand[i] = m.Market * in.Settings.multiplier(in.Assignments[u.ID], u.Region)
		}
		total += demand[i]
	}
	// Units that cannot be balanced with others (align.Diagnose: oversize,
	// or stranded under contiguity) become territories of their own.
	var a *Alignment
	_, obs, err := align.Peel(len(in.Units), func(peeled []bool) (*align.Problem, []int, error) {
		var err error
		a, err = buildAlignment(in, edges, demand, peeled, k, tol, limit, seed)
		if err != nil {
			return nil, nil, err
		}
		addMeasures(a, bals, meas)
		return a.Problem, a.Units, nil
	})
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		if o.Reason == "stranded" {
			a.Stranded = append(a.Stranded, o.ID)
		}
		if o.Measure != "" {
			if a.OversizeOn == nil {
				a.OversizeOn = map[string]string{}
			}
			a.OversizeOn[o.ID] = o.Measure
		}
	}
	if set.Centers == CentersRepHomes {
		centers, missing := repCenters(in, a)
		switch {
		case centers == nil:
			a.CenterWarning = "Territories are drawn around the best centre, not around rep homes: no territory has a rep with a home location."
		case len(missing) > 0:
			a.CenterWarning = fmt.Sprintf("%s drawn around the best centre, not around a rep home, for want of a rep with a home location: %s.",
				counted(len(missing), "territory is", "territories are"), names(missing))
		}
		a.Problem.Centers = centers
	}
	return a, nil
}

// buildAlignment is the alignment problem with the peeled units
// (oversize[i] for in.Units[i]) as territories of their own.
func buildAlignment(in *Inputs, edges [][2]string, demand []float64, oversize []bool, k int, tol, limit float64, seed int64) (*Alignment, error) {
	set := in.Settings.Align
	a := &Alignment{}
	kk := k
	for _, o := range oversize {
		if o {
			kk--
		}
	}
	if kk < 1 {
		return nil, terrane.Errorf(terrane.EINVALID, "settings.align.k = %d is too small: %d units each hold more market than a balanced territory may, or cannot join a neighbour within the band", k, k-kk)
	}
	// A peeled unit alone in its current territory keeps that territory's
	// id, so that a re-run of a plan with peeled units still sees the
	// current plan (and honours max_moved and locks); others get "T-<unit>".
	unitsIn := map[string]int{}
	for _, u := range in.Units {
		unitsIn[in.Assignments[u.ID]]++
	}
	taken := map[string]bool{}
	lost := map[string]bool{} // today's territories a peeled unit leaves
	for i, u := range in.Units {
		if oversize[i] {
			id := "T-" + u.ID
			if t := in.Assignments[u.ID]; t != "" && unitsIn[t] == 1 {
				id = t
			} else if t != "" {
				lost[t] = true
			}
			taken[id] = true
			a.Oversize = append(a.Oversize, i)
			a.OversizeIDs = append(a.OversizeIDs, id)
		}
	}
	// Today's other territories are the current plan whatever k is: with
	// fewer territories than today, unlocked ones are dissolved — first
	// those a newly peeled unit left (what remains of them was built around
	// it), then those with the least market — their units must move, and
	// that share is taken out of max_moved; with more, new ones start empty
	// and the solver cuts them from the largest.
	market := map[string]float64{}
	a.today, a.todayUnits, a.used = map[string]float64{}, map[string]int{}, map[string]bool{}
	for i, u := range in.Units {
		if !oversize[i] {
			market[in.Assignments[u.ID]] += demand[i]
		}
		if t := in.Assignments[u.ID]; t != "" {
			a.today[t] += demand[i]
			a.todayUnits[t]++
		}
	}
	for _, t := range in.Territories {
		a.used[t.ID] = true
	}
	for id := range taken {
		a.used[id] = true
	}
	var rest []string
	for _, t := range in.Territories {
		if !taken[t.ID] {
			rest = append(rest, t.ID)
		}
	}
	if extra := len(rest) - kk; extra > 0 {
		sort.SliceStable(rest, func(x, y int) bool {
			lx, ly := in.Settings.locked(rest[x]), in.Settings.locked(rest[y])
			if lx != ly {
				return !lx
			}
			if gx, gy := lost[rest[x]], lost[rest[y]]; gx != gy {
				return gx
			}
			if market[rest[x]] != market[rest[y]] {
				return market[rest[x]] < market[rest[y]]
			}
			return rest[x] < rest[y]
		})
		a.Dissolved = append(a.Dissolved, rest[:extra]...)
		rest = rest[extra:]
	}
	sort.Strings(rest)
	used := map[string]bool{}
	for _, t := range in.Territories {
		used[t.ID] = true
	}
	for id := range taken {
		used[id] = true
	}
	for n := 1; len(rest) < kk; n++ {
		if id := fmt.Sprintf("T%03d", n); !used[id] {
			rest = append(rest, id)
			a.Added = append(a.Added, id)
		}
	}
	sort.Strings(rest)
	a.IDs = rest
	for _, id := range rest {
		a.used[id] = true
	}
	index := map[string]int{}
	for i, id := range rest {
		index[id] = i
	}
	inst := &align.Problem{K: kk, Distance: "haversine", Contiguous: true, Objective: "distance",
		Balance: align.Balance{Tolerance: tol}, TimeLimitSeconds: limit, Seed: seed}
	unitIndex := map[string]int{}
	var instTotal, forced float64
	for i, u := range in.Units {
		if oversize[i] {
			continue
		}
		unitIndex[u.ID] = len(inst.Units)
		a.Units = append(a.Units, i)
		instTotal += demand[i]
		cur, ok := index[in.Assignments[u.ID]]
		if !ok {
			cur = -1
			if in.Assignments[u.ID] != "" {
				forced += demand[i] // its territory is dissolved or taken
			}
		}
		inst.Units = append(inst.Units, align.Unit{ID: u.ID, X: u.Centroid[0], Y: u.Centroid[1], Demand: demand[i], Weight: 1, Current: cur,
			Locked: cur >= 0 && in.Settings.locked(in.Assignments[u.ID])})
	}
	if instTotal > 0 {
		a.ForcedMoved = forced / instTotal
	}
	if set.MaxMoved != nil {
		left := *set.MaxMoved - a.ForcedMoved
		if left < -1e-12 {
			return nil, terrane.Errorf(terrane.EINVALID, "settings.align.max_moved = %g cannot hold: going from %d to %d territories moves %.1f %% of the market whatever the plan", *set.MaxMoved, len(in.Territories), k, 100*a.ForcedMoved)
		}
		// the solver reads 0 as "no limit"; a limit of nothing is a hair above
		inst.MaxMoved = math.Max(left, 1e-12)
	}
	for _, e := range edges {
		x, okA := unitIndex[e[0]]
		y, okB := unitIndex[e[1]]
		if okA && okB {
			inst.Edges = append(inst.Edges, [2]int{x, y})
		}
	}
	// Bridges let islands (Hawaii, Alaska's archipelagos) join a territory.
	geoms := make([]orb.Geometry, len(a.Units))
	for j, i := range a.Units {
		geoms[j] = in.Units[i].Geometry
	}
	for _, b := range geo.Bridges(geoms, inst.Edges) {
		inst.Edges = append(inst.Edges, [2]int{b.A, b.B})
	}
	a.Problem = inst
	return a, nil
}

// Territories maps the solver's answer (territory index per instance unit)
// back to every unit of the layer: territory index per Inputs.Units, and the
// ids of all territories, oversize ones last.
func (a *Alignment) Territories(territory []int) ([]string, []int) {
	ids := append(append([]string(nil), a.IDs...), a.OversizeIDs...)
	full := make([]int, len(a.Units)+len(a.Oversize))
	for j, i := range a.Units {
		full[i] = territory[j]
	}
	for n, i := range a.Oversize {
		full[i] = len(a.IDs) + n
	}
	return ids, full
}

// Relabel gives the solver's territories their ids. A redrawn territory
// keeps the id (and so the name, owners and metadata) of today's territory
// only if it holds most of that territory's market today (more than half,
// peeled units included); otherwise it gets a new id, "T-<unit>" after its
// largest unit by market, and goes by that unit's name (ApplyAlignment), so
// that a territory called "CA" is never one that lost most of California.
//
// Where the search was free of the current plan (no max_moved) the solver's
// territory indexes are arbitrary: each territory takes the index of a
// today's territory whose market it holds most of (of several, the one it
// holds the most market of); the others, largest overlaps first, that of
// the one they hold the most of among those left (they get new ids, and
// Renamed says what part of it they hold); the rest the indexes left. Tied to today's plan by max_moved, the
// indexes are today's. Territories holding locked units keep theirs. It
// rewrites territory in place and returns the new index of each of the
// solver's territories, and the share of market that changed territory
// (ForcedMoved included; the units that stayed in a territory given a new
// id did not move, so the share is the one max_moved bounds). a.IDs and
// a.Added name the final ids; a.Renamed lists the new ones.
func (a *Alignment) Relabel(territory []int) ([]int, float64) {
	in := a.Problem
	// Territories holding locked units keep their index (the solver kept
	// them as today); the others are renamed.
	fixed := make([]bool, in.K)
	for _, u := range in.Units {
		if u.Locked && u.Current >= 0 {
			fixed[u.Current] = true
		}
	}
	// Drawn around rep homes, territory i is the one around the home of
	// the rep who owns a.IDs[i]: it keeps its index and id.
	for i, c := range in.Centers {
		if c >= 0 {
			fixed[i] = true
		}
	}
	today := func(i int) float64 {
		if m, ok := a.today[a.IDs[i]]; ok {
			return m
		}
		// today's market of a territory known only by the instance
		var m float64
		for _, u := range in.Units {
			if u.Current == i {
				m += u.Demand
			}
		}
		return m
	}
	todayUnits := func(i int) int {
		if n, ok := a.todayUnits[a.IDs[i]]; ok {
			return n
		}
		n := 0
		for _, u := range in.Units {
			if u.Current == i {
				n++
			}
		}
		return n
	}
	to := make([]int, in.K)
	for i := range to {
		to[i] = i
	}
	if in.MaxMoved == 0 {
		type pair struct {
			t, id  int
			market float64 // of today's territory id that t holds, dollars per year
		}
		overlap := map[[2]int]float64{}
		for j, u := range in.Units {
			if u.Current >= 0 && !fixed[territory[j]] && !fixed[u.Current] {
				overlap[[2]int{territory[j], u.Current}] += u.Demand
			}
		}
		pairs := make([]pair, 0, len(overlap))
		for k, v := range overlap {
			pairs = append(pairs, pair{k[0], k[1], v})
		}
		sort.Slice(pairs, func(x, y int) bool {
			if pairs[x].market != pairs[y].market {
				return pairs[x].market > pairs[y].market
			}
			return pairs[x].t < pairs[y].t || pairs[x].t == pairs[y].t && pairs[x].id < pairs[y].id
		})
		taken := make([]bool, in.K)
		for i := range to {
			to[i] = -1
			if fixed[i] {
				to[i], taken[i] = i, true
			}
		}
		// First the territories holding most of one of today's; then, so
		// that a renamed territory is reported as what is left of the one
		// it holds the most of, the others by their largest overlap.
		for _, majority := range []bool{true, false} {
			for _, p := range pairs {
				if to[p.t] < 0 && !taken[p.id] && (!majority || p.market > today(p.id)/2) {
					to[p.t], taken[p.id] = p.id, true
				}
			}
		}
		next := 0
		for t := range to {
			if to[t] < 0 {
				for taken[next] {
					next++
				}
				to[t], taken[next] = next, true
			}
		}
		for j := range territory {
			territory[j] = to[territory[j]]
		}
	}
	// Keep an id only where most of its market stayed (most of its units,
	// for a territory without market); else a new id.
	kept := make([]float64, in.K)
	keptUnits := make([]int, in.K)
	var largest []int // per territory, its largest instance units by market, first
	members := make([][]int, in.K)
	for j, u := range in.Units {
		members[territory[j]] = append(members[territory[j]], j)
		if u.Current >= 0 && territory[j] == u.Current {
			kept[u.Current] += u.Demand
			keptUnits[u.Current]++
		}
	}
	added := map[string]bool{}
	for _, id := range a.Added {
		added[id] = true
	}
	if a.used == nil { // an Alignment not built by AlignProblem
		a.used = map[string]bool{}
		for _, x := range a.IDs {
			a.used[x] = true
		}
	}
	for i := range in.K {
		if fixed[i] {
			continue
		}
		share := 0.0
		if !added[a.IDs[i]] {
			if m := today(i); m > 0 {
				share = kept[i] / m
			} else if n := todayUnits(i); n > 0 {
				share = float64(keptUnits[i]) / float64(n)
			}
		}
		if share > 0.5 {
			continue
		}
		largest = append(largest[:0], members[i]...)
		sort.Slice(largest, func(x, y int) bool {
			ux, uy := in.Units[largest[x]], in.Units[largest[y]]
			if ux.Demand != uy.Demand {
				return ux.Demand > uy.Demand
			}
			return ux.ID < uy.ID
		})
		id := ""
		for _, j := range largest {
			if c := "T-" + in.Units[j].ID; !a.used[c] && in.Units[j].ID != "" {
				id = c
				break
			}
		}
		for n := 1; id == ""; n++ {
			if c := fmt.Sprintf("T%03d", n); !a.used[c] {
				id = c
			}
		}
		a.used[id] = true
		a.Renamed = append(a.Renamed, Renamed{From: a.IDs[i], To: id, Kept: share})
		for n, x := range a.Added {
			if x == a.IDs[i] {
				a.Added[n] = id
			}
		}
		a.IDs[i] = id
	}
	var moved, total float64
	for j, u := range in.Units {
		total += u.Demand
		// A unit that stayed with its neighbours in a territory that got a
		// new id did not move: max_moved bounds what the solver moved, and
		// Renamed says which territories lost their ids.
		if u.Current >= 0 && territory[j] != u.Current {
			moved += u.Demand
		}
	}
	if total == 0 {
		return to, a.ForcedMoved
	}
	return to, moved/total + a.ForcedMoved
}

// ApplyAlignment turns the solver's answer into territories and an
// alignment: today's territories keep their metadata when their id is kept;
// new territories split today's resources in proportion to the revenue (or,
// with none, the market) they take from each old territory.
func ApplyAlignment(in *Inputs, ids []string, territory []int) ([]*terrane.Territory, map[string]string) {
	old := map[string]*terrane.Territory{}
	for _, t := range in.Territories {
		old[t.ID] = t
	}
	// Weight of each unit within its old territory, for splitting resources.
	oldWeight := map[string]float64{}
	useMarket := map[string]bool{}
	for u, t := range in.Assignments {
		if m := in.Estimates[u]; m != nil {
			oldWeight[t] += m.Revenue
		}
	}
	for t, w := range oldWeight {
		if w == 0 {
			useMarket[t] = true
		}
	}
	for u, t := range in.Assignments {
		if m := in.Estimates[u]; m != nil && useMarket[t] {
			oldWeight[t] += m.Market
		}
	}
	assignments := make(map[string]string, len(territory))
	current := make([]map[string]float64, len(ids))
	assumed := make([]map[string]bool, len(ids))
	for i := range current {
		current[i], assumed[i] = map[string]float64{}, map[string]bool{}
	}
	for ui, ti := range territory {
		u := in.Units[ui].ID
		assignments[u] = ids[ti]
		ot := old[in.Assignments[u]]
		m := in.Estimates[u]
		if ot == nil || m == nil || oldWeight[ot.ID] == 0 {
			continue
		}
		w := m.Revenue
		if useMarket[ot.ID] {
			w = m.Market
		}
		for r, v := range ot.Current {
			current[ti][r] += v * w / oldWeight[ot.ID]
		}
		for _, r := range ot.Assumed {
			assumed[ti][r] = true // a share of an assumed amount is assumed
		}
	}
	integer := map[string]bool{}
	for _, r := range in.Scenario.Resources {
		integer[r.Name] = r.Integer
	}
	unitName := make(map[string]string, len(in.Units))
	for _, u := range in.Units {
		unitName[u.ID] = u.Name
	}
	out := make([]*terrane.Territory, len(ids))
	for i, id := range ids {
		t := &terrane.Territory{ID: id, Name: id, Current: current[i]}
		if unit, ok := strings.CutPrefix(id, "T-"); ok && unitName[unit] != "" {
			t.Name = unitName[unit] // a territory of one unit goes by the unit's name
		}
		if o, ok := old[id]; ok {
			t.Name, t.Owners, t.Parent, t.Locked = o.Name, o.Owners, o.Parent, o.Locked
		}
		for r, v := range t.Current {
			if integer[r] {
				t.Current[r] = math.Round(v)
			} else {
				t.Current[r] = math.Round(v*100) / 100
			}
		}
		t.Assumed = []string{}
		for _, r := range t.AssumedAll() {
			if assumed[i][r] {
				t.Assumed = append(t.Assumed, r)
			}
		}
		out[i] = t
	}
	return out, assignments
}
