package align

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

// randomCPMP is a capacitated p-median instance of n random points in a
// square of side 1000, demands 1..100 and one capacity for every unit,
// chosen so that the centers' capacity exceeds the total demand by slack.
func randomCPMP(n, k int, slack float64, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 11))
	in := &Problem{K: k, Distance: Euclidean, Objective: ObjectiveDistance, Seed: int64(seed)}
	total := 0.0
	for range n {
		d := float64(1 + rng.IntN(100))
		total += d
		in.Units = append(in.Units, Unit{X: 1000 * rng.Float64(), Y: 1000 * rng.Float64(), Demand: d, Weight: 1, Current: -1})
	}
	c := float64(int(slack*total/float64(k)) + 1)
	for i := range in.Units {
		in.Units[i].Capacity = c
	}
	return in
}

// solveOn solves with GOMAXPROCS set to procs, and restores it.
func solveOn(t *testing.T, procs int, in *Problem, s *Settings) *Result {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	return solveChecked(t, in, s)
}

// TestRegionSearchSameAnswerOnAnyCores checks that the parallel region
// search gives, for a seed and an iteration cap, the same answer on one
// core as on several (batches are joined in draw order, not in the order
// the workers finish), both for an instance small enough for the walk to
// run first and for one large enough to go straight to the regions.
func TestRegionSearchSameAnswerOnAnyCores(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    *Problem
		iters int
	}{
		{"n300-k60", randomCPMP(300, 60, 1.25, 3), 40},
		{"n1800-k500", randomCPMP(1800, 500, 1.25, 5), 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Settings{TimeLimit: time.Hour, MaxIterations: c.iters}
			a := solveOn(t, 1, c.in, s)
			b := solveOn(t, 4, c.in, s)
			d := solveOn(t, 2, c.in, s)
			if !a.Feasible {
				t.Errorf("infeasible answer (objective %v)", a.Objective)
			}
			for _, o := range []*Result{b, d} {
				if !slices.Equal(a.Assignment, o.Assignment) || !slices.Equal(a.Centers, o.Centers) || a.Objective != o.Objective {
					t.Errorf("same seed and cap, different answers on 1 and more cores: objective %v vs %v", a.Objective, o.Objective)
				}
			}
		})
	}
}

// TestRegionSearchImproves checks that the region search improves on the
// starting plan of a large instance within a few rounds (iteration cap,
// not the clock).
func TestRegionSearchImproves(t *testing.T) {
	in := randomCPMP(1800, 500, 1.25, 7)
	start := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 1})
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 30})
	if !res.Feasible {
		t.Fatal("infeasible answer")
	}
	if got, want := res.Objective, 0.97*start.Objective; got > want {
		t.Errorf("objective after 30 rounds %v, want ≤ %v (3 %% under the 1-round answer %v)", got, want, start.Objective)
	}
}

// TestLin318Gap checks that a mid-size published instance with many small
// territories (lin318, k = 100, optimum 22942.69; Stefanello, de Araújo &
// Müller 2015) comes within 1 % of its optimum under an iteration cap.
func TestLin318Gap(t *testing.T) {
	in, err := ReadCPMP(openBench(t, "cpmp/instances/lin318_100.txt"), Euclidean)
	if err != nil {
		t.Fatal(err)
	}
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 120})
	if !res.Feasible {
		t.Fatal("infeasible answer")
	}
	const opt = 22942.69
	if gap := (res.Objective - opt) / opt; gap > 0.01 {
		t.Errorf("objective %v: gap %.3f %% over the optimum %v, want ≤ 1 %%", res.Objective, 100*gap, opt)
	}
}

// TestBuildNearGrid checks the grid near lists against the full sort, on
// Euclidean and haversine coordinates.
func TestBuildNearGrid(t *testing.T) {
	for _, dist := range []string{Euclidean, Haversine} {
		t.Run(dist, func(t *testing.T) {
			in := randomCPMP(900, 10, 2, 9)
			in.Distance = dist
			if dist == Haversine {
				for i := range in.Units {
					in.Units[i].X = -120 + in.Units[i].X/20 // lon
					in.Units[i].Y = 30 + in.Units[i].Y/50   // lat
				}
			}
			const limit = 40
			want := newModel(in, false)
			want.buildNear(limit)
			got := newModel(in, false)
			buildNearGrid(got, limit, &runner{ctx: t.Context(), deadline: time.Now().Add(time.Hour)})
			for i := range want.near {
				if !slices.Equal(got.near[i], want.near[i]) {
					// ties may only differ at equal distance
					for k := range want.near[i] {
						if a, b := got.d(i, int(got.near[i][k])), want.d(i, int(want.near[i][k])); a != b {
							t.Fatalf("unit %d: neighbour %d at %v, full sort has %v", i, k, a, b)
						}
					}
				}
			}
		})
	}
}

// TestSweepCenters checks the construction used without a distance
// matrix: k runs, each non-empty and holding its center, and a solve of an
// instance above the matrix size (which starts from it) that passes
// Verify and gives the same answer on one and two cores.
func TestSweepCenters(t *testing.T) {
	for _, c := range []struct{ n, k int }{{4000, 300}, {50, 50}, {60, 1}} {
		p := newModel(randomCPMP(c.n, c.k, 1.25, 13), false)
		cen, runs := sweepCenters(p)
		if len(cen) != c.k {
			t.Fatalf("n %d k %d: %d centers", c.n, c.k, len(cen))
		}
		size := make([]int, c.k)
		for _, r := range runs {
			size[r]++
		}
		for r, ct := range cen {
			if size[r] == 0 || runs[ct] != r {
				t.Errorf("n %d k %d: run %d has %d units, its center %d is in run %d", c.n, c.k, r, size[r], ct, runs[ct])
			}
		}
	}
	in := randomCPMP(maxMatrix+500, 400, 1.25, 17)
	s := &Settings{TimeLimit: time.Hour, MaxIterations: 3}
	a := solveOn(t, 1, in, s)
	b := solveOn(t, 2, in, s)
	if !a.Feasible || a.Objective != b.Objective || !slices.Equal(a.Assignment, b.Assignment) {
		t.Errorf("feasible %v, objective %v on one core and %v on two", a.Feasible, a.Objective, b.Objective)
	}
}
