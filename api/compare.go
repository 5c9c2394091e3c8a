package api

import (
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/optimizer/allocate"
	"github.com/terrane/terrane/plan"
)

// side is one scenario of a comparison: its expected revenue per territory
// on one basis, and the allocation on that same basis.
type side struct {
	v        *scenarioView
	basis    plan.Basis
	run      *int64
	expected map[string]float64 // nil with BasisNone
	alloc    func(m plan.TerritoryMetrics) map[string]float64
}

// compareSide reads a scenario's expected revenue at its optimum: its
// latest run's stored figures when they hold every territory and are not
// stale; else its optimum solved once per snapshot (the allocation solver,
// on the calibration the snapshot keeps); else its model at the current
// allocation. Either way both sides of a comparison are optima unless one
// cannot be solved.
func compareSide(v *scenarioView) side {
	sd := side{v: v}
	if exp, ok := plan.RunExpected(v.in, v.results); ok && !v.stale {
		id := v.results.RunID
		sd.basis, sd.run, sd.expected = plan.BasisRun, &id, exp
		sd.alloc = func(m plan.TerritoryMetrics) map[string]float64 {
			if m.Allocation != nil {
				return m.Allocation
			}
			return m.Current
		}
		return sd
	}
	sd.alloc = func(m plan.TerritoryMetrics) map[string]float64 { return m.Current }
	p, err := v.allocationProblem()
	if err != nil {
		sd.basis = plan.BasisNone
		return sd
	}
	if res, err := v.solvedOptimum(); err == nil && res.Status != allocate.Infeasible && res.Status != allocate.Canceled {
		sd.basis, sd.expected = plan.BasisSolved, res.Revenue
		sd.alloc = func(m plan.TerritoryMetrics) map[string]float64 {
			if a, ok := res.Allocation[m.ID]; ok {
				return a
			}
			return m.Current
		}
		return sd
	}
	sd.basis, sd.expected = plan.BasisCurrent, plan.ModelExpected(v.in, p)
	return sd
}

// compare answers what changed from scenario a to scenario b: units that
// changed territory, and per territory expected revenue against expected
// revenue, actual against actual, and the allocation deltas.
func (s *Server) compare(c *gin.Context) {
	if isRep(c) {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "comparison not found"))
		return
	}
	views := make([]*scenarioView, 2)
	for i, param := range []string{"id", "b"} {
		v, err := s.view(c, param)
		if err != nil {
			s.writeError(c, err)
			return
		}
		views[i] = v
	}
	a, b := views[0], views[1]
	if a.in.Scenario.Layer != b.in.Scenario.Layer {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "scenarios %d and %d are drawn on different layers", a.in.Scenario.ID, b.in.Scenario.ID))
		return
	}
	moved := []MovedUnit{}
	for u, ta := range a.in.Assignments {
		if tb := b.in.Assignments[u]; tb != ta {
			moved = append(moved, MovedUnit{UnitID: u, From: ta, To: tb})
		}
	}
	sort.Slice(moved, func(i, j int) bool { return moved[i].UnitID < moved[j].UnitID })
	sa, sb := compareSide(a), compareSide(b)
	integer := map[string]bool{}
	for _, sc := range []*terrane.Scenario{a.in.Scenario, b.in.Scenario} {
		for _, r := range sc.Resources {
			integer[r.Name] = integer[r.Name] || r.Integer
		}
	}
	round := func(m map[string]float64) {
		for r, v := range m {
			if integer[r] {
				m[r] = math.Round(v)
			}
		}
	}
	byID := func(ms []plan.TerritoryMetrics) map[string]plan.TerritoryMetrics {
		out := map[string]plan.TerritoryMetrics{}
		for _, m := range ms {
			out[m.ID] = m
		}
		return out
	}
	ma, mb := byID(a.metrics), byID(b.metrics)
	ids := map[string]bool{}
	for id := range ma {
		ids[id] = true
	}
	for id := range mb {
		ids[id] = true
	}
	num := func(v float64) *float64 { return &v }
	diff := func(x, y *float64) *float64 {
		if x == nil || y == nil {
			return nil
		}
		return num(*y - *x)
	}
	tot := ComparisonTotals{AllocationDelta: map[string]float64{}, UnitsMoved: len(moved)}
	// figures are one side's numbers of one territory; nil when that side
	// has no such territory.
	type figures struct {
		name                     *string
		actual, market, expected *float64
		alloc                    map[string]float64
	}
	read := func(sd side, ms map[string]plan.TerritoryMetrics, id string) *figures {
		m, ok := ms[id]
		if !ok {
			return nil
		}
		f := &figures{name: &m.Name, actual: num(m.Revenue), market: num(m.Market.Market), alloc: sd.alloc(m)}
		if sd.expected != nil {
			f.expected = num(sd.expected[id])
		}
		return f
	}
	var expA, expB float64
	deltas := []TerritoryDelta{}
	for id := range ids {
		d := TerritoryDelta{ID: id}
		fa, fb := read(sa, ma, id), read(sb, mb, id)
		if fa != nil {
			d.NameA, d.ActualA, d.MarketA, d.ExpectedA = fa.name, fa.actual, fa.market, fa.expected
			if fa.expected != nil {
				expA += *fa.expected
			}
			tot.ActualA += *fa.actual
			for r, v := range fa.alloc {
				tot.AllocationDelta[r] -= v
			}
		}
		if fb != nil {
			d.NameB, d.ActualB, d.MarketB, d.ExpectedB = fb.name, fb.actual, fb.market, fb.expected
			if fb.expected != nil {
				expB += *fb.expected
			}
			tot.ActualB += *fb.actual
			for r, v := range fb.alloc {
				tot.AllocationDelta[r] += v
			}
		}
		d.ExpectedDelta, d.ActualDelta = diff(d.ExpectedA, d.ExpectedB), diff(d.ActualA, d.ActualB)
		d.Delta = d.ExpectedDelta
		if fa != nil && fb != nil {
			d.AllocationDelta = map[string]float64{}
			for r, v := range fb.alloc {
				d.AllocationDelta[r] += v
			}
			for r, v := range fa.alloc {
				d.AllocationDelta[r] -= v
			}
			round(d.AllocationDelta)
		}
		deltas = append(deltas, d)
	}
	round(tot.AllocationDelta)
	sort.Slice(deltas, func(i, j int) bool { return deltas[i].ID < deltas[j].ID })
	if sa.expected != nil {
		tot.ExpectedA = num(expA)
	}
	if sb.expected != nil {
		tot.ExpectedB = num(expB)
	}
	tot.ExpectedDelta, tot.ActualDelta = diff(tot.ExpectedA, tot.ExpectedB), tot.ActualB-tot.ActualA
	tot.Delta = tot.ExpectedDelta
	out := Comparison{A: a.in.Scenario.ID, B: b.in.Scenario.ID, BasisA: string(sa.basis), BasisB: string(sb.basis),
		RunA: sa.run, RunB: sb.run, StaleA: a.stale, StaleB: b.stale, MovedUnits: moved, Territories: deltas, Totals: tot}
	if err := s.comparePeople(c, a, b, &out); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// comparePeople fills out's people section: per person who owns a
