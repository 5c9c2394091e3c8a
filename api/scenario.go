package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// bindJSON decodes the body strictly: unknown fields and trailing data are
// errors that name what is wrong.
func bindJSON(c *gin.Context, v any) error {
	body, err := checkedBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return terrane.Errorf(terrane.ETOOLARGE, "request body is over the %d-byte limit", mbe.Limit)
		case errors.Is(err, io.EOF):
			return terrane.Errorf(terrane.EINVALID, "request body is empty; send a JSON object")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return terrane.Errorf(terrane.EINVALID, "request body is not valid JSON: it ends too early")
		case errors.As(err, &ute):
			return terrane.Errorf(terrane.EINVALID, "field %s must be %s, not %s", ute.Field, jsonType(ute.Type), ute.Value)
		case errors.As(err, &se):
			return terrane.Errorf(terrane.EINVALID, "request body is not valid JSON at byte %d: %v", se.Offset, err)
		}
		return terrane.Errorf(terrane.EINVALID, "request body: %v", err)
	}
	if dec.More() {
		return terrane.Errorf(terrane.EINVALID, "request body has data after the JSON object")
	}
	return nil
}

// idParam parses a positive integer path parameter.
func idParam(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, terrane.Errorf(terrane.EINVALID, "path parameter %s must be a positive integer, not %q", name, c.Param(name))
	}
	return id, nil
}

// expectedVersion is the scenario version a write was made on: the body's
// version field or the If-Match header ("7", W/"7" or 7, as GET
// …/scenarios/{id} sends it in ETag); nil when the client sent neither.
// Both given and different is a 400.
func expectedVersion(c *gin.Context, body *int64) (*int64, error) {
	var header *int64
	if h := strings.TrimSpace(c.GetHeader("If-Match")); h != "" {
		v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
		if err != nil || v < 1 {
			return nil, terrane.Errorf(terrane.EINVALID, "If-Match must be the scenario's version as its ETag gives it, e.g. \"3\", not %s", h)
		}
		header = &v
	}
	if body != nil && *body < 1 {
		return nil, terrane.Errorf(terrane.EINVALID, "version must be the scenario's version (≥ 1), not %d", *body)
	}
	switch {
	case header != nil && body != nil && *header != *body:
		return nil, terrane.Errorf(terrane.EINVALID, "version %d and If-Match %d differ; send one", *body, *header)
	case body != nil:
		return body, nil
	}
	return header, nil
}

// requiredVersion is expectedVersion for a write that must carry the
// version it read (PATCH …/scenarios/{id}, …/assignments,
// …/territories/{tid}): neither the version field nor If-Match is a 400
// naming version, and nothing is changed (issue 16, lost updates).
func requiredVersion(c *gin.Context, body *int64) (*int64, error) {
	v, err := expectedVersion(c, body)
	if err == nil && v == nil {
		err = terrane.Errorf(terrane.EINVALID, "version is required: send the scenario's version as you read it (the version field, or If-Match with the ETag of GET …/scenarios/{id}); nothing was changed")
	}
	return v, err
}

// asSeen is the scenario as the caller may read it: a rep reads the
// settings of their own territories only (plan.ScenarioSettings.ForTerritories).
func (s *Server) asSeen(c *gin.Context, sc *terrane.Scenario) (*terrane.Scenario, error) {
	if !isRep(c) {
		return sc, nil
	}
	ts, err := s.svc.Scenarios.FindTerritories(c.Request.Context(), sc.ID)
	if err != nil {
		return nil, err
	}
	visible := map[string]bool{}
	u := currentUser(c)
	for _, t := range ts {
		if owns(u, t) {
			visible[t.ID] = true
		}
	}
	set, err := plan.ParseScenarioSettings(sc.Settings)
	if err != nil {
		return nil, err
	}
	own, _ := json.Marshal(set.ForTerritories(visible))
	out := *sc
	out.Settings = own
	return &out, nil
}

// etag sets the ETag of a scenario answer: its version.
func etag(c *gin.Context, sc *terrane.Scenario) {
	c.Header("ETag", `"`+strconv.FormatInt(sc.Version, 10)+`"`)
}

// territoryIDs is the set of a scenario's territory ids.
func (s *Server) territoryIDs(c *gin.Context, id int64) (map[string]bool, error) {
	ts, err := s.svc.Scenarios.FindTerritories(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ts))
	for _, t := range ts {
		out[t.ID] = true
	}
	return out, nil
}

// isRep reports whether the caller only reads their own territories.
func isRep(c *gin.Context) bool { return currentUser(c).Role == terrane.RoleRep }

// scenario loads the :id scenario as the caller may see it: reps see only
// the published scenario; anything else is "not found" to them.
func (s *Server) scenario(c *gin.Context, param string) (*terrane.Scenario, error) {
	id, err := idParam(c, param)
	if err != nil {
		return nil, err
	}
	return s.scenarioByID(c, id)
}

// scenarioByID is scenario for an id from elsewhere than the path.
func (s *Server) scenarioByID(c *gin.Context, id int64) (*terrane.Scenario, error) {
	sc, err := s.svc.Scenarios.FindScenarioByID(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if isRep(c) && sc.Status != terrane.StatusPublished {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "scenario %d not found", id)
	}
	return sc, nil
}

