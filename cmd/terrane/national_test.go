package main

import (
	"context"
	"testing"
	"time"

	"github.com/terrane/terrane/optimizer/align"
)

// TestNationalCountyPlan is the national line of the alignment solver on
// the real layer: the 3,142 counties into 100 contiguous territories
// balanced on market size within ±5 %, the counties that cannot be balanced
// with others (align.Diagnose) being territories of their own; then the
// market shifts by ±5 % and the plan is redrawn with max_moved 0.10 from
// the first answer. Iteration caps, not the clock, bound both solves, so
// the test asserts the same thing on a loaded machine.
func TestNationalCountyPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("the national county plan takes several seconds")
	}
	full, err := countyInstance()
	if err != nil {
		t.Fatal(err)
	}
	full.K, full.Balance, full.Contiguous, full.Objective = 100, align.Balance{Tolerance: 0.05}, true, align.ObjectiveDistance
	in, err := peelObstacles(full)
	if err != nil {
		t.Fatal(err)
	}
	if peeled := len(full.Units) - len(in.Units); peeled != 100-in.K || peeled > 20 {
		t.Fatalf("%d counties peeled for %d territories; want one territory each, and few", peeled, 100-in.K)
	}
	check := func(in *align.Problem, res *align.Result) {
		t.Helper()
		feasible, err := align.Verify(in, res)
		if err != nil {
			t.Fatal(err)
		}
		if !feasible {
			lo, hi := in.Bounds()
			var out int
			for _, s := range res.Slack.Territories {
				if s.Demand < lo || s.Demand > hi {
					out++
				}
			}
			t.Fatalf("infeasible: %d of %d territories outside [%.0f, %.0f], contiguous %v, moved %.4f (max %.2f)",
				out, in.K, lo, hi, res.Slack.Contiguous, res.Slack.Moved, in.MaxMoved)
		}
	}
	const iterations = 15000
	res, err := align.Solve(context.Background(), in, &align.Settings{TimeLimit: time.Hour, MaxIterations: iterations})
	if err != nil {
		t.Fatal(err)
	}
	check(in, res)
	t.Logf("%d territories balanced within ±5 %% + %d counties alone, in %.1f s (%d iterations)", in.K, 100-in.K, res.Seconds, res.Iterations)

	// Every county's market shifts by one of seven steps of −5 %..+5 %,
	// scattered over the counties (on the simulated company's markets the
	// steps in FIPS order, j%7, leave Suffolk County's territory, Boston,
	// 1 % short of the band within max_moved 0.10).
	for j := range in.Units {
		in.Units[j].Current = res.Assignment[j]
		in.Units[j].Demand *= 0.95 + 0.1*float64((3*j)%7)/6
	}
	in.MaxMoved = 0.10
	if obs := align.Diagnose(in); len(obs) > 0 {
		t.Fatalf("the market shift made new obstacles: %v", obs)
	}
	res, err = align.Solve(context.Background(), in, &align.Settings{TimeLimit: time.Hour, MaxIterations: iterations})
	if err != nil {
		t.Fatal(err)
	}
	check(in, res)
	t.Logf("after a ±5 %% market shift with max_moved 0.10: moved %.4f, in %.1f s", res.Slack.Moved, res.Seconds)
}
