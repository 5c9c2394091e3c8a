package importer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// TestImportMalformedPipeline gives opportunities and history files with
// one kind of problem each and checks that each is rejected as a whole with
// its specific problem — line, field and message — and that nothing stored
// changed.
func TestImportMalformedPipeline(t *testing.T) {
	forEachBackend(t, testImportMalformedPipeline)
}

func testImportMalformedPipeline(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s)
	if _, err := Import(ctx, s, strings.NewReader("id,account,stage,created\nk1,a1,Open,2017-01-01\n"), Options{Kind: KindOpportunities, Layer: "grid"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, strings.NewReader("period,unit,revenue\n2017,c0r0,5\n"), Options{Kind: KindHistory, Layer: "grid"}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s, sc)
	const opp = "id,account,stage,amount,created,close_date\n"
	manyBad := opp + strings.Repeat("x,a1,Won,1,2017-01-01,someday\n", 25)
	for _, tc := range []struct {
		name   string
		kind   string
		file   string
		fields map[string]string
		want   Problem // the first problem; Message is matched as a substring
		total  int     // number of problems found; 0 = do not check
	}{
		// Opportunities.
		{name: "opportunities: missing stage column", kind: KindOpportunities, file: "id,account,created\no1,a1,2017-01-01\n",
			want: Problem{Row: 1, Field: "stage", Message: "missing column"}},
		{name: "opportunities: chosen column missing", kind: KindOpportunities, fields: map[string]string{"created": "Engaged On"}, file: opp + "o1,a1,Open,1,2017-01-01,\n",
			want: Problem{Row: 1, Field: "Engaged On", Message: "missing column (chosen for created)"}},
		{name: "opportunities: empty id", kind: KindOpportunities, file: opp + ",a1,Open,1,2017-01-01,\n",
			want: Problem{Row: 2, Field: "id", Message: "empty opportunity id"}},
		{name: "opportunities: duplicate id", kind: KindOpportunities, file: opp + "o1,a1,Open,1,2017-01-01,\no1,a2,Open,1,2017-01-01,\n",
			want: Problem{Row: 3, ID: "o1", Field: "id", Message: `duplicate opportunity id "o1" (also line 2)`}},
		{name: "opportunities: empty stage", kind: KindOpportunities, file: opp + "o1,a1,,1,2017-01-01,\n",
			want: Problem{Row: 2, ID: "o1", Field: "stage", Message: "empty stage"}},
		{name: "opportunities: negative amount", kind: KindOpportunities, file: opp + "o1,a1,Open,-5,2017-01-01,\n",
			want: Problem{Row: 2, ID: "o1", Field: "amount", Message: `negative amount "-5"`}},
		{name: "opportunities: NaN amount", kind: KindOpportunities, file: opp + "o1,a1,Open,NaN,2017-01-01,\n",
			want: Problem{Row: 2, ID: "o1", Field: "amount", Message: "not a finite number"}},
		{name: "opportunities: empty created", kind: KindOpportunities, file: opp + "o1,a1,Open,1,,\n",
			want: Problem{Row: 2, ID: "o1", Field: "created", Message: "empty created date"}},
		{name: "opportunities: bad created", kind: KindOpportunities, file: opp + "o1,a1,Open,1,05.01.2017,\n",
			want: Problem{Row: 2, ID: "o1", Field: "created", Message: `"05.01.2017" is not a date (use YYYY-MM-DD, M/D/YYYY or YYYY-MM-DDTHH:MM:SSZ)`}},
		{name: "opportunities: close before created", kind: KindOpportunities, file: opp + "o1,a1,Closed Won,1,2017-03-01,2017-02-01\n",
			want: Problem{Row: 2, ID: "o1", Field: "close_date", Message: "close date 2017-02-01 is before the created date 2017-03-01"}},
		{name: "opportunities: won without close date", kind: KindOpportunities, file: opp + "o1,a1,Closed Won,1,2017-03-01,\n",
			want: Problem{Row: 2, ID: "o1", Field: "close_date", Message: `a won deal (stage "Closed Won") needs a close date`}},
		{name: "opportunities: lost without a close date column", kind: KindOpportunities, file: "id,account,stage,created\no1,a1,Lost,2017-03-01\n",
			want: Problem{Row: 2, ID: "o1", Field: "close_date", Message: "a lost deal"}},
		{name: "opportunities: header only", kind: KindOpportunities, file: opp, want: Problem{Message: "no rows"}},
		{name: "opportunities: bad quote", kind: KindOpportunities, file: opp + "o1,\"a1,Open,1,2017-01-01,\n", want: Problem{Row: 2, Message: "CSV"}},
		{name: "gzipped opportunities: bad close date", kind: KindOpportunities, file: string(gzipped(t, opp+"o1,a1,Won,1,2017-01-01,2017-13-01\n")),
			want: Problem{Row: 2, ID: "o1", Field: "close_date", Message: `"2017-13-01" is not a date`}},
		{name: "opportunities: many problems are capped", kind: KindOpportunities, file: manyBad,
			want: Problem{Row: 2, ID: "x", Field: "close_date", Message: "is not a date"}, total: 25}, // line 2's bad date, then 24 duplicate ids

		// History.
		{name: "history: missing revenue column", kind: KindHistory, file: "period,unit\n2017,c0r0\n",
			want: Problem{Row: 1, Field: "revenue", Message: "missing column"}},
		{name: "history: neither territory nor unit", kind: KindHistory, file: "period,revenue\n2017,5\n",
			want: Problem{Row: 1, Field: "territory", Message: "need territory or unit"}},
		{name: "history: both territory and unit", kind: KindHistory, file: "period,territory,unit,revenue\n2017,W,c0r0,5\n",
			want: Problem{Row: 1, Field: "unit", Message: "not both"}},
		{name: "history: chosen resource missing", kind: KindHistory, fields: map[string]string{"resources": "Calls,Visits"}, file: "period,unit,revenue,Calls\n2017,c0r0,5,1\n",
			want: Problem{Row: 1, Field: "Visits", Message: "missing column (chosen in resources)"}},
		{name: "history: bad period", kind: KindHistory, file: "period,unit,revenue\n2017-Q5,c0r0,5\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "period", Message: `"2017-Q5" is not a period (use a date (YYYY-MM-DD), YYYY-MM, YYYY-Qn or YYYY)`}},
		{name: "history: empty period", kind: KindHistory, file: "period,unit,revenue\n,c0r0,5\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "period", Message: "empty period"}},
		{name: "history: mixed granularity", kind: KindHistory, file: "Month,unit,revenue\n2017-01,c0r0,5\n2017-Q1,c0r0,5\n",
			want: Problem{Row: 3, ID: "c0r0", Field: "Month", Message: `"2017-Q1" is a quarter but line 2's period is a month: the file must use one granularity`}},
		{name: "history: unknown unit", kind: KindHistory, file: "period,unit,revenue\n2017,nowhere,5\n",
			want: Problem{Row: 2, ID: "nowhere", Field: "unit", Message: `"nowhere" is neither the id nor the name of a unit`}},
		{name: "history: unknown territory", kind: KindHistory, file: "period,territory,revenue\n2017,N,5\n",
			want: Problem{Row: 2, ID: "N", Field: "territory", Message: fmt.Sprintf(`unknown territory "N": not in scenario %d`, sc)}},
		{name: "history: empty unit", kind: KindHistory, file: "period,unit,revenue\n2017,,5\n",
			want: Problem{Row: 2, Field: "unit", Message: "empty unit id"}},
		{name: "history: duplicate period", kind: KindHistory, file: "period,unit,revenue\n2017-03,c0r0,5\n2017-3,c0r0,6\n",
			want: Problem{Row: 3, ID: "c0r0", Field: "period", Message: `period 2017-03 of unit "c0r0" appears twice (also line 2)`}},
		{name: "history: negative revenue", kind: KindHistory, file: "period,unit,revenue\n2017,c0r0,-5\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "revenue", Message: `negative revenue "-5"`}},
		{name: "history: empty revenue", kind: KindHistory, file: "period,unit,revenue\n2017,c0r0,\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "revenue", Message: "empty revenue"}},
		{name: "history: bad resource", kind: KindHistory, file: "period,unit,revenue,Calls\n2017,c0r0,5,lots\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "Calls", Message: `"lots" is not a number`}},
		{name: "history: negative resource", kind: KindHistory, file: "period,unit,revenue,Calls\n2017,c0r0,5,-1\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "Calls", Message: `negative amount "-1"`}},
		{name: "history: already there with append", kind: KindHistory, fields: map[string]string{"mode": "append"}, file: "period,unit,revenue\n2018,c0r0,5\n2017,c0r0,5\n",
			want: Problem{Row: 3, ID: "c0r0", Field: "period", Message: "period 2017 of unit \"c0r0\" is already in layer grid"}},
		{name: "gzipped history: bad period", kind: KindHistory, file: string(gzipped(t, "period,unit,revenue\nFY17,c0r0,5\n")),
			want: Problem{Row: 2, ID: "c0r0", Field: "period", Message: `"FY17" is not a period`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Kind: tc.kind, Layer: "grid", Fields: tc.fields, Scenario: sc}
			_, err := Import(ctx, s, strings.NewReader(tc.file), opts)
			ie := importErrs(t, err)
			if len(ie.Problems) == 0 {
				t.Fatal("no problems listed")
			}
			got := ie.Problems[0]
			if !strings.Contains(terrane.ErrorMessage(err), got.Message) {
				t.Errorf("the EINVALID message does not list the problem:\n%s", terrane.ErrorMessage(err))
			}
			if !strings.Contains(got.Message, tc.want.Message) {
				t.Errorf("message %q, want it to contain %q", got.Message, tc.want.Message)
			}
			got.Message = tc.want.Message
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("first problem (-want +got):\n%s\nall: %s", diff, ie.Message())
			}
			if tc.total > 0 {
				if ie.Total() != tc.total || ie.ProblemsTotal != tc.total || len(ie.Problems) != DefaultMaxErrors || ie.More != tc.total-DefaultMaxErrors {
					t.Errorf("%d listed + %d more (total %d), want %d + %d", len(ie.Problems), ie.More, ie.ProblemsTotal, DefaultMaxErrors, tc.total-DefaultMaxErrors)
				}
			}
		})
	}
	for _, tc := range []struct {
		name   string
		kind   string
		fields map[string]string
		want   string
	}{
		{"mode", KindOpportunities, map[string]string{"mode": "merge"}, `option mode: "merge" must be replace or append`},
		{"won and lost overlap", KindOpportunities, map[string]string{"won": "Won,Done", "lost": "done"}, `stage "Done" is in both`},
		{"update_markets", KindHistory, map[string]string{"update_markets": "sometimes"}, "option update_markets"},
		{"unknown option", KindHistory, map[string]string{"won": "Won"}, `unknown option "won" for kind history`},
	} {
		t.Run("option "+tc.name, func(t *testing.T) {
			_, err := Import(ctx, s, strings.NewReader(opp+"o1,a1,Open,1,2017-01-01,\n"), Options{Kind: tc.kind, Layer: "grid", Fields: tc.fields})
			if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want EINVALID with %q", err, tc.want)
			}
		})
	}
	if after := snapshot(t, s, sc); after != before {
		t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
	}
}

// TestSkipInvalidPipeline imports opportunities and history with bad rows
// under skip_invalid=true: the good rows are written, the bad ones
// returned with line, field and reason.
func TestSkipInvalidPipeline(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedGrid(t, s)
		skip := map[string]string{"skip_invalid": "true"}
		res, err := Import(ctx, s, strings.NewReader("id,account,stage,amount,created,close_date\n"+
			"o1,a1,Open,1,2017-01-01,\n"+
			"o2,a1,Won,1,2017-01-01,\n"+
			"o3,a1,Open,-1,2017-01-01,\n"+
			"o1,a1,Open,1,2017-01-01,\n"+
			"o4,,Lost,,2017-01-01,2017-01-09\n"), Options{Kind: KindOpportunities, Layer: "grid", Fields: skip})
		if err != nil {
			t.Fatal(err)
		}
		want := []Skipped{
			{Line: 3, ID: "o2", Field: "close_date", Message: `a won deal (stage "Won") needs a close date`},
			{Line: 4, ID: "o3", Field: "amount", Message: `negative amount "-1"`},
			{Line: 5, ID: "o1", Field: "id", Message: `duplicate opportunity id "o1" (also line 2)`},
		}
		if diff := cmp.Diff(want, res.Skipped); diff != "" || res.Opportunities != 2 || res.Unassigned != 1 || res.Lost != 1 {
			t.Errorf("opportunities: %+v; skipped (-want +got):\n%s", res, diff)
		}
		if opps, _ := s.FindOpportunities(ctx, "grid"); len(opps) != 2 {
			t.Errorf("%d opportunities stored, want 2", len(opps))
		}
		res, err = Import(ctx, s, strings.NewReader("period,unit,revenue,Calls\n2017-01,c0r0,5,1\n2017-Q1,c0r0,5,\n2017-02,c0r0,x,\n2017-02,c1r1,4,2\n"),
			Options{Kind: KindHistory, Layer: "grid", Fields: skip})
		if err != nil {
			t.Fatal(err)
		}
		want = []Skipped{
			{Line: 3, ID: "c0r0", Field: "period", Message: `"2017-Q1" is a quarter but line 2's period is a month: the file must use one granularity`},
			{Line: 4, ID: "c0r0", Field: "revenue", Message: `revenue "x" is not a number`},
		}
		if diff := cmp.Diff(want, res.Skipped); diff != "" || res.HistoryRows != 2 || res.Periods != 2 || res.RevenuePeriod != "2017-02 ×12" || res.MarketsUpdated != 1 {
			t.Errorf("history: %+v; skipped (-want +got):\n%s", res, diff)
		}
		before := snapshot(t, s, 0)
		_, err = Import(ctx, s, strings.NewReader("period,unit,revenue\n2017,nowhere,5\n"), Options{Kind: KindHistory, Layer: "grid", Fields: skip})
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), "every row is invalid (1 skipped)") {
			t.Errorf("no good row: %v", err)
		}
		if after := snapshot(t, s, 0); after != before {
			t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
		}
	})
}
