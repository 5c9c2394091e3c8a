package data_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := terrane.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func square(x, y, d float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

func seedLayer(t *testing.T, s *data.Store) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreateLayer(ctx, &terrane.Layer{ID: "grid", Name: "Grid"}); err != nil {
		t.Fatal(err)
	}
	units := []*terrane.Unit{
		{ID: "a", Name: "A", Region: "R1", Geometry: square(0, 0, 1), Centroid: orb.Point{0.5, 0.5}, Attributes: map[string]float64{"pop": 10}},
		{ID: "b", Name: "B", Region: "R1", Geometry: orb.MultiPolygon{square(1, 0, 1), square(3, 0, 0.5)}, Centroid: orb.Point{1.5, 0.5}, Attributes: map[string]float64{"pop": 20.25}},
		{ID: "c", Name: "C", Region: "R2", Geometry: orb.Polygon{{{2, 0}, {3, 0}, {3, 1}, {2, 1}, {2, 0}}, {{2.2, 0.2}, {2.2, 0.4}, {2.4, 0.4}, {2.4, 0.2}, {2.2, 0.2}}}, Centroid: orb.Point{2.5, 0.5}},
	}
	if err := s.ReplaceUnits(ctx, "grid", units); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		for i := 0; i < 2; i++ {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate again (%d): %v", i, err)
			}
		}
		var n int
		files, _ := data.Migrations()
		if err := s.DB().Get(&n, `SELECT COUNT(*) FROM schema_migrations`); err != nil || n != len(files) {
			t.Fatalf("schema_migrations rows = %d, %v; want %d, one per migration", n, err, len(files))
		}
		l, err := s.FindLayerByID(ctx, "grid")
		if err != nil || l.UnitCount != 3 {
			t.Fatalf("after re-migrating: layer = %+v, %v; want 3 units kept", l, err)
		}
	})
}

func TestGeographyRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		if len(units) != 3 {
			t.Fatalf("got %d units, want 3", len(units))
		}
		if diff := cmp.Diff(orb.Geometry(orb.MultiPolygon{square(1, 0, 1), square(3, 0, 0.5)}), units[1].Geometry); diff != "" {
			t.Errorf("multipolygon round trip (-want +got):\n%s", diff)
		}
		if got := units[2].Geometry.(orb.Polygon); len(got) != 2 || got[1][2] != (orb.Point{2.4, 0.4}) {
			t.Errorf("polygon with hole round trip: got %v", got)
		}
		if units[1].Attributes["pop"] != 20.25 || units[0].Region != "R1" || units[1].Centroid != (orb.Point{1.5, 0.5}) {
			t.Errorf("unit b = %+v", units[1])
		}
		light, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "grid", WithoutGeometry: true})
		if err != nil || len(light) != 3 || light[1].Geometry != nil || light[1].Region != "R1" || light[1].Attributes["pop"] != 20.25 {
			t.Fatalf("units without geometry = %v, %v", light, err)
		}
		page, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "grid", Offset: 1, Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != "b" {
			t.Fatalf("page offset 1 limit 1 = %v, %v; want [b]", page, err)
		}
		fc, err := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		var decoded struct {
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
				Geometry   struct{ Type string }
			}
		}
		if err := json.Unmarshal(fc, &decoded); err != nil {
			t.Fatalf("UnitsGeoJSON is not JSON: %v", err)
		}
		if len(decoded.Features) != 3 || decoded.Features[1].ID != "b" || decoded.Features[1].Geometry.Type != "MultiPolygon" || decoded.Features[1].Properties["pop"] != 20.25 {
			t.Errorf("UnitsGeoJSON features = %+v", decoded.Features)
		}
		edges := [][2]string{{"a", "b"}, {"b", "c"}}
		if err := s.SetAdjacency(ctx, "grid", edges); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindAdjacency(ctx, "grid"); err != nil || !cmp.Equal(got, edges) {
			t.Errorf("adjacency = %v, %v; want %v", got, err, edges)
		}
		accounts := []*terrane.Account{
			{ID: "acc-1", Name: "One", Segment: "Consumer", PostalCode: "10001", Location: orb.Point{-73.99, 40.75}, Layer: "grid", UnitID: "a", Revenue: 1234.5, Owner: "rep1"},
			{ID: "acc-2", Name: "Two", Location: orb.Point{-118.2, 34.05}, Layer: "grid", UnitID: "b", Revenue: 10},
		}
		if err := s.CreateAccounts(ctx, accounts); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(accounts, got); diff != "" {
			t.Errorf("accounts round trip (-want +got):\n%s", diff)
		}
		if got, _ := s.FindAccounts(ctx, terrane.AccountFilter{UnitIDs: []string{"b"}}); len(got) != 1 || got[0].ID != "acc-2" {
			t.Errorf("accounts in unit b = %v", got)
		}
		est := []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 1e6, Revenue: 1e4, Share: 0.01, Saturation: 0.1, Floor: 0.005, Low: 8e5, High: 1.2e6}}
		if err := s.UpsertMarketEstimates(ctx, est); err != nil {
			t.Fatal(err)
		}
		est[0].Revenue, est[0].Share = 2e4, 0.02
		if err := s.UpsertMarketEstimates(ctx, est); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindMarketEstimates(ctx, "grid"); err != nil || !cmp.Equal(est, got) {
			t.Errorf("market estimates = %+v, %v; want %+v", got, err, est)
		}
	})
}

func TestScenarioRoundTripAndAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		sc := &terrane.Scenario{Name: "Baseline", Layer: "grid", Budget: 5e5, CreatedBy: "ana",
			Resources: []terrane.Resource{{Name: "headcount", Unit: "reps", UnitCost: 150000, Integer: true, Total: new(4.0)}},
			Settings:  json.RawMessage(`{"k":2}`)}
		terrs := []*terrane.Territory{
			{ID: "T1", Name: "West", Owners: []string{"rep1"}, Current: map[string]float64{"headcount": 2}},
			{ID: "T2", Name: "East", Locked: true, Current: map[string]float64{}},
		}
		align := map[string]string{"a": "T1", "b": "T1", "c": "T2"}
		if err := s.CreateScenario(ctx, sc, terrs, align); err != nil {
			t.Fatal(err)
		}
		if sc.ID == 0 || sc.Status != terrane.StatusDraft {
			t.Fatalf("created scenario = %+v", sc)
		}
		got, err := s.FindScenarioByID(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sc, got); diff != "" {
			t.Errorf("scenario round trip (-want +got):\n%s", diff)
		}
		gotT, err := s.FindTerritories(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range terrs {
			tt.ScenarioID = sc.ID
		}
		if diff := cmp.Diff(terrs, gotT, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("territories round trip (-want +got):\n%s", diff)
		}
		if gotA, err := s.FindAssignments(ctx, sc.ID); err != nil || !cmp.Equal(align, gotA) {
			t.Errorf("alignment = %v, %v; want %v", gotA, err, align)
		}
		// Unique name → ECONFLICT.
		wantCode(t, s.CreateScenario(ctx, &terrane.Scenario{Name: "Baseline", Layer: "grid"}, nil, nil), terrane.ECONFLICT)
		// Bad input → EINVALID naming the unit.
		wantCode(t, s.CreateScenario(ctx, &terrane.Scenario{Name: "Bad", Layer: "grid"}, terrs, map[string]string{"a": "T9"}), terrane.EINVALID)
		wantCode(t, s.CreateScenario(ctx, &terrane.Scenario{Name: "Bad", Layer: "nope"}, nil, nil), terrane.EINVALID)
		// Updates, one published at a time, published read-only.
		b := 6e5
		if _, err := s.UpdateScenario(ctx, sc.ID, terrane.ScenarioUpdate{Budget: &b}, "ana"); err != nil {
			t.Fatal(err)
		}
		other := &terrane.Scenario{Name: "Plan B", Layer: "grid", ParentID: sc.ID}
		if err := s.CreateScenario(ctx, other, terrs, align); err != nil {
			t.Fatal(err)
		}
		pub := terrane.StatusPublished
		for _, id := range []int64{sc.ID, other.ID} {
			if _, err := s.UpdateScenario(ctx, id, terrane.ScenarioUpdate{Status: &pub}, "lee"); err != nil {
				t.Fatal(err)
			}
		}
		if list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{Status: pub}); len(list) != 1 || list[0].ID != other.ID {
			t.Errorf("published scenarios = %v; want only %d", list, other.ID)
		}
		wantCode(t, errOf(s.UpdateScenario(ctx, other.ID, terrane.ScenarioUpdate{Budget: &b}, "ana")), terrane.ECONFLICT)
		wantCode(t, s.ReplaceTerritories(ctx, other.ID, terrs, align, "ana"), terrane.ECONFLICT)
		wantCode(t, s.DeleteScenario(ctx, other.ID, "ana"), terrane.ECONFLICT)
		// Re-assign unit c in the baseline and read the audit trail.
		align["c"] = "T1"
		if err := s.ReplaceTerritories(ctx, sc.ID, terrs, align, "ana"); err != nil {
			t.Fatal(err)
		}
		trail, err := s.FindAudit(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range trail {
			actions = append(actions, e.Actor+":"+e.Action)
		}
		// sc was demoted to approved when Plan B was published; the redraw returns it to draft.
		if want := []string{"ana:create", "ana:update", "lee:published", "ana:draft", "ana:assign"}; !cmp.Equal(actions, want) {
			t.Errorf("audit = %v, want %v", actions, want)
		}
		// Not found.
		wantCode(t, errOf(s.FindScenarioByID(ctx, 999999)), terrane.ENOTFOUND)
		wantCode(t, errOf(s.FindTerritories(ctx, 999999)), terrane.ENOTFOUND)
		wantCode(t, s.DeleteScenario(ctx, 999999, "ana"), terrane.ENOTFOUND)
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestRunsQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		sc := &terrane.Scenario{Name: "S", Layer: "grid"}
		if err := s.CreateScenario(ctx, sc, nil, nil); err != nil {
			t.Fatal(err)
		}
		r := &terrane.Run{ScenarioID: sc.ID, Kind: terrane.RunAllocate, Input: json.RawMessage(`{"budget":1}`), SolverVersion: "v1", Seed: 7}
		if err := s.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256([]byte(`{"budget":1}`)); r.InputHash != hex.EncodeToString(sum[:]) {
			t.Fatalf("input hash = %q", r.InputHash)
		}
		wantCode(t, s.CreateRun(ctx, &terrane.Run{ScenarioID: sc.ID, Kind: "dance"}), terrane.EINVALID)
		wantCode(t, s.CreateRun(ctx, &terrane.Run{ScenarioID: 424242, Kind: terrane.RunAlign}), terrane.ENOTFOUND)
		claimed, err := s.ClaimRun(ctx, "w1", time.Minute)
		if err != nil || claimed.ID != r.ID || claimed.Status != terrane.RunRunning || claimed.Worker != "w1" || claimed.StartedAt == nil {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		wantCode(t, errOf(s.ClaimRun(ctx, "w2", time.Minute)), terrane.ENOTFOUND)
		// A worker that stops heart-beating loses its run to another worker.
		if again, err := s.ClaimRun(ctx, "w2", -time.Second); err != nil || again.ID != r.ID || again.Worker != "w2" {
			t.Fatalf("reclaim of a stale run = %+v, %v", again, err)
		}
		p := 0.5
		if got, err := s.UpdateRun(ctx, r.ID, terrane.RunUpdate{Progress: &p}); err != nil || got.Progress != 0.5 {
			t.Fatalf("progress = %+v, %v", got, err)
		}
		done := terrane.RunSucceeded
		if _, err := s.UpdateRun(ctx, r.ID, terrane.RunUpdate{Status: &done, Result: json.RawMessage(`{"objective":3}`)}); err != nil {
			t.Fatal(err)
		}
		cancelled := terrane.RunCancelled
		wantCode(t, errOf(s.UpdateRun(ctx, r.ID, terrane.RunUpdate{Status: &cancelled})), terrane.ECONFLICT)
		got, err := s.FindRunByID(ctx, r.ID)
		if err != nil || got.Status != done || string(got.Result) != `{"objective":3}` || got.FinishedAt == nil || got.Seed != 7 || string(got.Input) != `{"budget":1}` {
			t.Fatalf("finished run = %+v, %v", got, err)
		}
		list, err := s.FindRuns(ctx, terrane.RunFilter{ScenarioID: sc.ID})
		if err != nil || len(list) != 1 || list[0].Result != nil {
			t.Fatalf("runs list = %+v, %v; want one run without its result", list, err)
		}
		wantCode(t, errOf(s.FindRunByID(ctx, 999999)), terrane.ENOTFOUND)
	})
}

func TestUsersAndTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		u := &terrane.User{Name: "rita", Role: terrane.RoleRep, PasswordHash: "$2a$10$x", Territories: []string{"CA", "NV"}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateUser(ctx, &terrane.User{Name: "rita", Role: terrane.RoleRep}), terrane.ECONFLICT)
		wantCode(t, s.CreateUser(ctx, &terrane.User{Name: "x", Role: "king"}), terrane.EINVALID)
		got, err := s.FindUserByName(ctx, "rita")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("user round trip (-want +got):\n%s", diff)
		}
		tok := &terrane.Token{UserID: u.ID, Hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Label: "cli"}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CreateToken(ctx, &terrane.Token{UserID: u.ID, Hash: tok.Hash}), terrane.ECONFLICT)
		if who, err := s.FindUserByToken(ctx, tok.Hash); err != nil || who.ID != u.ID {
			t.Fatalf("user by token = %+v, %v", who, err)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, errOf(s.FindUserByToken(ctx, tok.Hash)), terrane.ENOTFOUND)
		wantCode(t, s.RevokeToken(ctx, tok.ID), terrane.ENOTFOUND)
		if err := s.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, errOf(s.FindUserByID(ctx, u.ID)), terrane.ENOTFOUND)
		wantCode(t, s.DeleteUser(ctx, u.ID), terrane.ENOTFOUND)
	})
}

