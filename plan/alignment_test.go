package plan_test

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/terrane/terrane/optimizer/align"
	"github.com/terrane/terrane/plan"
)

// sampleAlignInputs loads the sample's baseline scenario with its units and
// the county adjacency.
func sampleAlignInputs(t *testing.T) (*plan.Inputs, [][2]string) {
	t.Helper()
	ctx := context.Background()
	s := sampleStore(t)
	in, err := plan.Load(ctx, s, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	edges, err := s.FindAdjacency(ctx, in.Scenario.Layer)
	if err != nil {
		t.Fatal(err)
	}
	return in, edges
}

// At k = 100 on market size, the counties that cannot be balanced with
// others (too big alone, or stranded between neighbours too big to join)
// become territories of their own, and what is left passes align.Diagnose.
func TestAlignProblemPeelsBlockingCounties(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 100
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	peeled := map[string]bool{}
	for _, i := range a.Oversize {
		peeled[in.Units[i].ID] = true
	}
	for _, id := range []string{"06037", "17031", "36061"} { // Los Angeles, Cook, New York County
		if !peeled[id] {
			t.Errorf("county %s is not a territory of its own; peeled %v", id, a.OversizeIDs)
		}
	}
	if !slices.Contains(a.Stranded, "36047") { // Kings: only Queens is left to join, and both exceed the band
		t.Errorf("Kings County (36047) is not peeled as stranded; stranded %v", a.Stranded)
	}
	if got := a.Problem.K + len(a.Oversize); got != 100 {
		t.Errorf("%d balanced + %d peeled territories, want 100 in all", a.Problem.K, len(a.Oversize))
	}
	if obs := align.Diagnose(a.Problem); len(obs) > 0 {
		t.Errorf("the instance left still has obstacles: %v", obs)
	}
	if len(a.Units)+len(a.Oversize) != len(in.Units) {
		t.Errorf("%d units in the instance + %d peeled, want %d", len(a.Units), len(a.Oversize), len(in.Units))
	}
	ids, full := a.Territories(make([]int, len(a.Units)))
	if len(ids) != 100 || len(full) != len(in.Units) {
		t.Errorf("Territories gives %d ids for %d units, want 100 for %d", len(ids), len(full), len(in.Units))
	}
	terrs, _ := plan.ApplyAlignment(in, ids, full)
	var la string
	for _, tr := range terrs {
		if tr.ID == "T-06037" {
			la = tr.Name
		}
	}
	if la != "Los Angeles County" {
		t.Errorf("Los Angeles' own territory is called %q, want the county's name", la)
	}
}

// A re-run of a plan that has peeled territories keeps the plan as the
// current one: the same ids, every unit's current territory, and max_moved.
func TestAlignProblemKeepsCurrentPlanWithPeeledUnits(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 100
	first, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	// a stand-in answer: instance unit j in territory j mod k
	terr := make([]int, len(first.Units))
	for j := range terr {
		terr[j] = j % first.Problem.K
	}
	ids, full := first.Territories(terr)
	in.Territories, in.Assignments = plan.ApplyAlignment(in, ids, full)
	limit := 0.10
	in.Settings.Align.MaxMoved = &limit
	again, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Dissolved)+len(again.Added) > 0 || again.ForcedMoved != 0 {
		t.Fatalf("a re-run with the same k dissolves %v, adds %v, forces %v to move", again.Dissolved, again.Added, again.ForcedMoved)
	}
	if !slices.Equal(again.IDs, first.IDs) || !slices.Equal(again.OversizeIDs, first.OversizeIDs) {
		t.Errorf("ids changed on a re-run: %v %v, were %v %v", again.IDs, again.OversizeIDs, first.IDs, first.OversizeIDs)
	}
	if again.Problem.MaxMoved != limit {
		t.Errorf("max_moved = %v on the re-run, want %v", again.Problem.MaxMoved, limit)
	}
	for j, u := range again.Problem.Units {
		if want := again.IDs[terr[j]]; u.Current < 0 || again.IDs[u.Current] != want {
			t.Fatalf("unit %s: current %d, want territory %s", u.ID, u.Current, want)
		}
	}
}

