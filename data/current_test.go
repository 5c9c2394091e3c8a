package data_test

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

// seedCurrent makes a draft on the grid layer with two integer and
// continuous resources and two territories whose current amounts are
// assumed, and returns its id.
func seedCurrent(t *testing.T, s *data.Store) int64 {
	t.Helper()
	seedLayer(t, s)
	three := 3.0
	sc := &terrane.Scenario{Name: "Plan", Layer: "grid", CreatedBy: "seed", Resources: []terrane.Resource{
		{Name: "headcount", Unit: "reps", UnitCost: 1000, Integer: true, Total: &three},
		{Name: "money", Unit: "dollars per year", UnitCost: 1}}}
	terrs := []*terrane.Territory{
		{ID: "N", Name: "North", Current: map[string]float64{"headcount": 1, "money": 100}, Assumed: []string{"headcount", "money"}},
		{ID: "S", Name: "South", Current: map[string]float64{"headcount": 2}, Assumed: []string{"headcount"}},
	}
	if err := s.CreateScenario(context.Background(), sc, terrs, map[string]string{"a": "N", "b": "N", "c": "S"}); err != nil {
		t.Fatal(err)
	}
	return sc.ID
}

// territoriesText renders a scenario's territories, to compare.
func territoriesText(t *testing.T, s *data.Store, id int64) string {
	t.Helper()
	ts, err := s.FindTerritories(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ts)
	return string(b)
}

