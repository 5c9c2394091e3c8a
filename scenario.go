package terrane

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Scenario states. A scenario moves draft → approved → published; only one
// scenario is published at a time and a published scenario is read-only.
const (
	StatusDraft     = "draft"
	StatusApproved  = "approved"
	StatusPublished = "published"
)

// Resource is something to allocate: money, headcount, attention, or one the
// user adds.
type Resource struct {
	Name     string  `json:"name"`      // e.g. "headcount"
	Unit     string  `json:"unit"`      // what one unit of it is, e.g. "reps", "dollars per year", "hours per year"
	UnitCost float64 `json:"unit_cost"` // dollars per unit of the resource; 0 = free
	Integer  bool    `json:"integer"`   // allocated in whole units
	// Total is the most that may be allocated in all, in the resource's
	// units (a whole number for an integer resource); absent (nil) = no
	// limit, 0 = none at all.
	Total *float64 `json:"total,omitempty"`
}

// unitName is what one unit of r is called, for messages.
func (r Resource) unitName() string {
	if r.Unit != "" {
		return r.Unit
	}
	return "units"
}

// Territory is a named set of units in a scenario, owned by zero or more reps.
type Territory struct {
	ScenarioID int64              `json:"scenario_id"`
	ID         string             `json:"id"`      // unique within the scenario, e.g. "CA"
	Name       string             `json:"name"`    // for people
	Parent     string             `json:"parent"`  // id of the enclosing region territory; empty = top level
	Owners     []string           `json:"owners"`  // rep names
	Current    map[string]float64 `json:"current"` // current amount per resource name, in the resource's unit
	// Assumed lists, sorted, the resources whose current amount was
	// derived (from revenue: the sample's baseline, create_scenario, a
	// redrawn territory's share of assumed amounts) rather than supplied
	// (a resources import, PATCH …/territories/{tid}); each has a
	// Current entry. Empty (never null in JSON) when every amount was
	// supplied or there are none.
	Assumed []string `json:"assumed" openapi:"nonnull"`
	Locked  bool     `json:"locked"` // keep its units and its allocation as they are
}

// Validate reports the first problem with the territory's fields.
func (t *Territory) Validate() error {
	if t.ID == "" {
		return Errorf(EINVALID, "territory: id is required")
	}
	for r, v := range t.Current {
		if !finite(v) || v < 0 {
			return Errorf(EINVALID, "territory %s: current %s must be a finite number ≥ 0", t.ID, r)
		}
	}
	for i, r := range t.Assumed {
		if _, ok := t.Current[r]; !ok {
			return Errorf(EINVALID, "territory %s: assumed %s has no current amount", t.ID, r)
		}
		if i > 0 && t.Assumed[i-1] >= r {
			return Errorf(EINVALID, "territory %s: assumed must be sorted resource names, each once", t.ID)
		}
	}
	return nil
}

