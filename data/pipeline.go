package data

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/terrane/terrane"
)

// dateLayout is how the dates of opportunities and history are stored.
const dateLayout = time.DateOnly

// Kinds of import recorded in the imports table.
const (
	importOpportunities = "opportunities"
	importHistory       = "history"
)

// recordImport inserts imp in tx, makes it the current import of its kind
// on its layer (marking the previous ones replaced, and deleting their rows
// from table, unless imp.Append) and sets imp.ID and imp.CreatedAt.
func (s *Store) recordImport(ctx context.Context, tx *sqlx.Tx, imp *terrane.Import, table string) error {
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), imp.Layer); err != nil {
		return err
	}
	if n == 0 {
		return terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", imp.Layer)
	}
	now := s.stamp()
	appended := 0
	if imp.Append {
		appended = 1
	}
	if err := tx.GetContext(ctx, &imp.ID, tx.Rebind(`INSERT INTO imports (layer_id, kind, row_count, actor, created_at, content_hash, appended)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), imp.Layer, imp.Kind, imp.Rows, imp.Actor, now, imp.Hash, appended); err != nil {
		return err
	}
	imp.CreatedAt = parseStamp(now)
	if imp.Append {
		return nil
	}
	// The rows of replaced imports are deleted unless an approved or
	// published plan pins them (see docs/architecture.md, "Frozen inputs").
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE import_id IN
		(SELECT id FROM imports WHERE layer_id = ? AND kind = ? AND replaced_by IS NULL AND id <> ?
		 AND id NOT IN (SELECT import_id FROM plan_imports))`), imp.Layer, imp.Kind, imp.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE imports SET replaced_by = ? WHERE layer_id = ? AND kind = ? AND replaced_by IS NULL AND id <> ?`),
		imp.ID, imp.Layer, imp.Kind, imp.ID)
	return err
}

// checkImport checks the fields of imp that the caller sets.
func checkImport(imp *terrane.Import, kind string) error {
	switch {
	case imp == nil:
		return terrane.Errorf(terrane.EINVALID, "%s: the import record is required", kind)
	case imp.Kind != kind:
		return terrane.Errorf(terrane.EINVALID, "%s: import kind is %q", kind, imp.Kind)
	case imp.Layer == "":
		return terrane.Errorf(terrane.EINVALID, "%s: import layer is required", kind)
	}
	return nil
}

var opportunityCols = []string{"import_id", "layer_id", "id", "account_id", "owner", "stage", "status", "amount", "created", "close_date", "product", "attributes"}

// ReplaceOpportunities records imp and writes opps in one transaction,
// replacing the layer's current opportunities unless imp.Append.
func (s *Store) ReplaceOpportunities(ctx context.Context, imp *terrane.Import, opps []*terrane.Opportunity) error {
	if err := checkImport(imp, importOpportunities); err != nil {
		return err
	}
	seen := make(map[string]bool, len(opps))
	for _, o := range opps {
		if err := o.Validate(); err != nil {
			return err
		}
		if o.Layer != imp.Layer {
			return terrane.Errorf(terrane.EINVALID, "opportunity %s: layer is %q, want %q", o.ID, o.Layer, imp.Layer)
		}
		if seen[o.ID] {
			return terrane.Errorf(terrane.ECONFLICT, "opportunity %s appears twice", o.ID)
		}
		seen[o.ID] = true
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.recordImport(ctx, tx, imp, "opportunities"); err != nil {
			return err
		}
		if err := s.auditLayer(ctx, tx, imp.Layer); err != nil {
			return err
		}
		if imp.Append {
			var ids []string
			if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT o.id FROM opportunities o JOIN imports i ON i.id = o.import_id
				WHERE o.layer_id = ? AND i.replaced_by IS NULL AND o.import_id <> ? ORDER BY o.id`), imp.Layer, imp.ID); err != nil {
				return err
			}
			for _, id := range ids {
				if seen[id] {
					return terrane.Errorf(terrane.ECONFLICT, "opportunity %s is already in layer %s; mode=append adds new opportunities only (replace them all without it)", id, imp.Layer)
				}
			}
		}
		for _, o := range opps {
			o.ImportID = imp.ID
		}
		return insertBatches(ctx, tx, "opportunities", opportunityCols, len(opps), func(i int) []any {
			o := opps[i]
			var closeDate *string
			if o.CloseDate != nil {
				d := o.CloseDate.Format(dateLayout)
				closeDate = &d
			}
			return []any{imp.ID, o.Layer, o.ID, o.AccountID, o.Owner, o.Stage, o.Status, o.Amount, o.Created.Format(dateLayout), closeDate, o.Product, accountAttributes(o.Attributes)}
		})
	})
	if err != nil && terrane.ErrorCode(err) == terrane.EINTERNAL {
		return fmt.Errorf("data: replace opportunities of %s: %w", imp.Layer, err)
	}
	return err
}

