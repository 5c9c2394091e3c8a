package data_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// twoTerritories creates a draft scenario on seedLayer's grid with a, b in
// T1 and c in T2.
func twoTerritories(t *testing.T, s *data.Store, name string) *terrane.Scenario {
	t.Helper()
	sc := &terrane.Scenario{Name: name, Layer: "grid", ParentID: 1}
	terrs := []*terrane.Territory{{ID: "T1", Name: "One"}, {ID: "T2", Name: "Two"}}
	if err := s.CreateScenario(context.Background(), sc, terrs, map[string]string{"a": "T1", "b": "T1", "c": "T2"}); err != nil {
		t.Fatal(err)
	}
	return sc
}

func setStatus(t *testing.T, s *data.Store, id int64, status string) {
	t.Helper()
	if _, err := s.UpdateScenario(context.Background(), id, terrane.ScenarioUpdate{Status: &status}, "lee"); err != nil {
		t.Fatal(err)
	}
}

// An approved or published plan reads the opportunities, history, market
// estimates and accounts current when it was approved; imports after that
// change what drafts read only, and the replaced rows it pins are kept
// until it returns to draft.
func TestApprovedPlanPinsItsInputs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		if err := s.UpsertMarketEstimates(ctx, []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 1000, Revenue: 100, Share: 0.1, Saturation: 0.2, Floor: 0.05, Low: 800, High: 1200}}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccounts(ctx, []*terrane.Account{{ID: "acc-1", Name: "One", Layer: "grid", UnitID: "a", Revenue: 5}}); err != nil {
			t.Fatal(err)
		}
		opp := func(id string) []*terrane.Opportunity {
			return []*terrane.Opportunity{{Layer: "grid", ID: id, Stage: "Qualify", Status: terrane.OpportunityOpen, Created: date("2017-02-01")}}
		}
		hist := func(rev float64) []*terrane.HistoryRow {
			return []*terrane.HistoryRow{{Layer: "grid", Period: "2017-Q4", Start: date("2017-10-01"), End: date("2017-12-31"), Granularity: terrane.GranularityQuarter, UnitID: "a", Revenue: rev, Resources: map[string]float64{}}}
		}
		if err := s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 1, Actor: "ann"}, opp("old")); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history", Rows: 1, Actor: "ann"}, hist(10), nil); err != nil {
			t.Fatal(err)
		}
		approved := twoTerritories(t, s, "Approved")
		draft := twoTerritories(t, s, "Draft")
		setStatus(t, s, approved.ID, terrane.StatusApproved)

		// The imports after approval.
		if err := s.ReplaceOpportunities(ctx, &terrane.Import{Layer: "grid", Kind: "opportunities", Rows: 1, Actor: "ann"}, opp("new")); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceHistory(ctx, &terrane.Import{Layer: "grid", Kind: "history", Rows: 1, Actor: "ann"}, hist(99), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertMarketEstimates(ctx, []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 50000, Revenue: 100, Share: 0.002, Saturation: 0.2, Floor: 0.001, Low: 40000, High: 60000}}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceAccounts(ctx, "grid", []*terrane.Account{{ID: "acc-2", Name: "Two", Layer: "grid", UnitID: "b", Revenue: 7}}, nil); err != nil {
			t.Fatal(err)
		}

		check := func(sc *terrane.Scenario, wantOpp string, wantRev, wantMarket float64, wantAcct string) {
			t.Helper()
			opps, err := s.FindScenarioOpportunities(ctx, sc.ID)
			if err != nil || len(opps) != 1 || opps[0].ID != wantOpp {
				t.Errorf("%s opportunities = %v, %v; want %s", sc.Name, opps, err, wantOpp)
			}
			h, err := s.FindScenarioHistory(ctx, sc.ID)
			if err != nil || len(h) != 1 || h[0].Revenue != wantRev {
				t.Errorf("%s history = %v, %v; want revenue %v", sc.Name, h, err, wantRev)
			}
			est, err := s.FindScenarioMarketEstimates(ctx, sc.ID)
			if err != nil || len(est) != 1 || est[0].Market != wantMarket {
				t.Errorf("%s market estimates = %v, %v; want market %v", sc.Name, est, err, wantMarket)
			}
			accts, err := s.FindAccounts(ctx, terrane.AccountFilter{Scenario: sc.ID})
			if err != nil || len(accts) != 1 || accts[0].ID != wantAcct {
				t.Errorf("%s accounts = %v, %v; want %s", sc.Name, accts, err, wantAcct)
			}
			counts, err := s.CountScenarioAccounts(ctx, sc.ID)
			if err != nil || len(counts) != 1 {
				t.Errorf("%s account counts = %v, %v", sc.Name, counts, err)
			}
		}
		check(approved, "old", 10, 1000, "acc-1")
		check(draft, "new", 99, 50000, "acc-2")
		// Publishing keeps the inputs it was approved on.
		setStatus(t, s, approved.ID, terrane.StatusPublished)
		check(approved, "old", 10, 1000, "acc-1")
		// The layer's current rows are the new ones only.
		if opps, _ := s.FindOpportunities(ctx, "grid"); len(opps) != 1 || opps[0].ID != "new" {
			t.Errorf("layer's opportunities = %v; want only the current import's", opps)
		}
		// Back to draft (a branch from it stays; demote via a new plan):
		// the pinned rows of replaced imports go.
		other := twoTerritories(t, s, "Other")
		setStatus(t, s, other.ID, terrane.StatusApproved)
		setStatus(t, s, other.ID, terrane.StatusPublished) // approved demoted to approved
		check(approved, "old", 10, 1000, "acc-1")
		if _, _, err := s.MoveUnits(ctx, approved.ID, -1, map[string]string{"c": "T1"}, "ann"); err != nil {
			t.Fatal(err)
		}
		check(approved, "new", 99, 50000, "acc-2")
		var n int
		if err := s.DB().Get(&n, `SELECT COUNT(*) FROM opportunities WHERE id = 'old'`); err != nil || n != 0 {
			t.Errorf("%d rows of the unpinned, replaced opportunities import remain (%v); want 0", n, err)
		}
	})
}

