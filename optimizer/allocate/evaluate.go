package allocate

import (
	"fmt"
	"math"
)

// Evaluate computes the objective of alloc (territory id → resource name →
// units; absent is 0) for p, dollars per year, and each territory's
// revenue, dollars per year. It trusts p to be valid.
func Evaluate(p *Problem, alloc map[string]map[string]float64) (objective float64, revenue map[string]float64) {
	revenue = make(map[string]float64, len(p.Territories))
	profit := p.Objective == Profit
	for _, t := range p.Territories {
		a := alloc[t.ID]
		rev := t.Base
		cost := 0.0
		for _, r := range p.Resources {
			x := a[r.Name]
			if cv, ok := t.Curves[r.Name]; ok {
				c := cv.Shape
				if c == 0 {
					c = 1
				}
				rev += cv.Beta * hill(x, cv.K, c)
			}
			cost += r.UnitCost * x
		}
		revenue[t.ID] = rev
		if profit {
			w := 1.0
			if t.Margin != nil {
				w = *t.Margin
			}
			objective += w*rev - cost
		} else {
			objective += rev
		}
	}
	return objective, revenue
}

// Violations lists every constraint of p that alloc breaks by more than tol
// (relative to the size of the limit, at least absolute tol): bounds,
// integrality, locks, change limits, totals and the budget. An empty list
// means alloc is feasible.
func Violations(p *Problem, alloc map[string]map[string]float64, tol float64) []string {
	var out []string
	over := func(v, limit float64) bool { return v > limit+tol*math.Max(1, math.Abs(limit)) }
	used := make(map[string]float64, len(p.Resources))
	spent := 0.0
	for _, t := range p.Territories {
		a, ok := alloc[t.ID]
		if !ok {
			out = append(out, fmt.Sprintf("territory %q: missing from the allocation", t.ID))
			continue
		}
		for _, r := range p.Resources {
			x := a[r.Name]
			cur := t.Current[r.Name]
			used[r.Name] += x
			spent += r.UnitCost * x
			if math.IsNaN(x) || x < -tol {
				out = append(out, fmt.Sprintf("territory %q: %s = %v is negative", t.ID, r.Name, x))
			}
			if r.Integer && math.Abs(x-math.Round(x)) > tol {
				out = append(out, fmt.Sprintf("territory %q: %s = %v is not an integer", t.ID, r.Name, x))
			}
			if t.Locked {
				if math.Abs(x-cur) > tol*math.Max(1, cur) {
					out = append(out, fmt.Sprintf("territory %q is locked but %s moved from %v to %v", t.ID, r.Name, cur, x))
				}
				continue
			}
			if v, ok := t.Min[r.Name]; ok && over(v, x) {
				out = append(out, fmt.Sprintf("territory %q: %s = %v is below min %v", t.ID, r.Name, x, v))
			}
			if v, ok := t.Max[r.Name]; ok && over(x, v) {
				out = append(out, fmt.Sprintf("territory %q: %s = %v is above max %v", t.ID, r.Name, x, v))
			}
			if mc, ok := p.MaxChange[r.Name]; ok && over(math.Abs(x-cur), mc) {
				out = append(out, fmt.Sprintf("territory %q: %s changes by %v, more than max_change %v", t.ID, r.Name, math.Abs(x-cur), mc))
			}
		}
	}
	for _, r := range p.Resources {
		if r.Total != nil && over(used[r.Name], *r.Total) {
			out = append(out, fmt.Sprintf("total %s: uses %v of %v", r.Name, used[r.Name], *r.Total))
		}
	}
	if p.Budget != nil && over(spent, *p.Budget) {
		out = append(out, fmt.Sprintf("budget: spends %v of %v", spent, *p.Budget))
	}
	return out
}
