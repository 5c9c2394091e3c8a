package importer

import (
	"context"
	"fmt"
	"math"
	"slices"
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
	iParent := t.column(opts, "parent", false, "region")
	iOwner := t.column(opts, "owner", false, "owners", "territory_owner")
	if err := p.err(); err != nil {
		return nil, err
	}
	created := map[string]*terrane.Territory{}
	parentLine := map[string]int{} // territory id → line that gave its parent
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
		chain := parentChain(get(rec, iParent))
		if terr != "" && (!known[terr] || created[terr] != nil) {
			if msg := chainConflict(created, terr, chain, parentLine); msg != "" {
				p.add(t.row, unit, t.header[iParent], "%s", msg)
			}
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
				tr := &terrane.Territory{ID: terr, Name: name}
				plan.territories = append(plan.territories, tr)
				created[terr] = tr
				plan.created++
			}
			if tr := created[terr]; tr != nil {
				for _, o := range strings.Split(get(rec, iOwner), ";") {
					if o = strings.TrimSpace(o); o != "" && !slices.Contains(tr.Owners, o) {
						tr.Owners = append(tr.Owners, o)
					}
				}
				// The parent chain: territory → region → area; regions the
				// file names only as parents are created without units.
				child := tr
				for _, id := range chain {
					if child.Parent == "" {
						child.Parent = id
						parentLine[child.ID] = t.row
					}
					next := created[id]
					if next == nil {
						if known[id] {
							break // an existing territory keeps its parent
						}
						known[id] = true
						next = &terrane.Territory{ID: id, Name: id}
						plan.territories = append(plan.territories, next)
						created[id] = next
						plan.created++
					}
					child = next
				}
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

// chainConflict says what is wrong with giving territory terr the parent
// chain (nearest first), given the territories created so far: a territory
// that would be its own ancestor, or one given another parent on an earlier
// line. It returns "" when the chain fits.
func chainConflict(created map[string]*terrane.Territory, terr string, chain []string, parentLine map[string]int) string {
	full := append([]string{terr}, chain...)
	// The ancestors the file already gave the last of the chain.
	for tr := created[full[len(full)-1]]; tr != nil && tr.Parent != "" && len(full) <= len(created)+len(chain)+1; tr = created[tr.Parent] {
		full = append(full, tr.Parent)
	}
	for k, id := range full {
		if slices.Contains(full[:k], id) {
			return "territory " + quote(id) + " would be its own parent (" + strings.Join(full[:k+1], " > ") + ")"
		}
	}
	for k := 0; k+1 < len(full); k++ {
		if tr := created[full[k]]; tr != nil && tr.Parent != "" && tr.Parent != full[k+1] {
			return fmt.Sprintf("territory %s has parent %s here but %s on line %d", quote(full[k]), quote(full[k+1]), quote(tr.Parent), parentLine[full[k]])
		}
	}
	return ""
}

// parentChain splits a parent field, "region" or "region > area" (nearest
// first), into territory ids.
func parentChain(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ">") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
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

// Default resources of a scenario made by create_scenario: current amounts
// per territory from its units' revenue in the layer's market estimates
// (docs/import.md). The sample's loader sets its own afterwards.
const (
	defaultRevenuePerRep  = 25000  // dollars per year of revenue per rep
	defaultProgramRate    = 0.08   // program dollars per dollar of revenue
	defaultRevenuePerHour = 250    // dollars of revenue per manager hour
	defaultRepCost        = 150000 // dollars per year per rep, fully loaded
)

// createScenario makes a baseline scenario (parent 0) named name on the
// layer from an assignments file: its territories, their parents and
// owners, and the sample's three resources with current amounts from the
// revenue of each territory's units.
func createScenario(ctx context.Context, store Store, data []byte, opts Options, name string, res *Result) error {
	if opts.Layer == "" {
		return terrane.Errorf(terrane.EINVALID, "layer is required with create_scenario: the scenario is drawn on it")
	}
	units, err := layerUnits(ctx, store, opts.Layer)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(units))
	for _, u := range units {
		ids[u.ID] = true
	}
	plan, err := parseAssignments(data, opts, ids, nil, nil)
	if err != nil {
		return err
	}
	est, err := store.FindMarketEstimates(ctx, opts.Layer)
	if err != nil {
		return err
	}
	revenue := map[string]float64{} // dollars per year by territory
	for _, e := range est {
		if tid, ok := plan.assignments[e.UnitID]; ok {
			revenue[tid] += e.Revenue
		}
	}
	var reps, money, hours float64
	for _, tr := range plan.territories {
		rev, ok := revenue[tr.ID]
		if !ok {
			continue
		}
		tr.Current = map[string]float64{
			"headcount": math.Round(rev / defaultRevenuePerRep),
			"money":     math.Round(rev * defaultProgramRate),
			"attention": math.Round(rev / defaultRevenuePerHour),
		}
		tr.Assumed = tr.AssumedAll() // derived from revenue, until a resources import supplies them
		reps, money, hours = reps+tr.Current["headcount"], money+tr.Current["money"], hours+tr.Current["attention"]
	}
	sc := &terrane.Scenario{Name: name, Layer: opts.Layer, Status: terrane.StatusDraft, CreatedBy: opts.Actor,
		Resources: []terrane.Resource{
			{Name: "headcount", Unit: "reps", UnitCost: defaultRepCost, Integer: true},
			{Name: "money", Unit: "dollars per year", UnitCost: 1},
			{Name: "attention", Unit: "manager hours per year"},
		}}
	if len(revenue) > 0 {
		sc.Resources[0].Total, sc.Resources[1].Total, sc.Resources[2].Total = &reps, &money, &hours
		sc.Budget = reps*defaultRepCost + money
	}
	if err := store.CreateScenario(ctx, sc, plan.territories, plan.assignments); err != nil {
		return err
	}
	res.Format, res.Scenario, res.ScenarioCreated = "csv", sc.ID, true
	res.Rows, res.Assigned = plan.rows, plan.assigned
	res.Territories, res.TerritoriesCreated = len(plan.territories), plan.created
	res.Unassigned = len(units) - len(plan.assignments)
	return nil
}

func importAssignments(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	if name := opts.option("create_scenario", ""); name != "" {
		return createScenario(ctx, store, data, opts, name, res)
	}
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