// TestUserPeopleFields: the fields of migration 0005 round-trip through
// CreateUser and UpdateUser; an email is unique when set (many users have
// none); a refused update changes nothing.
func TestUserPeopleFields(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		u := &terrane.User{Name: "Ana María Pérez", Role: terrane.RoleRep, Email: "ana@example.com", Manager: "Lee Chen", Region: "West",
			Cost: 165000, Capacity: 1650, Quota: 1.4e6, Territories: []string{}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"no email 1", "no email 2"} {
			if err := s.CreateUser(ctx, &terrane.User{Name: name, Role: terrane.RoleRep}); err != nil {
				t.Fatalf("second user without an email: %v", err)
			}
		}
		wantCode(t, s.CreateUser(ctx, &terrane.User{Name: "Other", Role: terrane.RoleRep, Email: "ana@example.com"}), terrane.ECONFLICT)
		got, err := s.FindUserByName(ctx, "Ana María Pérez")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("user round trip (-want +got):\n%s", diff)
		}
		quota, region, terr := 2e6, "East", []string{"E"}
		upd, err := s.UpdateUser(ctx, u.ID, terrane.UserUpdate{Quota: &quota, Region: &region, Territories: &terr})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindUserByID(ctx, u.ID)
		if diff := cmp.Diff(upd, got); diff != "" || got.Quota != 2e6 || got.Region != "East" || got.Cost != 165000 || got.Territories[0] != "E" {
			t.Errorf("after update %+v (-answer +stored):\n%s", got, diff)
		}
		other, _ := s.FindUserByName(ctx, "no email 1")
		email, bad := "ana@example.com", -1.0
		wantCode(t, errOf(s.UpdateUser(ctx, other.ID, terrane.UserUpdate{Email: &email})), terrane.ECONFLICT)
		wantCode(t, errOf(s.UpdateUser(ctx, u.ID, terrane.UserUpdate{Cost: &bad})), terrane.EINVALID)
		wantCode(t, errOf(s.UpdateUser(ctx, 9999, terrane.UserUpdate{Quota: &quota})), terrane.ENOTFOUND)
		if after, _ := s.FindUserByID(ctx, u.ID); after.Cost != 165000 {
			t.Errorf("a refused update changed cost to %v", after.Cost)
		}
	})
}