// MoveUnits: row updates checked against the version read; an approved
// scenario returns to draft; a published one or a stale version is a
// conflict that moves nothing.
func TestMoveUnits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		sc := twoTerritories(t, s, "S")
		out, from, err := s.MoveUnits(ctx, sc.ID, sc.Version, map[string]string{"c": "T1", "a": "T1"}, "ann")
		if err != nil || len(from) != 1 || from["c"] != "T2" || out.Version != sc.Version+1 {
			t.Fatalf("move = %+v, %v, %v; want c moved from T2 and one version", out, from, err)
		}
		wantCode(t, errOf3(s.MoveUnits(ctx, sc.ID, sc.Version, map[string]string{"c": "T2"}, "ann")), terrane.ECONFLICT)
		wantCode(t, errOf3(s.MoveUnits(ctx, sc.ID, -1, map[string]string{"zz": "T2"}, "ann")), terrane.EINVALID)
		wantCode(t, errOf3(s.MoveUnits(ctx, sc.ID, -1, map[string]string{"c": "T9"}, "ann")), terrane.EINVALID)
		wantCode(t, errOf3(s.MoveUnits(ctx, 99999, -1, map[string]string{"c": "T2"}, "ann")), terrane.ENOTFOUND)
		if a, _ := s.FindAssignments(ctx, sc.ID); a["c"] != "T1" {
			t.Errorf("c in %s after refused moves; want T1", a["c"])
		}
		setStatus(t, s, sc.ID, terrane.StatusApproved)
		if out, _, err := s.MoveUnits(ctx, sc.ID, -1, map[string]string{"c": "T2"}, "ann"); err != nil || out.Status != terrane.StatusDraft {
			t.Errorf("move of an approved scenario = %+v, %v; want it back in draft", out, err)
		}
		setStatus(t, s, sc.ID, terrane.StatusApproved)
		setStatus(t, s, sc.ID, terrane.StatusPublished)
		wantCode(t, errOf3(s.MoveUnits(ctx, sc.ID, -1, map[string]string{"c": "T1"}, "ann")), terrane.ECONFLICT)

		// 50 concurrent writers of one draft, each on the version it read:
		// each applied or a conflict; the version counts the applied ones.
		d := twoTerritories(t, s, "D")
		var wg sync.WaitGroup
		var mu sync.Mutex
		applied := 0
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				cur, err := s.FindScenarioByID(ctx, d.ID)
				if err != nil {
					t.Error(err)
					return
				}
				to := []string{"T1", "T2"}[i%2]
				u := []string{"a", "b", "c"}[i%3]
				a, _ := s.FindAssignments(ctx, d.ID)
				if a[u] == to {
					to = map[string]string{"T1": "T2", "T2": "T1"}[to]
				}
				if i%5 == 0 {
					note := json.RawMessage(fmt.Sprintf(`{"note":"n%d"}`, i))
					_, err = s.UpdateScenario(ctx, d.ID, terrane.ScenarioUpdate{Settings: note, IfVersion: &cur.Version}, "ann")
				} else {
					_, _, err = s.MoveUnits(ctx, d.ID, cur.Version, map[string]string{u: to}, "ann")
				}
				switch terrane.ErrorCode(err) {
				case "":
					mu.Lock()
					applied++
					mu.Unlock()
				case terrane.ECONFLICT:
				default:
					t.Errorf("writer %d: %v; want applied or a conflict", i, err)
				}
			}(i)
		}
		wg.Wait()
		got, _ := s.FindScenarioByID(ctx, d.ID)
		if got.Version-d.Version != int64(applied) || applied == 0 {
			t.Errorf("version %d → %d for %d applied writes", d.Version, got.Version, applied)
		}
	})
}

