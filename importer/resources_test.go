package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// resourcedGrid adds to a store seeded by seedGrid a draft "Resourced" on
// the grid with three resources — headcount (whole reps, total 3), money
// (total 2000 dollars), attention (no total) — and territories W (every
// amount assumed) and E (headcount and money assumed, no attention), and
// returns its id.
func resourcedGrid(t testing.TB, s *data.Store) int64 {
	t.Helper()
	ctx := context.Background()
	reps, money := 3.0, 2000.0
	sc := &terrane.Scenario{Name: "Resourced", Layer: "grid", CreatedBy: "seed", Resources: []terrane.Resource{
		{Name: "headcount", Unit: "reps", UnitCost: 1000, Integer: true, Total: &reps},
		{Name: "money", Unit: "dollars per year", UnitCost: 1, Total: &money},
		{Name: "attention", Unit: "manager hours per year"}}}
	align := map[string]string{}
	for _, c := range grid(4, 3) {
		align[c.id] = map[bool]string{true: "W", false: "E"}[c.id[1] < '2']
	}
	terrs := []*terrane.Territory{
		{ID: "E", Name: "East", Current: map[string]float64{"headcount": 1, "money": 300}, Assumed: []string{"headcount", "money"}},
		{ID: "W", Name: "West", Current: map[string]float64{"headcount": 1, "money": 400, "attention": 10}, Assumed: []string{"attention", "headcount", "money"}},
	}
	if err := s.CreateScenario(ctx, sc, terrs, align); err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

// currentOf returns the scenario's territories by id.
func currentOf(t testing.TB, s *data.Store, id int64) map[string]*terrane.Territory {
	t.Helper()
	ts, err := s.FindTerritories(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*terrane.Territory{}
	for _, tr := range ts {
		out[tr.ID] = tr
	}
	return out
}

// TestImportResources: a resources file replaces the amounts it gives and
// drops them from assumed; the others stay, still assumed; the write is one
// change of the scenario's version with a "current" audit entry; current
// amounts over a total are a warning, the total is left alone; columns are
// chosen by option, gzip is read; a scenario that is not a draft refuses
// the file and nothing changes.
func TestImportResources(t *testing.T) {
	forEachBackend(t, testImportResources)
}

func testImportResources(t *testing.T, s *data.Store) {
	ctx := context.Background()
	seedGrid(t, s)
	id := resourcedGrid(t, s)
	before, _ := s.FindScenarioByID(ctx, id)
	file := "territory,resource,amount\nW,headcount,2\nW,money,\"$1,500\"\nE,attention,40\n"
	res, err := Import(ctx, s, strings.NewReader(string(gzipped(t, file))), Options{Kind: KindResources, Scenario: id, Actor: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Layer != "grid" || res.Scenario != id || res.Rows != 3 || res.Resources != 3 || res.Territories != 2 || res.Assumed != 3 || len(res.Warnings) != 0 {
		t.Errorf("result %+v", res)
	}
	got := currentOf(t, s, id)
	for _, tc := range []struct {
		id      string
		current map[string]float64
		assumed []string
	}{
		{"W", map[string]float64{"headcount": 2, "money": 1500, "attention": 10}, []string{"attention"}},
		{"E", map[string]float64{"headcount": 1, "money": 300, "attention": 40}, []string{"headcount", "money"}},
	} {
		if diff := cmp.Diff(tc.current, got[tc.id].Current); diff != "" {
			t.Errorf("%s current (-want +got):\n%s", tc.id, diff)
		}
		if diff := cmp.Diff(tc.assumed, got[tc.id].Assumed); diff != "" {
			t.Errorf("%s assumed (-want +got):\n%s", tc.id, diff)
		}
	}
	after, _ := s.FindScenarioByID(ctx, id)
	if after.Version != before.Version+1 || !cmp.Equal(after.Resources, before.Resources) {
		t.Errorf("version %d → %d, resources %v → %v; want one change and the totals as they were", before.Version, after.Version, before.Resources, after.Resources)
	}
	trail, _ := s.FindAudit(ctx, id)
	if last := trail[len(trail)-1]; last.Action != "current" || last.Actor != "ann" || !strings.Contains(last.Detail, `"amounts":3`) {
		t.Errorf("audit entry %+v", last)
	}

	// Chosen columns, another delimiter; an amount over a total warns.
	res, err = Import(ctx, s, strings.NewReader("Region;What;Reps\nE;money;2500\n"), Options{Kind: KindResources, Layer: "grid", Scenario: id,
		Fields: map[string]string{"territory": "Region", "resource": "What", "amount": "Reps", "delimiter": ";"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "money: the current amounts add up to 4000 dollars per year, more than the scenario's total of 2000") {
		t.Errorf("warnings %q", res.Warnings)
	}
	if sc, _ := s.FindScenarioByID(ctx, id); *sc.Resources[1].Total != 2000 {
		t.Errorf("money total changed to %v", *sc.Resources[1].Total)
	}

	// Refusals change nothing.
	snap := snapshot(t, s, id)
	for _, tc := range []struct {
		name string
		opts Options
		code string
		msg  string
	}{
		{"no scenario", Options{Kind: KindResources, Layer: "grid"}, terrane.EINVALID, "scenario is required"},
		{"other layer", Options{Kind: KindResources, Layer: "other", Scenario: id}, terrane.EINVALID, "drawn on layer grid, not other"},
		{"unknown scenario", Options{Kind: KindResources, Scenario: 999}, terrane.ENOTFOUND, "scenario 999"},
		{"unknown option", Options{Kind: KindResources, Scenario: id, Fields: map[string]string{"unit_id": "x"}}, terrane.EINVALID, `unknown option "unit_id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(ctx, s, strings.NewReader("territory,resource,amount\nW,money,1\n"), tc.opts)
			if terrane.ErrorCode(err) != tc.code || !strings.Contains(terrane.ErrorMessage(err), tc.msg) {
				t.Errorf("error %v, want %s with %q", err, tc.code, tc.msg)
			}
		})
	}
	if after := snapshot(t, s, id); after != snap {
		t.Errorf("a refused import changed the store:\n%s", cmp.Diff(snap, after))
	}
	approved := terrane.StatusApproved
	if _, err := s.UpdateScenario(ctx, id, terrane.ScenarioUpdate{Status: &approved}, "lee"); err != nil {
		t.Fatal(err)
	}
	snap = snapshot(t, s, id)
	_, err = Import(ctx, s, strings.NewReader("territory,resource,amount\nW,money,1\n"), Options{Kind: KindResources, Scenario: id})
	if terrane.ErrorCode(err) != terrane.ECONFLICT || !strings.Contains(terrane.ErrorMessage(err), `"Resourced" is approved: its current resources change in drafts only`) {
		t.Errorf("import into an approved plan: %v", err)
	}
	if after := snapshot(t, s, id); after != snap {
		t.Errorf("a refused import changed the store:\n%s", cmp.Diff(snap, after))
	}
}

// TestImportResourcesSkipInvalid imports the valid rows and lists the
// others with their line, field and reason; a file of bad rows only is
// rejected.
func TestImportResourcesSkipInvalid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedGrid(t, s)
		id := resourcedGrid(t, s)
		file := "territory,resource,amount\nW,headcount,2\nQ,money,5\nE,headcount,1.5\nW,headcount,3\nE,money,-1\nE,attention,7\n"
		res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindResources, Scenario: id, Fields: map[string]string{"skip_invalid": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []Skipped{
			{Line: 3, ID: "Q", Field: "territory", Message: fmt.Sprintf(`unknown territory "Q": not in scenario %d (Resourced)`, id)},
			{Line: 4, ID: "E", Field: "amount", Message: "headcount is allocated in whole reps: 1.5 is not a whole number"},
			{Line: 5, ID: "W", Field: "resource", Message: `territory "W", resource "headcount" appears twice (also line 2)`},
			{Line: 6, ID: "E", Field: "amount", Message: "negative money -1"},
		}
		if diff := cmp.Diff(want, res.Skipped); diff != "" {
			t.Errorf("skipped (-want +got):\n%s", diff)
		}
		if res.Resources != 2 || !strings.HasPrefix(res.SkippedCSV, "line,id,field,message\n3,Q,territory,") {
			t.Errorf("result %+v", res)
		}
		got := currentOf(t, s, id)
		if got["W"].Current["headcount"] != 2 || got["E"].Current["attention"] != 7 || got["E"].Current["money"] != 300 {
			t.Errorf("stored W %v, E %v", got["W"].Current, got["E"].Current)
		}
		snap := snapshot(t, s, id)
		_, err = Import(ctx, s, strings.NewReader("territory,resource,amount\nQ,money,5\n"), Options{Kind: KindResources, Scenario: id, Fields: map[string]string{"skip_invalid": "true"}})
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), "every row is invalid (1 skipped)") {
			t.Errorf("no valid row: %v", err)
		}
		if after := snapshot(t, s, id); after != snap {
			t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(snap, after))
		}
	})
}

// TestImportResourcesMalformed gives bad resources files: each is rejected
// whole with its specific problem — line, id, field, message — the count
// is the true total, and nothing stored changes.
func TestImportResourcesMalformed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedGrid(t, s)
		id := resourcedGrid(t, s)
		before := snapshot(t, s, id)
		head := "territory,resource,amount\n"
		for _, tc := range []struct {
			name   string
			file   string
			fields map[string]string
			want   Problem // the first problem; Message is matched as a substring
			total  int     // problems found; 0 = do not check
		}{
			{name: "unknown territory", file: head + "W,money,1\nQ,money,1\n",
				want: Problem{Row: 3, ID: "Q", Field: "territory", Message: fmt.Sprintf(`unknown territory "Q": not in scenario %d (Resourced)`, id)}},
			{name: "empty territory", file: head + ",money,1\n", want: Problem{Row: 2, Field: "territory", Message: "empty territory id"}},
			{name: "unknown resource", file: head + "W,hours,1\n",
				want: Problem{Row: 2, ID: "W", Field: "resource", Message: `unknown resource "hours": the resources of scenario ` + fmt.Sprint(id) + ` are headcount, money, attention`}},
			{name: "empty resource", file: head + "W,,1\n", want: Problem{Row: 2, ID: "W", Field: "resource", Message: "empty resource name"}},
			{name: "fractional rep", file: head + "W,headcount,2.5\n",
				want: Problem{Row: 2, ID: "W", Field: "amount", Message: "headcount is allocated in whole reps: 2.5 is not a whole number"}},
			{name: "negative", file: head + "E,money,-5\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: "negative money -5"}},
			{name: "NaN", file: head + "E,money,NaN\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: `"NaN" is not a finite number`}},
			{name: "infinite", file: head + "E,money,1e400\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: `"1e400" is out of range`}},
			{name: "not a number", file: head + "E,money,lots\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: `"lots" is not a number`}},
			{name: "empty amount", file: head + "E,money,\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: "empty amount"}},
			{name: "too large", file: head + "E,money,1e16\n", want: Problem{Row: 2, ID: "E", Field: "amount", Message: "money 1e+16 is too large"}},
			{name: "pair twice", file: head + "W,money,1\nE,money,2\nW,money,3\n",
				want: Problem{Row: 4, ID: "W", Field: "resource", Message: `territory "W", resource "money" appears twice (also line 2)`}},
			{name: "named columns", file: "Territory ID,Resource,Current\nW,headcount,0.5\n",
				want: Problem{Row: 2, ID: "W", Field: "Current", Message: "whole reps"}},
			{name: "missing column", file: "territory,resource\nW,money\n", want: Problem{Row: 1, Field: "amount", Message: `missing column "amount"`}},
			{name: "chosen column missing", file: head + "W,money,1\n", fields: map[string]string{"amount": "Reps"},
				want: Problem{Row: 1, Field: "Reps", Message: "missing column (chosen for amount)"}},
			{name: "header only", file: head, want: Problem{Message: "no rows"}},
			{name: "empty file", file: "\n", want: Problem{Message: "empty"}},
			{name: "bad quote", file: head + "W,money,\"1\n", want: Problem{Row: 2, Message: "CSV"}},
			{name: "gzipped", file: string(gzipped(t, head+"W,money,-1\n")), want: Problem{Row: 2, ID: "W", Field: "amount", Message: "negative money"}},
			{name: "every row checked", file: head + strings.Repeat("Q,money,1\n", 25) + "W,money,1\nW,money,2\n",
				want: Problem{Row: 2, ID: "Q", Field: "territory", Message: "unknown territory"}, total: 26},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := Import(ctx, s, strings.NewReader(tc.file), Options{Kind: KindResources, Scenario: id, Fields: tc.fields})
				ie := importErrs(t, err)
				if len(ie.Problems) == 0 {
					t.Fatal("no problems listed")
				}
				got := ie.Problems[0]
				if !strings.Contains(got.Message, tc.want.Message) {
					t.Errorf("message %q, want it to contain %q", got.Message, tc.want.Message)
				}
				got.Message = tc.want.Message
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("first problem (-want +got):\n%s\nall: %s", diff, ie.Message())
				}
				if tc.total > 0 && (ie.Total() != tc.total || ie.ProblemsTotal != tc.total || ie.More != tc.total-DefaultMaxErrors) {
					t.Errorf("%d problems (%d listed, %d more), want %d", ie.Total(), len(ie.Problems), ie.More, tc.total)
				}
			})
		}
		if after := snapshot(t, s, id); after != before {
			t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
		}
	})
}

// TestCreateScenarioAssumed: a baseline made by create_scenario derives its
// current amounts from revenue and labels every one assumed; a territory
// without revenue has none.
func TestCreateScenarioAssumed(t *testing.T) {
	s, _ := gridStore(t)
	ctx := context.Background()
	res, err := Import(ctx, s, strings.NewReader("unit,territory\nc0r0,T1\nc1r1,T2\nc3r2,T3\n"), Options{Kind: KindAssignments, Layer: "grid",
		Fields: map[string]string{"create_scenario": "Derived"}})
	if err != nil {
		t.Fatal(err)
	}
	got := currentOf(t, s, res.Scenario)
	if !cmp.Equal(got["T1"].Assumed, []string{"attention", "headcount", "money"}) || !cmp.Equal(got["T2"].Assumed, []string{"attention", "headcount", "money"}) ||
		len(got["T3"].Assumed) != 0 || got["T3"].Assumed == nil || len(got["T3"].Current) != 0 {
		b, _ := json.Marshal(got)
		t.Errorf("territories %s", b)
	}
}
