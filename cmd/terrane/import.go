package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
)

func init() {
	register(command{path: "import", summary: "import units, assignments, accounts, market estimates, reps, current resources, opportunities or history from a file", run: runImport})
}

// progressBytes is the file size from which import prints progress on stderr.
const progressBytes = 8 << 20

func runImport(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cfg := addSettings(fs, "import", "import --kind units|assignments|accounts|markets|reps|resources|opportunities|history --layer LAYER [--scenario ID | --create-scenario NAME] [--id COLUMN] [--map OPTION=VALUE]… [--db URL] FILE\n\nFILE may be - for standard input. See docs/import.md for the options of each kind.")
	kind := fs.String("kind", "", "what the file holds: units, assignments, accounts, markets, reps, resources, opportunities or history (required)")
	layer := fs.String("layer", "", "layer id, e.g. us-counties (required, except for assignments and resources, where the scenario's layer is the default)")
	scenario := fs.Int64("scenario", 0, "scenario id (required for assignments and resources; for history by territory, default the layer's baseline)")
	id := fs.String("id", "", "column or property holding the id: of the unit for units, assignments and markets (--map id= or unit_id=), of the account for accounts, of the territory for resources (--map territory=)")
	maxErrors := fs.Int("max-errors", importer.DefaultMaxErrors, "problems listed when a file is rejected")
	actor := fs.String("actor", "cli", "name recorded in the scenario's audit trail")
	createScenario := fs.String("create-scenario", "", "for assignments: create a baseline scenario of this name on --layer from the file (instead of --scenario)")
	skippedPath := fs.String("skipped-csv", "", "with --map skip_invalid=true, write the skipped rows (line,id,field,message) to this CSV file")
	var maps stringList
	fs.Var(&maps, "map", "an option of the kind, OPTION=VALUE, e.g. revenue=Sales or group=Customer ID,Postal Code (repeatable)")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give exactly one FILE (or - for standard input)", errUsage)
	}
	if *kind == "" {
		return fmt.Errorf("%w: --kind is required (%s)", errUsage, strings.Join(importer.Kinds, ", "))
	}
	limit := cfg.bytes("max-size")
	fields := map[string]string{}
	for _, m := range maps {
		k, v, ok := strings.Cut(m, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("%w: --map %q: want OPTION=VALUE", errUsage, m)
		}
		fields[strings.TrimSpace(k)] = v
	}
	if *createScenario != "" {
		fields["create_scenario"] = *createScenario
	}
	if *id != "" {
		// The id of what each row is about: the unit for assignments and markets.
		key := "id"
		switch *kind {
		case importer.KindAssignments, importer.KindMarkets:
			key = "unit_id"
		case importer.KindResources:
			key = "territory"
		}
		fields[key] = *id
	}

	path := fs.Arg(0)
	var in io.Reader = env.stdin
	var size int64 = -1
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open %s: %w", path, errors.Unwrap(err))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
			if size > limit {
				return fmt.Errorf("%s: %s", path, terrane.ErrorMessage(importer.TooLarge(limit)))
			}
		}
		in = f
	}
	opts := importer.Options{Kind: *kind, Layer: *layer, Scenario: *scenario, Fields: fields, MaxBytes: limit, MaxErrors: *maxErrors, Actor: *actor,
		MaxUnpackedBytes: cfg.bytes("max-unpacked-bytes"), MaxRatio: cfg.count("max-unpack-ratio"), MaxVertices: cfg.count("max-vertices"), MaxFeatureVertices: cfg.count("max-feature-vertices")}
	start := time.Now()
	if size < 0 || size >= progressBytes {
		opts.Progress = func(stage string, done int) {
			if done > 0 {
				fmt.Fprintf(env.stderr, "import: %s: %d (%.1f s)\n", stage, done, time.Since(start).Seconds())
			}
		}
	}

	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(ctx, env, cfg.string("db"), logger)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := importer.Import(ctx, store, in, opts)
	if err != nil {
		var ie *importer.Errors
		if errors.As(err, &ie) {
			return fmt.Errorf("%s: %s", path, ie.Message())
		}
		if terrane.ErrorCode(err) == terrane.EINTERNAL {
			return fmt.Errorf("%s: %w", path, err)
		}
		return fmt.Errorf("%s: %s", path, terrane.ErrorMessage(err))
	}
	printImport(env.stdout, path, res, time.Since(start))
	if *skippedPath != "" && res.SkippedCSV != "" {
		if err := os.WriteFile(*skippedPath, []byte(res.SkippedCSV), 0o644); err != nil {
			return fmt.Errorf("write the skipped rows: %w", err)
		}
	}
	return nil
}

