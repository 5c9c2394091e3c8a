package api

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/plan"
)

// This file holds the request and response bodies of the routes that are
// not domain types of their own (terrane.Scenario, terrane.Run, …).
// api/openapi.json is generated from these types and the operations table
// (operation.go); see docs/api.md.
//
// Struct tags the generator reads besides json:
//
//	openapi:"required" a request field that must be sent
//	openapi:"nonnull"  a slice, map or pointer the handler never leaves nil
//	openapi:"optional" a field absent from some answers
//	openapi:"inline"   (with json:"-") a map whose entries are members of
//	                   the object itself (custom MarshalJSON)
//	openapi:"binary"   a multipart file field

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code and message of an error.
type ErrorDetail struct {
	Code    string `json:"code"`    // machine-readable: invalid, not_found, …
	Message string `json:"message"` // for people: names the field, row or id
}

// ImportErrorBody is the error shape of a rejected import: the standard
// error with the list of problems in details.
type ImportErrorBody struct {
	Error ImportErrorDetail `json:"error"`
}

// ImportErrorDetail is an import's error: code, message and, when the file
// was read and found wrong, its problems.
type ImportErrorDetail struct {
	Code    string             `json:"code"`
	Message string             `json:"message"`
	Details []importer.Problem `json:"details" openapi:"optional"` // problems, up to a limit; absent when the request itself was wrong
	More    int                `json:"more" openapi:"optional"`    // problems found but not listed
	// ProblemsTotal is the number of problems found, listed or not.
	ProblemsTotal int `json:"problems_total" openapi:"optional"`
}

// Health is the answer of /healthz.
type Health struct {
	Status  string `json:"status"` // "ok" or "database unreachable"
	Version string `json:"version"`
}

// OpenAPIDocument is the outline of this API's OpenAPI 3 description, as
// served by GET /api/v1/openapi.json.
type OpenAPIDocument struct {
	OpenAPI    string          `json:"openapi"` // "3.0.3"
	Info       OpenAPIInfo     `json:"info"`
	Servers    []OpenAPIServer `json:"servers" openapi:"nonnull"`
	Paths      json.RawMessage `json:"paths" openapi:"nonnull"`      // OpenAPI paths object
	Components json.RawMessage `json:"components" openapi:"nonnull"` // OpenAPI components object
}

// OpenAPIInfo is the document's info object.
type OpenAPIInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

// OpenAPIServer is one server the API is served from.
type OpenAPIServer struct {
	URL string `json:"url"`
}

// LoginRequest is the body of POST /api/v1/login.
type LoginRequest struct {
	Name     string `json:"name" openapi:"required"`
	Password string `json:"password" openapi:"required"`
}

// LoginResponse is a new session: its bearer token and the user.
type LoginResponse struct {
	Token string        `json:"token"` // bearer token; also set as the session cookie
	User  *terrane.User `json:"user" openapi:"nonnull"`
}

// LayerList is the answer of GET /api/v1/layers.
type LayerList struct {
	Layers []*terrane.Layer `json:"layers" openapi:"nonnull"`
	// Loading lists the built-in layers still being loaded in the
	// background (us-zips on a first start), with their stage; a layer in
	// it may already be in Layers with some of its units. Empty when
	// every layer is ready.
	Loading []terrane.LayerLoad `json:"loading" openapi:"nonnull"`
}

// UnitCollection is a layer's units as a GeoJSON FeatureCollection.
type UnitCollection struct {
	Type     string        `json:"type"` // "FeatureCollection"
	Features []UnitFeature `json:"features" openapi:"nonnull"`
}

// UnitFeature is one unit: id = unit id.
type UnitFeature struct {
	Type       string            `json:"type"` // "Feature"
	ID         string            `json:"id"`
	Properties UnitProperties    `json:"properties"`
	Geometry   *geojson.Geometry `json:"geometry" openapi:"nonnull"`
}

