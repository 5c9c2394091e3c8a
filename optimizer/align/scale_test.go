package align

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// bigGrid is a synthetic instance above maxMatrix units (no distance
// matrix: the bisection seeding, approximate centers and local moves of
// the large-instance path): 150 × 134 = 20,100 units into k = 200.
func bigGrid() *Problem { return Grid(150, 134, 200, 5) }

// The 20,100-unit synthetic instance with k = 200 reaches feasibility
// under an iteration cap (the answer depends on the seed only).
func TestLargeInstanceFeasible(t *testing.T) {
	if testing.Short() {
		t.Skip("20,100-unit grid in -short mode")
	}
	in := bigGrid()
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 300})
	if !res.Feasible {
		t.Fatalf("infeasible after 300 iterations: balance slack %v, contiguous %v, empty %d", res.Slack.Balance, res.Slack.Contiguous, res.Slack.Empty)
	}
	if res.Status != Feasible {
		t.Errorf("status %q, want %q", res.Status, Feasible)
	}
}

// The same seed gives the same answer on the large-instance path.
func TestLargeInstanceSameSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("20,100-unit grid in -short mode")
	}
	in := bigGrid()
	s := &Settings{TimeLimit: time.Hour, MaxIterations: 40}
	a := solveChecked(t, in, s)
	b := solveChecked(t, in, s)
	if !slices.Equal(a.Assignment, b.Assignment) || !slices.Equal(a.Centers, b.Centers) || a.Objective != b.Objective {
		t.Errorf("same seed, different answers: objective %v vs %v", a.Objective, b.Objective)
	}
}

// With the deadline already past, Solve still returns a complete answer:
// the seeding draws one spanning tree per bisection, no improvement
// iteration runs, and the status says the answer is what it is (no
// wall-clock assertion: the counts show that each loop consulted the
// clock).
func TestExpiredDeadline(t *testing.T) {
	in := bigGrid()
	res, err := Solve(context.Background(), in, &Settings{TimeLimit: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	checkAnswer(t, in, res)
	if res.Iterations != 0 {
		t.Errorf("%d improvement iterations past the deadline, want 0", res.Iterations)
	}
	if res.Status != Infeasible && res.Status != Feasible {
		t.Errorf("status %q, want infeasible or feasible (the time limit)", res.Status)
	}
	// the seeding alone, with a live and with an expired runner
	p := newModel(in, true)
	for _, c := range []struct {
		name    string
		expired bool
	}{{"live", false}, {"expired", true}} {
		r := testRunner(1)
		r.timedOut = c.expired
		s := newDSearch(p)
		assign := s.seedTree(r)
		counts := make([]int, p.k)
		for _, t := range assign {
			counts[t]++
		}
		if slices.Contains(counts, 0) {
			t.Errorf("%s: the seeding left a territory empty", c.name)
		}
		if !partsConnected(p, assign) {
			t.Errorf("%s: a seeded territory is not connected", c.name)
		}
		// k − 1 bisections: exactly one tree each when out of time
		if c.expired && r.trees != p.k-1 {
			t.Errorf("expired: %d spanning trees drawn, want %d (one per bisection)", r.trees, p.k-1)
		}
		if !c.expired && r.trees <= p.k-1 {
			t.Errorf("live: %d spanning trees drawn, want more than %d", r.trees, p.k-1)
		}
		// boundary moves and recombination stop at once
		s.install(assign)
		before := r.trees
		if c.expired && (s.flips(r) || s.flipsNear(r) || s.recom(r, 4, false) || s.recomCluster(r, 4, 4, 30)) {
			t.Errorf("expired: a move ran past the deadline")
		}
		if c.expired && r.trees != before {
			t.Errorf("expired: %d trees drawn by the moves past the deadline", r.trees-before)
		}
	}
}

// A context canceled from the first progress report (which the seeding
// makes, before any improvement iteration) ends Solve with a complete
// answer, Status Canceled and the context's error.
func TestCancelDuringSeeding(t *testing.T) {
	in := bigGrid()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := 0
	res, err := Solve(ctx, in, &Settings{TimeLimit: time.Hour, Progress: func(f float64) {
		reports++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if res == nil {
		t.Fatal("no answer: the seeding must finish a partition after a cancel")
	}
	checkAnswer(t, in, res)
	if res.Status != Canceled {
		t.Errorf("status %q, want %q", res.Status, Canceled)
	}
	if res.Iterations != 0 {
		t.Errorf("%d iterations after the cancel in the seeding, want 0", res.Iterations)
	}
	if reports < 2 { // one from the seeding, the final 1
		t.Errorf("%d progress reports, want the seeding's and the final one", reports)
	}
}
