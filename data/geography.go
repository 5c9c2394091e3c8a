package data

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/terrane/terrane"
)

// CreateLayer stores a new layer; ECONFLICT if the id exists.
func (s *Store) CreateLayer(ctx context.Context, l *terrane.Layer) error {
	if err := l.Validate(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO layers (id, name, description) VALUES (?, ?, ?)`), l.ID, l.Name, l.Description)
	if err = mapErr(err); terrane.ErrorCode(err) == terrane.ECONFLICT {
		return terrane.Errorf(terrane.ECONFLICT, "layer %s already exists", l.ID)
	}
	return err
}

// FindLayerByID returns one layer with its unit count.
func (s *Store) FindLayerByID(ctx context.Context, id string) (*terrane.Layer, error) {
	var l terrane.Layer
	err := s.db.GetContext(ctx, &l, s.db.Rebind(`SELECT l.id, l.name, l.description, l.version,
		(SELECT COUNT(*) FROM units u WHERE u.layer_id = l.id) AS unit_count FROM layers l WHERE l.id = ?`), id)
	if err = mapErr(err); terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("data: find layer %s: %w", id, err)
	}
	return &l, nil
}

// FindLayers returns every layer, by id.
func (s *Store) FindLayers(ctx context.Context) ([]*terrane.Layer, error) {
	var ls []*terrane.Layer
	err := s.db.SelectContext(ctx, &ls, `SELECT l.id, l.name, l.description, l.version,
		(SELECT COUNT(*) FROM units u WHERE u.layer_id = l.id) AS unit_count FROM layers l ORDER BY l.id`)
	if err != nil {
		return nil, fmt.Errorf("data: find layers: %w", err)
	}
	return ls, nil
}

type unitRow struct {
	LayerID     string  `db:"layer_id"`
	ID          string  `db:"id"`
	Name        string  `db:"name"`
	Region      string  `db:"region"`
	Geometry    string  `db:"geometry"`
	CentroidLon float64 `db:"centroid_lon"`
	CentroidLat float64 `db:"centroid_lat"`
	Attributes  string  `db:"attributes"`
}

// ReplaceUnits replaces all units of a layer in one transaction, creating the
// layer if it does not exist. On error nothing changes.
func (s *Store) ReplaceUnits(ctx context.Context, layer string, units []*terrane.Unit) error {
	seen := make(map[string]bool, len(units))
	rows := make([]unitRow, len(units))
	for i, u := range units {
		if err := u.Validate(); err != nil {
			return err
		}
		if seen[u.ID] {
			return terrane.Errorf(terrane.EINVALID, "unit %s appears twice in layer %s", u.ID, layer)
		}
		seen[u.ID] = true
		g, err := geojson.NewGeometry(u.Geometry).MarshalJSON()
		if err != nil {
			return terrane.Errorf(terrane.EINVALID, "unit %s: geometry: %v", u.ID, err)
		}
		attrs, err := json.Marshal(u.Attributes)
		if err != nil {
			return terrane.Errorf(terrane.EINVALID, "unit %s: attributes: %v", u.ID, err)
		}
		if u.Attributes == nil {
			attrs = []byte("{}")
		}
		rows[i] = unitRow{layer, u.ID, u.Name, u.Region, string(g), u.Centroid[0], u.Centroid[1], string(attrs)}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), layer); err != nil {
			return err
		}
		if n == 0 {
			return terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", layer)
		}
		if err := refuseFrozenGeography(ctx, tx, layer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM units WHERE layer_id = ?`), layer); err != nil {
			return err
		}
		if err := bumpLayer(ctx, tx, layer); err != nil {
			return err
		}
		if err := s.auditLayer(ctx, tx, layer); err != nil {
			return err
		}
		return insertBatches(ctx, tx, "units", []string{"layer_id", "id", "name", "region", "geometry", "centroid_lon", "centroid_lat", "attributes"}, len(rows), func(i int) []any {
			r := rows[i]
			return []any{r.LayerID, r.ID, r.Name, r.Region, r.Geometry, r.CentroidLon, r.CentroidLat, r.Attributes}
		})
	})
}

