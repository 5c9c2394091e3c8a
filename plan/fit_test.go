package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/terrane/terrane"
)

func TestHistoryDataset(t *testing.T) {
	q := func(n int) (string, time.Time) {
		s := time.Date(2024, time.Month(1+3*n), 1, 0, 0, 0, 0, time.UTC)
		return []string{"2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"}[n], s
	}
	unitRow := func(unit string, n int, rev float64, res map[string]float64) *terrane.HistoryRow {
		label, start := q(n)
		return &terrane.HistoryRow{Layer: "L", Period: label, Start: start, End: start.AddDate(0, 3, -1), Granularity: terrane.GranularityQuarter, UnitID: unit, Revenue: rev, Resources: res}
	}
	terrRow := func(sc int64, terr string, n int, rev float64, res map[string]float64) *terrane.HistoryRow {
		r := unitRow("", n, rev, res)
		r.UnitID, r.Scenario, r.Territory = "", sc, terr
		return r
	}
	assign := map[string]string{"u1": "T1", "u2": "T1", "u3": "T2"}
	rows := []*terrane.HistoryRow{
		unitRow("u1", 0, 10, map[string]float64{"money": 1, "calls": 5, "temp": 20}),
		unitRow("u2", 0, 20, map[string]float64{"money": 2, "temp": 20}),
		unitRow("u3", 0, 5, map[string]float64{"money": 3, "calls": 1, "temp": 18}),
		unitRow("u1", 1, 11, map[string]float64{"money": 1, "calls": 5, "temp": 22}),
		unitRow("u2", 1, 21, map[string]float64{"money": 2, "calls": 4, "temp": 22}),
		unitRow("u3", 1, 6, map[string]float64{"money": 3, "calls": 1, "temp": 19}),
		unitRow("u9", 1, 99, map[string]float64{"money": 9, "temp": 1}), // outside the plan
		terrRow(7, "X", 0, 1, map[string]float64{"money": 1}),           // another scenario's
	}
	ds, dropped, err := HistoryDataset(rows, 3, assign, []string{"temp"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ds.Territories, ",") != "T1,T2" || strings.Join(ds.Resources, ",") != "money" || strings.Join(dropped, ",") != "calls" || strings.Join(ds.Controls, ",") != "temp" {
		t.Fatalf("territories %v, resources %v, dropped %v, controls %v", ds.Territories, ds.Resources, dropped, ds.Controls)
	}
	first := ds.Rows[ds.Series[0][0]] // T1, 2024-Q1: u1 + u2
	if first.Revenue != 30 || first.Resources[0] != 3 || first.Controls[0] != 40 || first.Period != "2024-Q1" || ds.Granularity != "quarter" {
		t.Fatalf("T1 2024-Q1: %+v", first)
	}
	// the scenario's own rows by territory win over the units'
	own := append(rows, terrRow(3, "A", 0, 8, map[string]float64{"money": 1}), terrRow(3, "A", 1, 9, map[string]float64{"money": 2}))
	ds, _, err = HistoryDataset(own, 3, assign, nil)
	if err != nil || strings.Join(ds.Territories, ",") != "A" || len(ds.Rows) != 2 {
		t.Fatalf("%v: %+v", err, ds)
	}
	for _, c := range []struct {
		rows     []*terrane.HistoryRow
		controls []string
		want     string
	}{
		{nil, nil, "scenario 3 has no history"},
		{rows, []string{"calls"}, `controls: "calls" is not recorded in every period`},
		{[]*terrane.HistoryRow{unitRow("u1", 0, 1, map[string]float64{})}, nil, "no resource is recorded in every period"},
	} {
		if _, _, err := HistoryDataset(c.rows, 3, assign, c.controls); err == nil || !strings.Contains(err.Error(), c.want) || terrane.ErrorCode(err) != terrane.EINVALID {
			t.Errorf("%v: %v, want EINVALID %q", c.controls, err, c.want)
		}
	}
}