// TestSaveUsers: SaveUsers creates and updates in one transaction — a clash
// on the last user leaves the first uncreated and the updated one as it was;
// the home location round-trips and nil stays nil.
func TestSaveUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		rita := &terrane.User{Name: "rita", Role: terrane.RoleRep, PasswordHash: "$2a$10$keep"}
		if err := s.CreateUser(ctx, rita); err != nil {
			t.Fatal(err)
		}
		upd := *rita
		upd.Quota, upd.Home = 5e5, &orb.Point{-71.1, 42.35}
		bad := []*terrane.User{{Name: "Ana María Pérez", Role: terrane.RoleRep}, &upd, {Name: "rita", Role: terrane.RoleRep}}
		wantCode(t, s.SaveUsers(ctx, bad), terrane.ECONFLICT)
		wantCode(t, errOf(s.FindUserByName(ctx, "Ana María Pérez")), terrane.ENOTFOUND)
		if got, _ := s.FindUserByID(ctx, rita.ID); got.Quota != 0 || got.Home != nil {
			t.Errorf("a failed SaveUsers changed rita: %+v", got)
		}
		ana := &terrane.User{Name: "Ana María Pérez", Role: terrane.RoleRep}
		if err := s.SaveUsers(ctx, []*terrane.User{ana, &upd}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindUserByID(ctx, rita.ID)
		if got.Quota != 5e5 || got.Home == nil || *got.Home != (orb.Point{-71.1, 42.35}) || got.PasswordHash != "$2a$10$keep" {
			t.Errorf("rita after SaveUsers %+v (home %v), want quota, home and the password kept", got, got.Home)
		}
		if a, err := s.FindUserByName(ctx, "Ana María Pérez"); err != nil || a.ID != ana.ID || a.Home != nil {
			t.Errorf("Ana %+v, %v", a, err)
		}
	})
}

func TestFailedMultiRowWriteLeavesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		// Accounts: the second row of the second batch collides with a stored id.
		if err := s.CreateAccounts(ctx, []*terrane.Account{{ID: "keep", Layer: "grid"}}); err != nil {
			t.Fatal(err)
		}
		var batch []*terrane.Account
		for i := 0; i < 250; i++ {
			batch = append(batch, &terrane.Account{ID: "new-" + string(rune('a'+i%26)) + time.Duration(i).String(), Layer: "grid"})
		}
		batch = append(batch, &terrane.Account{ID: "keep", Layer: "grid"})
		wantCode(t, s.CreateAccounts(ctx, batch), terrane.ECONFLICT)
		if got, _ := s.FindAccounts(ctx, terrane.AccountFilter{}); len(got) != 1 {
			t.Errorf("after a failed account import: %d accounts stored, want 1", len(got))
		}
		// Units: replacing with a bad set keeps the old units.
		bad := []*terrane.Unit{{ID: "x", Geometry: square(0, 0, 1)}, {ID: "x", Geometry: square(0, 0, 1)}}
		wantCode(t, s.ReplaceUnits(ctx, "grid", bad), terrane.EINVALID)
		if l, _ := s.FindLayerByID(ctx, "grid"); l.UnitCount != 3 {
			t.Errorf("after a failed unit replace: %d units, want 3", l.UnitCount)
		}
		// Scenario: a territory id that breaks the insert half way rolls back the scenario too.
		terrs := []*terrane.Territory{{ID: "T1"}, {ID: "T1"}}
		wantCode(t, s.CreateScenario(ctx, &terrane.Scenario{Name: "half", Layer: "grid"}, terrs, nil), terrane.EINVALID)
		if list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{}); len(list) != 0 {
			t.Errorf("after a failed scenario create: %d scenarios, want 0", len(list))
		}
		// Market estimates: one invalid row rejects all.
		est := []*terrane.MarketEstimate{{Layer: "grid", UnitID: "a", Market: 1}, {Layer: "grid", UnitID: "b", Market: -1}}
		wantCode(t, s.UpsertMarketEstimates(ctx, est), terrane.EINVALID)
		if got, _ := s.FindMarketEstimates(ctx, "grid"); len(got) != 0 {
			t.Errorf("after a failed estimate upsert: %d stored, want 0", len(got))
		}
	})
}

