package api

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// compare answers what changed from scenario a to scenario b: units that
// changed territory, and per territory the revenue and allocation deltas.
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
	rev := func(m plan.TerritoryMetrics) float64 {
		if m.ExpectedRevenue != nil {
			return *m.ExpectedRevenue
		}
		return m.Revenue
	}
	alloc := func(m plan.TerritoryMetrics) map[string]float64 {
		if m.Allocation != nil {
			return m.Allocation
		}
		return m.Current
	}
	deltas := []TerritoryDelta{}
	var totA, totB float64
	for id := range ids {
		ta, tb := ma[id], mb[id]
		d := TerritoryDelta{ID: id, RevenueA: rev(ta), RevenueB: rev(tb), MarketA: ta.Market.Market, MarketB: tb.Market.Market, AllocationDelta: map[string]float64{}}
		d.Delta = d.RevenueB - d.RevenueA
		for r, v := range alloc(tb) {
			d.AllocationDelta[r] += v
		}
		for r, v := range alloc(ta) {
			d.AllocationDelta[r] -= v
		}
		totA += d.RevenueA
		totB += d.RevenueB
		deltas = append(deltas, d)
	}
	sort.Slice(deltas, func(i, j int) bool { return deltas[i].ID < deltas[j].ID })
	c.JSON(http.StatusOK, Comparison{A: a.in.Scenario.ID, B: b.in.Scenario.ID, MovedUnits: moved, Territories: deltas,
		Totals: ComparisonTotals{RevenueA: totA, RevenueB: totB, Delta: totB - totA, UnitsMoved: len(moved)}})
}
