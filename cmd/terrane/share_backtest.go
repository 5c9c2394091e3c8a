package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/optimizer/fit"
	"github.com/terrane/terrane/plan"
)

// shareFlags are `terrane backtest`'s flags for --model share.
type shareFlags struct {
	model      string
	markets    string
	national   float64
	saturation float64
}

// Built-in county proxies' saturation shares for --markets us-counties:
// the first sample's rule, 8 % in metro counties (RUCC 1–3), 5 %
// elsewhere.
const (
	proxyMetroSaturation = 0.08
	proxyRuralSaturation = 0.05
)

// shareBacktestDoc is what `terrane backtest --model share` writes: the
// share model's back-test (plan.ShareResult without the predictions, which
// --predictions writes), with the best baseline and the improvement over
// it as `terrane backtest` reports them.
type shareBacktestDoc struct {
	Forecaster     string                `json:"forecaster"` // "share"
	Markets        string                `json:"markets"`
	Granularity    string                `json:"granularity"`
	FittedPeriods  int                   `json:"fitted_periods"`
	HoldoutPeriods int                   `json:"holdout_periods"`
	Resources      []string              `json:"resources"`
	Model          fit.Metrics           `json:"model"` // the share model's metrics over every held-out row
	Baselines      []fit.Scored          `json:"baselines"`
	BestBaseline   string                `json:"best_baseline,omitempty"`
	Improvement    *float64              `json:"improvement,omitempty"` // 1 − the model's WAPE / the best baseline's; negative: it loses
	Territories    []plan.ShareTerritory `json:"territories"`
	Skipped        []fit.Skipped         `json:"skipped,omitempty"`
}

// runShareBacktest is `terrane backtest --model share --history FILE
// --markets FILE|us-counties --holdout-periods N`: it calibrates the
// share model on the periods before the latest N only (plan.ShareBacktest),
// forecasts those, and scores it next to the naive baselines.
func runShareBacktest(env *environment, sf shareFlags, history string, resources []string, holdout int, predictions, outPath string, quiet bool) error {
	const name = "backtest"
	if !(sf.saturation > 0 && sf.saturation <= 1) {
		return fmt.Errorf("%w: --saturation must be a fraction in (0, 1], got %v", errUsage, sf.saturation)
	}
	raw, err := os.ReadFile(history)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	ds, err := readFitHistory(raw, resources, nil, false)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, history, err)
	}
	if holdout >= len(ds.Periods) {
		return fmt.Errorf("%w: --holdout-periods %d must be less than the history's %d periods", errUsage, holdout, len(ds.Periods))
	}
	var markets map[string]plan.ShareMarket
	if sf.markets == "us-counties" {
		if !(sf.national > 0) {
			return fmt.Errorf("%w: --national-market must be a number of dollars > 0, got %v", errUsage, sf.national)
		}
		ms, err := sample.StateMarketProxies(sf.national, proxyMetroSaturation, proxyRuralSaturation)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		markets = map[string]plan.ShareMarket{}
		for id, m := range ms {
			markets[id] = plan.ShareMarket{Market: m.Market, Low: m.Low, High: m.High, Saturation: m.Saturation}
		}
	} else {
		b, err := os.ReadFile(sf.markets)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if markets, err = readShareMarkets(b); err != nil {
			return fmt.Errorf("%s: %s: %w", name, sf.markets, err)
		}
	}
	res, err := plan.ShareBacktest(ds, markets, plan.ShareOptions{Holdout: holdout, Saturation: sf.saturation})
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, history, err)
	}
	doc := shareReport(res, sf.markets)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	out = append(out, '\n')
	if predictions != "" {
		if err := writeFile(predictions, sharePredictionsCSV(res.Predictions)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if !quiet {
		fmt.Fprintf(env.stderr, "%s: %s\n", name, shareSummary(doc))
	}
	if outPath != "" && outPath != "-" {
		return writeFile(outPath, out)
	}
	_, err = env.stdout.Write(out)
	return err
}

func shareReport(r *plan.ShareResult, markets string) shareBacktestDoc {
	d := shareBacktestDoc{Forecaster: r.Forecaster, Markets: markets, Granularity: r.Granularity, FittedPeriods: r.FittedPeriods,
		HoldoutPeriods: r.HoldoutPeriods, Resources: r.Resources, Model: r.Holdout.Model, Baselines: r.Holdout.Baselines,
		Territories: r.Territories, Skipped: r.Skipped}
	var best *float64
	for _, b := range r.Holdout.Baselines {
		if b.Metrics.WAPE != nil && (best == nil || *b.Metrics.WAPE < *best) {
			best, d.BestBaseline = b.Metrics.WAPE, b.Name
		}
	}
	if best != nil && *best > 0 && d.Model.WAPE != nil {
		v := 1 - *d.Model.WAPE / *best
		d.Improvement = &v
	}
	return d
}

func shareSummary(d shareBacktestDoc) string {
	s := fmt.Sprintf("share model, %d territories, calibrated on %d %s periods, last %d judged: WAPE %s, coverage %s",
		len(d.Territories), d.FittedPeriods, d.Granularity, d.HoldoutPeriods, figure(d.Model.WAPE), figure(d.Model.Coverage))
	if d.BestBaseline != "" {
		for _, b := range d.Baselines {
			if b.Name == d.BestBaseline {
				s += fmt.Sprintf("; best naive baseline %s WAPE %s", b.Name, figure(b.Metrics.WAPE))
			}
		}
		if d.Improvement != nil && *d.Improvement < 0 {
			s += " (the share model loses to it)"
		}
	}
	return s
}

// sharePredictionsCSV is the share model's held-out forecasts,
// period,territory,actual,forecast,p10,p90 (p10 and p90 empty for a
// market without low and high).
func sharePredictionsCSV(ps []plan.SharePrediction) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"period", "territory", "actual", "forecast", "p10", "p90"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return f(*v)
	}
	for _, p := range ps {
		_ = w.Write([]string{p.Period, p.Territory, f(p.Actual), f(p.Forecast), opt(p.P10), opt(p.P90)})
	}
	w.Flush()
	return b.Bytes()
}

