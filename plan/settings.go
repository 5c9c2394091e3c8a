package plan

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strings"

	"github.com/terrane/terrane"
)

// ScenarioSettings are a scenario's solver settings and market assumptions, stored as
// the scenario's settings JSON. Zero values mean the defaults noted.
type ScenarioSettings struct {
	// Note says what the scenario's data is, shown next to its name, e.g.
	// "sample company, simulated" on the sample's scenarios; branches keep it.
	Note            string             `json:"note,omitempty"`
	Objective       string             `json:"objective,omitempty"`        // "revenue" (default) or "profit"
	Margin          float64            `json:"margin,omitempty"`           // profit per revenue dollar for "profit"; 0 = 0.3
	ResourceWeights map[string]float64 `json:"resource_weights,omitempty"` // w_r, normalised to sum 1; absent = equal weights
	Shape           float64            `json:"shape,omitempty"`            // Hill exponent c of every curve; 0 = 0.8
	MaxChange       map[string]float64 `json:"max_change,omitempty"`       // |x − current| limit per resource, its units
	// Reference calibrates the curve of a resource in a territory that has
	// none of it today: per resource, the amount that stands in for
	// today's, in the resource's units per million dollars of the
	// territory's market (e.g. 0.5 reps per $1M). Absent = the national
	// ratio, Σ today's amount / Σ market over the scenario's territories.
	Reference map[string]float64 `json:"reference,omitempty"`
	Locks     []string           `json:"locks,omitempty"`  // territory ids kept as they are
	Bounds    map[string]Bounds  `json:"bounds,omitempty"` // per territory id
	// MarketMultipliers scale market size per territory id or region (a
	// unit's region, e.g. a state); "*" = all. A territory's own factor wins.
	MarketMultipliers map[string]float64 `json:"market_multipliers,omitempty"`
	// SaturationMultipliers scale the attainable share the same way,
	// capped at 100 % and never below today's share.
	SaturationMultipliers map[string]float64 `json:"saturation_multipliers,omitempty"`
	Align                 AlignSettings      `json:"align,omitempty"`
	// Curves chooses the response curves of an allocation: "auto" (the
	// default) fitted from the scenario's history where their back-test
	// beats the best naive forecast, else assumed from market share;
	// "fitted" wherever there is history; "assumed" never fitted.
	Curves string `json:"curves,omitempty"`
	// Robust also plans on the mean of the fitted curves over the fit's
	// posterior draws, and shows that plan next to the one on the curves
	// at the posterior mode (RobustOutcome).
	Robust bool `json:"robust,omitempty"`
}

// Bounds are the least and most of each resource a territory may get.
type Bounds struct {
	Min map[string]float64 `json:"min,omitempty"`
	Max map[string]float64 `json:"max,omitempty"`
}

// AlignSettings configure the alignment solver for a scenario.
type AlignSettings struct {
	K                int      `json:"k,omitempty"`                  // number of territories; 0 = as many as now
	Tolerance        float64  `json:"tolerance,omitempty"`          // balance on market size: mean ± this fraction; 0 = 0.05
	MaxMoved         *float64 `json:"max_moved,omitempty"`          // share of market that may change territory; nil = no limit
	TimeLimitSeconds float64  `json:"time_limit_seconds,omitempty"` // 0 = 20
	Seed             int64    `json:"seed,omitempty"`               // 0 = 1
	// Balances are the measures each territory is balanced on, each within
	// mean ± its tolerance: market (dollars per year, the default when the
	// list is empty, with Tolerance), accounts (a count), workload (hours
	// per year, from HoursPerAccount) and revenue (current revenue, dollars
	// per year). See measures.go.
	Balances []AlignBalance `json:"balances,omitempty"`
	// HoursPerAccount is the work an account takes by its segment, hours
	// per year, for the workload measure; a segment not listed takes the
	// "*" entry, else DefaultHoursPerAccount. nil = the default for all.
	HoursPerAccount map[string]float64 `json:"hours_per_account,omitempty"`
	// Centers is "rep_homes" to draw each territory around the home of
	// the rep who owns it (the unit holding or nearest the home is its fixed
	// center); "" = free centers (each territory's 1-median).
	Centers string `json:"centers,omitempty"`
}

// ParseScenarioSettings reads and checks a scenario's settings JSON.
func ParseScenarioSettings(raw json.RawMessage) (*ScenarioSettings, error) {
	var s ScenarioSettings
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, terrane.Errorf(terrane.EINVALID, "settings: %s", jsonMessage(err))
		}
	}
	return &s, s.Validate()
}

