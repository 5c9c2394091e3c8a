package data

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/terrane/terrane"
)

type scenarioRow struct {
	ID           int64   `db:"id"`
	Name         string  `db:"name"`
	LayerID      string  `db:"layer_id"`
	ParentID     int64   `db:"parent_id"`
	Status       string  `db:"status"`
	Budget       float64 `db:"budget"`
	Resources    string  `db:"resources"`
	Settings     string  `db:"settings"`
	CreatedBy    string  `db:"created_by"`
	CreatedAt    string  `db:"created_at"`
	UpdatedAt    string  `db:"updated_at"`
	Version      int64   `db:"version"`
	LayerVersion int64   `db:"layer_version"`
	ResultsRunID int64   `db:"results_run_id"`
}

const scenarioCols = `id, name, layer_id, parent_id, status, budget, resources, settings, created_by, created_at, updated_at, version,
	CASE WHEN frozen THEN frozen_layer_version ELSE (SELECT l.version FROM layers l WHERE l.id = scenarios.layer_id) END AS layer_version,
	COALESCE((SELECT r.run_id FROM scenario_results r WHERE r.scenario_id = scenarios.id), 0) AS results_run_id`

func (r *scenarioRow) scenario() (*terrane.Scenario, error) {
	s := &terrane.Scenario{ID: r.ID, Name: r.Name, Layer: r.LayerID, ParentID: r.ParentID, Baseline: r.ParentID == 0, Status: r.Status,
		Budget: r.Budget, Settings: json.RawMessage(r.Settings), CreatedBy: r.CreatedBy,
		CreatedAt: parseStamp(r.CreatedAt), UpdatedAt: parseStamp(r.UpdatedAt), Version: r.Version, LayerVersion: r.LayerVersion, ResultsRunID: r.ResultsRunID}
	if err := json.Unmarshal([]byte(r.Resources), &s.Resources); err != nil {
		return nil, fmt.Errorf("data: scenario %d: stored resources: %w", r.ID, err)
	}
	return s, nil
}

func (s *Store) audit(ctx context.Context, tx *sqlx.Tx, scenarioID int64, actor, action string, detail any) error {
	var d string
	switch v := detail.(type) {
	case string:
		d = v
	default:
		b, _ := json.Marshal(v)
		d = string(b)
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO audit (scenario_id, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)`),
		scenarioID, actor, action, d, s.stamp())
	return err
}

// CreateScenario stores a scenario, its territories and its alignment in one
// transaction and sets sc.ID, CreatedAt and UpdatedAt.
func (s *Store) CreateScenario(ctx context.Context, sc *terrane.Scenario, territories []*terrane.Territory, assignments map[string]string) error {
	if sc.Status == "" {
		sc.Status = terrane.StatusDraft
	}
	if len(sc.Settings) == 0 {
		sc.Settings = json.RawMessage("{}")
	}
	if err := sc.Validate(); err != nil {
		return err
	}
	if err := checkAssignments(territories, assignments); err != nil {
		return err
	}
	res, _ := json.Marshal(orEmpty(sc.Resources))
	now := s.stamp()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), sc.Layer); err != nil {
			return err
		} else if n == 0 {
			return terrane.Errorf(terrane.EINVALID, "scenario %q: layer %s does not exist", sc.Name, sc.Layer)
		}
		err := tx.GetContext(ctx, &sc.ID, tx.Rebind(`INSERT INTO scenarios (name, layer_id, parent_id, status, budget, resources, settings, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			sc.Name, sc.Layer, sc.ParentID, sc.Status, sc.Budget, string(res), string(sc.Settings), sc.CreatedBy, now, now)
		if terrane.ErrorCode(mapErr(err)) == terrane.ECONFLICT {
			return terrane.Errorf(terrane.ECONFLICT, "a scenario named %q already exists", sc.Name)
		} else if err != nil {
			return err
		}
		sc.CreatedAt, sc.UpdatedAt, sc.Version, sc.Baseline = parseStamp(now), parseStamp(now), 1, sc.ParentID == 0
		if err := tx.GetContext(ctx, &sc.LayerVersion, tx.Rebind(`SELECT version FROM layers WHERE id = ?`), sc.Layer); err != nil {
			return err
		}
		if err := s.writeTerritories(ctx, tx, sc.ID, territories, assignments); err != nil {
			return err
		}
		if err := s.setStatusInputs(ctx, tx, sc.ID, sc.Layer, terrane.StatusDraft, sc.Status); err != nil {
			return err
		}
		return s.audit(ctx, tx, sc.ID, sc.CreatedBy, "create", map[string]any{"name": sc.Name, "parent_id": sc.ParentID, "territories": len(territories), "units": len(assignments)})
	})
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// checkAssignments verifies territories are valid and unique, and that every
// assignment names one of them.
func checkAssignments(territories []*terrane.Territory, assignments map[string]string) error {
	ids := make(map[string]bool, len(territories))
	for _, t := range territories {
		if err := t.Validate(); err != nil {
			return err
		}
		if ids[t.ID] {
			return terrane.Errorf(terrane.EINVALID, "territory %s appears twice", t.ID)
		}
		ids[t.ID] = true
	}
	for u, t := range assignments {
		if !ids[t] {
			return terrane.Errorf(terrane.EINVALID, "unit %s is assigned to territory %s, which does not exist", u, t)
		}
	}
	return nil
}

