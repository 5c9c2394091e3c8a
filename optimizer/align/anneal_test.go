package align

import (
	"math"
	"slices"
	"testing"
)

// annealFrom starts GridMeasures from strips, descends by flips, and
// anneals on an iteration cap; it returns the violation after the
// descent, after annealing, and the final assignment.
func annealFrom(t *testing.T, seed uint64) (float64, float64, []int, *dsearch) {
	t.Helper()
	// Bands tight enough that the seeding and descent leave territories
	// outside them.
	in := GridMeasures(30, 30, 9, 4)
	in.Balance.Tolerance = 0.02
	for i := range in.Balances {
		in.Balances[i].Tolerance = 0.03
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	p := newModel(in, false)
	s := newDSearch(p)
	r := testRunner(seed)
	r.maxIter = 1 // the schedule follows the draws (annealDraws per unit)
	// Start from nine vertical strips of the grid, blind to every measure.
	start := make([]int, p.n)
	for j, u := range in.Units {
		start[j] = min(p.k-1, int((u.X+120)/0.5)*p.k/30) // X = −120 + 0.5 × column + jitter
	}
	if !partsConnected(p, start) {
		t.Fatal("the strips are not contiguous")
	}
	s.install(start)
	s.flips(r)
	v1, _ := s.total()
	s.anneal(r, r.deadline)
	v2, _ := s.total()
	return v1, v2, slices.Clone(s.assign), s
}

// Where strict descent stops with territories out of their bands,
// annealing the same moves goes further, keeps every territory whole and
// its bookkeeping true, and gives the same answer for the same seed.
func TestAnnealGoesPastDescent(t *testing.T) {
	v1, v2, a, s := annealFrom(t, 7)
	if v1 <= capEps*s.scale {
		t.Fatalf("the descent left no violation (%.4g): nothing to anneal", v1)
	}
	if v2 >= v1 {
		t.Errorf("violation %.4g after annealing, %.4g after descent", v2, v1)
	}
	t.Logf("violation / total demand: %.4f after descent, %.4f after annealing", v1/s.scale, v2/s.scale)
	if !partsConnected(s.p, a) {
		t.Error("a territory is in pieces")
	}
	check := newDSearch(s.p)
	check.install(a)
	for k := range s.p.k {
		if math.Abs(check.load[k]-s.load[k]) > 1e-6*s.scale || len(check.members[k]) != len(s.members[k]) {
			t.Errorf("territory %d: the search holds %.6g demand in %d units, the assignment %.6g in %d", k, s.load[k], len(s.members[k]), check.load[k], len(check.members[k]))
		}
		for i := range s.p.nm {
			if x, y := s.mload[k*s.p.nm+i], check.mload[k*s.p.nm+i]; math.Abs(x-y) > 1e-6*math.Max(1, y) {
				t.Errorf("territory %d, %s: the search holds %.6g, the assignment %.6g", k, s.p.mnames[i], x, y)
			}
		}
	}
	if cv, _ := check.total(); math.Abs(cv-v2) > 1e-6*s.scale {
		t.Errorf("violation %.6g reported, %.6g recomputed", v2, cv)
	}
	if _, _, b, _ := annealFrom(t, 7); !slices.Equal(a, b) {
		t.Error("the same seed annealed to another assignment")
	}
}
