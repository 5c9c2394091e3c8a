package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
)

// conflictFixture gives the grid exactly one conflict of each kind, in a
// draft branched from the baseline (W: a–b rita, E: c–d rick), whose
// column d becomes territory N with no owner:
//
//	acct-a0 (W, rita, Acme) and acct-c0 (E, rick, Acme) → split_customer
//	acct-a1 (W, owned by rick)                          → owner_mismatch
//	acct-x (outside every unit)                         → unassigned_account
//	o1: zed's open deal on acct-c0 in E                 → cross_territory_deal
//	zed, a rep owning nothing                           → rep_without_territory
//	N                                                   → unowned_territory
//
// It returns the draft's id.
func conflictFixture(t *testing.T, f *fixture) int64 {
	t.Helper()
	if code, out := f.upload("ann", map[string]string{"kind": "accounts", "layer": "grid", "customer": "Parent"},
		"id,owner,Parent,lon,lat\nacct-a0,rita,Acme,-99.5,40.5\nacct-c0,rick,Acme,-97.5,40.5\nacct-a1,rick,,-99.5,41.5\nacct-x,rita,,10,10\n"); code != 200 {
		t.Fatalf("accounts import: %d %v", code, out)
	}
	if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"},
		"id,account,owner,stage,amount,created,close_date\n"+
			"o1,acct-c0,zed,Open,300,2026-01-01,\n"+ // cross-territory; zed's value
			"o2,acct-a1,rita,Open,50,2026-01-01,\n"+ // acct-a1's value
			"o3,acct-a0,rita,Closed Won,1000,2026-01-01,2026-03-01\n"+ // in the 12 months
			"o4,acct-x,rita,Closed Won,20,2026-01-01,2026-06-30\n"+ // the latest date
			"o5,acct-a0,rita,Closed Won,5000,2025-01-01,2025-06-30\n"); code != 200 { // a year before: out
		t.Fatalf("opportunities import: %d %v", code, out)
	}
	if code, out := f.do("ada", "POST", "/api/v1/users", map[string]any{"name": "zed", "role": "rep", "password": "long-enough"}); code != 201 {
		t.Fatalf("create zed: %d %v", code, out)
	}
	code, out := f.do("ann", "POST", "/api/v1/scenarios", map[string]any{"name": "Conflicted", "from": f.baseline})
	if code != 201 {
		t.Fatalf("branch: %d %v", code, out)
	}
	id := int64(out["id"].(float64))
	ctx := context.Background()
	ts, err := f.store.FindTerritories(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ts = append(ts, &terrane.Territory{ID: "N", Name: "North"})
	align, err := f.store.FindAssignments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"d0", "d1", "d2"} {
		align[u] = "N"
	}
	if err := f.store.ReplaceTerritories(ctx, id, ts, align, "ann"); err != nil {
		t.Fatal(err)
	}
	return id
}

func counts(m map[string]any) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		out[k] = v.(float64)
	}
	return out
}

