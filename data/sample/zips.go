package sample

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"

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

// ZIPsLayerID is the built-in layer of ZCTAs (BuildZIPs).
const ZIPsLayerID = "us-zips"

// zipsDescription is the us-zips layer's description; LoadLayers leaves a
// layer of that id with another description alone.
const zipsDescription = "33,232 ZCTAs of the lower 48 + DC (Census 2020 internal points), Voronoi cells clipped to the us-atlas 3.0.1 nation outline; Delaunay adjacency ≤ 150 km; market: the county's split by population"

// zipBound is the lower 48 and DC with a margin, lon/lat degrees: the
// Voronoi cells are cut to it before the coast cuts them.
var zipBound = orb.Bound{Min: orb.Point{-126, 23.5}, Max: orb.Point{-65.5, 50}}

// zipDigits is the number of decimals kept of a cell's coordinates
// (degrees): 1e-5° is at most 1.1 m.
const zipDigits = 1e5

// BuildZIPs builds layer us-zips: one unit per ZCTA of ZIPPoints (id = the
// 5-digit ZCTA, name "ZIP 02139 (Middlesex County, MA)" after the
// crosswalk's first county, region = the Census region of that county's
// state, centroid = the Census internal point, attribute pop_2018 = the
// ZIP's share of its county's 2018 population). The geometry is the ZIP's
// Voronoi cell (geo.VoronoiLonLat of the internal points, on Mercator like
// the Delaunay adjacency) clipped to the us-atlas nation outline, so that no
// cell spills into the sea, the Great Lakes, Canada or Mexico. The nation,
// not the state or county, is the clip: a cell keeps the land nearest its
// point across a state line, so the cells tile the land without gaps and
// neighbours share their edges exactly (territories dissolve cleanly). A
// point that the 1:10m coast leaves in the water (an islet ZIP) keeps its
// cell cut to a disc of zipIsletMeters. Coordinates are rounded to 1e-5°
// and not simplified further (a simplification ring by ring would split the
// shared edges). Adjacency = ZIPEdges(ZIPMaxEdgeMeters). With county
// estimates (us-counties, by FIPS unit id) it has market estimates: each
// county's split over its ZIPs in proportion to their population
// (zipEstimates).
func BuildZIPs(counties []*terrane.MarketEstimate) (*Layer, error) {
	l := &Layer{Layer: terrane.Layer{ID: ZIPsLayerID, Name: "US ZIP codes (ZCTA)", Description: zipsDescription}}
	pts, err := ZIPPoints()
	if err != nil {
		return nil, err
	}
	market, err := readMarketTable()
	if err != nil {
		return nil, err
	}
	land, err := nationLand()
	if err != nil {
		return nil, err
	}
	ps := make([]orb.Point, len(pts))
	for i, z := range pts {
		ps[i] = z.Point
	}
	cells := geo.VoronoiLonLat(ps, zipBound)
	l.Units = make([]*terrane.Unit, len(pts))
	for i, z := range pts {
		st := stateFIPS[z.County[:2]]
		county := market[z.County].name
		if county == "" {
			county = z.County
		}
		g := land.clip(cells[i], z.Point)
		if g == nil {
			return nil, fmt.Errorf("sample: ZIP %s: no cell", z.ID)
		}
		l.Units[i] = &terrane.Unit{Layer: ZIPsLayerID, ID: z.ID, Name: fmt.Sprintf("ZIP %s (%s, %s)", z.ID, county, st[0]),
			Region: censusRegion[st[0]], Geometry: g, Centroid: z.Point,
			Attributes: map[string]float64{"pop_2018": math.Round(z.Population*10) / 10}}
	}
	for _, e := range ZIPEdges(pts, ZIPMaxEdgeMeters) {
		l.Edges = append(l.Edges, [2]string{pts[e[0]].ID, pts[e[1]].ID})
	}
	if l.Estimates, err = zipEstimates(counties, pts); err != nil {
		return nil, err
	}
	return l, nil
}

