package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terrane/terrane/optimizer/fit"
)

// TestFitSampleHistory back-tests the sample company's history (51 states
// × 12 quarters, data/sample/company/history.csv): fit on 8 quarters,
// forecast the last 4 given the resources, and beat every naive baseline
// with calibrated intervals.
func TestFitSampleHistory(t *testing.T) {
	dir := t.TempDir()
	out, pred := filepath.Join(dir, "fit.json"), filepath.Join(dir, "pred.csv")
	env, stdout, stderr := testEnv("")
	args := []string{"fit", "--history", "../../data/sample/company/history.csv", "--holdout-periods", "4", "--predictions", pred, "--out", out}
	if err := run(context.Background(), env, args); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "51 territories × 12 quarter periods, 3 resources") {
		t.Fatalf("stdout %q, stderr %q", stdout, stderr)
	}
	t.Log(strings.TrimSpace(stderr.String()))
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res fit.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Territories) != 51 || res.FittedPeriods != 8 || res.HoldoutPeriods != 4 || strings.Join(res.Resources, ",") != "headcount,money,attention" {
		t.Fatalf("%d territories, %d + %d periods, resources %v", len(res.Territories), res.FittedPeriods, res.HoldoutPeriods, res.Resources)
	}
	ordered := func(iv fit.Interval) bool { return iv.P10 <= iv.P50 && iv.P50 <= iv.P90 }
	for _, tf := range res.Territories {
		if !ordered(tf.Base) || len(tf.Resources) != 3 || len(tf.Curve) != 3 || tf.Holdout == nil || tf.Holdout.N != 4 || len(tf.Baselines) != 4 {
			t.Fatalf("%s: %+v", tf.Territory, tf)
		}
		for _, r := range tf.Resources {
			if !ordered(r.Beta) || !ordered(r.K) || !ordered(r.Shape) || r.Decay == nil || !ordered(*r.Decay) {
				t.Fatalf("%s %s: %+v", tf.Territory, r.Resource, r)
			}
		}
		if !(tf.Curve[0].Revenue.P50 < tf.Curve[1].Revenue.P50 && tf.Curve[1].Revenue.P50 < tf.Curve[2].Revenue.P50) {
			t.Errorf("%s: the curve does not rise with the resources: %+v", tf.Territory, tf.Curve)
		}
	}
	m := res.Holdout.Model
	t.Logf("model WAPE %.3f MAPE %.3f bias %+.3f coverage %.3f", *m.WAPE, *m.MAPE, *m.Bias, *m.Coverage)
	if *m.Coverage < 0.70 || *m.Coverage > 0.90 {
		t.Errorf("coverage of the 80 %% intervals %.3f, want 0.70–0.90", *m.Coverage)
	}
	for _, bl := range res.Holdout.Baselines {
		t.Logf("%s WAPE %.3f", bl.Name, *bl.Metrics.WAPE)
		if *bl.Metrics.WAPE <= *m.WAPE {
			t.Errorf("baseline %s (WAPE %.3f) beats the model (%.3f)", bl.Name, *bl.Metrics.WAPE, *m.WAPE)
		}
	}
	f, err := os.Open(pred)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "period,territory,actual,forecast,p10,p90" || len(recs) != 1+51*4 {
		t.Fatalf("predictions: header %v, %d lines", recs[0], len(recs))
	}
	if recs[1][0] != "2025-Q1" || recs[1][1] != "AK" {
		t.Errorf("first prediction %v, want 2025-Q1 AK", recs[1])
	}
}

