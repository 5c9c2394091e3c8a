package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/terrane/terrane"
)

type runRow struct {
	ID            int64   `db:"id"`
	ScenarioID    int64   `db:"scenario_id"`
	Kind          string  `db:"kind"`
	Status        string  `db:"status"`
	Progress      float64 `db:"progress"`
	Input         string  `db:"input"`
	InputHash     string  `db:"input_hash"`
	SolverVersion string  `db:"solver_version"`
	Seed          int64   `db:"seed"`
	CreatedBy     string  `db:"created_by"`
	Result        string  `db:"result"`
	Problem       string  `db:"problem"`
	Error         string  `db:"error"`
	Worker        string  `db:"worker"`
	CreatedAt     string  `db:"created_at"`
	StartedAt     string  `db:"started_at"`
	FinishedAt    string  `db:"finished_at"`
	HeartbeatAt   string  `db:"heartbeat_at"`
}

const runCols = `id, scenario_id, kind, status, progress, input, input_hash, solver_version, seed, created_by, result, problem, error, worker, created_at, started_at, finished_at, heartbeat_at`

func (r *runRow) run() *terrane.Run {
	out := &terrane.Run{ID: r.ID, ScenarioID: r.ScenarioID, Kind: r.Kind, Status: r.Status, Progress: r.Progress,
		InputHash: r.InputHash, SolverVersion: r.SolverVersion, Seed: r.Seed, CreatedBy: r.CreatedBy, Error: r.Error, Worker: r.Worker,
		CreatedAt: parseStamp(r.CreatedAt), StartedAt: parseStampPtr(r.StartedAt), FinishedAt: parseStampPtr(r.FinishedAt),
		HeartbeatAt: parseStampPtr(r.HeartbeatAt)}
	if r.Input != "" {
		out.Input = json.RawMessage(r.Input)
	}
	if r.Result != "" {
		out.Result = json.RawMessage(r.Result)
	}
	if r.Problem != "" {
		out.Problem = json.RawMessage(r.Problem)
	}
	return out
}

func validRunKind(k string) bool {
	return k == terrane.RunAlign || k == terrane.RunAllocate || k == terrane.RunAlignAllocate || k == terrane.RunFit
}

// CreateRun queues a run and sets r.ID, Status, InputHash and CreatedAt.
func (s *Store) CreateRun(ctx context.Context, r *terrane.Run) error {
	if !validRunKind(r.Kind) {
		return terrane.Errorf(terrane.EINVALID, "run kind must be align, allocate, align+allocate or fit, not %q", r.Kind)
	}
	if len(r.Input) == 0 {
		r.Input = json.RawMessage("{}")
	}
	if !json.Valid(r.Input) {
		return terrane.Errorf(terrane.EINVALID, "run input must be valid JSON")
	}
	sum := sha256.Sum256(r.Input)
	r.InputHash = hex.EncodeToString(sum[:])
	r.Status = terrane.RunQueued
	now := s.stamp()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := findScenario(ctx, tx, r.ScenarioID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &r.ID, tx.Rebind(`INSERT INTO runs (scenario_id, kind, status, progress, input, input_hash, solver_version, seed, created_by, created_at)
			VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?) RETURNING id`), r.ScenarioID, r.Kind, r.Status, string(r.Input), r.InputHash, r.SolverVersion, r.Seed, r.CreatedBy, now)
		if err != nil {
			return err
		}
		r.CreatedAt = parseStamp(now)
		return s.audit(ctx, tx, r.ScenarioID, runActor(&runRow{ID: r.ID, CreatedBy: r.CreatedBy}), "run started",
			map[string]any{"run_id": r.ID, "kind": r.Kind, "seed": r.Seed})
	})
}

// FindRunByID returns one run with its input and result.
func (s *Store) FindRunByID(ctx context.Context, id int64) (*terrane.Run, error) {
	var r runRow
	err := mapErr(s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+runCols+` FROM runs WHERE id = ?`), id))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "run %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("data: find run %d: %w", id, err)
	}
	return r.run(), nil
}

