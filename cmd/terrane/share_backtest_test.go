package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestShareBacktestSuperstore is the acceptance line of issue P2 5/7 for
// the share-calibrated model: `terrane backtest --model share` on the
// Superstore by-state yearly history (data/sample/superstore_state_history.csv),
// calibrated on 2014–15 only, judged on 2016, against the built-in county
// proxies ($26M national). Every number the product reports is recomputed
// here by plain arithmetic from the raw files — the order lines and the
// county proxy table — and must match.
func TestShareBacktestSuperstore(t *testing.T) {
	dir := t.TempDir()
	out, pred := filepath.Join(dir, "share.json"), filepath.Join(dir, "pred.csv")
	env, stdout, stderr := testEnv("")
	args := []string{"backtest", "--model", "share", "--history", "../../data/sample/superstore_state_history.csv",
		"--markets", "us-counties", "--holdout-periods", "1", "--predictions", pred, "--out", out}
	if err := run(context.Background(), env, args); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Fatalf("stdout %q", stdout)
	}
	t.Log(strings.TrimSpace(stderr.String()))
	var doc shareBacktestDoc
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}

	// Revenue by state and year, from the order lines, to the cent.
	sales := map[string]*[3]float64{}
	recs := readAll(t, "../../data/sample/superstore_orders_2014_2016.csv")
	col := columnIndex(recs[0])
	for _, r := range recs[1:] {
		st := statePostal[r[col["State"]]]
		if st == "" {
			t.Fatalf("unknown state %q", r[col["State"]])
		}
		y, _ := strconv.Atoi(r[col["Order Date"]][:4])
		v, err := strconv.ParseFloat(r[col["Sales"]], 64)
		if err != nil || y < 2014 || y > 2016 {
			t.Fatalf("line %v", r)
		}
		if sales[st] == nil {
			sales[st] = &[3]float64{}
		}
		sales[st][y-2014] += v
	}
	for _, s := range sales {
		for y := range s {
			s[y] = math.Round(s[y]*100) / 100
		}
	}

	// Markets by state from the county proxies: $26M × (0.4 payroll share +
	// 0.3 establishments share + 0.3 population share), at least $1,000 a
	// county; saturation 8 % in metro counties (RUCC 1–3), 5 % elsewhere.
	type county struct {
		st                 string
		pop, pay, est, ruc float64
		hasPay, hasEst     bool
	}
	var counties []county
	var totPop, totPay, totEst float64
	recs = readAll(t, "../../data/sample/county_market_summary.csv")
	col = columnIndex(recs[0])
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	for _, r := range recs[1:] {
		st := r[col["state"]]
		if !isPostal(st) {
			continue
		}
		c := county{st: st}
		c.pop, _ = num(r[col["pop_2018"]])
		c.pay, c.hasPay = num(r[col["cbp_annual_payroll_2020_k"]])
		c.est, c.hasEst = num(r[col["cbp_establishments_2020"]])
		c.ruc, _ = num(r[col["rucc_2013"]])
		totPop, totPay, totEst = totPop+c.pop, totPay+c.pay, totEst+c.est
		counties = append(counties, c)
	}
	market, satw := map[string]float64{}, map[string]float64{}
	for _, c := range counties {
		pop := c.pop / totPop
		pay, est := pop, pop
		if c.hasPay {
			pay = c.pay / totPay
		}
		if c.hasEst {
			est = c.est / totEst
		}
		m := math.Max(1000, 26e6*(0.4*pay+0.3*est+0.3*pop))
		s := 0.05
		if c.ruc >= 1 && c.ruc <= 3 {
			s = 0.08
		}
		market[c.st] += m
		satw[c.st] += s * m
	}

	// The share model calibrated on 2014–15: R = their mean, s = R / M,
	// S = the state's saturation raised to s / 0.8 where s > 0.8 S, F = s / 2,
	// φ = (s − F)/(S − F) clamped to [0.001, 0.98]; the 2016 forecast with
	// resources unchanged is M·(F + (S − F)·φ) (= R unless clamped), its
	// 80 % interval × 0.75 and × 1.25 (the market's low and high).
	states := make([]string, 0, len(sales))
	for st := range sales {
		states = append(states, st)
	}
	sort.Strings(states)
	if len(doc.Territories) != len(states) || len(states) != 47 || doc.FittedPeriods != 2 || doc.HoldoutPeriods != 1 || len(doc.Skipped) != 0 {
		t.Fatalf("%d territories (want %d = 47), %d + %d periods, skipped %v", len(doc.Territories), len(states), doc.FittedPeriods, doc.HoldoutPeriods, doc.Skipped)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.12g, want %.12g", what, got, want)
		}
	}
	var act, fc, lo, hi []float64
	base := map[string][]float64{}
	var t14, t15 float64
	for _, st := range states {
		t14, t15 = t14+sales[st][0], t15+sales[st][1]
	}
	trend := math.Max(0, 2*t15-t14) / ((t14 + t15) / 2) // the line through the 2014–15 totals at 2016, over their mean
	for k, st := range states {
		r := sales[st]
		tr := doc.Territories[k]
		if tr.Territory != st {
			t.Fatalf("territory %d is %s, want %s", k, tr.Territory, st)
		}
		M, S := market[st], satw[st]/market[st]
		R := (r[0] + r[1]) / 2
		s := R / M
		if s > 0.8*S {
			S = s / 0.8
		}
		if S > 1 {
			t.Fatalf("%s: saturation above 1: the test does not recompute that case", st)
		}
		F := s / 2
		phi := math.Min(0.98, math.Max(0.001, (s-F)/(S-F)))
		f := M * (F + (S-F)*phi)
		near(st+" revenue", tr.Revenue, R)
		near(st+" market", tr.Market, M)
		near(st+" share", tr.Share, s)
		near(st+" saturation", tr.Saturation, S)
		near(st+" floor", tr.Floor, F)
		act, fc, lo, hi = append(act, r[2]), append(fc, f), append(lo, 0.75*f), append(hi, 1.25*f)
		base["last_n_mean"] = append(base["last_n_mean"], r[1])
		base["year_ago"] = append(base["year_ago"], r[1])
		base["linear_trend"] = append(base["linear_trend"], math.Max(0, 2*r[1]-r[0]))
		base["mean_x_trend"] = append(base["mean_x_trend"], R*trend)
		if tr.Holdout == nil {
			t.Fatalf("%s: no holdout metrics", st)
		}
		w := math.Abs(r[2]-f) / r[2]
		if r[2] > 0 {
			near(st+" WAPE", *tr.Holdout.WAPE, w)
		}
	}
	// The predictions file: the same forecasts and intervals, to the cent.
	pr := readAll(t, pred)
	if len(pr) != len(states)+1 || strings.Join(pr[0], ",") != "period,territory,actual,forecast,p10,p90" {
		t.Fatalf("predictions: %d lines, header %v", len(pr), pr[0])
	}
	for k, row := range pr[1:] {
		for j, want := range []float64{act[k], fc[k], lo[k], hi[k]} {
			if got, _ := strconv.ParseFloat(row[2+j], 64); row[0] != "2016" || row[1] != states[k] || math.Abs(got-want) > 0.006 {
				t.Errorf("predictions line %d: %v, want %s %s %.2f", k+2, row, "2016", states[k], want)
			}
		}
	}

	// The metrics, by their definitions.
	type metrics struct{ wape, mape, bias, coverage float64 }
	score := func(f []float64, withCoverage bool) metrics {
		var sa, sabs, sdiff, sape float64
		var nape, in int
		for i, a := range act {
			sa += a
			sabs += math.Abs(a - f[i])
			sdiff += f[i] - a
			if a > 0 {
				sape += math.Abs(a-f[i]) / a
				nape++
			}
			if withCoverage && a >= lo[i] && a <= hi[i] {
				in++
			}
		}
		return metrics{sabs / sa, sape / float64(nape), sdiff / sa, float64(in) / float64(len(act))}
	}
	m := score(fc, true)
	near("WAPE", *doc.Model.WAPE, m.wape)
	near("MAPE", *doc.Model.MAPE, m.mape)
	near("bias", *doc.Model.Bias, m.bias)
	near("coverage", *doc.Model.Coverage, m.coverage)
	t.Logf("share model: WAPE %.3f MAPE %.3f bias %+.3f coverage %.3f", m.wape, m.mape, m.bias, m.coverage)
	if len(doc.Baselines) != 4 {
		t.Fatalf("baselines %+v", doc.Baselines)
	}
	bestName, best := "", math.Inf(1)
	for _, bl := range doc.Baselines {
		f, ok := base[bl.Name]
		if !ok {
			t.Fatalf("unknown baseline %s", bl.Name)
		}
		bm := score(f, false)
		if bl.Metrics.N != 47 || bl.Metrics.Coverage != nil {
			t.Errorf("%s: %+v (two training years leave no room for the baselines' interval rehearsal)", bl.Name, bl.Metrics)
		}
		near(bl.Name+" WAPE", *bl.Metrics.WAPE, bm.wape)
		near(bl.Name+" MAPE", *bl.Metrics.MAPE, bm.mape)
		near(bl.Name+" bias", *bl.Metrics.Bias, bm.bias)
		t.Logf("%s: WAPE %.3f MAPE %.3f bias %+.3f", bl.Name, bm.wape, bm.mape, bm.bias)
		if bm.wape < best {
			bestName, best = bl.Name, bm.wape
		}
	}
	if doc.BestBaseline != bestName || doc.Improvement == nil {
		t.Fatalf("best baseline %q, improvement %v; want %s", doc.BestBaseline, doc.Improvement, bestName)
	}
	near("improvement", *doc.Improvement, 1-m.wape/best)
}