// insertBatches inserts n rows into table with multi-row VALUES, in batches
// small enough for both drivers' parameter limits.
func insertBatches(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, 900/len(cols))
	one := "(" + inList(len(cols)) + ")"
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

func (s *Store) unitWhere(f terrane.UnitFilter) (string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Layer != "" {
		where, args = append(where, "layer_id = ?"), append(args, f.Layer)
	}
	if len(f.IDs) > 0 {
		cond, ids := s.inStrings("id", f.IDs)
		where, args = append(where, cond), append(args, ids...)
	}
	q := " WHERE " + strings.Join(where, " AND ") + " ORDER BY layer_id, id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	} else if f.Offset > 0 {
		q += fmt.Sprintf(" LIMIT -1 OFFSET %d", f.Offset)
	}
	return q, args
}

// FindUnits returns units with their geometry decoded.
func (s *Store) FindUnits(ctx context.Context, f terrane.UnitFilter) ([]*terrane.Unit, error) {
	rows, err := s.findUnitRows(ctx, f)
	if err != nil {
		return nil, err
	}
	units := make([]*terrane.Unit, len(rows))
	for i, r := range rows {
		u := &terrane.Unit{Layer: r.LayerID, ID: r.ID, Name: r.Name, Region: r.Region, Centroid: orb.Point{r.CentroidLon, r.CentroidLat}}
		if !f.WithoutGeometry {
			g, err := geojson.UnmarshalGeometry([]byte(r.Geometry))
			if err != nil {
				return nil, fmt.Errorf("data: unit %s/%s: stored geometry: %w", r.LayerID, r.ID, err)
			}
			u.Geometry = g.Geometry()
		}
		if !f.WithoutAttributes {
			if err := json.Unmarshal([]byte(r.Attributes), &u.Attributes); err != nil {
				return nil, fmt.Errorf("data: unit %s/%s: stored attributes: %w", r.LayerID, r.ID, err)
			}
		}
		units[i] = u
	}
	return units, nil
}

func (s *Store) findUnitRows(ctx context.Context, f terrane.UnitFilter) ([]unitRow, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "offset and limit must be ≥ 0")
	}
	where, args := s.unitWhere(f)
	if s.dialect == Postgres {
		where = strings.Replace(where, "LIMIT -1 ", "", 1)
	}
	geometry := "geometry"
	if f.WithoutGeometry {
		geometry = "'' AS geometry"
	}
	attributes := "attributes"
	if f.WithoutAttributes {
		attributes = "'' AS attributes"
	}
	var rows []unitRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT layer_id, id, name, region, `+geometry+`, centroid_lon, centroid_lat, `+attributes+` FROM units`+where), args...); err != nil {
		return nil, fmt.Errorf("data: find units: %w", err)
	}
	return rows, nil
}

// UnitsGeoJSON returns the selected units as a GeoJSON FeatureCollection: id
// is the unit id; properties hold name, region, centroid and the attributes.
// The stored geometry text is copied as is, which keeps this fast for maps.
func (s *Store) UnitsGeoJSON(ctx context.Context, f terrane.UnitFilter) ([]byte, error) {
	if f.Layer != "" {
		if _, err := s.FindLayerByID(ctx, f.Layer); err != nil {
			return nil, err
		}
	}
	rows, err := s.findUnitRows(ctx, f)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(rows) * 1500)
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		id, _ := json.Marshal(r.ID)
		name, _ := json.Marshal(r.Name)
		region, _ := json.Marshal(r.Region)
		fmt.Fprintf(&b, `{"type":"Feature","id":%s,"properties":{"id":%s,"name":%s,"region":%s,"centroid":[%g,%g]`, id, id, name, region, r.CentroidLon, r.CentroidLat)
		if attrs := strings.TrimSpace(r.Attributes); len(attrs) > 2 {
			b.WriteByte(',')
			b.WriteString(attrs[1 : len(attrs)-1])
		}
		b.WriteString(`},"geometry":`)
		b.WriteString(r.Geometry)
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// SetAdjacency stores a layer's neighbour graph.
func (s *Store) SetAdjacency(ctx context.Context, layer string, edges [][2]string) error {
	if edges == nil {
		edges = [][2]string{}
	}
	b, _ := json.Marshal(edges)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE layers SET adjacency = ?, version = version + 1 WHERE id = ?`), string(b), layer)
	if err != nil {
		return fmt.Errorf("data: set adjacency of %s: %w", layer, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", layer)
	}
	return nil
}

