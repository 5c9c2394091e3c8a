package allocate

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSolve times Solve on Synthetic problems of national sizes: 3,142
// territories (US counties) and 100,000, concave and with S-shaped money
// curves. Run with -cpu 1 for the one-core figures of docs/benchmarks.md.
func BenchmarkSolve(b *testing.B) {
	for _, n := range []int{3142, 100000} {
		for _, s := range []bool{false, true} {
			p := Synthetic(n, 1, s)
			b.Run(fmt.Sprintf("n=%d/sshaped=%v", n, s), func(b *testing.B) {
				var r *Result
				for b.Loop() {
					var err error
					r, err = Solve(context.Background(), p, nil)
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(r.Gap, "gap")
				b.ReportMetric(float64(r.Evaluations), "passes")
			})
		}
	}
}