// zipEstimates splits county estimates over the ZIPs: market, revenue, low
// and high in proportion to ZIPPoint.Population among the county's ZIPs
// (evenly when they have no population figure); share, saturation and
// floor are the county's (market-weighted where a ZIP gets several). The
// county's ZIPs are those whose first crosswalk county it is; for the 25
// counties that are no ZIP's first, those that list it later; for the two
// that the crosswalk, older than them, does not know, zipCountyAliases. So
// the ZIP layer's national market is the county layer's over the lower 48
// and DC (TestBuildZIPs).
func zipEstimates(counties []*terrane.MarketEstimate, pts []ZIPPoint) ([]*terrane.MarketEstimate, error) {
	if len(counties) == 0 {
		return nil, nil
	}
	cw, err := ZIPCounties()
	if err != nil {
		return nil, err
	}
	byCounty, later, byID := map[string][]int{}, map[string][]int{}, map[string]int{}
	for i, z := range pts {
		byCounty[z.County] = append(byCounty[z.County], i)
		byID[z.ID] = i
		for _, c := range cw[z.ID][1:] {
			later[c] = append(later[c], i)
		}
	}
	zipsOf := func(county string) []int {
		if zs := byCounty[county]; len(zs) > 0 {
			return zs
		}
		if zs := later[county]; len(zs) > 0 {
			return zs
		}
		var zs []int
		for _, a := range zipCountyAliases[county] {
			if i, ok := byID[a]; ok {
				zs = append(zs, i)
			} else {
				zs = append(zs, byCounty[a]...)
			}
		}
		return zs
	}
	type acc struct{ market, revenue, low, high, sat, floor float64 }
	sums := make([]acc, len(pts))
	for _, c := range counties {
		if len(c.UnitID) != 5 || notLower48[c.UnitID[:2]] {
			continue
		}
		zs := zipsOf(c.UnitID)
		if len(zs) == 0 {
			return nil, fmt.Errorf("sample: county %s has no ZIP: add it to zipCountyAliases", c.UnitID)
		}
		total := 0.0
		for _, i := range zs {
			total += pts[i].Population
		}
		for _, i := range zs {
			w := 1 / float64(len(zs))
			if total > 0 {
				w = pts[i].Population / total
			}
			a := &sums[i]
			a.market += w * c.Market
			a.revenue += w * c.Revenue
			a.low += w * c.Low
			a.high += w * c.High
			a.sat += w * c.Market * c.Saturation
			a.floor += w * c.Market * c.Floor
		}
	}
	var out []*terrane.MarketEstimate
	for i, a := range sums {
		if a.market <= 0 {
			continue
		}
		m := &terrane.MarketEstimate{Layer: ZIPsLayerID, UnitID: pts[i].ID, Market: a.market, Revenue: a.revenue, Low: a.low, High: a.high}
		m.Share = math.Min(1, m.Revenue/m.Market)
		m.Saturation = math.Min(1, math.Max(a.sat/a.market, m.Share))
		m.Floor = math.Min(a.floor/a.market, m.Share)
		if m.Low > m.Market || m.High < m.Market {
			m.Low, m.High = m.Market, m.Market
		}
		out = append(out, m)
	}
	return out, nil
}

// zipCountyAliases names the ZIPs (or the old county FIPS) of the two
// counties the crosswalk does not know: Broomfield, CO (08014, made in 2001
// from parts of Adams, Boulder, Jefferson and Weld; its ZIPs 80020 and
// 80023) and Oglala Lakota, SD (46102, Shannon County 46113 until 2015).
var zipCountyAliases = map[string][]string{"08014": {"80020", "80023"}, "46102": {"46113"}}

// zipIsletMeters is the radius of the disc that stands in for the land of
// a ZIP whose point the 1:10m coast leaves in the water, meters.
const zipIsletMeters = 1000

// land is the nation outline of the lower 48 and DC, with a grid of the
// cells its boundary passes through, so that a Voronoi cell clear of the
// boundary is kept whole without clipping.
type land struct {
	polys  []orb.Polygon
	bounds []orb.Bound                 // of each polygon's exterior
	border map[[2]int]bool             // grid cells (landGrid degrees) the boundary touches
	pieces map[[2]int]orb.MultiPolygon // the land cut to each landTile-degree tile, made when first needed
}

// landTile is the side of the tiles the land is cut into for clipping,
// degrees: a cell within one tile is clipped by that tile's few points
// rather than the mainland's thousands.
const landTile = 1.0

// landGrid is the side of land's grid cells, degrees.
const landGrid = 0.05

// nationLand reads the us-atlas nation object and keeps its polygons in the
// lower 48's bound.
func nationLand() (*land, error) {
	topo, err := files.ReadFile("counties-10m.json")
	if err != nil {
		return nil, err
	}
	fs, err := geo.DecodeTopoJSON(topo, "nation")
	if err != nil || len(fs) != 1 {
		return nil, fmt.Errorf("sample: nation: %v", err)
	}
	l := &land{border: map[[2]int]bool{}, pieces: map[[2]int]orb.MultiPolygon{}}
	var polys []orb.Polygon
	switch g := fs[0].Geometry.(type) {
	case orb.MultiPolygon:
		polys = g
	case orb.Polygon:
		polys = []orb.Polygon{g}
	}
	for _, p := range polys {
		if len(p) == 0 || !p[0].Bound().Intersects(zipBound) {
			continue
		}
		l.polys = append(l.polys, p)
		l.bounds = append(l.bounds, p[0].Bound())
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				b := orb.Bound{Min: r[k], Max: r[k]}.Extend(r[k+1])
				x0, y0, x1, y1 := gridCell(b.Min[0]), gridCell(b.Min[1]), gridCell(b.Max[0]), gridCell(b.Max[1])
				for x := x0; x <= x1; x++ {
					for y := y0; y <= y1; y++ {
						l.border[[2]int{x, y}] = true
					}
				}
			}
		}
	}
	return l, nil
}

