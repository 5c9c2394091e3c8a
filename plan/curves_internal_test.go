package plan

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/optimizer/allocate"
)

// allocateSample runs an allocate run on the sample company's baseline
// scenario with settings.curves = curves.
func allocateSample(t *testing.T, curves string, robust, branch bool) *outcome {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := loader.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	if curves != "" || robust {
		sc, err := s.FindScenarioByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]any{}
		if len(sc.Settings) > 0 {
			if err := json.Unmarshal(sc.Settings, &set); err != nil {
				t.Fatal(err)
			}
		}
		if curves != "" {
			set["curves"] = curves
		}
		if robust {
			set["robust"] = true
		}
		raw, _ := json.Marshal(set)
		if _, err := s.UpdateScenario(ctx, 1, terrane.ScenarioUpdate{Settings: raw}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	id := int64(1)
	if branch {
		// a branch of the baseline, as the API makes one: the history is
		// the baseline's, by territory
		parent, err := s.FindScenarioByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		terrs, err := s.FindTerritories(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		assignments, err := s.FindAssignments(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		sc := &terrane.Scenario{Name: "branch", Layer: parent.Layer, ParentID: 1, Status: terrane.StatusDraft,
			Budget: parent.Budget, Resources: parent.Resources, Settings: parent.Settings}
		if err := s.CreateScenario(ctx, sc, terrs, assignments); err != nil {
			t.Fatal(err)
		}
		id = sc.ID
	}
	w := &Worker{Services: s}
	done, err := w.solve(ctx, &terrane.Run{ID: 1, ScenarioID: id, Kind: terrane.RunAllocate}, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// TestAllocateOnFittedCurves: the sample company has 12 quarters of history
// generated from a known curve; with the default settings (curves "auto")
// the territories whose back-test beats the naive baselines are planned on
// their fitted curves, the plan is certified (bound, gap), and its expected
// revenue's interval over the posterior draws brackets its point estimate.
func TestAllocateOnFittedCurves(t *testing.T) {
	done := allocateSample(t, "", false, false)
	out, fc := done.result, done.curves
	res, c := out.Allocation, out.Curves
	if c == nil || c.Setting != "auto" || c.HoldoutPeriods != 4 {
		t.Fatalf("curves %+v", c)
	}
	t.Logf("%s; status %s, objective %.0f, bound %.0f, gap %.2g; expected %.0f, P10–P90 %.0f–%.0f (draws %+v)", c.Note,
		res.Status, res.Objective, res.Bound, res.Gap, c.ExpectedRevenue.Estimate, c.ExpectedRevenue.Interval.P10, c.ExpectedRevenue.Interval.P90, c.ExpectedRevenue.Draws)
	if c.Fitted < 26 || c.Fitted+c.Assumed != 51 {
		t.Errorf("%d territories fitted, %d assumed: want most of the 51 fitted on the sample's history", c.Fitted, c.Assumed)
	}
	if res.Status != allocate.Optimal || !(res.Bound >= res.Objective) || res.Gap > 1e-6 {
		t.Errorf("allocation on fitted curves: status %s, objective %v, bound %v, gap %v", res.Status, res.Objective, res.Bound, res.Gap)
	}
	er := c.ExpectedRevenue
	if er == nil || er.Draws.N != curveDraws || er.Interval == nil {
		t.Fatalf("expected revenue %+v", er)
	}
	if !(er.Interval.P10 < er.Estimate && er.Estimate < er.Interval.P90) || er.Interval.P50 != er.Estimate {
		t.Errorf("interval %+v does not bracket the estimate %v", er.Interval, er.Estimate)
	}
	if dr := er.Draws.Interval; !(dr.P10 < er.Draws.Mean && er.Draws.Mean < dr.P90) {
		t.Errorf("draws %+v: their interval should hold their mean", er.Draws)
	}
	if d := er.Estimate - res.TotalRevenue; d*d > 1 {
		t.Errorf("estimate %v is not the solver's total revenue %v", er.Estimate, res.TotalRevenue)
	}
	for id, tc := range fc.curves {
		for r, n := range tc.mode.Shape {
			if n > 1 {
				t.Errorf("%s: shape %v of %s > 1: planning curves must be concave", id, n, fc.res[r])
			}
		}
	}
	// each territory says which curve and why; the fitted ones' model
	// reproduces the fitted mode's revenue at the allocation
	var fitted int
	for id, tr := range done.results.Territories {
		var r TerritoryResult
		if err := json.Unmarshal(tr, &r); err != nil {
			t.Fatal(err)
		}
		switch r.CurveSource {
		case CurveFitted:
			fitted++
			if !strings.HasPrefix(r.CurveNote, "fitted from 12 quarters; beats the naive forecast") {
				t.Errorf("%s: note %q", id, r.CurveNote)
			}
			tc := fc.curves[id]
			allocated := map[string]bool{"headcount": true, "money": true, "attention": true}
			want := tc.revenue(tc.mode, fc.res, fc.scale, allocated, r.Allocation)
			if d := (want - r.ExpectedRevenue) / want; d*d > 1e-12 {
				t.Errorf("%s: stored expected revenue %v, fitted curve's %v", id, r.ExpectedRevenue, want)
			}
		case CurveAssumed:
			if !strings.HasPrefix(r.CurveNote, "assumed from market share: ") {
				t.Errorf("%s: note %q", id, r.CurveNote)
			}
		default:
			t.Errorf("%s: curve_source %q", id, r.CurveSource)
		}
	}
	for _, id := range []string{"CA", "TX", "WY", "VT"} {
		var r TerritoryResult
		if err := json.Unmarshal(done.results.Territories[id], &r); err == nil {
			t.Logf("%s: %s — %s", id, r.CurveSource, r.CurveNote)
		}
	}
	if fitted != c.Fitted {
		t.Errorf("%d territory results fitted, summary says %d", fitted, c.Fitted)
	}
}

// TestAllocateAssumedCurves: settings.curves "assumed" plans on the
// share-calibrated curves, as before, with no interval.
func TestAllocateAssumedCurves(t *testing.T) {
	done := allocateSample(t, "assumed", false, false)
	c := done.result.Curves
	if c.Fitted != 0 || c.Assumed != 51 || c.ExpectedRevenue != nil {
		t.Errorf("curves %+v", c)
	}
	if err := (&ScenarioSettings{Curves: "learned"}).Validate(); err == nil || !strings.Contains(err.Error(), "settings.curves") {
		t.Errorf("bad setting: %v", err)
	}
}

// TestAllocateRobust: settings.robust plans again on the mean curves over
// the draws, certified, and shows that plan next to the mode's: over the
// draws it earns at least as much (up to the mean curves' Hill fit).
func TestAllocateRobust(t *testing.T) {
	done := allocateSample(t, "", true, false)
	c := done.result.Curves
	rb := c.Robust
	if rb == nil {
		t.Fatalf("no robust plan: %+v", c)
	}
	t.Logf("robust: %s, objective %.0f, bound %.0f, gap %.2g, fit error %.4f; over draws robust %.0f (%.0f–%.0f), mode plan %.0f (%.0f–%.0f), gain %.0f",
		rb.Status, rb.Objective, rb.Bound, rb.Gap, rb.FitError, rb.Robust.Mean, rb.Robust.Interval.P10, rb.Robust.Interval.P90, rb.Mode.Mean, rb.Mode.Interval.P10, rb.Mode.Interval.P90, rb.Gain)
	if rb.Status != string(allocate.Optimal) || !(rb.Bound >= rb.Objective) || rb.Gap > 1e-6 {
		t.Errorf("robust plan not certified: %+v", rb)
	}
	if rb.FitError > 0.02 {
		t.Errorf("the mean curves' Hill fit is off by %.3f of their height", rb.FitError)
	}
	if rb.Robust.N != curveDraws || rb.Mode.N != curveDraws || rb.Gain < -rb.FitError*rb.Mode.Mean {
		t.Errorf("robust %+v vs mode %+v", rb.Robust, rb.Mode)
	}
	if d := (rb.Mode.Mean - c.ExpectedRevenue.Draws.Mean) / rb.Mode.Mean; d*d > 1e-18 {
		t.Errorf("the mode plan over draws %v, the expected revenue's draws %v", rb.Mode.Mean, c.ExpectedRevenue.Draws.Mean)
	}
	n := 0
	for id, raw := range done.results.Territories {
		var r TerritoryResult
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		if r.RobustAllocation != nil {
			n++
		} else {
			t.Errorf("%s: no robust allocation", id)
		}
	}
	if n != 51 {
		t.Errorf("%d territories with a robust allocation", n)
	}
}

// TestAllocateBranchOnFittedCurves: a branch of the baseline has no history
// of its own; it plans on the baseline's, by territory id, the same curves.
func TestAllocateBranchOnFittedCurves(t *testing.T) {
	base := allocateSample(t, "", false, false).result
	branch := allocateSample(t, "", false, true).result
	if branch.Curves.Fitted != base.Curves.Fitted || branch.Curves.Fitted == 0 {
		t.Errorf("branch: %d fitted, baseline %d", branch.Curves.Fitted, base.Curves.Fitted)
	}
	if d := branch.Allocation.Objective - base.Allocation.Objective; d*d > 1e-6 {
		t.Errorf("branch objective %v, baseline %v", branch.Allocation.Objective, base.Allocation.Objective)
	}
}