// currentJSON encodes a territory's current amounts and the names of those
// assumed as stored.
func currentJSON(t *terrane.Territory) (current, assumed string) {
	cur := []byte("{}")
	if t.Current != nil {
		cur, _ = json.Marshal(t.Current)
	}
	as, _ := json.Marshal(orEmpty(t.Assumed))
	return string(cur), string(as)
}

func (s *Store) writeTerritories(ctx context.Context, tx *sqlx.Tx, scenarioID int64, territories []*terrane.Territory, assignments map[string]string) error {
	err := insertBatches(ctx, tx, "territories", []string{"scenario_id", "id", "name", "parent", "owners", "current", "assumed", "locked"}, len(territories), func(i int) []any {
		t := territories[i]
		owners, _ := json.Marshal(orEmpty(t.Owners))
		cur, assumed := currentJSON(t)
		return []any{scenarioID, t.ID, t.Name, t.Parent, string(owners), cur, assumed, t.Locked}
	})
	if err != nil {
		return err
	}
	units := make([]string, 0, len(assignments))
	for u := range assignments {
		units = append(units, u)
	}
	sort.Strings(units)
	return insertBatches(ctx, tx, "assignments", []string{"scenario_id", "unit_id", "territory_id"}, len(units), func(i int) []any {
		return []any{scenarioID, units[i], assignments[units[i]]}
	})
}

// FindScenarioByID returns one scenario.
func (s *Store) FindScenarioByID(ctx context.Context, id int64) (*terrane.Scenario, error) {
	return findScenario(ctx, s.db, id)
}

func findScenario(ctx context.Context, q sqlx.QueryerContext, id int64) (*terrane.Scenario, error) {
	var r scenarioRow
	err := mapErr(sqlx.GetContext(ctx, q, &r, q.(interface{ Rebind(string) string }).Rebind(`SELECT `+scenarioCols+` FROM scenarios WHERE id = ?`), id))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "scenario %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("data: find scenario %d: %w", id, err)
	}
	return r.scenario()
}