// TestShareBacktestErrors checks the share model's flags and markets CSV
// are refused with the field named, and a markets CSV without low and
// high gives forecasts without intervals.
func TestShareBacktestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hist := write("h.csv", "period,territory,revenue\n2014,A,100\n2015,A,120\n2016,A,150\n2014,B,50\n2015,B,50\n2016,B,40\n2014,C,10\n2015,C,10\n2016,C,10\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1"}, "needs --markets"},
		{[]string{"--model", "mmm", "--history", hist, "--holdout-periods", "1"}, "--model must be fit or share"},
		{[]string{"--history", hist, "--holdout-periods", "1", "--markets", "us-counties"}, "--markets is for --model share"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1", "--markets", write("m1.csv", "territory,size\nA,1\n")}, "missing column: market"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1", "--markets", write("m2.csv", "territory,market\nA,0\n")}, "the market must be > 0"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1", "--markets", write("m3.csv", "territory,market,low,high\nA,100,120,130\n")}, "low ≤ market ≤ high"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1", "--markets", write("m4.csv", "territory,market\nA,1\nA,2\n")}, "territory A appears twice"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "3", "--markets", write("m5.csv", "territory,market\nA,1000\n")}, "must be less than the history's 3 periods"},
		{[]string{"--model", "share", "--history", hist, "--holdout-periods", "1", "--markets", write("m6.csv", "territory,market,saturation\nA,1000,2\n")}, "saturation must be a fraction"},
	} {
		env, _, _ := testEnv("")
		err := run(context.Background(), env, append([]string{"backtest"}, c.args...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
	// No low/high: no intervals; C has no market and is skipped.
	env, stdout, _ := testEnv("")
	pred := filepath.Join(dir, "p.csv")
	err := run(context.Background(), env, []string{"backtest", "--model", "share", "--history", hist, "--holdout-periods", "1", "--quiet",
		"--predictions", pred, "--markets", write("m.csv", "territory,market\nA,10000\nB,1000\n")})
	if err != nil {
		t.Fatal(err)
	}
	var doc shareBacktestDoc
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Territories) != 2 || len(doc.Skipped) != 1 || doc.Skipped[0].Territory != "C" || doc.Model.Coverage != nil || doc.Model.N != 2 {
		t.Fatalf("%+v", doc)
	}
	// A: R = 110, forecast 110 (actual 150); B: R = 50 (actual 40).
	if w := *doc.Model.WAPE; math.Abs(w-50.0/190) > 1e-12 {
		t.Errorf("WAPE %v, want %v", w, 50.0/190)
	}
	b, _ := os.ReadFile(pred)
	if want := "period,territory,actual,forecast,p10,p90\n2016,A,150.00,110.00,,\n2016,B,40.00,50.00,,\n"; string(b) != want {
		t.Errorf("predictions %q, want %q", b, want)
	}
}

func readAll(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func columnIndex(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[strings.TrimPrefix(h, "\ufeff")] = i
	}
	return m
}

func isPostal(postal string) bool {
	for _, v := range statePostal {
		if v == postal {
			return true
		}
	}
	return false
}

// statePostal maps the 50 states' and DC's names to postal codes.
var statePostal = map[string]string{
	"Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
	"Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC", "Florida": "FL", "Georgia": "GA",
	"Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS",
	"Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
	"Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
	"Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
	"New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
	"Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD",
	"Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
	"West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}
