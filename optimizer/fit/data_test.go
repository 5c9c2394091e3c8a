package fit

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestNewDataset(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, 1+d, 0, 0, 0, 0, time.UTC) }
	row := func(terr string, d int, rev float64, x ...float64) Row {
		return Row{Territory: terr, Period: day(d).Format(time.DateOnly), Start: day(d), Revenue: rev, Resources: x}
	}
	ds, err := NewDataset([]Row{row("B", 7, 2, 1), row("A", 0, 1, 1), row("A", 7, 3, 2), row("B", 0, 4, 1)}, []string{"x"}, nil, Day)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Granularity != Week || strings.Join(ds.Territories, ",") != "A,B" || len(ds.Periods) != 2 || ds.Rows[ds.Series[1][1]].Revenue != 2 {
		t.Fatalf("%+v", ds)
	}
	if ds, _ := NewDataset([]Row{row("A", 0, 1, 1), row("A", 3, 1, 1)}, []string{"x"}, nil, Day); ds.Granularity != Day {
		t.Errorf("days 3 apart read as %s", ds.Granularity)
	}
	for _, c := range []struct {
		rows []Row
		want string
	}{
		{nil, "no rows"},
		{[]Row{row("", 0, 1, 1)}, "empty territory"},
		{[]Row{row("A", 0, math.NaN(), 1)}, "revenue must be a finite number ≥ 0"},
		{[]Row{row("A", 0, 1, -1)}, "resource x must be a finite number ≥ 0"},
		{[]Row{row("A", 0, 1)}, "0 resource amounts for 1 resources"},
		{[]Row{row("A", 0, 1, 1), row("A", 0, 2, 1)}, "has period 2024-01-01 twice"},
	} {
		if _, err := NewDataset(c.rows, []string{"x"}, nil, Day); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.rows, err, c.want)
		}
	}
	ds, _, _ = Simulate(Simulation{Territories: 3, Periods: 8, Granularity: Quarter, Resources: 1, Seed: 1})
	for _, h := range []int{-1, 8} {
		if _, err := Fit(context.Background(), ds, Options{Holdout: h}); err == nil || !strings.Contains(err.Error(), "holdout periods") {
			t.Errorf("holdout %d: %v", h, err)
		}
	}
}

// TestSkipped: a territory without revenue in the fitted periods, or
// with no fitted period at all, is left out and named, and the others fit.
func TestSkipped(t *testing.T) {
	ds, _, _ := Simulate(Simulation{Territories: 5, Periods: 12, Granularity: Quarter, Resources: 1, Seed: 2})
	rows := append([]Row(nil), ds.Rows...)
	for p := 0; p < 12; p++ {
		rows = append(rows, Row{Territory: "Zero", Period: ds.Periods[p], Start: ds.Starts[p], Revenue: 0, Resources: []float64{1}})
	}
	rows = append(rows, Row{Territory: "New", Period: ds.Periods[11], Start: ds.Starts[11], Revenue: 5, Resources: []float64{1}})
	ds, err := NewDataset(rows, ds.Resources, nil, Quarter)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), ds, Options{Holdout: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []Skipped{{"New", "no fitted period"}, {"Zero", "no revenue in the fitted periods"}}
	if len(res.Territories) != 5 || len(res.Skipped) != 2 || res.Skipped[0] != want[0] || res.Skipped[1] != want[1] {
		t.Fatalf("%d territories, skipped %v; want 5 and %v", len(res.Territories), res.Skipped, want)
	}
	if res.Holdout.Model.N != 10 || res.FittedPeriods != 10 || !res.Converged {
		t.Fatalf("holdout n %d, fitted periods %d, converged %v", res.Holdout.Model.N, res.FittedPeriods, res.Converged)
	}
}

// TestCancelAndProgress: a canceled context stops the fit with an error
// wrapping it; progress rises to 1.
func TestCancelAndProgress(t *testing.T) {
	ds, _, _ := Simulate(Simulation{Territories: 10, Periods: 12, Granularity: Quarter, Resources: 2, Seed: 4})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, ds, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
	var seen []float64
	if _, err := Fit(context.Background(), ds, Options{Progress: func(f float64) { seen = append(seen, f) }}); err != nil {
		t.Fatal(err)
	}
	if len(seen) < 3 || seen[len(seen)-1] != 1 {
		t.Fatalf("progress %v", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("progress went back: %v", seen)
		}
	}
}

// TestUninformative: a resource that never varies, and one never used,
// leave the curve to the priors — the fit still succeeds, with wide
// intervals where the data say nothing.
func TestUninformative(t *testing.T) {
	ds, _, _ := Simulate(Simulation{Territories: 8, Periods: 12, Granularity: Quarter, Resources: 1, Seed: 5})
	rows := append([]Row(nil), ds.Rows...)
	for i := range rows {
		rows[i].Resources = append([]float64{rows[i].Resources[0]}, 7, 0)
	}
	ds, err := NewDataset(rows, []string{"varied", "constant", "unused"}, nil, Quarter)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), ds, Options{Holdout: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, tf := range res.Territories {
		c := tf.Resources[1].Beta
		if !(c.P90/c.P10 > 5) {
			t.Errorf("%s: the constant resource's height %+v is narrower than the data allow", tf.Territory, c)
		}
	}
	t.Logf("%s", describe(res.Holdout.Model))
}
