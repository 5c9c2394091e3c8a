package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// kpis answers GET /scenarios/{id}/kpis: the pipeline KPIs of the layer's
// opportunities grouped by territory (through each account's territory in
// this scenario), rep, region or manager. A rep sees only their own deals
// and territories, grouped by territory or rep.
func (s *Server) kpis(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	q := plan.KPIQuery{By: c.DefaultQuery("by", plan.KPIByTerritory)}
	for _, p := range []struct {
		name string
		into **time.Time
	}{{"from", &q.From}, {"to", &q.To}, {"as_of", &q.AsOf}} {
		if *p.into, err = plan.ParseKPIDate(p.name, c.Query(p.name)); err != nil {
			s.writeError(c, err)
			return
		}
	}
	rep := isRep(c)
	if rep && q.By != plan.KPIByTerritory && q.By != plan.KPIByRep {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "by: a rep sees their own KPIs by territory or rep, not by %s", q.By))
		return
	}
	if s.svc.Imports == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "this server keeps no opportunities"))
		return
	}
	v, err := s.viewOf(c, sc)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	opps, err := s.opps.current(ctx, s.svc.Imports, sc)
	if err != nil {
		s.writeError(c, err)
		return
	}
	accountTerritory, err := v.accountTerritory(ctx, s.svc.Geography)
	if err != nil {
		s.writeError(c, err)
		return
	}
	users, err := s.svc.Users.FindUsers(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	in := plan.KPIInput{Opportunities: opps, AccountTerritory: accountTerritory, Territories: v.in.Territories, Users: users}
	if q.AsOf == nil {
		// The latest date in the layer's data, a rep's view included: their
		// open deals age at the same date as everyone's.
		q.AsOf = plan.LatestOpportunityDate(opps)
	}
	if rep {
		// Their own deals (owned, or in their territories), territories and quota.
		me := currentUser(c)
		in.Territories, in.Users = nil, []*terrane.User{me}
		for _, t := range v.in.Territories {
			if v.sees(t.ID) {
				in.Territories = append(in.Territories, t)
			}
		}
		mine := in.Opportunities[:0:0]
		for _, o := range opps {
			if t, ok := in.AccountTerritory[o.AccountID]; o.Owner == me.Name || ok && v.sees(t) {
				mine = append(mine, o)
			}
		}
		in.Opportunities = mine
	}
	out, err := plan.ComputeKPIs(q, in)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if rep && q.By == plan.KPIByRep {
		// Only their own group: deals in their territories owned by others
		// count in the total, not as another person's figures.
		own := out.Groups[:0]
		for _, g := range out.Groups {
			if g.Key == currentUser(c).Name {
				own = append(own, g)
			}
		}
		out.Groups = own
	}
	c.JSON(http.StatusOK, out)
}

// oppCache keeps each layer's current opportunities, read once per set of
// current imports: KPIs over 100,000 deals would otherwise spend most of
// their time reading them.
type oppCache struct {
	mu      sync.Mutex
	entries map[string]oppEntry // by layer
}

type oppEntry struct {
	key  string // the ids of the layer's current opportunities imports
	opps []*terrane.Opportunity
}

// current returns the opportunities scenario sc reads (shared: callers
// must not change them): its layer's current ones, cached, for a draft;
// those of its pinned imports, read afresh, for an approved or published
// plan.
func (oc *oppCache) current(ctx context.Context, store terrane.ImportService, sc *terrane.Scenario) ([]*terrane.Opportunity, error) {
	if sc.Status != terrane.StatusDraft {
		return store.FindScenarioOpportunities(ctx, sc.ID)
	}
	layer := sc.Layer
	imps, err := store.FindImports(ctx, layer)
	if err != nil {
		return nil, err
	}
	key := ""
	for _, imp := range imps {
		if imp.Kind == "opportunities" && imp.ReplacedBy == 0 {
			key += fmt.Sprintf("%d,", imp.ID)
		}
	}
	oc.mu.Lock()
	e, ok := oc.entries[layer]
	oc.mu.Unlock()
	if ok && e.key == key {
		return e.opps, nil
	}
	opps, err := store.FindOpportunities(ctx, layer)
	if err != nil {
		return nil, err
	}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if oc.entries == nil || len(oc.entries) >= 16 {
		oc.entries = map[string]oppEntry{}
	}
	oc.entries[layer] = oppEntry{key: key, opps: opps}
	return opps, nil
}

// accountTerritory maps each account of the layer in a unit of one of the
// scenario's territories to that territory, once per snapshot (a new
// accounts import changes the layer's version, and so the snapshot).
func (sn *snapshot) accountTerritory(ctx context.Context, geo terrane.GeographyService) (map[string]string, error) {
	sn.accountsOnce.Do(func() {
		accounts, err := geo.FindAccounts(ctx, terrane.AccountFilter{Scenario: sn.in.Scenario.ID})
		if err != nil {
			sn.accountsErr = err
			return
		}
		sn.accountList = accounts
		m := make(map[string]string, len(accounts))
		for _, a := range accounts {
			if t, ok := sn.in.Assignments[a.UnitID]; ok && a.UnitID != "" {
				m[a.ID] = t
			}
		}
		sn.accounts = m
	})
	return sn.accounts, sn.accountsErr
}

// layerAccounts is the layer's accounts as the snapshot read them (shared:
// callers must not change them).
func (sn *snapshot) layerAccounts(ctx context.Context, geo terrane.GeographyService) ([]*terrane.Account, error) {
	if _, err := sn.accountTerritory(ctx, geo); err != nil {
		return nil, err
	}
	return sn.accountList, nil
}
