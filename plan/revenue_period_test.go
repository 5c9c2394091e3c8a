package plan_test

import (
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/plan"
)

// TestMarketsRevenuePeriod checks that a territory's market block names the
// periods its units' revenue comes from.
func TestMarketsRevenuePeriod(t *testing.T) {
	sc := &terrane.Scenario{ID: 1, Layer: "l", Settings: []byte(`{}`)}
	terrs := []*terrane.Territory{{ID: "A", Name: "A"}, {ID: "B", Name: "B"}, {ID: "C", Name: "C"}}
	est := []*terrane.MarketEstimate{
		{Layer: "l", UnitID: "u1", Market: 100, Revenue: 10, Share: 0.1, Saturation: 0.2, RevenuePeriod: "2017", RevenueSource: terrane.RevenueFromAccounts},
		{Layer: "l", UnitID: "u2", Market: 100, Revenue: 10, Share: 0.1, Saturation: 0.2, RevenuePeriod: "2017"},
		{Layer: "l", UnitID: "u3", Market: 100, Revenue: 10, Share: 0.1, Saturation: 0.2, RevenuePeriod: "2018-Q1 ×4"},
		{Layer: "l", UnitID: "u4", Market: 100, Revenue: 10, Share: 0.1, Saturation: 0.2},
	}
	in, err := plan.NewInputs(sc, terrs, map[string]string{"u1": "A", "u2": "A", "u3": "B", "u4": "B", "u5": "C"}, est, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := in.Markets()
	for id, want := range map[string]string{"A": "2017", "B": "2018-Q1 ×4", "C": ""} {
		if got := m[id].RevenuePeriod; got != want {
			t.Errorf("territory %s: revenue_period %q, want %q", id, got, want)
		}
	}
	est[1].RevenuePeriod = "2016"
	if got := in.Markets()["A"].RevenuePeriod; got != "2016, 2017" {
		t.Errorf("mixed periods: %q, want %q", got, "2016, 2017")
	}
}