func TestResolveConflicts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		sc := &terrane.Scenario{Name: "Plan", Layer: "grid", CreatedBy: "ana"}
		terrs := []*terrane.Territory{{ID: "T1", Name: "West", Owners: []string{"rep1"}}, {ID: "T2", Name: "East"}}
		align := map[string]string{"a": "T1", "b": "T1", "c": "T2"}
		if err := s.CreateScenario(ctx, sc, terrs, align); err != nil {
			t.Fatal(err)
		}
		terrs[1].Owners = []string{"rep2"}
		align["b"] = "T2"
		detail := map[string]any{"action": "give_accounts_to_owner", "owners_added": []map[string]string{{"territory_id": "T2", "owner": "rep2"}}}
		wantCode(t, errOf(s.ResolveConflicts(ctx, sc.ID, sc.Version+1, terrs, align, detail, "ana")), terrane.ECONFLICT)
		wantCode(t, errOf(s.ResolveConflicts(ctx, sc.ID, sc.Version, terrs, map[string]string{"a": "T9"}, detail, "ana")), terrane.EINVALID)
		wantCode(t, errOf(s.ResolveConflicts(ctx, 999999, 1, terrs, align, detail, "ana")), terrane.ENOTFOUND)
		got, err := s.ResolveConflicts(ctx, sc.ID, sc.Version, terrs, align, detail, "ana")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != sc.Version+1 {
			t.Errorf("version %d, want %d", got.Version, sc.Version+1)
		}
		if ts, _ := s.FindTerritories(ctx, sc.ID); len(ts) != 2 || !cmp.Equal(ts[1].Owners, []string{"rep2"}) {
			t.Errorf("territories %+v; want T2 owned by rep2", ts)
		}
		if a, _ := s.FindAssignments(ctx, sc.ID); a["b"] != "T2" {
			t.Errorf("b in %s, want T2", a["b"])
		}
		trail, err := s.FindAudit(ctx, sc.ID)
		if err != nil || len(trail) != 2 || trail[1].Action != "resolve_conflicts" || trail[1].Actor != "ana" {
			t.Fatalf("audit %v, %v; want create then resolve_conflicts", trail, err)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(trail[1].Detail), &d); err != nil || d["action"] != "give_accounts_to_owner" || d["units_moved"] != 1.0 || d["owners_added"] == nil {
			t.Errorf("audit detail %s (%v); want the action, owners added and one unit moved", trail[1].Detail, err)
		}
		approved := terrane.StatusApproved
		if _, err := s.UpdateScenario(ctx, sc.ID, terrane.ScenarioUpdate{Status: &approved}, "lee"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, errOf(s.ResolveConflicts(ctx, sc.ID, got.Version, terrs, align, detail, "ana")), terrane.ECONFLICT)
	})
}
