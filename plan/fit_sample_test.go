package plan_test

import (
	"context"
	"math"
	"testing"

	"github.com/terrane/terrane/optimizer/fit"
	"github.com/terrane/terrane/plan"
)

// TestFitStoredSampleHistory fits the sample company's history as the
// store holds it after loader.Load (kind history, by territory of the
// baseline) and gets the back-test `terrane fit` gets from the CSV.
func TestFitStoredSampleHistory(t *testing.T) {
	ctx := context.Background()
	s := sampleStore(t)
	in, err := plan.Load(ctx, s, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.FindHistory(ctx, in.Scenario.Layer)
	if err != nil {
		t.Fatal(err)
	}
	ds, dropped, err := plan.HistoryDataset(rows, in.Scenario.ID, in.Assignments, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Territories) != 51 || len(ds.Periods) != 12 || len(dropped) != 0 || len(ds.Resources) != 3 {
		t.Fatalf("%d territories × %d periods, resources %v, dropped %v", len(ds.Territories), len(ds.Periods), ds.Resources, dropped)
	}
	res, err := fit.Fit(ctx, ds, fit.Options{Holdout: 4})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Holdout.Model
	t.Logf("stored history: WAPE %.4f, coverage %.3f", *m.WAPE, *m.Coverage)
	// the CSV through `terrane fit` (cmd/terrane TestFitSampleHistory, docs/benchmarks.md): 0.062, 0.750
	if math.Abs(*m.WAPE-0.0622) > 0.0005 || math.Abs(*m.Coverage-0.75) > 1e-9 {
		t.Errorf("WAPE %.4f, coverage %.3f; want the CSV's 0.0622 and 0.750", *m.WAPE, *m.Coverage)
	}
}

// TestShareBacktestStoredSample back-tests the baseline's share-calibrated
// curves on the sample company's stored history, the last 4 quarters
// judged: every territory calibrated on the 8 before from the store's
// market estimates, forecasts at the quarters' resources within the
// calibrated model's bounds, and the scores of the same split as the fit.
func TestShareBacktestStoredSample(t *testing.T) {
	ctx := context.Background()
	s := sampleStore(t)
	in, err := plan.Load(ctx, s, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.FindHistory(ctx, in.Scenario.Layer)
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := plan.HistoryDataset(rows, in.Scenario.ID, in.Assignments, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.ScenarioShareBacktest(in, ds, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Territories) != 51 || len(res.Skipped) != 0 || len(res.Predictions) != 204 || res.FittedPeriods != 8 {
		t.Fatalf("%d territories, skipped %v, %d predictions, %d fitted periods", len(res.Territories), res.Skipped, len(res.Predictions), res.FittedPeriods)
	}
	markets := in.Markets()
	for _, tr := range res.Territories {
		m := markets[tr.Territory]
		// the calibration reads the training quarters only: R is their mean
		var sum float64
		for _, k := range ds.Series[indexOf(ds.Territories, tr.Territory)] {
			if ds.PeriodOf[k] < 8 {
				sum += ds.Rows[k].Revenue
			}
		}
		if math.Abs(tr.Revenue-sum/8) > 1e-6*tr.Revenue || math.Abs(tr.Share-tr.Revenue*4/tr.Market) > 1e-12 ||
			math.Abs(tr.Market-m.Market) > 1e-9*m.Market || tr.Floor != tr.Share/2 || tr.Saturation < tr.Share/0.8-1e-12 || tr.MarketLow == nil {
			t.Fatalf("%s: %+v (market %+v)", tr.Territory, tr, m)
		}
	}
	for _, p := range res.Predictions {
		if !(p.Forecast > 0) || p.P10 == nil || !(*p.P10 < p.Forecast && p.Forecast < *p.P90) {
			t.Fatalf("%+v", p)
		}
	}
	sm := res.Holdout.Model
	if sm.N != 204 || sm.WAPE == nil || sm.Coverage == nil || len(res.Holdout.Baselines) != 4 {
		t.Fatalf("%+v", res.Holdout)
	}
	t.Logf("share model on the sample's last 4 quarters: WAPE %.3f, MAPE %.3f, bias %+.3f, coverage %.3f", *sm.WAPE, *sm.MAPE, *sm.Bias, *sm.Coverage)
	for _, b := range res.Holdout.Baselines {
		t.Logf("%s: WAPE %.3f", b.Name, *b.Metrics.WAPE)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
