package align

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// testRunner is a runner with a generous deadline for calling the search's
// moves directly.
func testRunner(seed uint64) *runner {
	start := time.Now()
	return &runner{ctx: context.Background(), start: start, limit: time.Minute, deadline: start.Add(time.Minute),
		rng: rand.New(rand.NewPCG(seed, 1))}
}

// partsConnected reports whether no territory of assign is in pieces.
func partsConnected(p *model, assign []int) bool {
	for _, c := range components(p, assign) {
		if c > 1 {
			return false
		}
	}
	return true
}

// strictPartition cuts all units into p.k parts within the balance bounds
// by cutParts, up to 50 passes; nil when none succeeds.
func strictPartition(s *dsearch, r *runner) []int {
	region, ids := upTo(s.p.n), upTo(s.p.k)
	assign := make([]int, s.p.n)
	for range 50 {
		if s.cutParts(r, assign, region, ids, s.p.lo, s.p.hi, 60, false) {
			return assign
		}
	}
	return nil
}

func TestTreePartitionHoldsBoundsAndContiguity(t *testing.T) {
	in := Grid(20, 20, 12, 3)
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	p := newModel(in, false)
	s := newDSearch(p)
	part := strictPartition(s, testRunner(1))
	if part == nil {
		t.Fatal("no partition of the 20×20 grid into 12 parts within ±5 %")
	}
	load := make([]float64, p.k)
	for j, k := range part {
		if k < 0 || k >= p.k {
			t.Fatalf("unit %d in part %d, want 0..%d", j, k, p.k-1)
		}
		load[k] += p.demand[j]
	}
	for k, l := range load {
		if l < p.lo-1e-6 || l > p.hi+1e-6 {
			t.Errorf("part %d holds %.0f, outside [%.0f, %.0f]", k, l, p.lo, p.hi)
		}
	}
	if !partsConnected(p, part) {
		t.Error("a part is not connected")
	}
}

// A territory pushed out of balance is repaired by merging it with the
// territories around it: the result holds every bound and stays contiguous.
func TestRecomClusterRepairsViolation(t *testing.T) {
	in := Grid(12, 12, 4, 5)
	p := newModel(in, false)
	s := newDSearch(p)
	r := testRunner(2)
	part := strictPartition(s, r)
	if part == nil {
		t.Fatal("no starting partition")
	}
	// Hand territory 0's boundary units to a neighbour while both stay
	// connected, until territory 0 is below its minimum.
	s.install(part)
	for moved := true; moved && s.load[0] >= p.lo; {
		moved = false
		for _, u := range append([]int(nil), s.members[0]...) {
			for _, v := range p.adj[u] {
				if b := s.assign[v]; b != 0 && s.load[0] >= p.lo && s.connectedWithout(u, 0) && len(s.members[0]) > 1 {
					s.move(u, b)
					moved = true
					break
				}
			}
		}
	}
	s.install(append([]int(nil), s.assign...))
	before, _ := s.total()
	if before <= 0 {
		t.Fatal("the setup left no violation")
	}
	if !partsConnected(p, s.assign) {
		t.Fatal("the setup broke contiguity")
	}
	if !s.recomCluster(r, p.k, 20, 60) {
		t.Fatalf("recomCluster made no repair (violation %.0f)", before)
	}
	after, obj := s.total()
	if after > 1e-6 {
		t.Errorf("violation %.0f after the repair, want 0 (was %.0f)", after, before)
	}
	if !partsConnected(p, s.assign) {
		t.Error("a territory is not connected after the repair")
	}
	// loads and objective are kept consistent with the assignment
	check := newDSearch(p)
	check.install(append([]int(nil), s.assign...))
	if _, o := check.total(); math.Abs(o-obj) > 1e-6*math.Max(1, o) {
		t.Errorf("objective %.3f kept, %.3f recomputed", obj, o)
	}
}

// One territory of a plan is dissolved (its units have no current
// territory, k drops by one): the search starts from the rest of the plan,
// hands the orphaned units to neighbours, and keeps the other moves within
// max_moved.
func TestDissolvedTerritoryWithinMaxMoved(t *testing.T) {
	in := Grid(24, 24, 8, 2)
	base := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 2000})
	if !base.Feasible {
		t.Fatal("no feasible base plan")
	}
	in.K = 7
	for j := range in.Units {
		if c := base.Assignment[j]; c == 0 {
			in.Units[j].Current = -1
		} else {
			in.Units[j].Current = c - 1
		}
	}
	in.MaxMoved = 0.15
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 3000})
	if !res.Feasible {
		t.Fatalf("infeasible after dissolving a territory: balance slack %v, moved %v", res.Slack.Balance, res.Slack.Moved)
	}
	if res.Slack.Moved > 0.15 {
		t.Errorf("moved %v, limit 0.15", res.Slack.Moved)
	}
	t.Logf("moved %.3f of the units that had a territory to keep", res.Slack.Moved)
}

// Locks without a disruption limit: the locked territory stays as it is
// and the other units are partitioned afresh around it.
func TestSeedAroundLocks(t *testing.T) {
	in := Grid(20, 20, 6, 4)
	base := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 1500})
	if !base.Feasible {
		t.Fatal("no feasible base plan")
	}
	for j := range in.Units {
		in.Units[j].Current = base.Assignment[j]
		in.Units[j].Locked = base.Assignment[j] == 2
	}
	p := newModel(in, false)
	s := newDSearch(p)
	assign := s.seedAroundLocks(testRunner(3))
	if assign == nil {
		t.Fatal("no seed around the locked territory")
	}
	for j, u := range in.Units {
		if u.Locked && assign[j] != 2 {
			t.Fatalf("locked unit %d seeded into %d, want 2", j, assign[j])
		}
		if !u.Locked && assign[j] == 2 {
			t.Fatalf("unlocked unit %d seeded into the locked territory", j)
		}
	}
	if !partsConnected(p, assign) {
		t.Error("the seed has a territory in pieces")
	}
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 1500})
	if !res.Feasible || res.Slack.Locked > 0 {
		t.Errorf("with territory 2 locked: feasible %v, locked violations %d", res.Feasible, res.Slack.Locked)
	}
}
