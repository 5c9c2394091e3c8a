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
	Result        json.RawMessage `json:"result,omitempty"`
	Error         string          `json:"error,omitempty"`
	Worker        string          `json:"worker,omitempty"` // which process holds it while running
	CreatedAt     time.Time       `json:"created_at"`
	StartedAt     *time.Time      `json:"started_at,omitempty"`
	FinishedAt    *time.Time      `json:"finished_at,omitempty"`
	HeartbeatAt   *time.Time      `json:"heartbeat_at,omitempty"`
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

// RunService is the queue of solve jobs, shared by every server process on
// one database.
type RunService interface {
	CreateRun(ctx context.Context, r *Run) error
	FindRunByID(ctx context.Context, id int64) (*Run, error)
	FindRuns(ctx context.Context, f RunFilter) ([]*Run, error)
	UpdateRun(ctx context.Context, id int64, upd RunUpdate) (*Run, error)
	// ClaimRun takes the oldest queued run, or a running one whose heartbeat
	// is older than stale, marks it running by worker and returns it;
	// ENOTFOUND when there is none.
	ClaimRun(ctx context.Context, worker string, stale time.Duration) (*Run, error)
	// Heartbeat records that worker still holds the run.
	Heartbeat(ctx context.Context, id int64, worker string) error
}
