package allocate

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Objective names what Solve maximizes.
type Objective string

const (
	// Revenue maximizes Σ_i revenue_i, dollars per year.
	Revenue Objective = "revenue"
	// Profit maximizes Σ_i margin_i · revenue_i − Σ_i Σ_r unit_cost_r · x_ir,
	// dollars per year.
	Profit Objective = "profit"
)

// Problem is an allocation problem in the canonical JSON form read by
// `terrane solve allocate`. Absent fields impose nothing.
type Problem struct {
	// Objective is Revenue (the default when empty) or Profit.
	Objective Objective `json:"objective,omitempty"`
	// Budget caps Σ_i Σ_r unit_cost_r · x_ir, dollars per year; nil means
	// no budget.
	Budget *float64 `json:"budget,omitempty"`
	// Resources are the things to allocate, in the order results list them.
	Resources []Resource `json:"resources"`
	// Territories receive the resources.
	Territories []Territory `json:"territories"`
	// MaxChange limits |x_ir − current_ir| per resource name, in that
	// resource's units; a resource not listed may change freely.
	MaxChange map[string]float64 `json:"max_change,omitempty"`
}

// Resource is one thing to allocate: money, headcount, attention.
type Resource struct {
	// Name identifies the resource in curves, bounds and results.
	Name string `json:"name"`
	// UnitCost is the cost of one unit against the budget and in the
	// profit objective, dollars per year per unit; 0 means free.
	UnitCost float64 `json:"unit_cost"`
	// Integer makes every x_ir an integer (headcount).
	Integer bool `json:"integer"`
	// Total caps Σ_i x_ir, units of the resource; nil means no cap.
	Total *float64 `json:"total,omitempty"`
}

// Curve is a territory's response to one resource: beta · x^shape /
// (x^shape + k^shape), the ADBUDG/Hill curve of Little (1970).
type Curve struct {
	// Beta is the revenue at saturation above base, dollars per year.
	Beta float64 `json:"beta"`
	// K is the half-saturation amount (the curve reaches beta/2 at x = K),
	// units of the resource; must be positive.
	K float64 `json:"k"`
	// Shape is the Hill exponent c: ≤ 1 concave, > 1 S-shaped; 0 (absent)
	// means 1.
	Shape float64 `json:"shape,omitempty"`
}

// Territory is one receiver of resources and its response curves.
type Territory struct {
	// ID names the territory; unique within a problem.
	ID string `json:"id"`
	// Base is the revenue with no resources, dollars per year.
	Base float64 `json:"base"`
	// Margin is the fraction of revenue kept as profit, used by the Profit
	// objective; nil means 1.
	Margin *float64 `json:"margin,omitempty"`
	// Curves maps a resource name to this territory's response; a resource
	// with no curve contributes nothing here.
	Curves map[string]Curve `json:"curves,omitempty"`
	// Current is the present allocation, units per resource; absent is 0.
	Current map[string]float64 `json:"current,omitempty"`
	// Min is the least amount per resource, units; absent is 0.
	Min map[string]float64 `json:"min,omitempty"`
	// Max is the most amount per resource, units; absent is no limit.
	Max map[string]float64 `json:"max,omitempty"`
	// Locked keeps the territory at Current.
	Locked bool `json:"locked,omitempty"`
}

