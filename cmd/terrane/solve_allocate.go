package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

func init() {
	register(command{
		path:    "solve allocate",
		summary: "allocate money, headcount and attention (problem or market JSON in, result JSON out)",
		run:     runSolveAllocate,
	})
}

// allocateOptions are the flags of `terrane solve allocate` beyond --in and
// --out.
type allocateOptions struct {
	frontier      string    // "budget" or a resource name; "" for no sweep
	values        []float64 // the swept values, dollars or units
	unitValues    bool      // also report what one more unit is worth
	calibrateOnly bool      // write the calibrated canonical problem, do not solve
	gap           float64   // relative gap tolerance; 0 means the default
}

// allocateOutput is the result JSON with the optional what-if sections.
type allocateOutput struct {
	*allocate.Result
	Frontier   []allocate.FrontierPoint `json:"frontier,omitempty"`
	UnitValues []allocate.UnitValue     `json:"unit_values,omitempty"`
}

// runSolveAllocate reads an allocation problem — the canonical JSON of
// issue 4, or market estimates with a calibration ("markets") — from --in
// or stdin, solves it and writes the result JSON to --out or stdout.
func runSolveAllocate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("solve allocate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	inPath := fs.String("in", "", "problem JSON file (default stdin)")
	outPath := fs.String("out", "", "result JSON file (default stdout)")
	frontier := fs.String("frontier", "", `sweep "budget" or a resource's total and report the frontier`)
	values := fs.String("values", "", "comma-separated values for --frontier (dollars or units)")
	from := fs.Float64("from", 0, "first value for --frontier (with --to and --steps)")
	to := fs.Float64("to", 0, "last value for --frontier")
	steps := fs.Int("steps", 11, "number of values from --from to --to")
	unit := fs.Bool("unit-values", false, "report what one more unit of the budget and of each resource total is worth")
	calOnly := fs.Bool("calibrate-only", false, "write the calibrated canonical problem instead of solving")
	gap := fs.Float64("gap", 0, "relative gap at which a result is optimal (default 1e-6)")
	quiet := fs.Bool("quiet", false, "no summary line on stderr")
	useSample := fs.Bool("sample", false, "solve the baseline scenario of the built-in sample dataset (US states, county market estimates) instead of reading a problem")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: solve allocate takes no arguments, got %q", errUsage, fs.Args())
	}
	opt := allocateOptions{frontier: *frontier, unitValues: *unit, calibrateOnly: *calOnly, gap: *gap}
	switch {
	case *values != "":
		for _, f := range strings.Split(*values, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("%w: --values: %q is not a number", errUsage, f)
			}
			opt.values = append(opt.values, v)
		}
	case *frontier != "":
		if *steps < 2 || !(*to > *from) {
			return fmt.Errorf("%w: --frontier needs --values, or --from < --to and --steps ≥ 2", errUsage)
		}
		for k := range *steps {
			opt.values = append(opt.values, *from+(*to-*from)*float64(k)/float64(*steps-1))
		}
	}
	if *frontier == "" && len(opt.values) > 0 {
		return fmt.Errorf("%w: --values, --from and --to need --frontier", errUsage)
	}
	if *gap < 0 {
		return fmt.Errorf("%w: --gap must be ≥ 0", errUsage)
	}
	var r io.Reader = env.stdin
	name := "stdin"
	if *useSample {
		p, err := sampleProblem()
		if err != nil {
			return fmt.Errorf("solve allocate: %w", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("solve allocate: %w", err)
		}
		r, name = bytes.NewReader(b), "sample dataset"
	} else if *inPath != "" && *inPath != "-" {
		f, err := os.Open(*inPath)
		if err != nil {
			return fmt.Errorf("solve allocate: %w", err)
		}
		defer f.Close()
		r, name = f, *inPath
	}
	out, summary, err := solveAllocate(ctx, bufio.NewReader(r), opt)
	if err != nil {
		return fmt.Errorf("solve allocate: %s: %w", name, err)
	}
	if !*quiet && summary != "" {
		fmt.Fprintln(env.stderr, "solve allocate:", summary)
	}
	if *outPath != "" && *outPath != "-" {
		tmp := *outPath + ".tmp"
		if err := os.WriteFile(tmp, out, 0o644); err != nil {
			return fmt.Errorf("solve allocate: %w", err)
		}
		if err := os.Rename(tmp, *outPath); err != nil {
			return fmt.Errorf("solve allocate: %w", err)
		}
		return nil
	}
	_, err = env.stdout.Write(out)
	return err
}

// readAllocateProblem decodes either input form, rejecting unknown fields
// so a misspelt name is an error rather than a silently absent constraint.
func readAllocateProblem(r io.Reader) (*allocate.Problem, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf("read problem: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if _, ok := keys["markets"]; ok {
		var mp allocate.MarketProblem
		if err := dec.Decode(&mp); err != nil {
			return nil, fmt.Errorf("read market problem: %w", err)
		}
		return mp.Problem()
	}
	var p allocate.Problem
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read problem: %w", err)
	}
	return &p, nil
}

// solveAllocate is the command without its flags and files: it returns
// the JSON to write and a one-line summary.
func solveAllocate(ctx context.Context, r io.Reader, opt allocateOptions) ([]byte, string, error) {
	p, err := readAllocateProblem(r)
	if err != nil {
		return nil, "", err
	}
	if opt.calibrateOnly {
		if err := p.Validate(); err != nil {
			return nil, "", err
		}
		b, err := json.MarshalIndent(p, "", "  ")
		return append(b, '\n'), fmt.Sprintf("calibrated %d territories", len(p.Territories)), err
	}
	set := &allocate.Settings{GapTolerance: opt.gap}
	res, err := allocate.Solve(ctx, p, set)
	if err != nil {
		return nil, "", err
	}
	out := allocateOutput{Result: res}
	if opt.frontier != "" {
		if out.Frontier, err = allocate.Frontier(ctx, p, opt.frontier, opt.values, set); err != nil {
			return nil, "", err
		}
	}
	if opt.unitValues && res.Status != allocate.Infeasible {
		if out.UnitValues, err = allocate.UnitValues(ctx, p, res, set); err != nil {
			return nil, "", err
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, "", fmt.Errorf("encode result: %w", err)
	}
	summary := fmt.Sprintf("%s, objective %.10g, bound %.10g, gap %.2g, %d territories, %.3f s",
		res.Status, res.Objective, res.Bound, res.Gap, len(p.Territories), res.Seconds)
	if res.Status == allocate.Infeasible {
		summary = "infeasible: " + strings.Join(res.Conflicts, "; ")
	}
	return append(b, '\n'), summary, nil
}

// sampleProblem states the baseline scenario of the sample dataset as the
// API does (plan.AllocationProblem on its inputs: the same territories,
// market model, calibration and settings), so that `solve allocate
// --sample` and an allocate run of that scenario with settings.curves
// "assumed" solve the same problem (a run's default plans on curves fitted
// from the stored history; `--in` on its problem reproduces it).
func sampleProblem() (*allocate.Problem, error) {
	in, err := sampleInputs()
	if err != nil {
		return nil, err
	}
	return plan.AllocationProblem(in)
}

// sampleInputs are the inputs of the sample dataset's baseline scenario.
func sampleInputs() (*plan.Inputs, error) {
	ds, err := sample.Build()
	if err != nil {
		return nil, err
	}
	accounts := map[string]int{}
	for _, a := range ds.Accounts {
		accounts[a.UnitID]++
	}
	sc := ds.Scenario
	return plan.NewInputs(&sc, ds.Territories, ds.Alignment, ds.Estimates, ds.Units, accounts)
}
