package fit

import (
	"math"
	"testing"
)

// TestBaselines checks each naive rule on a history small enough to
// compute by hand: quarters 0…7 fitted, 8 and 9 forecast.
func TestBaselines(t *testing.T) {
	a := series{per: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, rev: []float64{10, 12, 14, 16, 18, 20, 22, 24, 99, 99}}
	b := series{per: []int{2, 3, 4, 5, 6, 7, 8}, rev: []float64{5, 5, 5, 5, 5, 5, 99}}
	all := []series{a, b}
	const cut, h, ppy = 8, 2, 4
	want := map[string][][2]float64{ // per series: forecast of periods 8 and 9
		"last_n_mean":  {{23, 23}, {5, 5}},
		"year_ago":     {{18, 20}, {5, 5}},
		"linear_trend": {{26, 28}, {5, 5}},
	}
	for name, w := range want {
		f := newForecaster(name, all, cut, h, ppy)
		for i, s := range all {
			for j, per := range []int{8, 9} {
				got, ok := f.forecast(s, per)
				if !ok || math.Abs(got-w[i][j]) > 1e-9 {
					t.Errorf("%s, series %d, period %d: %v (%v), want %v", name, i, per, got, ok, w[i][j])
				}
			}
		}
	}
	// mean_x_trend: totals 10, 12, 19, 21, 23, 25, 27, 29 over periods
	// 0…7: least squares 10.5 + 2.714286·p (mean 20.75), so period 8 is
	// (10.5 + 21.714286)/20.75 × the territory's fitted mean.
	f := newForecaster("mean_x_trend", all, cut, h, ppy)
	got, ok := f.forecast(a, 8)
	slope := 2.7142857142857144
	icept := 20.75 - slope*3.5
	if w := 17 * (icept + slope*8) / 20.75; !ok || math.Abs(got-w) > 1e-9 {
		t.Errorf("mean_x_trend: %v, want %v", got, w)
	}
	// year_ago has no data for a period a year after nothing
	c := series{per: []int{6, 7}, rev: []float64{1, 1}}
	if _, ok := newForecaster("year_ago", []series{c}, cut, h, ppy).forecast(c, 8); ok {
		t.Error("year_ago forecast period 8 from periods 6 and 7")
	}
}

func TestScore(t *testing.T) {
	m := Score([]float64{100, 0, 50}, []float64{90, 10, 60}, []float64{80, 0, 61}, []float64{110, 5, 70})
	// |errors| 10, 10, 10 over Σ actual 150; MAPE over the two non-zero
	// actuals (0.1, 0.2); bias (−10 + 10 + 10)/150; covered: 100 and 0
	if m.N != 3 || math.Abs(*m.WAPE-0.2) > 1e-12 || math.Abs(*m.MAPE-0.15) > 1e-12 || math.Abs(*m.Bias-10.0/150) > 1e-12 || math.Abs(*m.Coverage-2.0/3) > 1e-12 {
		t.Fatalf("%s", describe(m))
	}
	if z := Score([]float64{0}, []float64{1}, nil, nil); z.WAPE != nil || z.MAPE != nil || z.Bias != nil || z.Coverage != nil {
		t.Fatalf("zero actuals: %s, want every figure absent", describe(z))
	}
}
