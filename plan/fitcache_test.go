package plan

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/terrane/terrane/optimizer/fit"
)

// TestFitCacheFitsOnce: the same history and options are fitted once and
// then answered from the cache; a changed history or option is fitted
// anew; the cache keeps at most fitCacheSize fits.
func TestFitCacheFitsOnce(t *testing.T) {
	history := func(bump float64) *fit.Dataset {
		var rows []fit.Row
		for ti, name := range []string{"A", "B", "C"} {
			for q := 0; q < 12; q++ {
				spend := 100 + 30*float64((q*7+ti*3)%5)
				rev := (1000 + 400*float64(ti)) * spend / (spend + 150) * (1 + 0.02*math.Sin(float64(q+ti)))
				if ti == 0 && q == 11 {
					rev += bump
				}
				rows = append(rows, fit.Row{Territory: name, Period: fmt.Sprintf("%d-Q%d", 2023+q/4, q%4+1),
					Start: time.Date(2023+q/4, time.Month(3*(q%4)+1), 1, 0, 0, 0, 0, time.UTC), Revenue: rev, Resources: []float64{spend}})
			}
		}
		ds, err := fit.NewDataset(rows, []string{"money"}, nil, fit.Quarter)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	ctx := context.Background()
	var c fitCache
	opts := fit.Options{Draws: 20, MaxShape: 1}
	a, err := c.fit(ctx, history(0), opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.fit(ctx, history(0), opts)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("the same history and options were fitted twice")
	}
	if d, _ := c.fit(ctx, history(50), opts); d == a {
		t.Error("a changed history was answered from the cache")
	}
	if d, _ := c.fit(ctx, history(0), fit.Options{Draws: 20, MaxShape: 1, Holdout: 4}); d == a {
		t.Error("other options were answered from the cache")
	}
	for i := 0; i < fitCacheSize+2; i++ {
		if _, err := c.fit(ctx, history(float64(i+1)), opts); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.keys) != fitCacheSize || len(c.vals) != fitCacheSize {
		t.Errorf("the cache holds %d keys and %d fits, want %d", len(c.keys), len(c.vals), fitCacheSize)
	}
	if d, _ := c.fit(ctx, history(0), opts); d == a {
		t.Error("the oldest fit was not dropped")
	}
}
