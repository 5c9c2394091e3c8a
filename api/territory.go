package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

// planServices adapts the API's services to what package plan needs.
type planServices struct {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.RunService
}

func (s *Server) plan() plan.Services {
	return planServices{s.svc.Geography, s.svc.Scenarios, s.svc.Runs}
}

// owns reports whether the user is an owner of the territory.
func owns(u *terrane.User, t *terrane.Territory) bool {
	for _, id := range u.Territories {
		if id == t.ID {
			return true
		}
	}
	for _, o := range t.Owners {
		if o == u.Name {
			return true
		}
	}
	return false
}

// scenarioView is a scenario's inputs, metrics and stored results, as the
// caller may see them (reps: only their own territories). Its inputs are
// shared with other requests: read them, never change them.
type scenarioView struct {
	*snapshot
	metrics []plan.TerritoryMetrics
	totals  plan.Totals
	visible map[string]bool // territory ids the caller may see
}

// snapshot is a scenario's inputs and metrics at one version of the
// scenario, its layer and its stored results; immutable once built.
type snapshot struct {
	in      *plan.Inputs
	results *plan.Results // nil before any run stored results
	stale   bool          // the scenario or its layer changed since the results
	metrics []plan.TerritoryMetrics
	totals  plan.Totals
	// listJSON is GET …/territories for callers who see every territory,
	// encoded once.
	listJSON []byte

	// assignmentsJSON is GET …/assignments for callers who see every
	// territory, encoded on the first such request: 432 kB and 15-25 ms of
	// encoding for us-zips, on the path of every map load.
	assignmentsOnce sync.Once
	assignmentsJSON []byte
	assignmentsErr  error

	problemOnce sync.Once
	problem     *allocate.Problem // calibrated on demand, when no run stored curves
	problemErr  error

	optimumOnce sync.Once
	optimum     *allocate.Result // solved on demand, for compare when no current run stored one
	optimumErr  error

	accountsOnce sync.Once
	accounts     map[string]string  // account id → territory id, for KPIs
	accountList  []*terrane.Account // the layer's accounts, for conflicts
	accountsErr  error
}

// solvedOptimum is the scenario's optimal allocation on its inputs as they
// are now, solved once per snapshot (compare reads it on every request).
func (sn *snapshot) solvedOptimum() (*allocate.Result, error) {
	sn.optimumOnce.Do(func() {
		p, err := sn.allocationProblem()
		if err != nil {
			sn.optimumErr = err
			return
		}
		// Not the request's context: the result is shared by every request.
		sn.optimum, sn.optimumErr = allocate.Solve(context.Background(), p, nil)
	})
	return sn.optimum, sn.optimumErr
}

// allocationProblem is the scenario's calibrated allocation problem,
// computed once per snapshot.
func (sn *snapshot) allocationProblem() (*allocate.Problem, error) {
	sn.problemOnce.Do(func() { sn.problem, sn.problemErr = plan.AllocationProblem(sn.in) })
	return sn.problem, sn.problemErr
}

// snapshots keeps the latest snapshot of each scenario read recently, so a
// read loads the inputs and computes the metrics once per change, not once
// per request. Keyed by versions, it is right across processes too.
type snapshots struct {
	mu      sync.Mutex
	entries map[int64]*snapshotEntry
}

type snapshotEntry struct {
	mu  sync.Mutex // held while (re)building, so concurrent readers wait for one build
	cur *snapshot
	key [3]int64 // scenario version, layer version, results run id
	at  time.Time
}

