package sample

import (
	"testing"

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
