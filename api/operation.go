package api

import (
	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

// operation documents one route of routeTable: what api/openapi.json says
// of it. The description is generated from these entries and the Go types
// of the bodies (go test ./api -run TestGenerateOpenAPI -update, or make
// generate); TestOpenAPIMatchesRoutes fails on a route without an entry.
type operation struct {
	summary   string
	id        string       // operationId; "" = method and path, e.g. get_scenarios_id
	query     []queryParam // query parameters
	request   any          // JSON request body, a value of its type; nil = none
	form      any          // multipart/form-data request body, a value of its type
	status    int          // success status
	response  []content    // success bodies by media type; none = no body
	events    any          // for a text/event-stream, the type of each message's data
	errors    []int        // error statuses answered in the ErrorBody shape; 413 goes with any request body
	errorBody map[int]any  // error statuses answered in another shape
	public    bool         // served without signing in
}

// queryParam is one query parameter.
type queryParam struct {
	name, typ, desc string // typ: "string" or "integer"
}

// content is a success body of one media type; body nil = binary.
type content struct {
	media string
	body  any
}

const (
	csvText     = "" // the body of a CSV export: text
	eventStream = "" // the body of a server-sent event stream: text
)

func jsonBody(v any) []content { return []content{{"application/json", v}} }

var (
	pageParams = []queryParam{
		{"offset", "integer", "rows to skip; default 0"},
		{"limit", "integer", "rows to return at most"},
	}
	signedIn   = []int{400, 401, 403}
	byID       = []int{400, 401, 403, 404}
	changingID = []int{400, 401, 403, 404, 409}
)

// operations documents every route of routeTable, by method and path.
var operations = map[string]operation{
	"GET /api/v1/openapi.json": {summary: "This OpenAPI description", status: 200,
		response: jsonBody(OpenAPIDocument{}), errors: []int{400}, public: true},
	"POST /api/v1/login": {summary: "Sign in with name and password; returns a bearer token and sets the session cookie",
		request: LoginRequest{}, status: 200, response: jsonBody(LoginResponse{}), errors: []int{400, 401, 409, 429}, public: true},
	"POST /api/v1/logout":       {summary: "Revoke the current session token", status: 204, errors: []int{400, 401, 403, 409}},
	"GET /api/v1/me":            {summary: "The signed-in user", status: 200, response: jsonBody(terrane.User{}), errors: signedIn},
	"GET /api/v1/layers":        {summary: "List layers of geography", status: 200, response: jsonBody(LayerList{}), errors: signedIn},
	"GET /api/v1/layers/:layer": {summary: "One layer", status: 200, response: jsonBody(terrane.Layer{}), errors: byID},
	"GET /api/v1/layers/:layer/units": {summary: "A layer's units as a GeoJSON FeatureCollection (id = unit id; properties = name, region, centroid, attributes). Without signing in: the built-in census layers only, with id, name and geometry",
		query: pageParams, status: 200, response: []content{{"application/geo+json", UnitCollection{}}}, errors: []int{400, 401, 404}, public: true},
	"GET /api/v1/layers/:layer/regions": {summary: "A layer's units dissolved by region (state outlines), GeoJSON. Without signing in: the built-in census layers only",
		status: 200, response: jsonBody(RegionCollection{}), errors: []int{400, 401, 404}, public: true},
	"GET /api/v1/layers/:layer/opportunities": {summary: "A layer's current opportunities (CRM deals) as imported: status won, lost or open, amount null when unknown (leader, analyst, admin)",
		status: 200, response: jsonBody(OpportunityList{}), errors: []int{400, 401, 403, 404, 501}},
	"GET /api/v1/layers/:layer/history": {summary: "A layer's current history as imported: revenue and resources per period and territory or unit (leader, analyst, admin)",
		status: 200, response: jsonBody(HistoryList{}), errors: []int{400, 401, 403, 404, 501}},
	"GET /api/v1/tiles/:layer/:z/:x/:y": {summary: "A Mapbox Vector Tile of a layer's units (y ends in .mvt), layer name 'units'; without signing in: the built-in census layers only", id: "get_tiles",
		status: 200, response: []content{{"application/vnd.mapbox-vector-tile", nil}}, errors: []int{400, 401, 404}, public: true},
	"GET /api/v1/scenarios": {summary: "List scenarios (reps: the published one only)",
		query:  append([]queryParam{{"status", "string", "draft, approved or published"}, {"layer", "string", "layer id"}}, pageParams...),
		status: 200, response: jsonBody(ScenarioList{}), errors: signedIn},
	"POST /api/v1/scenarios": {summary: "Branch a new draft scenario from another (leader, analyst, admin)",
		request: ScenarioRequest{}, status: 201, response: jsonBody(terrane.Scenario{}), errors: []int{400, 401, 403, 409}},
	"GET /api/v1/scenarios/:id": {summary: "One scenario", status: 200, response: jsonBody(terrane.Scenario{}), errors: byID},
	"PATCH /api/v1/scenarios/:id": {summary: "Change name, budget, resources or settings (409 when published)",
		request: ScenarioRequest{}, status: 200, response: jsonBody(terrane.Scenario{}), errors: changingID},
	"DELETE /api/v1/scenarios/:id": {summary: "Delete a scenario that is not published", status: 204, errors: changingID},
	"POST /api/v1/scenarios/:id/approve": {summary: "Approve a scenario (leader, admin)",
		status: 200, response: jsonBody(terrane.Scenario{}), errors: changingID},
	"POST /api/v1/scenarios/:id/publish": {summary: "Publish an approved scenario; the previously published one goes back to approved (leader, admin)",
		status: 200, response: jsonBody(terrane.Scenario{}), errors: changingID},
	"GET /api/v1/scenarios/:id/publish-impact": {summary: "What publishing the scenario changes for territory owners, against the published plan (or its parent): units, accounts, market and actual revenue gained and lost, headcount before and after (leader, admin)",
		status: 200, response: jsonBody(PublishImpact{}), errors: changingID},
	"GET /api/v1/scenarios/:id/kpis": {summary: "Pipeline KPIs (win rate, deal size, cycle, open pipeline, velocity, stale deals, attainment, coverage, bookings) by territory, rep, region or manager; reps: their own, by territory or rep",
		query: []queryParam{
			{"by", "string", "territory (default), rep, region or manager"},
			{"from", "string", "YYYY-MM-DD: won and lost deals closed, open deals created, on or after it"},
			{"to", "string", "YYYY-MM-DD: … on or before it"},
			{"as_of", "string", "YYYY-MM-DD the open deals are aged at; default the latest date in the data"},
		},
		status: 200, response: jsonBody(plan.KPIs{}), errors: byID},
	"GET /api/v1/scenarios/:id/conflicts": {summary: "Territory conflicts — owner_mismatch, cross_territory_deal, unassigned_account, split_customer, unowned_territory, rep_without_territory — with each kind's count and the open pipeline plus last 12 months' bookings at stake; reps: those touching their own territories",
		status: 200, response: jsonBody(plan.Conflicts{}), errors: []int{400, 401, 403, 404, 501}},
	"POST /api/v1/scenarios/:id/conflicts/resolve": {summary: "Resolve a draft's owner mismatches and cross-territory deals, {\"action\": \"give_accounts_to_owner\"} (the CRM owner becomes an owner of the account's territory) or \"move_accounts_to_owner\" (the account's unit moves to its owner's territory, where possible); one transaction, audited as resolve_conflicts; 409 unless a draft (leader, analyst, admin)",
		request: ConflictResolveRequest{}, status: 200, response: jsonBody(ConflictResolution{}), errors: []int{400, 401, 403, 404, 409, 501}},
	"GET /api/v1/scenarios/:id/audit": {summary: "The scenario's audit trail: who changed what, when",
		status: 200, response: jsonBody(AuditList{}), errors: byID},
	"GET /api/v1/scenarios/:id/territories": {summary: "Per-territory metrics (market, share, headroom, allocation, change, marginal return) and totals",
		status: 200, response: jsonBody(TerritoryList{}), errors: byID},
	"GET /api/v1/scenarios/:id/territories.geojson": {summary: "Territories dissolved into outlines with their metrics as properties",
		status: 200, response: []content{{"application/geo+json", TerritoryCollection{}}}, errors: byID},
	"GET /api/v1/scenarios/:id/territories/:tid": {summary: "One territory: metrics, unit ids, accounts and response curves",
		status: 200, response: jsonBody(TerritoryDetail{}), errors: byID},
	"PATCH /api/v1/scenarios/:id/territories/:tid": {summary: "Set current amounts of a territory of a draft, {\"current\": {\"headcount\": 3}}: each replaces the amount there was and is no longer assumed (as a resources import does); 409 unless the scenario is a draft",
		request: TerritoryPatch{}, status: 200, response: jsonBody(TerritoryPatchResult{}), errors: changingID},
	"GET /api/v1/scenarios/:id/assignments": {summary: "Unit id → territory id",
		status: 200, response: jsonBody(AssignmentList{}), errors: byID},
	"PATCH /api/v1/scenarios/:id/assignments": {summary: "Move units to territories by hand; returns balance figures (market with the scenario's multipliers, as the solvers see it) and non-contiguous territories",
		query:   []queryParam{{"dry_run", "string", "true: answer with the balance the moves would give, without saving them"}},
		request: MovesRequest{}, status: 200, response: jsonBody(MoveResult{}), errors: changingID},
	"GET /api/v1/scenarios/:id/frontier": {summary: "Optimal revenue as the budget (or a resource total) varies from 0 to twice today's",
		query:  []queryParam{{"resource", "string", "budget (default) or the name of a resource with a total"}, {"points", "integer", "points of the sweep, 2 to 50; default 12"}},
		status: 200, response: jsonBody(Frontier{}), errors: byID},
	"GET /api/v1/scenarios/:id/compare/:b": {summary: "Differences from scenario id to scenario b: moved units, revenue and allocation deltas, and the impact on people (accounts, market, open pipeline, bookings and quota per owner)",
		status: 200, response: jsonBody(Comparison{}), errors: byID},
	"GET /api/v1/scenarios/:id/exports/:file": {summary: "Export: territories.geojson, units.csv, accounts.csv, allocation.csv, salesforce-territory2.csv, salesforce-object-territory2-association.csv, salesforce-user-territory2-association.csv or hubspot-companies.csv (docs/export.md)",
		status: 200, response: []content{{"text/csv", csvText}, {"application/geo+json", TerritoryCollection{}}}, errors: byID},
	"POST /api/v1/scenarios/:id/runs": {summary: "Queue a solve (align, allocate or align+allocate) or a fit of the stored history (fit); answers 202 with the run",
		request: plan.RunRequest{}, status: 202, response: jsonBody(terrane.Run{}), errors: changingID},
	"GET /api/v1/scenarios/:id/runs": {summary: "The scenario's runs, newest first",
		query: pageParams, status: 200, response: jsonBody(RunList{}), errors: byID},
	"GET /api/v1/runs/:rid": {summary: "A run: status, progress (0–1) and, when done, its result",
		status: 200, response: jsonBody(terrane.Run{}), errors: byID},
	"DELETE /api/v1/runs/:rid": {summary: "Cancel a run", status: 200, response: jsonBody(terrane.Run{}), errors: changingID},
	"GET /api/v1/runs/:rid/problem": {summary: "The allocation problem a run solved, as `terrane solve allocate --in` reads it (404 when the run did not allocate)",
		status: 200, response: jsonBody(allocate.Problem{}), errors: byID},
	"GET /api/v1/runs/:rid/events": {summary: "A run's progress as server-sent events: \"progress\" on each change, then one \"done\" carrying the run, and for a succeeded run the scenario, its territories and (when redrawn) its assignments",
		id: "get_run_events", status: 200, response: []content{{"text/event-stream", eventStream}}, events: RunEvent{}, errors: byID},
	"GET /api/v1/accounts": {summary: "Accounts, optionally of one territory of a scenario (reps: their own only)",
		query: append([]queryParam{{"scenario", "integer", "scenario id; required with territory and for reps"},
			{"territory", "string", "territory id in the scenario"}, {"layer", "string", "layer id"}}, pageParams...),
		status: 200, response: jsonBody(AccountList{}), errors: byID},
	"POST /api/v1/imports": {summary: "Import a file: units (GeoJSON, TopoJSON, zipped Shapefile), assignments, accounts, market estimates, reps, current resources, opportunities or history (CSV); validated whole, written in one transaction (leader, analyst, admin)",
		form: ImportForm{}, status: 200, response: jsonBody(importer.Result{}), errors: []int{401, 403, 404, 409, 413, 501},
		errorBody: map[int]any{400: ImportErrorBody{}}},
	"GET /api/v1/users": {summary: "List users (admin)", status: 200, response: jsonBody(UserList{}), errors: signedIn},
	"POST /api/v1/users": {summary: "Create a user (admin)", request: UserRequest{}, status: 201,
		response: jsonBody(terrane.User{}), errors: []int{400, 401, 403, 409}},
	"PATCH /api/v1/users/:uid": {summary: "Change a user's role, territories (making them the territories' owner), manager, region, cost, capacity, quota or password (admin)",
		request: UserPatch{}, status: 200, response: jsonBody(terrane.User{}), errors: changingID},
	"DELETE /api/v1/users/:uid": {summary: "Delete a user (admin)", status: 204, errors: changingID},
	"GET /api/v1/tokens":        {summary: "The caller's API tokens", status: 200, response: jsonBody(TokenList{}), errors: signedIn},
	"POST /api/v1/tokens": {summary: "Issue an API token for the caller; the secret is shown once", request: TokenRequest{},
		status: 201, response: jsonBody(IssuedToken{}), errors: []int{400, 401, 403, 409}},
	"DELETE /api/v1/tokens/:tid": {summary: "Revoke a token", status: 204, errors: changingID},
}
