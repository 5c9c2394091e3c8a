package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

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
	case terrane.RunAlign, terrane.RunAllocate, terrane.RunAlignAllocate, terrane.RunFit:
	case "":
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "kind is required: align, allocate, align+allocate or fit"))
		return
	default:
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "kind must be align, allocate, align+allocate or fit, not %q", req.Kind))
		return
	}
	if req.Fit != nil && req.Kind != terrane.RunFit {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "fit: only a run of kind fit takes fit options, not %s", req.Kind))
		return
	}
	if req.Fit != nil {
		if err := req.Fit.Validate(); err != nil {
			s.writeError(c, err)
			return
		}
	}
	redraws := req.Kind != terrane.RunAllocate && req.Kind != terrane.RunFit
	if sc.Status == terrane.StatusApproved || sc.Status == terrane.StatusPublished {
		// An approved or published plan keeps the territories and results
		// it was approved on: a run would change them behind the leader.
		s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is %s; runs are refused on an approved or published plan — branch it (POST /api/v1/scenarios {\"from\": %d}) and run the branch", sc.ID, sc.Status, sc.ID))
		return
	}
	if redraws {
		// Allocating (or fitting) the baseline changes only its results, which
		// comparisons read; redrawing it would change the current plan.
		if err := sc.ReadOnlyError("its territories (an " + req.Kind + " run)"); err != nil {
			s.writeError(c, err)
			return
		}
	}
	if req.Seed < 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "seed must be ≥ 0"))
		return
	}
	// The input records everything the solve depends on, so its hash
	// identifies a reproducible run.
	input, _ := json.Marshal(RunInput{Kind: req.Kind, Seed: req.Seed, ScenarioID: sc.ID,
		ScenarioUpdatedAt: sc.UpdatedAt, Budget: sc.Budget, Resources: sc.Resources, Settings: sc.Settings, Fit: req.Fit})
	run := &terrane.Run{ScenarioID: sc.ID, Kind: req.Kind, Seed: req.Seed, Input: input, SolverVersion: plan.SolverVersion, CreatedBy: currentUser(c).Name}
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
	c.JSON(http.StatusOK, RunList{Runs: orEmpty(runs)})
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

// runProblem answers the allocation problem a run solved, as
// `terrane solve allocate --in` reads it: solving it gives the run's
// objective.
func (s *Server) runProblem(c *gin.Context) {
	r, err := s.run(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if len(r.Problem) == 0 {
		why := "it did not allocate"
		switch {
		case r.Kind == terrane.RunAlign:
			why = "it only redrew the territories (kind align)"
		case r.Status != terrane.RunSucceeded:
			why = "it is " + r.Status
		}
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "run %d has no allocation problem: %s", r.ID, why))
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", r.Problem)
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

// runEvents streams a run's progress as server-sent events: "progress"
// each time it changes and one "done" when the run ends, then closes. The
// worker of this process wakes the stream at once; a run solved by
// another process is read every Config.EventPoll.
func (s *Server) runEvents(c *gin.Context) {
	r, err := s.run(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	var wake <-chan struct{}
	if s.svc.Events != nil {
		ch, stop := s.svc.Events.Subscribe(r.ID)
		defer stop()
		wake = ch
	}
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	send := func(event string, body any) bool {
		b, err := json.Marshal(body)
		if err != nil {
			s.logger.Error("run event", "err", err)
			return false
		}
		if _, err := fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		c.Writer.Flush()
		return true
	}
	tick := time.NewTicker(s.cfg.EventPoll)
	defer tick.Stop()
	var last string
	for {
		if r.Status == terrane.RunSucceeded || r.Status == terrane.RunFailed || r.Status == terrane.RunCancelled {
			send("done", s.finalEvent(c, r))
			return
		}
		if cur := fmt.Sprintf("%s %.4f", r.Status, r.Progress); cur != last {
			last = cur
			brief := *r
			brief.Input, brief.Result = nil, nil
			if !send("progress", RunEvent{Run: &brief}) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
		if r, err = s.svc.Runs.FindRunByID(ctx, r.ID); err != nil {
			return
		}
	}
}

// finalEvent is the last message of a run's stream.
func (s *Server) finalEvent(c *gin.Context, r *terrane.Run) RunEvent {
	out := *r
	out.Input = nil
	ev := RunEvent{Run: &out}
	if r.Status != terrane.RunSucceeded {
		return ev
	}
	sc, err := s.scenarioByID(c, r.ScenarioID)
	if err != nil {
		return ev
	}
	v, err := s.viewOf(c, sc)
	if err != nil {
		s.logger.Warn("run event: territories", "run", r.ID, "err", err)
		return ev
	}
	// The scenario as just read: the snapshot's copy is keyed by version,
	// and a rename or a status change does not make a new version.
	ts := v.territoriesResponse()
	ev.Scenario, ev.Territories = sc, &ts
	if r.Kind != terrane.RunAllocate && r.Kind != terrane.RunFit {
		ev.Assignments = make(map[string]string, len(v.in.Assignments))
		for u, t := range v.in.Assignments {
			if v.sees(t) {
				ev.Assignments[u] = t
			}
		}
	}
	return ev
}
