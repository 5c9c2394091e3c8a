package importer

import (
	"context"
	"sort"
	"strings"

	"github.com/terrane/terrane"
)

// KindHistory is a CSV of past periods: revenue and resources per territory
// or unit.
const KindHistory = "history"

func init() {
	allowed[KindHistory] = []string{"period", "territory", "unit", "revenue", "resources", "mode", "update_markets", "delimiter", "skip_invalid"}
}

// historyPlan is a validated history file, ready to write.
type historyPlan struct {
	rows        []*terrane.HistoryRow
	read        int      // data rows read
	periods     int      // distinct periods
	granularity string   // of every period
	latest      period   // the latest period
	resources   []string // resource columns, in file order
	byTerritory bool
}

// historyTarget is what the rows of a history file refer to: the units of
// the layer, and, for a file by territory, the territories of a scenario.
type historyTarget struct {
	units    *unitMatcher
	scenario func() (int64, map[string]bool, error) // the scenario and its territory ids, when the file needs them
	existing map[string]int64                       // with mode=append: key (historyKey) of the current rows → import id
}

// historyKey identifies a row among a layer's history: period and
// territory or unit.
func historyKey(period, territory, unit string) string {
	if territory != "" {
		return period + "\x00t\x00" + territory
	}
	return period + "\x00u\x00" + unit
}