// printImport writes the summary of an import.
func printImport(w io.Writer, path string, r *importer.Result, took time.Duration) {
	fmt.Fprintf(w, "imported %s into layer %s from %s (%s, %d bytes) in %.1f s\n", r.Kind, r.Layer, path, r.Format, r.Bytes, took.Seconds())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(label string, v any) { fmt.Fprintf(tw, "  %s\t%v\n", label, v) }
	switch r.Kind {
	case importer.KindUnits:
		line("features read", r.Rows)
		line("units written", r.Units)
		line("neighbour pairs", r.Edges)
		line("islands", r.Islands)
		line("connected parts", r.Components)
		if r.Bridges > 0 {
			line("bridges added", r.Bridges)
		}
		if len(r.Repairs) > 0 {
			line("features repaired", len(r.Repairs))
		}
	case importer.KindAssignments:
		if r.ScenarioCreated {
			line("scenario created", r.Scenario)
		} else {
			line("scenario", r.Scenario)
		}
		line("rows read", r.Rows)
		line("units assigned", r.Assigned)
		line("territories", r.Territories)
		line("territories created", r.TerritoriesCreated)
		line("units unassigned", r.Unassigned)
	case importer.KindAccounts:
		line("rows read", r.Rows)
		line("accounts written", r.Accounts)
		line("located", fmt.Sprintf("%d (%.1f %% of rows)", r.Located, 100*r.LocatedRowsShare))
		line("unlocated", r.Unlocated)
		line("placed by postal code", r.ByPostalCode)
		line("  of which by crosswalk", r.ByCrosswalk)
		if r.Years > 0 {
			line("years in the dates", r.Years)
		}
		line("revenue", fmt.Sprintf("%.2f dollars per year", r.Revenue))
	case importer.KindMarkets:
		line("rows read", r.Rows)
		line("estimates written", r.Estimates)
	case importer.KindReps:
		line("rows read", r.Rows)
		line("users created", r.UsersCreated)
		line("users updated", r.UsersUpdated)
		if r.Scenario != 0 {
			line("owners set in scenario", r.Scenario)
		}
	case importer.KindResources:
		line("scenario", r.Scenario)
		line("rows read", r.Rows)
		line("amounts written", r.Resources)
		line("territories", r.Territories)
		line("amounts still assumed", r.Assumed)
	case importer.KindOpportunities:
		line("rows read", r.Rows)
		line("opportunities written", r.Opportunities)
		line("won / lost / open", fmt.Sprintf("%d / %d / %d", r.Won, r.Lost, r.Open))
		line("unassigned (no account)", r.Unassigned)
		line("unmatched accounts", r.UnmatchedAccounts)
		if len(r.UnmatchedAccountIDs) > 0 {
			line("  first unmatched", strings.Join(r.UnmatchedAccountIDs, ", "))
		}
		line("import id", r.ImportID)
	case importer.KindHistory:
		line("rows read", r.Rows)
		line("history rows written", r.HistoryRows)
		line("periods", fmt.Sprintf("%d (%s)", r.Periods, r.Granularity))
		if r.Scenario != 0 {
			line("territories of scenario", r.Scenario)
		}
		if len(r.ResourceColumns) > 0 {
			line("resource columns", strings.Join(r.ResourceColumns, ", "))
		}
		line("import id", r.ImportID)
	}
	if r.RevenuePeriod != "" {
		line("market estimates updated", fmt.Sprintf("%d (revenue of %s)", r.MarketsUpdated, r.RevenuePeriod))
	}
	if r.MarketsNote != "" {
		line("markets", r.MarketsNote)
	}
	tw.Flush()
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	for _, rp := range r.Repairs {
		name := ""
		if rp.Name != "" && rp.Name != rp.ID {
			name = " " + rp.Name
		}
		fmt.Fprintf(w, "  repaired feature %d (id %q%s): %s\n", rp.Feature, rp.ID, name, strings.Join(rp.Repairs, "; "))
	}
	if len(r.Skipped) > 0 {
		what := "rows"
		if r.Kind == importer.KindUnits {
			what = "features"
		}
		fmt.Fprintf(w, "skipped %d invalid %s (skip_invalid=true):\n", len(r.Skipped), what)
		for i, s := range r.Skipped {
			if i == importer.DefaultMaxErrors {
				fmt.Fprintf(w, "  … and %d more (--skipped-csv FILE writes them all)\n", len(r.Skipped)-i)
				break
			}
			p := importer.Problem{Row: s.Line, ID: s.ID, Field: s.Field, Message: s.Message}
			if r.Kind == importer.KindUnits { // Line is the 0-based feature index
				feature := s.Line
				p.Row, p.Feature = 0, &feature
			}
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}

// parseBytes reads a size such as 52428800, 50MiB, 50MB or 1GiB.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size in bytes", s)
	}
	return n * mult, nil
}