func (s *Server) snapshot(ctx context.Context, sc *terrane.Scenario) (*snapshot, error) {
	runID := sc.ResultsRunID
	key := [3]int64{sc.Version, sc.LayerVersion, runID}
	s.snaps.mu.Lock()
	if s.snaps.entries == nil {
		s.snaps.entries = map[int64]*snapshotEntry{}
	}
	e := s.snaps.entries[sc.ID]
	if e == nil {
		if len(s.snaps.entries) >= 64 { // forget the least recently built
			var old int64
			var oldAt time.Time
			for id, x := range s.snaps.entries {
				if oldAt.IsZero() || x.at.Before(oldAt) {
					old, oldAt = id, x.at
				}
			}
			delete(s.snaps.entries, old)
		}
		e = &snapshotEntry{}
		s.snaps.entries[sc.ID] = e
	}
	s.snaps.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur != nil && e.key == key {
		return e.cur, nil
	}
	// What the worker of this process just read and stored, when it is
	// what this read would load; else the store.
	var in *plan.Inputs
	var raw *terrane.Results
	var err error
	if s.svc.Events != nil {
		if p, ok := s.svc.Events.Take(sc.ID); ok && p.Inputs.Scenario.Version == sc.Version && p.Inputs.Scenario.LayerVersion == sc.LayerVersion &&
			p.Results != nil && p.Results.RunID == sc.ResultsRunID {
			in, raw = p.Inputs, p.Results
		}
	}
	if in == nil {
		if in, err = plan.Load(ctx, s.plan(), sc.ID, false); err != nil {
			return nil, err
		}
	}
	runID = in.Scenario.ResultsRunID
	if runID != 0 && raw == nil {
		if raw, err = s.svc.Runs.FindResults(ctx, sc.ID); err != nil && terrane.ErrorCode(err) != terrane.ENOTFOUND {
			return nil, err
		}
	}
	sn := &snapshot{in: in}
	if raw != nil {
		runID = raw.RunID
		if sn.results, err = plan.ParseResults(raw); err != nil {
			return nil, err
		}
		sn.stale = sn.results.Stale(in.Scenario)
	}
	sn.metrics, sn.totals = plan.Metrics(in, sn.results)
	v := &scenarioView{snapshot: sn, metrics: sn.metrics, totals: sn.totals}
	if sn.listJSON, err = json.Marshal(v.territoriesResponse()); err != nil {
		return nil, err
	}
	e.cur, e.key, e.at = sn, [3]int64{in.Scenario.Version, in.Scenario.LayerVersion, runID}, time.Now()
	return sn, nil
}

func (s *Server) view(c *gin.Context, param string) (*scenarioView, error) {
	sc, err := s.scenario(c, param)
	if err != nil {
		return nil, err
	}
	return s.viewOf(c, sc)
}

func (s *Server) viewOf(c *gin.Context, sc *terrane.Scenario) (*scenarioView, error) {
	sn, err := s.snapshot(c.Request.Context(), sc)
	if err != nil {
		return nil, err
	}
	v := &scenarioView{snapshot: sn, metrics: sn.metrics, totals: sn.totals}
	if !isRep(c) {
		return v, nil
	}
	v.visible = map[string]bool{}
	u := currentUser(c)
	for _, t := range sn.in.Territories {
		if owns(u, t) {
			v.visible[t.ID] = true
		}
	}
	v.metrics = nil
	for _, m := range sn.metrics {
		if v.visible[m.ID] {
			v.metrics = append(v.metrics, m)
		}
	}
	// A rep's totals are their own territories only.
	v.totals = plan.Totals{Territories: len(v.metrics)}
	for _, m := range v.metrics {
		v.totals.Units += m.Units
		v.totals.Accounts += m.Accounts
		v.totals.Market += m.Market.Market
		v.totals.Revenue += m.Revenue
		v.totals.Headroom += m.Headroom
	}
	return v, nil
}

// sees reports whether the caller may see territory id.
func (v *scenarioView) sees(id string) bool { return v.visible == nil || v.visible[id] }

// territoriesResponse is GET …/territories as the caller may see it.
func (v *scenarioView) territoriesResponse() TerritoryList {
	out := TerritoryList{Territories: orEmpty(v.metrics), Totals: v.totals, Stale: v.stale, ScenarioVersion: v.in.Scenario.Version}
	if r := v.results; r != nil {
		id, ver, at := r.RunID, r.ScenarioVersion, r.ComputedAt
		out.RunID, out.ResultsVersion, out.ComputedAt = &id, &ver, &at
	}
	return out
}

func (s *Server) listTerritories(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if v.visible == nil {
		c.Data(http.StatusOK, "application/json; charset=utf-8", v.listJSON)
		return
	}
	c.JSON(http.StatusOK, v.territoriesResponse())
}