// CheckSettingsWrite is the check of settings a client writes, stricter
// than ParseScenarioSettings (which reads what is stored): an unknown key
// (at any depth) is an error naming it, and so is a territory id in locks
// or bounds that is not one of territories'.
func CheckSettingsWrite(raw json.RawMessage, territories map[string]bool) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var s ScenarioSettings
	if err := dec.Decode(&s); err != nil {
		msg := err.Error()
		if k, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			return terrane.Errorf(terrane.EINVALID, "settings: unknown key %s", k)
		}
		return terrane.Errorf(terrane.EINVALID, "settings: %v", err)
	}
	if err := s.Validate(); err != nil {
		return err
	}
	for _, t := range s.Locks {
		if !territories[t] {
			return terrane.Errorf(terrane.EINVALID, "settings.locks: territory %s does not exist in the scenario", t)
		}
	}
	ids := make([]string, 0, len(s.Bounds))
	for t := range s.Bounds {
		ids = append(ids, t)
	}
	sort.Strings(ids)
	for _, t := range ids {
		if !territories[t] {
			return terrane.Errorf(terrane.EINVALID, "settings.bounds.%s: territory %s does not exist in the scenario", t, t)
		}
	}
	return nil
}

// ForTerritories is the settings a reader of only the territories in
// visible may see: the scenario-wide keys a rep's figures depend on
// (objective, margin, shape, weights, reference) and the bounds, locks and
// multipliers of their own territories; other territories', the change
// limits and the alignment settings are left out.
func (s *ScenarioSettings) ForTerritories(visible map[string]bool) *ScenarioSettings {
	out := &ScenarioSettings{Objective: s.Objective, Margin: s.Margin, Shape: s.Shape, ResourceWeights: s.ResourceWeights, Reference: s.Reference, Note: s.Note}
	for _, t := range s.Locks {
		if visible[t] {
			out.Locks = append(out.Locks, t)
		}
	}
	pick := func(m map[string]float64) map[string]float64 {
		var o map[string]float64
		for k, v := range m {
			if visible[k] {
				if o == nil {
					o = map[string]float64{}
				}
				o[k] = v
			}
		}
		return o
	}
	out.MarketMultipliers = pick(s.MarketMultipliers)
	out.SaturationMultipliers = pick(s.SaturationMultipliers)
	for t, b := range s.Bounds {
		if visible[t] {
			if out.Bounds == nil {
				out.Bounds = map[string]Bounds{}
			}
			out.Bounds[t] = b
		}
	}
	return out
}

// Validate names the first setting out of range.
func (s *ScenarioSettings) Validate() error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	if n := len([]rune(s.Note)); n > 200 {
		return terrane.Errorf(terrane.EINVALID, "settings.note is %d characters; at most 200", n)
	}
	if err := validCurves(s.Curves); err != nil {
		return err
	}
	switch s.Objective {
	case "", "revenue", "profit":
	default:
		return terrane.Errorf(terrane.EINVALID, "settings.objective must be revenue or profit, not %q", s.Objective)
	}
	if bad(s.Margin) || s.Margin > 1 {
		return terrane.Errorf(terrane.EINVALID, "settings.margin must be in [0, 1]")
	}
	if bad(s.Shape) || s.Shape > 4 {
		return terrane.Errorf(terrane.EINVALID, "settings.shape must be in (0, 4]")
	}
	for r, w := range s.ResourceWeights {
		if bad(w) {
			return terrane.Errorf(terrane.EINVALID, "settings.resource_weights.%s must be a number ≥ 0", r)
		}
	}
	for r, v := range s.Reference {
		if bad(v) || v == 0 {
			return terrane.Errorf(terrane.EINVALID, "settings.reference.%s must be a number > 0 (units of %s per million dollars of market)", r, r)
		}
	}
	for r, v := range s.MaxChange {
		if bad(v) {
			return terrane.Errorf(terrane.EINVALID, "settings.max_change.%s must be a number ≥ 0", r)
		}
	}
	for t, m := range s.MarketMultipliers {
		if bad(m) || m == 0 || m > 100 {
			return terrane.Errorf(terrane.EINVALID, "settings.market_multipliers.%s must be in (0, 100]", t)
		}
	}
	for t, m := range s.SaturationMultipliers {
		if bad(m) || m == 0 || m > 100 {
			return terrane.Errorf(terrane.EINVALID, "settings.saturation_multipliers.%s must be in (0, 100]", t)
		}
	}
	for t, b := range s.Bounds {
		for r, v := range b.Min {
			if bad(v) {
				return terrane.Errorf(terrane.EINVALID, "settings.bounds.%s.min.%s must be a number ≥ 0", t, r)
			}
			if hi, ok := b.Max[r]; ok && hi < v {
				return terrane.Errorf(terrane.EINVALID, "settings.bounds.%s: min.%s > max.%s", t, r, r)
			}
		}
		for r, v := range b.Max {
			if bad(v) {
				return terrane.Errorf(terrane.EINVALID, "settings.bounds.%s.max.%s must be a number ≥ 0", t, r)
			}
		}
	}
	a := s.Align
	if a.K < 0 || a.K > 5000 {
		return terrane.Errorf(terrane.EINVALID, "settings.align.k must be in [1, 5000]")
	}
	if bad(a.Tolerance) || a.Tolerance > 1 {
		return terrane.Errorf(terrane.EINVALID, "settings.align.tolerance must be in [0, 1]")
	}
	if a.MaxMoved != nil && (bad(*a.MaxMoved) || *a.MaxMoved > 1) {
		return terrane.Errorf(terrane.EINVALID, "settings.align.max_moved must be in [0, 1]")
	}
	if bad(a.TimeLimitSeconds) || a.TimeLimitSeconds > 600 {
		return terrane.Errorf(terrane.EINVALID, "settings.align.time_limit_seconds must be in [0, 600]")
	}
	return a.validateMeasures()
}

