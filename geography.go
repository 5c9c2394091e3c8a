package terrane

import (
	"context"
	"math"
	"regexp"
	"time"

	"github.com/paulmach/orb"
)

// Layer is a named set of units of one kind of geography, e.g. "us-counties".
type Layer struct {
	ID          string `json:"id" db:"id"`                   // slug, e.g. "us-counties"
	Name        string `json:"name" db:"name"`               // for people
	Description string `json:"description" db:"description"` // source and vintage
	UnitCount   int    `json:"unit_count" db:"unit_count"`   // computed on read
	Version     int64  `json:"version" db:"version"`         // counts changes to its units, accounts and market estimates
}

// LayerLoad is a built-in layer being loaded in the background after the
// server started (us-zips): GET /api/v1/layers lists it until it is done.
type LayerLoad struct {
	Layer string `json:"layer"` // the layer's id
	// Stage is what the load is doing: "waiting", "build", "units",
	// "adjacency", "estimates", or "failed" (Error says why).
	Stage   string    `json:"stage"`
	Started time.Time `json:"started"` // when the load started
	Error   string    `json:"error,omitempty"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Validate reports the first problem with the layer's fields.
func (l *Layer) Validate() error {
	if !slugPattern.MatchString(l.ID) {
		return Errorf(EINVALID, "layer id %q: must be 1-64 lowercase letters, digits, '.', '_' or '-'", l.ID)
	}
	if l.Name == "" {
		return Errorf(EINVALID, "layer %s: name is required", l.ID)
	}
	return nil
}

// Unit is the smallest piece of geography a plan moves: a county, a ZIP, a
// country or a custom polygon.
type Unit struct {
	Layer      string             `json:"layer"`
	ID         string             `json:"id"`         // unique within the layer, e.g. county FIPS "06037"
	Name       string             `json:"name"`       // e.g. "Los Angeles"
	Region     string             `json:"region"`     // the enclosing region, e.g. state "CA"; may be empty
	Geometry   orb.Geometry       `json:"-"`          // Polygon, MultiPolygon or Point; lon/lat degrees (WGS84)
	Centroid   orb.Point          `json:"centroid"`   // lon/lat degrees
	Attributes map[string]float64 `json:"attributes"` // measures such as "pop_2018" (people); absent = unknown
}

// Validate reports the first problem with the unit's fields. Geometry validity
// (rings, winding) is checked by the geo package at import.
func (u *Unit) Validate() error {
	if u.ID == "" {
		return Errorf(EINVALID, "unit: id is required")
	}
	if u.Geometry == nil {
		return Errorf(EINVALID, "unit %s: geometry is required", u.ID)
	}
	for k, v := range u.Attributes {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Errorf(EINVALID, "unit %s: attribute %q is not a finite number", u.ID, k)
		}
	}
	return nil
}

// Account is a customer or prospect with a location, revenue and an owner.
type Account struct {
	ID         string    `json:"id"` // unique, e.g. "CG-12520@42420"
	Name       string    `json:"name"`
	Segment    string    `json:"segment"`
	PostalCode string    `json:"postal_code"` // 5-digit ZIP for US accounts; may be empty
	Location   orb.Point `json:"location"`    // lon/lat degrees
	Layer      string    `json:"layer"`       // the layer UnitID refers to
	UnitID     string    `json:"unit_id"`     // the unit containing the account
	Revenue    float64   `json:"revenue"`     // dollars per year, mean over the history loaded
	Owner      string    `json:"owner"`       // rep name; empty = unowned
	// Attributes are the other columns of the imported row, by column name
	// (empty values left out); nil or empty when there were none.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// CustomerAttribute is the account attribute that names the customer an
// account belongs to (written by the accounts import option customer):
// accounts with one value are one customer, which should lie in one
// territory.
const CustomerAttribute = "customer"

// Validate reports the first problem with the account's fields.
func (a *Account) Validate() error {
	switch {
	case a.ID == "":
		return Errorf(EINVALID, "account: id is required")
	case !finite(a.Revenue) || a.Revenue < 0:
		return Errorf(EINVALID, "account %s: revenue must be a finite number ≥ 0", a.ID)
	case !finite(a.Location[0]) || !finite(a.Location[1]) || math.Abs(a.Location[0]) > 180 || math.Abs(a.Location[1]) > 90:
		return Errorf(EINVALID, "account %s: location must be lon in [-180,180], lat in [-90,90]", a.ID)
	}
	return nil
}

// MarketEstimate is what is known of a unit's market: its size, current
// revenue and shares. Shares are fractions in [0,1].
type MarketEstimate struct {
	Layer      string  `json:"layer"`
	UnitID     string  `json:"unit_id"`
	Market     float64 `json:"market"`     // addressable revenue, dollars per year
	Revenue    float64 `json:"revenue"`    // current revenue, dollars per year
	Share      float64 `json:"share"`      // current share = revenue / market
	Saturation float64 `json:"saturation"` // share attainable with unlimited effort
	Floor      float64 `json:"floor"`      // share kept with zero effort
	Low        float64 `json:"low"`        // low end of the market size range, dollars per year
	High       float64 `json:"high"`       // high end of the market size range, dollars per year
	// RevenuePeriod says which period Revenue is the actual of, e.g.
	// "2017" or "2017-Q4 ×4" (a quarter annualised); "" when not known.
	RevenuePeriod string `json:"revenue_period"`
	// RevenueSource is the import Revenue comes from: markets, accounts or
	// history; "" when not known (e.g. the sample dataset).
	RevenueSource string `json:"revenue_source"`
}

// Validate checks ranges: non-negative money, shares in [0,1] with
// floor ≤ share ≤ saturation, low ≤ market ≤ high when a range is given.
func (m *MarketEstimate) Validate() error {
	for name, v := range map[string]float64{"market": m.Market, "revenue": m.Revenue, "share": m.Share,
		"saturation": m.Saturation, "floor": m.Floor, "low": m.Low, "high": m.High} {
		if !finite(v) || v < 0 {
			return Errorf(EINVALID, "market estimate for unit %s: %s must be a finite number ≥ 0", m.UnitID, name)
		}
	}
	switch {
	case m.Saturation > 1 || m.Share > 1:
		return Errorf(EINVALID, "market estimate for unit %s: shares must be ≤ 1", m.UnitID)
	case m.Floor > m.Share || m.Share > m.Saturation:
		return Errorf(EINVALID, "market estimate for unit %s: need floor ≤ share ≤ saturation, got %g, %g, %g", m.UnitID, m.Floor, m.Share, m.Saturation)
	case (m.Low != 0 || m.High != 0) && (m.Low > m.Market || m.High < m.Market):
		return Errorf(EINVALID, "market estimate for unit %s: need low ≤ market ≤ high", m.UnitID)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// MetaService keeps small facts about the database itself, such as whether
// the sample dataset was loaded. Each method names the error codes it
// returns; any other error (the database failing) has code EINTERNAL.
type MetaService interface {
	// Meta returns the value stored under key. ENOTFOUND if the key was
	// never set.
	Meta(ctx context.Context, key string) (string, error)
	// SetMeta stores value under key, replacing any previous value. It
	// returns no error code of its own.
	SetMeta(ctx context.Context, key, value string) error
}

// UnitFilter selects units; zero fields select everything.
type UnitFilter struct {
	Layer  string
	IDs    []string
	Offset int
	Limit  int // 0 = no limit
	// WithoutGeometry leaves Unit.Geometry nil, for callers that need only
	// ids, names, regions, centroids and attributes (much faster).
	WithoutGeometry bool
	// WithoutAttributes leaves Unit.Attributes nil, for callers that need
	// only ids, names, regions and centroids.
	WithoutAttributes bool
}

// AccountFilter selects accounts; zero fields select everything.
type AccountFilter struct {
	// Scenario, when set, selects the accounts that scenario reads: the
	// copy frozen when it was approved, while it is approved or published;
	// its layer's otherwise (Layer is then the scenario's).
	Scenario int64
	Layer    string
	UnitIDs  []string
	Owner    string
	Offset   int
	Limit    int // 0 = no limit
}

// GeographyService manages layers, units, their adjacency, accounts and
// market estimates. Each method names the error codes it returns; any other
// error (the database failing) has code EINTERNAL.
type GeographyService interface {
	// CreateLayer stores a new layer, with no units. EINVALID if l fails
	// Validate (id not a slug, no name); ECONFLICT if a layer with its id
	// exists.
	CreateLayer(ctx context.Context, l *Layer) error
	// FindLayerByID returns the layer with its UnitCount. ENOTFOUND if there
	// is none.
	FindLayerByID(ctx context.Context, id string) (*Layer, error)
	// FindLayers returns every layer with its UnitCount, ordered by id. It
	// returns no error code of its own.
	FindLayers(ctx context.Context) ([]*Layer, error)
	// DeleteLayer removes a layer with its units, accounts, market estimates
	// and the scenarios drawn on it (their territories, alignments, runs and
	// stored results), in one transaction. ENOTFOUND if the layer does not
	// exist.
	DeleteLayer(ctx context.Context, id string) error
	// ReplaceUnits replaces all units of an existing layer in one
	// transaction; on error nothing changes. ENOTFOUND if the layer does
	// not exist (CreateLayer it first, or use ImportService.ReplaceLayer);
	// EINVALID if a unit fails Validate, its geometry or attributes cannot be
	// encoded, or a unit id appears twice; ECONFLICT if plans approved or
	// published on the layer read its units (see ImportService.ReplaceLayer).
	ReplaceUnits(ctx context.Context, layer string, units []*Unit) error
	// FindUnits returns the units f selects, ordered by layer and id, with
	// their geometry decoded unless f.WithoutGeometry; an unknown layer
	// gives an empty list. EINVALID if f.Offset or f.Limit is negative.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, error)
	// UnitsGeoJSON returns the units f selects as a GeoJSON
	// FeatureCollection: each feature's id is the unit id, its properties
	// hold id, name, region, centroid and the attributes, and its geometry is
	// the stored text copied without decoding it. ENOTFOUND if f.Layer is
	// set and does not exist; EINVALID if f.Offset or f.Limit is negative.
	UnitsGeoJSON(ctx context.Context, f UnitFilter) ([]byte, error)
	// SetAdjacency stores the layer's neighbour graph as pairs of unit ids,
	// replacing the previous one; the ids are not checked against the
	// layer's units. ENOTFOUND if the layer does not exist.
	SetAdjacency(ctx context.Context, layer string, edges [][2]string) error
	// FindAdjacency returns the layer's neighbour graph as pairs of unit
	// ids, empty if it was never set. ENOTFOUND if the layer does not exist.
	FindAdjacency(ctx context.Context, layer string) ([][2]string, error)
	// CreateAccounts stores new accounts in one transaction; on error
	// nothing is stored. Layer and UnitID are stored as given, not checked
	// against the units. EINVALID if an account fails Validate; ECONFLICT if
	// an id appears twice in accounts or is stored already.
	CreateAccounts(ctx context.Context, accounts []*Account) error
	// FindAccounts returns the accounts f selects, ordered by id; a non-nil
	// empty f.UnitIDs selects none. EINVALID if f.Offset or f.Limit is
	// negative.
	FindAccounts(ctx context.Context, f AccountFilter) ([]*Account, error)
	// CountAccounts returns how many accounts each unit of a layer holds
	// (units without accounts are absent); an unknown layer has none.
	CountAccounts(ctx context.Context, layer string) (map[string]int, error)
	// UpsertMarketEstimates stores estimates in one transaction, each
	// replacing the stored estimate for its layer and unit, if any, and
	// counts one change to the Version of each layer they are on; on error
	// nothing changes. EINVALID if an estimate fails Validate; ECONFLICT if
	// one layer and unit appear twice in estimates.
	UpsertMarketEstimates(ctx context.Context, estimates []*MarketEstimate) error
	// FindMarketEstimates returns the layer's estimates ordered by unit id;
	// an unknown layer gives an empty list. It returns no error code of its
	// own.
	FindMarketEstimates(ctx context.Context, layer string) ([]*MarketEstimate, error)
}
