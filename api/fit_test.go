package api_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestFitRun: a run of kind fit fits the layer's stored history (by unit,
// summed into the scenario's territories), keeps the fit, its back-test and
// its held-out forecasts with the run, and changes nothing else; bad fit
// options are 400s naming the field.
func TestFitRun(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		// 12 units × 12 quarters: revenue grows with money along a
		// saturating curve, with a Q4 peak and a little noise.
		var b strings.Builder
		b.WriteString("period,unit,revenue,money,Weather\n")
		for y := 2022; y <= 2024; y++ {
			for q := 1; q <= 4; q++ {
				for c := 0; c < 4; c++ {
					for r := 0; r < 3; r++ {
						i := (y-2022)*4 + q - 1
						money := 1000 * (1 + float64((i*7+c*3+r*5)%5))
						season := map[int]float64{1: 0.9, 2: 1, 3: 1, 4: 1.15}[q]
						noise := 1 + 0.03*math.Sin(float64(i*13+c*7+r*3))
						rev := float64(5000*(1+c)) * season * (1 + 0.5*money/(money+2000)) * noise
						fmt.Fprintf(&b, "%d-Q%d,%c%d,%.2f,%.0f,%d\n", y, q, 'a'+c, r, rev, money, (i*3)%7)
					}
				}
			}
		}
		if code, out := f.upload("ann", map[string]string{"kind": "history", "layer": "grid", "update_markets": "false"}, b.String()); code != 200 {
			t.Fatalf("history import: %d %v", code, out)
		}
		path := fmt.Sprintf("/api/v1/scenarios/%d/runs", f.baseline)
		for _, c := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"kind": "allocate", "fit": map[string]any{"holdout_periods": 2}}, "only a run of kind fit takes fit options"},
			{map[string]any{"kind": "fit", "fit": map[string]any{"holdout_periods": -1}}, "fit.holdout_periods must be ≥ 0"},
			{map[string]any{"kind": "fit", "fit": map[string]any{"controls": []string{"Weather", "Weather"}}}, `fit.controls: "Weather" twice`},
		} {
			if code, out := f.do("ann", "POST", path, c.body); code != 400 || !strings.Contains(errMessage(out), c.want) {
				t.Errorf("%v: %d %v, want 400 %q", c.body, code, out, c.want)
			}
		}
		f.startWorker()
		code, run := f.do("ann", "POST", path, map[string]any{"kind": "fit", "seed": 3, "fit": map[string]any{"holdout_periods": 4, "controls": []string{"Weather"}}})
		if code != 202 {
			t.Fatalf("start: %d %v", code, run)
		}
		done := f.waitRun(t, int64(run["id"].(float64)))
		if done["status"] != "succeeded" {
			t.Fatalf("fit run: %v", done)
		}
		res := done["result"].(map[string]any)
		if res["allocation"] != nil || res["alignment"] != nil {
			t.Errorf("a fit run allocated or aligned: %v", res)
		}
		fr := res["fit"].(map[string]any)
		terrs := fr["territories"].([]any)
		if len(terrs) != 2 || fr["holdout_periods"].(float64) != 4 || fmt.Sprint(fr["resources"]) != "[money]" || fmt.Sprint(fr["controls"]) != "[Weather]" {
			t.Fatalf("fit: %d territories, holdout %v, resources %v, controls %v", len(terrs), fr["holdout_periods"], fr["resources"], fr["controls"])
		}
		if p := fr["predictions"].([]any); len(p) != 2*4 {
			t.Errorf("%d predictions, want 8 (2 territories × 4 quarters)", len(p))
		}
		model := fr["holdout"].(map[string]any)["model"].(map[string]any)
		t.Logf("fit run back-test: %v", model)
		if model["wape"].(float64) > 0.1 {
			t.Errorf("WAPE %v on a nearly noiseless history", model["wape"])
		}
		// the share-calibrated curves judged on the same split, from the grid's market estimates
		share, ok := fr["share"].(map[string]any)
		if !ok {
			t.Fatalf("no share back-test: %v", fr["share_unavailable"])
		}
		sm := share["holdout"].(map[string]any)["model"].(map[string]any)
		t.Logf("share model back-test: %v", sm)
		if share["forecaster"] != "share" || len(share["territories"].([]any)) != 2 || len(share["predictions"].([]any)) != 8 || sm["n"].(float64) != 8 || sm["wape"] == nil {
			t.Errorf("share back-test: %v", share)
		}
		// a fit on a history shorter than the holdout is a failed run that says why
		code, run = f.do("ann", "POST", path, map[string]any{"kind": "fit", "fit": map[string]any{"holdout_periods": 12}})
		if code != 202 {
			t.Fatalf("start: %d %v", code, run)
		}
		if done := f.waitRun(t, int64(run["id"].(float64))); done["status"] != "failed" || !strings.Contains(fmt.Sprint(done["error"]), "fit.holdout_periods: 12 must be less than the history's 12 periods") {
			t.Errorf("holdout 12 of 12: %v", done)
		}
	})
}