// UnitProperties are a unit's GeoJSON properties: its fields and, as
// members of their own, its attributes (e.g. pop_2018, people).
type UnitProperties struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Region     string             `json:"region"`   // the enclosing region, e.g. state "CA"; may be empty
	Centroid   [2]float64         `json:"centroid"` // [lon, lat] degrees
	Attributes map[string]float64 `json:"-" openapi:"inline"`
}

// RegionCollection is a layer's units dissolved by region, as GeoJSON.
type RegionCollection struct {
	Type     string          `json:"type"` // "FeatureCollection"
	Features []RegionFeature `json:"features" openapi:"nonnull"`
}

// RegionFeature is one region's outline: id = region.
type RegionFeature struct {
	Type       string            `json:"type"` // "Feature"
	ID         string            `json:"id"`
	Properties RegionProperties  `json:"properties"`
	Geometry   *geojson.Geometry `json:"geometry" openapi:"nonnull"`
}

// RegionProperties are a region outline's GeoJSON properties.
type RegionProperties struct {
	Region string `json:"region"`
}

// ScenarioList is the answer of GET /api/v1/scenarios.
type ScenarioList struct {
	Scenarios []*terrane.Scenario `json:"scenarios" openapi:"nonnull"`
}

// ScenarioRequest is the body of POST /api/v1/scenarios (name and from
// required) and PATCH /api/v1/scenarios/{id} (from must be absent).
type ScenarioRequest struct {
	Name      *string            `json:"name"`
	From      int64              `json:"from"`      // id of the scenario to branch from; POST only
	Budget    *float64           `json:"budget"`    // dollars per year; 0 = no budget limit
	Resources []terrane.Resource `json:"resources"` // replaces the list; absent = unchanged
	Settings  json.RawMessage    `json:"settings"`  // replaces the settings; absent = unchanged
	// Version is the scenario version the change was made on, PATCH only
	// (or send If-Match: "<version>"); on PATCH one of the two is required
	// (400 naming version without). A scenario changed since answers 409
	// conflict and nothing is changed.
	Version *int64 `json:"version"`
}

// AuditList is the answer of GET /api/v1/scenarios/{id}/audit.
type AuditList struct {
	Audit []*terrane.AuditEntry `json:"audit" openapi:"nonnull"`
}

// TerritoryList is the answer of GET /api/v1/scenarios/{id}/territories:
// every territory's figures, the totals, and which run's results they show.
type TerritoryList struct {
	Territories []plan.TerritoryMetrics `json:"territories" openapi:"nonnull"`
	Totals      plan.Totals             `json:"totals"`
	// RunID is the run whose stored results the modelled figures are; null
	// before any run stored results.
	RunID *int64 `json:"run_id"`
	// Stale is true when the scenario or its layer changed after that run:
	// the modelled figures describe the plan as it was then.
	Stale bool `json:"stale"`
	// ScenarioVersion is the scenario's version now; ResultsVersion the
	// version the results were computed on (null without results).
	ScenarioVersion int64      `json:"scenario_version"`
	ResultsVersion  *int64     `json:"results_version"` // null without results
	ComputedAt      *time.Time `json:"computed_at"`     // when the results were stored; null without results
}

// TerritoryDetail is the answer of GET /api/v1/scenarios/{id}/territories/{tid}.
type TerritoryDetail struct {
	Territory *plan.TerritoryMetrics  `json:"territory" openapi:"nonnull"`
	UnitIDs   []string                `json:"unit_ids" openapi:"nonnull"`
	Accounts  []*terrane.Account      `json:"accounts" openapi:"nonnull"`
	Curves    map[string][]CurvePoint `json:"curves" openapi:"nonnull"` // resource name → revenue as that resource varies
	// CurvesNote says why there are no curves (e.g. a scenario without
	// resources); empty when there are.
	CurvesNote string `json:"curves_note,omitempty"`
	RunID      *int64 `json:"run_id"` // the run whose model the curves are; null before any
	Stale      bool   `json:"stale"`  // the scenario changed since that run
}

// CurvePoint is one point of a response curve.
type CurvePoint struct {
	X       float64 `json:"x"`       // resource units
	Revenue float64 `json:"revenue"` // dollars per year
}