// territory in a or b, their accounts, market, open pipeline, bookings and
// quota in each and gained and lost (plan.People).
func (s *Server) comparePeople(c *gin.Context, a, b *scenarioView, out *Comparison) error {
	ctx := c.Request.Context()
	// The accounts as a reads them (frozen if a is approved or published).
	accts, err := s.svc.Geography.FindAccounts(ctx, terrane.AccountFilter{Scenario: a.in.Scenario.ID})
	if err != nil {
		return err
	}
	in := plan.PeopleInput{A: a.in, B: b.in, AccountUnit: make(map[string]string, len(accts))}
	for _, ac := range accts {
		if ac.UnitID != "" {
			in.AccountUnit[ac.ID] = ac.UnitID
		}
	}
	if s.svc.Imports != nil {
		if in.Opportunities, err = s.opps.current(ctx, s.svc.Imports, a.in.Scenario); err != nil {
			return err
		}
	}
	if in.Users, err = s.svc.Users.FindUsers(ctx); err != nil {
		return err
	}
	people, from, to := plan.People(in)
	if from != nil {
		f, t := from.Format(time.DateOnly), to.Format(time.DateOnly)
		out.BookingsFrom, out.BookingsTo = &f, &t
	}
	out.People = make([]PersonImpact, 0, len(people))
	for _, p := range people {
		out.People = append(out.People, PersonImpact{Name: p.Name, Email: p.Email, TerritoriesA: p.TerritoriesA, TerritoriesB: p.TerritoriesB,
			UnitsA: p.UnitsA, UnitsB: p.UnitsB, UnitsGained: p.UnitsGained, UnitsLost: p.UnitsLost,
			AccountsA: p.AccountsA, AccountsB: p.AccountsB, AccountsGained: p.AccountsGained, AccountsLost: p.AccountsLost,
			MarketA: p.MarketA, MarketB: p.MarketB, MarketGained: p.MarketGained, MarketLost: p.MarketLost,
			OpenPipelineA: p.OpenPipelineA, OpenPipelineB: p.OpenPipelineB, OpenPipelineGained: p.OpenPipelineGained, OpenPipelineLost: p.OpenPipelineLost,
			BookingsA: p.BookingsA, BookingsB: p.BookingsB, BookingsGained: p.BookingsGained, BookingsLost: p.BookingsLost,
			Quota: p.Quota, QuotaGained: p.QuotaGained, QuotaLost: p.QuotaLost, Changed: p.Changed})
	}
	return nil
}
