package sample_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/geo"
	"github.com/terrane/terrane/internal/testdb"
)

// TestBuildStates checks us-states against the counties it is made of: 51
// units, each geometry's area the sum of its counties' (the states object is
// their dissolve), populations summed, medians not summed, estimates summed.
func TestBuildStates(t *testing.T) {
	ds, err := sample.Build()
	if err != nil {
		t.Fatal(err)
	}
	l, err := sample.BuildStates(ds.Estimates)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Units) != 51 {
		t.Fatalf("%d states, want 51 (50 + DC)", len(l.Units))
	}
	area, pop := map[string]float64{}, map[string]float64{}
	for _, u := range ds.Units {
		area[u.Region] += planar.Area(u.Geometry)
		pop[u.Region] += u.Attributes["pop_2018"]
	}
	var totPop float64
	for _, u := range l.Units {
		if err := geo.Validate(u.Geometry); err != nil {
			t.Errorf("state %s: %v", u.ID, err)
		}
		if u.Region == "" {
			t.Errorf("state %s has no Census region", u.ID)
		}
		// The dissolve of the counties along shared arcs: equal areas (Falls
		// Church's stand-in box is 0.0003 square degrees of Virginia's 10).
		if a := planar.Area(u.Geometry); math.Abs(a-area[u.ID]) > 1e-3*area[u.ID]+1e-3 {
			t.Errorf("state %s area %.4f square degrees, its counties' %.4f", u.ID, a, area[u.ID])
		}
		if u.Attributes["pop_2018"] != pop[u.ID] {
			t.Errorf("state %s population %v, counties sum %v", u.ID, u.Attributes["pop_2018"], pop[u.ID])
		}
		totPop += u.Attributes["pop_2018"]
		if inc := u.Attributes["median_hh_income_2018"]; inc < 20000 || inc > 150000 {
			t.Errorf("state %s median household income %v: a sum, not a mean?", u.ID, inc)
		}
		if r := u.Attributes["unemployment_rate_2018"]; r <= 0 || r > 15 {
			t.Errorf("state %s unemployment rate %v", u.ID, r)
		}
		if _, ok := u.Attributes["rucc_2013"]; ok {
			t.Errorf("state %s has a summed RUCC code", u.ID)
		}
	}
	if totPop < 320e6 || totPop > 330e6 {
		t.Errorf("states population %v, want the 2018 US total (about 327 million)", totPop)
	}
	byID := map[string]*terrane.Unit{}
	for _, u := range l.Units {
		byID[u.ID] = u
	}
	if ca := byID["CA"]; ca == nil || ca.Name != "California" || ca.Region != "West" {
		t.Errorf("CA = %+v", ca)
	}
	// Rook neighbours: 48 contiguous states + DC are one component; AK and HI islands.
	nb := map[string]map[string]bool{}
	for _, e := range l.Edges {
		for _, p := range [][2]string{e, {e[1], e[0]}} {
			if nb[p[0]] == nil {
				nb[p[0]] = map[string]bool{}
			}
			nb[p[0]][p[1]] = true
		}
	}
	if !nb["DC"]["MD"] || !nb["DC"]["VA"] || len(nb["DC"]) != 2 || !nb["CA"]["NV"] || nb["CA"]["TX"] {
		t.Errorf("neighbours: DC %v, CA %v", nb["DC"], nb["CA"])
	}
	t.Logf("%d states, %d rook pairs, %d repaired", len(l.Units), len(l.Edges), len(l.Repairs))
	if len(l.Repairs) != 0 {
		t.Errorf("state repairs %q: data/README.md says none is needed", l.Repairs)
	}
	if strings.Join(l.Islands, " ") != "AK HI" {
		t.Errorf("islands %v, want AK HI", l.Islands)
	}
	// Estimates: one per state, summing to the counties'.
	if len(l.Estimates) != 51 {
		t.Fatalf("%d state estimates, want 51", len(l.Estimates))
	}
	var m, r, cm, cr float64
	for _, e := range l.Estimates {
		if err := e.Validate(); err != nil {
			t.Error(err)
		}
		if math.Abs(e.Share-e.Revenue/e.Market) > 1e-9 {
			t.Errorf("state %s share %v, revenue/market %v", e.UnitID, e.Share, e.Revenue/e.Market)
		}
		m, r = m+e.Market, r+e.Revenue
	}
	for _, e := range ds.Estimates {
		cm, cr = cm+e.Market, cr+e.Revenue
	}
	if math.Abs(m-cm) > 1 || math.Abs(r-cr) > 1 {
		t.Errorf("states market %.2f revenue %.2f; counties %.2f %.2f", m, r, cm, cr)
	}
}