// TerritoryCollection is a scenario's territories dissolved into outlines,
// as a GeoJSON FeatureCollection.
type TerritoryCollection struct {
	Type     string             `json:"type"` // "FeatureCollection"
	Features []TerritoryFeature `json:"features" openapi:"nonnull"`
}

// TerritoryFeature is one territory's outline: id = territory id.
type TerritoryFeature struct {
	Type       string              `json:"type"` // "Feature"
	ID         string              `json:"id"`
	Properties TerritoryProperties `json:"properties"`
	Geometry   *geojson.Geometry   `json:"geometry" openapi:"nonnull"`
}

// TerritoryProperties are a territory's metrics flattened into GeoJSON
// properties; per resource r, the members current_r, allocation_r,
// change_r and marginal_r (resource units; marginal in dollars per year per
// unit) follow the fixed ones.
type TerritoryProperties struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Units           int      `json:"units"`
	Accounts        int      `json:"accounts"`
	Market          float64  `json:"market"`         // dollars per year
	Revenue         float64  `json:"revenue"`        // dollars per year
	Share           float64  `json:"share"`          // revenue / market
	Saturation      float64  `json:"saturation"`     // market-weighted share at saturation
	Floor           float64  `json:"floor"`          // market-weighted share kept with no effort
	Headroom        float64  `json:"headroom"`       // dollars per year
	RevenuePeriod   string   `json:"revenue_period"` // the period revenue is the actual of, e.g. "2017" or "2017-Q4 ×4"; "" = not known
	Locked          bool     `json:"locked"`
	Assumed         []string `json:"assumed" openapi:"nonnull"`  // resources whose current_<r> was derived from revenue, not supplied
	ExpectedRevenue *float64 `json:"expected_revenue,omitempty"` // dollars per year at the allocation; absent before a run
	RevenueChange   *float64 `json:"revenue_change,omitempty"`   // expected − current revenue, dollars per year; absent before a run
	// Resources holds the per-resource members, e.g. "allocation_money".
	Resources map[string]float64 `json:"-" openapi:"inline"`
}

// MarshalJSON writes the fixed members, then the per-resource ones in key order.
func (p TerritoryProperties) MarshalJSON() ([]byte, error) {
	type fixed TerritoryProperties
	b, err := json.Marshal(fixed(p))
	if err != nil {
		return nil, err
	}
	return appendMembers(b, p.Resources)
}

// MarshalJSON writes the fixed members, then the attributes in key order.
func (p UnitProperties) MarshalJSON() ([]byte, error) {
	type fixed UnitProperties
	b, err := json.Marshal(fixed(p))
	if err != nil {
		return nil, err
	}
	return appendMembers(b, p.Attributes)
}

