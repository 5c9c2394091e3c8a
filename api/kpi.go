package api

import (
	"net/http"
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
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "this server has no opportunities"))
		return
	}
	v, err := s.viewOf(c, sc)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	opps, err := s.svc.Imports.FindOpportunities(ctx, sc.Layer)
	if err != nil {
		s.writeError(c, err)
		return
	}
	accounts, err := s.svc.Geography.FindAccounts(ctx, terrane.AccountFilter{Layer: sc.Layer})
	if err != nil {
		s.writeError(c, err)
		return
	}
	users, err := s.svc.Users.FindUsers(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	in := plan.KPIInput{Opportunities: opps, AccountTerritory: make(map[string]string, len(accounts)), Territories: v.in.Territories, Users: users}
	for _, a := range accounts {
		if t, ok := v.in.Assignments[a.UnitID]; ok && a.UnitID != "" {
			in.AccountTerritory[a.ID] = t
		}
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