func (s *ScenarioSettings) shape() float64 {
	if s.Shape > 0 {
		return s.Shape
	}
	return 0.8
}

func (s *ScenarioSettings) margin() float64 {
	if s.Margin > 0 {
		return s.Margin
	}
	return 0.3
}

// multiplier is the market-size factor for a unit of a territory in a
// region: the territory's own, else the region's, else "*", else 1.
func (s *ScenarioSettings) multiplier(territory, region string) float64 {
	return lookup(s.MarketMultipliers, territory, region)
}

func lookup(m map[string]float64, territory, region string) float64 {
	if v, ok := m[territory]; ok {
		return v
	}
	if v, ok := m[region]; ok && region != "" {
		return v
	}
	if v, ok := m["*"]; ok {
		return v
	}
	return 1
}

// saturationMultiplier is the factor on attainable share, looked up like
// multiplier.
func (s *ScenarioSettings) saturationMultiplier(territory, region string) float64 {
	return lookup(s.SaturationMultipliers, territory, region)
}

func (s *ScenarioSettings) locked(territory string) bool {
	for _, l := range s.Locks {
		if l == territory {
			return true
		}
	}
	return false
}

// CheckScenario checks a scenario as a planner means it, beyond
// terrane.Scenario.Validate: its settings parse and hold, and every amount
// of an integer resource — the total, settings.bounds min and max,
// settings.max_change — is a whole number (EINVALID naming the field).
func CheckScenario(sc *terrane.Scenario) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	set, err := ParseScenarioSettings(sc.Settings)
	if err != nil {
		return err
	}
	return set.checkResources(sc.Resources)
}

// checkResources names the first amount of an integer resource in the
// settings that is not a whole number.
func (s *ScenarioSettings) checkResources(resources []terrane.Resource) error {
	whole := func(field string, r terrane.Resource, v float64) error {
		if v == math.Trunc(v) {
			return nil
		}
		unit := r.Unit
		if unit == "" {
			unit = "units"
		}
		return terrane.Errorf(terrane.EINVALID, "%s must be a whole number of %s, not %v: %s is allocated in whole units", field, unit, v, r.Name)
	}
	for _, r := range resources {
		if !r.Integer {
			continue
		}
		if v, ok := s.MaxChange[r.Name]; ok {
			if err := whole("settings.max_change."+r.Name, r, v); err != nil {
				return err
			}
		}
		for _, t := range sortedKeys(s.Bounds) {
			b := s.Bounds[t]
			if v, ok := b.Min[r.Name]; ok {
				if err := whole("settings.bounds."+t+".min."+r.Name, r, v); err != nil {
					return err
				}
			}
			if v, ok := b.Max[r.Name]; ok {
				if err := whole("settings.bounds."+t+".max."+r.Name, r, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
