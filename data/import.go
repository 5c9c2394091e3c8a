package data

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/paulmach/orb/geojson"

	"github.com/terrane/terrane"
)

var _ terrane.ImportService = (*Store)(nil)

// ReplaceLayer creates the layer (or updates its name and description) and
// replaces all its units and its adjacency in one transaction. Every unit and
// edge is checked before anything is written: units must be valid and
// unique, and edges must join two distinct units of the layer. On error
// nothing changes.
func (s *Store) ReplaceLayer(ctx context.Context, layer *terrane.Layer, units []*terrane.Unit, edges [][2]string) error {
	if err := layer.Validate(); err != nil {
		return err
	}
	rows := make([]unitRow, len(units))
	seen := make(map[string]bool, len(units))
	for i, u := range units {
		if err := u.Validate(); err != nil {
			return err
		}
		if seen[u.ID] {
			return terrane.Errorf(terrane.EINVALID, "unit %s appears twice in layer %s", u.ID, layer.ID)
		}
		seen[u.ID] = true
		g, err := geojson.NewGeometry(u.Geometry).MarshalJSON()
		if err != nil {
			return terrane.Errorf(terrane.EINVALID, "unit %s: geometry: %v", u.ID, err)
		}
		attrs := []byte("{}")
		if u.Attributes != nil {
			if attrs, err = json.Marshal(u.Attributes); err != nil {
				return terrane.Errorf(terrane.EINVALID, "unit %s: attributes: %v", u.ID, err)
			}
		}
		rows[i] = unitRow{layer.ID, u.ID, u.Name, u.Region, string(g), u.Centroid[0], u.Centroid[1], string(attrs)}
	}
	for _, e := range edges {
		if !seen[e[0]] || !seen[e[1]] || e[0] == e[1] {
			return terrane.Errorf(terrane.EINVALID, "adjacency edge %s–%s: both ends must be distinct units of layer %s", e[0], e[1], layer.ID)
		}
	}
	if edges == nil {
		edges = [][2]string{}
	}
	adj, _ := json.Marshal(edges)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), layer.ID); err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO layers (id, name, description, adjacency) VALUES (?, ?, ?, ?)`),
				layer.ID, layer.Name, layer.Description, string(adj)); err != nil {
				return err
			}
		} else {
			if err := refuseFrozenGeography(ctx, tx, layer.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE layers SET name = ?, description = ?, adjacency = ?, version = version + 1 WHERE id = ?`),
				layer.Name, layer.Description, string(adj), layer.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM units WHERE layer_id = ?`), layer.ID); err != nil {
			return err
		}
		if err := s.auditLayer(ctx, tx, layer.ID); err != nil {
			return err
		}
		return insertBatches(ctx, tx, "units", []string{"layer_id", "id", "name", "region", "geometry", "centroid_lon", "centroid_lat", "attributes"}, len(rows), func(i int) []any {
			r := rows[i]
			return []any{r.LayerID, r.ID, r.Name, r.Region, r.Geometry, r.CentroidLon, r.CentroidLat, r.Attributes}
		})
	})
	if err != nil && terrane.ErrorCode(err) == terrane.EINTERNAL {
		return fmt.Errorf("data: replace layer %s: %w", layer.ID, err)
	}
	return err
}

// ReplaceAccounts replaces every account of the layer in one transaction.
// Accounts must be valid, belong to the layer and have unique ids; an id
// already used by an account of another layer is ECONFLICT. On error nothing
// changes.
func (s *Store) ReplaceAccounts(ctx context.Context, layer string, accounts []*terrane.Account, estimates []*terrane.MarketEstimate) error {
	for _, m := range estimates {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	seen := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		if err := a.Validate(); err != nil {
			return err
		}
		if a.Layer != layer {
			return terrane.Errorf(terrane.EINVALID, "account %s: layer is %q, want %q", a.ID, a.Layer, layer)
		}
		if seen[a.ID] {
			return terrane.Errorf(terrane.ECONFLICT, "account %s appears twice", a.ID)
		}
		seen[a.ID] = true
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), layer); err != nil {
			return err
		}
		if n == 0 {
			return terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", layer)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM accounts WHERE layer_id = ?`), layer); err != nil {
			return err
		}
		if err := bumpLayer(ctx, tx, layer); err != nil {
			return err
		}
		if err := s.auditLayer(ctx, tx, layer); err != nil {
			return err
		}
		if err := insertBatches(ctx, tx, "accounts", accountCols, len(accounts), func(i int) []any {
			a := accounts[i]
			return []any{a.ID, a.Name, a.Segment, a.PostalCode, a.Location[0], a.Location[1], a.Layer, a.UnitID, a.Revenue, a.Owner, accountAttributes(a.Attributes)}
		}); err != nil {
			return err
		}
		if len(estimates) == 0 {
			return nil
		}
		return upsertEstimates(ctx, tx, estimates)
	})
	switch terrane.ErrorCode(err) {
	case "":
		return nil
	case terrane.ECONFLICT:
		if id, other := s.accountElsewhere(ctx, layer, accounts); id != "" {
			return terrane.Errorf(terrane.ECONFLICT, "account %s already exists in layer %s; account ids are unique across layers", id, other)
		}
		return err
	case terrane.EINTERNAL:
		return fmt.Errorf("data: replace accounts of %s: %w", layer, err)
	}
	return err
}

// accountElsewhere finds the first of accounts whose id is taken by an
// account of another layer, to name it in an error.
func (s *Store) accountElsewhere(ctx context.Context, layer string, accounts []*terrane.Account) (id, other string) {
	const per = 500
	for start := 0; start < len(accounts); start += per {
		end := min(len(accounts), start+per)
		args := []any{layer}
		for _, a := range accounts[start:end] {
			args = append(args, a.ID)
		}
		var row struct {
			ID    string `db:"id"`
			Layer string `db:"layer_id"`
		}
		q := `SELECT id, layer_id FROM accounts WHERE layer_id <> ? AND id IN (` + inList(end-start) + `) ORDER BY id LIMIT 1`
		if err := s.db.GetContext(ctx, &row, s.db.Rebind(q), args...); err == nil {
			return row.ID, row.Layer
		}
	}
	return "", ""
}
