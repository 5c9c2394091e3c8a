package plan

import (
	"math"
	"sort"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
)

// minPhi keeps calibration finite for territories with no revenue above their
// floor: they are treated as reaching this fraction of their attainable
// share with their current effort.
const minPhi = 1e-3

// maxPhi keeps calibration finite for territories at saturation.
const maxPhi = 0.98

// AllocationProblem calibrates one response curve per territory and resource
// from the market estimates (PRODUCT.md, "The market model"):
//
//	revenue_i(x) = M_i·F_i + M_i·(S_i − F_i)·Σ_r w_r·h(x_ir; K_ir, c)
//	K_ir = x⁰_ir·((1 − φ_i)/φ_i)^(1/c),  φ_i = (s_i − F_i)/(S_i − F_i)
//
// so the current allocation x⁰ reproduces current revenue, and a territory
// near saturation (φ → 1) gets a flat curve. A resource a territory has none
// of today is calibrated against the national ratio of that resource to
// market size. Little (1970), "Models and managers: the concept of a
// decision calculus"; Lodish (1971), CALLPLAN.
func AllocationProblem(in *Inputs) (*allocate.Problem, error) {
	sc, set := in.Scenario, in.Settings
	if len(sc.Resources) == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "scenario %d has no resources to allocate", sc.ID)
	}
	markets := in.markets()
	c := set.shape()
	weights := map[string]float64{}
	var wsum float64
	for _, r := range sc.Resources {
		w, ok := set.ResourceWeights[r.Name]
		if !ok && len(set.ResourceWeights) == 0 {
			w = 1
		}
		weights[r.Name] = w
		wsum += w
	}
	if wsum <= 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "settings.resource_weights: at least one resource needs a weight > 0")
	}
	// National intensity: units of resource per market dollar, for
	// territories that have none of it today.
	intensity := map[string]float64{}
	var totMarket float64
	for _, t := range in.Territories {
		totMarket += markets[t.ID].Market
		for r, v := range t.Current {
			intensity[r] += v
		}
	}
	for r := range intensity {
		if totMarket > 0 {
			intensity[r] /= totMarket
		}
	}
	p := &allocate.Problem{Objective: allocate.Revenue, MaxChange: set.MaxChange}
	if set.Objective == "profit" {
		p.Objective = allocate.Profit
	}
	if sc.Budget > 0 {
		b := sc.Budget
		p.Budget = &b
	}
	for _, r := range sc.Resources {
		res := allocate.Resource{Name: r.Name, UnitCost: r.UnitCost, Integer: r.Integer}
		if r.Total > 0 {
			t := r.Total
			res.Total = &t
		}
		p.Resources = append(p.Resources, res)
	}
	terrs := append([]*terrane.Territory(nil), in.Territories...)
	sort.Slice(terrs, func(i, j int) bool { return terrs[i].ID < terrs[j].ID })
	margin := set.margin()
	for _, t := range terrs {
		m := markets[t.ID]
		phi := minPhi
		if span := m.Saturation - m.Floor; span > 0 {
			phi = math.Min(maxPhi, math.Max(minPhi, (m.Share-m.Floor)/span))
		}
		at := allocate.Territory{ID: t.ID, Base: m.Market * m.Floor, Curves: map[string]allocate.Curve{},
			Current: map[string]float64{}, Locked: t.Locked || set.locked(t.ID)}
		if p.Objective == allocate.Profit {
			mg := margin
			at.Margin = &mg
		}
		span := m.Market * (m.Saturation - m.Floor)
		// Resources the territory has none of today contribute nothing now,
		// so the ones it has must carry the whole current share.
		var present float64
		for _, r := range sc.Resources {
			if t.Current[r.Name] > 0 {
				present += weights[r.Name] / wsum
			}
		}
		if present > 0 {
			phi = math.Min(maxPhi, phi/present)
		}
		for _, r := range sc.Resources {
			x0 := t.Current[r.Name]
			at.Current[r.Name] = x0
			w := weights[r.Name] / wsum
			if w == 0 || span <= 0 {
				continue
			}
			ref := x0
			if ref <= 0 {
				ref = intensity[r.Name] * m.Market
			}
			if ref <= 0 {
				ref = 1
			}
			k := ref * math.Pow((1-phi)/phi, 1/c)
			at.Curves[r.Name] = allocate.Curve{Beta: span * w, K: k, Shape: c}
			// The part of the curve the current allocation already earns is
			// in revenue today; base holds only the floor.
		}
		if b, ok := set.Bounds[t.ID]; ok {
			at.Min, at.Max = b.Min, b.Max
		}
		p.Territories = append(p.Territories, at)
	}
	return p, p.Validate()
}
