package fit

import (
	"context"
	"testing"
)

// BenchmarkFit1000 fits 1,000 territories × 36 months × 3 resources (the
// issue's scale target: under 60 s).
func BenchmarkFit1000(b *testing.B) {
	ds, _, err := Simulate(Simulation{Territories: 1000, Periods: 36, Granularity: Month, Resources: 3, Seed: 1, Carryover: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := Fit(context.Background(), ds, Options{Holdout: 6})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Iterations), "iterations")
		b.ReportMetric(*res.Holdout.Model.WAPE, "wape")
		b.ReportMetric(*res.Holdout.Model.Coverage, "coverage")
	}
}
