package importer

import (
	"testing"

	"github.com/terrane/terrane"
)

func FuzzImportCSVOpportunities(f *testing.F) {
	f.Add([]byte("id,account,owner,stage,amount,created,close_date,product,Source\no1,a1,rita,Closed Won,\"$1,000\",2017-01-05,2017-03-01,W,web\no2,,sam,Lost,,1/15/2017,2/20/2017,,\no3,zz,sam,Open,5,2017-02-01T09:30:00Z,,,\n"), "", false)
	f.Add([]byte("id,account,stage,created,close_date\no1,a1,Won,2017-03-01,2017-02-01\no1,a1,Won,2017-03-01,\n,a1,,x,\n"), "Won,Signed", true)
	f.Add([]byte("Opportunity ID;Account ID;Stage;Created Date\nx;a1;Lost;2017-01-01\n\"y;a1;Won;NaN\n"), "", true)
	f.Add([]byte("id,account,stage,created\n"), "", false)
	accounts := map[string]bool{"a1": true, "a2": true}
	existing := map[string]int64{"old": 1}
	f.Fuzz(func(t *testing.T, file []byte, wonStages string, skip bool) {
		fields := map[string]string{}
		if wonStages != "" {
			fields["won"] = wonStages
		}
		if skip {
			fields["delimiter"] = ";"
		}
		plan, err := parseOpportunities(file, Options{Kind: KindOpportunities, Layer: "grid", Fields: fields, MaxErrors: 5, SkipInvalid: skip, Progress: func(string, int) {}}, accounts, existing)
		if err != nil {
			checkRejection(t, err)
			return
		}
		seen := map[string]bool{}
		var won, lost, open, unassigned, unmatched int
		for _, o := range plan.opps {
			if err := o.Validate(); err != nil {
				t.Fatalf("accepted an invalid opportunity: %v", err)
			}
			if seen[o.ID] || o.ID == "old" {
				t.Fatalf("opportunity %s twice", o.ID)
			}
			seen[o.ID] = true
			switch o.Status {
			case terrane.OpportunityWon:
				won++
			case terrane.OpportunityLost:
				lost++
			default:
				open++
			}
			switch {
			case o.AccountID == "":
				unassigned++
			case !accounts[o.AccountID]:
				unmatched++
			}
		}
		if won != plan.won || lost != plan.lost || open != plan.open || unassigned != plan.unassigned || unmatched != plan.unmatchedOpportunities {
			t.Fatalf("counts %d/%d/%d/%d/%d, plan says %+v", won, lost, open, unassigned, unmatched, plan)
		}
		if len(plan.unmatchedIDs) > MaxUnmatchedListed || plan.unmatched > plan.unmatchedOpportunities {
			t.Fatalf("unmatched %d accounts of %d opportunities, %d listed", plan.unmatched, plan.unmatchedOpportunities, len(plan.unmatchedIDs))
		}
	})
}

func FuzzImportCSVHistory(f *testing.F) {
	f.Add([]byte("period,unit,revenue,Calls,Program $\n2017-Q3,c0r0,20,100,\n2017-Q4,c0r0,25,120,\"$1,500\"\n2017 Q4,c1r1,30,,\n"), false)
	f.Add([]byte("period,territory,revenue\n2017-01,W,5\n2017-Q1,E,5\n2017-01,W,6\n2017-02,N,1\n"), true)
	f.Add([]byte("Month;unit;revenue;x\n2017-13;c0r0;NaN;-1\n\"2017-01;c0r0;1;1\n"), true)
	f.Add([]byte("date,unit,sales\n2017-01-05,c0r0,1\n1/6/2017,c0r1,2\n2017,c2r1,3\n"), false)
	units, _ := fuzzLayer()
	matcher, err := newUnitMatcher(units, nil)
	if err != nil {
		f.Fatal(err)
	}
	target := historyTarget{units: matcher, scenario: func() (int64, map[string]bool, error) {
		return 7, map[string]bool{"W": true, "E": true}, nil
	}, existing: map[string]int64{historyKey("2016", "", "c0r0"): 1}}
	f.Fuzz(func(t *testing.T, file []byte, skip bool) {
		fields := map[string]string{}
		if skip {
			fields["delimiter"] = ";"
		}
		plan, err := parseHistory(file, Options{Kind: KindHistory, Layer: "grid", Fields: fields, MaxErrors: 5, SkipInvalid: skip, Progress: func(string, int) {}}, target)
		if err != nil {
			checkRejection(t, err)
			return
		}
		seen := map[string]bool{}
		periods := map[string]bool{}
		for _, h := range plan.rows {
			if err := h.Validate(); err != nil {
				t.Fatalf("accepted an invalid row: %v", err)
			}
			k := historyKey(h.Period, h.Territory, h.UnitID)
			if seen[k] || target.existing[k] != 0 {
				t.Fatalf("period %s of %s%s twice", h.Period, h.Territory, h.UnitID)
			}
			seen[k] = true
			periods[h.Period] = true
			if h.Granularity != plan.granularity || h.Start.After(plan.latest.start) {
				t.Fatalf("row %s (%s) against the plan's %s, latest %s", h.Period, h.Granularity, plan.granularity, plan.latest.label)
			}
			if p, ok := parsePeriod(h.Period); !ok || p.label != h.Period || !p.start.Equal(h.Start) || !p.end.Equal(h.End) {
				t.Fatalf("period label %q does not read back", h.Period)
			}
		}
		if len(periods) != plan.periods {
			t.Fatalf("%d periods, plan says %d", len(periods), plan.periods)
		}
	})
}
