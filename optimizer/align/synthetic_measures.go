package align

import (
	"math"
	"math/rand/v2"
)

// GridMeasures is [Grid] with three balanced measures, for tests and
// benchmarks of several balance measures: demand is the market (heavy
// tailed, dollars), "accounts" is a Poisson count whose mean follows the
// market (2 + market/500: correlated but not proportional) and
// "workload" is the hours a year those accounts take, each account of a
// segment drawn at random (small 10, mid 25, large 60 hours a year). The
// bands are market ±5 %, accounts ±10 %, workload ±10 %. The same seed
// gives the same instance.
func GridMeasures(w, h, k int, seed uint64) *Problem {
	in := Grid(w, h, k, seed)
	rng := rand.New(rand.NewPCG(seed, 11))
	hours := [3]float64{10, 25, 60}
	for j := range in.Units {
		u := &in.Units[j]
		n := poisson(rng, 2+u.Demand/500)
		work := 0.0
		for range n {
			work += hours[rng.IntN(3)]
		}
		u.Measures = map[string]float64{"accounts": float64(n), "workload": work}
	}
	in.Balances = []MeasureBalance{{Measure: "accounts", Tolerance: 0.10}, {Measure: "workload", Tolerance: 0.10}}
	return in
}

// poisson draws a Poisson count of mean mu (Knuth's product method below
// 30, a rounded normal above).
func poisson(rng *rand.Rand, mu float64) int {
	if mu > 30 {
		return max(0, int(math.Round(mu+math.Sqrt(mu)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