// FindAdjacency returns a layer's neighbour graph as pairs of unit ids.
func (s *Store) FindAdjacency(ctx context.Context, layer string) ([][2]string, error) {
	var raw string
	err := mapErr(s.db.GetContext(ctx, &raw, s.db.Rebind(`SELECT adjacency FROM layers WHERE id = ?`), layer))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return nil, terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", layer)
	} else if err != nil {
		return nil, fmt.Errorf("data: find adjacency of %s: %w", layer, err)
	}
	var edges [][2]string
	if err := json.Unmarshal([]byte(raw), &edges); err != nil {
		return nil, fmt.Errorf("data: adjacency of %s: %w", layer, err)
	}
	return edges, nil
}

var accountCols = []string{"id", "name", "segment", "postal_code", "lon", "lat", "layer_id", "unit_id", "revenue", "owner", "attributes"}

// accountAttributes encodes an account's attributes as a JSON object.
func accountAttributes(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always encodes
	return string(b)
}

// CreateAccounts stores accounts in one transaction; ECONFLICT names the
// first duplicate id, and nothing is stored on any error.
func (s *Store) CreateAccounts(ctx context.Context, accounts []*terrane.Account) error {
	seen := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		if err := a.Validate(); err != nil {
			return err
		}
		if seen[a.ID] {
			return terrane.Errorf(terrane.ECONFLICT, "account %s appears twice", a.ID)
		}
		seen[a.ID] = true
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		layers := map[string]bool{}
		for _, a := range accounts {
			if a.Layer != "" && !layers[a.Layer] {
				layers[a.Layer] = true
				if err := bumpLayer(ctx, tx, a.Layer); err != nil {
					return err
				}
			}
		}
		return insertBatches(ctx, tx, "accounts", accountCols, len(accounts), func(i int) []any {
			a := accounts[i]
			return []any{a.ID, a.Name, a.Segment, a.PostalCode, a.Location[0], a.Location[1], a.Layer, a.UnitID, a.Revenue, a.Owner, accountAttributes(a.Attributes)}
		})
	})
}

type accountRow struct {
	ID         string  `db:"id"`
	Name       string  `db:"name"`
	Segment    string  `db:"segment"`
	PostalCode string  `db:"postal_code"`
	Lon        float64 `db:"lon"`
	Lat        float64 `db:"lat"`
	LayerID    string  `db:"layer_id"`
	UnitID     string  `db:"unit_id"`
	Revenue    float64 `db:"revenue"`
	Owner      string  `db:"owner"`
	Attributes string  `db:"attributes"`
}