// Fewer territories than today: the unlocked ones with the least market are
// dissolved, their units must move and that share comes out of max_moved;
// more: new territories start empty; a max_moved below the forced share is
// refused with an error naming it.
func TestAlignProblemChangesTerritoryCount(t *testing.T) {
	in, edges := sampleAlignInputs(t) // today: one territory per state, 51
	in.Settings.Align.K = 48
	in.Settings.Align.Tolerance = 0.9 // wide, so that no county is peeled
	in.Settings.Locks = []string{"DC"}
	limit := 0.2
	in.Settings.Align.MaxMoved = &limit
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Oversize) != 0 {
		t.Fatalf("peeled %v; the test wants none", a.OversizeIDs)
	}
	if len(a.Dissolved) != 3 || slices.Contains(a.Dissolved, "DC") {
		t.Fatalf("dissolved %v, want the 3 unlocked territories with the least market", a.Dissolved)
	}
	var forced, total float64
	for j, u := range a.Problem.Units {
		total += u.Demand
		if slices.Contains(a.Dissolved, in.Assignments[u.ID]) {
			forced += u.Demand
			if u.Current != -1 {
				t.Errorf("unit %s of a dissolved territory has current %d, want −1", u.ID, u.Current)
			}
		} else if a.IDs[u.Current] != in.Assignments[u.ID] {
			t.Errorf("unit %d (%s): current %s, want %s", j, u.ID, a.IDs[u.Current], in.Assignments[u.ID])
		}
	}
	if got := a.ForcedMoved; got <= 0 || got > 0.2 || abs(got-forced/total) > 1e-12 {
		t.Errorf("forced moved share %v, want %v", got, forced/total)
	}
	if want := limit - a.ForcedMoved; abs(a.Problem.MaxMoved-want) > 1e-12 {
		t.Errorf("instance max_moved %v, want %v (what is left of %v)", a.Problem.MaxMoved, want, limit)
	}

	in.Settings.Align.K = 54
	a, err = plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Added) != 3 || len(a.Dissolved) != 0 || a.ForcedMoved != 0 || a.Problem.K != 54 {
		t.Errorf("k 54: added %v, dissolved %v, forced %v, k %d", a.Added, a.Dissolved, a.ForcedMoved, a.Problem.K)
	}

	in.Settings.Align.K = 30
	tight := 0.01
	in.Settings.Align.MaxMoved = &tight
	if _, err := plan.AlignProblem(in, edges); err == nil || !strings.Contains(err.Error(), "max_moved") {
		t.Errorf("k 30 with max_moved 0.01: got %v, want an error naming max_moved", err)
	}

	// max_moved 0 with today's k: nothing may move (the solver's 0 would mean no limit)
	in.Settings.Align.K = 51
	none := 0.0
	in.Settings.Align.MaxMoved = &none
	a, err = plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if m := a.Problem.MaxMoved; m <= 0 || m > 1e-9 {
		t.Errorf("max_moved 0: instance limit %v, want a hair above 0", m)
	}
}

func abs(x float64) float64 { return math.Abs(x) }