// Finding 6 (align) and 9: a run's alignment is applied only to the
// version it was computed from — a manual move during the run makes it
// fail, writing nothing — and the write is one transaction with the run's
// end, so a worker killed before it finishes leaves the plan as it was and
// the retry reads that plan.
func TestRunAlignmentAppliesOnlyToItsVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		sc := twoTerritories(t, s, "S")
		r := &terrane.Run{ScenarioID: sc.ID, Kind: terrane.RunAlign, Input: json.RawMessage(`{}`), SolverVersion: "v1"}
		if err := s.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimRun(ctx, "w1", time.Minute); err != nil {
			t.Fatal(err)
		}
		terrs, _ := s.FindTerritories(ctx, sc.ID)
		redrawn := map[string]string{"a": "T2", "b": "T2", "c": "T2"}
		// The worker dies here; another claims the stale run: the plan is
		// as it was (nothing was written), so the retry starts from it.
		again, err := s.ClaimRun(ctx, "w2", -time.Second)
		if err != nil || again.ID != r.ID {
			t.Fatalf("reclaim = %+v, %v", again, err)
		}
		if a, _ := s.FindAssignments(ctx, sc.ID); a["a"] != "T1" || a["c"] != "T2" {
			t.Fatalf("plan after a killed run = %v; want it unchanged", a)
		}
		// A manual move while the retry solves.
		if _, _, err := s.MoveUnits(ctx, sc.ID, sc.Version, map[string]string{"a": "T2"}, "ann"); err != nil {
			t.Fatal(err)
		}
		res := &terrane.Results{ScenarioID: sc.ID, RunID: r.ID, ScenarioVersion: sc.Version, Summary: json.RawMessage(`{}`), Territories: map[string]json.RawMessage{}}
		_, err = s.FinishRun(ctx, r.ID, terrane.RunFinish{Status: terrane.RunSucceeded, Territories: terrs, Assignments: redrawn, Results: res})
		wantCode(t, err, terrane.ECONFLICT)
		if a, _ := s.FindAssignments(ctx, sc.ID); a["a"] != "T2" || a["b"] != "T1" {
			t.Errorf("plan after the stale run = %v; want the manual move kept and nothing else", a)
		}
	})
}

func errOf3[A, B any](_ A, _ B, err error) error { return err }

// An import's entry on the audit trail is written in the transaction of the
// change: a change that fails leaves no entry, one that succeeds leaves
// one on each draft on the layer (and none on an approved plan); an
// accounts import's actual revenue goes in with its accounts or not at all.
func TestLayerAuditIsWrittenWithTheChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		draft := twoTerritories(t, s, "Draft")
		approved := twoTerritories(t, s, "Approved")
		setStatus(t, s, approved.ID, terrane.StatusApproved)
		imports := func(id int64) int {
			t.Helper()
			entries, err := s.FindAudit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Action == "import" {
					n++
				}
			}
			return n
		}
		actx := terrane.WithLayerAudit(ctx, &terrane.LayerAudit{Actor: "ann", Action: "import", Detail: map[string]any{"kind": "accounts", "rows": 1}})
		// Fails inside the transaction, after the entry is written: the
		// account id belongs to another layer.
		if err := s.ReplaceLayer(ctx, &terrane.Layer{ID: "other", Name: "Other"}, []*terrane.Unit{{ID: "o", Geometry: square(9, 9, 1)}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceAccounts(ctx, "other", []*terrane.Account{{ID: "acc-9", Name: "Nine", Layer: "other", UnitID: "o"}}, nil); err != nil {
			t.Fatal(err)
		}
		est := []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 1000, Revenue: 5}}
		err := s.ReplaceAccounts(actx, "grid", []*terrane.Account{{ID: "acc-9", Name: "Nine", Layer: "grid", UnitID: "a", Revenue: 5}}, est)
		if terrane.ErrorCode(err) != terrane.ECONFLICT {
			t.Fatalf("ReplaceAccounts with another layer's account id = %v; want a conflict", err)
		}
		if e, err := s.FindMarketEstimates(ctx, "grid"); err != nil || len(e) != 0 {
			t.Fatalf("a failed import left estimates %v (%v)", e, err)
		}
		if n := imports(draft.ID); n != 0 {
			t.Fatalf("a failed import left %d audit entries", n)
		}
		if accts, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"}); err != nil || len(accts) != 0 {
			t.Fatalf("a failed import left accounts %v (%v)", accts, err)
		}
		if err := s.ReplaceAccounts(actx, "grid", []*terrane.Account{{ID: "acc-8", Name: "Eight", Layer: "grid", UnitID: "a", Revenue: 5}}, est); err != nil {
			t.Fatal(err)
		}
		if d, a := imports(draft.ID), imports(approved.ID); d != 1 || a != 0 {
			t.Fatalf("after an import: %d entries on the draft, %d on the approved plan; want 1 and 0", d, a)
		}
		if est, err := s.FindMarketEstimates(ctx, "grid"); err != nil || len(est) != 1 || est[0].Market != 1000 {
			t.Fatalf("estimates after the import = %v (%v); want a's 1000", est, err)
		}
	})
}
