package api

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// publishImpact answers what publishing a scenario would change for the
// people who own territories: per territory that changes, the units,
// accounts, market and actual revenue it gains and loses and its headcount
// before and after, against the plan published now (or, with none, the
// scenario's parent). The web app shows it as the confirmation before
// POST …/publish.
func (s *Server) publishImpact(c *gin.Context) {
	ctx := c.Request.Context()
	// The status as it is now: a snapshot keeps the status it was built at.
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if sc.Status == terrane.StatusPublished {
		s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is already published", sc.ID))
		return
	}
	v, err := s.viewOf(c, sc)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := PublishImpact{ScenarioID: sc.ID, Changes: []TerritoryImpact{}, RepsAffected: []string{}}
	published, err := s.svc.Scenarios.FindScenarios(ctx, terrane.ScenarioFilter{Status: terrane.StatusPublished, Layer: sc.Layer})
	if err != nil {
		s.writeError(c, err)
		return
	}
	against := int64(0)
	if len(published) > 0 {
		id := published[0].ID
		out.PublishedID, against = &id, id
	} else if sc.ParentID != 0 {
		against = sc.ParentID
	}
	// Without a plan to compare with, every territory is new to its owners.
	before := &plan.Inputs{Scenario: &terrane.Scenario{Layer: sc.Layer}, Settings: &plan.ScenarioSettings{}}
	if against != 0 {
		other, err := s.svc.Scenarios.FindScenarioByID(ctx, against)
		if err != nil {
			s.writeError(c, err)
			return
		}
		ov, err := s.viewOf(c, other)
		if err != nil {
			s.writeError(c, err)
			return
		}
		before = ov.in
		out.AgainstID = &against
	}
	users, err := s.svc.Users.FindUsers(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// Users who own a territory by its id, besides the territory's owners.
	byTerritory := map[string][]string{}
	for _, u := range users {
		for _, t := range u.Territories {
			byTerritory[t] = append(byTerritory[t], u.Name)
		}
	}
	affected := map[string]bool{}
	for _, ch := range plan.Impact(before, v.in) {
		owners := map[string]bool{}
		for _, o := range append(append(append([]string{}, ch.OwnersBefore...), ch.OwnersAfter...), byTerritory[ch.Territory]...) {
			owners[o] = true
		}
		names := make([]string, 0, len(owners))
		for o := range owners {
			names = append(names, o)
			affected[o] = true
		}
		sort.Strings(names)
		out.Changes = append(out.Changes, TerritoryImpact{Territory: ch.Territory, Name: ch.Name, Owners: names, Status: ch.Status,
			UnitsGained: ch.UnitsGained, UnitsLost: ch.UnitsLost, AccountsGained: ch.AccountsGained, AccountsLost: ch.AccountsLost,
			MarketGained: ch.MarketGained, MarketLost: ch.MarketLost, RevenueGained: ch.RevenueGained, RevenueLost: ch.RevenueLost,
			HeadcountBefore: ch.HeadcountBefore, HeadcountAfter: ch.HeadcountAfter})
	}
	for o := range affected {
		out.RepsAffected = append(out.RepsAffected, o)
	}
	sort.Strings(out.RepsAffected)
	c.JSON(http.StatusOK, out)
}
