package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/terrane/terrane/optimizer/align"
)

func init() {
	register(command{path: "solve align", summary: "assign units to territories (alignment JSON in, result JSON out)", run: runSolveAlign})
}

// runSolveAlign reads an alignment instance (the canonical JSON of issue 5)
// from --in or stdin, solves it and writes the result JSON to --out or stdout.
func runSolveAlign(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("solve align", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	inPath := fs.String("in", "", "instance JSON file (default stdin)")
	outPath := fs.String("out", "", "result JSON file (default stdout)")
	limit := fs.Duration("time-limit", 0, "time limit, e.g. 10s (default: the instance's time_limit_seconds, else "+align.DefaultTimeLimit.String()+")")
	quiet := fs.Bool("quiet", false, "no progress line on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: solve align takes no arguments, got %q", errUsage, fs.Args())
	}
	if *limit < 0 {
		return fmt.Errorf("%w: --time-limit must be ≥ 0", errUsage)
	}
	var r io.Reader = env.stdin
	name := "stdin"
	if *inPath != "" && *inPath != "-" {
		f, err := os.Open(*inPath)
		if err != nil {
			return fmt.Errorf("solve align: %w", err)
		}
		defer f.Close()
		r, name = f, *inPath
	}
	var in align.Problem
	dec := json.NewDecoder(bufio.NewReader(r))
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("solve align: read %s: %w", name, err)
	}
	settings := &align.Settings{TimeLimit: *limit}
	if !*quiet {
		shown := -1
		settings.Progress = func(f float64) {
			if pct := int(100 * f); pct != shown { // one line per percent, not per report
				shown = pct
				fmt.Fprintf(env.stderr, "\rsolve align: %3d%%", pct)
			}
		}
	}
	res, err := align.Solve(ctx, &in, settings)
	var verr error
	if res != nil {
		// the answer is re-checked from the instance alone before it is
		// written: a disagreement is a solver bug and fails the command
		_, verr = align.Verify(&in, res)
	}
	if !*quiet && res != nil {
		checked := "verified by the independent checker"
		if verr != nil {
			checked = "NOT verified"
		}
		fmt.Fprintf(env.stderr, "\rsolve align: %s, objective %.6g, feasible %v, %.2f s, %s\n", res.Status, res.Objective, res.Feasible, res.Seconds, checked)
		if !res.Feasible {
			explainObstacles(env.stderr, &in)
		}
	}
	if res == nil {
		return fmt.Errorf("solve align: %s: %w", name, err)
	}
	b, merr := json.MarshalIndent(res, "", "  ")
	if merr != nil {
		return fmt.Errorf("solve align: encode result: %w", merr)
	}
	b = append(b, '\n')
	if *outPath != "" && *outPath != "-" {
		tmp := *outPath + ".tmp"
		if werr := os.WriteFile(tmp, b, 0o644); werr != nil {
			return fmt.Errorf("solve align: %w", werr)
		}
		if werr := os.Rename(tmp, *outPath); werr != nil {
			return fmt.Errorf("solve align: %w", werr)
		}
	} else if _, werr := env.stdout.Write(b); werr != nil {
		return fmt.Errorf("solve align: write result: %w", werr)
	}
	if err != nil { // canceled: the best answer so far was written
		return fmt.Errorf("solve align: %w", err)
	}
	if verr != nil {
		return fmt.Errorf("solve align: %s: the independent checker disagrees with the answer: %w", name, verr)
	}
	return nil
}

// explainObstacles tells, when an answer is infeasible, which units make
// the balance bounds unreachable whatever the plan (align.Diagnose), so
// that a person knows to split them, widen the band or give each a
// territory of its own.
func explainObstacles(w io.Writer, in *align.Problem) {
	obs := align.Diagnose(in)
	if len(obs) == 0 {
		return
	}
	fmt.Fprintf(w, "solve align: no plan can meet the balance bounds: %d units block them by themselves:\n", len(obs))
	for i, o := range obs {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(obs)-i)
			break
		}
		if o.Reason == "oversize" {
			fmt.Fprintf(w, "  unit %d (%s): oversize, demand %.6g alone is above the maximum %.6g\n", o.Unit, o.ID, o.Demand, o.Max)
		} else {
			fmt.Fprintf(w, "  unit %d (%s): stranded, demand %.6g, and no connected set of units holding it lies within [%.6g, %.6g]\n", o.Unit, o.ID, o.Demand, o.Min, o.Max)
		}
	}
}