// CountAccounts returns the number of accounts per unit of a layer.
func (s *Store) CountAccounts(ctx context.Context, layer string) (map[string]int, error) {
	var rows []struct {
		U string `db:"unit_id"`
		N int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT unit_id, COUNT(*) AS n FROM accounts WHERE layer_id = ? GROUP BY unit_id`), layer); err != nil {
		return nil, fmt.Errorf("data: count accounts of %s: %w", layer, err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.U] = r.N
	}
	return out, nil
}

// FindAccounts returns accounts ordered by id.
func (s *Store) FindAccounts(ctx context.Context, f terrane.AccountFilter) ([]*terrane.Account, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "offset and limit must be ≥ 0")
	}
	where, args := []string{"1 = 1"}, []any{}
	table := "accounts"
	if f.Scenario != 0 {
		layer, frozen, err := s.inputSource(ctx, s.db, f.Scenario)
		if err != nil {
			return nil, err
		}
		if frozen {
			table = "frozen_accounts"
			where, args = append(where, "scenario_id = ?"), append(args, f.Scenario)
		}
		f.Layer = layer
	}
	if f.Layer != "" {
		where, args = append(where, "layer_id = ?"), append(args, f.Layer)
	}
	if f.Owner != "" {
		where, args = append(where, "owner = ?"), append(args, f.Owner)
	}
	if f.UnitIDs != nil {
		if len(f.UnitIDs) == 0 {
			return []*terrane.Account{}, nil
		}
		cond, ids := s.inStrings("unit_id", f.UnitIDs)
		where, args = append(where, cond), append(args, ids...)
	}
	q := `SELECT ` + strings.Join(accountCols, ", ") + ` FROM ` + table + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	var rows []accountRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("data: find accounts: %w", err)
	}
	out := make([]*terrane.Account, len(rows))
	for i, r := range rows {
		out[i] = &terrane.Account{ID: r.ID, Name: r.Name, Segment: r.Segment, PostalCode: r.PostalCode,
			Location: orb.Point{r.Lon, r.Lat}, Layer: r.LayerID, UnitID: r.UnitID, Revenue: r.Revenue, Owner: r.Owner}
		if r.Attributes != "" && r.Attributes != "{}" {
			if err := json.Unmarshal([]byte(r.Attributes), &out[i].Attributes); err != nil {
				return nil, fmt.Errorf("data: account %s: attributes: %w", r.ID, err)
			}
		}
	}
	return out, nil
}

var marketCols = []string{"layer_id", "unit_id", "market", "revenue", "share", "saturation", "floor", "low", "high", "revenue_period", "revenue_source"}

// UpsertMarketEstimates stores estimates in one transaction, replacing
// existing ones for the same unit.
func (s *Store) UpsertMarketEstimates(ctx context.Context, estimates []*terrane.MarketEstimate) error {
	for _, m := range estimates {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := upsertEstimates(ctx, tx, estimates); err != nil {
			return err
		}
		layers := map[string]bool{}
		for _, m := range estimates {
			if !layers[m.Layer] {
				layers[m.Layer] = true
				if err := s.auditLayer(ctx, tx, m.Layer); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// upsertEstimates writes estimates in tx, replacing those of the same layer
// and unit, and counts one change to each of their layers.
func upsertEstimates(ctx context.Context, tx *sqlx.Tx, estimates []*terrane.MarketEstimate) error {
	for _, m := range estimates {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM market_estimates WHERE layer_id = ? AND unit_id = ?`), m.Layer, m.UnitID); err != nil {
			return err
		}
	}
	layers := map[string]bool{}
	for _, m := range estimates {
		layers[m.Layer] = true
	}
	for l := range layers {
		if err := bumpLayer(ctx, tx, l); err != nil {
			return err
		}
	}
	return insertBatches(ctx, tx, "market_estimates", marketCols, len(estimates), func(i int) []any {
		m := estimates[i]
		return []any{m.Layer, m.UnitID, m.Market, m.Revenue, m.Share, m.Saturation, m.Floor, m.Low, m.High, m.RevenuePeriod, m.RevenueSource}
	})
}

// FindMarketEstimates returns a layer's estimates ordered by unit id.
func (s *Store) FindMarketEstimates(ctx context.Context, layer string) ([]*terrane.MarketEstimate, error) {
	var out []*terrane.MarketEstimate
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT layer_id AS "layer", unit_id AS "unitid", market, revenue, share, saturation, floor, low, high,
		revenue_period AS "revenueperiod", revenue_source AS "revenuesource" FROM market_estimates WHERE layer_id = ? ORDER BY unit_id`), layer)
	if err != nil {
		return nil, fmt.Errorf("data: find market estimates of %s: %w", layer, err)
	}
	return out, nil
}

// FindScenarioMarketEstimates returns the market estimates a scenario
// reads, ordered by unit id: the copy frozen when it was approved while it
// is approved or published, its layer's otherwise.
func (s *Store) FindScenarioMarketEstimates(ctx context.Context, scenarioID int64) ([]*terrane.MarketEstimate, error) {
	layer, frozen, err := s.inputSource(ctx, s.db, scenarioID)
	if err != nil {
		return nil, err
	}
	if !frozen {
		return s.FindMarketEstimates(ctx, layer)
	}
	var out []*terrane.MarketEstimate
	err = s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT layer_id AS "layer", unit_id AS "unitid", market, revenue, share, saturation, floor, low, high,
		revenue_period AS "revenueperiod", revenue_source AS "revenuesource" FROM frozen_market_estimates WHERE scenario_id = ? ORDER BY unit_id`), scenarioID)
	if err != nil {
		return nil, fmt.Errorf("data: find the frozen market estimates of scenario %d: %w", scenarioID, err)
	}
	return out, nil
}

