package plan

import (
	"errors"
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

// AllocationProblem states a scenario as an allocate.MarketProblem — one
// market per territory, summed from its units' estimates and scaled by the
// scenario's market assumptions — and calibrates it (PRODUCT.md, "The market
// model"; allocate.MarketProblem.Problem):
//
//	revenue_i(x) = M_i·F_i + M_i·(S_i − F_i)·Σ_r w_r·h(x_ir; K_ir, c)
//	K_ir = x⁰_ir·((1 − φ_i)/φ_i)^(1/c),  φ_i = (s_i − F_i)/(S_i − F_i)
//
// so today's allocation reproduces today's revenue, and a territory near
// saturation (φ → 1) gets a flat curve. A resource a territory has none of
// today is calibrated against the national ratio of that resource to market
// size (settings.reference overrides it: units per million dollars of
// market); with none anywhere and no setting it is an error, never a
// hidden amount. Little (1970), "Models and managers: the concept of a decision
// calculus"; Lodish (1971), CALLPLAN.
func AllocationProblem(in *Inputs) (*allocate.Problem, error) {
	sc, set := in.Scenario, in.Settings
	if len(sc.Resources) == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "scenario %d has no resources to allocate", sc.ID)
	}
	markets := in.markets()
	c := set.shape()
	cal := allocate.Calibration{Weights: map[string]float64{}, Shapes: map[string]float64{}, MinPhi: minPhi, MaxPhi: maxPhi}
	var wsum float64
	for _, r := range sc.Resources {
		w, ok := set.ResourceWeights[r.Name]
		if !ok && len(set.ResourceWeights) == 0 {
			w = 1
		}
		cal.Weights[r.Name], cal.Shapes[r.Name] = w, c
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
	for r, v := range set.Reference {
		intensity[r] = v / 1e6
	}
	mp := &allocate.MarketProblem{Objective: allocate.Revenue, MaxChange: set.MaxChange, Calibration: cal}
	if set.Objective == "profit" {
		mp.Objective = allocate.Profit
	}
	if sc.Budget > 0 {
		b := sc.Budget
		mp.Budget = &b
	}
	for _, r := range sc.Resources {
		res := allocate.Resource{Name: r.Name, UnitCost: r.UnitCost, Integer: r.Integer}
		if r.Total != nil {
			t := *r.Total
			res.Total = &t
		}
		mp.Resources = append(mp.Resources, res)
	}
	terrs := append([]*terrane.Territory(nil), in.Territories...)
	sort.Slice(terrs, func(i, j int) bool { return terrs[i].ID < terrs[j].ID })
	margin := set.margin()
	for _, t := range terrs {
		m := markets[t.ID]
		sat, floor := m.Saturation, m.Floor
		mk := allocate.Market{ID: t.ID, Market: m.Market, Share: math.Min(m.Share, sat), Saturation: &sat, Floor: &floor,
			Current: map[string]float64{}, Reference: map[string]float64{}, Locked: t.Locked || set.locked(t.ID)}
		if m.Market == 0 || sat == 0 {
			// An empty territory: nothing to win, nothing to calibrate.
			mk.Market, sat, floor, mk.Share = 0, 1, 0, 0
		}
		if mp.Objective == allocate.Profit {
			mg := margin
			mk.Margin = &mg
		}
		for _, r := range sc.Resources {
			mk.Current[r.Name] = t.Current[r.Name]
			if ref := intensity[r.Name] * m.Market; ref > 0 {
				mk.Reference[r.Name] = ref
			} else if !(t.Current[r.Name] > 0) && cal.Weights[r.Name] > 0 && mk.Market > 0 && sat > floor {
				return nil, terrane.Errorf(terrane.EINVALID, "settings.reference.%s: no territory has any %s today to calibrate its curve from; set the amount per million dollars of market that stands in for today's", r.Name, r.Name)
			}
		}
		if b, ok := set.Bounds[t.ID]; ok {
			mk.Min, mk.Max = b.Min, b.Max
		}
		mp.Markets = append(mp.Markets, mk)
	}
	p, err := mp.Problem()
	if err != nil {
		var ie *allocate.InputError
		if errors.As(err, &ie) {
			return nil, terrane.Errorf(terrane.EINVALID, "%s", ie.Error())
		}
		return nil, err
	}
	return p, nil
}