// FindOpportunities returns the layer's current opportunities ordered by id.
func (s *Store) FindOpportunities(ctx context.Context, layer string) ([]*terrane.Opportunity, error) {
	return s.findOpportunities(ctx, layer, 0)
}

// FindScenarioOpportunities returns the opportunities a scenario reads,
// ordered by id: those of its pinned imports while it is approved or
// published, its layer's current ones otherwise.
func (s *Store) FindScenarioOpportunities(ctx context.Context, scenarioID int64) ([]*terrane.Opportunity, error) {
	layer, frozen, err := s.inputSource(ctx, s.db, scenarioID)
	if err != nil {
		return nil, err
	}
	if !frozen {
		scenarioID = 0
	}
	return s.findOpportunities(ctx, layer, scenarioID)
}

// findOpportunities reads the current opportunities of layer, or with
// pinned > 0 those of the imports scenario pinned pins.
func (s *Store) findOpportunities(ctx context.Context, layer string, pinned int64) ([]*terrane.Opportunity, error) {
	cond, args := "i.replaced_by IS NULL", []any{layer}
	if pinned > 0 {
		cond, args = "i.id IN (SELECT import_id FROM plan_imports WHERE scenario_id = ?)", append(args, pinned)
	}
	var rows []struct {
		ImportID   int64    `db:"import_id"`
		Layer      string   `db:"layer_id"`
		ID         string   `db:"id"`
		AccountID  string   `db:"account_id"`
		Owner      string   `db:"owner"`
		Stage      string   `db:"stage"`
		Status     string   `db:"status"`
		Amount     *float64 `db:"amount"`
		Created    string   `db:"created"`
		CloseDate  *string  `db:"close_date"`
		Product    string   `db:"product"`
		Attributes string   `db:"attributes"`
	}
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT o.import_id, o.layer_id, o.id, o.account_id, o.owner, o.stage, o.status, o.amount,
		o.created, o.close_date, o.product, o.attributes FROM opportunities o JOIN imports i ON i.id = o.import_id
		WHERE o.layer_id = ? AND `+cond+` ORDER BY o.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("data: find opportunities of %s: %w", layer, err)
	}
	out := make([]*terrane.Opportunity, len(rows))
	for i, r := range rows {
		o := &terrane.Opportunity{ImportID: r.ImportID, Layer: r.Layer, ID: r.ID, AccountID: r.AccountID, Owner: r.Owner, Stage: r.Stage,
			Status: r.Status, Amount: r.Amount, Product: r.Product}
		if o.Created, err = time.Parse(dateLayout, r.Created); err != nil {
			return nil, fmt.Errorf("data: opportunity %s: created: %w", r.ID, err)
		}
		if r.CloseDate != nil {
			d, err := time.Parse(dateLayout, *r.CloseDate)
			if err != nil {
				return nil, fmt.Errorf("data: opportunity %s: close date: %w", r.ID, err)
			}
			o.CloseDate = &d
		}
		if r.Attributes != "" && r.Attributes != "{}" {
			if err := json.Unmarshal([]byte(r.Attributes), &o.Attributes); err != nil {
				return nil, fmt.Errorf("data: opportunity %s: attributes: %w", r.ID, err)
			}
		}
		out[i] = o
	}
	return out, nil
}