// CountScenarioAccounts is CountAccounts of the accounts a scenario reads
// (its frozen copy while it is approved or published).
func (s *Store) CountScenarioAccounts(ctx context.Context, scenarioID int64) (map[string]int, error) {
	layer, frozen, err := s.inputSource(ctx, s.db, scenarioID)
	if err != nil {
		return nil, err
	}
	if !frozen {
		return s.CountAccounts(ctx, layer)
	}
	var rows []struct {
		U string `db:"unit_id"`
		N int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT unit_id, COUNT(*) AS n FROM frozen_accounts WHERE scenario_id = ? GROUP BY unit_id`), scenarioID); err != nil {
		return nil, fmt.Errorf("data: count the frozen accounts of scenario %d: %w", scenarioID, err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.U] = r.N
	}
	return out, nil
}

// bumpLayer counts one change to a layer's data, so results computed on the
// old data read as stale.
func bumpLayer(ctx context.Context, tx *sqlx.Tx, layer string) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE layers SET version = version + 1 WHERE id = ?`), layer)
	return err
}

// DeleteLayer removes a layer and everything drawn on it in one transaction.
func (s *Store) DeleteLayer(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM layers WHERE id = ?`), id); err != nil {
			return err
		} else if n == 0 {
			return terrane.Errorf(terrane.ENOTFOUND, "layer %s not found", id)
		}
		for _, q := range []string{
			`DELETE FROM runs WHERE scenario_id IN (SELECT id FROM scenarios WHERE layer_id = ?)`,
			`DELETE FROM territory_results WHERE scenario_id IN (SELECT id FROM scenarios WHERE layer_id = ?)`,
			`DELETE FROM scenario_results WHERE scenario_id IN (SELECT id FROM scenarios WHERE layer_id = ?)`,
			`DELETE FROM assignments WHERE scenario_id IN (SELECT id FROM scenarios WHERE layer_id = ?)`,
			`DELETE FROM territories WHERE scenario_id IN (SELECT id FROM scenarios WHERE layer_id = ?)`,
			`DELETE FROM scenarios WHERE layer_id = ?`,
			`DELETE FROM accounts WHERE layer_id = ?`,
			`DELETE FROM market_estimates WHERE layer_id = ?`,
			`DELETE FROM opportunities WHERE layer_id = ?`,
			`DELETE FROM history WHERE layer_id = ?`,
			`DELETE FROM imports WHERE layer_id = ?`,
			`DELETE FROM units WHERE layer_id = ?`,
			`DELETE FROM layers WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), id); err != nil {
				return fmt.Errorf("delete layer %s: %w", id, err)
			}
		}
		return nil
	})
}

// Meta returns the value stored under key, or ENOTFOUND.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := mapErr(s.db.GetContext(ctx, &v, s.db.Rebind(`SELECT value FROM meta WHERE key = ?`), key))
	if terrane.ErrorCode(err) == terrane.ENOTFOUND {
		return "", terrane.Errorf(terrane.ENOTFOUND, "meta key %s not set", key)
	}
	return v, err
}

// SetMeta stores value under key, replacing any previous value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM meta WHERE key = ?`), key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO meta (key, value) VALUES (?, ?)`), key, value)
		return err
	})
}
