package allocate

import (
	"context"
	"math"
	"testing"
)

func TestFrontierBudget(t *testing.T) {
	p := Synthetic(300, 3, false)
	p.Resources[0].Integer = false // continuous: the frontier is concave
	b0 := *p.Budget
	var values []float64
	for k := range 9 {
		values = append(values, b0*(0.8+0.05*float64(k)))
	}
	pts, err := Frontier(context.Background(), p, "budget", values, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *p.Budget != b0 {
		t.Fatal("Frontier modified the problem")
	}
	for k, pt := range pts {
		if pt.Status != Optimal || pt.Gap > 1e-6 {
			t.Errorf("budget %v: status %s gap %v", pt.Value, pt.Status, pt.Gap)
		}
		if k == 0 {
			continue
		}
		prev := pts[k-1]
		if pt.Objective < prev.Objective {
			t.Errorf("more budget, less revenue: %v → %v", prev.Objective, pt.Objective)
		}
		if pt.ShadowPrice > prev.ShadowPrice*(1+1e-6) {
			t.Errorf("shadow price rises with budget: %v → %v", prev.ShadowPrice, pt.ShadowPrice)
		}
		// the chord's slope lies between the shadow prices at its ends
		slope := (pt.Objective - prev.Objective) / (pt.Value - prev.Value)
		if slope > prev.ShadowPrice*(1+1e-6) || slope < pt.ShadowPrice*(1-1e-6) {
			t.Errorf("chord slope %v outside [%v, %v]", slope, pt.ShadowPrice, prev.ShadowPrice)
		}
	}
}

func TestFrontierHeadcount(t *testing.T) {
	p := Synthetic(200, 5, false)
	p.Budget = nil
	total := *p.Resources[0].Total
	values := []float64{total - 20, total - 10, total, total + 10}
	pts, err := Frontier(context.Background(), p, "headcount", values, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, pt := range pts {
		if pt.Status != Optimal {
			t.Errorf("headcount %v: status %s gap %v", pt.Value, pt.Status, pt.Gap)
		}
		if k > 0 && pt.Objective < pts[k-1].Objective {
			t.Errorf("more reps, less revenue: %v → %v", pts[k-1].Objective, pt.Objective)
		}
	}
	if _, err := Frontier(context.Background(), p, "reps", values, nil); err == nil {
		t.Error("unknown constraint accepted")
	}
}

func TestUnitValues(t *testing.T) {
	p := Synthetic(200, 8, false)
	base, err := Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	uvs, err := UnitValues(context.Background(), p, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]UnitValue{}
	for _, uv := range uvs {
		seen[uv.Constraint] = uv
		if uv.Gain < -1e-6*math.Abs(base.Objective) {
			t.Errorf("%s: one more unit loses %v", uv.Constraint, uv.Gain)
		}
	}
	for _, c := range []string{"budget", "headcount", "attention"} {
		if _, ok := seen[c]; !ok {
			t.Errorf("no unit value for %s", c)
		}
	}
	// attention is continuous: one more hour is worth its shadow price,
	// up to the curvature over one hour.
	if a := seen["attention"]; math.Abs(a.Gain-a.ShadowPrice) > 0.01*a.ShadowPrice {
		t.Errorf("one more hour gains %v, shadow price %v", a.Gain, a.ShadowPrice)
	}
	if h := seen["headcount"]; h.FundedGain < h.Gain-1e-6 {
		t.Errorf("a funded rep gains %v, less than an unfunded one %v", h.FundedGain, h.Gain)
	}
}
