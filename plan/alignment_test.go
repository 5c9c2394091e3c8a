package plan_test

import (
	"context"
	"slices"
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
func TestAlignInstancePeelsBlockingCounties(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 100
	a, err := plan.AlignInstance(in, edges)
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
	if got := a.Instance.K + len(a.Oversize); got != 100 {
		t.Errorf("%d balanced + %d peeled territories, want 100 in all", a.Instance.K, len(a.Oversize))
	}
	if obs := align.Diagnose(a.Instance); len(obs) > 0 {
		t.Errorf("the instance left still has obstacles: %v", obs)
	}
	if len(a.Units)+len(a.Oversize) != len(in.Units) {
		t.Errorf("%d units in the instance + %d peeled, want %d", len(a.Units), len(a.Oversize), len(in.Units))
	}
	ids, full := a.Territories(make([]int, len(a.Units)))
	if len(ids) != 100 || len(full) != len(in.Units) {
		t.Errorf("Territories gives %d ids for %d units, want 100 for %d", len(ids), len(full), len(in.Units))
	}
}

// A re-run of a plan that has peeled territories keeps the plan as the
// current one: the same ids, every unit's current territory, and max_moved.
func TestAlignInstanceKeepsCurrentPlanWithPeeledUnits(t *testing.T) {
	in, edges := sampleAlignInputs(t)
	in.Settings.Align.K = 100
	first, err := plan.AlignInstance(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	// a stand-in answer: instance unit j in territory j mod k
	terr := make([]int, len(first.Units))
	for j := range terr {
		terr[j] = j % first.Instance.K
	}
	ids, full := first.Territories(terr)
	in.Territories, in.Alignment = plan.ApplyAlignment(in, ids, full)
	limit := 0.10
	in.Settings.Align.MaxMoved = &limit
	again, err := plan.AlignInstance(in, edges)
	if err != nil {
		t.Fatal(err)
	}
	if again.CurrentDropped {
		t.Fatal("the current plan was dropped on a re-run with the same k")
	}
	if !slices.Equal(again.IDs, first.IDs) || !slices.Equal(again.OversizeIDs, first.OversizeIDs) {
		t.Errorf("ids changed on a re-run: %v %v, were %v %v", again.IDs, again.OversizeIDs, first.IDs, first.OversizeIDs)
	}
	if again.Instance.MaxMoved != limit {
		t.Errorf("max_moved = %v on the re-run, want %v", again.Instance.MaxMoved, limit)
	}
	for j, u := range again.Instance.Units {
		if want := again.IDs[terr[j]]; u.Current < 0 || again.IDs[u.Current] != want {
			t.Fatalf("unit %s: current %d, want territory %s", u.ID, u.Current, want)
		}
	}
}