// readShareMarkets reads a markets CSV for the share model: territory
// (territory_id, unit, unit_id), market (dollars per year, > 0), and
// optionally low and high (both or neither; low ≤ market ≤ high) and
// saturation (a fraction in (0, 1]). A territory appears once.
func readShareMarkets(raw []byte) (map[string]plan.ShareMarket, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("empty file: need a header line")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	find := func(names ...string) int {
		for _, n := range names {
			if i, ok := index[n]; ok {
				return i
			}
		}
		return -1
	}
	iWho, iM := find("territory", "territory_id", "unit", "unit_id"), find("market")
	iLo, iHi, iSat := find("low", "market_low"), find("high", "market_high"), find("saturation")
	switch {
	case iWho < 0:
		return nil, fmt.Errorf("missing column: territory; the columns are %s", strings.Join(header, ", "))
	case iM < 0:
		return nil, fmt.Errorf("missing column: market; the columns are %s", strings.Join(header, ", "))
	case (iLo < 0) != (iHi < 0):
		return nil, fmt.Errorf("give both columns low and high, or neither")
	}
	out := map[string]plan.ShareMarket{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		cell := func(i int) string {
			if i >= 0 && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		num := func(i int, optional bool) (float64, error) {
			s := cell(i)
			if s == "" && (optional || i < 0) {
				return 0, nil
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
			if err != nil || v != v || v-v != 0 {
				return 0, fmt.Errorf("line %d, column %s: %q is not a finite number", line, header[i], s)
			}
			return v, nil
		}
		id := cell(iWho)
		if id == "" {
			return nil, fmt.Errorf("line %d, column %s: empty territory", line, header[iWho])
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: territory %s appears twice", line, id)
		}
		var m plan.ShareMarket
		if m.Market, err = num(iM, false); err != nil {
			return nil, err
		}
		if !(m.Market > 0) {
			return nil, fmt.Errorf("line %d, column %s: the market must be > 0 dollars a year", line, header[iM])
		}
		if iLo >= 0 {
			if m.Low, err = num(iLo, true); err != nil {
				return nil, err
			}
			if m.High, err = num(iHi, true); err != nil {
				return nil, err
			}
			if (cell(iLo) == "") != (cell(iHi) == "") {
				return nil, fmt.Errorf("line %d: give both low and high, or neither", line)
			}
			if cell(iLo) != "" && (m.Low < 0 || m.Low > m.Market || m.High < m.Market) {
				return nil, fmt.Errorf("line %d: need 0 ≤ low ≤ market ≤ high, got %v ≤ %v ≤ %v", line, m.Low, m.Market, m.High)
			}
		}
		if iSat >= 0 {
			if m.Saturation, err = num(iSat, true); err != nil {
				return nil, err
			}
			if cell(iSat) != "" && !(m.Saturation > 0 && m.Saturation <= 1) {
				return nil, fmt.Errorf("line %d, column %s: the saturation must be a fraction in (0, 1], got %v", line, header[iSat], m.Saturation)
			}
		}
		out[id] = m
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no data rows")
	}
	return out, nil
}