// FindScenarios returns scenarios ordered by id.
func (s *Store) FindScenarios(ctx context.Context, f terrane.ScenarioFilter) ([]*terrane.Scenario, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "offset and limit must be ≥ 0")
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.Layer != "" {
		where, args = append(where, "layer_id = ?"), append(args, f.Layer)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	q := `SELECT ` + scenarioCols + ` FROM scenarios WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	var rows []scenarioRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("data: find scenarios: %w", err)
	}
	out := make([]*terrane.Scenario, 0, len(rows))
	for i := range rows {
		sc, err := rows[i].scenario()
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// UpdateScenario changes the given fields. A published scenario is read-only
// (ECONFLICT); publishing one moves the previously published scenario back to
// approved, so one plan is published at a time.
func (s *Store) UpdateScenario(ctx context.Context, id int64, upd terrane.ScenarioUpdate, actor string) (*terrane.Scenario, error) {
	var out *terrane.Scenario
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// Lock the scenario so two concurrent updates cannot lose one another.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`SELECT id FROM scenarios WHERE id = ?`+s.forUpdate()), id); err != nil {
			return err
		}
		sc, err := findScenario(ctx, tx, id)
		if err != nil {
			return err
		}
		if upd.IfVersion != nil && *upd.IfVersion != sc.Version {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is at version %d, the change was made on version %d; nothing was changed — read it again", id, sc.Version, *upd.IfVersion)
		}
		old := *sc
		changingStatus := upd.Status != nil && *upd.Status != sc.Status
		if sc.Status == terrane.StatusPublished && !(changingStatus && upd.Name == nil && upd.Budget == nil && upd.Resources == nil && upd.Settings == nil) {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and read-only", id)
		}
		if upd.Name != nil {
			sc.Name = *upd.Name
		}
		if upd.Status != nil {
			sc.Status = *upd.Status
		}
		if upd.Budget != nil {
			sc.Budget = *upd.Budget
		}
		if upd.Resources != nil {
			sc.Resources = upd.Resources
		}
		if upd.Settings != nil {
			sc.Settings = upd.Settings
		}
		if err := sc.Validate(); err != nil {
			return err
		}
		if changingStatus {
			if err := s.setStatusInputs(ctx, tx, id, sc.Layer, old.Status, sc.Status); err != nil {
				return err
			}
		}
		if changingStatus && sc.Status == terrane.StatusPublished {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET status = ? WHERE status = ? AND id <> ?`), terrane.StatusApproved, terrane.StatusPublished, id); err != nil {
				return err
			}
		}
		res, _ := json.Marshal(orEmpty(sc.Resources))
		now := s.stamp()
		if upd.Budget != nil || upd.Resources != nil || upd.Settings != nil {
			sc.Version++ // the inputs changed: results computed before are stale
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET name = ?, status = ?, budget = ?, resources = ?, settings = ?, updated_at = ?, version = ? WHERE id = ?`),
			sc.Name, sc.Status, sc.Budget, string(res), string(sc.Settings), now, sc.Version, id)
		if terrane.ErrorCode(mapErr(err)) == terrane.ECONFLICT {
			return terrane.Errorf(terrane.ECONFLICT, "a scenario named %q already exists", sc.Name)
		} else if err != nil {
			return err
		}
		sc.UpdatedAt = parseStamp(now)
		action := "update"
		if changingStatus {
			action = sc.Status
		}
		// Each change as old → new: the name, status and budget, each
		// resource changed, each top-level setting changed.
		detail := map[string]any{}
		if upd.Name != nil && *upd.Name != old.Name {
			detail["name"] = change{old.Name, *upd.Name}
		}
		if upd.Status != nil && *upd.Status != old.Status {
			detail["status"] = change{old.Status, *upd.Status}
		}
		if upd.Budget != nil && *upd.Budget != old.Budget {
			detail["budget"] = change{old.Budget, *upd.Budget}
		}
		if upd.Resources != nil {
			if d := resourceChanges(old.Resources, upd.Resources); len(d) > 0 {
				detail["resources"] = d
			}
		}
		if upd.Settings != nil {
			if d := settingsChanges(old.Settings, upd.Settings); len(d) > 0 {
				detail["settings"] = d
			}
		}
		out = sc
		return s.audit(ctx, tx, id, actor, action, detail)
	})
	return out, err
}

// DeleteScenario removes a scenario with its territories, assignments and runs.
// A published scenario cannot be deleted.
func (s *Store) DeleteScenario(ctx context.Context, id int64, actor string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		sc, err := findScenario(ctx, tx, id)
		if err != nil {
			return err
		}
		if sc.Status == terrane.StatusPublished {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and cannot be deleted", id)
		}
		for _, table := range []string{"runs", "territory_results", "scenario_results", "assignments", "territories"} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE scenario_id = ?`), id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM scenarios WHERE id = ?`), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, id, actor, "delete", map[string]any{"name": sc.Name})
	})
}

type territoryRow struct {
	ScenarioID int64  `db:"scenario_id"`
	ID         string `db:"id"`
	Name       string `db:"name"`
	Parent     string `db:"parent"`
	Owners     string `db:"owners"`
	Current    string `db:"current"`
	Assumed    string `db:"assumed"`
	Locked     bool   `db:"locked"`
}

// FindTerritories returns a scenario's territories ordered by id; ENOTFOUND
// if the scenario does not exist.
func (s *Store) FindTerritories(ctx context.Context, scenarioID int64) ([]*terrane.Territory, error) {
	if _, err := s.FindScenarioByID(ctx, scenarioID); err != nil {
		return nil, err
	}
	return loadTerritories(ctx, s.db, s.db.Rebind, scenarioID)
}

// loadTerritories reads a scenario's territories ordered by id with q.
func loadTerritories(ctx context.Context, q sqlx.QueryerContext, rebind func(string) string, scenarioID int64) ([]*terrane.Territory, error) {
	var rows []territoryRow
	if err := sqlx.SelectContext(ctx, q, &rows, rebind(`SELECT scenario_id, id, name, parent, owners, current, assumed, locked FROM territories WHERE scenario_id = ? ORDER BY id`), scenarioID); err != nil {
		return nil, fmt.Errorf("data: find territories of scenario %d: %w", scenarioID, err)
	}
	out := make([]*terrane.Territory, len(rows))
	for i, r := range rows {
		t := &terrane.Territory{ScenarioID: r.ScenarioID, ID: r.ID, Name: r.Name, Parent: r.Parent, Locked: r.Locked}
		if err := json.Unmarshal([]byte(r.Owners), &t.Owners); err != nil {
			return nil, fmt.Errorf("data: territory %s: owners: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(r.Current), &t.Current); err != nil {
			return nil, fmt.Errorf("data: territory %s: current: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(r.Assumed), &t.Assumed); err != nil {
			return nil, fmt.Errorf("data: territory %s: assumed: %w", r.ID, err)
		}
		t.Assumed = orEmpty(t.Assumed)
		slices.Sort(t.Assumed) // by byte, whatever the database's collation sorted by
		out[i] = t
	}
	return out, nil
}

// maxListedCurrent caps the territories a "current" audit entry lists.
const maxListedCurrent = 50

// amountChange is one current amount changed, as a "current" audit entry
// lists it; Old is nil when the territory had none.
type amountChange struct {
	Old        *float64 `json:"old"`
	New        float64  `json:"new"`
	WasAssumed bool     `json:"was_assumed,omitempty"` // the old amount was derived, not supplied
}

// SetCurrent sets supplied current amounts of a scenario's territories in
// one transaction; each one given is no longer assumed.
func (s *Store) SetCurrent(ctx context.Context, scenarioID, version int64, current map[string]map[string]float64, actor string) (*terrane.Scenario, error) {
	n := 0
	for _, m := range current {
		n += len(m)
	}
	if n == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "no current amounts given")
	}
	var out *terrane.Scenario
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		sc, err := s.lockDraft(ctx, tx, scenarioID, "current resources")
		if err != nil {
			return err
		}
		if version >= 0 && sc.Version != version {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is at version %d, the change was made on version %d; nothing was changed — read it again", scenarioID, sc.Version, version)
		}
		terrs, err := loadTerritories(ctx, tx, tx.Rebind, scenarioID)
		if err != nil {
			return err
		}
		byID := make(map[string]*terrane.Territory, len(terrs))
		for _, t := range terrs {
			byID[t.ID] = t
		}
		ids := make([]string, 0, len(current))
		for id := range current {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		changes := map[string]map[string]amountChange{}
		for _, id := range ids {
			t := byID[id]
			if t == nil {
				return terrane.Errorf(terrane.ENOTFOUND, "territory %s not found in scenario %d", id, scenarioID)
			}
			names := make([]string, 0, len(current[id]))
			for r := range current[id] {
				names = append(names, r)
			}
			sort.Strings(names)
			if t.Current == nil {
				t.Current = map[string]float64{}
			}
			ch := map[string]amountChange{}
			for _, r := range names {
				v := current[id][r]
				if msg := sc.CheckCurrent(r, v); msg != "" {
					return terrane.Errorf(terrane.EINVALID, "territory %s: current.%s: %s", id, r, msg)
				}
				c := amountChange{New: v, WasAssumed: slices.Contains(t.Assumed, r)}
				if old, ok := t.Current[r]; ok {
					c.Old = &old
				}
				ch[r] = c
				t.Current[r] = v
				t.Assumed = slices.DeleteFunc(t.Assumed, func(a string) bool { return a == r })
			}
			if err := t.Validate(); err != nil {
				return err
			}
			cur, assumed := currentJSON(t)
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE territories SET current = ?, assumed = ? WHERE scenario_id = ? AND id = ?`), cur, assumed, scenarioID, id); err != nil {
				return err
			}
			if len(changes) < maxListedCurrent {
				changes[id] = ch
			}
		}
		now := s.stamp()
		sc.Version++ // the inputs changed: results computed before are stale
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET updated_at = ?, version = ? WHERE id = ?`), now, sc.Version, scenarioID); err != nil {
			return err
		}
		sc.UpdatedAt = parseStamp(now)
		detail := map[string]any{"territories": len(ids), "amounts": n, "changes": changes}
		if k := len(ids) - len(changes); k > 0 {
			detail["territories_not_listed"] = k
		}
		out = sc
		return s.audit(ctx, tx, scenarioID, actor, "current", detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReplaceTerritories replaces a scenario's territories and alignment in one
// transaction. A published scenario is read-only.
func (s *Store) ReplaceTerritories(ctx context.Context, scenarioID int64, territories []*terrane.Territory, assignments map[string]string, actor string) error {
	if err := checkAssignments(territories, assignments); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.replaceTerritories(ctx, tx, scenarioID, -1, territories, assignments, actor, "assign", nil)
		return err
	})
}

// replaceTerritories writes a scenario's territories and alignment in tx,
// audited as action, and returns the scenario's new version. With wantVersion ≥ 0 the
// scenario must still be at that version (ECONFLICT otherwise).
// The audit entry lists the units moved (id, name, from, to; the first
// maxListedMoves and a count) with the members of extra (e.g. the run).
func (s *Store) replaceTerritories(ctx context.Context, tx *sqlx.Tx, scenarioID, wantVersion int64, territories []*terrane.Territory, assignments map[string]string, actor, action string, extra map[string]any) (int64, error) {
	// Lock the scenario: two writers of one scenario's territories queue.
	if _, err := tx.ExecContext(ctx, tx.Rebind(`SELECT id FROM scenarios WHERE id = ?`+s.forUpdate()), scenarioID); err != nil {
		return 0, err
	}
	sc, err := findScenario(ctx, tx, scenarioID)
	if err != nil {
		return 0, err
	}
	if sc.Status == terrane.StatusPublished {
		return 0, terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and read-only", scenarioID)
	}
	if wantVersion >= 0 && sc.Version != wantVersion {
		return 0, terrane.Errorf(terrane.ECONFLICT, "scenario %d changed while the run was solving (version %d, the run read %d); its territories were not redrawn — run it again", scenarioID, sc.Version, wantVersion)
	}
	before := map[string]string{}
	var rows []struct {
		U string `db:"unit_id"`
		T string `db:"territory_id"`
	}
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT unit_id, territory_id FROM assignments WHERE scenario_id = ?`), scenarioID); err != nil {
		return 0, err
	}
	for _, r := range rows {
		before[r.U] = r.T
	}
	var movedIDs []string
	for u, t := range assignments {
		if before[u] != t {
			movedIDs = append(movedIDs, u)
		}
	}
	sort.Strings(movedIDs)
	moves, err := s.listMoves(ctx, tx, sc.Layer, movedIDs, before, assignments)
	if err != nil {
		return 0, err
	}
	for _, table := range []string{"assignments", "territories"} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE scenario_id = ?`), scenarioID); err != nil {
			return 0, err
		}
	}
	if err := s.writeTerritories(ctx, tx, scenarioID, territories, assignments); err != nil {
		return 0, err
	}
	status := sc.Status
	if status == terrane.StatusApproved {
		// A changed plan needs approving again.
		status = terrane.StatusDraft
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET status = ?, updated_at = ?, version = ? WHERE id = ?`), status, s.stamp(), sc.Version+1, scenarioID); err != nil {
		return 0, err
	}
	if status != sc.Status {
		if err := s.setStatusInputs(ctx, tx, scenarioID, sc.Layer, sc.Status, status); err != nil {
			return 0, err
		}
		if err := s.audit(ctx, tx, scenarioID, actor, status, map[string]any{"status": change{sc.Status, status}, "reason": "territories changed"}); err != nil {
			return 0, err
		}
	}
	detail := map[string]any{"territories": len(territories), "units": len(assignments), "units_moved": len(movedIDs), "moves": moves}
	if n := len(movedIDs) - len(moves); n > 0 {
		detail["moves_not_listed"] = n
	}
	for k, v := range extra {
		detail[k] = v
	}
	return sc.Version + 1, s.audit(ctx, tx, scenarioID, actor, action, detail)
}