// TestBuildWorld checks world-countries: 241 valid units (the repairs
// listed), alpha-3 ids, 177 joined to the attribute table, the rest from
// world_50m_ids.csv, whose ISO rows agree with importer/countries.csv.
func TestBuildWorld(t *testing.T) {
	l, err := sample.BuildWorld()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Units) != 241 {
		t.Fatalf("%d units, want 241", len(l.Units))
	}
	if l.Joined != 177 {
		t.Errorf("%d units joined to the attribute table, want 177 (every row)", l.Joined)
	}
	byID := map[string]*terrane.Unit{}
	for _, u := range l.Units {
		byID[u.ID] = u
		if err := geo.Validate(u.Geometry); err != nil {
			t.Errorf("unit %s %s invalid after repair: %v", u.ID, u.Name, err)
		}
		if geo.CrossesAntimeridian(u.Geometry) {
			t.Errorf("unit %s still crosses the antimeridian", u.ID)
		}
		if len(u.ID) != 3 || strings.ToUpper(u.ID) != u.ID {
			t.Errorf("unit %q (%s): id is not an alpha-3 code", u.ID, u.Name)
		}
		if u.Region == "" {
			t.Errorf("unit %s has no region", u.ID)
		}
	}
	t.Logf("%d units, %d joined, %d edges, %d islands, %d bridges, %d repaired", len(l.Units), l.Joined, len(l.Edges), len(l.Islands), len(l.Bridges), len(l.Repairs))
	for _, r := range l.Repairs {
		t.Log(r)
	}
	for _, tc := range []struct{ id, name, region string }{
		{"USA", "United States of America", "North America"}, {"FRA", "France", "Europe"}, {"NOR", "Norway", "Europe"},
		{"KOS", "Kosovo", "Europe"}, {"SWZ", "eSwatini", "Africa"}, {"AUS", "Australia", "Oceania"},
		{"ATC", "Ashmore and Cartier Is.", "Oceania"}, {"SGP", "Singapore", "Asia"}, {"FJI", "Fiji", "Oceania"},
	} {
		u := byID[tc.id]
		if u == nil || u.Name != tc.name || u.Region != tc.region {
			t.Errorf("%s = %+v, want %s in %s", tc.id, u, tc.name, tc.region)
		}
	}
	if usa := byID["USA"]; usa == nil || usa.Attributes["POP_EST"] != 326625791 || usa.Attributes["GDP_MD_EST"] != 18560000 {
		t.Errorf("USA attributes %v", byID["USA"].Attributes)
	}
	for _, name := range []string{"RUS", "FJI"} {
		found := false
		for _, r := range l.Repairs {
			found = found || strings.HasPrefix(r, name+" ") && strings.Contains(r, "antimeridian")
		}
		if !found {
			t.Errorf("%s is not listed among the repairs", name)
		}
	}
	// Bridged: one connected graph, every island linked.
	if len(l.Islands) == 0 || len(l.Bridges) == 0 {
		t.Errorf("islands %d bridges %d: the island countries should be bridged", len(l.Islands), len(l.Bridges))
	}
	adj := map[string][]string{}
	for _, e := range l.Edges {
		adj[e[0]], adj[e[1]] = append(adj[e[0]], e[1]), append(adj[e[1]], e[0])
	}
	seen := map[string]bool{"FRA": true}
	for q := []string{"FRA"}; len(q) > 0; q = q[1:] {
		for _, n := range adj[q[0]] {
			if !seen[n] {
				seen[n] = true
				q = append(q, n)
			}
		}
	}
	if len(seen) != len(l.Units) {
		t.Errorf("the bridged graph reaches %d of %d units", len(seen), len(l.Units))
	}
	if c := byID["FRA"].Centroid; geo.Haversine(c, orb.Point{2.5, 46.5}) > 1500e3 {
		t.Errorf("France's centroid %v", c)
	}

	// world_50m_ids.csv: every iso row's alpha-3 is the one importer/countries.csv gives its numeric code.
	iso := map[string]string{}
	f, err := os.Open(filepath.Join("..", "..", "importer", "countries.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		iso[rec[2]] = rec[1]
	}
	g, err := os.Open("world_50m_ids.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	r = csv.NewReader(g)
	r.Comment = '#'
	if recs, err = r.ReadAll(); err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		name, n3, id, source := rec[0], rec[1], rec[2], rec[4]
		switch source {
		case "iso":
			if iso[n3] != id {
				t.Errorf("world_50m_ids.csv %s: %s → %s, importer/countries.csv says %q", name, n3, id, iso[n3])
			}
		case "ne":
			if iso[n3] == id {
				t.Errorf("world_50m_ids.csv %s: %s has an ISO code; mark it iso", name, id)
			}
		default:
			t.Errorf("world_50m_ids.csv %s: source %q", name, source)
		}
		if u := byID[id]; u == nil || u.Name != name {
			t.Errorf("world_50m_ids.csv %s → %s is not that unit of the layer: %+v", name, id, u)
		}
	}
}