// parseHistory reads and validates a CSV of history.
func parseHistory(data []byte, opts Options, target historyTarget) (*historyPlan, error) {
	p := opts.newProblems(KindHistory, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	iPeriod := t.column(opts, "period", true, "date", "month", "quarter", "year")
	iTerr := t.column(opts, "territory", false, "territory_id")
	iUnit := t.column(opts, "unit", false, "unit_id")
	iRev := t.column(opts, "revenue", true, "sales", "bookings")
	switch {
	case iTerr >= 0 && iUnit >= 0:
		p.add(1, "", t.header[iUnit], "give a territory column or a unit column, not both (also column %s)", quote(t.header[iTerr]))
	case iTerr < 0 && iUnit < 0:
		p.add(1, "", "territory", "missing column: need territory or unit (choose it with territory= or unit=); the columns are %s", t.list())
	}
	used := map[int]bool{iPeriod: true, iTerr: true, iUnit: true, iRev: true}
	var resCols []int
	if list := opts.option("resources", ""); list != "" {
		for _, name := range strings.Split(list, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			switch i := t.find(name); {
			case i < 0:
				p.add(1, "", name, "missing column (chosen in resources); the columns are %s", t.list())
			case used[i]:
				p.add(1, "", name, "column %s is the %s column, not a resource", quote(t.header[i]), map[int]string{iPeriod: "period", iTerr: "territory", iUnit: "unit", iRev: "revenue"}[i])
			default:
				resCols = append(resCols, i)
			}
		}
	} else {
		for i, h := range t.header {
			if !used[i] && h != "" {
				resCols = append(resCols, i)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	plan := &historyPlan{byTerritory: iTerr >= 0}
	for _, i := range resCols {
		plan.resources = append(plan.resources, t.header[i])
	}
	var scenario int64
	var territories map[string]bool
	iWho, who := iUnit, "unit"
	if plan.byTerritory {
		iWho, who = iTerr, "territory"
		if scenario, territories, err = target.scenario(); err != nil {
			return nil, err
		}
	}
	lineOf := map[string]int{}
	periods := map[string]bool{}
	granLine := 0
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		id := get(rec, iWho)
		row := &terrane.HistoryRow{Layer: opts.Layer, Resources: map[string]float64{}}
		switch {
		case id == "":
			p.add(t.row, "", t.header[iWho], "empty %s id", who)
		case plan.byTerritory && !territories[id]:
			p.add(t.row, id, t.header[iWho], "unknown territory %s: not in scenario %d", quote(id), scenario)
		case plan.byTerritory:
			row.Territory, row.Scenario = id, scenario
		default:
			if uid, why := target.units.match(id); uid != "" {
				row.UnitID = uid
			} else {
				p.add(t.row, id, t.header[iWho], "%s %s", quote(id), why)
			}
		}
		s := get(rec, iPeriod)
		var per period
		ok := false
		if s == "" {
			p.add(t.row, id, t.header[iPeriod], "empty period")
		} else if per, ok = parsePeriod(s); !ok {
			p.add(t.row, id, t.header[iPeriod], "%s is not a period (%s)", quote(s), periodHelp)
		} else if plan.granularity == "" {
			plan.granularity, granLine = per.granularity, t.row
		} else if per.granularity != plan.granularity {
			p.add(t.row, id, t.header[iPeriod], "%s is a %s but line %d's period is a %s: the file must use one granularity", quote(s), per.granularity, granLine, plan.granularity)
			ok = false
		}
		if ok {
			row.Period, row.Start, row.End, row.Granularity = per.label, per.start, per.end, per.granularity
		}
		if s := get(rec, iRev); s == "" {
			p.add(t.row, id, t.header[iRev], "empty revenue")
		} else if v, ok, msg := number(s); !ok {
			p.add(t.row, id, t.header[iRev], "revenue %s %s", quote(s), msg)
		} else if v < 0 {
			p.add(t.row, id, t.header[iRev], "negative revenue %s", quote(s))
		} else {
			row.Revenue = v
		}
		for _, i := range resCols {
			s := get(rec, i)
			if s == "" {
				continue // not recorded
			}
			v, ok, msg := number(s)
			switch {
			case !ok:
				p.add(t.row, id, t.header[i], "%s %s", quote(s), msg)
			case v < 0:
				p.add(t.row, id, t.header[i], "negative amount %s", quote(s))
			default:
				row.Resources[t.header[i]] = v
			}
		}
		if p.bad(t.row) || row.Period == "" || (row.Territory == "" && row.UnitID == "") {
			continue
		}
		k := historyKey(row.Period, row.Territory, row.UnitID)
		if l, dup := lineOf[k]; dup {
			p.add(t.row, id, t.header[iPeriod], "period %s of %s %s appears twice (also line %d)", row.Period, who, quote(id), l)
			continue
		}
		lineOf[k] = t.row
		if imp, ok := target.existing[k]; ok {
			p.add(t.row, id, t.header[iPeriod], "period %s of %s %s is already in layer %s (import %d): mode=append adds new rows only; leave mode out to replace them all", row.Period, who, quote(id), opts.Layer, imp)
			continue
		}
		if !periods[row.Period] {
			periods[row.Period] = true
			if plan.latest.label == "" || row.Start.After(plan.latest.start) {
				plan.latest = per
			}
		}
		plan.rows = append(plan.rows, row)
	}
	plan.read, plan.periods = t.rows, len(periods)
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if len(plan.rows) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

func importHistory(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	mode, err := opts.importMode()
	if err != nil {
		return err
	}
	update, err := opts.boolOption("update_markets", true)
	if err != nil {
		return err
	}
	units, err := layerUnits(ctx, store, opts.Layer)
	if err != nil {
		return err
	}
	matcher, err := newUnitMatcher(units, nil)
	if err != nil {
		return err
	}
	var sc *terrane.Scenario
	var assignments map[string]string
	target := historyTarget{units: matcher, scenario: func() (int64, map[string]bool, error) {
		if sc, err = OwnersScenario(ctx, store, opts.Scenario, opts.Layer, ""); err != nil {
			return 0, nil, err
		}
		if sc.Layer != opts.Layer {
			return 0, nil, terrane.Errorf(terrane.EINVALID, "scenario %d is drawn on layer %s, not %s", sc.ID, sc.Layer, opts.Layer)
		}
		ts, err := store.FindTerritories(ctx, sc.ID)
		if err != nil {
			return 0, nil, err
		}
		ids := make(map[string]bool, len(ts))
		for _, t := range ts {
			ids[t.ID] = true
		}
		if assignments, err = store.FindAssignments(ctx, sc.ID); err != nil {
			return 0, nil, err
		}
		return sc.ID, ids, nil
	}}
	if mode == modeAppend {
		current, err := store.FindHistory(ctx, opts.Layer)
		if err != nil {
			return err
		}
		target.existing = make(map[string]int64, len(current))
		for _, h := range current {
			target.existing[historyKey(h.Period, h.Territory, h.UnitID)] = h.ImportID
		}
	}
	plan, err := parseHistory(data, opts, target)
	if err != nil {
		return err
	}
	var na *newActuals
	if update {
		current, err := store.FindMarketEstimates(ctx, opts.Layer)
		if err != nil {
			return err
		}
		factor := float64(periodsPerYear(plan.granularity))
		latest := map[string]float64{}
		for _, h := range plan.rows {
			if h.Period == plan.latest.label {
				latest[h.Territory+h.UnitID] += h.Revenue * factor
			}
		}
		var left []string // territories whose revenue cannot be spread
		if plan.byTerritory {
			members := map[string][]string{}
			for u, t := range assignments {
				members[t] = append(members[t], u)
			}
			for _, us := range members {
				sort.Strings(us)
			}
			latest, left = spread(latest, members, current)
		}
		na = applyActuals(current, actuals{revenue: latest, period: plan.latest, source: terrane.RevenueFromHistory})
		for _, m := range na.estimates {
			if err := m.Validate(); err != nil {
				return err
			}
		}
		na.unspread = left
	}
	imp := &terrane.Import{Layer: opts.Layer, Kind: KindHistory, Rows: len(plan.rows), Actor: opts.Actor, Hash: contentHash(data), Append: mode == modeAppend}
	var est []*terrane.MarketEstimate
	if na != nil {
		est = na.estimates
	}
	if err := store.ReplaceHistory(opts.audited(ctx, plan.read), imp, plan.rows, est); err != nil {
		return err
	}
	res.Format, res.Rows, res.ImportID = "csv", plan.read, imp.ID
	res.HistoryRows, res.Periods, res.Granularity, res.ResourceColumns = len(plan.rows), plan.periods, plan.granularity, plan.resources
	if sc != nil {
		res.Scenario = sc.ID
	}
	if na != nil {
		na.report(res)
	}
	return nil
}
