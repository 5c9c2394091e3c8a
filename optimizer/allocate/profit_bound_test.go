package allocate

import (
	"context"
	"math"
	"testing"
)

// TestProfitBoundIsAboveTheOptimum: with the profit objective — margins
// small enough that the optimum loses money, so objective and bound are
// negative while revenue is positive — Bound is never below Objective, the
// objective is profit (recomputed by Evaluate, not revenue), and no
// allocation on a grid of the feasible ones earns more than Bound.
func TestProfitBoundIsAboveTheOptimum(t *testing.T) {
	for _, tc := range []struct {
		name   string
		margin float64
		minHC  float64
	}{
		{"profitable", 0.3, 0},
		{"thin margin", 0.01, 0},
		{"loss at the optimum", 0.01, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			budget, hc, money := 400000.0, 3.0, 50000.0
			mp := &MarketProblem{Objective: Profit, Budget: &budget,
				Resources:   []Resource{{Name: "headcount", UnitCost: 100000, Integer: true, Total: &hc}, {Name: "money", UnitCost: 1, Total: &money}},
				Calibration: Calibration{Weights: map[string]float64{"headcount": 1, "money": 1}, Shapes: map[string]float64{"headcount": 0.8, "money": 0.8}}}
			for i, id := range []string{"W", "E"} {
				sat, floor, mg := 0.1, 0.01, tc.margin
				mp.Markets = append(mp.Markets, Market{ID: id, Market: 9e6 + 12e6*float64(i), Share: 0.02, Saturation: &sat, Floor: &floor, Margin: &mg,
					Min: map[string]float64{"headcount": tc.minHC}, Current: map[string]float64{"headcount": float64(1 + i), "money": 20000 + 10000*float64(i)}})
			}
			p, err := mp.Problem()
			if err != nil {
				t.Fatal(err)
			}
			r, err := Solve(context.Background(), p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Bound < r.Objective {
				t.Errorf("bound %v < objective %v", r.Bound, r.Objective)
			}
			obj, _ := Evaluate(p, r.Allocation)
			if math.Abs(obj-r.Objective) > 1e-6*math.Max(1, math.Abs(obj)) || math.Abs(r.TotalRevenue-r.Objective) < 1 {
				t.Errorf("objective %v, recomputed %v, revenue %v: want the profit, not the revenue", r.Objective, obj, r.TotalRevenue)
			}
			best := math.Inf(-1)
			for w := 0.0; w <= hc; w++ {
				for e := 0.0; w+e <= hc; e++ {
					if w < tc.minHC || e < tc.minHC {
						continue
					}
					for k := 0; k <= 20; k++ {
						mw := money * float64(k) / 20
						for j := 0; j <= 20-k; j++ {
							me := money * float64(j) / 20
							if 100000*(w+e)+mw+me > budget {
								continue
							}
							v, _ := Evaluate(p, map[string]map[string]float64{"W": {"headcount": w, "money": mw}, "E": {"headcount": e, "money": me}})
							best = math.Max(best, v)
						}
					}
				}
			}
			if best > r.Bound+1e-6*math.Max(1, math.Abs(best)) {
				t.Errorf("an allocation on the grid earns %v, above the bound %v", best, r.Bound)
			}
			if best > r.Objective+1e-6*math.Max(1, math.Abs(best)) {
				t.Errorf("an allocation on the grid earns %v, above the optimum %v", best, r.Objective)
			}
			t.Logf("objective %.2f bound %.2f revenue %.2f", r.Objective, r.Bound, r.TotalRevenue)
		})
	}
}
