package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Synthetic returns a reproducible benchmark problem of n territories and
// three resources shaped like a national sales plan: integer headcount at
// $150,000 per rep, program money and manager attention hours, a shared
// budget, per-territory bounds, a change limit on headcount and 1 % of
// territories locked. Curves are concave (shape in [0.5, 1]) unless sShaped,
// which makes a third of the money curves S-shaped (shape in (1, 2.5]).
// The same (n, seed, sShaped) always gives the same problem.
func Synthetic(n int, seed uint64, sShaped bool) *Problem {
	rng := rand.New(rand.NewPCG(seed, 0x7e77a1e))
	p := &Problem{Objective: Revenue}
	heads := math.Round(float64(n) * 2.2)
	hours := float64(n) * 40
	p.Resources = []Resource{
		{Name: "headcount", UnitCost: 150000, Integer: true, Total: &heads},
		{Name: "money", UnitCost: 1},
		{Name: "attention", Total: &hours},
	}
	spend := 0.0
	for i := range n {
		market := 2e6 * math.Exp(1.2*rng.NormFloat64()) // dollars per year
		share := 0.05 + 0.5*rng.Float64()
		hc := math.Min(9, math.Max(1, math.Round(2*rng.Float64()*market/2e6+rng.Float64())))
		money := math.Min(1.5e6, math.Round(50000+100000*rng.Float64()*market/2e6))
		att := math.Round(20 + 40*rng.Float64())
		mshape := 0.5 + 0.5*rng.Float64()
		if sShaped && i%3 == 0 {
			mshape = 1 + 1.5*rng.Float64()
		}
		t := Territory{
			ID:   fmt.Sprintf("T%05d", i+1),
			Base: market * share * 0.4,
			Curves: map[string]Curve{
				"headcount": {Beta: market * share * 0.9, K: 1 + 3*rng.Float64(), Shape: 0.6 + 0.4*rng.Float64()},
				"money":     {Beta: market * share * 0.4, K: 50000 + 200000*rng.Float64(), Shape: mshape},
				"attention": {Beta: market * share * 0.1, K: 20 + 60*rng.Float64(), Shape: 0.5 + 0.5*rng.Float64()},
			},
			Current: map[string]float64{"headcount": hc, "money": money, "attention": att},
			Min:     map[string]float64{"headcount": 1},
			Max:     map[string]float64{"headcount": 12, "money": 2e6},
			Locked:  i%100 == 37,
		}
		spend += 150000*hc + money
		p.Territories = append(p.Territories, t)
	}
	budget := math.Round(spend * 1.02)
	p.Budget = &budget
	p.MaxChange = map[string]float64{"headcount": 3}
	return p
}
