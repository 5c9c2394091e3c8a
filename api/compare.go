package api

import (
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// movedUnit is a unit whose territory differs between two scenarios.
type movedUnit struct {
	UnitID string `json:"unit_id"`
	From   string `json:"from"` // territory in scenario a
	To     string `json:"to"`   // territory in scenario b
}

// territoryDelta compares one territory id across two scenarios.
type territoryDelta struct {
	ID              string             `json:"id"`
	RevenueA        float64            `json:"revenue_a"` // expected (or current) revenue, dollars per year
	RevenueB        float64            `json:"revenue_b"`
	Delta           float64            `json:"delta"`
	MarketA         float64            `json:"market_a"`
	MarketB         float64            `json:"market_b"`
	AllocationDelta map[string]float64 `json:"allocation_delta"` // resource units, b − a
}

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
	moved := []movedUnit{}
	for u, ta := range a.in.Alignment {
		if tb := b.in.Alignment[u]; tb != ta {
			moved = append(moved, movedUnit{UnitID: u, From: ta, To: tb})
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
	deltas := []territoryDelta{}
	var totA, totB float64
	for id := range ids {
		ta, tb := ma[id], mb[id]
		d := territoryDelta{ID: id, RevenueA: rev(ta), RevenueB: rev(tb), MarketA: ta.Market.Market, MarketB: tb.Market.Market, AllocationDelta: map[string]float64{}}
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
	c.JSON(http.StatusOK, gin.H{"a": a.in.Scenario.ID, "b": b.in.Scenario.ID, "moved_units": moved, "territories": deltas,
		"totals": gin.H{"revenue_a": totA, "revenue_b": totB, "delta": totB - totA, "units_moved": len(moved)}})
}
