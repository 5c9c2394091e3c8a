package fit

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestPlanningCurves: with MaxShape 1 every curve a plan gets is concave (at
// the mode and in every draw); Planner.Total is the sum of the mode's
// yearly curves at the amounts given, with an interval around it that
// widens with the territories' uncertainty; a bad MaxShape is refused.
func TestPlanningCurves(t *testing.T) {
	ds, _, err := Simulate(Simulation{Territories: 30, Periods: 12, Granularity: Quarter, Resources: 2, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), ds, Options{Draws: 100, MaxShape: 1})
	if err != nil {
		t.Fatal(err)
	}
	latest := map[string][]float64{}
	for i, s := range ds.Series {
		latest[ds.Territories[i]] = ds.Rows[s[len(s)-1]].Resources
	}
	var sum float64
	for _, tf := range res.Territories {
		for _, c := range append([]CurveDraw{tf.Mode}, tf.Draws...) {
			for r, n := range c.Shape {
				if n > 1 || n < nMin {
					t.Fatalf("%s: shape %v of resource %d outside (0.5, 1]", tf.Territory, n, r)
				}
			}
		}
		if len(tf.Draws) != 100 || !(tf.Mode.Scale > 0) {
			t.Fatalf("%s: %d draws, scale %v", tf.Territory, len(tf.Draws), tf.Mode.Scale)
		}
		sum += tf.Mode.Revenue(latest[tf.Territory])
	}
	all, ok := res.Planner().Total(latest)
	if !ok || math.Abs(all.P50-sum) > 1e-9*sum || !(all.P10 < all.P50 && all.P50 < all.P90) {
		t.Fatalf("total %+v (ok %v), want P50 %v inside (P10, P90)", all, ok, sum)
	}
	one, ok := res.Planner().Total(map[string][]float64{ds.Territories[0]: latest[ds.Territories[0]]})
	if !ok || !(one.P90/one.P10 > all.P90/all.P10) {
		t.Errorf("one territory's interval %+v should be relatively wider than the total's %+v", one, all)
	}
	if _, ok := res.Planner().Total(map[string][]float64{"nowhere": {1, 1}}); ok {
		t.Error("a territory the fit does not know was counted")
	}
	if _, err := Fit(context.Background(), ds, Options{MaxShape: 0.4}); err == nil || !strings.Contains(err.Error(), "largest shape") {
		t.Errorf("MaxShape 0.4: %v", err)
	}
}
