package align

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// skewedProblem is n random units in the unit square whose accounts per
// unit of demand grow from west to east, k territories, demand ±10 % and
// accounts ±15 %.
func skewedProblem(rng *rand.Rand, n, k int) *Problem {
	in := &Problem{K: k, Distance: Euclidean, Balance: Balance{Tolerance: 0.10},
		Balances: []MeasureBalance{{Measure: "accounts", Tolerance: 0.15}}}
	for j := range n {
		x, y := rng.Float64(), rng.Float64()
		d := 1 + rng.Float64()
		in.Units = append(in.Units, Unit{ID: string(rune('a' + j)), X: x, Y: y, Demand: d, Weight: d,
			Measures: map[string]float64{"accounts": d * (0.3 + 1.4*x) * (0.8 + 0.4*rng.Float64())}})
	}
	return in
}

// narrowestPlan returns the least, over every plan holding every band (k
// nonempty territories, contiguity not required), of its widest
// territory's span; +Inf when no plan holds every band.
func narrowestPlan(in *Problem) float64 {
	names, lo, hi := in.MeasureBounds()
	n, k := len(in.Units), in.K
	p := newModelLite(in)
	lab := make([]int, n)
	best := math.Inf(1)
	var rec func(j, used int)
	rec = func(j, used int) {
		if n-j < k-used {
			return
		}
		if j == n {
			for t := range k {
				for m, name := range names {
					s := 0.0
					for u := range n {
						if lab[u] == t {
							s += in.MeasureValue(u, name)
						}
					}
					if s < lo[m]-1e-9 || s > hi[m]+1e-9 {
						return
					}
				}
			}
			w := 0.0
			for a := range n {
				for b := a + 1; b < n; b++ {
					if lab[a] == lab[b] {
						w = max(w, p.d(a, b))
					}
				}
			}
			best = min(best, w)
			return
		}
		for t := 0; t <= used && t < k; t++ {
			lab[j] = t
			rec(j+1, max(used, t+1))
		}
	}
	rec(0, 0)
	return best
}

// TestSpanBoundIsSound checks the bound against every plan of small
// instances: when SpanBound says every plan in band has a territory
// spanning at least Span, the narrowest such plan does; its witness adds
// up; and on these skewed instances it does prove something.
func TestSpanBoundIsSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	proved, ratio := 0, 0.0
	for trial := range 300 {
		in := skewedProblem(rng, 9, 3)
		w := SpanBound(context.Background(), in)
		narrowest := narrowestPlan(in)
		if w == nil {
			continue
		}
		if w.Span > narrowest+1e-9 {
			t.Fatalf("trial %d: SpanBound says every plan in band spans ≥ %.4f, but a plan spans %.4f (%+v)", trial, w.Span, narrowest, w)
		}
		if !math.IsInf(narrowest, 1) {
			proved++
			ratio += w.Span / narrowest
		}
		// The witness adds up.
		p := newModelLite(in)
		var excess, absorb float64
		for u := range in.Units {
			q := in.MeasureValue(u, w.Over) - w.Ratio*in.MeasureValue(u, w.Under)
			switch d := p.d(w.Center, u); {
			case d <= w.Radius:
				excess += q
			case d-w.Radius < w.Span:
				absorb += max(0, -q)
			}
		}
		if math.Abs(excess-w.Excess) > 1e-9 || math.Abs(absorb-w.Absorb) > 1e-9 || !(w.Absorb < w.Excess) {
			t.Fatalf("trial %d: witness %+v does not add up: excess %v, absorb %v", trial, w, excess, absorb)
		}
	}
	if proved < 10 {
		t.Fatalf("SpanBound proved a span on %d of 300 feasible skewed instances, want it to prove something", proved)
	}
	t.Logf("spans proved on %d feasible instances, on average %.2f of the narrowest plan's", proved, ratio/float64(proved))
}

// TestSpanBoundNeedsTwoMeasuresAndAMetric: nothing to prove with one band,
// and no proof on distances without the triangle inequality.
func TestSpanBoundNeedsTwoMeasuresAndAMetric(t *testing.T) {
	in := skewedProblem(rand.New(rand.NewPCG(1, 2)), 9, 3)
	one := *in
	one.Balances = nil
	if w := SpanBound(context.Background(), &one); w != nil {
		t.Fatalf("one band: got %+v, want nil", w)
	}
	floor := *in
	floor.Distance = FloorEuclidean
	if w := SpanBound(context.Background(), &floor); w != nil {
		t.Fatalf("floor_euclidean: got %+v, want nil", w)
	}
}
