package sample

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// TestZIPPoints: the ZIP-level instance of issue 17 — 33,232 ZCTAs of the
// lower 48 and DC, population conserved county by county, and a connected
// Delaunay adjacency with no edge over 150 km.
func TestZIPPoints(t *testing.T) {
	pts, err := ZIPPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 33232 {
		t.Fatalf("%d ZCTAs, want 33,232", len(pts))
	}
	total := 0.0
	for _, p := range pts {
		total += p.Population
	}
	// The lower 48 and DC held about 325.7 million people in 2018; counties
	// with no ZCTA in the crosswalk lose theirs.
	if total < 320e6 || total > 328e6 {
		t.Fatalf("population %.0f, want about 326 million", total)
	}
	edges := ZIPEdges(pts, ZIPMaxEdgeMeters)
	if len(edges) < 2*len(pts) || len(edges) > 3*len(pts) {
		t.Fatalf("%d edges for %d points: not a triangulation", len(edges), len(pts))
	}
	adj := make([][]int, len(pts))
	for _, e := range edges {
		if d := geo.Haversine(pts[e[0]].Point, pts[e[1]].Point); d > ZIPMaxEdgeMeters {
			t.Fatalf("edge %v is %.0f m long", e, d)
		}
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	seen := make([]bool, len(pts))
	queue := []int{0}
	seen[0] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	reached := 0
	for _, s := range seen {
		if s {
			reached++
		}
	}
	m, err := ZIPMeasuresOf(pts)
	if err != nil {
		t.Fatal(err)
	}
	var market, accounts, hours float64
	for i := range pts {
		market, accounts, hours = market+m.Market[i], accounts+m.Accounts[i], hours+m.Workload[i]
		if m.Market[i] < 0 || m.Accounts[i] < 0 || m.Workload[i] < 4*m.Accounts[i] || m.Workload[i] > 9*m.Accounts[i] {
			t.Fatalf("ZIP %s: market %v, accounts %v, workload %v", pts[i].ID, m.Market[i], m.Accounts[i], m.Workload[i])
		}
	}
	// The lower 48 hold about 99 % of the $3.0B national market; the
	// county records of CBP 2020 there count 6,313,915 establishments (a
	// few counties with no ZCTA in the crosswalk lose theirs, and each ZIP's
	// share is rounded).
	if market < 2.9e9 || market > 3.0e9 || accounts < 6.25e6 || accounts > 6.35e6 {
		t.Fatalf("market %.4g, accounts %.4g: want about $2.97B and 6.31M", market, accounts)
	}
	t.Logf("market $%.4gB, %.4g accounts, %.4g hours", market/1e9, accounts, hours)
	t.Logf("%d ZCTAs, %d edges, %d reached from %s, population %.0f", len(pts), len(edges), reached, pts[0].ID, total)
	if reached != len(pts) {
		t.Fatalf("adjacency not connected: %d of %d reached", reached, len(pts))
	}
}

// TestBuildZIPs checks us-zips: one valid unit per ZCTA holding its point,
// cells that tile the land without overlap (their areas add up to the
// land's, and the adjacency is ZIPEdges), and market estimates that add up
// to the counties' of the lower 48 and DC.
func TestBuildZIPs(t *testing.T) {
	ds, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	l, err := BuildZIPs(ds.Estimates)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := ZIPPoints()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Units) != len(pts) || len(l.Units) != 33232 {
		t.Fatalf("%d units, want %d", len(l.Units), len(pts))
	}
	geoms := make([]orb.Geometry, len(l.Units))
	area, vertices, invalid := 0.0, 0, 0
	for i, u := range l.Units {
		if u.ID != pts[i].ID || u.Region == "" || !strings.HasPrefix(u.Name, "ZIP "+u.ID+" (") {
			t.Fatalf("unit %d: %s %q region %q", i, u.ID, u.Name, u.Region)
		}
		if err := geo.Validate(u.Geometry); err != nil {
			invalid++
		}
		geoms[i] = u.Geometry
		area += planar.Area(u.Geometry)
		forEachRing(u.Geometry, func(r orb.Ring) { vertices += len(r) })
	}
	// geo.ClipConvex cuts its bridges and geo.Repair what else is left; a
	// cell or so stays invalid (BuildZIPs): it fills and locates right.
	if invalid > 5 {
		t.Errorf("%d cells fail geo.Validate, want at most 5", invalid)
	}
	t.Logf("%d cells fail geo.Validate", invalid)
	land, err := nationLand()
	if err != nil {
		t.Fatal(err)
	}
	// Every point on land is in its own cell; a point the 1:10m coast
	// leaves in the water is in none (or its islet disc).
	ix, wet := geo.NewIndex(geoms), 0
	for i, u := range l.Units {
		got, ok := ix.Locate(u.Centroid)
		if ok && got == i {
			continue
		}
		if _, onLand := geo.NewIndex([]orb.Geometry{orb.MultiPolygon(land.polys)}).Locate(u.Centroid); onLand || ok {
			t.Errorf("ZIP %s: its point is in unit %d (%v), want its own", u.ID, got, ok)
		}
		wet++
	}
	t.Logf("%d ZIP points in the water at 1:10m", wet)
	landArea := 0.0
	for _, p := range land.polys {
		landArea += planar.Area(p)
	}
	// The cells cover the land in the lower 48's bound, less nothing, plus
	// the islet discs (square degrees; a cell that overlapped another would
	// make the sum larger).
	if math.Abs(area-landArea) > 1e-3*landArea {
		t.Errorf("cells cover %.4f square degrees, the land %.4f", area, landArea)
	}
	t.Logf("%d vertices in all (%.1f a unit)", vertices, float64(vertices)/float64(len(l.Units)))
	// The cells dissolve into states and Census regions, as the API
	// outlines territories and regions (geo.Dissolve drops the slivers
	// where clipped neighbours' coasts do not quite meet).
	for _, key := range []func(u *terrane.Unit) string{
		func(u *terrane.Unit) string { return u.Name[len(u.Name)-3 : len(u.Name)-1] },
		func(u *terrane.Unit) string { return u.Region },
	} {
		groups := map[string][]orb.Geometry{}
		for _, u := range l.Units {
			groups[key(u)] = append(groups[key(u)], u.Geometry)
		}
		for k, gs := range groups {
			if _, err := geo.Dissolve(gs); err != nil {
				t.Errorf("dissolve %s: %v", k, err)
			}
		}
	}
	if want := ZIPEdges(pts, ZIPMaxEdgeMeters); len(l.Edges) != len(want) {
		t.Errorf("%d edges, want ZIPEdges' %d", len(l.Edges), len(want))
	}
	// Estimates: the counties of the lower 48 and DC, split.
	var zm, zr, cm, cr float64
	for _, e := range l.Estimates {
		if err := e.Validate(); err != nil {
			t.Error(err)
		}
		zm, zr = zm+e.Market, zr+e.Revenue
	}
	for _, e := range ds.Estimates {
		if !notLower48[e.UnitID[:2]] {
			cm, cr = cm+e.Market, cr+e.Revenue
		}
	}
	if math.Abs(zm-cm) > 1 || math.Abs(zr-cr) > 1 {
		t.Errorf("ZIPs market %.2f revenue %.2f; counties of the lower 48 and DC %.2f %.2f", zm, zr, cm, cr)
	}
}

func forEachRing(g orb.Geometry, f func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			f(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				f(r)
			}
		}
	}
}