func (s *Server) listScenarios(c *gin.Context) {
	offset, limit, err := page(c, 1000)
	if err != nil {
		s.writeError(c, err)
		return
	}
	f := terrane.ScenarioFilter{Status: c.Query("status"), Layer: c.Query("layer"), Offset: offset, Limit: limit}
	if isRep(c) {
		f.Status = terrane.StatusPublished
	}
	list, err := s.svc.Scenarios.FindScenarios(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	for i := range list {
		if list[i], err = s.asSeen(c, list[i]); err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, ScenarioList{Scenarios: orEmpty(list)})
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (s *Server) getScenario(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if sc, err = s.asSeen(c, sc); err != nil {
		s.writeError(c, err)
		return
	}
	etag(c, sc)
	c.JSON(http.StatusOK, sc)
}

func (req *ScenarioRequest) check() error {
	if req.Budget != nil && (*req.Budget < 0 || *req.Budget != *req.Budget) {
		return terrane.Errorf(terrane.EINVALID, "budget must be a number ≥ 0")
	}
	if req.Settings != nil {
		if _, err := plan.ParseScenarioSettings(req.Settings); err != nil {
			return err
		}
	}
	return nil
}

// createScenario branches a new draft from another scenario: its territories,
// assignments, resources, budget and settings, with the request's changes.
func (s *Server) createScenario(c *gin.Context) {
	var req ScenarioRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if err := req.check(); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Name == nil || *req.Name == "" {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "name is required"))
		return
	}
	if req.From <= 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "from is required: the id of the scenario to branch from"))
		return
	}
	ctx := c.Request.Context()
	parent, err := s.svc.Scenarios.FindScenarioByID(ctx, req.From)
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "from: scenario %d does not exist", req.From))
		return
	} else if err != nil {
		s.writeError(c, err)
		return
	}
	terrs, err := s.svc.Scenarios.FindTerritories(ctx, parent.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	assignments, err := s.svc.Scenarios.FindAssignments(ctx, parent.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	sc := &terrane.Scenario{Name: *req.Name, Layer: parent.Layer, ParentID: parent.ID, Status: terrane.StatusDraft,
		Budget: parent.Budget, Resources: parent.Resources, Settings: parent.Settings, CreatedBy: currentUser(c).Name}
	if req.Budget != nil {
		sc.Budget = *req.Budget
	}
	if req.Resources != nil {
		sc.Resources = req.Resources
	}
	if req.Version != nil {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "version: a new scenario has none; send it with PATCH"))
		return
	}
	if req.Settings != nil {
		ids := map[string]bool{}
		for _, t := range terrs {
			ids[t.ID] = true
		}
		if err := plan.CheckSettingsWrite(req.Settings, ids); err != nil {
			s.writeError(c, err)
			return
		}
		sc.Settings = req.Settings
	}
	if err := plan.CheckScenario(sc); err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.svc.Scenarios.CreateScenario(ctx, sc, terrs, assignments); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, sc)
}

func (s *Server) updateScenario(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req ScenarioRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if err := req.check(); err != nil {
		s.writeError(c, err)
		return
	}
	if req.From != 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "from cannot be changed"))
		return
	}
	want, err := requiredVersion(c, req.Version)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if req.Settings != nil {
		ids, err := s.territoryIDs(c, sc.ID)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if err := plan.CheckSettingsWrite(req.Settings, ids); err != nil {
			s.writeError(c, err)
			return
		}
	}
	if req.Budget != nil || req.Resources != nil || req.Settings != nil {
		// The current plan is protected: a rename is all it takes.
		if err := sc.ReadOnlyError("its budget, resources and settings"); err != nil {
			s.writeError(c, err)
			return
		}
	}
	// The scenario as it would be, checked as a planner means it (whole
	// reps in totals, bounds and change limits).
	next := *sc
	if req.Name != nil {
		next.Name = *req.Name
	}
	if req.Budget != nil {
		next.Budget = *req.Budget
	}
	if req.Resources != nil {
		next.Resources = req.Resources
	}
	if req.Settings != nil {
		next.Settings = req.Settings
	}
	if err := plan.CheckScenario(&next); err != nil {
		s.writeError(c, err)
		return
	}
	upd := terrane.ScenarioUpdate{Name: req.Name, Budget: req.Budget, Resources: req.Resources, Settings: req.Settings, IfVersion: want}
	if sc.Status == terrane.StatusApproved {
		// A changed plan needs approving again.
		draft := terrane.StatusDraft
		upd.Status = &draft
	}
	out, err := s.svc.Scenarios.UpdateScenario(c.Request.Context(), sc.ID, upd, currentUser(c).Name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	etag(c, out)
	c.JSON(http.StatusOK, out)
}

func (s *Server) deleteScenario(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.svc.Scenarios.DeleteScenario(c.Request.Context(), sc.ID, currentUser(c).Name); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// transition moves a scenario to approved or published.
func (s *Server) transition(to string) gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, err := s.scenario(c, "id")
		if err != nil {
			s.writeError(c, err)
			return
		}
		switch {
		case sc.Status == to:
			s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is already %s", sc.ID, to))
			return
		case to == terrane.StatusPublished && sc.Status != terrane.StatusApproved:
			s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d must be approved before it is published", sc.ID))
			return
		case to == terrane.StatusApproved && sc.Status == terrane.StatusPublished:
			s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is published", sc.ID))
			return
		}
		out, err := s.svc.Scenarios.UpdateScenario(c.Request.Context(), sc.ID, terrane.ScenarioUpdate{Status: &to}, currentUser(c).Name)
		if err != nil {
			s.writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) scenarioAudit(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	trail, err := s.svc.Scenarios.FindAudit(c.Request.Context(), sc.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, AuditList{Audit: orEmpty(trail)})
}
