package plan

import (
	"sort"
	"strings"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/fit"
)

// HistoryDataset turns a layer's stored history (terrane.HistoryRow, as
// ImportService.FindHistory returns it) into the territories of scenario
// for optimizer/fit. Rows by territory of this scenario are used as they
// are; when the scenario has none, rows by unit are summed into each unit's
// territory under assignments (unit id → territory id; revenue and every
// resource summed per territory and period; units outside the plan are
// left out). Rows of other scenarios are ignored. The resources are the
// amounts recorded in every row, in name order, less the controls, which
// must be recorded in every row too; dropped lists the resources some row
// lacks.
func HistoryDataset(rows []*terrane.HistoryRow, scenario int64, assignments map[string]string, controls []string) (ds *fit.Dataset, dropped []string, err error) {
	type key struct {
		territory string
		start     time.Time
	}
	type agg struct {
		label       string
		granularity string
		revenue     float64
		amounts     map[string]float64
	}
	sum := map[key]*agg{}
	var order []key
	byTerritory := false
	for _, r := range rows {
		if r.Territory != "" && r.Scenario == scenario {
			byTerritory = true
			break
		}
	}
	for _, r := range rows {
		terr := ""
		switch {
		case byTerritory && r.Territory != "" && r.Scenario == scenario:
			terr = r.Territory
		case !byTerritory && r.UnitID != "":
			terr = assignments[r.UnitID]
		}
		if terr == "" {
			continue
		}
		k := key{terr, r.Start}
		a := sum[k]
		if a == nil {
			a = &agg{label: r.Period, granularity: r.Granularity, amounts: map[string]float64{}}
			for name, v := range r.Resources {
				a.amounts[name] = v
			}
			a.revenue = r.Revenue
			sum[k] = a
			order = append(order, k)
			continue
		}
		a.revenue += r.Revenue
		for name := range a.amounts {
			if v, ok := r.Resources[name]; ok {
				a.amounts[name] += v
			} else {
				delete(a.amounts, name) // not recorded for every unit: unknown for the territory
			}
		}
	}
	if len(order) == 0 {
		return nil, nil, terrane.Errorf(terrane.EINVALID, "scenario %d has no history: import a history file by territory of the scenario, or by unit of its layer", scenario)
	}
	// resources recorded in every (territory, period)
	count := map[string]int{}
	granularity := sum[order[0]].granularity
	for _, k := range order {
		a := sum[k]
		if a.granularity != granularity {
			return nil, nil, terrane.Errorf(terrane.EINVALID, "history: period %s is a %s but %s is a %s: one granularity is needed", a.label, a.granularity, sum[order[0]].label, granularity)
		}
		for name := range a.amounts {
			count[name]++
		}
	}
	isControl := map[string]bool{}
	for _, c := range controls {
		if count[c] != len(order) {
			return nil, nil, terrane.Errorf(terrane.EINVALID, "controls: %q is not recorded in every period of the history", c)
		}
		isControl[c] = true
	}
	var resources []string
	for name, n := range count {
		switch {
		case isControl[name]:
		case n == len(order):
			resources = append(resources, name)
		default:
			dropped = append(dropped, name)
		}
	}
	sort.Strings(resources)
	sort.Strings(dropped)
	if len(resources) == 0 {
		return nil, dropped, terrane.Errorf(terrane.EINVALID, "history: no resource is recorded in every period (recorded in some: %s)", strings.Join(dropped, ", "))
	}
	out := make([]fit.Row, 0, len(order))
	for _, k := range order {
		a := sum[k]
		row := fit.Row{Territory: k.territory, Period: a.label, Start: k.start, Revenue: a.revenue}
		for _, name := range resources {
			row.Resources = append(row.Resources, a.amounts[name])
		}
		for _, name := range controls {
			row.Controls = append(row.Controls, a.amounts[name])
		}
		out = append(out, row)
	}
	ds, err = fit.NewDataset(out, resources, controls, granularity)
	if err != nil {
		return nil, dropped, terrane.Errorf(terrane.EINVALID, "%v", err)
	}
	return ds, dropped, nil
}
