package importer

import (
	"context"
	"strings"

	"github.com/terrane/terrane"
)

// assignPlan is a validated assignments file, ready to write.
type assignPlan struct {
	territories []*terrane.Territory
	assignments map[string]string
	created     int
	assigned    int
	rows        int
}

// parseAssignments reads and validates a CSV of unit → territory against the
// layer's unit ids and the scenario's current territories and alignment.
func parseAssignments(data []byte, opts Options, unitIDs map[string]bool, existing []*terrane.Territory, current map[string]string) (*assignPlan, error) {
	p := opts.newProblems(KindAssignments, "csv")
	merge := false
	switch m := strings.ToLower(opts.option("mode", "replace")); m {
	case "replace":
	case "merge":
		merge = true
	default:
		return nil, terrane.Errorf(terrane.EINVALID, "option mode: %q must be replace or merge", m)
	}
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	iUnit := t.column(opts, "unit_id", true, "unit", "zip", "fips", "geoid")
	iTerr := t.column(opts, "territory_id", true, "territory")
	iName := t.column(opts, "territory_name", false)
	if err := p.err(); err != nil {
		return nil, err
	}
	plan := &assignPlan{assignments: map[string]string{}}
	if merge {
		for u, tid := range current {
			plan.assignments[u] = tid
		}
	}
	known := map[string]bool{}
	for _, tr := range existing {
		known[tr.ID] = true
		plan.territories = append(plan.territories, tr)
	}
	lineOf := map[string]int{}
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		unit, terr := get(rec, iUnit), get(rec, iTerr)
		switch {
		case unit == "":
			p.add(t.row, "", t.header[iUnit], "empty unit id")
		case !unitIDs[unit]:
			p.add(t.row, unit, t.header[iUnit], "unknown unit %s: not in layer %s", quote(unit), opts.Layer)
		case lineOf[unit] != 0:
			p.add(t.row, unit, t.header[iUnit], "unit %s appears twice (also line %d)", quote(unit), lineOf[unit])
		}
		if terr == "" {
			p.add(t.row, unit, t.header[iTerr], "empty territory id")
		}
		if p.bad(t.row) {
			continue // skip_invalid: the row is left out
		}
		if unit != "" && lineOf[unit] == 0 {
			lineOf[unit] = t.row
		}
		if terr != "" && unit != "" {
			plan.assignments[unit] = terr
			if !known[terr] {
				known[terr] = true
				name := get(rec, iName)
				if name == "" {
					name = terr
				}
				plan.territories = append(plan.territories, &terrane.Territory{ID: terr, Name: name})
				plan.created++
			}
		}
	}
	plan.rows = t.rows
	plan.assigned = len(lineOf)
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if plan.assigned == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// layerUnits loads the units of a layer, which must exist.
func layerUnits(ctx context.Context, store Store, layer string) ([]*terrane.Unit, error) {
	if _, err := store.FindLayerByID(ctx, layer); err != nil {
		return nil, err
	}
	return store.FindUnits(ctx, terrane.UnitFilter{Layer: layer})
}

func importAssignments(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	sc, err := store.FindScenarioByID(ctx, opts.Scenario)
	if err != nil {
		return err
	}
	if opts.Layer == "" {
		opts.Layer = sc.Layer
	} else if opts.Layer != sc.Layer {
		return terrane.Errorf(terrane.EINVALID, "scenario %d is drawn on layer %s, not %s", sc.ID, sc.Layer, opts.Layer)
	}
	if sc.Status == terrane.StatusPublished {
		return terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and read-only", sc.ID)
	}
	units, err := layerUnits(ctx, store, opts.Layer)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(units))
	for _, u := range units {
		ids[u.ID] = true
	}
	existing, err := store.FindTerritories(ctx, sc.ID)
	if err != nil {
		return err
	}
	current, err := store.FindAssignments(ctx, sc.ID)
	if err != nil {
		return err
	}
	plan, err := parseAssignments(data, opts, ids, existing, current)
	if err != nil {
		return err
	}
	if err := store.ReplaceTerritories(ctx, sc.ID, plan.territories, plan.assignments, opts.Actor); err != nil {
		return err
	}
	res.Layer, res.Format, res.Scenario = opts.Layer, "csv", sc.ID
	res.Rows, res.Assigned = plan.rows, plan.assigned
	res.Territories, res.TerritoriesCreated = len(plan.territories), plan.created
	res.Unassigned = len(units) - len(plan.assignments)
	return nil
}