// FindRuns returns runs newest first, without their input and result.
func (s *Store) FindRuns(ctx context.Context, f terrane.RunFilter) ([]*terrane.Run, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "offset and limit must be ≥ 0")
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.ScenarioID != 0 {
		where, args = append(where, "scenario_id = ?"), append(args, f.ScenarioID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	cols := strings.NewReplacer("input, ", "'' AS input, ", "result, ", "'' AS result, ", "problem, ", "'' AS problem, ").Replace(runCols)
	q := `SELECT ` + cols + ` FROM runs WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	var rows []runRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("data: find runs: %w", err)
	}
	out := make([]*terrane.Run, len(rows))
	for i := range rows {
		out[i] = rows[i].run()
	}
	return out, nil
}

// UpdateRun changes status, progress, result or error. A run that reached a
// final state (succeeded, failed, cancelled) does not change again, so a
// late progress report cannot undo a cancel.
func (s *Store) UpdateRun(ctx context.Context, id int64, upd terrane.RunUpdate) (*terrane.Run, error) {
	var out *terrane.Run
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.lockRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if finalRun(r.Status) {
			out = r.run()
			if upd.Status != nil && *upd.Status != r.Status {
				return terrane.Errorf(terrane.ECONFLICT, "run %d is already %s", id, r.Status)
			}
			return nil
		}
		now := s.stamp()
		if upd.Status != nil {
			r.Status = *upd.Status
			if finalRun(r.Status) {
				r.FinishedAt = now
			}
			if r.Status == terrane.RunRunning && r.StartedAt == "" {
				r.StartedAt = now
			}
		}
		if upd.Progress != nil {
			r.Progress = min(1, max(0, *upd.Progress))
		}
		if upd.Result != nil {
			r.Result = string(upd.Result)
		}
		if upd.Error != nil {
			r.Error = *upd.Error
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE runs SET status = ?, progress = ?, result = ?, error = ?, started_at = ?, finished_at = ?, heartbeat_at = ? WHERE id = ?`),
			r.Status, r.Progress, r.Result, r.Error, r.StartedAt, r.FinishedAt, now, id)
		r.HeartbeatAt = now
		out = r.run()
		if err == nil && finalRun(r.Status) {
			err = s.auditRunEnd(ctx, tx, &r) // a cancel
		}
		return err
	})
	return out, err
}

// runActor is who an audit entry of run r names: the person who started
// it, or "run N" for a run recorded before that was kept.
func runActor(r *runRow) string {
	if r.CreatedBy != "" {
		return r.CreatedBy
	}
	return fmt.Sprintf("run %d", r.ID)
}

// auditRunEnd records in tx, in the scenario's audit trail, that run r
// ended and how.
func (s *Store) auditRunEnd(ctx context.Context, tx *sqlx.Tx, r *runRow) error {
	detail := map[string]any{"run_id": r.ID, "kind": r.Kind, "status": r.Status}
	if r.Error != "" {
		detail["error"] = r.Error
	}
	return s.audit(ctx, tx, r.ScenarioID, runActor(r), "run finished", detail)
}

// lockRun reads a run's row in tx and locks it: the worker's progress
// reports, its final result and a user's cancel race, and each writes the
// row it read.
func (s *Store) lockRun(ctx context.Context, tx *sqlx.Tx, id int64) (runRow, error) {
	var r runRow
	err := mapErr(tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+runCols+` FROM runs WHERE id = ?`+s.forUpdate()), id))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return r, terrane.Errorf(terrane.ENOTFOUND, "run %d not found", id)
	}
	return r, err
}

func finalRun(status string) bool {
	return status == terrane.RunSucceeded || status == terrane.RunFailed || status == terrane.RunCancelled
}