// TestSetCurrent: supplied amounts replace the current ones and are no
// longer assumed, the others stay (assumed or not); one version, one audit
// entry naming each amount old → new; branching copies assumed; a bad
// amount, an unknown territory or resource, or a scenario that is not a
// draft change nothing.
func TestSetCurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		id := seedCurrent(t, s)
		ts, err := s.FindTerritories(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := [][]string{ts[0].Assumed, ts[1].Assumed}; !cmp.Equal(got, [][]string{{"headcount", "money"}, {"headcount"}}) {
			t.Fatalf("assumed as stored: %v", got)
		}
		before, _ := s.FindScenarioByID(ctx, id)
		sc, err := s.SetCurrent(ctx, id, -1, map[string]map[string]float64{"N": {"headcount": 4}, "S": {"money": 250.5}}, "ann")
		if err != nil {
			t.Fatal(err)
		}
		if sc.Version != before.Version+1 {
			t.Errorf("version %d, want %d (one change)", sc.Version, before.Version+1)
		}
		ts, _ = s.FindTerritories(ctx, id)
		want := []*terrane.Territory{
			{ScenarioID: id, ID: "N", Name: "North", Owners: []string{}, Current: map[string]float64{"headcount": 4, "money": 100}, Assumed: []string{"money"}},
			{ScenarioID: id, ID: "S", Name: "South", Owners: []string{}, Current: map[string]float64{"headcount": 2, "money": 250.5}, Assumed: []string{"headcount"}},
		}
		if diff := cmp.Diff(want, ts); diff != "" {
			t.Errorf("territories (-want +got):\n%s", diff)
		}
		trail, _ := s.FindAudit(ctx, id)
		last := trail[len(trail)-1]
		var detail struct {
			Territories int                                   `json:"territories"`
			Amounts     int                                   `json:"amounts"`
			Changes     map[string]map[string]json.RawMessage `json:"changes"`
		}
		if err := json.Unmarshal([]byte(last.Detail), &detail); err != nil || last.Action != "current" || last.Actor != "ann" ||
			detail.Territories != 2 || detail.Amounts != 2 ||
			string(detail.Changes["N"]["headcount"]) != `{"old":1,"new":4,"was_assumed":true}` || string(detail.Changes["S"]["money"]) != `{"old":null,"new":250.5}` {
			t.Errorf("audit entry %+v (%v)", last, err)
		}

		// Branching copies the label.
		branch := &terrane.Scenario{Name: "Branch", Layer: "grid", ParentID: id, Resources: sc.Resources, CreatedBy: "ann"}
		al, _ := s.FindAssignments(ctx, id)
		if err := s.CreateScenario(ctx, branch, ts, al); err != nil {
			t.Fatal(err)
		}
		if got, want := territoriesText(t, s, branch.ID), strings.ReplaceAll(territoriesText(t, s, id), fmt.Sprintf(`"scenario_id":%d`, id), fmt.Sprintf(`"scenario_id":%d`, branch.ID)); got != want {
			t.Errorf("branch territories\n%s\nwant\n%s", got, want)
		}

		unchanged := territoriesText(t, s, id)
		for _, tc := range []struct {
			name    string
			current map[string]map[string]float64
			code    string
			msg     string
		}{
			{"nothing", map[string]map[string]float64{}, terrane.EINVALID, "no current amounts"},
			{"unknown territory", map[string]map[string]float64{"Q": {"headcount": 1}}, terrane.ENOTFOUND, "territory Q not found"},
			{"unknown resource", map[string]map[string]float64{"N": {"hours": 1}}, terrane.EINVALID, `current.hours: unknown resource "hours"`},
			{"fractional rep", map[string]map[string]float64{"N": {"money": 5}, "S": {"headcount": 1.5}}, terrane.EINVALID, "current.headcount: headcount is allocated in whole reps: 1.5"},
			{"negative", map[string]map[string]float64{"N": {"money": -1}}, terrane.EINVALID, "negative money"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.SetCurrent(ctx, id, -1, tc.current, "ann")
				if terrane.ErrorCode(err) != tc.code || !strings.Contains(terrane.ErrorMessage(err), tc.msg) {
					t.Errorf("error %v, want %s with %q", err, tc.code, tc.msg)
				}
			})
		}
		for _, st := range []string{terrane.StatusApproved, terrane.StatusPublished} {
			if _, err := s.UpdateScenario(ctx, id, terrane.ScenarioUpdate{Status: &st}, "lee"); err != nil {
				t.Fatal(err)
			}
			_, err := s.SetCurrent(ctx, id, -1, map[string]map[string]float64{"N": {"headcount": 2}}, "ann")
			if terrane.ErrorCode(err) != terrane.ECONFLICT || !strings.Contains(terrane.ErrorMessage(err), "is "+st) {
				t.Errorf("%s: error %v, want a conflict", st, err)
			}
		}
		if got := territoriesText(t, s, id); got != unchanged {
			t.Errorf("a refused change changed the territories:\n%s\nwas\n%s", got, unchanged)
		}
		if sc2, _ := s.FindScenarioByID(ctx, id); sc2.Version != sc.Version {
			t.Errorf("version %d after refused changes, want %d", sc2.Version, sc.Version)
		}
	})
}

// TestMigrationAssumed upgrades a database of schema version 5: every
// current amount then was derived from revenue, so each territory gets all
// the keys of its current amounts as assumed; one without any gets none.
func TestMigrationAssumed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		id := seedCurrent(t, s)
		db := s.DB()
		for _, q := range []string{
			`DELETE FROM schema_migrations WHERE version = '0006'`,
			`ALTER TABLE territories DROP COLUMN assumed`,
			`DELETE FROM territories`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, row := range [][2]string{{"N", `{"money":100,"headcount":1,"attention_hours":3}`}, {"S", `{}`}} {
			if _, err := db.Exec(db.Rebind(`INSERT INTO territories (scenario_id, id, name, parent, owners, current, locked) VALUES (?, ?, ?, '', '[]', ?, FALSE)`), id, row[0], row[0], row[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ts, err := s.FindTerritories(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := [][]string{ts[0].Assumed, ts[1].Assumed}; !cmp.Equal(got, [][]string{{"attention_hours", "headcount", "money"}, {}}) {
			t.Errorf("assumed after the upgrade: %q", got)
		}
		for _, tr := range ts {
			if err := tr.Validate(); err != nil {
				t.Errorf("upgraded territory %s: %v", tr.ID, err)
			}
		}
	})
}