// A plan drawn free of today's (no max_moved, no locks) names each
// territory after today's territory whose market it holds most of; a
// territory that holds most of none gets a new id after its largest unit;
// only the units that left a territory count as moved.
func TestRelabelNamesTerritoriesAfterToday(t *testing.T) {
	units := []align.Unit{{ID: "u0", Demand: 1, Current: 0}, {ID: "u1", Demand: 1, Current: 0}, {ID: "u2", Demand: 1, Current: 1},
		{ID: "u3", Demand: 1, Current: 2}, {ID: "u4", Demand: 2, Current: 2}}
	a := &plan.Alignment{Problem: &align.Problem{K: 3, Units: units}, IDs: []string{"A", "B", "C"}}
	terr := []int{2, 2, 0, 1, 1}
	to, moved := a.Relabel(terr)
	if want := []int{0, 0, 1, 2, 2}; !slices.Equal(terr, want) || !slices.Equal(to, []int{1, 2, 0}) || !slices.Equal(a.IDs, []string{"A", "B", "C"}) {
		t.Errorf("relabelled %v (map %v, ids %v), want %v (map [1 2 0], ids [A B C])", terr, to, a.IDs, want)
	}
	if moved != 0 || len(a.Renamed) != 0 {
		t.Errorf("moved %v, renamed %v; want 0, none", moved, a.Renamed)
	}
	// B's unit joins C's larger one: that territory holds all of B and most
	// of C, and is C (it holds more of C's market than of B's); C's smaller
	// unit, alone, holds nothing of B's and gets a new id after itself.
	a = &plan.Alignment{Problem: &align.Problem{K: 3, Units: units}, IDs: []string{"A", "B", "C"}}
	terr = []int{2, 2, 0, 1, 0}
	to, moved = a.Relabel(terr)
	if want := []int{0, 0, 2, 1, 2}; !slices.Equal(terr, want) || !slices.Equal(to, []int{2, 1, 0}) {
		t.Errorf("relabelled %v (map %v), want %v (map [2 1 0])", terr, to, want)
	}
	if !slices.Equal(a.IDs, []string{"A", "T-u3", "C"}) || len(a.Renamed) != 1 || a.Renamed[0] != (plan.Renamed{From: "B", To: "T-u3", Kept: 0}) {
		t.Errorf("ids %v, renamed %v; want [A T-u3 C] and B → T-u3 (kept 0)", a.IDs, a.Renamed)
	}
	if math.Abs(moved-2.0/6) > 1e-12 {
		t.Errorf("moved %v, want 2/6 (u2 left B, u3 left C)", moved)
	}
	// tied to today's plan by max_moved: indexes are kept, and each
	// territory that lost most of its market gets a new id
	a = &plan.Alignment{Problem: &align.Problem{K: 3, Units: units, MaxMoved: 0.5}, IDs: []string{"A", "B", "C"}}
	terr = []int{0, 0, 1, 1, 2}
	to, moved = a.Relabel(terr)
	if !slices.Equal(terr, []int{0, 0, 1, 1, 2}) || !slices.Equal(to, []int{0, 1, 2}) || !slices.Equal(a.IDs, []string{"A", "B", "C"}) || moved != 1.0/6 {
		t.Errorf("with max_moved: %v, map %v, ids %v, moved %v; want unchanged, ids [A B C], moved 1/6", terr, to, a.IDs, moved)
	}
	a = &plan.Alignment{Problem: &align.Problem{K: 3, Units: units, MaxMoved: 0.5}, IDs: []string{"A", "B", "C"}}
	terr = []int{0, 0, 1, 2, 1}
	// C keeps a third of its market: a new id, but only the units that
	// left moved (what max_moved bounds), not the one that stayed.
	if to, moved := a.Relabel(terr); !slices.Equal(to, []int{0, 1, 2}) || !slices.Equal(a.IDs, []string{"A", "B", "T-u3"}) || math.Abs(moved-2.0/6) > 1e-12 {
		t.Errorf("with max_moved, C left with a third: map %v, ids %v, moved %v; want [0 1 2], [A B T-u3], 2/6", to, a.IDs, moved)
	}
}