// ResolveConflicts replaces a draft scenario's territories and alignment
// in one transaction as a conflict resolution, audited as
// "resolve_conflicts" with detail and the units moved.
func (s *Store) ResolveConflicts(ctx context.Context, scenarioID, version int64, territories []*terrane.Territory, assignments map[string]string, detail map[string]any, actor string) (*terrane.Scenario, error) {
	if err := checkAssignments(territories, assignments); err != nil {
		return nil, err
	}
	var out *terrane.Scenario
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		sc, err := s.lockDraft(ctx, tx, scenarioID, "its territories' owners and units")
		if err != nil {
			return err
		}
		if sc.Version != version {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d changed (version %d) since its conflicts were read at version %d; nothing was resolved — resolve them again", scenarioID, sc.Version, version)
		}
		if _, err := s.replaceTerritories(ctx, tx, scenarioID, version, territories, assignments, actor, "resolve_conflicts", detail); err != nil {
			return err
		}
		out, err = findScenario(ctx, tx, scenarioID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("data: resolve conflicts of scenario %d: %w", scenarioID, err)
	}
	return out, nil
}

// maxListedMoves caps the units an audit entry lists by name.
const maxListedMoves = 50

// move is one unit moved, as an audit entry lists it.
type move struct {
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
	From     string `json:"from"` // territory id; empty when it had none
	To       string `json:"to"`   // territory id
}