// AssumedAll returns the names of every current amount of t, sorted: what
// Assumed is for amounts that were all derived.
func (t *Territory) AssumedAll() []string {
	out := make([]string, 0, len(t.Current))
	for r := range t.Current {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// CheckCurrent says what is wrong with amount as the current amount of
// resource in scenario s — not one of its resources, not a finite number
// ≥ 0, not a whole number of an integer resource — or "" when nothing is.
// The resources import, PATCH …/territories/{tid} and the store all check
// with it.
func (s *Scenario) CheckCurrent(resource string, amount float64) string {
	var r *Resource
	names := make([]string, 0, len(s.Resources))
	for i := range s.Resources {
		names = append(names, s.Resources[i].Name)
		if s.Resources[i].Name == resource {
			r = &s.Resources[i]
		}
	}
	switch {
	case r == nil && len(names) == 0:
		return fmt.Sprintf("unknown resource %q: scenario %d has no resources", resource, s.ID)
	case r == nil:
		return fmt.Sprintf("unknown resource %q: the resources of scenario %d are %s", resource, s.ID, strings.Join(names, ", "))
	case !finite(amount):
		return fmt.Sprintf("%s must be a finite number", resource)
	case amount < 0:
		return fmt.Sprintf("negative %s %v", resource, amount)
	case amount > 1e15:
		return fmt.Sprintf("%s %v is too large", resource, amount)
	case r.Integer && amount != math.Trunc(amount):
		return fmt.Sprintf("%s is allocated in whole %s: %v is not a whole number", resource, r.unitName(), amount)
	}
	return ""
}

// CurrentOverTotals returns a warning, one per resource, where the current
// amounts of territories add up to more than the resource's total in s.
// Totals are never changed to fit: the planner decides (raise the total,
// or let the allocation take the difference back).
func (s *Scenario) CurrentOverTotals(territories []*Territory) []string {
	var out []string
	for _, r := range s.Resources {
		if r.Total == nil {
			continue
		}
		var sum float64
		for _, t := range territories {
			sum += t.Current[r.Name]
		}
		if sum > *r.Total*(1+1e-9)+1e-9 {
			out = append(out, fmt.Sprintf("%s: the current amounts add up to %s %s, more than the scenario's total of %s; the total is left as it is (raise it with PATCH /api/v1/scenarios/%d, or the allocation takes the difference back)",
				r.Name, strconv.FormatFloat(sum, 'f', -1, 64), r.unitName(), strconv.FormatFloat(*r.Total, 'f', -1, 64), s.ID))
		}
	}
	return out
}

// Scenario is a named plan: an alignment of units to territories, resource
// totals and constraints, market assumptions and solver settings.
type Scenario struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"` // unique
	Layer    string `json:"layer"`
	ParentID int64  `json:"parent_id"` // scenario it was branched from; 0 = none (a baseline)
	// Baseline is true for a scenario branched from none (ParentID 0): the
	// current plan, the sample's or one imported, that comparisons use. It
	// is read-only (budget, resources, settings, assignments, redrawing
	// runs); branch it to change it. Computed, never stored.
	Baseline  bool            `json:"baseline"`
	Status    string          `json:"status"` // draft, approved or published
	Budget    float64         `json:"budget"` // dollars per year over all resources; 0 = no budget limit
	Resources []Resource      `json:"resources"`
	Settings  json.RawMessage `json:"settings"` // solver settings and market assumptions, free-form JSON object
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	// Version counts the changes to the scenario's inputs (budget,
	// resources, settings, territories); a status change does not count.
	Version int64 `json:"version"`
	// LayerVersion is the version of its layer's data (units, accounts,
	// market estimates), read with the scenario; for an approved or
	// published scenario, the version when its inputs were frozen (an
	// import changes drafts only, so its results do not go stale).
	LayerVersion int64 `json:"layer_version"`
	// ResultsRunID is the run whose results are stored for the scenario; 0
	// before any run stored results.
	ResultsRunID int64 `json:"results_run_id"`
}

// ReadOnlyError is the ECONFLICT answered for a change to a baseline
// scenario (what names the change, e.g. "its settings"), or nil when s is
// not a baseline.
func (s *Scenario) ReadOnlyError(what string) error {
	if s.ParentID != 0 {
		return nil
	}
	return Errorf(ECONFLICT, "scenario %d %q is the baseline, the current plan every comparison uses, and is read-only: %s cannot be changed; branch it (POST /api/v1/scenarios with \"from\": %d) and change the branch", s.ID, s.Name, what, s.ID)
}

// DraftOnlyError is the ECONFLICT answered for a change that only a draft
// takes (what names it, e.g. "its current resources"), or nil when s is a
// draft: an approved or published plan keeps the inputs it was approved
// on.
func (s *Scenario) DraftOnlyError(what string) error {
	if s.Status == StatusDraft {
		return nil
	}
	return Errorf(ECONFLICT, "scenario %d %q is %s: %s change in drafts only, so the inputs it was approved on stay as they were; branch it (POST /api/v1/scenarios with \"from\": %d) and change the branch", s.ID, s.Name, s.Status, what, s.ID)
}

// Validate reports the first problem with the scenario's fields.
func (s *Scenario) Validate() error {
	switch {
	case s.Name == "":
		return Errorf(EINVALID, "scenario: name is required")
	case len(s.Name) > 200:
		return Errorf(EINVALID, "scenario: name is longer than 200 characters")
	case s.Layer == "":
		return Errorf(EINVALID, "scenario %q: layer is required", s.Name)
	case !finite(s.Budget) || s.Budget < 0:
		return Errorf(EINVALID, "scenario %q: budget must be a finite number ≥ 0", s.Name)
	}
	switch s.Status {
	case StatusDraft, StatusApproved, StatusPublished:
	default:
		return Errorf(EINVALID, "scenario %q: status must be draft, approved or published, not %q", s.Name, s.Status)
	}
	seen := map[string]bool{}
	for i, r := range s.Resources {
		switch {
		case r.Name == "":
			return Errorf(EINVALID, "scenario %q: resources[%d].name is required", s.Name, i)
		case seen[r.Name]:
			return Errorf(EINVALID, "scenario %q: resource %q appears twice", s.Name, r.Name)
		case !finite(r.UnitCost) || r.UnitCost < 0:
			return Errorf(EINVALID, "scenario %q: resource %q unit_cost must be ≥ 0", s.Name, r.Name)
		case r.Total != nil && (!finite(*r.Total) || *r.Total < 0):
			return Errorf(EINVALID, "scenario %q: resources[%d].total (%s) must be a number ≥ 0", s.Name, i, r.Name)
		case r.Total != nil && r.Integer && *r.Total != math.Trunc(*r.Total):
			return Errorf(EINVALID, "scenario %q: resources[%d].total (%s) must be a whole number of %s, not %v: %s is allocated in whole units",
				s.Name, i, r.Name, r.unitName(), *r.Total, r.Name)
		}
		seen[r.Name] = true
	}
	if len(s.Settings) > 0 && !json.Valid(s.Settings) {
		return Errorf(EINVALID, "scenario %q: settings must be valid JSON", s.Name)
	}
	return nil
}

// ScenarioFilter selects scenarios; zero fields select everything.
type ScenarioFilter struct {
	Layer  string
	Status string
	Offset int
	Limit  int // 0 = no limit
}

// ScenarioUpdate holds the fields to change; nil fields stay as they are.
type ScenarioUpdate struct {
	Name      *string
	Status    *string
	Budget    *float64
	Resources []Resource // nil = unchanged
	Settings  json.RawMessage
	// IfVersion, when set, is the Version the change was made on: the
	// update is refused (ECONFLICT, nothing written) if the scenario has
	// changed since.
	IfVersion *int64
}

// AuditEntry records one change to a scenario: who, when, what.
type AuditEntry struct {
	ID         int64     `json:"id"`
	ScenarioID int64     `json:"scenario_id"`
	Actor      string    `json:"actor"`  // user name
	Action     string    `json:"action"` // e.g. "create", "update", "assign", "publish"
	Detail     string    `json:"detail"` // JSON or text describing the change
	At         time.Time `json:"at"`
}

// ScenarioService manages scenarios, their territories and alignments, and
// their audit trail. Every change is recorded with its actor. Each method
// names the error codes it returns; any other error (the database failing)
// has code EINTERNAL.
type ScenarioService interface {
	// CreateScenario stores a scenario with its territories and alignment
	// (unit id → territory id) in one transaction, audited as "create" by
	// s.CreatedBy, and sets s.ID, CreatedAt, UpdatedAt, Version (1) and
	// LayerVersion; an empty Status
	// becomes draft and empty Settings {}. EINVALID if s or a territory
	// fails Validate, a territory id appears twice, a unit is assigned to a
	// territory not in territories, or s.Layer does not exist; ECONFLICT if
	// a scenario named s.Name exists.
	CreateScenario(ctx context.Context, s *Scenario, territories []*Territory, assignments map[string]string) error
	// FindScenarioByID returns the scenario. ENOTFOUND if there is none.
	FindScenarioByID(ctx context.Context, id int64) (*Scenario, error)
	// FindScenarios returns the scenarios f selects, ordered by id. EINVALID
	// if f.Offset or f.Limit is negative.
	FindScenarios(ctx context.Context, f ScenarioFilter) ([]*Scenario, error)
	// UpdateScenario changes the fields upd sets, audited by actor (as
	// "update", or as the new status when the status changes), and returns
	// the scenario as stored; a change to the budget, resources or settings
	// counts one change to its Version. Publishing a scenario moves the one published
	// before back to approved, so one is published at a time. ENOTFOUND if
	// there is no such scenario; ECONFLICT if it is published and upd does
	// more than change its status, or the new name is taken; EINVALID if the
	// changed scenario fails Validate.
	UpdateScenario(ctx context.Context, id int64, upd ScenarioUpdate, actor string) (*Scenario, error)
	// DeleteScenario removes the scenario with its territories, assignments,
	// runs and stored results, audited as "delete" by actor; its audit trail
	// stays.
	// ENOTFOUND if there is no such scenario; ECONFLICT if it is published.
	DeleteScenario(ctx context.Context, id int64, actor string) error
	// FindTerritories returns the scenario's territories ordered by id.
	// ENOTFOUND if the scenario does not exist.
	FindTerritories(ctx context.Context, scenarioID int64) ([]*Territory, error)
	// ReplaceTerritories replaces the scenario's territories and alignment
	// in one transaction, audited as "assign" by actor with the number of
	// units moved, and counts one change to its Version; an approved
	// scenario returns to draft. EINVALID if a territory fails Validate, a territory id
	// appears twice or a unit is assigned to a territory not in territories;
	// ENOTFOUND if the scenario does not exist; ECONFLICT if it is published.
	ReplaceTerritories(ctx context.Context, scenarioID int64, territories []*Territory, assignments map[string]string, actor string) error
	// ResolveConflicts replaces the territories (their owners) and
	// alignment of a draft scenario still at version in one transaction,
	// as POST …/conflicts/resolve does: audited as "resolve_conflicts" by
	// actor, the entry holding detail (what changed) with the units moved
	// as ReplaceTerritories lists them; it counts one change to the
	// scenario's Version and returns the scenario as stored. ECONFLICT if
	// the scenario is not a draft or is no longer at version; ENOTFOUND if
	// it does not exist; EINVALID as ReplaceTerritories.
	ResolveConflicts(ctx context.Context, scenarioID, version int64, territories []*Territory, assignments map[string]string, detail map[string]any, actor string) (*Scenario, error)
	// MoveUnits reassigns units (unit id → territory id) of the scenario
	// as row updates in one transaction, audited as "assign" by actor with
	// the units moved, and counts one change to its Version (none when no
	// unit changes territory). With version ≥ 0 the scenario must still be
	// at that version (ECONFLICT otherwise: nothing is moved). An approved
	// scenario returns to draft. It returns the scenario as stored and the
	// units moved, each with the territory it left. EINVALID if moves is empty, a unit is not in
	// the layer or a territory does not exist; ECONFLICT if the scenario is
	// a baseline or published; ENOTFOUND if it does not exist.
	MoveUnits(ctx context.Context, scenarioID, version int64, moves map[string]string, actor string) (*Scenario, map[string]string, error)
	// FindScenarioMarketEstimates returns the market estimates the
	// scenario reads, ordered by unit id: while it is approved or
	// published, the copy taken when it was approved (a later markets
	// import changes drafts only); its layer's otherwise. ENOTFOUND if the
	// scenario does not exist.
	FindScenarioMarketEstimates(ctx context.Context, scenarioID int64) ([]*MarketEstimate, error)
	// CountScenarioAccounts is CountAccounts of the accounts the scenario
	// reads (frozen like its market estimates). ENOTFOUND if the scenario
	// does not exist.
	CountScenarioAccounts(ctx context.Context, scenarioID int64) (map[string]int, error)
	// SetCurrent sets current amounts of territories of the scenario
	// (territory id → resource name → amount, in the resource's unit) in
	// one transaction: each amount given replaces the territory's current
	// amount of that resource and is no longer assumed; amounts not given
	// stay as they are, assumed or not. It is audited as "current" by
	// actor (each amount old → new), counts one change to the scenario's
	// Version and returns the scenario as stored. ENOTFOUND if the
	// scenario or a territory does not exist; ECONFLICT if the scenario is
	// not a draft (an approved or published plan keeps the inputs it was
	// approved on); EINVALID if current is empty or an amount fails
	// Scenario.CheckCurrent. With version ≥ 0 the scenario must still be
	// at that version (ECONFLICT otherwise: nothing is changed).
	SetCurrent(ctx context.Context, scenarioID, version int64, current map[string]map[string]float64, actor string) (*Scenario, error)
	// FindAssignments returns the scenario's assignments, unit id → territory
	// id. ENOTFOUND if the scenario does not exist.
	FindAssignments(ctx context.Context, scenarioID int64) (map[string]string, error)
	// FindAudit returns the scenario's audit trail, oldest first. A deleted
	// scenario's trail remains; an id with none gives an empty list. It
	// returns no error code of its own.
	FindAudit(ctx context.Context, scenarioID int64) ([]*AuditEntry, error)
}