func (s *Server) getTerritory(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	tid := c.Param("tid")
	var m *plan.TerritoryMetrics
	for i := range v.metrics {
		if v.metrics[i].ID == tid {
			m = &v.metrics[i]
		}
	}
	if m == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "territory %s not found in scenario %d", tid, v.in.Scenario.ID))
		return
	}
	var unitIDs []string
	for u, t := range v.in.Assignments {
		if t == tid {
			unitIDs = append(unitIDs, u)
		}
	}
	sort.Strings(unitIDs)
	accounts, err := s.svc.Geography.FindAccounts(c.Request.Context(), terrane.AccountFilter{Scenario: v.in.Scenario.ID, UnitIDs: orEmpty(unitIDs)})
	if err != nil {
		s.writeError(c, err)
		return
	}
	// The curves of the latest run's stored model; before any run, of the
	// scenario's calibration (computed once per scenario version).
	curves := map[string][]CurvePoint{}
	var curvesNote string
	var p *allocate.Problem
	var alloc map[string]float64
	if v.results != nil {
		p = v.results.Problem(tid)
		alloc = v.results.Territories[tid].Allocation
	}
	if p == nil {
		if p, err = v.allocationProblem(); err != nil {
			curvesNote = "no response curves: " + terrane.ErrorMessage(err)
			p = nil
		}
	}
	if p != nil {
		for _, pt := range p.Territories {
			if pt.ID != tid {
				continue
			}
			for _, r := range p.Resources {
				curves[r.Name] = responseCurve(p, pt, r.Name, alloc)
			}
		}
	}
	c.JSON(http.StatusOK, TerritoryDetail{Territory: m, UnitIDs: orEmpty(unitIDs), Accounts: orEmpty(accounts), Curves: curves, CurvesNote: curvesNote,
		RunID: v.territoriesResponse().RunID, Stale: v.stale})
}

// responseCurve samples a territory's revenue as one resource varies and the
// others stay at their current (or allocated) amounts, evaluated by the
// solver's own model (allocate.Evaluate).
func responseCurve(p *allocate.Problem, t allocate.Territory, resource string, alloc map[string]float64) []CurvePoint {
	at := map[string]float64{}
	for r, v := range t.Current {
		at[r] = v
	}
	for r, v := range alloc {
		at[r] = v
	}
	hi := 3 * math.Max(at[resource], t.Current[resource])
	if cv, ok := t.Curves[resource]; ok {
		hi = math.Max(hi, 3*cv.K)
	}
	if hi <= 0 {
		hi = 1
	}
	one := &allocate.Problem{Resources: p.Resources, Territories: []allocate.Territory{t}}
	const n = 40
	out := make([]CurvePoint, 0, n+1)
	for i := 0; i <= n; i++ {
		at[resource] = hi * float64(i) / n
		_, rev := allocate.Evaluate(one, map[string]map[string]float64{t.ID: at})
		out = append(out, CurvePoint{X: at[resource], Revenue: rev[t.ID]})
	}
	return out
}

// geometryCache keeps decoded unit geometry per layer and dissolved
// territories per scenario version, since dissolving is the slow part.
type geometryCache struct {
	mu        sync.Mutex
	units     map[string]map[string]orb.Geometry // layer → unit id → geometry
	dissolved map[string]map[string]orb.Geometry // scenario key → territory id → outline
	versions  map[string]int64                   // layer → the version its units were read at (tiles)
}

func (s *Server) unitGeometry(ctx context.Context, layer string) (map[string]orb.Geometry, error) {
	s.geoms.mu.Lock()
	defer s.geoms.mu.Unlock()
	if g, ok := s.geoms.units[layer]; ok {
		return g, nil
	}
	units, err := s.svc.Geography.FindUnits(ctx, terrane.UnitFilter{Layer: layer})
	if err != nil {
		return nil, err
	}
	g := make(map[string]orb.Geometry, len(units))
	for _, u := range units {
		g[u.ID] = u.Geometry
	}
	if s.geoms.units == nil {
		s.geoms.units = map[string]map[string]orb.Geometry{}
	}
	s.geoms.units[layer] = g
	return g, nil
}