// Territories without market (no estimates yet) keep their ids where they
// keep most of their units.
func TestRelabelWithoutMarketCountsUnits(t *testing.T) {
	units := []align.Unit{{ID: "u0", Current: 0}, {ID: "u1", Current: 0}, {ID: "u2", Current: 0}, {ID: "u3", Current: 1}, {ID: "u4", Current: 1}}
	a := &plan.Alignment{Problem: &align.Problem{K: 2, Units: units, MaxMoved: 0.5}, IDs: []string{"A", "B"}}
	terr := []int{0, 0, 1, 1, 1} // A keeps 2 of its 3 units, B all of its own
	if _, moved := a.Relabel(terr); !slices.Equal(a.IDs, []string{"A", "B"}) || len(a.Renamed) != 0 || moved != 0 {
		t.Errorf("ids %v, renamed %v, moved %v; want [A B], none, 0 (no market moved)", a.IDs, a.Renamed, moved)
	}
	a = &plan.Alignment{Problem: &align.Problem{K: 2, Units: units, MaxMoved: 0.5}, IDs: []string{"A", "B"}}
	terr = []int{0, 1, 1, 1, 1} // A keeps 1 of 3
	if a.Relabel(terr); !slices.Equal(a.IDs, []string{"T-u0", "B"}) {
		t.Errorf("ids %v; want [T-u0 B]: A kept a third of its units", a.IDs)
	}
}

// Case 8 of issue 12 on the sample: a realignment that keeps 40 % of
// California's market in the territory the solver drew as California, and
// splits the rest between Oregon's and Arizona's. No territory holds most
// of California any more, so none is called California: the 40 % is a new
// territory named after its largest county; Oregon and Arizona, which hold
// all of their own, keep their ids and names.
func TestRelabelNewIDWhenMostOfTheMarketLeft(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.Tolerance = 0.9 // wide, so that no county is peeled
	a, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Oversize) != 0 {
		t.Fatalf("peeled %v; the test wants none", a.OversizeIDs)
	}
	index := map[string]int{}
	for i, id := range a.IDs {
		index[id] = i
	}
	// The stand-in answer: today's plan, with California's counties, largest
	// first, dealt to CA until it holds 40 % of its market, then to OR
	// (35 %), then AZ.
	terr := make([]int, len(a.Problem.Units))
	var ca []int
	var caMarket float64
	for j, u := range a.Problem.Units {
		terr[j] = u.Current
		if u.Current == index["CA"] {
			ca = append(ca, j)
			caMarket += u.Demand
		}
	}
	units := a.Problem.Units
	sort.Slice(ca, func(x, y int) bool { return units[ca[x]].Demand > units[ca[y]].Demand })
	var dealt, kept float64
	for _, j := range ca {
		switch {
		case dealt < 0.4*caMarket:
			terr[j] = index["CA"]
			kept += units[j].Demand
		case dealt < 0.75*caMarket:
			terr[j] = index["OR"]
		default:
			terr[j] = index["AZ"]
		}
		dealt += units[j].Demand
	}
	largest := units[ca[0]].ID
	_, moved := a.Relabel(terr)
	ids, full := a.Territories(terr)
	// California's headcount was supplied (a resources import); its money
	// and attention, like every other state's amounts, are assumed.
	for _, tr := range in.Territories {
		tr.Assumed = []string{"attention", "headcount", "money"}
		if tr.ID == "CA" {
			tr.Assumed = []string{"attention", "money"}
		}
	}
	terrs, assignments := plan.ApplyAlignment(in, ids, full)
	byID := map[string]string{}
	for _, tr := range terrs {
		byID[tr.ID] = tr.Name
		// A share of an assumed amount is assumed; Los Angeles' territory
		// has California's amounts only, so its headcount is not.
		want := []string{"attention", "headcount", "money"}
		if tr.ID == "T-"+units[ca[0]].ID {
			want = []string{"attention", "money"}
		}
		if err := tr.Validate(); err != nil || !slices.Equal(tr.Assumed, want) {
			t.Errorf("territory %s: assumed %v (%v), want %v", tr.ID, tr.Assumed, err, want)
		}
	}
	if name, ok := byID["CA"]; ok {
		t.Errorf("a territory is still called CA (%q) though none holds most of California's market", name)
	}
	if got := assignments[largest]; got != "T-"+largest || byID[got] != "Los Angeles County" {
		t.Errorf("Los Angeles (%s) is in %s %q; want T-%s, Los Angeles County", largest, got, byID[got], largest)
	}
	for _, id := range []string{"OR", "AZ", "NV", "TX"} {
		if byID[id] == "" || byID[id] == id {
			t.Errorf("territory %s: name %q; want it kept under its id and name", id, byID[id])
		}
	}
	if len(a.Renamed) != 1 || a.Renamed[0].From != "CA" || a.Renamed[0].To != "T-"+largest || math.Abs(a.Renamed[0].Kept-kept/caMarket) > 1e-9 {
		t.Errorf("renamed %+v; want CA → T-%s keeping %.3f", a.Renamed, largest, kept/caMarket)
	}
	var total float64
	for _, u := range units {
		total += u.Demand
	}
	// Only what left California moved: the part that stayed with Los
	// Angeles is under a new id, and did not move.
	if math.Abs(moved-(caMarket-kept)/total) > 1e-9 {
		t.Errorf("moved %v; want the share of California's market that left it, %v", moved, (caMarket-kept)/total)
	}
}

