package api_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
)

// gridMarket is the fixture's market of a unit: column c holds 1 M … 4 M.
func gridMarket(u string) float64 { return 1e6 * float64(1+int(u[0]-'a')) }

// gridRevenue is the fixture's actual revenue of a unit: row r holds 20 k … 60 k.
func gridRevenue(u string) float64 { return 2e4 * float64(1+int(u[1]-'0')) }

// TestRealignedTerritoryKeepsItsIDOnlyWithMostOfItsMarket (issue 12, case 3
// realignment part and case 8): three balanced territories drawn from West
// (9 M of market) and East (21 M) hold 10 M each, so none can hold most of
// East: East is gone, a territory keeps West's id only if it holds most of
// West's market, and every other territory has a new id after its largest
// unit and that unit's name.
func TestRealignedTerritoryKeepsItsIDOnlyWithMostOfItsMarket(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		c, before, after := f.realignToThree(t)
		_, list := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/territories", c), nil)
		terrs := list["territories"].([]any)
		if len(terrs) != 3 {
			t.Fatalf("%d territories after the realignment, want 3", len(terrs))
		}
		members := map[string][]string{}
		for u, id := range after {
			members[id] = append(members[id], u)
		}
		for _, x := range terrs {
			tr := x.(map[string]any)
			id, name := tr["id"].(string), tr["name"].(string)
			us := members[id]
			switch id {
			case "E":
				t.Errorf("a territory is still East: %v (at most 10 M of East's 21 M fit in a balanced one)", us)
			case "W":
				var kept float64
				for _, u := range us {
					if before[u] == "W" {
						kept += gridMarket(u)
					}
				}
				if kept <= 4.5e6 || name != "West" {
					t.Errorf("W (%q) holds %v of West's 9 M; a territory keeps the id only with most of it", name, kept)
				}
			default:
				sort.Slice(us, func(i, j int) bool {
					if gridMarket(us[i]) != gridMarket(us[j]) {
						return gridMarket(us[i]) > gridMarket(us[j])
					}
					return us[i] < us[j]
				})
				if id != "T-"+us[0] || name != "Cell "+us[0] {
					t.Errorf("new territory %s %q holds %v; want id T-%s and name %q (its largest unit)", id, name, us, us[0], "Cell "+us[0])
				}
				if owners := tr["owners"].([]any); len(owners) != 0 {
					t.Errorf("new territory %s has owners %v; a new territory carries none over", id, owners)
				}
			}
		}
		// Compare lists a territory of one side only with the other side null.
		_, cmp := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/compare/%d", f.baseline, c), nil)
		if cmp["basis_a"] != "solved" || cmp["basis_b"] != "solved" {
			t.Errorf("basis %v, %v; want solved, solved (neither ran an allocation)", cmp["basis_a"], cmp["basis_b"])
		}
		for _, x := range cmp["territories"].([]any) {
			d := x.(map[string]any)
			inA, inB := d["name_a"] != nil, d["name_b"] != nil
			if inA && inB {
				continue // West, when it kept most of its market
			}
			if !inA && !inB {
				t.Errorf("%v is on neither side", d["id"])
				continue
			}
			missing, present := "b", "a"
			if inB {
				missing, present = "a", "b"
			}
			for _, k := range []string{"expected_", "actual_", "market_"} {
				if d[k+missing] != nil || d[k+present] == nil {
					t.Errorf("%v: %s%s = %v, %s%s = %v; want null on side %s only", d["id"], k, missing, d[k+missing], k, present, d[k+present], missing)
				}
			}
			if d["delta"] != nil || d["expected_delta"] != nil || d["actual_delta"] != nil || d["allocation_delta"] != nil {
				t.Errorf("%v on one side has deltas: %v", d["id"], d)
			}
		}
		moved := 0
		for u, id := range after {
			if before[u] != id {
				moved++
			}
		}
		tot := cmp["totals"].(map[string]any)
		if tot["actual_a"] != tot["actual_b"] || tot["units_moved"] != float64(moved) {
			t.Errorf("totals %v; want the same actual revenue on both sides and %d units moved", tot, moved)
		}
	})
}