// dissolve outlines groups of units (group key → unit ids), caching by key.
func (s *Server) dissolve(ctx context.Context, layer, cacheKey string, groups map[string][]string) (map[string]orb.Geometry, error) {
	s.geoms.mu.Lock()
	if d, ok := s.geoms.dissolved[cacheKey]; ok {
		s.geoms.mu.Unlock()
		return d, nil
	}
	s.geoms.mu.Unlock()
	unitGeoms, err := s.unitGeometry(ctx, layer)
	if err != nil {
		return nil, err
	}
	out := make(map[string]orb.Geometry, len(groups))
	for key, ids := range groups {
		gs := make([]orb.Geometry, 0, len(ids))
		for _, id := range ids {
			if g := unitGeoms[id]; g != nil {
				gs = append(gs, g)
			}
		}
		d, err := geo.Dissolve(gs)
		if err != nil {
			return nil, fmt.Errorf("api: dissolve %s: %w", key, err)
		}
		out[key] = d
	}
	s.geoms.mu.Lock()
	if s.geoms.dissolved == nil || len(s.geoms.dissolved) > 64 {
		s.geoms.dissolved = map[string]map[string]orb.Geometry{}
	}
	s.geoms.dissolved[cacheKey] = out
	s.geoms.mu.Unlock()
	return out, nil
}

// territoriesGeoJSON serves the scenario's territories dissolved, with their
// metrics flattened into properties.
func (s *Server) territoriesGeoJSON(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	groups := map[string][]string{}
	for u, t := range v.in.Assignments {
		groups[t] = append(groups[t], u)
	}
	key := fmt.Sprintf("scenario:%d:v%d", v.in.Scenario.ID, v.in.Scenario.Version)
	outlines, err := s.dissolve(c.Request.Context(), v.in.Scenario.Layer, key, groups)
	if err != nil {
		s.writeError(c, err)
		return
	}
	fc := TerritoryCollection{Type: "FeatureCollection", Features: []TerritoryFeature{}}
	for _, m := range v.metrics {
		g := outlines[m.ID]
		if g == nil {
			continue
		}
		fc.Features = append(fc.Features, TerritoryFeature{Type: "Feature", ID: m.ID, Properties: territoryProperties(m), Geometry: geojson.NewGeometry(g)})
	}
	c.Header("Content-Type", "application/geo+json")
	c.JSON(http.StatusOK, fc)
}

// regions serves a layer's units dissolved by region (state outlines).
func (s *Server) regions(c *gin.Context) {
	layer := c.Param("layer")
	if err := requireLayerReader(c, layer); err != nil {
		s.writeError(c, err)
		return
	}
	if _, err := s.svc.Geography.FindLayerByID(c.Request.Context(), layer); err != nil {
		s.writeError(c, err)
		return
	}
	// Regions only: the outlines come from the cached geometry.
	units, err := s.svc.Geography.FindUnits(c.Request.Context(), terrane.UnitFilter{Layer: layer, WithoutGeometry: true})
	if err != nil {
		s.writeError(c, err)
		return
	}
	groups := map[string][]string{}
	for _, u := range units {
		if u.Region != "" {
			groups[u.Region] = append(groups[u.Region], u.ID)
		}
	}
	outlines, err := s.dissolve(c.Request.Context(), layer, "regions:"+layer+":"+strconv.Itoa(len(units)), groups)
	if err != nil {
		s.writeError(c, err)
		return
	}
	keys := make([]string, 0, len(outlines))
	for k := range outlines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fc := RegionCollection{Type: "FeatureCollection", Features: make([]RegionFeature, 0, len(keys))}
	for _, k := range keys {
		fc.Features = append(fc.Features, RegionFeature{Type: "Feature", ID: k, Properties: RegionProperties{Region: k}, Geometry: geojson.NewGeometry(outlines[k])})
	}
	c.Header("Cache-Control", "max-age=3600")
	c.JSON(http.StatusOK, fc)
}