// appendMembers adds members to the JSON object obj, in key order.
func appendMembers(obj []byte, members map[string]float64) ([]byte, error) {
	if len(members) == 0 {
		return obj, nil
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(obj[:len(obj)-1])
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(members[k])
		if err != nil {
			return nil, err
		}
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// territoryProperties flattens metrics into GeoJSON properties.
func territoryProperties(m plan.TerritoryMetrics) TerritoryProperties {
	p := TerritoryProperties{ID: m.ID, Name: m.Name, Units: m.Units, Accounts: m.Accounts, Market: m.Market.Market,
		Revenue: m.Revenue, Share: m.Share, Saturation: m.Saturation, Floor: m.Floor, Headroom: m.Headroom, RevenuePeriod: m.RevenuePeriod, Locked: m.Locked,
		Assumed: orEmpty(m.Assumed), Resources: map[string]float64{}}
	for prefix, mm := range map[string]map[string]float64{"current": m.Current, "allocation": m.Allocation, "change": m.Change} {
		for r, v := range mm {
			p.Resources[prefix+"_"+r] = v
		}
	}
	for r, v := range m.Marginal {
		if v != nil { // unbounded: left out, as in TerritoryMetrics.MarginalReasons
			p.Resources["marginal_"+r] = *v
		}
	}
	if m.ExpectedRevenue != nil {
		p.ExpectedRevenue, p.RevenueChange = m.ExpectedRevenue, m.RevenueChange
	}
	return p
}

// TerritoryPatch is the body of PATCH /api/v1/scenarios/{id}/territories/{tid}.
type TerritoryPatch struct {
	// Current sets current amounts of the territory, resource name →
	// amount in the resource's unit (a finite number ≥ 0, whole for an
	// integer resource). Each one given replaces the amount there was and
	// is no longer assumed; resources left out stay as they are.
	Current map[string]*float64 `json:"current" openapi:"required"`
	// Version is the scenario version the change was made on (or send
	// If-Match: "<version>"); one of the two is required (400 naming
	// version without). A scenario changed since answers 409 conflict and
	// nothing is changed.
	Version *int64 `json:"version"`
}

// TerritoryPatchResult is the answer of PATCH
// /api/v1/scenarios/{id}/territories/{tid}.
type TerritoryPatchResult struct {
	Territory       *terrane.Territory `json:"territory" openapi:"nonnull"` // as stored, with current and assumed
	ScenarioVersion int64              `json:"scenario_version"`            // the scenario's version after the change (stored results are stale)
	// Warnings are things to look at that did not stop the change, e.g.
	// current amounts adding up to more than a resource's total (totals
	// are never changed to fit).
	Warnings []string `json:"warnings" openapi:"nonnull"`
}

// AssignmentList is the answer of GET /api/v1/scenarios/{id}/assignments.
type AssignmentList struct {
	Assignments map[string]string `json:"assignments" openapi:"nonnull"` // unit id → territory id
}

// MovesRequest is the body of PATCH /api/v1/scenarios/{id}/assignments.
type MovesRequest struct {
	Moves map[string]string `json:"moves" openapi:"required"` // unit id → territory id
	// Version is the scenario version the moves were made on (or send
	// If-Match: "<version>"); one of the two is required except on a dry
	// run (400 naming version without). A scenario changed since answers
	// 409 conflict and nothing is moved.
	Version *int64 `json:"version"`
}

// MoveResult is the balance after a manual move.
type MoveResult struct {
	Moved         int          `json:"moved"` // units whose territory changed
	Balance       []BalanceRow `json:"balance" openapi:"nonnull"`
	Noncontiguous []string     `json:"noncontiguous" openapi:"nonnull"` // territory ids no longer in one piece
	// ScenarioVersion and Status are the scenario's after the moves (an
	// approved scenario returns to draft): send the version with the next
	// write.
	ScenarioVersion int64  `json:"scenario_version"`
	Status          string `json:"status"`
}

// BalanceRow is one territory's figures after a manual move.
type BalanceRow struct {
	Territory string  `json:"territory"`
	Units     int     `json:"units"`
	Market    float64 `json:"market"`  // dollars per year
	Revenue   float64 `json:"revenue"` // dollars per year
}

// Frontier is the optimal objective as the budget or a resource total varies.
type Frontier struct {
	Resource string `json:"resource"` // "budget" or a resource name
	// Objective is what the solver maximises, and so what each point's
	// objective and bound measure: "revenue" or "profit".
	Objective string          `json:"objective"`
	Current   float64         `json:"current"` // today's budget (dollars per year) or total (resource units)
	Points    []FrontierPoint `json:"points" openapi:"nonnull"`
}

// FrontierPoint is the solver's answer at one amount.
type FrontierPoint struct {
	Amount float64 `json:"amount"` // dollars per year, or resource units
	// Objective is the optimum found: revenue or profit (Frontier.Objective),
	// dollars per year.
	Objective float64 `json:"objective"`
	// Bound is a proven upper bound on Objective, the same objective,
	// dollars per year; never below Objective.
	Bound   float64 `json:"bound"`
	Revenue float64 `json:"revenue"` // expected revenue at the optimum, dollars per year
	Status  string  `json:"status"`
}

// Comparison is what changed from scenario a to scenario b. Modelled and
// actual figures are never mixed: expected_* are each side's modelled
// revenue (basis_* says from where), actual_* each side's actual revenue.
type Comparison struct {
	A int64 `json:"a"` // scenario id
	B int64 `json:"b"` // scenario id
	// BasisA and BasisB say where each side's expected revenue (at its
	// optimum) comes from: "run" (the stored results of its latest run,
	// run_a / run_b, not stale), "solved" (its optimum solved for this
	// comparison: no run stored one, or the scenario changed since),
	// "current" (its calibrated model at its current allocation: its
	// optimum cannot be solved, e.g. limits that cannot all hold) or "none"
	// (no model: a scenario without resources; its expected figures are null).
	BasisA string `json:"basis_a"`
	BasisB string `json:"basis_b"`
	RunA   *int64 `json:"run_a"` // the run whose results are expected_a; null unless basis_a is "run"
	RunB   *int64 `json:"run_b"` // the run whose results are expected_b; null unless basis_b is "run"
	// StaleA and StaleB are true when that side changed since its run: its
	// "run" figures describe the plan as it was then.
	StaleA      bool             `json:"stale_a"`
	StaleB      bool             `json:"stale_b"`
	MovedUnits  []MovedUnit      `json:"moved_units" openapi:"nonnull"`
	Territories []TerritoryDelta `json:"territories" openapi:"nonnull"`
	Totals      ComparisonTotals `json:"totals"`
	// People is the plan impact on people: every person who owns a
	// territory in a or b, by name, with what they have in each and what
	// they gain and lose (docs/api.md defines each figure).
	People []PersonImpact `json:"people" openapi:"nonnull"`
	// BookingsFrom and BookingsTo bound the bookings_* figures, inclusive
	// dates YYYY-MM-DD: the 12 months up to the latest created or close
	// date of the layer's opportunities; null when it has none.
	BookingsFrom *string `json:"bookings_from"`
	BookingsTo   *string `json:"bookings_to"`
}

// PersonImpact is what a change from scenario a to scenario b means for one
// person who owns a territory in either. They "have" the units of the
// territories they own (and of those territories' descendants) and the
// accounts located in them; gains are what they have in b and not in a
// (b's figures), losses what they have in a and not in b (a's figures).
type PersonImpact struct {
	Name           string   `json:"name"`                            // owner name as the territories spell it
	Email          string   `json:"email"`                           // the user's email; "" when no user has that name or none is set
	TerritoriesA   []string `json:"territories_a" openapi:"nonnull"` // territory ids they own in a, sorted
	TerritoriesB   []string `json:"territories_b" openapi:"nonnull"` // territory ids they own in b, sorted
	UnitsA         int      `json:"units_a"`                         // units they have in a
	UnitsB         int      `json:"units_b"`                         // units they have in b
	UnitsGained    int      `json:"units_gained"`                    // units they have in b and not in a
	UnitsLost      int      `json:"units_lost"`                      // units they have in a and not in b
	AccountsA      int      `json:"accounts_a"`                      // accounts located in their units of a
	AccountsB      int      `json:"accounts_b"`                      // accounts located in their units of b
	AccountsGained int      `json:"accounts_gained"`                 // accounts of the units gained
	AccountsLost   int      `json:"accounts_lost"`                   // accounts of the units lost
	MarketA        float64  `json:"market_a"`                        // dollars per year, a's market assumptions
	MarketB        float64  `json:"market_b"`                        // dollars per year, b's market assumptions
	MarketGained   float64  `json:"market_gained"`                   // market of the units gained (b's), dollars per year
	MarketLost     float64  `json:"market_lost"`                     // market of the units lost (a's), dollars per year
	// Open pipeline: Σ amount of the open deals of their accounts, dollars
	// (a blank amount counts 0).
	OpenPipelineA      float64 `json:"open_pipeline_a"`
	OpenPipelineB      float64 `json:"open_pipeline_b"`
	OpenPipelineGained float64 `json:"open_pipeline_gained"` // of the accounts gained, dollars
	OpenPipelineLost   float64 `json:"open_pipeline_lost"`   // of the accounts lost, dollars
	// Bookings: Σ amount of the won deals of their accounts closed from
	// bookings_from to bookings_to, dollars.
	BookingsA      float64 `json:"bookings_a"`
	BookingsB      float64 `json:"bookings_b"`
	BookingsGained float64 `json:"bookings_gained"` // of the accounts gained, dollars
	BookingsLost   float64 `json:"bookings_lost"`   // of the accounts lost, dollars
	Quota          float64 `json:"quota"`           // the user's quota, dollars per year; 0 = none (or no user)
	QuotaGained    float64 `json:"quota_gained"`    // quota when they own nothing in a and something in b, else 0
	QuotaLost      float64 `json:"quota_lost"`      // quota when they own something in a and nothing in b, else 0
	// Changed: they gain or lose a unit, or own territories in only one
	// of the two scenarios.
	Changed bool `json:"changed"`
}

// MovedUnit is a unit whose territory differs between two scenarios.
type MovedUnit struct {
	UnitID string `json:"unit_id"`
	From   string `json:"from"` // territory in scenario a
	To     string `json:"to"`   // territory in scenario b
}

// TerritoryDelta compares one territory id across two scenarios. A
// territory present on one side only has the other side's members null,
// and its deltas null.
type TerritoryDelta struct {
	ID    string  `json:"id"`
	NameA *string `json:"name_a"` // null when the territory is not in a
	NameB *string `json:"name_b"` // null when the territory is not in b
	// ExpectedA and ExpectedB are modelled revenue, dollars per year (see
	// basis_a, basis_b); null when that side has no such territory or no model.
	ExpectedA     *float64 `json:"expected_a"`
	ExpectedB     *float64 `json:"expected_b"`
	ExpectedDelta *float64 `json:"expected_delta"` // expected_b − expected_a, dollars per year
	Delta         *float64 `json:"delta"`          // = expected_delta, dollars per year
	ActualA       *float64 `json:"actual_a"`       // actual revenue in a, dollars per year
	ActualB       *float64 `json:"actual_b"`       // actual revenue in b, dollars per year
	ActualDelta   *float64 `json:"actual_delta"`   // actual_b − actual_a, dollars per year
	MarketA       *float64 `json:"market_a"`       // dollars per year
	MarketB       *float64 `json:"market_b"`       // dollars per year
	// AllocationDelta is b − a per resource, in resource units (whole
	// numbers for integer resources), each side's allocation on its basis:
	// the run's allocation for "run", the current one otherwise. Null when
	// the territory is on one side only.
	AllocationDelta map[string]float64 `json:"allocation_delta"`
}

// ComparisonTotals sums a comparison over the territories of each side.
type ComparisonTotals struct {
	ExpectedA     *float64 `json:"expected_a"`     // dollars per year; null without a model
	ExpectedB     *float64 `json:"expected_b"`     // dollars per year; null without a model
	ExpectedDelta *float64 `json:"expected_delta"` // expected_b − expected_a, dollars per year
	Delta         *float64 `json:"delta"`          // = expected_delta, dollars per year
	ActualA       float64  `json:"actual_a"`       // dollars per year
	ActualB       float64  `json:"actual_b"`       // dollars per year
	ActualDelta   float64  `json:"actual_delta"`   // actual_b − actual_a, dollars per year
	// AllocationDelta is Σ b − Σ a per resource, resource units.
	AllocationDelta map[string]float64 `json:"allocation_delta" openapi:"nonnull"`
	UnitsMoved      int                `json:"units_moved"`
}

// PublishImpact is the answer of GET /api/v1/scenarios/{id}/publish-impact:
// what publishing the scenario changes for the people who own territories,
// against the plan published now (or, when none is, the scenario's parent).
type PublishImpact struct {
	ScenarioID  int64  `json:"scenario_id"`
	PublishedID *int64 `json:"published_id"` // the scenario published now; null when none is
	// AgainstID is the scenario compared with: the published one, else the
	// scenario's parent; null when there is neither (every territory is added).
	AgainstID *int64            `json:"against_id"`
	Changes   []TerritoryImpact `json:"changes" openapi:"nonnull"` // only territories that change, by id
	// RepsAffected names every owner of a territory that changes (its
	// owners before and after, and users whose territories list its id).
	RepsAffected []string `json:"reps_affected" openapi:"nonnull"`
}

// TerritoryImpact is what publishing changes for one territory, by id.
// Money in dollars per year; revenue is actual revenue (market estimates),
// market with each plan's market assumptions.
type TerritoryImpact struct {
	Territory string   `json:"territory"` // territory id
	Name      string   `json:"name"`      // its name in the new plan (the old one when removed)
	Owners    []string `json:"owners" openapi:"nonnull"`
	// Status is "changed" (in both plans), "added" (only in the new plan:
	// a new id) or "removed" (only in the plan in force).
	Status          string   `json:"status"`
	UnitsGained     int      `json:"units_gained"`
	UnitsLost       int      `json:"units_lost"`
	AccountsGained  int      `json:"accounts_gained"`
	AccountsLost    int      `json:"accounts_lost"`
	MarketGained    float64  `json:"market_gained"`    // dollars per year
	MarketLost      float64  `json:"market_lost"`      // dollars per year
	RevenueGained   float64  `json:"revenue_gained"`   // actual revenue, dollars per year
	RevenueLost     float64  `json:"revenue_lost"`     // actual revenue, dollars per year
	HeadcountBefore *float64 `json:"headcount_before"` // reps in the plan in force; null when it has no such territory or no headcount resource
	HeadcountAfter  *float64 `json:"headcount_after"`  // reps in the new plan; null likewise
}

// RunList is the answer of GET /api/v1/scenarios/{id}/runs.
type RunList struct {
	Runs []*terrane.Run `json:"runs" openapi:"nonnull"`
}

// RunInput is what a run records as its input: everything the solve
// depends on, so that its hash identifies a reproducible run. The fields
// are in key order, as the map it replaced marshalled them.
type RunInput struct {
	Budget            float64            `json:"budget"` // dollars per year
	Kind              string             `json:"kind"`
	Resources         []terrane.Resource `json:"resources"`
	ScenarioID        int64              `json:"scenario_id"`
	ScenarioUpdatedAt time.Time          `json:"scenario_updated_at"`
	Seed              int64              `json:"seed"`
	Settings          json.RawMessage    `json:"settings"`
	// Fit is a fit run's options, as requested; absent for other kinds.
	Fit *plan.FitRequest `json:"fit,omitempty"`
}

// RunEvent is the data of one message of a run's event stream
// (GET /api/v1/runs/{rid}/events).
type RunEvent struct {
	// Run is the run as it stands (without its input; with its result on
	// the last message).
	Run *terrane.Run `json:"run" openapi:"nonnull"`
	// The last message of a succeeded run carries what the map and the
	// table need, so no request follows it: the scenario, its territories as
	// GET …/territories answers, and, when the run redrew them, its
	// assignments as GET …/assignments answers.
	Scenario    *terrane.Scenario `json:"scenario,omitempty"`
	Territories *TerritoryList    `json:"territories,omitempty"`
	Assignments map[string]string `json:"assignments,omitempty"`
}

// AccountList is the answer of GET /api/v1/accounts.
type AccountList struct {
	Accounts []*terrane.Account `json:"accounts" openapi:"nonnull"`
}

// OpportunityList is the answer of GET /api/v1/layers/{layer}/opportunities:
// the layer's current opportunities, ordered by id.
type OpportunityList struct {
	Opportunities []*terrane.Opportunity `json:"opportunities" openapi:"nonnull"`
}

// HistoryList is the answer of GET /api/v1/layers/{layer}/history: the
// layer's current history, ordered by period start, territory and unit.
type HistoryList struct {
	History []*terrane.HistoryRow `json:"history" openapi:"nonnull"`
}

// ImportForm is the multipart form of POST /api/v1/imports.
type ImportForm struct {
	File     []byte `json:"file" openapi:"required,binary"` // the file; its format is detected from its content
	Kind     string `json:"kind" openapi:"required"`
	Layer    string `json:"layer"`    // layer id; units create it if needed; for assignments the scenario's layer is the default
	Scenario int64  `json:"scenario"` // scenario id, required for assignments and resources
	// Options are the kind's options (docs/import.md), e.g. id, name,
	// region, revenue, lon, lat, postal_code, group, date, unit_id,
	// territory_id, market.
	Options map[string]string `json:"-" openapi:"inline"`
}

// UserList is the answer of GET /api/v1/users.
type UserList struct {
	Users []*terrane.User `json:"users" openapi:"nonnull"`
}

// UserRequest is the body of POST /api/v1/users.
type UserRequest struct {
	Name        string   `json:"name" openapi:"required"`
	Role        string   `json:"role" openapi:"required"`
	Password    string   `json:"password"`    // at least 8 characters; empty = cannot sign in with a password
	Territories []string `json:"territories"` // territory ids a rep owns
}

// UserPatch is the body of PATCH /api/v1/users/{uid}; an absent member is
// left as it is.
type UserPatch struct {
	Role        *string   `json:"role"`        // admin, leader, analyst or rep
	Territories *[]string `json:"territories"` // territory ids the user owns in the scenario; replaces the list
	Scenario    int64     `json:"scenario"`    // scenario whose territories these are; 0 = the baseline holding them
	Email       *string   `json:"email"`       // "" = none
	Manager     *string   `json:"manager"`     // the manager's name; "" = none
	Region      *string   `json:"region"`      // sales region; "" = none
	Cost        *float64  `json:"cost"`        // fully loaded cost, dollars per year
	Capacity    *float64  `json:"capacity"`    // selling time, hours per year
	Quota       *float64  `json:"quota"`       // quota, dollars per year
	// Password sets a new password (at least 8 characters), e.g. a new
	// rep's first one; their API tokens stay valid. Absent = unchanged.
	Password *string `json:"password"`
}

// TokenRequest is the body of POST /api/v1/tokens.
type TokenRequest struct {
	Label string `json:"label"`
}

// TokenList is the answer of GET /api/v1/tokens.
type TokenList struct {
	Tokens []*terrane.Token `json:"tokens" openapi:"nonnull"`
}

// IssuedToken is a new API token with its secret, shown this once.
type IssuedToken struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	Token     string    `json:"token"` // the bearer secret
	CreatedAt time.Time `json:"created_at"`
}

// ConflictResolveRequest is the body of POST
// /scenarios/{id}/conflicts/resolve.
type ConflictResolveRequest struct {
	// Action is give_accounts_to_owner (each mismatched account's CRM
	// owner, and each cross-territory deal's owner, becomes an owner of the
	// account's territory) or move_accounts_to_owner (the unit of each
	// mismatched account moves to its CRM owner's territory, where
	// possible).
	Action string `json:"action" openapi:"required"`
}

// ConflictResolution is the answer of POST
// /scenarios/{id}/conflicts/resolve: what changed, what could not be
// resolved, and each kind's count before and after.
type ConflictResolution struct {
	Action string `json:"action"`
	// Changed is false when there was nothing the action could change:
	// nothing was written, audited or counted in the version.
	Changed       bool              `json:"changed"`
	OwnersAdded   []plan.OwnerAdded `json:"owners_added" openapi:"nonnull"`   // give_accounts_to_owner
	Moves         []plan.UnitMove   `json:"moves" openapi:"nonnull"`          // move_accounts_to_owner
	NotResolvable []plan.Unresolved `json:"not_resolvable" openapi:"nonnull"` // with the reason of each
	Before        map[string]int    `json:"before" openapi:"nonnull"`         // conflicts of each kind before
	After         map[string]int    `json:"after" openapi:"nonnull"`          // … and after the action
	// ScenarioVersion is the scenario's version after the change (stored
	// results are stale when it changed).
	ScenarioVersion int64 `json:"scenario_version"`
}
