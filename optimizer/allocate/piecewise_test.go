package allocate

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestWritePiecewiseLP(t *testing.T) {
	p := &Problem{
		Budget: ptr(100),
		Resources: []Resource{
			{Name: "headcount", UnitCost: 10, Integer: true, Total: ptr(4)},
			{Name: "money", UnitCost: 1},
		},
		Territories: []Territory{
			{ID: "A", Base: 5, Curves: map[string]Curve{"headcount": {Beta: 50, K: 2}, "money": {Beta: 30, K: 20, Shape: 0.7}},
				Min: map[string]float64{"headcount": 1}, Max: map[string]float64{"headcount": 3, "money": 60}},
			{ID: "B", Curves: map[string]Curve{"money": {Beta: 20, K: 5}}, Max: map[string]float64{"money": 40}},
		},
	}
	var buf bytes.Buffer
	pm, err := WritePiecewiseLP(&buf, p, 8)
	if err != nil {
		t.Fatal(err)
	}
	lp := buf.String()
	for _, w := range []string{"Maximize", "Subject To", "total0:", "budget:", "int0_0:", "General", " n0_0", "End"} {
		if !strings.Contains(lp, w) {
			t.Errorf("LP lacks %q:\n%s", w, lp)
		}
	}
	// every segment empty: the lower bounds; every segment full: the upper
	lo := pm.Allocation(nil)
	if lo["A"]["headcount"] != 1 || lo["A"]["money"] != 0 || lo["B"]["money"] != 0 {
		t.Errorf("empty segments give %v", lo)
	}
	full := map[string]float64{}
	for _, line := range strings.Split(lp[strings.Index(lp, "Bounds"):], "\n") {
		f := strings.Fields(line)
		if len(f) == 5 && f[1] == "<=" {
			full[f[2]] = mustFloat(t, f[4])
		}
	}
	hi := pm.Allocation(full)
	if hi["A"]["headcount"] != 3 || math.Abs(hi["A"]["money"]-60) > 1e-9 || math.Abs(hi["B"]["money"]-40) > 1e-9 {
		t.Errorf("full segments give %v", hi)
	}
	obj, _ := Evaluate(p, lo)
	if math.Abs(pm.Constant()-obj) > 1e-9 {
		t.Errorf("constant %v, objective at the lower bounds %v", pm.Constant(), obj)
	}
	if _, err := WritePiecewiseLP(&buf, Synthetic(10, 1, true), 8); err == nil {
		t.Error("S-shaped curves accepted")
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
