package sample

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane/geo"
)

// ZIPPoint is one ZCTA of the lower 48 states and DC, as the ZIP-level
// layer and the ZIP-scale alignment benchmarks use it.
type ZIPPoint struct {
	ID     string    // 5-digit ZCTA
	Point  orb.Point // the Census internal point, lon/lat degrees
	County string    // 5-digit FIPS: the crosswalk's first county for the ZIP
	// Population is the county's 2018 population split evenly over the
	// county's ZCTAs (people): the crosswalk has no allocation ratios.
	Population float64
}

// ZIPMaxEdgeMeters is the longest Delaunay edge kept as an adjacency of the
// ZIP layer: longer ones cross water or empty land (the Great Lakes, the
// Gulf) rather than join neighbours.
const ZIPMaxEdgeMeters = 150_000

// notLower48 are the state FIPS prefixes left out of the ZIP layer: Alaska,
// Hawaii and the territories, which have no land neighbour in the lower 48.
var notLower48 = map[string]bool{"02": true, "15": true, "60": true, "66": true, "69": true, "72": true, "78": true}

// ZIPPoints returns the ZCTAs of the lower 48 and DC (33,232 of the
// 33,791 in the embedded centroid table: those the crosswalk places in a
// county of the lower 48 or DC), sorted by ZCTA, with their county and
// population share.
func ZIPPoints() ([]ZIPPoint, error) {
	cents, err := ZIPCentroids()
	if err != nil {
		return nil, err
	}
	counties, err := ZIPCounties()
	if err != nil {
		return nil, err
	}
	header, recs, err := readCSV("county_market_summary.csv")
	if err != nil {
		return nil, err
	}
	ifips, ipop := column(header, "fips"), column(header, "pop_2018")
	pop := make(map[string]float64, len(recs))
	for n, rec := range recs {
		if rec[ipop] == "" {
			continue // the territories have no population figure
		}
		v, err := strconv.ParseFloat(rec[ipop], 64)
		if err != nil {
			return nil, fmt.Errorf("sample: county_market_summary.csv line %d: pop_2018 %q is not a number", n+2, rec[ipop])
		}
		pop[rec[ifips]] = v
	}
	var out []ZIPPoint
	perCounty := map[string]int{}
	for id, p := range cents {
		cs := counties[id]
		if len(cs) == 0 || len(cs[0]) != 5 || notLower48[cs[0][:2]] {
			continue
		}
		out = append(out, ZIPPoint{ID: id, Point: p, County: cs[0]})
		perCounty[cs[0]]++
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := range out {
		out[i].Population = pop[out[i].County] / float64(perCounty[out[i].County])
	}
	return out, nil
}

// ZIPEdges is the adjacency of the ZIP points: the Delaunay triangulation
// of their centroids (geo.DelaunayLonLat), without the edges longer than
// maxMeters (great-circle); index pairs into pts, i < j, sorted.
func ZIPEdges(pts []ZIPPoint, maxMeters float64) [][2]int {
	ps := make([]orb.Point, len(pts))
	for i, z := range pts {
		ps[i] = z.Point
	}
	var out [][2]int
	for _, e := range geo.DelaunayLonLat(ps) {
		if geo.Haversine(ps[e[0]], ps[e[1]]) <= maxMeters {
			out = append(out, e)
		}
	}
	return out
}
