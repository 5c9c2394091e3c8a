package data

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/terrane/terrane"
)

// freeze copies the market estimates and accounts of a scenario's layer
// into the scenario's frozen tables in tx (replacing any copy), so that
// while it is approved or published it reads them as they were.
func (s *Store) freeze(ctx context.Context, tx *sqlx.Tx, scenarioID int64, layer string) error {
	if err := s.unfreeze(ctx, tx, scenarioID); err != nil {
		return err
	}
	mc := strings.Join(marketCols, ", ")
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO frozen_market_estimates (scenario_id, `+mc+`) SELECT ?, `+mc+` FROM market_estimates WHERE layer_id = ?`), scenarioID, layer); err != nil {
		return fmt.Errorf("data: freeze the market estimates of scenario %d: %w", scenarioID, err)
	}
	ac := strings.Join(accountCols, ", ")
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO frozen_accounts (scenario_id, `+ac+`) SELECT ?, `+ac+` FROM accounts WHERE layer_id = ?`), scenarioID, layer); err != nil {
		return fmt.Errorf("data: freeze the accounts of scenario %d: %w", scenarioID, err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO plan_imports (scenario_id, import_id) SELECT ?, id FROM imports WHERE layer_id = ? AND replaced_by IS NULL`), scenarioID, layer); err != nil {
		return fmt.Errorf("data: pin the imports of scenario %d: %w", scenarioID, err)
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET frozen = TRUE,
		frozen_layer_version = (SELECT l.version FROM layers l WHERE l.id = scenarios.layer_id) WHERE id = ?`), scenarioID)
	return err
}

// dropUnpinned deletes the opportunities and history rows of replaced
// imports that no scenario pins any more.
func dropUnpinned(ctx context.Context, tx *sqlx.Tx) error {
	for _, table := range []string{"opportunities", "history"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE import_id IN
			(SELECT id FROM imports WHERE replaced_by IS NOT NULL AND id NOT IN (SELECT import_id FROM plan_imports))`); err != nil {
			return err
		}
	}
	return nil
}

// unfreeze drops a scenario's frozen copy in tx: a draft reads its layer's
// inputs as they are.
func (s *Store) unfreeze(ctx context.Context, tx *sqlx.Tx, scenarioID int64) error {
	for _, table := range []string{"frozen_market_estimates", "frozen_accounts", "plan_imports"} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE scenario_id = ?`), scenarioID); err != nil {
			return err
		}
	}
	if err := dropUnpinned(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE scenarios SET frozen = FALSE WHERE id = ?`), scenarioID)
	return err
}

// setStatusInputs keeps the frozen copy in step with a status change in tx:
// approving (from draft) freezes, returning to draft unfreezes; publishing
// an approved plan, or demoting a published one to approved, keeps the
// copy it was approved on.
func (s *Store) setStatusInputs(ctx context.Context, tx *sqlx.Tx, scenarioID int64, layer, from, to string) error {
	switch {
	case to == "draft" && from != "draft":
		return s.unfreeze(ctx, tx, scenarioID)
	case to != "draft" && from == "draft":
		return s.freeze(ctx, tx, scenarioID, layer)
	}
	return nil
}

// inputSource is where a scenario reads its market estimates and accounts:
// its layer, and whether from its frozen copy.
func (s *Store) inputSource(ctx context.Context, q sqlx.QueryerContext, scenarioID int64) (layer string, frozen bool, err error) {
	var row struct {
		Layer  string `db:"layer_id"`
		Frozen bool   `db:"frozen"`
	}
	if err := sqlx.GetContext(ctx, q, &row, s.db.Rebind(`SELECT layer_id, frozen FROM scenarios WHERE id = ?`), scenarioID); err != nil {
		return "", false, mapErr(err)
	}
	return row.Layer, row.Frozen, nil
}

// auditLayer writes, in tx, the LayerAudit that ctx carries (if any) on
// every draft scenario on layer: the plans the change reaches.
func (s *Store) auditLayer(ctx context.Context, tx *sqlx.Tx, layer string) error {
	a := terrane.LayerAuditFrom(ctx)
	if a == nil {
		return nil
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM scenarios WHERE layer_id = ? AND status = ? ORDER BY id`), layer, terrane.StatusDraft); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.audit(ctx, tx, id, a.Actor, a.Action, a.Detail); err != nil {
			return err
		}
	}
	return nil
}

// refuseFrozenGeography is ECONFLICT when plans approved or published on
// layer read its units and adjacency: those are not copied at approval (they
// are the layer itself), so they may not change under such a plan.
func refuseFrozenGeography(ctx context.Context, tx *sqlx.Tx, layer string) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM scenarios WHERE layer_id = ? AND status IN (?, ?) ORDER BY id`), layer, terrane.StatusApproved, terrane.StatusPublished); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = strconv.FormatInt(id, 10)
	}
	return terrane.Errorf(terrane.ECONFLICT, "layer %s: its units and adjacency are the geography of approved or published scenario(s) %s, which may not change; import the new geography as another layer", layer, strings.Join(names, ", "))
}