func (s *Server) getAssignments(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if v.visible == nil {
		v.assignmentsOnce.Do(func() {
			all := v.in.Assignments
			if all == nil {
				all = map[string]string{}
			}
			v.assignmentsJSON, v.assignmentsErr = json.Marshal(AssignmentList{Assignments: all})
		})
		if v.assignmentsErr != nil {
			s.writeError(c, v.assignmentsErr)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", v.assignmentsJSON)
		return
	}
	out := map[string]string{}
	for u, t := range v.in.Assignments {
		if v.sees(t) {
			out[u] = t
		}
	}
	c.JSON(http.StatusOK, AssignmentList{Assignments: out})
}

// moveUnits reassigns units by hand and answers with the new balance and
// the territories that are no longer contiguous.
func (s *Server) moveUnits(c *gin.Context) {
	var req MovesRequest
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if len(req.Moves) == 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "moves must map at least one unit id to a territory id"))
		return
	}
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := sc.ReadOnlyError("its assignments"); err != nil {
		s.writeError(c, err)
		return
	}
	want, err := expectedVersion(c, req.Version)
	if err == nil && want == nil && c.Query("dry_run") != "true" {
		_, err = requiredVersion(c, nil)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	moved, check := 0, map[string]bool{}
	if c.Query("dry_run") != "true" {
		// The moves are row updates in one transaction, checked there
		// against the scenario as it is and the version the client read
		// (required here, requiredVersion).
		var from map[string]string
		if _, from, err = s.svc.Scenarios.MoveUnits(ctx, sc.ID, *want, req.Moves, currentUser(c).Name); err != nil {
			s.writeError(c, err)
			return
		}
		moved = len(from)
		for u, t := range from {
			check[t], check[req.Moves[u]] = true, true
		}
	}
	// The inputs read afresh (the shared snapshot is read-only): after a
	// write, the plan as stored; for a dry run, with the moves applied here.
	in, err := plan.Load(ctx, s.plan(), sc.ID, false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	known := map[string]bool{}
	for _, t := range in.Territories {
		known[t.ID] = true
	}
	units := make([]string, 0, len(req.Moves))
	for u := range req.Moves {
		units = append(units, u)
	}
	sort.Strings(units)
	if c.Query("dry_run") == "true" {
		if in.Scenario.Status == terrane.StatusPublished {
			s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is published and read-only", in.Scenario.ID))
			return
		}
		if want != nil && *want != in.Scenario.Version {
			s.writeError(c, terrane.Errorf(terrane.ECONFLICT, "scenario %d is at version %d, the moves were made on version %d — read it again", in.Scenario.ID, in.Scenario.Version, *want))
			return
		}
		for _, u := range units {
			t := req.Moves[u]
			if _, ok := in.Assignments[u]; !ok {
				s.writeError(c, terrane.Errorf(terrane.EINVALID, "moves: unit %s is not in scenario %d's layer", u, in.Scenario.ID))
				return
			}
			if !known[t] {
				s.writeError(c, terrane.Errorf(terrane.EINVALID, "moves: unit %s: territory %s does not exist", u, t))
				return
			}
		}
		for _, u := range units {
			if from := in.Assignments[u]; from != req.Moves[u] {
				check[from], check[req.Moves[u]] = true, true
				in.Assignments[u] = req.Moves[u]
				moved++
			}
		}
	}
	// The market as the solvers balance it: with the scenario's multipliers,
	// the same figures GET …/territories answers.
	counts := map[string]int{}
	for _, t := range in.Assignments {
		counts[t]++
	}
	markets := in.Markets()
	balance := make([]BalanceRow, 0, len(in.Territories))
	for _, t := range in.Territories {
		r := BalanceRow{Territory: t.ID, Units: counts[t.ID]}
		if m := markets[t.ID]; m != nil {
			r.Market, r.Revenue = m.Market, m.Revenue
		}
		balance = append(balance, r)
	}
	sort.Slice(balance, func(i, j int) bool { return balance[i].Territory < balance[j].Territory })
	edges, err := s.svc.Geography.FindAdjacency(ctx, in.Scenario.Layer)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, MoveResult{Moved: moved, Balance: balance, Noncontiguous: noncontiguous(in.Assignments, edges, check),
		ScenarioVersion: in.Scenario.Version, Status: in.Scenario.Status})
}

// patchTerritory sets current amounts of one territory of a draft (PATCH
// …/territories/{tid} {"current": {"headcount": 3}}), with the rules of a
// resources import: the same checks (terrane.Scenario.CheckCurrent) and the
// same store method (SetCurrent).
func (s *Server) patchTerritory(c *gin.Context) {
	var req TerritoryPatch
	if err := bindJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if len(req.Current) == 0 {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "current must map at least one resource name to an amount, e.g. {\"current\": {\"headcount\": 3}}"))
		return
	}
	sc, err := s.scenario(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	want, err := requiredVersion(c, req.Version)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	ts, err := s.svc.Scenarios.FindTerritories(ctx, sc.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	tid := c.Param("tid")
	var t *terrane.Territory
	for _, x := range ts {
		if x.ID == tid {
			t = x
		}
	}
	if t == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "territory %s not found in scenario %d", tid, sc.ID))
		return
	}
	if err := sc.DraftOnlyError("its current resources"); err != nil {
		s.writeError(c, err)
		return
	}
	names := make([]string, 0, len(req.Current))
	for r := range req.Current {
		names = append(names, r)
	}
	sort.Strings(names)
	amounts := make(map[string]float64, len(names))
	for _, r := range names {
		v := req.Current[r]
		if v == nil {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "current.%s: null; give an amount ≥ 0 (leave the resource out to keep its amount)", r))
			return
		}
		if msg := sc.CheckCurrent(r, *v); msg != "" {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "current.%s: %s", r, msg))
			return
		}
		amounts[r] = *v
	}
	stored, err := s.svc.Scenarios.SetCurrent(ctx, sc.ID, *want, map[string]map[string]float64{tid: amounts}, currentUser(c).Name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if t.Current == nil {
		t.Current = map[string]float64{}
	}
	for r, v := range amounts {
		t.Current[r] = v
		t.Assumed = slices.DeleteFunc(t.Assumed, func(a string) bool { return a == r })
	}
	t.Assumed = orEmpty(t.Assumed)
	c.JSON(http.StatusOK, TerritoryPatchResult{Territory: t, ScenarioVersion: stored.Version, Warnings: orEmpty(stored.CurrentOverTotals(ts))})
}

