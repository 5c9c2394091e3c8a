package plan

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/terrane/terrane/optimizer/fit"
)

// TestShareBacktest checks the share model's calibration on the training
// years only and its forecast at the judged year's resources against
// hand arithmetic: the plain case, the saturation raise, the market raise,
// a territory without a market, and the errors.
func TestShareBacktest(t *testing.T) {
	var rows []fit.Row
	add := func(terr string, y int, rev, reps float64) {
		rows = append(rows, fit.Row{Territory: terr, Period: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"),
			Start: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), Revenue: rev, Resources: []float64{reps}})
	}
	add("A", 2014, 40, 2)
	add("A", 2015, 60, 2)
	add("A", 2016, 70, 4) // the reps double
	add("B", 2014, 7, 1)
	add("B", 2015, 7, 1)
	add("B", 2016, 1e6, 1) // the judged year must not reach the calibration
	add("C", 2014, 9, 1)
	add("C", 2015, 9, 1)
	add("C", 2016, 9, 1)
	add("D", 2014, 1, 1)
	add("D", 2015, 1, 1)
	add("D", 2016, 1, 1)
	ds, err := fit.NewDataset(rows, []string{"reps"}, nil, fit.Year)
	if err != nil {
		t.Fatal(err)
	}
	markets := map[string]ShareMarket{"A": {Market: 1000, Low: 800, High: 1200}, "B": {Market: 100, Low: 50, High: 100}, "C": {Market: 10, Low: 5, High: 20}}
	res, err := ShareBacktest(ds, markets, ShareOptions{Holdout: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Territories) != 3 || len(res.Skipped) != 1 || res.Skipped[0].Territory != "D" || res.Forecaster != "share" || res.FittedPeriods != 2 {
		t.Fatalf("%+v", res)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	// A: R = 50, s = 0.05 ≤ 0.8 × 0.08: S = 0.08, F = 0.025, φ = 0.025/0.055,
	// K = 2 × (1 − φ)/φ = 2.4; at 4 reps 1000 × (0.025 + 0.055 × 4/6.4).
	a := res.Territories[0]
	near("A share", a.Share, 0.05)
	near("A saturation", a.Saturation, 0.08)
	near("A floor", a.Floor, 0.025)
	fa := 1000 * (0.025 + 0.055*4/6.4)
	near("A forecast", res.Predictions[0].Forecast, fa)
	near("A p10", *res.Predictions[0].P10, fa*0.8)
	near("A p90", *res.Predictions[0].P90, fa*1.2)
	// B: s = 0.07 > 0.064: S = 0.07/0.8, F = 0.035; unchanged reps: 7.
	b := res.Territories[1]
	near("B saturation", b.Saturation, 0.0875)
	near("B floor", b.Floor, 0.035)
	near("B forecast", res.Predictions[1].Forecast, 7)
	// C: s = 0.9 would need S = 1.125: the market is raised to 9/0.8, s = 0.8, S = 1.
	c := res.Territories[2]
	near("C market", c.Market, 11.25)
	near("C share", c.Share, 0.8)
	near("C saturation", c.Saturation, 1)
	near("C forecast", res.Predictions[2].Forecast, 9)
	// scored with the baselines, intervals of every row
	if m := res.Holdout.Model; m.N != 3 || m.Coverage == nil || *m.Coverage != 2.0/3 || len(res.Holdout.Baselines) != 4 {
		t.Errorf("%+v", res.Holdout)
	}
	near("WAPE", *res.Holdout.Model.WAPE, (math.Abs(70-fa)+math.Abs(1e6-7))/(70+1e6+9))

	for _, c := range []struct {
		markets map[string]ShareMarket
		opts    ShareOptions
		want    string
	}{
		{markets, ShareOptions{Holdout: 0}, "at least 1 and less than the 3 periods"},
		{markets, ShareOptions{Holdout: 1, Headroom: 1}, "headroom"},
		{map[string]ShareMarket{"A": {Market: -1}}, ShareOptions{Holdout: 1}, "market of territory A"},
		{map[string]ShareMarket{"A": {Market: 10, Low: 11, High: 12}}, ShareOptions{Holdout: 1}, "low ≤ market ≤ high"},
		{map[string]ShareMarket{"Z": {Market: 10}}, ShareOptions{Holdout: 1}, "no territory has both"},
	} {
		if _, err := ShareBacktest(ds, c.markets, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %+v: error %v, want %q", c.markets, c.opts, err, c.want)
		}
	}
}
