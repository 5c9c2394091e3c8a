package api_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
)

// TestKPIs: opportunities imported over HTTP onto the grid layer give each
// territory and rep its pipeline KPIs (figures worked out by hand in the
// comments); a rep sees only their own; bad queries are 400 naming the
// parameter.
func TestKPIs(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		// W holds acct-a0…b2 (rita), E acct-c0…d2 (rick).
		csv := "id,account,owner,stage,amount,created,close_date,product\n" +
			"w1,acct-a0,rita,Closed Won,10000,2026-01-01,2026-01-31,Core\n" + // 30 days
			"w2,acct-b1,rita,Closed Won,20000,2026-02-01,2026-03-13,Core\n" + // 40 days
			"w3,acct-a1,rita,Closed Lost,5000,2026-01-10,2026-02-09,Core\n" +
			"w4,acct-a2,rita,Proposal,,2026-03-01,,Core\n" + // open, no amount
			"e1,acct-c0,rick,Closed Won,30000,2026-01-05,2026-04-05,Core\n" + // 90 days
			"e2,acct-d1,rick,Negotiation,12000,2025-10-01,,Core\n" + // open, 212 days old at as_of
			"x1,,rick,Prospecting,4000,2026-05-01,,Core\n" // no account
		if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, csv); code != 200 {
			t.Fatalf("import: %d %v", code, out)
		}
		path := fmt.Sprintf("/api/v1/scenarios/%d/kpis", f.baseline)
		code, body := f.do("ann", "GET", path, nil)
		if code != 200 {
			t.Fatalf("GET kpis = %d %v", code, body)
		}
		if body["by"] != "territory" || body["as_of"] != "2026-05-01" || body["from"] != nil {
			t.Errorf("by %v as_of %v from %v, want territory, 2026-05-01, null", body["by"], body["as_of"], body["from"])
		}
		groups := map[string]map[string]any{}
		for _, g := range body["groups"].([]any) {
			m := g.(map[string]any)
			groups[m["key"].(string)] = m
		}
		near := func(label string, got any, want float64) {
			t.Helper()
			v, ok := got.(float64)
			if !ok || math.Abs(v-want) > 0.005 {
				t.Errorf("%s = %v, want %v", label, got, want)
			}
		}
		w, e, none := groups["W"], groups["E"], groups[""]
		if w == nil || e == nil || none == nil {
			t.Fatalf("groups %v, want W, E and the deals of no territory", groups)
		}
		// W: won 30000 in 2 (30, 40 days), lost 5000; win rate 2/3, by value 30000/35000.
		near("W win_rate", w["win_rate"], 2.0/3)
		near("W win_rate_value", w["win_rate_value"], 30000.0/35000)
		near("W avg_won_deal", w["avg_won_deal"], 15000)
		near("W cycle_days_median", w["cycle_days_median"], 35)
		near("W open_without_amount", w["open_without_amount"], 1)
		// open 1 × 2/3 × 15000 / 35 dollars per day.
		near("W velocity_per_day", w["velocity_per_day"], 1*2.0/3*15000/35)
		near("E stale_open", e["stale_open"], 1) // 212 > 2 × 90
		near("E open_value", e["open_value"], 12000)
		if w["quota"] != nil || w["attainment"] != nil {
			t.Errorf("W quota %v attainment %v, want null (nobody has a quota)", w["quota"], w["attainment"])
		}
		if none["win_rate"] != nil || none["open"] != 1.0 {
			t.Errorf("no territory: win_rate %v open %v, want null and 1", none["win_rate"], none["open"])
		}

		// From/to select won and lost by close date, open by created date.
		_, body = f.do("ann", "GET", path+"?by=rep&from=2026-02-01&to=2026-03-31", nil)
		for _, g := range body["groups"].([]any) {
			m := g.(map[string]any)
			if m["key"] == "rita" {
				near("rita Feb–Mar opportunities", m["opportunities"], 3) // w2, w3 closed; w4 created
				near("rita Feb–Mar won_value", m["won_value"], 20000)
			}
		}

		// A rep: their own deals only, by territory or rep, in the published plan.
		for _, step := range []string{"approve", "publish"} {
			if code, body := f.do("lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/%s", f.baseline, step), nil); code != 200 {
				t.Fatalf("%s = %d %v", step, code, body)
			}
		}
		code, body = f.do("rita", "GET", path+"?by=rep", nil)
		if code != 200 {
			t.Fatalf("rep GET kpis = %d %v", code, body)
		}
		if gs := body["groups"].([]any); len(gs) != 1 || gs[0].(map[string]any)["key"] != "rita" {
			t.Errorf("a rep's groups = %v, want rita's only", gs)
		}
		near("rita's total opportunities", body["total"].(map[string]any)["opportunities"], 4)
		// A new import replaces the deals a draft's KPIs read (the cache of
		// the layer's opportunities follows the imports); the published plan
		// keeps the deals it was approved on.
		draft := f.branch(t, "After the import", nil)
		if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, "id,account,owner,stage,amount,created,close_date\nn1,acct-a0,rita,Closed Won,500,2026-06-01,2026-06-11\n"); code != 200 {
			t.Fatalf("second import: %d %v", code, out)
		}
		_, body = f.do("ann", "GET", fmt.Sprintf("/api/v1/scenarios/%d/kpis", draft), nil)
		near("a draft's total after the second import", body["total"].(map[string]any)["won_value"], 500)
		_, body = f.do("ann", "GET", path, nil)
		near("the published plan's total after the second import", body["total"].(map[string]any)["won_value"], 60000)
		for _, tc := range []struct{ user, query, say string }{
			{"rita", "?by=manager", "by"},
			{"ann", "?by=team", "by"},
			{"ann", "?from=2026-02-30", "from"},
			{"ann", "?from=2026-03-01&to=2026-02-01", "after"},
		} {
			code, body := f.do(tc.user, "GET", path+tc.query, nil)
			if code != 400 || !strings.Contains(fmt.Sprint(body), tc.say) {
				t.Errorf("%s GET kpis%s = %d %v, want 400 naming %s", tc.user, tc.query, code, body, tc.say)
			}
		}
	})
}

