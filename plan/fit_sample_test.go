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