func TestConflicts(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id := conflictFixture(t, f)
		path := fmt.Sprintf("/api/v1/scenarios/%d/conflicts", id)
		code, out := f.do("ann", "GET", path, nil)
		if code != 200 {
			t.Fatalf("GET conflicts: %d %v", code, out)
		}
		one := map[string]float64{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1}
		if diff := cmp.Diff(one, counts(out["counts"].(map[string]any))); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}
		values := map[string]float64{"owner_mismatch": 50, "cross_territory_deal": 300, "unassigned_account": 20, "split_customer": 1300, "unowned_territory": 0, "rep_without_territory": 300}
		if diff := cmp.Diff(values, counts(out["value"].(map[string]any))); diff != "" {
			t.Errorf("values (-want +got):\n%s", diff)
		}
		byKind := map[string]map[string]any{}
		for _, c := range out["conflicts"].([]any) {
			m := c.(map[string]any)
			byKind[m["kind"].(string)] = m
		}
		for kind, want := range map[string]map[string]string{
			"owner_mismatch":        {"account_id": "acct-a1", "rep": "rick", "territory_id": "W"},
			"cross_territory_deal":  {"account_id": "acct-c0", "rep": "zed", "opportunity_id": "o1", "territory_id": "E"},
			"unassigned_account":    {"account_id": "acct-x", "territory_id": ""},
			"split_customer":        {"customer": "Acme", "territory_id": ""},
			"unowned_territory":     {"territory_id": "N"},
			"rep_without_territory": {"rep": "zed", "territory_id": ""},
		} {
			for k, v := range want {
				if got := byKind[kind][k]; got != v {
					t.Errorf("%s: %s = %v, want %q", kind, k, got, v)
				}
			}
		}

		// Resolving: the baseline is read-only, the action must be known.
		resolve := path + "/resolve"
		if code, out := f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/conflicts/resolve", f.baseline), map[string]string{"action": "give_accounts_to_owner"}); code != 409 {
			t.Errorf("resolve the baseline: %d %v, want 409", code, out)
		}
		if code, out := f.do("ann", "POST", resolve, map[string]string{"action": "shuffle"}); code != 400 || errMessage(out) == "" {
			t.Errorf("unknown action: %d %v, want 400", code, out)
		}
		if code, _ := f.do("rita", "POST", resolve, map[string]string{"action": "give_accounts_to_owner"}); code != 403 {
			t.Errorf("a rep resolving: %d, want 403", code)
		}
		exported := func() string {
			_, raw := f.raw("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/exports/accounts.csv", id), nil)
			for _, line := range strings.Split(string(raw), "\n") {
				if strings.HasPrefix(line, "acct-a1,") {
					return line
				}
			}
			return ""
		}
		// Exported, a mismatched account goes to its territory's first owner …
		if got := exported(); !strings.Contains(got, ",W,rita,0,") {
			t.Errorf("accounts.csv before resolving: %q, want acct-a1 in W owned by rita", got)
		}
		_, sc := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d", id), nil)
		code, res := f.do("ann", "POST", resolve, map[string]string{"action": "give_accounts_to_owner"})
		if code != 200 {
			t.Fatalf("resolve: %d %v", code, res)
		}
		if diff := cmp.Diff(one, counts(res["before"].(map[string]any))); diff != "" {
			t.Errorf("before (-want +got):\n%s", diff)
		}
		// zed now owns E: no longer a rep without territory.
		after := map[string]float64{"owner_mismatch": 0, "cross_territory_deal": 0, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 0}
		if diff := cmp.Diff(after, counts(res["after"].(map[string]any))); diff != "" {
			t.Errorf("after (-want +got):\n%s", diff)
		}
		wantAdded := []any{
			map[string]any{"territory_id": "E", "owner": "zed", "accounts": 0.0, "opportunities": 1.0},
			map[string]any{"territory_id": "W", "owner": "rick", "accounts": 1.0, "opportunities": 0.0},
		}
		if diff := cmp.Diff(wantAdded, res["owners_added"]); diff != "" || res["changed"] != true {
			t.Errorf("owners added (-want +got), changed %v:\n%s", res["changed"], diff)
		}
		if res["scenario_version"] != sc["version"].(float64)+1 {
			t.Errorf("version %v, want %v + 1", res["scenario_version"], sc["version"])
		}
		// … and, once its CRM owner owns the territory too, stays theirs.
		if got := exported(); !strings.Contains(got, ",W,rick,0,") {
			t.Errorf("accounts.csv after resolving: %q, want acct-a1 in W owned by rick", got)
		}
		_, out = f.do("ann", "GET", path, nil)
		if diff := cmp.Diff(after, counts(out["counts"].(map[string]any))); diff != "" {
			t.Errorf("GET after resolving (-want +got):\n%s", diff)
		}
		_, audit := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/audit", id), nil)
		trail := audit["audit"].([]any)
		last := trail[len(trail)-1].(map[string]any)
		if last["action"] != "resolve_conflicts" || last["actor"] != "ann" {
			t.Errorf("last audit entry %v, want ann's resolve_conflicts", last)
		}
		// Nothing left to resolve: nothing written.
		_, again := f.do("ann", "POST", resolve, map[string]string{"action": "give_accounts_to_owner"})
		if again["changed"] != false || again["scenario_version"] != res["scenario_version"] {
			t.Errorf("resolving again: %v; want no change", again)
		}
		if _, a := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/audit", id), nil); len(a["audit"].([]any)) != len(trail) {
			t.Errorf("resolving nothing was audited")
		}

		// Published, a rep sees the conflicts touching their territories.
		for _, step := range []string{"approve", "publish"} {
			if code, out := f.do("lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/%s", id, step), nil); code != 200 {
				t.Fatalf("%s: %d %v", step, code, out)
			}
		}
		if code, out := f.do("ann", "POST", resolve, map[string]string{"action": "give_accounts_to_owner"}); code != 409 {
			t.Errorf("resolve a published plan: %d %v, want 409", code, out)
		}
		code, out = f.do("rita", "GET", path, nil)
		if code != 200 {
			t.Fatalf("a rep's conflicts: %d %v", code, out)
		}
		mine := map[string]float64{"owner_mismatch": 0, "cross_territory_deal": 0, "unassigned_account": 0, "split_customer": 1, "unowned_territory": 0, "rep_without_territory": 0}
		if diff := cmp.Diff(mine, counts(out["counts"].(map[string]any))); diff != "" {
			t.Errorf("rita's counts (-want +got):\n%s", diff)
		}
	})
}

func TestResolveConflictsByMovingUnits(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id := conflictFixture(t, f)
		code, res := f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/conflicts/resolve", id), map[string]string{"action": "move_accounts_to_owner"})
		if code != 200 {
			t.Fatalf("resolve: %d %v", code, res)
		}
		want := []any{map[string]any{"unit_id": "a1", "from": "W", "to": "E", "owner": "rick", "accounts": []any{"acct-a1"}}}
		if diff := cmp.Diff(want, res["moves"]); diff != "" {
			t.Errorf("moves (-want +got):\n%s", diff)
		}
		if after := counts(res["after"].(map[string]any)); after["owner_mismatch"] != 0 {
			t.Errorf("owner_mismatch after moving: %v, want 0", after["owner_mismatch"])
		}
		// o1 stays zed's, o2 (rita's) moved with acct-a1 into rick's E.
		var deals []string
		for _, u := range res["not_resolvable"].([]any) {
			deals = append(deals, u.(map[string]any)["opportunity_id"].(string))
		}
		if !cmp.Equal(deals, []string{"o1", "o2"}) {
			t.Errorf("not resolvable %v, want deals o1 and o2", res["not_resolvable"])
		}
		if a, _ := f.store.FindAssignments(context.Background(), id); a["a1"] != "E" {
			t.Errorf("a1 in %s, want E", a["a1"])
		}
	})
}