// listMoves describes the first maxListedMoves of the moved units (sorted
// ids) with their names.
func (s *Store) listMoves(ctx context.Context, tx *sqlx.Tx, layer string, ids []string, before, after map[string]string) ([]move, error) {
	if len(ids) > maxListedMoves {
		ids = ids[:maxListedMoves]
	}
	out := make([]move, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT id, name FROM units WHERE layer_id = ? AND id IN (?)`, layer, ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rows))
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	for _, u := range ids {
		out = append(out, move{UnitID: u, UnitName: names[u], From: before[u], To: after[u]})
	}
	return out, nil
}

// FindAssignments returns a scenario's unit id → territory id.
func (s *Store) FindAssignments(ctx context.Context, scenarioID int64) (map[string]string, error) {
	if _, err := s.FindScenarioByID(ctx, scenarioID); err != nil {
		return nil, err
	}
	var rows []struct {
		U string `db:"unit_id"`
		T string `db:"territory_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT unit_id, territory_id FROM assignments WHERE scenario_id = ?`), scenarioID); err != nil {
		return nil, fmt.Errorf("data: find assignments of scenario %d: %w", scenarioID, err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.U] = r.T
	}
	return out, nil
}

// FindAudit returns a scenario's audit trail, oldest first.
func (s *Store) FindAudit(ctx context.Context, scenarioID int64) ([]*terrane.AuditEntry, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		ScenarioID int64  `db:"scenario_id"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Detail     string `db:"detail"`
		At         string `db:"at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, scenario_id, actor, action, detail, at FROM audit WHERE scenario_id = ? ORDER BY id`), scenarioID); err != nil {
		return nil, fmt.Errorf("data: find audit of scenario %d: %w", scenarioID, err)
	}
	out := make([]*terrane.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = &terrane.AuditEntry{ID: r.ID, ScenarioID: r.ScenarioID, Actor: r.Actor, Action: r.Action, Detail: r.Detail, At: parseStamp(r.At)}
	}
	return out, nil
}