var historyCols = []string{"import_id", "layer_id", "period", "period_start", "period_end", "granularity", "scenario_id", "territory_id", "unit_id", "revenue", "resources"}

// historyKey is what identifies a history row among the current ones.
func historyKey(h *terrane.HistoryRow) string {
	if h.Territory != "" {
		return fmt.Sprintf("%s\x00t%d\x00%s", h.Period, h.Scenario, h.Territory)
	}
	return h.Period + "\x00u\x00" + h.UnitID
}

func historyWho(h *terrane.HistoryRow) string {
	if h.Territory != "" {
		return "territory " + h.Territory
	}
	return "unit " + h.UnitID
}

// ReplaceHistory records imp, writes rows and stores estimates in one
// transaction, replacing the layer's current history unless imp.Append.
func (s *Store) ReplaceHistory(ctx context.Context, imp *terrane.Import, rows []*terrane.HistoryRow, estimates []*terrane.MarketEstimate) error {
	if err := checkImport(imp, importHistory); err != nil {
		return err
	}
	seen := make(map[string]bool, len(rows))
	resources := make([]string, len(rows))
	for i, h := range rows {
		if err := h.Validate(); err != nil {
			return err
		}
		if h.Layer != imp.Layer {
			return terrane.Errorf(terrane.EINVALID, "history %s: layer is %q, want %q", h.Period, h.Layer, imp.Layer)
		}
		k := historyKey(h)
		if seen[k] {
			return terrane.Errorf(terrane.ECONFLICT, "history: period %s of %s appears twice", h.Period, historyWho(h))
		}
		seen[k] = true
		res := h.Resources
		if res == nil {
			res = map[string]float64{}
		}
		b, err := json.Marshal(res)
		if err != nil {
			return terrane.Errorf(terrane.EINVALID, "history %s: resources: %v", h.Period, err)
		}
		resources[i] = string(b)
	}
	for _, m := range estimates {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.recordImport(ctx, tx, imp, "history"); err != nil {
			return err
		}
		if err := s.auditLayer(ctx, tx, imp.Layer); err != nil {
			return err
		}
		if imp.Append {
			current, err := findHistory(ctx, tx, imp.Layer, imp.ID, 0)
			if err != nil {
				return err
			}
			for _, h := range current {
				if seen[historyKey(h)] {
					return terrane.Errorf(terrane.ECONFLICT, "history: period %s of %s is already in layer %s; mode=append adds new rows only (replace them all without it)", h.Period, historyWho(h), imp.Layer)
				}
			}
		}
		for _, h := range rows {
			h.ImportID = imp.ID
		}
		if err := insertBatches(ctx, tx, "history", historyCols, len(rows), func(i int) []any {
			h := rows[i]
			return []any{imp.ID, h.Layer, h.Period, h.Start.Format(dateLayout), h.End.Format(dateLayout), h.Granularity, h.Scenario, h.Territory, h.UnitID, h.Revenue, resources[i]}
		}); err != nil {
			return err
		}
		return upsertEstimates(ctx, tx, estimates)
	})
	if err != nil && terrane.ErrorCode(err) == terrane.EINTERNAL {
		return fmt.Errorf("data: replace history of %s: %w", imp.Layer, err)
	}
	return err
}

// FindHistory returns the layer's current history ordered by period start,
// territory and unit.
func (s *Store) FindHistory(ctx context.Context, layer string) ([]*terrane.HistoryRow, error) {
	out, err := findHistory(ctx, s.db, layer, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("data: find history of %s: %w", layer, err)
	}
	return out, nil
}

// FindScenarioHistory returns the history a scenario reads, ordered as
// FindHistory: the rows of its pinned imports while it is approved or
// published, its layer's current ones otherwise.
func (s *Store) FindScenarioHistory(ctx context.Context, scenarioID int64) ([]*terrane.HistoryRow, error) {
	layer, frozen, err := s.inputSource(ctx, s.db, scenarioID)
	if err != nil {
		return nil, err
	}
	if !frozen {
		scenarioID = 0
	}
	out, err := findHistory(ctx, s.db, layer, 0, scenarioID)
	if err != nil {
		return nil, fmt.Errorf("data: find history of scenario %d: %w", scenarioID, err)
	}
	return out, nil
}

