package terrane

import (
	"context"
	"encoding/json"
	"time"
)

// Run states.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// Run kinds: which solvers a run invokes.
const (
	RunAlign         = "align"
	RunAllocate      = "allocate"
	RunAlignAllocate = "align+allocate"
	// RunFit fits response curves to the scenario's stored history and
	// back-tests them (optimizer/fit); it changes neither territories nor
	// results.
	RunFit = "fit"
)

// Run is one solve of a scenario, with everything needed to reproduce it.
type Run struct {
	ID            int64           `json:"id"`
	ScenarioID    int64           `json:"scenario_id"`
	Kind          string          `json:"kind"`
	Status        string          `json:"status"`
	Progress      float64         `json:"progress"` // fraction done, 0..1
	Input         json.RawMessage `json:"input,omitempty"`
	InputHash     string          `json:"input_hash"` // SHA-256 hex of Input
	SolverVersion string          `json:"solver_version"`
	Seed          int64           `json:"seed"`
	CreatedBy     string          `json:"created_by,omitempty"` // user name of the person who started it; absent for runs recorded before it was kept
	Result        json.RawMessage `json:"result,omitempty"`
	// Problem is the allocation problem the run solved, the allocate.Problem
	// JSON `terrane solve allocate --in` reads; nil when the run did not
	// allocate. Read by FindRunByID only; never part of the run's JSON
	// (GET /api/v1/runs/{id}/problem serves it).
	Problem     json.RawMessage `json:"-"`
	Error       string          `json:"error,omitempty"`
	Worker      string          `json:"worker,omitempty"` // which process holds it while running
	CreatedAt   time.Time       `json:"created_at"`
	StartedAt   *time.Time      `json:"started_at,omitempty"`
	FinishedAt  *time.Time      `json:"finished_at,omitempty"`
	HeartbeatAt *time.Time      `json:"heartbeat_at,omitempty"`
}

// RunFilter selects runs; zero fields select everything.
type RunFilter struct {
	ScenarioID int64
	Status     string
	Offset     int
	Limit      int
}

// RunUpdate holds the fields to change; nil fields stay as they are.
type RunUpdate struct {
	Status   *string
	Progress *float64
	Result   json.RawMessage
	Error    *string
}

// RunFinish is what a finished run writes, all in one transaction.
type RunFinish struct {
	Status string // RunSucceeded, RunFailed or RunCancelled
	Error  string // why it failed; empty on success
	Result json.RawMessage
	// Problem, when non-nil, is the allocation problem the run solved.
	Problem json.RawMessage
	// Territories and Alignment, when Alignment is non-nil, replace the
	// scenario's (a run that redrew them). The scenario must still be at
	// Results.ScenarioVersion, the version the run read: a change made
	// during the run is not overwritten (ECONFLICT).
	Territories []*Territory
	Assignments map[string]string
	// Results, when non-nil, replace the scenario's stored results.
	Results *Results
}

// Results are what a scenario's latest successful run computed, stored with
// the run. The JSON documents are written and read by package plan.
type Results struct {
	ScenarioID      int64
	RunID           int64
	ScenarioVersion int64 // the scenario's version the results were computed on
	LayerVersion    int64 // the layer's version the results were computed on
	ComputedAt      time.Time
	Summary         json.RawMessage            // scenario-wide: certificate, totals, alignment summary
	Territories     map[string]json.RawMessage // territory id → its results
}

// RunService is the queue of solve jobs, shared by every server process on
// one database. Each method names the error codes it returns; any other
// error (the database failing) has code EINTERNAL.
type RunService interface {
	// CreateRun queues a run of r.Kind on r.ScenarioID and sets r.ID,
	// Status (queued), InputHash and CreatedAt; an empty Input becomes {}.
	// EINVALID if the kind is not align, allocate, align+allocate or fit, or
	// Input is not valid JSON; ENOTFOUND if the scenario does not exist.
	CreateRun(ctx context.Context, r *Run) error
	// FindRunByID returns the run with its input and result. ENOTFOUND if
	// there is none.
	FindRunByID(ctx context.Context, id int64) (*Run, error)
	// FindRuns returns the runs f selects, newest first, without their
	// Input and Result. EINVALID if f.Offset or f.Limit is negative.
	FindRuns(ctx context.Context, f RunFilter) ([]*Run, error)
	// UpdateRun changes the fields upd sets (Progress clamped to [0,1]),
	// records a heartbeat and returns the run as stored; becoming running
	// sets StartedAt, reaching a final state (succeeded, failed, cancelled)
	// FinishedAt. A run in a final state does not change again: the update
	// is dropped and the run returned as it is, or ECONFLICT if upd would
	// change its status. ENOTFOUND if there is no such run.
	UpdateRun(ctx context.Context, id int64, upd RunUpdate) (*Run, error)
	// ClaimRun takes the oldest queued run, or a running one whose heartbeat
	// is older than stale, marks it running by worker and returns it;
	// ENOTFOUND when there is none.
	ClaimRun(ctx context.Context, worker string, stale time.Duration) (*Run, error)
	// Heartbeat records that worker still holds the run. It does nothing
	// when the run is not running under worker (finished, or taken over
	// after going stale), and returns no error code of its own.
	Heartbeat(ctx context.Context, id int64, worker string) error
	// FinishRun records a run's end and, on success, its territory changes
	// and results, in one transaction: either all of it is written or
	// nothing is. ENOTFOUND for an unknown run; ECONFLICT when the run has
	// already ended (a cancel won), when the scenario is published and the
	// run redrew it, or when the scenario changed during a run that redrew it.
	// EINVALID when f.Status is not succeeded, failed or cancelled, when a
	// run that did not succeed carries Alignment or Results, when Alignment
	// comes without Results, or when a territory fails Validate or appears
	// twice, or a unit is assigned to a territory not in Territories.
	FinishRun(ctx context.Context, id int64, f RunFinish) (*Run, error)
	// FindResults returns a scenario's stored results; ENOTFOUND when no
	// run has stored any.
	FindResults(ctx context.Context, scenarioID int64) (*Results, error)
}
