package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// startRun queues a solve of the scenario and answers 202 with the run.
func (s *Server) startRun(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req plan.RunRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	switch req.Kind {
	case terrane.RunAlign, terrane.RunAllocate, terrane.RunAlignAllocate:
	case "":
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "kind is required: align, allocate or align+allocate"))
		return
	default:
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "kind must be align, allocate or align+allocate, not %q", req.Kind))
		return
	}
	if sc.Status == terrane.StatusPublished && req.Kind != terrane.RunAllocate {
		s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is published; its territories cannot be redrawn", sc.ID))
		return
	}
	if req.Seed < 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "seed must be ≥ 0"))
		return
	}
	// The input records everything the solve depends on, so its hash
	// identifies a reproducible run.
	input, _ := json.Marshal(map[string]any{"kind": req.Kind, "seed": req.Seed, "scenario_id": sc.ID,
		"scenario_updated_at": sc.UpdatedAt, "budget": sc.Budget, "resources": sc.Resources, "settings": sc.Settings})
	run := &terrane.Run{ScenarioID: sc.ID, Kind: req.Kind, Seed: req.Seed, Input: input, SolverVersion: plan.SolverVersion}
	if err := s.svc.Runs.CreateRun(c.Request.Context(), run); err != nil {
		s.writeError(c, err)
		return
	}
	if s.svc.Wake != nil {
		s.svc.Wake()
	}
	c.JSON(http.StatusAccepted, run)
}

func (s *Server) listRuns(c *gin.Context) {
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	offset, limit, err := page(c, 500)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if limit == 0 {
		limit = 50
	}
	runs, err := s.svc.Runs.FindRuns(c.Request.Context(), terrane.RunFilter{ScenarioID: sc.ID, Offset: offset, Limit: limit})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"runs": orEmpty(runs)})
}

// run loads the :rid run; reps see no runs.
func (s *Server) run(c *gin.Context) (*terrane.Run, error) {
	id, err := idParam(c, "rid")
	if err != nil {
		return nil, err
	}
	if isRep(c) {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "run %d not found", id)
	}
	return s.svc.Runs.FindRunByID(c.Request.Context(), id)
}

func (s *Server) getRun(c *gin.Context) {
	r, err := s.run(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// cancelRun marks a queued or running run cancelled; the worker holding it
// notices within a fraction of a second and stops.
func (s *Server) cancelRun(c *gin.Context) {
	r, err := s.run(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	switch r.Status {
	case terrane.RunSucceeded, terrane.RunFailed, terrane.RunCancelled:
		s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "run %d is already %s", r.ID, r.Status))
		return
	}
	cancelled := terrane.RunCancelled
	out, err := s.svc.Runs.UpdateRun(c.Request.Context(), r.ID, terrane.RunUpdate{Status: &cancelled})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