// queryer is a database or a transaction.
type queryer interface {
	sqlx.QueryerContext
	Rebind(string) string
}

// findHistory reads the current history of layer, leaving out the rows of
// import except (0 = none); with pinned > 0, the rows of the imports
// scenario pinned pins instead of the current ones.
func findHistory(ctx context.Context, db queryer, layer string, except, pinned int64) ([]*terrane.HistoryRow, error) {
	cond, args := "i.replaced_by IS NULL", []any{layer, except}
	if pinned > 0 {
		cond, args = "i.id IN (SELECT import_id FROM plan_imports WHERE scenario_id = ?)", append(args, pinned)
	}
	var rows []struct {
		ImportID    int64   `db:"import_id"`
		Layer       string  `db:"layer_id"`
		Period      string  `db:"period"`
		Start       string  `db:"period_start"`
		End         string  `db:"period_end"`
		Granularity string  `db:"granularity"`
		Scenario    int64   `db:"scenario_id"`
		Territory   string  `db:"territory_id"`
		UnitID      string  `db:"unit_id"`
		Revenue     float64 `db:"revenue"`
		Resources   string  `db:"resources"`
	}
	err := sqlx.SelectContext(ctx, db, &rows, db.Rebind(`SELECT h.import_id, h.layer_id, h.period, h.period_start, h.period_end, h.granularity,
		h.scenario_id, h.territory_id, h.unit_id, h.revenue, h.resources FROM history h JOIN imports i ON i.id = h.import_id
		WHERE h.layer_id = ? AND h.import_id <> ? AND `+cond+` ORDER BY h.period_start, h.scenario_id, h.territory_id, h.unit_id, h.import_id`), args...)
	if err != nil {
		return nil, err
	}
	out := make([]*terrane.HistoryRow, len(rows))
	for i, r := range rows {
		h := &terrane.HistoryRow{ImportID: r.ImportID, Layer: r.Layer, Period: r.Period, Granularity: r.Granularity, Scenario: r.Scenario,
			Territory: r.Territory, UnitID: r.UnitID, Revenue: r.Revenue, Resources: map[string]float64{}}
		if h.Start, err = time.Parse(dateLayout, r.Start); err != nil {
			return nil, fmt.Errorf("history %s: start: %w", r.Period, err)
		}
		if h.End, err = time.Parse(dateLayout, r.End); err != nil {
			return nil, fmt.Errorf("history %s: end: %w", r.Period, err)
		}
		if err := json.Unmarshal([]byte(r.Resources), &h.Resources); err != nil {
			return nil, fmt.Errorf("history %s: resources: %w", r.Period, err)
		}
		out[i] = h
	}
	return out, nil
}

// FindImports returns the layer's recorded imports, newest first.
func (s *Store) FindImports(ctx context.Context, layer string) ([]*terrane.Import, error) {
	var rows []struct {
		ID         int64  `db:"id"`
		Layer      string `db:"layer_id"`
		Kind       string `db:"kind"`
		Rows       int    `db:"row_count"`
		Actor      string `db:"actor"`
		CreatedAt  string `db:"created_at"`
		Hash       string `db:"content_hash"`
		Appended   int    `db:"appended"`
		ReplacedBy *int64 `db:"replaced_by"`
	}
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, layer_id, kind, row_count, actor, created_at, content_hash, appended, replaced_by
		FROM imports WHERE layer_id = ? ORDER BY id DESC`), layer)
	if err != nil {
		return nil, fmt.Errorf("data: find imports of %s: %w", layer, err)
	}
	out := make([]*terrane.Import, len(rows))
	for i, r := range rows {
		out[i] = &terrane.Import{ID: r.ID, Layer: r.Layer, Kind: r.Kind, Rows: r.Rows, Actor: r.Actor, CreatedAt: parseStamp(r.CreatedAt),
			Hash: r.Hash, Append: r.Appended != 0}
		if r.ReplacedBy != nil {
			out[i].ReplacedBy = *r.ReplacedBy
		}
	}
	return out, nil
}