// TestLoadLayers checks that Load loads the built-in layers once, that a
// deleted built-in layer stays deleted, and that an existing database that
// had only the sample gets them on its next start.
func TestLoadLayers(t *testing.T) {
	for _, b := range testdb.Backends(t, "layers") {
		t.Run(b.Name, func(t *testing.T) {
			for _, o := range testdb.Backends(t, "layers2") {
				if o.Name == b.Name {
					testLoadLayers(t, b.URL, o.URL)
				}
			}
		})
	}
}

// testLoadLayers loads into the database at url; other is a second, empty
// database of the same kind.
func testLoadLayers(t *testing.T, url, other string) {
	ctx := context.Background()
	s, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if loaded, err := loader.Load(ctx, s); err != nil || !loaded {
		t.Fatalf("first load: %v %v", loaded, err)
	}
	for id, n := range map[string]int{sample.LayerID: 3142, sample.StatesLayerID: 51, sample.WorldLayerID: 241} {
		l, err := s.FindLayerByID(ctx, id)
		if err != nil || l.UnitCount != n {
			t.Fatalf("layer %s: %+v %v, want %d units", id, l, err, n)
		}
	}
	est, err := s.FindMarketEstimates(ctx, sample.StatesLayerID)
	if err != nil || len(est) != 51 {
		t.Fatalf("us-states estimates: %d %v", len(est), err)
	}
	if loaded, err := loader.Load(ctx, s); err != nil || loaded {
		t.Fatalf("second load: %v %v, want nothing loaded", loaded, err)
	}
	// us-zips: in the background, once, with estimates split from the counties'.
	var bg loader.Background
	if got, err := bg.Run(ctx, s); err != nil || strings.Join(got, " ") != sample.ZIPsLayerID || len(bg.Loads()) != 0 {
		t.Fatalf("background load: %v %v, still loading %v", got, err, bg.Loads())
	}
	if l, err := s.FindLayerByID(ctx, sample.ZIPsLayerID); err != nil || l.UnitCount != 33232 {
		t.Fatalf("us-zips: %+v %v", l, err)
	}
	if est, err := s.FindMarketEstimates(ctx, sample.ZIPsLayerID); err != nil || len(est) < 33000 {
		t.Fatalf("us-zips estimates: %d %v", len(est), err)
	}
	if got, err := bg.Run(ctx, s); err != nil || len(got) != 0 {
		t.Fatalf("second background load: %v %v, want nothing loaded", got, err)
	}
	if err := s.DeleteLayer(ctx, sample.WorldLayerID); err != nil {
		t.Fatal(err)
	}
	if loaded, err := loader.Load(ctx, s); err != nil || loaded {
		t.Fatalf("after delete: %v %v, want nothing loaded", loaded, err)
	}
	if _, err := s.FindLayerByID(ctx, sample.WorldLayerID); terrane.ErrorCode(err) != terrane.ENOTFOUND {
		t.Errorf("a deleted built-in layer came back: %v", err)
	}
	// On a database without the marks: a layer cut off before its mark (the
	// built-in description) is done again; someone's own layer of a built-in
	// id is left alone.
	s2, err := data.Open(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	l, err := sample.BuildStates(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.CreateLayer(ctx, &l.Layer); err != nil {
		t.Fatal(err)
	}
	if err := s2.CreateLayer(ctx, &terrane.Layer{ID: sample.WorldLayerID, Name: "mine"}); err != nil {
		t.Fatal(err)
	}
	got, err := sample.LoadLayers(ctx, s2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != sample.StatesLayerID {
		t.Errorf("loaded %v, want only %s", got, sample.StatesLayerID)
	}
	if l, err := s2.FindLayerByID(ctx, sample.StatesLayerID); err != nil || l.UnitCount != 51 {
		t.Errorf("the cut-off us-states was not done again: %+v %v", l, err)
	}
	if l, err := s2.FindLayerByID(ctx, sample.WorldLayerID); err != nil || l.Name != "mine" || l.UnitCount != 0 {
		t.Errorf("a user's world-countries layer was replaced: %+v %v", l, err)
	}
}
