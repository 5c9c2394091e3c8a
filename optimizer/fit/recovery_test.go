package fit

import (
	"context"
	"math"
	"testing"
)

// TestRecovery fits histories simulated from known parameters (several
// seeds, 20–100 territories, 12 quarters to 156 weeks) and checks that the
// 80 % intervals of each territory's curve (revenue at 0.5×, 1× and 2×
// its latest resources) cover the true value 70–90 % of the time.
func TestRecovery(t *testing.T) {
	cases := []Simulation{
		{Territories: 20, Periods: 12, Granularity: Quarter, Resources: 2},
		{Territories: 50, Periods: 36, Granularity: Month, Resources: 3, Carryover: true},
		{Territories: 100, Periods: 156, Granularity: Week, Resources: 3, Carryover: true},
		{Territories: 100, Periods: 12, Granularity: Quarter, Resources: 3},
		{Territories: 20, Periods: 156, Granularity: Week, Resources: 2, Carryover: true},
	}
	for _, c := range cases {
		in, n := 0, 0
		var relErr []float64
		for seed := uint64(1); seed <= 3; seed++ {
			c.Seed = seed
			ds, truth, err := Simulate(c)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Fit(context.Background(), ds, Options{Draws: 300})
			if err != nil {
				t.Fatal(err)
			}
			for i, tf := range res.Territories {
				for j, cp := range tf.Curve {
					v := truth.Curve[i][j]
					n++
					if cp.Revenue.Contains(v) {
						in++
					}
					relErr = append(relErr, math.Abs(cp.Revenue.P50-v)/v)
				}
			}
		}
		cov := float64(in) / float64(n)
		t.Logf("%d territories × %d %ss × %d resources: coverage %.3f (n %d), median |error| %.3f, mean %.3f",
			c.Territories, c.Periods, c.Granularity, c.Resources, cov, n, median(relErr), mean(relErr))
		if cov < 0.70 || cov > 0.90 {
			t.Errorf("%d × %d %s: coverage of the 80 %% intervals %.3f, want 0.70–0.90", c.Territories, c.Periods, c.Granularity, cov)
		}
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	interval(s)
	return s[len(s)/2]
}

func mean(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}
