package importer

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func TestImportUnitsGeoJSONAndShapefileGiveTheSameUnits(t *testing.T) {
	ctx := context.Background()
	cells := grid(4, 3)
	opts := map[string]string{"id": "GEOID", "name": "NAME", "region": "ST"}
	stored := map[string]string{}
	for format, file := range map[string][]byte{"geojson": gridGeoJSON(t, cells), "shapefile": gridShapefile(t, cells)} {
		s := openStore(t)
		res, err := Import(ctx, s, bytes.NewReader(file), Options{Kind: KindUnits, Layer: "grid", Fields: opts})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if res.Format != format || res.Units != 12 || res.Edges != 17 || res.Islands != 0 || res.Components != 1 {
			t.Errorf("%s: result %+v; want format %s, 12 units, 17 edges, no island, 1 component", format, *res, format)
		}
		units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		u := units[0]
		if u.ID != "c0r0" || u.Name != "Cell 0,0" || u.Region != "AA" || u.Attributes["POP"] != 100 || len(u.Attributes) != 1 {
			t.Errorf("%s: first unit %+v", format, *u)
		}
		if d := u.Centroid[0] + 99.5; d*d > 1e-18 {
			t.Errorf("%s: centroid %v, want [-99.5 40.5]", format, u.Centroid)
		}
		l, err := s.FindLayerByID(ctx, "grid")
		if err != nil || l.Name != "grid" || l.UnitCount != 12 {
			t.Errorf("%s: layer %+v, %v", format, l, err)
		}
		stored[format] = snapshot(t, s, 0)
	}
	if diff := cmp.Diff(stored["geojson"], stored["shapefile"]); diff != "" {
		t.Errorf("GeoJSON and shapefile imports differ (-geojson +shapefile):\n%s", diff)
	}
}

