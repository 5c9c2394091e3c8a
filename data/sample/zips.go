package sample

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
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
	table, err := readMarketTable()
	if err != nil {
		return nil, err
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
		out[i].Population = table[out[i].County].attrs["pop_2018"] / float64(perCounty[out[i].County])
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

// ZIPMeasures are the balance measures of the ZIP-level benchmark with
// several measures (issue 17), per ZIPPoint, from the county table: the
// sample company's county market and the county's businesses, split over
// its ZCTAs as the population is (the crosswalk has no ratios).
type ZIPMeasures struct {
	// Market is the sample company's county market (countyMarkets: payroll,
	// establishments and population) split over the county's ZCTAs in
	// proportion to population, dollars per year.
	Market []float64
	// Accounts are the county's establishments (County Business Patterns
	// 2020) split evenly over its ZCTAs, rounded: the businesses a rep may
	// call on (the population's share where CBP has no figure).
	Accounts []float64
	// Workload is the hours a year those accounts take: 4 h per account in
	// the most metropolitan counties (RUCC 1) up to 9 h in the most rural
	// (RUCC 9), where calls mean travel.
	Workload []float64
}

// ZIPMeasuresOf returns the measures of pts (from ZIPPoints).
func ZIPMeasuresOf(pts []ZIPPoint) (*ZIPMeasures, error) {
	table, err := readMarketTable()
	if err != nil {
		return nil, err
	}
	var units []*terrane.Unit
	for fips, row := range table {
		if _, ok := stateFIPS[fips[:2]]; ok {
			units = append(units, &terrane.Unit{ID: fips, Attributes: row.attrs})
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	market := countyMarkets(units)
	popOf := map[string]float64{}
	zips := map[string]int{}
	for _, z := range pts {
		popOf[z.County] += z.Population
		zips[z.County]++
	}
	var totEst, totPop float64
	for _, u := range units {
		totEst += u.Attributes["cbp_establishments_2020"]
		totPop += u.Attributes["pop_2018"]
	}
	m := &ZIPMeasures{Market: make([]float64, len(pts)), Accounts: make([]float64, len(pts)), Workload: make([]float64, len(pts))}
	for i, z := range pts {
		attrs := table[z.County].attrs
		share := 1 / float64(zips[z.County])
		if popOf[z.County] > 0 {
			share = z.Population / popOf[z.County]
		}
		m.Market[i] = market[z.County] * share
		est, ok := attrs["cbp_establishments_2020"]
		if !ok {
			est = totEst * attrs["pop_2018"] / totPop
		}
		m.Accounts[i] = math.Round(est * share)
		rucc := attrs["rucc_2013"]
		if rucc < 1 {
			rucc = 1
		}
		m.Workload[i] = m.Accounts[i] * (4 + 5*(math.Min(rucc, 9)-1)/8)
	}
	return m, nil
}
