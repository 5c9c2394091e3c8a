package allocate

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuNow is the process's user + system CPU time: on a shared machine it
// is steadier than the wall clock.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSolve times Solve on Synthetic problems of national sizes: 3,142
// territories (US counties) and 100,000, concave and with S-shaped money
// curves. Run with -cpu 1 for the one-core figures of docs/benchmarks.md.
func BenchmarkSolve(b *testing.B) {
	for _, n := range []int{3142, 100000} {
		for _, s := range []bool{false, true} {
			p := Synthetic(n, 1, s)
			b.Run(fmt.Sprintf("n=%d/sshaped=%v", n, s), func(b *testing.B) {
				var r *Result
				c0 := cpuNow()
				for b.Loop() {
					var err error
					r, err = Solve(context.Background(), p, nil)
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuNow()-c0)/1e6/float64(b.N), "cpu-ms/op")
				b.ReportMetric(r.Gap, "gap")
				b.ReportMetric(float64(r.Evaluations), "passes")
			})
		}
	}
}

// BenchmarkFrontier times an 11-point revenue-vs-budget sweep of the
// 3,142-territory plan, each solve warm-started from the previous one.
func BenchmarkFrontier(b *testing.B) {
	p := Synthetic(3142, 1, false)
	var values []float64
	for k := range 11 {
		values = append(values, *p.Budget*(0.75+0.05*float64(k)))
	}
	for _, warm := range []bool{true, false} {
		b.Run(fmt.Sprintf("warm=%v", warm), func(b *testing.B) {
			c0 := cpuNow()
			for b.Loop() {
				if warm {
					if _, err := Frontier(context.Background(), p, "budget", values, nil); err != nil {
						b.Fatal(err)
					}
					continue
				}
				for _, v := range values {
					q := *p
					q.Budget = &v
					if _, err := Solve(context.Background(), &q, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cpuNow()-c0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
