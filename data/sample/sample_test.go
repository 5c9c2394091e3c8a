package sample_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/geo"
)

func TestBuild(t *testing.T) {
	ds, err := sample.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Units) != 3142 {
		t.Fatalf("got %d counties, want 3142 (50 states + DC)", len(ds.Units))
	}
	byID := map[string]*terrane.Unit{}
	for _, u := range ds.Units {
		byID[u.ID] = u
		if err := geo.Validate(u.Geometry); err != nil {
			t.Errorf("county %s: %v", u.ID, err)
		}
		if len(u.ID) != 5 {
			t.Errorf("county id %q is not a 5-digit FIPS", u.ID)
		}
	}
	for _, tc := range []struct {
		fips, name, region string
		pop, payroll       float64
		near               orb.Point
	}{
		{"06037", "Los Angeles County", "CA", 10105518, 18656179, orb.Point{-118.2, 34.3}},
		{"36061", "New York County", "NY", 1628701, 30356114, orb.Point{-73.97, 40.78}},
	} {
		u := byID[tc.fips]
		if u == nil {
			t.Fatalf("county %s missing", tc.fips)
		}
		if u.Name != tc.name || u.Region != tc.region || u.Attributes["pop_2018"] != tc.pop || u.Attributes["cbp_annual_payroll_2020_k"] != tc.payroll {
			t.Errorf("county %s = %s %s pop %v payroll %v; want %s %s %v %v", tc.fips, u.Name, u.Region, u.Attributes["pop_2018"], u.Attributes["cbp_annual_payroll_2020_k"], tc.name, tc.region, tc.pop, tc.payroll)
		}
		if d := geo.Haversine(u.Centroid, tc.near); d > 60000 {
			t.Errorf("county %s centroid %v is %.0f m from %v", tc.fips, u.Centroid, d, tc.near)
		}
	}
	if len(ds.Edges) < 8000 {
		t.Errorf("only %d adjacency edges; US counties have about 9,000 rook neighbours", len(ds.Edges))
	}

	// Accounts: every order line located; revenue per year equals the file's.
	var rev float64
	for _, a := range ds.Accounts {
		if byID[a.UnitID] == nil {
			t.Errorf("account %s is in county %q, not in the layer", a.ID, a.UnitID)
		}
		rev += a.Revenue
	}
	want := (484247.50 + 470532.51 + 609205.60) / 3 // PROVENANCE: sales by year
	if math.Abs(rev-want) > 5 {
		t.Errorf("account revenue = %.2f dollars per year, want %.2f", rev, want)
	}
	// 6,682 order lines from 793 customers ship to 3,275 (customer, ZIP) pairs.
	if len(ds.Accounts) != 3275 {
		t.Errorf("got %d accounts, want 3275 (customer, ZIP) pairs", len(ds.Accounts))
	}

	// Estimates: one valid estimate per county, market summing to the national total.
	if len(ds.Estimates) != len(ds.Units) {
		t.Fatalf("%d estimates for %d units", len(ds.Estimates), len(ds.Units))
	}
	var market, estRev float64
	for _, m := range ds.Estimates {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
		market += m.Market
		estRev += m.Revenue
	}
	if market < sample.NationalMarket*0.99 || market > sample.NationalMarket*1.05 {
		t.Errorf("sum of markets = %.0f, want about %.0f", market, sample.NationalMarket)
	}
	if math.Abs(estRev-rev) > 1 {
		t.Errorf("estimated revenue %.2f != account revenue %.2f", estRev, rev)
	}

	// Baseline: 51 state territories covering every county.
	if len(ds.Territories) != 51 || len(ds.Alignment) != 3142 {
		t.Errorf("baseline has %d territories and %d assignments; want 51 and 3142", len(ds.Territories), len(ds.Alignment))
	}
	if ds.Alignment["06037"] != "CA" {
		t.Errorf("Los Angeles is in territory %q, want CA", ds.Alignment["06037"])
	}
	if err := ds.Scenario.Validate(); err != nil {
		t.Error(err)
	}
}

func TestLoadOnce(t *testing.T) {
	ctx := context.Background()
	s, err := data.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A load cut off half way: the layer exists but the marker does not.
	if err := s.CreateLayer(ctx, &terrane.Layer{ID: sample.LayerID, Name: "partial"}); err != nil {
		t.Fatal(err)
	}
	loaded, err := sample.Load(ctx, s)
	if err != nil || !loaded {
		t.Fatalf("first load = %v, %v", loaded, err)
	}
	loaded, err = sample.Load(ctx, s)
	if err != nil || loaded {
		t.Fatalf("second load = %v, %v; want nothing loaded", loaded, err)
	}
	l, err := s.FindLayerByID(ctx, sample.LayerID)
	if err != nil || l.UnitCount != 3142 {
		t.Fatalf("layer = %+v, %v", l, err)
	}
	list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{})
	if len(list) != 1 || list[0].Name != sample.BaselineName {
		t.Errorf("scenarios = %v; want only the baseline", list)
	}
}
