package allocate

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

// calibratedMarkets is a small plan with three kinds of territory: near
// saturation with a lot of money, with big headroom and little money, and
// in between. The budget equals what the current plan spends.
func calibratedMarkets() *MarketProblem {
	mp := &MarketProblem{
		Resources: []Resource{
			{Name: "headcount", UnitCost: 150000, Integer: true, Total: ptr(0)},
			{Name: "money", UnitCost: 1},
		},
		Calibration: Calibration{
			Weights: map[string]float64{"headcount": 0.6, "money": 0.4},
			Shapes:  map[string]float64{"money": 0.8},
			Floor:   0.02,
		},
	}
	spend, heads := 0.0, 0.0
	add := func(kind string, n int, market, share, money, hc float64) {
		for i := range n {
			mp.Markets = append(mp.Markets, Market{
				ID: fmt.Sprintf("%s-%d", kind, i), Market: market * (1 + 0.1*float64(i)), Share: share,
				Current: map[string]float64{"headcount": hc, "money": money},
				Min:     map[string]float64{"headcount": 1},
			})
			spend += 150000*hc + money
			heads += hc
		}
	}
	add("saturated", 8, 6e6, 0.585, 400000, 4)
	add("headroom", 8, 6e6, 0.08, 40000, 1)
	add("middle", 8, 3e6, 0.3, 150000, 2)
	mp.Budget = ptr(spend)
	mp.Resources[0].Total = ptr(heads)
	return mp
}

func current(p *Problem) map[string]map[string]float64 {
	a := map[string]map[string]float64{}
	for _, t := range p.Territories {
		a[t.ID] = map[string]float64{}
		for k, v := range t.Current {
			a[t.ID][k] = v
		}
	}
	return a
}

func TestCalibrationReproducesShare(t *testing.T) {
	mp := calibratedMarkets()
	p, err := mp.Problem()
	if err != nil {
		t.Fatal(err)
	}
	_, rev := Evaluate(p, current(p))
	for _, m := range mp.Markets {
		if got, want := rev[m.ID], m.Market*m.Share; math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: current revenue %v, want market × share = %v", m.ID, got, want)
		}
	}
	// near saturation the curve is flat at the current amount
	marg := func(id string) float64 {
		for _, tt := range p.Territories {
			if tt.ID == id {
				c := tt.Curves["money"]
				return c.Beta * hillDeriv(tt.Current["money"], c.K, c.Shape)
			}
		}
		return math.NaN()
	}
	if s, h := marg("saturated-0"), marg("headroom-0"); !(s*20 < h) {
		t.Errorf("marginal return of money: saturated %v, headroom %v; want the saturated curve far flatter", s, h)
	}
}

func TestCalibratedReallocation(t *testing.T) {
	mp := calibratedMarkets()
	p, err := mp.Problem()
	if err != nil {
		t.Fatal(err)
	}
	cur := current(p)
	before, _ := Evaluate(p, cur)

	// Moving money by hand from saturated to high-headroom territories
	// raises expected revenue.
	moved := current(p)
	for i := range 8 {
		moved[fmt.Sprintf("saturated-%d", i)]["money"] -= 100000
		moved[fmt.Sprintf("headroom-%d", i)]["money"] += 100000
	}
	after, _ := Evaluate(p, moved)
	if !(after > before) {
		t.Errorf("moving money to headroom: revenue %v → %v, want an increase", before, after)
	}

	r, err := Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, fixture{p: p, opt: math.NaN(), concave: true}, r)
	if !(r.Objective > after) {
		t.Errorf("optimum %v not above the hand-made move %v", r.Objective, after)
	}
	sum := func(kind, res string, a map[string]map[string]float64) float64 {
		s := 0.0
		for id, v := range a {
			if strings.HasPrefix(id, kind) {
				s += v[res]
			}
		}
		return s
	}
	for _, res := range []string{"money", "headcount"} {
		if a, b := sum("saturated", res, r.Allocation), sum("saturated", res, cur); !(a < b) {
			t.Errorf("saturated territories keep %v of %s (had %v), want less", a, res, b)
		}
		if a, b := sum("headroom", res, r.Allocation), sum("headroom", res, cur); !(a > b) {
			t.Errorf("headroom territories get %v of %s (had %v), want more", a, res, b)
		}
	}
	// No money where its marginal return is below the budget's shadow
	// price, and none withheld where it is above.
	mu := r.ShadowPrices["budget"]
	if !(mu > 0) {
		t.Fatalf("budget shadow price %v, want positive (the budget binds)", mu)
	}
	for _, tt := range p.Territories {
		x := r.Allocation[tt.ID]["money"]
		m := r.Marginal[tt.ID]["money"]
		if x > 1e-6 && m < mu*(1-1e-6) {
			t.Errorf("%s gets %v of money at marginal return %v below the shadow price %v", tt.ID, x, m, mu)
		}
		if m > mu*(1+1e-6) {
			t.Errorf("%s: marginal return %v above the shadow price %v, yet no more money", tt.ID, m, mu)
		}
	}
}

func TestMarketErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(mp *MarketProblem)
		terr  string
		field string
	}{
		{"share over 1", func(mp *MarketProblem) { mp.Markets[2].Share = 1.5 }, "saturated-2", "share"},
		{"floor above saturation", func(mp *MarketProblem) { mp.Markets[0].Floor = ptr(0.7) }, "saturated-0", "floor"},
		{"NaN market", func(mp *MarketProblem) { mp.Markets[1].Market = math.NaN() }, "saturated-1", "market"},
		{"unknown weight", func(mp *MarketProblem) { mp.Calibration.Weights["reps"] = 1 }, "", "calibration.weights.reps"},
		{"no weights", func(mp *MarketProblem) { mp.Calibration.Weights = nil }, "", "calibration.weights"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mp := calibratedMarkets()
			tc.edit(mp)
			_, err := mp.Problem()
			ie, ok := err.(*InputError)
			if !ok {
				t.Fatalf("error %v, want an *InputError", err)
			}
			if ie.Territory != tc.terr || ie.Field != tc.field {
				t.Errorf("error names %q %q, want %q %q (%v)", ie.Territory, ie.Field, tc.terr, tc.field, err)
			}
		})
	}
}
