package fit

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestJudge scores an outside model's forecasts of the held-out rows next
// to the baselines, and refuses predictions that are not held-out rows of
// a territory judged.
func TestJudge(t *testing.T) {
	var rows []Row
	for _, terr := range []string{"A", "B"} {
		for y := 2014; y <= 2016; y++ {
			start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			rev := float64(10*(y-2013)) + map[string]float64{"A": 0, "B": 100}[terr]
			rows = append(rows, Row{Territory: terr, Period: start.Format("2006"), Start: start, Revenue: rev})
		}
	}
	ds, err := NewDataset(rows, nil, nil, Year)
	if err != nil {
		t.Fatal(err)
	}
	// A: 10, 20, 30; B: 110, 120, 130. Forecast 2016 as 25 and 130.
	preds := []Prediction{{Period: "2016", Territory: "A", Actual: 30, Forecast: 25, P10: 20, P90: 28}, {Period: "2016", Territory: "B", Actual: 130, Forecast: 130, P10: 120, P90: 140}}
	bt, model, base, err := Judge(ds, 1, []string{"A", "B"}, preds, true)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(*bt.Model.WAPE-5.0/160) > 1e-12 || *bt.Model.Coverage != 0.5 || *model["A"].WAPE != 5.0/30 || len(base["B"]) != 4 {
		t.Fatalf("%+v %+v %+v", bt.Model, model["A"], base["B"])
	}
	for _, b := range bt.Baselines {
		// last_n_mean and year_ago: 2015 (off by 10 each); linear_trend: exact
		want := map[string]float64{"last_n_mean": 20.0 / 160, "year_ago": 20.0 / 160, "linear_trend": 0}[b.Name]
		if b.Name != "mean_x_trend" && math.Abs(*b.Metrics.WAPE-want) > 1e-12 {
			t.Errorf("%s WAPE %v, want %v", b.Name, *b.Metrics.WAPE, want)
		}
	}
	for _, c := range []struct {
		terrs []string
		preds []Prediction
		want  string
	}{
		{[]string{"A", "Z"}, preds, "territory Z is not in the history"},
		{[]string{"A"}, preds, "prediction 2 (B, 2016) is not a held-out row"},
		{[]string{"A", "B"}, []Prediction{{Period: "2015", Territory: "A"}}, "prediction 1 (A, 2015) is not a held-out row"},
	} {
		if _, _, _, err := Judge(ds, 1, c.terrs, c.preds, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.terrs, err, c.want)
		}
	}
	if _, _, _, err := Judge(ds, 3, []string{"A"}, nil, false); err == nil {
		t.Error("a holdout of every period was accepted")
	}
}
