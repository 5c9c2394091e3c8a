package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSShapedContinuous checks S-shaped money curves on two territories
// against a scan of every split of the budget (20,001 points): the bound is
// never below the best split, and the answer is within 2 % of it.
func TestSShapedContinuous(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	for n := range 60 {
		B := 2 + 6*rng.Float64()
		p := &Problem{Budget: ptr(B), Resources: []Resource{{Name: "money", UnitCost: 1}}}
		for i := range 2 {
			p.Territories = append(p.Territories, Territory{ID: fmt.Sprint(i), Curves: map[string]Curve{
				"money": {Beta: 10 + 20*rng.Float64(), K: 0.5 + 3*rng.Float64(), Shape: 1.2 + 2.5*rng.Float64()}}})
		}
		best := math.Inf(-1)
		c0, c1 := p.Territories[0].Curves["money"], p.Territories[1].Curves["money"]
		for k := 0; k <= 20000; k++ {
			m0 := B * float64(k) / 20000
			v := c0.Beta*hill(m0, c0.K, c0.Shape) + c1.Beta*hill(B-m0, c1.K, c1.Shape)
			best = math.Max(best, v)
		}
		f := fixture{name: fmt.Sprintf("case%d", n), p: p, opt: math.NaN()}
		t.Run(f.name, func(t *testing.T) {
			r := solveFixture(t, f)
			if r.Bound < best*(1-1e-9) {
				t.Errorf("bound %v below the best split %v", r.Bound, best)
			}
			if r.Objective < best*(1-0.02) {
				t.Errorf("objective %v, best split %v", r.Objective, best)
			}
		})
	}
}
