package importer

import (
	"context"
	"fmt"
	"slices"

	"github.com/terrane/terrane"
)

// KindResources is a CSV of the current allocation of a scenario: the
// amount of each resource in each territory today.
const KindResources = "resources"

func init() {
	Kinds = append(Kinds, KindResources)
	allowed[KindResources] = []string{"territory", "resource", "amount", "delimiter", "skip_invalid"}
}

// resourcesPlan is a validated resources file, ready to write.
type resourcesPlan struct {
	current map[string]map[string]float64 // territory id → resource name → amount, in the resource's unit
	amounts int                           // amounts in current
	rows    int                           // data rows read
}

// parseResources reads and validates a CSV of territory, resource and
// amount against scenario sc and its territory ids: the territory is one
// of sc's, the resource one of sc's resources, the amount a finite number
// ≥ 0 (whole for an integer resource, terrane.Scenario.CheckCurrent), and
// each (territory, resource) pair appears once.
func parseResources(data []byte, opts Options, sc *terrane.Scenario, territories map[string]bool) (*resourcesPlan, error) {
	p := opts.newProblems(KindResources, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	iTerr := t.column(opts, "territory", true, "territory_id")
	iRes := t.column(opts, "resource", true, "resource_name")
	iAmount := t.column(opts, "amount", true, "current", "value", "quantity")
	if err := p.err(); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range sc.Resources {
		known[r.Name] = true
	}
	label := fmt.Sprintf("scenario %d (%s)", sc.ID, sc.Name)
	plan := &resourcesPlan{current: map[string]map[string]float64{}}
	lineOf := map[[2]string]int{}
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		line := t.row
		before := p.errs.Total() + len(p.skipped)
		terr, res, s := get(rec, iTerr), get(rec, iRes), get(rec, iAmount)
		switch {
		case terr == "":
			p.add(line, "", t.header[iTerr], "empty territory id")
		case !territories[terr]:
			p.add(line, terr, t.header[iTerr], "unknown territory %s: not in %s", quote(terr), label)
		}
		switch {
		case res == "":
			p.add(line, terr, t.header[iRes], "empty resource name")
		case !known[res]:
			p.add(line, terr, t.header[iRes], "%s", sc.CheckCurrent(res, 0))
		case terr != "" && lineOf[[2]string{terr, res}] != 0:
			p.add(line, terr, t.header[iRes], "territory %s, resource %s appears twice (also line %d)", quote(terr), quote(res), lineOf[[2]string{terr, res}])
		}
		v, ok, msg := number(s)
		switch {
		case s == "":
			p.add(line, terr, t.header[iAmount], "empty amount")
		case !ok:
			p.add(line, terr, t.header[iAmount], "%s %s", quote(s), msg)
		case known[res]:
			if why := sc.CheckCurrent(res, v); why != "" {
				p.add(line, terr, t.header[iAmount], "%s", why)
			}
		}
		if p.errs.Total()+len(p.skipped) > before {
			continue // left out (skip_invalid), or the file is rejected
		}
		lineOf[[2]string{terr, res}] = line
		if plan.current[terr] == nil {
			plan.current[terr] = map[string]float64{}
		}
		plan.current[terr][res] = v
		plan.amounts++
	}
	plan.rows = t.rows
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if plan.amounts == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// importResources validates a resources file whole, then sets the current
// amounts it gives in the scenario's territories in one transaction
// (SetCurrent): each replaces the amount there was and is no longer
// assumed. Only a draft scenario takes it.
func importResources(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	if opts.Scenario <= 0 {
		return terrane.Errorf(terrane.EINVALID, "scenario is required for a resources import: the current amounts are a scenario's (--scenario ID, form field scenario)")
	}
	sc, err := store.FindScenarioByID(ctx, opts.Scenario)
	if err != nil {
		return err
	}
	if opts.Layer != "" && opts.Layer != sc.Layer {
		return terrane.Errorf(terrane.EINVALID, "scenario %d is drawn on layer %s, not %s", sc.ID, sc.Layer, opts.Layer)
	}
	if err := sc.DraftOnlyError("its current resources"); err != nil {
		return err
	}
	ts, err := store.FindTerritories(ctx, sc.ID)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(ts))
	for _, t := range ts {
		ids[t.ID] = true
	}
	plan, err := parseResources(data, opts, sc, ids)
	if err != nil {
		return err
	}
	stored, err := store.SetCurrent(ctx, sc.ID, -1, plan.current, opts.Actor)
	if err != nil {
		return err
	}
	assumed := 0
	for _, t := range ts { // as now stored
		for r, v := range plan.current[t.ID] {
			if t.Current == nil {
				t.Current = map[string]float64{}
			}
			t.Current[r] = v
			t.Assumed = slices.DeleteFunc(t.Assumed, func(a string) bool { return a == r })
		}
		assumed += len(t.Assumed)
	}
	res.Layer, res.Format, res.Scenario = sc.Layer, "csv", sc.ID
	res.Rows, res.Resources, res.Territories, res.Assumed = plan.rows, plan.amounts, len(plan.current), assumed
	res.Warnings = stored.CurrentOverTotals(ts)
	return nil
}