func gridCell(v float64) int { return int(math.Floor(v / landGrid)) }

// clip returns the land in the convex cell of point p, its coordinates
// rounded to zipDigits: the cell itself when the boundary is clear of it
// and p is on land, else the cell clipped by every land polygon it meets;
// when that leaves nothing, the cell clipped to a disc of zipIsletMeters
// around p. nil only for an empty cell.
func (l *land) clip(cell orb.Ring, p orb.Point) orb.Geometry {
	if cell == nil {
		return nil
	}
	b := cell.Bound()
	clear := true
	for x := gridCell(b.Min[0]); x <= gridCell(b.Max[0]) && clear; x++ {
		for y := gridCell(b.Min[1]); y <= gridCell(b.Max[1]); y++ {
			if l.border[[2]int{x, y}] {
				clear = false
				break
			}
		}
	}
	var g orb.Geometry
	if clear {
		// A grid cell clear of the boundary is on land or off it as a
		// whole, and so is a Voronoi cell whose bound touches no other.
		if planar.MultiPolygonContains(l.piece(int(math.Floor(p[0]/landTile)), int(math.Floor(p[1]/landTile))), p) {
			g = orb.Polygon{cell}
		}
	} else {
		// A cell within one tile is clipped by the land cut to the tile
		// (with a margin that keeps the cut's own edges off the cell),
		// else by the whole land near it.
		tx, ty := int(math.Floor(b.Min[0]/landTile)), int(math.Floor(b.Min[1]/landTile))
		var parts orb.MultiPolygon
		if tx == int(math.Floor(b.Max[0]/landTile)) && ty == int(math.Floor(b.Max[1]/landTile)) {
			parts = l.piece(tx, ty)
		} else {
			for i, poly := range l.polys {
				if l.bounds[i].Intersects(b) {
					parts = append(parts, poly)
				}
			}
		}
		g = geo.ClipConvex(parts, cell)
	}
	if g = roundGeometry(g); g != nil {
		// geo.ClipConvex cuts the bridges of a cell that cuts a bay or a
		// peninsula in two; geo.Repair mends what is left (one cell stays
		// invalid: it still fills and locates right).
		if geo.Validate(g) != nil {
			// Rounded again so that the cut's points match the
			// neighbours', unless rounding makes the cell invalid again.
			if r, _, err := geo.Repair(g); err == nil {
				if rr := roundGeometry(r); rr != nil && geo.Validate(rr) == nil {
					g = rr
				} else {
					g = r
				}
			}
		}
		return g
	}
	disc := make(orb.Ring, 0, 17)
	dLat := zipIsletMeters / 111_195.0
	dLon := dLat / math.Cos(p[1]*math.Pi/180)
	for k := range 16 {
		a := float64(k) * math.Pi / 8
		disc = append(disc, orb.Point{p[0] + dLon*math.Cos(a), p[1] + dLat*math.Sin(a)})
	}
	disc = append(disc, disc[0])
	return roundGeometry(geo.ClipConvex(orb.Polygon{disc}, cell))
}

// piece is the land in tile (tx, ty) and a margin of 1 % of a tile.
func (l *land) piece(tx, ty int) orb.MultiPolygon {
	k := [2]int{tx, ty}
	if p, ok := l.pieces[k]; ok {
		return p
	}
	t := orb.Bound{Min: orb.Point{float64(tx) * landTile, float64(ty) * landTile}, Max: orb.Point{float64(tx+1) * landTile, float64(ty+1) * landTile}}.Pad(landTile / 100)
	var out orb.MultiPolygon
	for i, poly := range l.polys {
		if l.bounds[i].Intersects(t) {
			if q := clip.Polygon(t, orb.Clone(poly).(orb.Polygon)); len(q) > 0 {
				out = append(out, q)
			}
		}
	}
	l.pieces[k] = out
	return out
}

// roundGeometry rounds a Polygon or MultiPolygon's coordinates to
// zipDigits, dropping repeated points and the rings (polygons, for an
// exterior) that collapse; nil when nothing is left.
func roundGeometry(g orb.Geometry) orb.Geometry {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return nil
	}
	var out orb.MultiPolygon
	for _, p := range polys {
		var q orb.Polygon
		for k, r := range p {
			var rr orb.Ring
			for _, pt := range r {
				pt = orb.Point{math.Round(pt[0]*zipDigits) / zipDigits, math.Round(pt[1]*zipDigits) / zipDigits}
				if len(rr) == 0 || rr[len(rr)-1] != pt {
					rr = append(rr, pt)
				}
			}
			if len(rr) < 4 || rr[0] != rr[len(rr)-1] {
				if k == 0 {
					break
				}
				continue
			}
			q = append(q, rr)
		}
		if len(q) > 0 {
			out = append(out, q)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