// A territory with locked units keeps its id while the others are renamed.
func TestRelabelKeepsLockedTerritories(t *testing.T) {
	units := []align.Unit{{Demand: 1, Current: 0, Locked: true}, {Demand: 1, Current: 1}, {Demand: 1, Current: 2}}
	a := &plan.Alignment{Problem: &align.Problem{K: 3, Units: units}, IDs: []string{"A", "B", "C"}}
	terr := []int{0, 2, 1} // the solver swapped B and C
	to, moved := a.Relabel(terr)
	if !slices.Equal(terr, []int{0, 1, 2}) || !slices.Equal(to, []int{0, 2, 1}) || moved != 0 {
		t.Errorf("relabelled %v (map %v, moved %v), want [0 1 2] (map [0 2 1], moved 0)", terr, to, moved)
	}
}

// A market change makes more counties territories of their own: the
// territories they leave are the ones dissolved, and the rest of today's
// plan is kept.
func TestAlignProblemNewlyPeeledCountyDissolvesItsTerritory(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 100
	first, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	terr := make([]int, len(first.Units)) // a stand-in answer
	for j := range terr {
		terr[j] = j % first.Problem.K
	}
	ids, full := first.Territories(terr)
	in.Territories, in.Assignments = plan.ApplyAlignment(in, ids, full)
	// Dallas County's territory grows by 15 %: Dallas (0.98 of a mean
	// territory) passes the ceiling
	in.Settings.MarketMultipliers = map[string]float64{in.Assignments["48113"]: 1.15}
	again, err := plan.AlignProblem(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	// (Whether a stranded county such as Miami-Dade stays alone depends on
	// its neighbours' new territories; Dallas must become alone.)
	if !slices.Contains(again.OversizeIDs, "T-48113") || slices.Contains(first.OversizeIDs, "T-48113") {
		t.Fatalf("Dallas County alone before the change: %v, after: %v; the test wants it alone only after", first.OversizeIDs, again.OversizeIDs)
	}
	left := map[string]bool{}
	for _, i := range again.Oversize {
		if id := in.Units[i].ID; !slices.Contains(first.OversizeIDs, "T-"+id) {
			left[in.Assignments[id]] = true
		}
	}
	if len(again.Dissolved) == 0 {
		t.Fatal("nothing dissolved although more counties are alone")
	}
	for _, d := range again.Dissolved {
		if !left[d] {
			t.Errorf("dissolved %s, which no newly peeled county left (%v)", d, left)
		}
	}
	if len(again.Added) != 0 {
		t.Errorf("added %v", again.Added)
	}
}
