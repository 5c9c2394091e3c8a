package allocate

import (
	"context"
	"fmt"
	"math"
)

// FrontierPoint is one solve of a what-if sweep.
type FrontierPoint struct {
	// Value is the budget, dollars per year, or the resource total, its
	// units, at this point.
	Value float64 `json:"value"`
	// Status, Objective, Bound and Gap are those of the solve.
	Status    Status  `json:"status"`
	Objective float64 `json:"objective"`
	Bound     float64 `json:"bound"`
	Gap       float64 `json:"gap"`
	// TotalRevenue is Σ_i revenue_i, dollars per year.
	TotalRevenue float64 `json:"total_revenue"`
	// ShadowPrice is the swept constraint's shadow price at this point:
	// objective dollars per dollar of budget or per unit of the resource.
	ShadowPrice float64 `json:"shadow_price"`
}

// Frontier solves p once per value of one constraint — "budget" or the
// name of a resource, whose total is set — and returns the objective
// against that value: the revenue-vs-budget (or vs headcount) frontier.
// Each solve is warm-started from the previous one's prices. p is not
// modified. Settings.Progress, if set, reports the share of the sweep done.
func Frontier(ctx context.Context, p *Problem, constraint string, values []float64, set *Settings) ([]FrontierPoint, error) {
	q, err := withConstraint(p, constraint)
	if err != nil {
		return nil, err
	}
	var s Settings
	if set != nil {
		s = *set
	}
	out := make([]FrontierPoint, 0, len(values))
	report := s.Progress
	for i, v := range values {
		if !finite(v) || v < 0 {
			return nil, &InputError{Field: "frontier", Msg: fmt.Sprintf("value %v of %s must be finite and non-negative", v, constraint)}
		}
		if report != nil {
			s.Progress = func(f float64) { report((float64(i) + f) / float64(len(values))) }
		}
		q.set(v)
		r, err := Solve(ctx, q.p, &s)
		if err != nil {
			return nil, err
		}
		out = append(out, FrontierPoint{Value: v, Status: r.Status, Objective: r.Objective, Bound: r.Bound,
			Gap: r.Gap, TotalRevenue: r.TotalRevenue, ShadowPrice: r.ShadowPrices[constraint]})
		if r.Status != Infeasible {
			s.WarmStart = r
		}
	}
	return out, nil
}

// UnitValue is what one more unit of a constraint is worth.
type UnitValue struct {
	// Constraint is "budget" or a resource name (its total).
	Constraint string `json:"constraint"`
	// Step is the amount added: one unit of the resource, or for the
	// budget the largest unit cost of a budgeted resource (one more funded
	// unit), at least one dollar.
	Step float64 `json:"step"`
	// Gain is the objective gained by Step more, re-solved, objective
	// dollars per year.
	Gain float64 `json:"gain"`
	// FundedGain, for a resource with a unit cost under a budget, is the
	// gain when the budget also grows by Step × unit cost: the value of
	// one more paid-for unit (a rep with the money to pay for it).
	FundedGain float64 `json:"funded_gain,omitempty"`
	// ShadowPrice is the marginal value at the base solution, objective
	// dollars per year per unit; Gain ≈ Step × ShadowPrice for small steps.
	ShadowPrice float64 `json:"shadow_price"`
}

// UnitValues answers "what is one more rep / dollar / hour worth?" for the
// budget and every resource with a total, by re-solving from base (the
// solution of p, used as warm start) with one more unit. Settings.Progress,
// if set, reports the share of the re-solves done.
func UnitValues(ctx context.Context, p *Problem, base *Result, set *Settings) ([]UnitValue, error) {
	if base == nil || base.Status == Infeasible {
		return nil, &InputError{Field: "unit_values", Msg: "needs a feasible base solution"}
	}
	var s Settings
	if set != nil {
		s = *set
	}
	s.WarmStart = base
	var out []UnitValue
	solves, done := 0, 0
	if p.Budget != nil {
		solves++
	}
	for _, r := range p.Resources {
		if r.Total != nil {
			solves++
			if p.Budget != nil && r.UnitCost > 0 {
				solves++
			}
		}
	}
	if report := s.Progress; report != nil {
		s.Progress = func(f float64) { report((float64(done) + f) / float64(solves)) }
	}
	solveWith := func(edit func(q *Problem)) (float64, error) {
		defer func() { done++ }()
		q := *p
		q.Resources = append([]Resource(nil), p.Resources...)
		if p.Budget != nil {
			b := *p.Budget
			q.Budget = &b
		}
		edit(&q)
		r, err := Solve(ctx, &q, &s)
		if err != nil {
			return 0, err
		}
		return r.Objective - base.Objective, nil
	}
	if p.Budget != nil {
		step := 1.0
		for _, r := range p.Resources {
			step = math.Max(step, r.UnitCost)
		}
		g, err := solveWith(func(q *Problem) { *q.Budget += step })
		if err != nil {
			return nil, err
		}
		out = append(out, UnitValue{Constraint: "budget", Step: step, Gain: g, ShadowPrice: base.ShadowPrices["budget"]})
	}
	for j, r := range p.Resources {
		if r.Total == nil {
			continue
		}
		g, err := solveWith(func(q *Problem) { t := *r.Total + 1; q.Resources[j].Total = &t })
		if err != nil {
			return nil, err
		}
		uv := UnitValue{Constraint: r.Name, Step: 1, Gain: g, ShadowPrice: base.ShadowPrices[r.Name]}
		if p.Budget != nil && r.UnitCost > 0 {
			uv.FundedGain, err = solveWith(func(q *Problem) {
				t := *r.Total + 1
				q.Resources[j].Total = &t
				*q.Budget += r.UnitCost
			})
			if err != nil {
				return nil, err
			}
		}
		out = append(out, uv)
	}
	return out, nil
}

// sweep is a shallow copy of a problem whose swept constraint can be set.
type sweep struct {
	p   *Problem
	set func(v float64)
}

func withConstraint(p *Problem, constraint string) (*sweep, error) {
	q := *p
	q.Resources = append([]Resource(nil), p.Resources...)
	if constraint == "budget" {
		return &sweep{p: &q, set: func(v float64) { q.Budget = &v }}, nil
	}
	for j, r := range q.Resources {
		if r.Name == constraint {
			return &sweep{p: &q, set: func(v float64) { q.Resources[j].Total = &v }}, nil
		}
	}
	return nil, &InputError{Field: "frontier", Msg: fmt.Sprintf("unknown constraint %q: want \"budget\" or a resource name", constraint)}
}