// countingImports counts the reads of a layer's opportunities.
type countingImports struct {
	terrane.ImportService
	reads atomic.Int64
}

func (c *countingImports) FindOpportunities(ctx context.Context, layer string) ([]*terrane.Opportunity, error) {
	c.reads.Add(1)
	return c.ImportService.FindOpportunities(ctx, layer)
}

// TestKPIsReadAtImport: an opportunities import reads the layer's new set of
// opportunities once, for the KPIs, so that the KPI requests after it read
// none; the next import reads the new set again and the KPIs count it.
func TestKPIsReadAtImport(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		counter := &countingImports{ImportService: f.services.Imports}
		f.services.Imports = counter
		f.srv = api.NewServer(api.Config{Version: "test", LoginEvery: time.Hour, LoginBurst: 5}, f.services, nil, nil)
		path := fmt.Sprintf("/api/v1/scenarios/%d/kpis?by=territory", f.baseline)
		for i, rows := range []string{
			"w1,acct-a0,rita,Closed Won,10000,2026-01-01,2026-01-31,Core\n",
			"w1,acct-a0,rita,Closed Won,10000,2026-01-01,2026-01-31,Core\ne1,acct-c0,rick,Closed Lost,3000,2026-01-05,2026-04-05,Core\n",
		} {
			before := counter.reads.Load()
			csv := "id,account,owner,stage,amount,created,close_date,product\n" + rows
			if code, out := f.upload("ann", map[string]string{"kind": "opportunities", "layer": "grid"}, csv); code != 200 {
				t.Fatalf("import %d: %d %v", i, code, out)
			}
			if n := counter.reads.Load() - before; n != 1 {
				t.Errorf("import %d read the opportunities %d times, want once", i, n)
			}
			for range 2 {
				code, body := f.do("ann", "GET", path, nil)
				if code != 200 {
					t.Fatalf("GET kpis = %d %v", code, body)
				}
				if got := body["total"].(map[string]any)["opportunities"]; got != float64(i+1) {
					t.Errorf("after import %d: total opportunities %v, want %d", i, got, i+1)
				}
			}
			if n := counter.reads.Load() - before; n != 1 {
				t.Errorf("after import %d the KPI requests read the opportunities %d more times, want none", i, n-1)
			}
		}
	})
}