// TestFitErrors: bad usage and bad files fail with the line and column.
func TestFitErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "period,territory,revenue,money\n2024-Q1,A,100,10\n2024-Q2,A,110,12\n2024-Q3,A,90,8\n")
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{}, true, "needs --history"},
		{[]string{"--history", good, "--predictions", filepath.Join(dir, "p.csv")}, true, "--predictions needs --holdout-periods"},
		{[]string{"--history", good, "--holdout-periods", "3"}, true, "less than the history's 3 periods"},
		{[]string{"--history", good, "--holdout-periods", "-1"}, true, "must be ≥ 0"},
		{[]string{"--history", filepath.Join(dir, "missing.csv")}, false, "no such file"},
		{[]string{"--history", write("noper.csv", "territory,revenue,money\nA,1,2\n")}, false, "missing column: period"},
		{[]string{"--history", write("badper.csv", "period,territory,revenue,money\n2024-13,A,1,2\n")}, false, `line 2, column period: "2024-13" is not a period`},
		{[]string{"--history", write("mixed.csv", "period,territory,revenue,money\n2024-Q1,A,1,2\n2024-02,A,1,2\n")}, false, "line 3, column period"},
		{[]string{"--history", write("emptyres.csv", "period,territory,revenue,money\n2024-Q1,A,1,\n")}, false, "line 2, column money: empty resource amount"},
		{[]string{"--history", write("negrev.csv", "period,territory,revenue,money\n2024-Q1,A,-1,2\n")}, false, "line 2, column revenue: negative revenue"},
		{[]string{"--history", write("dup.csv", "period,territory,revenue,money\n2024-Q1,A,1,2\n2024-Q1,A,1,2\n")}, false, "territory A has period 2024-Q1 twice"},
		{[]string{"--history", good, "--controls", "weather"}, false, `missing column "weather" (chosen in --controls)`},
		{[]string{"--history", good, "--resources", "revenue"}, false, `column "revenue" is the revenue column`},
		{[]string{"--history", write("nores.csv", "period,territory,revenue\n2024-Q1,A,1\n")}, false, "no resource column"},
	} {
		env, _, _ := testEnv("")
		err := run(context.Background(), env, append([]string{"fit", "--quiet"}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, errUsage) != c.usage {
			t.Errorf("%v: error %v, want one containing %q (usage %v)", c.args, err, c.want, c.usage)
		}
	}
	// the good file fits, to stdout
	env, stdout, _ := testEnv("")
	if err := run(context.Background(), env, []string{"fit", "--quiet", "--history", good}); err != nil {
		t.Fatal(err)
	}
	var res fit.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || len(res.Territories) != 1 || res.Holdout != nil {
		t.Fatalf("%v: %+v", err, res)
	}
}

// TestBacktest: `terrane backtest` writes the holdout's scores only, with
// the best baseline and the model's improvement over it, and needs a
// holdout.
func TestBacktest(t *testing.T) {
	env, stdout, stderr := testEnv("")
	if err := run(context.Background(), env, []string{"backtest", "--history", "../../data/sample/company/history.csv", "--holdout-periods", "4"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stderr.String(), "backtest: 51 territories") {
		t.Errorf("stderr %q", stderr)
	}
	var doc struct {
		backtestDoc
		Resources any `json:"resources"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Resources != nil || doc.HoldoutPeriods != 4 || doc.Model.N != 204 || len(doc.Baselines) != 4 || len(doc.Territories) != 51 {
		t.Fatalf("%s", stdout.Bytes()[:min(stdout.Len(), 400)])
	}
	best := doc.Baselines[0]
	for _, b := range doc.Baselines {
		if *b.Metrics.WAPE < *best.Metrics.WAPE {
			best = b
		}
	}
	if doc.BestBaseline != best.Name || doc.Improvement == nil || math.Abs(*doc.Improvement-(1 - *doc.Model.WAPE / *best.Metrics.WAPE)) > 1e-12 {
		t.Errorf("best %q improvement %v; want %s and 1 − %.4f/%.4f", doc.BestBaseline, doc.Improvement, best.Name, *doc.Model.WAPE, *best.Metrics.WAPE)
	}
	t.Logf("beats %s by %.0f %%", doc.BestBaseline, 100**doc.Improvement)
	env, _, _ = testEnv("")
	err := run(context.Background(), env, []string{"backtest", "--history", "../../data/sample/company/history.csv"})
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "backtest needs --holdout-periods") {
		t.Errorf("without a holdout: %v", err)
	}
}