// ClaimRun takes the oldest queued run, or a running run whose heartbeat is
// older than stale (its worker died), and marks it running by worker. Two
// processes never claim the same run: the UPDATE re-checks the state it
// selected, and PostgreSQL skips rows another claimer has locked.
func (s *Store) ClaimRun(ctx context.Context, worker string, stale time.Duration) (*terrane.Run, error) {
	cutoff := s.now().Add(-stale).UTC().Format(stampLayout)
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	for attempt := 0; attempt < 5; attempt++ {
		var id int64
		err := mapErr(s.db.GetContext(ctx, &id, s.db.Rebind(`SELECT id FROM runs WHERE status = ? OR (status = ? AND heartbeat_at < ?) ORDER BY id LIMIT 1`),
			terrane.RunQueued, terrane.RunRunning, cutoff))
		if terrane.ErrorCode(err) == terrane.ENOTFOUND {
			return nil, terrane.Errorf(terrane.ENOTFOUND, "no run waiting")
		} else if err != nil {
			return nil, fmt.Errorf("data: claim run: %w", err)
		}
		now := s.stamp()
		var claimed []int64
		err = s.db.SelectContext(ctx, &claimed, s.db.Rebind(`UPDATE runs SET status = ?, worker = ?, heartbeat_at = ?,
			started_at = CASE WHEN started_at = '' THEN ? ELSE started_at END
			WHERE id IN (SELECT id FROM runs WHERE id = ? AND (status = ? OR (status = ? AND heartbeat_at < ?))`+lock+`) RETURNING id`),
			terrane.RunRunning, worker, now, now, id, terrane.RunQueued, terrane.RunRunning, cutoff)
		if err != nil {
			return nil, fmt.Errorf("data: claim run %d: %w", id, err)
		}
		if len(claimed) == 1 {
			return s.FindRunByID(ctx, id)
		}
	}
	return nil, terrane.Errorf(terrane.ENOTFOUND, "no run waiting")
}

// Heartbeat records that worker still holds run id.
func (s *Store) Heartbeat(ctx context.Context, id int64, worker string) error {
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE runs SET heartbeat_at = ? WHERE id = ? AND worker = ? AND status = ?`), s.stamp(), id, worker, terrane.RunRunning)
	if err != nil {
		return fmt.Errorf("data: heartbeat run %d: %w", id, err)
	}
	return nil
}

// FinishRun records a run's end and, on success, its territory changes and
// its results, in one transaction: a run that fails, is cancelled, or loses
// a race with a cancel or a manual change writes nothing to its scenario.
func (s *Store) FinishRun(ctx context.Context, id int64, f terrane.RunFinish) (*terrane.Run, error) {
	if !finalRun(f.Status) {
		return nil, terrane.Errorf(terrane.EINVALID, "run %d: a finished run's status must be succeeded, failed or cancelled, not %q", id, f.Status)
	}
	if f.Status != terrane.RunSucceeded && (f.Assignments != nil || f.Results != nil) {
		return nil, terrane.Errorf(terrane.EINVALID, "run %d: only a succeeded run writes territories or results", id)
	}
	if f.Assignments != nil {
		if f.Results == nil {
			return nil, terrane.Errorf(terrane.EINVALID, "run %d: a run that redraws territories must say which scenario version it read (Results)", id)
		}
		if err := checkAssignments(f.Territories, f.Assignments); err != nil {
			return nil, err
		}
	}
	var out *terrane.Run
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.lockRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if finalRun(r.Status) {
			return terrane.Errorf(terrane.ECONFLICT, "run %d is already %s", id, r.Status)
		}
		if res := f.Results; res != nil {
			version := res.ScenarioVersion
			if f.Assignments != nil {
				// The person who started the run redrew the territories.
				v, err := s.replaceTerritories(ctx, tx, r.ScenarioID, res.ScenarioVersion, f.Territories, f.Assignments, runActor(&r), "assign", map[string]any{"run_id": id})
				if err != nil {
					return err
				}
				version = v // the results describe the territories just written
			}
			if err := s.writeResults(ctx, tx, r.ScenarioID, id, version, res); err != nil {
				return err
			}
		}
		now := s.stamp()
		r.Status, r.Error, r.FinishedAt, r.HeartbeatAt = f.Status, f.Error, now, now
		if f.Result != nil {
			r.Result = string(f.Result)
		}
		if f.Problem != nil {
			r.Problem = string(f.Problem)
		}
		if f.Status == terrane.RunSucceeded {
			r.Progress = 1
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE runs SET status = ?, progress = ?, result = ?, problem = ?, error = ?, finished_at = ?, heartbeat_at = ? WHERE id = ?`),
			r.Status, r.Progress, r.Result, r.Problem, r.Error, r.FinishedAt, r.HeartbeatAt, id)
		if err != nil {
			return err
		}
		out = r.run()
		return s.auditRunEnd(ctx, tx, &r)
	})
	return out, err
}