// InputError is a malformed problem: it names the territory (if any), the
// field and what is wrong, so a person can fix the input.
type InputError struct {
	// Territory is the territory id, or "" for problem-level fields.
	Territory string
	// Field is the JSON path of the field, e.g. "curves.money.k".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *InputError) Error() string {
	if e.Territory != "" {
		return fmt.Sprintf("allocate: territory %q: %s: %s", e.Territory, e.Field, e.Msg)
	}
	return fmt.Sprintf("allocate: %s: %s", e.Field, e.Msg)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate reports the first malformed field of p: NaN or infinite numbers,
// negative amounts, non-positive k, unknown resource names, duplicate ids.
// It does not check feasibility; an infeasible problem is valid and solves
// to status Infeasible.
func (p *Problem) Validate() error {
	bad := func(tid, field, format string, args ...any) error {
		return &InputError{Territory: tid, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch p.Objective {
	case "", Revenue, Profit:
	default:
		return bad("", "objective", "unknown objective %q (want %q or %q)", p.Objective, Revenue, Profit)
	}
	if p.Budget != nil && (!finite(*p.Budget) || *p.Budget < 0) {
		return bad("", "budget", "must be a finite non-negative number, got %v", *p.Budget)
	}
	if len(p.Resources) == 0 {
		return bad("", "resources", "at least one resource is required")
	}
	names := make(map[string]int, len(p.Resources))
	for j, r := range p.Resources {
		f := fmt.Sprintf("resources[%d]", j)
		if r.Name == "" {
			return bad("", f+".name", "must not be empty")
		}
		if r.Name == "budget" {
			return bad("", f+".name", "%q is reserved for the shared budget; name the resource e.g. \"money\"", r.Name)
		}
		if _, dup := names[r.Name]; dup {
			return bad("", f+".name", "duplicate resource %q", r.Name)
		}
		names[r.Name] = j
		if !finite(r.UnitCost) || r.UnitCost < 0 {
			return bad("", f+".unit_cost", "resource %q: must be a finite non-negative number, got %v", r.Name, r.UnitCost)
		}
		if r.Total != nil && (!finite(*r.Total) || *r.Total < 0) {
			return bad("", f+".total", "resource %q: must be a finite non-negative number, got %v", r.Name, *r.Total)
		}
	}
	for _, name := range sortedKeys(p.MaxChange) {
		v := p.MaxChange[name]
		if _, ok := names[name]; !ok {
			return bad("", "max_change."+name, "unknown resource %q", name)
		}
		if !finite(v) || v < 0 {
			return bad("", "max_change."+name, "must be a finite non-negative number, got %v", v)
		}
	}
	ids := make(map[string]bool, len(p.Territories))
	for j, t := range p.Territories {
		if t.ID == "" {
			return bad("", fmt.Sprintf("territories[%d].id", j), "must not be empty")
		}
		if ids[t.ID] {
			return bad(t.ID, "id", "duplicate territory id")
		}
		ids[t.ID] = true
		if !finite(t.Base) {
			return bad(t.ID, "base", "must be finite, got %v", t.Base)
		}
		if t.Margin != nil && !finite(*t.Margin) {
			return bad(t.ID, "margin", "must be finite, got %v", *t.Margin)
		}
		for _, name := range sortedKeys(t.Curves) {
			c := t.Curves[name]
			f := "curves." + name
			if _, ok := names[name]; !ok {
				return bad(t.ID, f, "unknown resource %q", name)
			}
			if !finite(c.Beta) || c.Beta < 0 {
				return bad(t.ID, f+".beta", "must be a finite non-negative number, got %v", c.Beta)
			}
			if !finite(c.K) || c.K <= 0 {
				return bad(t.ID, f+".k", "must be a finite positive number, got %v", c.K)
			}
			if !finite(c.Shape) || c.Shape < 0 || c.Shape > 20 {
				return bad(t.ID, f+".shape", "must be in (0, 20] (0 means 1), got %v", c.Shape)
			}
		}
		for _, m := range []struct {
			field string
			vals  map[string]float64
		}{{"current", t.Current}, {"min", t.Min}, {"max", t.Max}} {
			for _, name := range sortedKeys(m.vals) {
				v := m.vals[name]
				if _, ok := names[name]; !ok {
					return bad(t.ID, m.field+"."+name, "unknown resource %q", name)
				}
				if !finite(v) || v < 0 {
					return bad(t.ID, m.field+"."+name, "must be a finite non-negative number, got %v", v)
				}
			}
		}
		if t.Locked {
			for _, r := range p.Resources {
				if v := t.Current[r.Name]; r.Integer && v != math.Trunc(v) {
					return bad(t.ID, "current."+r.Name, "locked territory holds %v of integer resource %q", v, r.Name)
				}
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// item is one (territory, resource) pair: maximize a·h(x; k, c) − q·x over
// x in [lo, hi] (integers when the resource is integer).
type item struct {
	a  float64 // objective dollars per year at saturation: beta × (1 or margin)
	k  float64 // half-saturation, units (> 0; 1 when a == 0)
	c  float64 // Hill shape
	q  float64 // objective cost per unit (profit: unit cost), dollars per year per unit
	lo float64 // units
	hi float64 // units, +Inf when unbounded
	u  float64 // warm start of the Newton iteration, log((x/k)^c); NaN unset

	vlo, vhi float64 // value(lo), value(hi), objective dollars per year
	infl     float64 // inflection point for c > 1, units; 0 otherwise
}

// resModel is one resource with one item per territory.
type resModel struct {
	name    string
	idx     int
	cost    float64 // budget dollars per year per unit
	integer bool
	total   float64 // +Inf when absent
	coupled bool    // shares the budget
	nc      bool    // some item is not concave on its domain
	items   []item
}

// model is the index form of a Problem.
type model struct {
	res       []*resModel
	budget    float64 // +Inf when absent
	constant  float64 // objective dollars per year independent of x (Σ weighted base)
	weight    []float64
	profit    bool
	territory []string
}

// build turns a validated problem into the index form and lists the
// constraints that cannot all hold.
func build(p *Problem) (*model, []string) {
	m := &model{budget: math.Inf(1), profit: p.Objective == Profit}
	if p.Budget != nil {
		m.budget = *p.Budget
	}
	n := len(p.Territories)
	m.weight = make([]float64, n)
	m.territory = make([]string, n)
	for i, t := range p.Territories {
		w := 1.0
		if m.profit && t.Margin != nil {
			w = *t.Margin
		}
		m.weight[i] = w
		m.territory[i] = t.ID
		m.constant += w * t.Base
	}
	var conflicts []string
	for j, r := range p.Resources {
		rm := &resModel{name: r.Name, idx: j, cost: r.UnitCost, integer: r.Integer, total: math.Inf(1)}
		if r.Total != nil {
			rm.total = *r.Total
			if r.Integer {
				rm.total = math.Floor(rm.total + 1e-9)
			}
		}
		rm.coupled = r.UnitCost > 0 && p.Budget != nil
		mc, hasMC := p.MaxChange[r.Name]
		rm.items = make([]item, n)
		for i, t := range p.Territories {
			it := item{k: 1, c: 1, u: math.NaN(), hi: math.Inf(1)}
			if cv, ok := t.Curves[r.Name]; ok && cv.Beta > 0 {
				it.a = cv.Beta * m.weight[i]
				it.k = cv.K
				it.c = cv.Shape
				if it.c == 0 {
					it.c = 1
				}
			}
			if it.a < 0 { // negative margin: revenue is a cost here
				it.a = 0
			}
			if m.profit {
				it.q = r.UnitCost
			}
			cur := t.Current[r.Name]
			if t.Locked {
				it.lo, it.hi = cur, cur
				if v, ok := t.Min[r.Name]; ok && cur < v {
					conflicts = append(conflicts, fmt.Sprintf("territory %q is locked at %s %v below its min %v", t.ID, r.Name, cur, v))
				}
				if v, ok := t.Max[r.Name]; ok && cur > v {
					conflicts = append(conflicts, fmt.Sprintf("territory %q is locked at %s %v above its max %v", t.ID, r.Name, cur, v))
				}
			} else {
				it.lo = t.Min[r.Name]
				if v, ok := t.Max[r.Name]; ok {
					it.hi = v
				}
				if hasMC {
					it.lo = math.Max(it.lo, cur-mc)
					it.hi = math.Min(it.hi, cur+mc)
				}
				if r.Integer {
					it.lo = math.Ceil(it.lo-1e-9) + 0 // + 0 turns −0 into 0
					it.hi = math.Floor(it.hi+1e-9) + 0
				}
				if it.lo > it.hi {
					what := fmt.Sprintf("min %v", t.Min[r.Name])
					if hasMC && cur-mc > t.Min[r.Name] {
						what = fmt.Sprintf("current %v − max_change %v", cur, mc)
					}
					hiWhat := "max"
					if v, ok := t.Max[r.Name]; ok {
						hiWhat = fmt.Sprintf("max %v", v)
					}
					if hasMC && (!hasMax(t, r.Name) || cur+mc < t.Max[r.Name]) {
						hiWhat = fmt.Sprintf("current %v + max_change %v", cur, mc)
					}
					conflicts = append(conflicts, fmt.Sprintf("territory %q: %s needs at least %s = %v but at most %s = %v", t.ID, r.Name, what, it.lo, hiWhat, it.hi))
				}
			}
			it.prepare()
			rm.items[i] = it
		}
		rm.nc = rm.scanNonconcave()
		m.res = append(m.res, rm)
	}
	for _, rm := range m.res {
		if lo := rm.sumLo(); lo > rm.total*(1+1e-12)+1e-9 {
			conflicts = append(conflicts, fmt.Sprintf("total %s %v is below the %v the territories must keep (%s)", rm.name, rm.total, lo, whyLo(p, rm)))
		}
	}
	if need := m.budgetAtLo(); need > m.budget*(1+1e-12)+1e-9 {
		conflicts = append(conflicts, fmt.Sprintf("budget %v is below the cost %v of every territory's minimum", m.budget, need))
	}
	return m, conflicts
}

// whyLo names the territories whose least amount of rm is above zero and
// why: locked at its current amount, a min, or current − max_change; the
// first ten and a count of the rest.
func whyLo(p *Problem, rm *resModel) string {
	var out []string
	for i, t := range p.Territories {
		lo := rm.items[i].lo
		if lo <= 0 {
			continue
		}
		cur := t.Current[rm.name]
		switch v, ok := t.Min[rm.name]; {
		case t.Locked:
			out = append(out, fmt.Sprintf("%q locked at %v", t.ID, cur))
		case ok && v >= lo:
			out = append(out, fmt.Sprintf("%q min %v", t.ID, v))
		default:
			out = append(out, fmt.Sprintf("%q current %v − max_change %v", t.ID, cur, p.MaxChange[rm.name]))
		}
	}
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("and %d more", len(out)-10))
	}
	return strings.Join(out, ", ")
}

func hasMax(t Territory, name string) bool {
	_, ok := t.Max[name]
	return ok
}

func (rm *resModel) sumLo() float64 {
	s := 0.0
	for _, it := range rm.items {
		s += it.lo
	}
	return s
}

func (m *model) budgetAtLo() float64 {
	s := 0.0
	for _, rm := range m.res {
		if rm.cost > 0 {
			s += rm.cost * rm.sumLo()
		}
	}
	return s
}

// unbounded names resources whose optimum is infinite: free, uncapped and
// with a curve in a territory without a max.
func (m *model) unbounded() error {
	for _, rm := range m.res {
		if !math.IsInf(rm.total, 1) || rm.coupled || (m.profit && rm.cost > 0) {
			continue
		}
		var ids []string
		for i, it := range rm.items {
			if it.a > 0 && math.IsInf(it.hi, 1) {
				ids = append(ids, m.territory[i])
			}
		}
		if len(ids) > 0 {
			if len(ids) > 3 {
				ids = append(ids[:3], "…")
			}
			return &InputError{Field: "resources." + rm.name, Msg: fmt.Sprintf("unbounded: more %s always adds revenue in territories %s; give it a total, a unit_cost with a budget, or a max", rm.name, strings.Join(ids, ", "))}
		}
	}
	return nil
}
