package allocate

import (
	"context"
	"math"
	"testing"
)

func TestEdgeCases(t *testing.T) {
	two := func() *Problem {
		return &Problem{
			Budget: ptr(100),
			Resources: []Resource{
				{Name: "headcount", UnitCost: 10, Integer: true, Total: ptr(4)},
				{Name: "money", UnitCost: 1},
			},
			Territories: []Territory{
				{ID: "A", Curves: map[string]Curve{"headcount": {Beta: 50, K: 2}, "money": {Beta: 30, K: 20, Shape: 0.7}}, Current: map[string]float64{"headcount": 1, "money": 10}},
				{ID: "B", Curves: map[string]Curve{"headcount": {Beta: 80, K: 3, Shape: 0.8}, "money": {Beta: 20, K: 5, Shape: 1}}, Current: map[string]float64{"headcount": 2, "money": 30}},
			},
		}
	}
	tests := []struct {
		name string
		edit func(p *Problem)
		want float64 // expected objective, NaN: only the invariants
	}{
		{"zero budget", func(p *Problem) { p.Budget = ptr(0) }, 0},
		{"zero totals", func(p *Problem) { p.Resources[0].Total = ptr(0); p.Budget = ptr(0) }, 0},
		{"no territories", func(p *Problem) { p.Territories = nil }, 0},
		{"all locked", func(p *Problem) {
			p.Territories[0].Locked = true
			p.Territories[1].Locked = true
		}, math.NaN()},
		{"no budget", func(p *Problem) { p.Budget = nil; p.Resources[1].Total = ptr(40) }, math.NaN()},
		{"profit", func(p *Problem) { p.Objective = Profit; p.Territories[0].Margin = ptr(0.5) }, math.NaN()},
		{"fractional total of an integer resource", func(p *Problem) { p.Resources[0].Total = ptr(3.7) }, math.NaN()},
		{"resource without curves", func(p *Problem) {
			p.Resources = append(p.Resources, Resource{Name: "hours", Total: ptr(10)})
		}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := two()
			tc.edit(p)
			f := fixture{name: tc.name, p: p, opt: math.NaN(), concave: true}
			r := solveFixture(t, f)
			if !math.IsNaN(tc.want) && math.Abs(r.Objective-tc.want) > 1e-9 {
				t.Errorf("objective %v, want %v", r.Objective, tc.want)
			}
			if tc.name == "all locked" {
				for _, tt := range p.Territories {
					for k, v := range tt.Current {
						if r.Allocation[tt.ID][k] != v {
							t.Errorf("locked %s moved %s: %v → %v", tt.ID, k, v, r.Allocation[tt.ID][k])
						}
					}
				}
			}
		})
	}
}

// TestChangePrices: a binding change limit has a positive price, equal to
// the gain from loosening it measured by re-solving.
func TestChangePrices(t *testing.T) {
	p := &Problem{
		Resources: []Resource{{Name: "money", UnitCost: 1, Total: ptr(100)}},
		Territories: []Territory{
			{ID: "A", Curves: map[string]Curve{"money": {Beta: 100, K: 10, Shape: 0.8}}, Current: map[string]float64{"money": 10}},
			{ID: "B", Curves: map[string]Curve{"money": {Beta: 10, K: 10, Shape: 0.8}}, Current: map[string]float64{"money": 90}},
		},
		MaxChange: map[string]float64{"money": 20},
	}
	r := solveFixture(t, fixture{p: p, opt: math.NaN(), concave: true})
	price := r.ChangePrices["money"]
	if !(price > 0) {
		t.Fatalf("change price %v, want positive (A is held at current + 20)", price)
	}
	q := *p
	q.MaxChange = map[string]float64{"money": 20.001}
	r2, err := Solve(context.Background(), &q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := (r2.Objective - r.Objective) / 0.001; math.Abs(got-price) > 1e-3*price {
		t.Errorf("loosening the limit gains %v per unit, change price %v", got, price)
	}
}
