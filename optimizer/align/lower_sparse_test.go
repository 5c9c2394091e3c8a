package align

import (
	"math"
	"testing"
	"time"
)

// With lists as long as the instance, the truncated costs are the true
// ones and sparseBound is lagrangeBound's relaxation; with short lists it
// stays below the p-median answer found (an upper bound of the optimum).
func TestSparseBound(t *testing.T) {
	in := Grid(20, 20, 10, 4)
	in.Contiguous, in.Balance = false, Balance{}
	p := newModel(in, true)
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 30})
	init := make([]float64, p.n)
	for j, c := range res.Assignment {
		init[j] = p.d(j, res.Centers[c])
	}
	exact := lagrangeBound(p, testRunner(1), res.Objective, init, 1)
	sparse := sparseBound(p, testRunner(1), res.Objective, init, 1)
	if math.IsNaN(exact) || math.IsNaN(sparse) {
		t.Fatalf("no bound: exact %v, sparse %v", exact, sparse)
	}
	t.Logf("objective %v, exact bound %v, sparse bound %v", res.Objective, exact, sparse)
	if sparse > res.Objective*(1+1e-9) {
		t.Errorf("sparse bound %v above the p-median answer %v", sparse, res.Objective)
	}
	if sparse < 0.9*exact {
		t.Errorf("sparse bound %v far below the exact Lagrangian bound %v", sparse, exact)
	}
	// the nearest lists are exact: compare with a full scan for a few units
	idx, dist := p.nearest(testRunner(1), 10, time.Now().Add(time.Minute))
	for _, j := range []int{0, 17, 250, 399} {
		far := dist[j][len(dist[j])-1]
		listed := map[int32]bool{}
		for _, u := range idx[j] {
			listed[u] = true
		}
		for u := range p.n {
			if !listed[int32(u)] && p.rawDist(j, u) < far-1e-9 {
				t.Errorf("unit %d: unit %d at %v is nearer than the list's farthest %v but not listed", j, u, p.rawDist(j, u), far)
			}
		}
	}
}