// change is one value's old and new state in an audit entry; a nil side
// means absent.
type change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// resourceChanges are the resources added, removed or changed, by name.
func resourceChanges(before, after []terrane.Resource) map[string]change {
	out := map[string]change{}
	was := map[string]terrane.Resource{}
	for _, r := range before {
		was[r.Name] = r
	}
	for _, r := range after {
		if o, ok := was[r.Name]; !ok {
			out[r.Name] = change{nil, r}
		} else if a, b := mustJSON(o), mustJSON(r); a != b {
			out[r.Name] = change{o, r}
		}
		delete(was, r.Name)
	}
	for name, r := range was {
		out[name] = change{r, nil}
	}
	return out
}

// settingsChanges are the top-level settings whose JSON differs, old → new
// (a setting absent on one side is null there).
func settingsChanges(before, after json.RawMessage) map[string]change {
	var a, b map[string]json.RawMessage
	json.Unmarshal(before, &a)
	json.Unmarshal(after, &b)
	out := map[string]change{}
	for k, v := range b {
		if o, ok := a[k]; !ok || !sameJSON(o, v) {
			var ov any
			if ok {
				ov = o
			}
			out[k] = change{ov, v}
		}
	}
	for k, o := range a {
		if _, ok := b[k]; !ok {
			out[k] = change{o, nil}
		}
	}
	return out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON compares two JSON texts by value (key order and spacing aside).
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return mustJSON(x) == mustJSON(y)
}

