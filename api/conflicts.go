package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// conflicts answers GET /scenarios/{id}/conflicts: the scenario's
// territory conflicts of every kind with their value at stake. A rep sees
// the conflicts that touch their own territories, and their own
// rep_without_territory; counts and values are of those only.
func (s *Server) conflicts(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.viewOf(c, sc)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	accounts, err := v.layerAccounts(ctx, s.svc.Geography)
	if err != nil {
		s.writeError(c, err)
		return
	}
	in, err := s.conflictInput(ctx, sc, accounts, v.in.Territories, v.in.Assignments)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := plan.FindConflicts(in)
	if isRep(c) {
		me := currentUser(c).Name
		out = out.Filter(func(k plan.Conflict) bool {
			if k.Kind == plan.ConflictRepWithoutTerritory {
				return k.Rep == me
			}
			return slices.ContainsFunc(k.Territories, func(t string) bool { return v.visible[t] })
		})
	}
	c.JSON(http.StatusOK, out)
}

// conflictInput gathers what conflicts are found in, besides the
// scenario's territories and alignment: the layer's opportunities and the
// reps. 501 when the server keeps no opportunities.
func (s *Server) conflictInput(ctx context.Context, sc *terrane.Scenario, accounts []*terrane.Account, territories []*terrane.Territory, assignments map[string]string) (plan.ConflictInput, error) {
	in := plan.ConflictInput{Accounts: accounts, Territories: territories, Assignments: assignments}
	if s.svc.Imports == nil {
		return in, terrane.Errorf(terrane.ENOTIMPL, "this server keeps no opportunities")
	}
	opps, err := s.opps.current(ctx, s.svc.Imports, sc)
	if err != nil {
		return in, err
	}
	users, err := s.svc.Users.FindUsers(ctx)
	if err != nil {
		return in, err
	}
	in.Opportunities = opps
	for _, u := range users {
		if u.Role == terrane.RoleRep {
			in.Reps = append(in.Reps, u.Name)
		}
	}
	return in, nil
}

// resolveConflicts answers POST /scenarios/{id}/conflicts/resolve: it
// applies the action to a draft's owner mismatches (and cross-territory
// deals) in one transaction, audited as resolve_conflicts, and answers
// with what changed and each kind's count before and after.
func (s *Server) resolveConflicts(c *gin.Context) {
	var req ConflictResolveRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Action != plan.ResolveGiveAccountsToOwner && req.Action != plan.ResolveMoveAccountsToOwner {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "action: %q must be %s or %s", req.Action, plan.ResolveGiveAccountsToOwner, plan.ResolveMoveAccountsToOwner))
		return
	}
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := sc.ReadOnlyError("its territories"); err != nil {
		s.writeError(c, err)
		return
	}
	if err := sc.DraftOnlyError("conflicts are resolved (territories' owners and units)"); err != nil {
		s.writeError(c, err)
		return
	}
	// A write reads the inputs afresh: the shared snapshot is read-only.
	ctx := c.Request.Context()
	in, err := plan.Load(ctx, s.plan(), sc.ID, false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	accounts, err := s.svc.Geography.FindAccounts(ctx, terrane.AccountFilter{Scenario: sc.ID})
	if err != nil {
		s.writeError(c, err)
		return
	}
	ci, err := s.conflictInput(ctx, sc, accounts, in.Territories, in.Assignments)
	if err != nil {
		s.writeError(c, err)
		return
	}
	before := plan.FindConflicts(ci)
	r, err := plan.ResolveConflicts(req.Action, ci)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ci.Territories, ci.Assignments = r.Territories, r.Assignments
	after := plan.FindConflicts(ci)
	out := ConflictResolution{Action: r.Action, Changed: r.Changed(), OwnersAdded: r.OwnersAdded, Moves: r.Moves, NotResolvable: r.NotResolvable,
		Before: before.Counts, After: after.Counts, ScenarioVersion: in.Scenario.Version}
	if r.Changed() {
		detail := map[string]any{"action": r.Action, "owners_added": r.OwnersAdded, "not_resolvable": len(r.NotResolvable),
			"conflicts_before": before.Counts, "conflicts_after": after.Counts}
		if len(r.Moves) > 0 {
			n := 0
			for _, m := range r.Moves {
				n += len(m.Accounts)
			}
			detail["accounts_moved"] = n
		}
		stored, err := s.svc.Scenarios.ResolveConflicts(ctx, sc.ID, in.Scenario.Version, r.Territories, r.Assignments, detail, currentUser(c).Name)
		if err != nil {
			s.writeError(c, err)
			return
		}
		out.ScenarioVersion = stored.Version
	}
	c.JSON(http.StatusOK, out)
}