// writeResults replaces a scenario's stored results in tx.
func (s *Store) writeResults(ctx context.Context, tx *sqlx.Tx, scenarioID, runID, version int64, res *terrane.Results) error {
	for _, table := range []string{"territory_results", "scenario_results"} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE scenario_id = ?`), scenarioID); err != nil {
			return err
		}
	}
	summary := res.Summary
	if len(summary) == 0 {
		summary = json.RawMessage("{}")
	}
	at := s.stamp()
	if !res.ComputedAt.IsZero() {
		at = res.ComputedAt.UTC().Format(stampLayout)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO scenario_results (scenario_id, run_id, scenario_version, layer_version, computed_at, summary) VALUES (?, ?, ?, ?, ?, ?)`),
		scenarioID, runID, version, res.LayerVersion, at, string(summary)); err != nil {
		return err
	}
	ids := make([]string, 0, len(res.Territories))
	for t := range res.Territories {
		ids = append(ids, t)
	}
	sort.Strings(ids)
	return insertBatches(ctx, tx, "territory_results", []string{"scenario_id", "territory_id", "run_id", "result"}, len(ids), func(i int) []any {
		return []any{scenarioID, ids[i], runID, string(res.Territories[ids[i]])}
	})
}

// FindResults returns a scenario's stored results; ENOTFOUND when no run
// has stored any.
func (s *Store) FindResults(ctx context.Context, scenarioID int64) (*terrane.Results, error) {
	var head struct {
		RunID           int64  `db:"run_id"`
		ScenarioVersion int64  `db:"scenario_version"`
		LayerVersion    int64  `db:"layer_version"`
		ComputedAt      string `db:"computed_at"`
		Summary         string `db:"summary"`
	}
	err := mapErr(s.db.GetContext(ctx, &head, s.db.Rebind(`SELECT run_id, scenario_version, layer_version, computed_at, summary FROM scenario_results WHERE scenario_id = ?`), scenarioID))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "scenario %d has no stored results", scenarioID)
	} else if err != nil {
		return nil, fmt.Errorf("data: find results of scenario %d: %w", scenarioID, err)
	}
	var rows []struct {
		T      string `db:"territory_id"`
		Result string `db:"result"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT territory_id, result FROM territory_results WHERE scenario_id = ? AND run_id = ?`), scenarioID, head.RunID); err != nil {
		return nil, fmt.Errorf("data: find territory results of scenario %d: %w", scenarioID, err)
	}
	out := &terrane.Results{ScenarioID: scenarioID, RunID: head.RunID, ScenarioVersion: head.ScenarioVersion, LayerVersion: head.LayerVersion,
		ComputedAt: parseStamp(head.ComputedAt), Summary: json.RawMessage(head.Summary), Territories: make(map[string]json.RawMessage, len(rows))}
	for _, r := range rows {
		out.Territories[r.T] = json.RawMessage(r.Result)
	}
	return out, nil
}
