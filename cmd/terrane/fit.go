package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/optimizer/fit"
)

func init() {
	register(command{
		path:    "fit",
		summary: "fit response curves to a history CSV, with intervals and a back-test against naive baselines (JSON out)",
		run:     func(ctx context.Context, env *environment, args []string) error { return runFit(ctx, env, args, false) },
	})
	register(command{
		path:    "backtest",
		summary: "fit on all but the last N periods of a history CSV (or calibrate the share model on them: --model share), forecast them, and score the model next to naive baselines (JSON out)",
		run:     func(ctx context.Context, env *environment, args []string) error { return runFit(ctx, env, args, true) },
	})
}

// runFit is `terrane fit --history FILE [--controls COLS]
// [--holdout-periods N] [--predictions FILE] [--out FILE]`: it fits the
// response model of optimizer/fit to a history CSV (the history import's
// columns) and writes the fit as JSON; with a holdout it forecasts the
// held-out periods, scores them and the naive baselines, and with
// --predictions writes period,territory,actual,forecast,p10,p90.
//
// `terrane backtest` takes the same flags, needs --holdout-periods, and
// writes only the back-test (backtestReport); with --model share it
// back-tests the share-calibrated market model instead, against --markets
// (runShareBacktest).
func runFit(ctx context.Context, env *environment, args []string, backtest bool) error {
	name := "fit"
	if backtest {
		name = "backtest"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	history := fs.String("history", "", "history CSV: period, territory (or unit), revenue, one column per resource (required)")
	controls := fs.String("controls", "", "comma-separated control columns (covariates, not resources)")
	resources := fs.String("resources", "", "comma-separated resource columns (default: every other column)")
	holdout := fs.Int("holdout-periods", 0, "hold out the latest N periods, forecast and score them (0: fit every period)")
	predictions := fs.String("predictions", "", "write the held-out forecasts as CSV period,territory,actual,forecast,p10,p90")
	outPath := fs.String("out", "", "fit JSON file (default stdout)")
	noCarry := fs.Bool("no-carryover", false, "no carry-over (adstock) from one period to the next")
	draws := fs.Int("draws", 400, "draws from the Laplace approximation for the parameters' intervals")
	seed := fs.Uint64("seed", 1, "seed of the draws")
	quiet := fs.Bool("quiet", false, "no summary line on stderr")
	var share shareFlags
	if backtest {
		fs.StringVar(&share.model, "model", "fit", "the model back-tested: fit (curves fitted to the history) or share (the share-calibrated market model)")
		fs.StringVar(&share.markets, "markets", "", "--model share: market estimates, a CSV territory,market[,low,high,saturation] or us-counties (the built-in county proxies summed by state)")
		fs.Float64Var(&share.national, "national-market", 26e6, "--model share --markets us-counties: the national market the county proxies split, dollars per year")
		fs.Float64Var(&share.saturation, "saturation", 0.08, "--model share: saturation share of a market without one")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, name, fs.Args())
	case *history == "":
		return fmt.Errorf("%w: %s needs --history FILE", errUsage, name)
	case backtest && *holdout == 0:
		return fmt.Errorf("%w: backtest needs --holdout-periods N > 0 (the latest N periods are held out)", errUsage)
	case *holdout < 0:
		return fmt.Errorf("%w: --holdout-periods must be ≥ 0", errUsage)
	case *predictions != "" && *holdout == 0:
		return fmt.Errorf("%w: --predictions needs --holdout-periods N > 0", errUsage)
	case *draws < 10:
		return fmt.Errorf("%w: --draws must be at least 10", errUsage)
	case share.model != "fit" && share.model != "share" && backtest:
		return fmt.Errorf("%w: --model must be fit or share, got %q", errUsage, share.model)
	case backtest && share.model == "fit" && share.markets != "":
		return fmt.Errorf("%w: --markets is for --model share", errUsage)
	case backtest && share.model == "share" && share.markets == "":
		return fmt.Errorf("%w: --model share needs --markets FILE or --markets us-counties", errUsage)
	case backtest && share.model == "share" && *controls != "":
		return fmt.Errorf("%w: the share model has no controls (--controls is for --model fit)", errUsage)
	}
	if backtest && share.model == "share" {
		return runShareBacktest(env, share, *history, list(*resources), *holdout, *predictions, *outPath, *quiet)
	}
	raw, err := os.ReadFile(*history)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	ds, err := readFitHistory(raw, list(*resources), list(*controls), true)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, *history, err)
	}
	if *holdout >= len(ds.Periods) {
		return fmt.Errorf("%w: --holdout-periods %d must be less than the history's %d periods", errUsage, *holdout, len(ds.Periods))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := fit.Fit(ctx, ds, fit.Options{Holdout: *holdout, NoCarryover: *noCarry, Draws: *draws, Seed: *seed})
	if err != nil {
		return fmt.Errorf("%s: %s: %w", name, *history, err)
	}
	var doc any = res
	if backtest {
		doc = backtestReport(res)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	out = append(out, '\n')
	if *predictions != "" {
		if err := writeFile(*predictions, predictionsCSV(res.Predictions)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if !*quiet {
		fmt.Fprintf(env.stderr, "%s: %s\n", name, fitSummary(res))
	}
	if *outPath != "" && *outPath != "-" {
		if err := writeFile(*outPath, out); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	_, err = env.stdout.Write(out)
	return err
}

// list splits a comma-separated flag value.
func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// writeFile writes through a temporary file, so a file is never half
// written.
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readFitHistory reads a history CSV with the history import's columns
// and aliases (docs/import.md, `history`): period (date, month, quarter,
// year), territory (territory_id) or unit (unit_id), revenue (sales,
// bookings); the resources are the columns named, or every other column
// but the controls. Every cell must be filled: the fit needs each
// resource's amount in each period. needResources false accepts a history
// without resource columns (the share model's back-test).
func readFitHistory(raw []byte, resources, controls []string, needResources bool) (*fit.Dataset, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("empty file: need a header line")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	index := map[string]int{}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if _, dup := index[strings.ToLower(header[i])]; dup {
			return nil, fmt.Errorf("line 1: column %q appears twice", header[i])
		}
		index[strings.ToLower(header[i])] = i
	}
	find := func(names ...string) int {
		for _, n := range names {
			if i, ok := index[n]; ok {
				return i
			}
		}
		return -1
	}
	cols := strings.Join(header, ", ")
	iPeriod := find("period", "date", "month", "quarter", "year")
	iRev := find("revenue", "sales", "bookings")
	iTerr, iUnit := find("territory", "territory_id"), find("unit", "unit_id")
	switch {
	case iPeriod < 0:
		return nil, fmt.Errorf("missing column: period; the columns are %s", cols)
	case iRev < 0:
		return nil, fmt.Errorf("missing column: revenue; the columns are %s", cols)
	case iTerr >= 0 && iUnit >= 0:
		return nil, fmt.Errorf("give a territory column or a unit column, not both")
	case iTerr < 0 && iUnit < 0:
		return nil, fmt.Errorf("missing column: need territory or unit; the columns are %s", cols)
	}
	iWho := max(iTerr, iUnit)
	used := map[int]string{iPeriod: "period", iRev: "revenue", iWho: "territory"}
	pick := func(names []string, what string) ([]int, error) {
		var out []int
		for _, n := range names {
			i := find(strings.ToLower(n))
			if i < 0 {
				return nil, fmt.Errorf("missing column %q (chosen in --%s); the columns are %s", n, what, cols)
			}
			if u, ok := used[i]; ok {
				return nil, fmt.Errorf("column %q is the %s column, not one of the %s", header[i], u, what)
			}
			used[i] = what
			out = append(out, i)
		}
		return out, nil
	}
	iCtrl, err := pick(controls, "controls")
	if err != nil {
		return nil, err
	}
	var iRes []int
	if len(resources) > 0 {
		if iRes, err = pick(resources, "resources"); err != nil {
			return nil, err
		}
	} else {
		for i, h := range header {
			if _, ok := used[i]; !ok && h != "" {
				iRes = append(iRes, i)
			}
		}
	}
	if len(iRes) == 0 && needResources {
		return nil, fmt.Errorf("no resource column: the columns are %s", cols)
	}
	names := func(is []int) []string {
		var out []string
		for _, i := range is {
			out = append(out, header[i])
		}
		return out
	}
	var rows []fit.Row
	granularity, granLine := "", 0
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		num := func(i int, what string) (float64, error) {
			s := cell(i)
			if s == "" {
				return 0, fmt.Errorf("line %d, column %s: empty %s", line, header[i], what)
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
			if err != nil {
				return 0, fmt.Errorf("line %d, column %s: %q is not a number", line, header[i], s)
			}
			return v, nil
		}
		label, start, g, ok := importer.ParsePeriod(cell(iPeriod))
		if !ok {
			return nil, fmt.Errorf("line %d, column %s: %q is not a period (%s)", line, header[iPeriod], cell(iPeriod), importer.PeriodHelp)
		}
		if granularity == "" {
			granularity, granLine = g, line
		} else if g != granularity {
			return nil, fmt.Errorf("line %d, column %s: %q is a %s but line %d's period is a %s: the file must use one granularity", line, header[iPeriod], cell(iPeriod), g, granLine, granularity)
		}
		row := fit.Row{Territory: cell(iWho), Period: label, Start: start}
		if row.Territory == "" {
			return nil, fmt.Errorf("line %d, column %s: empty %s", line, header[iWho], used[iWho])
		}
		if row.Revenue, err = num(iRev, "revenue"); err != nil {
			return nil, err
		}
		if row.Revenue < 0 {
			return nil, fmt.Errorf("line %d, column %s: negative revenue", line, header[iRev])
		}
		for _, i := range iRes {
			v, err := num(i, "resource amount")
			if err != nil {
				return nil, err
			}
			if v < 0 {
				return nil, fmt.Errorf("line %d, column %s: negative amount", line, header[i])
			}
			row.Resources = append(row.Resources, v)
		}
		for _, i := range iCtrl {
			v, err := num(i, "control")
			if err != nil {
				return nil, err
			}
			row.Controls = append(row.Controls, v)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no data rows")
	}
	return fit.NewDataset(rows, names(iRes), names(iCtrl), granularity)
}

// predictionsCSV is the held-out forecasts, period,territory,actual,
// forecast,p10,p90.
func predictionsCSV(ps []fit.Prediction) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"period", "territory", "actual", "forecast", "p10", "p90"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	for _, p := range ps {
		_ = w.Write([]string{p.Period, p.Territory, f(p.Actual), f(p.Forecast), f(p.P10), f(p.P90)})
	}
	w.Flush()
	return b.Bytes()
}

// fitSummary is the one line printed on stderr.
func fitSummary(r *fit.Result) string {
	s := fmt.Sprintf("%d territories × %d %s periods, %d resources; %d iterations, %.2fs", len(r.Territories),
		r.Periods, r.Granularity, len(r.Resources), r.Iterations, r.Seconds)
	if !r.Converged {
		s += " (not converged)"
	}
	if r.Holdout == nil {
		return s
	}
	m := r.Holdout.Model
	s += fmt.Sprintf("; last %d held out: WAPE %s, coverage of the 80 %% intervals %s", r.HoldoutPeriods, figure(m.WAPE), figure(m.Coverage))
	best, name := (*float64)(nil), ""
	for _, b := range r.Holdout.Baselines {
		if b.Metrics.WAPE != nil && (best == nil || *b.Metrics.WAPE < *best) {
			best, name = b.Metrics.WAPE, b.Name
		}
	}
	if best != nil {
		s += fmt.Sprintf("; best naive baseline %s WAPE %s", name, figure(best))
	}
	return s
}

func figure(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', 3, 64)
}

// backtestDoc is what `terrane backtest` writes: the holdout's scores,
// in total and per territory, without the parameters.
type backtestDoc struct {
	Granularity    string           `json:"granularity"`
	FittedPeriods  int              `json:"fitted_periods"`
	HoldoutPeriods int              `json:"holdout_periods"`
	Model          fit.Metrics      `json:"model"`
	Baselines      []fit.Scored     `json:"baselines"`
	BestBaseline   string           `json:"best_baseline,omitempty"` // the baseline of the lowest WAPE
	Improvement    *float64         `json:"improvement,omitempty"`   // 1 − the model's WAPE / the best baseline's
	Territories    []backtestRegion `json:"territories"`
	Skipped        []fit.Skipped    `json:"skipped,omitempty"`
}

type backtestRegion struct {
	Territory string       `json:"territory"`
	Model     *fit.Metrics `json:"model,omitempty"` // absent for a territory without held-out rows
	Baselines []fit.Scored `json:"baselines,omitempty"`
}

func backtestReport(r *fit.Result) backtestDoc {
	d := backtestDoc{Granularity: r.Granularity, FittedPeriods: r.FittedPeriods, HoldoutPeriods: r.HoldoutPeriods,
		Model: r.Holdout.Model, Baselines: r.Holdout.Baselines, Skipped: r.Skipped}
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
	for _, t := range r.Territories {
		d.Territories = append(d.Territories, backtestRegion{Territory: t.Territory, Model: t.Holdout, Baselines: t.Baselines})
	}
	return d
}