func TestImportUnitsTopoJSONAndOptions(t *testing.T) {
	ctx := context.Background()
	// Two unit squares sharing an edge, as TopoJSON arcs without transform.
	topo := `{"type":"Topology","objects":{"cells":{"type":"GeometryCollection","geometries":[
		{"type":"Polygon","id":"a","properties":{"n":"A","pop":5},"arcs":[[0,1]]},
		{"type":"Polygon","id":"b","properties":{"n":"B","pop":7},"arcs":[[-1,2]]}]}},
		"arcs":[[[1,0],[1,1]],[[1,1],[0,1],[0,0],[1,0]],[[1,0],[2,0],[2,1],[1,1]]]}`
	s := openStore(t)
	res, err := Import(ctx, s, strings.NewReader(topo), Options{Kind: KindUnits, Layer: "topo",
		Fields: map[string]string{"name": "n", "layer_name": "Topo cells", "contiguity": "queen"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "topojson" || res.Units != 2 || res.Edges != 1 {
		t.Errorf("result %+v, want topojson, 2 units, 1 edge", *res)
	}
	l, _ := s.FindLayerByID(ctx, "topo")
	if l.Name != "Topo cells" {
		t.Errorf("layer name %q", l.Name)
	}
	// Re-importing keeps the layer's name unless given.
	if _, err := Import(ctx, s, strings.NewReader(topo), Options{Kind: KindUnits, Layer: "topo"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.FindLayerByID(ctx, "topo"); l.Name != "Topo cells" {
		t.Errorf("layer name after re-import %q", l.Name)
	}
	// Islands and bridges.
	cells := append(grid(2, 1), gridCell{id: "far", poly: square(-90, 40)})
	res, err = Import(ctx, s, bytes.NewReader(gridGeoJSON(t, cells)), Options{Kind: KindUnits, Layer: "isl", Fields: map[string]string{"id": "GEOID", "bridge": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Islands != 1 || res.Bridges != 1 || res.Edges != 2 || res.Components != 2 {
		t.Errorf("result %+v, want 1 island, 1 bridge, 2 edges, 2 components", *res)
	}
}

func TestImportAssignments(t *testing.T) {
	forEachBackend(t, testImportAssignments)
}

func testImportAssignments(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s)
	file := "Unit ID,Territory ID,Territory Name\nc0r0,W,West\nc1r0,N,North\nc2r0,N,North\n"
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAssignments, Scenario: sc, Actor: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assigned != 3 || res.TerritoriesCreated != 1 || res.Territories != 3 || res.Unassigned != 9 || res.Layer != "grid" {
		t.Errorf("result %+v", *res)
	}
	al, _ := s.FindAssignments(ctx, sc)
	if len(al) != 3 || al["c2r0"] != "N" {
		t.Errorf("alignment %v", al)
	}
	terrs, _ := s.FindTerritories(ctx, sc)
	for _, tr := range terrs {
		if tr.ID == "W" && (len(tr.Owners) != 1 || tr.Owners[0] != "rita") {
			t.Errorf("territory W lost its owners: %+v", *tr)
		}
		if tr.ID == "N" && tr.Name != "North" {
			t.Errorf("territory N: %+v", *tr)
		}
	}
	audit, _ := s.FindAudit(ctx, sc)
	if last := audit[len(audit)-1]; last.Actor != "ann" || last.Action != "assign" {
		t.Errorf("last audit entry %+v", *last)
	}
	// Merge keeps the units the file does not name.
	res, err = Import(ctx, s, strings.NewReader("zone,rep\nc3r2,E\n"), Options{Kind: KindAssignments, Layer: "grid", Scenario: sc,
		Fields: map[string]string{"unit_id": "zone", "territory_id": "rep", "mode": "merge"}})
	if err != nil {
		t.Fatal(err)
	}
	if al, _ := s.FindAssignments(ctx, sc); len(al) != 4 || al["c3r2"] != "E" || res.Unassigned != 8 {
		t.Errorf("after merge: alignment %v, result %+v", al, *res)
	}
}

func TestImportMarkets(t *testing.T) {
	ctx := context.Background()
	s, _ := gridStore(t)
	file := "unit_id,market,revenue,share,saturation,floor,low,high\n" +
		"c0r0,1000,100,,,,,\n" + // share = revenue/market, saturation 2×share, floor share/2
		"c0r1,\"$2,000\",,5%,0.5,0.01,1500,2500\n" + // share given: revenue = share × market
		"c0r2,500,,,,,400,\n" // no revenue: share 0; high defaults to market
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindMarkets, Layer: "grid"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Estimates != 3 || res.Rows != 3 {
		t.Errorf("result %+v", *res)
	}
	est, _ := s.FindMarketEstimates(ctx, "grid")
	got := map[string]terrane.MarketEstimate{}
	for _, e := range est {
		got[e.UnitID] = *e
	}
	want := map[string]terrane.MarketEstimate{
		"c0r0": {Layer: "grid", UnitID: "c0r0", Market: 1000, Revenue: 100, Share: 0.1, Saturation: 0.2, Floor: 0.05, RevenueSource: "markets"},
		"c0r1": {Layer: "grid", UnitID: "c0r1", Market: 2000, Revenue: 100, Share: 0.05, Saturation: 0.5, Floor: 0.01, Low: 1500, High: 2500, RevenueSource: "markets"},
		"c0r2": {Layer: "grid", UnitID: "c0r2", Market: 500, Saturation: DefaultMinSaturation, Low: 400, High: 500, RevenueSource: "markets"},
		"c1r1": {Layer: "grid", UnitID: "c1r1", Market: 2000, Revenue: 20, Share: 0.01, Saturation: 0.05, Floor: 0.005, RevenueSource: "markets"}, // from gridStore, kept
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); diff != "" {
		t.Errorf("estimates (-want +got):\n%s", diff)
	}
}

func TestImportAccountsByPoint(t *testing.T) {
	ctx := context.Background()
	s, _ := gridStore(t)
	file := "Account;Owner;Longitude;Latitude;ARR\nx1;rita;-99.5;40.5;1.000,5\nx2;;-50;10;0\n"
	_, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "grid",
		Fields: map[string]string{"id": "Account", "revenue": "ARR", "delimiter": ";"}})
	ie := importErrs(t, err)
	if len(ie.Problems) != 1 || ie.Problems[0].Row != 2 || ie.Problems[0].Field != "ARR" {
		t.Fatalf("problems %+v, want one on line 2, field ARR", ie.Problems)
	}
	file = strings.Replace(file, "1.000,5", "1000.5", 1)
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "grid",
		Fields: map[string]string{"id": "Account", "revenue": "ARR", "delimiter": ";"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 2 || res.Located != 1 || res.Unlocated != 1 || res.Revenue != 1000.5 {
		t.Errorf("result %+v", *res)
	}
	got, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"})
	if len(got) != 2 || got[0].UnitID != "c0r0" || got[0].Owner != "rita" || got[1].UnitID != "" {
		t.Errorf("accounts %+v %+v", *got[0], *got[1])
	}
}

func TestPostalCode(t *testing.T) {
	for in, want := range map[string]string{"2134": "02134", "501": "00501", "98101-1234": "98101", "07030.0": "07030", "SW1A 1AA": "SW1A 1AA", "": ""} {
		if got := postalCode(in); got != want {
			t.Errorf("postalCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{{"12.5", 12.5, true}, {"$1,234.50", 1234.5, true}, {"5%", 0.05, true}, {" -3 ", -3, true}, {"1e3", 1000, true},
		{"NaN", 0, false}, {"Inf", 0, false}, {"1,2", 0, false}, {"abc", 0, false}, {"1e999", 0, false}, {"", 0, false}} {
		got, ok, _ := number(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("number(%q) = %g, %v; want %g, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestImportSizeLimitAndOptions(t *testing.T) {
	ctx := context.Background()
	s, sc := gridStore(t)
	file := "unit_id,market\nc0r0,1000\n"
	for _, tc := range []struct {
		name string
		opts Options
		code string
		msg  string
	}{
		{"too large", Options{Kind: KindMarkets, Layer: "grid", MaxBytes: 10}, terrane.ETOOLARGE, "larger than the limit of 10 bytes"},
		{"unknown kind", Options{Kind: "people", Layer: "grid"}, terrane.EINVALID, "must be one of units, assignments, accounts, markets"},
		{"no layer", Options{Kind: KindMarkets}, terrane.EINVALID, "layer is required"},
		{"bad layer id", Options{Kind: KindUnits, Layer: "Bad Layer"}, terrane.EINVALID, "layer id"},
		{"unknown option", Options{Kind: KindMarkets, Layer: "grid", Fields: map[string]string{"colour": "red"}}, terrane.EINVALID, `unknown option "colour"`},
		{"unknown layer", Options{Kind: KindMarkets, Layer: "nowhere"}, terrane.ENOTFOUND, "layer nowhere not found"},
		{"no scenario", Options{Kind: KindAssignments, Layer: "grid"}, terrane.EINVALID, "scenario is required"},
		{"unknown scenario", Options{Kind: KindAssignments, Layer: "grid", Scenario: 999}, terrane.ENOTFOUND, ""},
		{"scenario on another layer", Options{Kind: KindAssignments, Layer: "isl", Scenario: sc}, terrane.EINVALID, "is drawn on layer grid"},
		{"bad mode", Options{Kind: KindAssignments, Scenario: sc, Fields: map[string]string{"mode": "mix"}}, terrane.EINVALID, "mode"},
		{"bad delimiter", Options{Kind: KindMarkets, Layer: "grid", Fields: map[string]string{"delimiter": ";;"}}, terrane.EINVALID, "delimiter"},
		{"bad contiguity", Options{Kind: KindUnits, Layer: "grid", Fields: map[string]string{"contiguity": "bishop", "id": "GEOID"}}, terrane.EINVALID, "contiguity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := file
			if tc.opts.Kind == KindUnits {
				f = string(gridGeoJSON(t, grid(1, 1)))
			}
			before := snapshot(t, s, sc)
			_, err := Import(ctx, s, strings.NewReader(f), tc.opts)
			if got := terrane.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if !strings.Contains(terrane.ErrorMessage(err), tc.msg) {
				t.Errorf("message %q, want it to contain %q", terrane.ErrorMessage(err), tc.msg)
			}
			if after := snapshot(t, s, sc); after != before {
				t.Errorf("the store changed:\n%s", cmp.Diff(before, after))
			}
		})
	}
}

// TestImportTerritoryMarkets: an estimate per territory of a scenario is
// spread over the territory's units, in proportion to their current markets
// when every unit has one and equally otherwise; shares stay the territory's.
func TestImportTerritoryMarkets(t *testing.T) {
	ctx := context.Background()
	s, scenario := gridStore(t)
	// Give every unit of E a current market: 1, 1, 1, 1, 2, 2 (thousands).
	if _, err := Import(ctx, s, strings.NewReader("unit_id,market\nc2r0,1000\nc2r1,1000\nc2r2,1000\nc3r0,1000\nc3r1,2000\nc3r2,2000\n"), Options{Kind: KindMarkets, Layer: "grid"}); err != nil {
		t.Fatal(err)
	}
	file := "territory_id,market,revenue,saturation,floor\nW,60000,600,0.1,0.004\nE,80000,1600,0.1,0.01\n"
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindMarkets, Layer: "grid", Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Estimates != 12 {
		t.Errorf("result %+v; want 2 rows spread over 12 units", *res)
	}
	est, _ := s.FindMarketEstimates(ctx, "grid")
	got := map[string]*terrane.MarketEstimate{}
	for _, e := range est {
		got[e.UnitID] = e
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	// W: only 2 of its 6 units had an estimate, so an equal split.
	if m := got["c0r2"]; !near(m.Market, 10000) || !near(m.Revenue, 100) || !near(m.Share, 0.01) || !near(m.Saturation, 0.1) {
		t.Errorf("c0r2 = %+v; want a sixth of W: market 10000, revenue 100, share 0.01", *m)
	}
	// E: every unit had one: 1/8 or 2/8 of E.
	if m := got["c2r0"]; !near(m.Market, 10000) || !near(m.Revenue, 200) {
		t.Errorf("c2r0 = %+v; want 1/8 of E: market 10000, revenue 200", *m)
	}
	if m := got["c3r2"]; !near(m.Market, 20000) || !near(m.Share, 0.02) {
		t.Errorf("c3r2 = %+v; want 2/8 of E: market 20000, share 0.02", *m)
	}
	// Errors name the territory; nothing changes.
	before := snapshot(t, s, scenario)
	_, err = Import(ctx, s, strings.NewReader("territory_id,market\nQ,1\n"), Options{Kind: KindMarkets, Layer: "grid", Scenario: scenario})
	if err == nil || !strings.Contains(err.Error(), "unknown territory") || !strings.Contains(err.Error(), "Q") {
		t.Errorf("unknown territory: %v", err)
	}
	_, err = Import(ctx, s, strings.NewReader("territory_id,market\nW,1\n"), Options{Kind: KindMarkets, Layer: "other", Scenario: scenario})
	if err == nil {
		t.Errorf("a scenario on another layer was accepted")
	}
	if after := snapshot(t, s, scenario); after != before {
		t.Errorf("failed imports changed the store")
	}
}

func TestImportAccountsCustomer(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, file string
		fields     map[string]string
	}{
		{"option customer", "Account,Parent Company,Site,Longitude,Latitude\nx1,Acme,HQ,-99.5,40.5\nx2,,,-97.5,41.5\n", map[string]string{"id": "Account", "customer": "Parent Company"}},
		{"a column named customer", "id,Customer,Site,lon,lat\nx1,Acme,HQ,-99.5,40.5\nx2,,,-97.5,41.5\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := gridStore(t)
			if _, err := Import(ctx, s, strings.NewReader(tc.file), Options{Kind: KindAccounts, Layer: "grid", Fields: tc.fields}); err != nil {
				t.Fatal(err)
			}
			got, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"})
			want := map[string]string{terrane.CustomerAttribute: "Acme", "Site": "HQ"}
			if len(got) != 2 || !cmp.Equal(got[0].Attributes, want) || len(got[1].Attributes) != 0 {
				t.Errorf("attributes %v and %v, want %v and none", got[0].Attributes, got[1].Attributes, want)
			}
		})
	}
	s, _ := gridStore(t)
	_, err := Import(ctx, s, strings.NewReader("id,lon,lat\nx1,-99.5,40.5\n"), Options{Kind: KindAccounts, Layer: "grid", Fields: map[string]string{"customer": "Parent"}})
	if ie := importErrs(t, err); len(ie.Problems) != 1 || ie.Problems[0].Field != "Parent" {
		t.Errorf("problems %+v, want one naming the missing column Parent", ie.Problems)
	}
}