// MoveUnits reassigns units of a scenario (unit id → territory id) as row
// updates in one transaction, audited as "assign" by actor with the units
// moved. With version ≥ 0 the scenario must still be at that version. A
// move of an approved scenario returns it to draft (audited as "draft"): a
// changed plan needs approving again. It returns the scenario as stored and
// the units whose territory changed, each with the territory it left;
// moving nothing changes nothing.
func (s *Store) MoveUnits(ctx context.Context, scenarioID, version int64, moves map[string]string, actor string) (*terrane.Scenario, map[string]string, error) {
	if len(moves) == 0 {
		return nil, nil, terrane.Errorf(terrane.EINVALID, "moves must map at least one unit id to a territory id")
	}
	var out *terrane.Scenario
	var from map[string]string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`SELECT id FROM scenarios WHERE id = ?`+s.forUpdate()), scenarioID); err != nil {
			return err
		}
		sc, err := findScenario(ctx, tx, scenarioID)
		if err != nil {
			return err
		}
		if err := sc.ReadOnlyError("its assignments"); err != nil {
			return err
		}
		if sc.Status == terrane.StatusPublished {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and read-only; branch it to change it", scenarioID)
		}
		if version >= 0 && sc.Version != version {
			return terrane.Errorf(terrane.ECONFLICT, "scenario %d is at version %d, the moves were made on version %d; nothing was moved — read it again", scenarioID, sc.Version, version)
		}
		var terrIDs []string
		if err := tx.SelectContext(ctx, &terrIDs, tx.Rebind(`SELECT id FROM territories WHERE scenario_id = ?`), scenarioID); err != nil {
			return err
		}
		known := make(map[string]bool, len(terrIDs))
		for _, t := range terrIDs {
			known[t] = true
		}
		units := make([]string, 0, len(moves))
		for u := range moves {
			units = append(units, u)
		}
		sort.Strings(units)
		cond, ids := s.inStrings("id", units)
		q, args := `SELECT id FROM units WHERE layer_id = ? AND `+cond, append([]any{sc.Layer}, ids...)
		var inLayer []string
		if err := tx.SelectContext(ctx, &inLayer, tx.Rebind(q), args...); err != nil {
			return err
		}
		exists := make(map[string]bool, len(inLayer))
		for _, u := range inLayer {
			exists[u] = true
		}
		for _, u := range units {
			if !exists[u] {
				return terrane.Errorf(terrane.EINVALID, "moves: unit %s is not in scenario %d's layer", u, scenarioID)
			}
			if !known[moves[u]] {
				return terrane.Errorf(terrane.EINVALID, "moves: unit %s: territory %s does not exist", u, moves[u])
			}
		}
		cond, _ = s.inStrings("unit_id", units)
		q, args = `SELECT unit_id, territory_id FROM assignments WHERE scenario_id = ? AND `+cond, append([]any{scenarioID}, ids...)
		var rows []struct {
			U string `db:"unit_id"`
			T string `db:"territory_id"`
		}
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
			return err
		}
		before := make(map[string]string, len(rows))
		has := make(map[string]bool, len(rows))
		for _, r := range rows {
			before[r.U], has[r.U] = r.T, true
		}
		var movedIDs []string
		for _, u := range units {
			if before[u] == moves[u] && has[u] {
				continue
			}
			movedIDs = append(movedIDs, u)
			if has[u] {
				_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE assignments SET territory_id = ? WHERE scenario_id = ? AND unit_id = ?`), moves[u], scenarioID, u)
			} else {
				_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO assignments (scenario_id, unit_id, territory_id) VALUES (?, ?, ?)`), scenarioID, u, moves[u])
			}
			if err != nil {
				return err
			}
		}
		moved := len(movedIDs)
		from = make(map[string]string, moved)
		for _, u := range movedIDs {
			from[u] = before[u]
		}
		if moved == 0 {
			out = sc
			return nil
		}
		list, err := s.listMoves(ctx, tx, sc.Layer, movedIDs, before, moves)
		if err != nil {
			return err
		}
		now := s.stamp()
		status := sc.Status
		if status == terrane.StatusApproved {
			status = terrane.StatusDraft
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET status = ?, updated_at = ?, version = ? WHERE id = ?`), status, now, sc.Version+1, scenarioID); err != nil {
			return err
		}
		if status != sc.Status {
			if err := s.setStatusInputs(ctx, tx, scenarioID, sc.Layer, sc.Status, status); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, scenarioID, actor, status, map[string]any{"status": change{sc.Status, status}, "reason": "assignments changed"}); err != nil {
				return err
			}
		}
		detail := map[string]any{"units_moved": moved, "moves": list}
		if n := moved - len(list); n > 0 {
			detail["moves_not_listed"] = n
		}
		if err := s.audit(ctx, tx, scenarioID, actor, "assign", detail); err != nil {
			return err
		}
		out, err = findScenario(ctx, tx, scenarioID)
		return err
	})
	return out, from, err
}

// lockDraft locks the scenario's row for the transaction and returns it;
// the error of DraftOnlyError(what) when it is not a draft (changes to
// what are for drafts only).
func (s *Store) lockDraft(ctx context.Context, tx *sqlx.Tx, scenarioID int64, what string) (*terrane.Scenario, error) {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`SELECT id FROM scenarios WHERE id = ?`+s.forUpdate()), scenarioID); err != nil {
		return nil, err
	}
	sc, err := findScenario(ctx, tx, scenarioID)
	if err != nil {
		return nil, err
	}
	return sc, sc.DraftOnlyError(what)
}