// realignToThree branches the baseline, redraws it as three balanced
// territories and returns the branch with the assignments before and after.
func (f *fixture) realignToThree(t *testing.T) (int64, map[string]string, map[string]string) {
	t.Helper()
	code, br := f.do("lee", "POST", "/api/v1/scenarios", map[string]any{"name": "Three", "from": f.baseline,
		"settings": map[string]any{"shape": 0.8, "align": map[string]any{"k": 3, "tolerance": 0.05, "time_limit_seconds": 2}}})
	if code != 201 {
		t.Fatalf("branch: %d %v", code, br)
	}
	c := int64(br["id"].(float64))
	_, asg := f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/assignments", c), nil)
	before := strMap(asg["assignments"])
	_, run := f.do("ann", "POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", c), map[string]any{"kind": "align", "seed": 1})
	r := f.runEnd(t, run["id"])
	if r["status"] != "succeeded" {
		t.Fatalf("realignment: %v", r)
	}
	al := r["result"].(map[string]any)["alignment"].(map[string]any)
	if al["feasible"] != true {
		t.Fatalf("realignment into rows of 10 M is feasible; got %v", al)
	}
	if w := fmt.Sprint(al["warnings"]); !strings.Contains(w, "not kept") || !strings.Contains(w, "East (") {
		t.Errorf("warnings %s do not say East lost most of its market", w)
	}
	_, asg = f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/assignments", c), nil)
	return c, before, strMap(asg["assignments"])
}

func strMap(v any) map[string]string {
	out := map[string]string{}
	for k, x := range v.(map[string]any) {
		out[k] = x.(string)
	}
	return out
}