// noncontiguous lists the territories among check whose units do not form
// one connected piece through the adjacency graph. Territories whose units
// were already split (islands) are reported too: the warning is about the
// plan as it stands.
func noncontiguous(assignments map[string]string, edges [][2]string, check map[string]bool) []string {
	adj := map[string][]string{}
	for _, e := range edges {
		if assignments[e[0]] == assignments[e[1]] {
			adj[e[0]] = append(adj[e[0]], e[1])
			adj[e[1]] = append(adj[e[1]], e[0])
		}
	}
	members := map[string][]string{}
	for u, t := range assignments {
		members[t] = append(members[t], u)
	}
	out := []string{}
	for t, us := range members {
		if check != nil && !check[t] {
			continue
		}
		sort.Strings(us)
		seen := map[string]bool{us[0]: true}
		queue := []string{us[0]}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, w := range adj[u] {
				if !seen[w] {
					seen[w] = true
					queue = append(queue, w)
				}
			}
		}
		if len(seen) < len(us) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// frontier sweeps the budget (or one resource's total) and reports the
// optimal objective (revenue or profit, as the scenario maximises), its
// bound and the expected revenue at each point.
func (s *Server) frontier(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	if isRep(c) {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "frontier not found"))
		return
	}
	points := 12
	if q := c.Query("points"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 2 || n > 50 {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "points must be a whole number in [2, 50]"))
			return
		}
		points = n
	}
	resource := c.DefaultQuery("resource", "budget")
	p, err := v.allocationProblem()
	if err != nil {
		s.writeError(c, err)
		return
	}
	var base float64
	switch {
	case resource == "budget":
		if p.Budget == nil {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "resource=budget: scenario %d has no budget; set one or pick a resource", v.in.Scenario.ID))
			return
		}
		base = *p.Budget
	default:
		found := false
		for _, r := range p.Resources {
			if r.Name == resource && r.Total != nil {
				base, found = *r.Total, true
			}
		}
		if !found {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "resource=%s: not a resource with a total in scenario %d", resource, v.in.Scenario.ID))
			return
		}
	}
	out := []FrontierPoint{}
	var warm *allocate.Result
	for i := 0; i < points; i++ {
		amount := base * 2 * float64(i) / float64(points-1) // 0 … 2× today
		q := *p
		q.Resources = append([]allocate.Resource(nil), p.Resources...)
		if resource == "budget" {
			q.Budget = &amount
		} else {
			for j := range q.Resources {
				if q.Resources[j].Name == resource {
					a := amount
					q.Resources[j].Total = &a
				}
			}
		}
		res, err := allocate.Solve(c.Request.Context(), &q, &allocate.Settings{WarmStart: warm})
		if err != nil {
			s.writeError(c, err)
			return
		}
		if res.Status == allocate.Infeasible {
			continue
		}
		warm = res
		out = append(out, FrontierPoint{Amount: amount, Objective: res.Objective, Bound: math.Max(res.Bound, res.Objective),
			Revenue: res.TotalRevenue, Status: string(res.Status)})
	}
	kind := "revenue"
	if p.Objective == allocate.Profit {
		kind = "profit"
	}
	c.JSON(http.StatusOK, Frontier{Resource: resource, Objective: kind, Current: base, Points: out})
}