// TestPublishImpact (issue 12, case 8): before publishing, a leader sees
// what the plan changes for each owner. Nothing is published: the
// realigned branch is set against its parent, the baseline; East's owner
// loses East whole (6 units, 6 accounts, 21 M of market, 240 k of revenue,
// 2 reps) and every figure matches the assignments. Once the baseline is
// published, a branch moving two units is set against it, to the unit.
func TestPublishImpact(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.startWorker()
		c, before, after := f.realignToThree(t)
		path := fmt.Sprintf("/api/v1/scenarios/%d/publish-impact", c)
		f.run(t, []check{
			{"analyst cannot see the impact", "ann", "GET", path, nil, 403, "analyst"},
			{"rep cannot see the impact", "rita", "GET", path, nil, 403, ""},
			{"unknown scenario", "lee", "GET", "/api/v1/scenarios/99999/publish-impact", nil, 404, "99999"},
			{"publish a draft", "lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/publish", c), nil, 409, "approved"},
		})
		code, imp := f.do("lee", "GET", path, nil)
		if code != 200 {
			t.Fatalf("publish-impact: %d %v", code, imp)
		}
		if imp["published_id"] != nil || fmt.Sprint(imp["against_id"]) != fmt.Sprint(f.baseline) {
			t.Errorf("published %v, against %v; want null and the parent %d", imp["published_id"], imp["against_id"], f.baseline)
		}
		// What the assignments say each territory gains and loses.
		type want struct {
			gained, lost                   int
			mGained, mLost, rGained, rLost float64
		}
		wants := map[string]*want{}
		w := func(id string) *want {
			if wants[id] == nil {
				wants[id] = &want{}
			}
			return wants[id]
		}
		for u, to := range after {
			if from := before[u]; from != to {
				g, l := w(to), w(from)
				g.gained, g.mGained, g.rGained = g.gained+1, g.mGained+gridMarket(u), g.rGained+gridRevenue(u)
				l.lost, l.mLost, l.rLost = l.lost+1, l.mLost+gridMarket(u), l.rLost+gridRevenue(u)
			}
		}
		changes := map[string]map[string]any{}
		for _, x := range imp["changes"].([]any) {
			ch := x.(map[string]any)
			changes[ch["territory"].(string)] = ch
		}
		if len(changes) != len(wants) {
			t.Errorf("changes for %d territories, want %d: %v", len(changes), len(wants), imp["changes"])
		}
		for id, wt := range wants {
			ch := changes[id]
			if ch == nil {
				t.Errorf("territory %s changes but is not listed", id)
				continue
			}
			for k, v := range map[string]float64{"units_gained": float64(wt.gained), "units_lost": float64(wt.lost), "accounts_gained": float64(wt.gained),
				"accounts_lost": float64(wt.lost), "market_gained": wt.mGained, "market_lost": wt.mLost, "revenue_gained": wt.rGained, "revenue_lost": wt.rLost} {
				if got := ch[k].(float64); math.Abs(got-v) > 1e-6 {
					t.Errorf("%s %s = %v, want %v", id, k, got, v)
				}
			}
		}
		e := changes["E"]
		if e == nil || e["status"] != "removed" || e["units_lost"] != 6.0 || e["market_lost"] != 21e6 || e["revenue_lost"] != 24e4 ||
			e["headcount_before"] != 2.0 || e["headcount_after"] != nil || fmt.Sprint(e["owners"]) != "[rick]" {
			t.Errorf("East's impact = %v; want removed, 6 units, 21 M and 240 k lost, 2 reps → none, owner rick", e)
		}
		if reps := fmt.Sprint(imp["reps_affected"]); !strings.Contains(reps, "rick") {
			t.Errorf("reps affected %s; want rick, whose East is gone", reps)
		}
		for id, ch := range changes {
			if id != "W" && id != "E" && ch["status"] != "added" {
				t.Errorf("%s status %v, want added", id, ch["status"])
			}
		}

		// Publish the baseline; a branch that moves c0 and c1 to West is set
		// against it.
		b := f.baseline
		f.run(t, []check{
			{"approve baseline", "lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/approve", b), nil, 200, ""},
			{"publish baseline", "lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/publish", b), nil, 200, `"published"`},
			{"impact of the published plan", "lee", "GET", fmt.Sprintf("/api/v1/scenarios/%d/publish-impact", b), nil, 409, "already published"},
		})
		code, br := f.do("lee", "POST", "/api/v1/scenarios", map[string]any{"name": "West grows", "from": b})
		if code != 201 {
			t.Fatalf("branch: %d %v", code, br)
		}
		d := int64(br["id"].(float64))
		if code, body := f.do("ann", "PATCH", fmt.Sprintf("/api/v1/scenarios/%d/assignments", d), map[string]any{"moves": map[string]string{"c0": "W", "c1": "W"}}); code != 200 {
			t.Fatalf("move: %d %v", code, body)
		}
		_, imp = f.do("ada", "GET", fmt.Sprintf("/api/v1/scenarios/%d/publish-impact", d), nil)
		if fmt.Sprint(imp["published_id"]) != fmt.Sprint(b) || fmt.Sprint(imp["against_id"]) != fmt.Sprint(b) {
			t.Errorf("published %v, against %v; want %d", imp["published_id"], imp["against_id"], b)
		}
		got := fmt.Sprint(imp["changes"])
		wantW := "map[accounts_gained:2 accounts_lost:0 headcount_after:1 headcount_before:1 market_gained:6e+06 market_lost:0 name:West owners:[rita] revenue_gained:60000 revenue_lost:0 status:changed territory:W units_gained:2 units_lost:0]"
		wantE := "map[accounts_gained:0 accounts_lost:2 headcount_after:2 headcount_before:2 market_gained:0 market_lost:6e+06 name:East owners:[rick] revenue_gained:0 revenue_lost:60000 status:changed territory:E units_gained:0 units_lost:2]"
		if got != "["+wantE+" "+wantW+"]" {
			t.Errorf("changes = %s\nwant [%s %s]", got, wantE, wantW)
		}
		if fmt.Sprint(imp["reps_affected"]) != "[rick rita]" {
			t.Errorf("reps affected %v, want [rick rita]", imp["reps_affected"])
		}
	})
}
