// Package sample builds Terrane's sample dataset from the public files
// embedded next to this file (see ../README.md for sources and licenses) and
// loads it into a store through the root service interfaces:
//
//   - layer "us-counties": the 3,142 counties of the 50 states and DC, decoded
//     from the us-atlas TopoJSON and joined by FIPS to the market proxies;
//   - a market estimate per county derived from those proxies;
//   - Superstore accounts (2014–2016) located by ZIP centroid and the
//     ZIP→county crosswalk, with mean annual revenue;
//   - a baseline scenario: one territory per state with current resources in
//     proportion to current revenue.
package sample

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

//go:embed counties-10m.json county_market_summary.csv census_zcta_centroids.csv zip_county_fips_crosswalk.csv.gz superstore_orders_2014_2016.csv
var files embed.FS

// Names of what the sample creates.
const (
	LayerID      = "us-counties"
	BaselineName = "Baseline 2017 (territories by state)"
	metaKey      = "sample_loaded"
)

// Model constants, documented in data/README.md.
const (
	NationalMarket    = 26e6   // addressable revenue of the 50 states + DC, dollars per year
	MetroSaturation   = 0.08   // share attainable at saturation in metro counties (RUCC 1–3)
	RuralSaturation   = 0.05   // share attainable at saturation in other counties
	SaturationHeadway = 0.8    // share may be at most this fraction of saturation; above, saturation is raised
	FloorFraction     = 0.5    // share kept with no effort, as a fraction of current share
	MarketRange       = 0.25   // low/high market = market × (1 ∓ this)
	RevenuePerRep     = 25000  // current revenue per rep in the baseline, dollars per year
	ProgramRate       = 0.08   // program money per dollar of current revenue in the baseline
	RevenuePerHour    = 250    // current revenue per manager hour in the baseline, dollars per hour
	RepCost           = 150000 // fully loaded cost of one rep, dollars per year
)

// Dataset is the sample, built in memory.
type Dataset struct {
	Layer       terrane.Layer
	Units       []*terrane.Unit
	Edges       [][2]string // rook adjacency by unit id
	Estimates   []*terrane.MarketEstimate
	Accounts    []*terrane.Account
	Scenario    terrane.Scenario
	Territories []*terrane.Territory
	Alignment   map[string]string // unit id → territory id
}

// stateFIPS maps the 2-digit state FIPS of the 50 states and DC to postal
// abbreviation and name. Territories (PR, GU, VI, AS, MP) are left out.
var stateFIPS = map[string][2]string{
	"01": {"AL", "Alabama"}, "02": {"AK", "Alaska"}, "04": {"AZ", "Arizona"}, "05": {"AR", "Arkansas"},
	"06": {"CA", "California"}, "08": {"CO", "Colorado"}, "09": {"CT", "Connecticut"}, "10": {"DE", "Delaware"},
	"11": {"DC", "District of Columbia"}, "12": {"FL", "Florida"}, "13": {"GA", "Georgia"}, "15": {"HI", "Hawaii"},
	"16": {"ID", "Idaho"}, "17": {"IL", "Illinois"}, "18": {"IN", "Indiana"}, "19": {"IA", "Iowa"},
	"20": {"KS", "Kansas"}, "21": {"KY", "Kentucky"}, "22": {"LA", "Louisiana"}, "23": {"ME", "Maine"},
	"24": {"MD", "Maryland"}, "25": {"MA", "Massachusetts"}, "26": {"MI", "Michigan"}, "27": {"MN", "Minnesota"},
	"28": {"MS", "Mississippi"}, "29": {"MO", "Missouri"}, "30": {"MT", "Montana"}, "31": {"NE", "Nebraska"},
	"32": {"NV", "Nevada"}, "33": {"NH", "New Hampshire"}, "34": {"NJ", "New Jersey"}, "35": {"NM", "New Mexico"},
	"36": {"NY", "New York"}, "37": {"NC", "North Carolina"}, "38": {"ND", "North Dakota"}, "39": {"OH", "Ohio"},
	"40": {"OK", "Oklahoma"}, "41": {"OR", "Oregon"}, "42": {"PA", "Pennsylvania"}, "44": {"RI", "Rhode Island"},
	"45": {"SC", "South Carolina"}, "46": {"SD", "South Dakota"}, "47": {"TN", "Tennessee"}, "48": {"TX", "Texas"},
	"49": {"UT", "Utah"}, "50": {"VT", "Vermont"}, "51": {"VA", "Virginia"}, "53": {"WA", "Washington"},
	"54": {"WV", "West Virginia"}, "55": {"WI", "Wisconsin"}, "56": {"WY", "Wyoming"},
}

// Build decodes and joins the embedded files into a Dataset.
func Build() (*Dataset, error) {
	ds := &Dataset{Layer: terrane.Layer{ID: LayerID, Name: "US counties",
		Description: "Census 2017 cartographic boundaries (us-atlas 3.0.1), 50 states + DC; market proxies: ERS/Census 2018, CBP 2020"}}
	topo, err := files.ReadFile("counties-10m.json")
	if err != nil {
		return nil, err
	}
	features, err := geo.DecodeTopoJSON(topo, "counties")
	if err != nil {
		return nil, fmt.Errorf("sample: counties: %w", err)
	}
	market, err := readMarketTable()
	if err != nil {
		return nil, err
	}
	byID := map[string]*terrane.Unit{}
	for _, f := range features {
		st, ok := stateFIPS[f.ID[:2]]
		if !ok {
			continue
		}
		row, ok := market[f.ID]
		if !ok {
			return nil, fmt.Errorf("sample: county %s has no row in county_market_summary.csv", f.ID)
		}
		if collapsed(f.Geometry) {
			// Falls Church city (51610) is a zero-area sliver at 1:10m;
			// stand in the bounding box of its boundary arcs.
			if f.Geometry, err = arcBounds(topo, f.ID); err != nil {
				return nil, err
			}
		}
		if err := geo.Validate(f.Geometry); err != nil {
			return nil, fmt.Errorf("sample: county %s: %w", f.ID, err)
		}
		c, ok := geo.Centroid(f.Geometry)
		if !ok {
			return nil, fmt.Errorf("sample: county %s: no centroid", f.ID)
		}
		name, _ := f.Properties["name"].(string)
		if row.name != "" {
			name = row.name
		}
		u := &terrane.Unit{Layer: LayerID, ID: f.ID, Name: name, Region: st[0], Geometry: f.Geometry, Centroid: c, Attributes: row.attrs}
		ds.Units = append(ds.Units, u)
		byID[u.ID] = u
	}
	sort.Slice(ds.Units, func(i, j int) bool { return ds.Units[i].ID < ds.Units[j].ID })

	geoms := make([]orb.Geometry, len(ds.Units))
	for i, u := range ds.Units {
		geoms[i] = u.Geometry
	}
	g := geo.Adjacency(geoms, geo.AdjacencyOptions{})
	for i, nb := range g.Neighbors {
		for _, j := range nb {
			if i < j {
				ds.Edges = append(ds.Edges, [2]string{ds.Units[i].ID, ds.Units[j].ID})
			}
		}
	}

	if ds.Accounts, err = readAccounts(byID); err != nil {
		return nil, err
	}
	ds.Estimates = estimate(ds.Units, ds.Accounts)
	ds.baseline()
	return ds, nil
}

// collapsed reports whether a decoded geometry lost every ring.
func collapsed(g orb.Geometry) bool {
	switch g := g.(type) {
	case nil:
		return true
	case orb.Polygon:
		return len(g) == 0
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 {
				return false
			}
		}
		return true
	}
	return false
}

// arcBounds is the bounding box, as a counter-clockwise polygon, of the arcs
// of one geometry of the topology's counties object.
func arcBounds(topo []byte, id string) (orb.Polygon, error) {
	var t struct {
		Arcs      [][][2]float64 `json:"arcs"`
		Transform struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Objects map[string]struct {
			Geometries []struct {
				ID   string          `json:"id"`
				Arcs json.RawMessage `json:"arcs"`
			} `json:"geometries"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(topo, &t); err != nil {
		return nil, err
	}
	for _, g := range t.Objects["counties"].Geometries {
		if g.ID != id {
			continue
		}
		var b orb.Bound
		first := true
		for _, tok := range strings.FieldsFunc(string(g.Arcs), func(r rune) bool { return r == '[' || r == ']' || r == ',' || r == ' ' }) {
			i, err := strconv.Atoi(tok)
			if err != nil {
				return nil, fmt.Errorf("sample: county %s: arc index %q", id, tok)
			}
			if i < 0 {
				i = ^i
			}
			var x, y float64
			for _, d := range t.Arcs[i] {
				x, y = x+d[0], y+d[1]
				p := orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
				if first {
					b, first = orb.Bound{Min: p, Max: p}, false
				}
				b = b.Extend(p)
			}
		}
		if first || b.Min[0] == b.Max[0] || b.Min[1] == b.Max[1] {
			return nil, fmt.Errorf("sample: county %s has no area to stand in", id)
		}
		return orb.Polygon{{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}}, nil
	}
	return nil, fmt.Errorf("sample: county %s not in the topology", id)
}

type marketRow struct {
	name  string
	attrs map[string]float64
}

// readMarketTable reads county_market_summary.csv: numeric columns become
// unit attributes; blank cells stay absent.
func readMarketTable() (map[string]marketRow, error) {
	f, err := files.Open("county_market_summary.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("sample: county_market_summary.csv: %w", err)
	}
	out := map[string]marketRow{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("sample: county_market_summary.csv line %d: %w", line, err)
		}
		row := marketRow{attrs: map[string]float64{}}
		for i, col := range header {
			switch col {
			case "fips", "state":
			case "county_name":
				row.name = rec[i]
			default:
				if rec[i] == "" || rec[i] == "null" { // blank or "null": not available
					continue
				}
				v, err := strconv.ParseFloat(rec[i], 64)
				if err != nil {
					return nil, fmt.Errorf("sample: county_market_summary.csv line %d column %s: %w", line, col, err)
				}
				row.attrs[col] = v
			}
		}
		out[rec[0]] = row
	}
	return out, nil
}

// readCSV reads a whole embedded CSV (gunzipped if named .gz) with its header.
func readCSV(name string) ([]string, [][]string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	var rd io.Reader = bytes.NewReader(b)
	if strings.HasSuffix(name, ".gz") {
		if rd, err = gzip.NewReader(rd); err != nil {
			return nil, nil, fmt.Errorf("sample: %s: %w", name, err)
		}
	}
	recs, err := csv.NewReader(rd).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("sample: %s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("sample: %s is empty", name)
	}
	return recs[0], recs[1:], nil
}

func column(header []string, names ...string) int {
	for i, h := range header {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// ZIPCentroids reads the embedded Census ZCTA centroid table: ZIP → lon/lat.
func ZIPCentroids() (map[string]orb.Point, error) {
	header, recs, err := readCSV("census_zcta_centroids.csv")
	if err != nil {
		return nil, err
	}
	iz, ilat, ilon := column(header, "zcta5"), column(header, "latitude"), column(header, "longitude")
	out := make(map[string]orb.Point, len(recs))
	for n, rec := range recs {
		lat, err1 := strconv.ParseFloat(rec[ilat], 64)
		lon, err2 := strconv.ParseFloat(rec[ilon], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("sample: census_zcta_centroids.csv line %d: bad coordinates", n+2)
		}
		out[rec[iz]] = orb.Point{lon, lat}
	}
	return out, nil
}

// ZIPCounties reads the embedded HUD crosswalk: ZIP → county FIPS codes.
func ZIPCounties() (map[string][]string, error) {
	header, recs, err := readCSV("zip_county_fips_crosswalk.csv.gz")
	if err != nil {
		return nil, err
	}
	iz, ic := column(header, "zip"), column(header, "fips")
	out := map[string][]string{}
	for _, rec := range recs {
		out[rec[iz]] = append(out[rec[iz]], rec[ic])
	}
	return out, nil
}

// locateZIP picks the county of a ZIP: the only crosswalk county; or, when the
// ZIP spans several, the one whose polygon contains the ZIP centroid, else the
// one whose centroid is nearest.
func locateZIP(p orb.Point, candidates []string, units map[string]*terrane.Unit) string {
	var best string
	bestD := math.Inf(1)
	for _, c := range candidates {
		u, ok := units[c]
		if !ok {
			continue
		}
		if len(candidates) == 1 {
			return c
		}
		switch g := u.Geometry.(type) {
		case orb.Polygon:
			if planar.PolygonContains(g, p) {
				return c
			}
		case orb.MultiPolygon:
			if planar.MultiPolygonContains(g, p) {
				return c
			}
		}
		if d := geo.Haversine(p, u.Centroid); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// readAccounts turns Superstore order lines into accounts: one per
// (Customer ID, ZIP), revenue = its sales divided by the number of calendar
// years in the file (dollars per year).
func readAccounts(units map[string]*terrane.Unit) ([]*terrane.Account, error) {
	header, recs, err := readCSV("superstore_orders_2014_2016.csv")
	if err != nil {
		return nil, err
	}
	iCust, iName, iSeg := column(header, "Customer ID"), column(header, "Customer Name"), column(header, "Segment")
	iZIP, iSales, iDate := column(header, "Postal Code"), column(header, "Sales"), column(header, "Order Date")
	for name, i := range map[string]int{"Customer ID": iCust, "Customer Name": iName, "Segment": iSeg, "Postal Code": iZIP, "Sales": iSales, "Order Date": iDate} {
		if i < 0 {
			return nil, fmt.Errorf("sample: superstore: missing column %q", name)
		}
	}
	centroids, err := ZIPCentroids()
	if err != nil {
		return nil, err
	}
	counties, err := ZIPCounties()
	if err != nil {
		return nil, err
	}
	years := map[string]bool{}
	byID := map[string]*terrane.Account{}
	var order []string
	for n, rec := range recs {
		zip := rec[iZIP]
		for len(zip) < 5 {
			zip = "0" + zip
		}
		sales, err := strconv.ParseFloat(rec[iSales], 64)
		if err != nil {
			return nil, fmt.Errorf("sample: superstore line %d: Sales %q: %w", n+2, rec[iSales], err)
		}
		if len(rec[iDate]) >= 4 {
			years[rec[iDate][:4]] = true
		}
		id := rec[iCust] + "@" + zip
		a, ok := byID[id]
		if !ok {
			p, ok := centroids[zip]
			if !ok {
				return nil, fmt.Errorf("sample: superstore line %d: ZIP %s has no centroid", n+2, zip)
			}
			county := locateZIP(p, counties[zip], units)
			if county == "" {
				return nil, fmt.Errorf("sample: superstore line %d: ZIP %s is in no county of the layer", n+2, zip)
			}
			a = &terrane.Account{ID: id, Name: rec[iName], Segment: rec[iSeg], PostalCode: zip, Location: p, Layer: LayerID, UnitID: county}
			byID[id] = a
			order = append(order, id)
		}
		a.Revenue += sales
	}
	sort.Strings(order)
	out := make([]*terrane.Account, len(order))
	for i, id := range order {
		a := byID[id]
		a.Revenue = math.Round(a.Revenue/float64(len(years))*100) / 100
		out[i] = a
	}
	return out, nil
}

// estimate derives each county's market from its proxies: a national market
// split by a weighted index of payroll (40 %), establishments (30 %) and
// population (30 %); current revenue from the accounts located there.
func estimate(units []*terrane.Unit, accounts []*terrane.Account) []*terrane.MarketEstimate {
	var totPay, totEst, totPop float64
	for _, u := range units {
		totPay += u.Attributes["cbp_annual_payroll_2020_k"]
		totEst += u.Attributes["cbp_establishments_2020"]
		totPop += u.Attributes["pop_2018"]
	}
	revenue := map[string]float64{}
	for _, a := range accounts {
		revenue[a.UnitID] += a.Revenue
	}
	out := make([]*terrane.MarketEstimate, len(units))
	for i, u := range units {
		popShare := u.Attributes["pop_2018"] / totPop
		pay, okPay := u.Attributes["cbp_annual_payroll_2020_k"]
		est, okEst := u.Attributes["cbp_establishments_2020"]
		payShare, estShare := popShare, popShare // counties CBP does not cover fall back to population
		if okPay {
			payShare = pay / totPay
		}
		if okEst {
			estShare = est / totEst
		}
		m := NationalMarket * (0.4*payShare + 0.3*estShare + 0.3*popShare)
		m = math.Max(m, 1000) // every county is worth something; avoids division by zero
		rev := revenue[u.ID]
		share := rev / m
		sat := RuralSaturation
		if r := u.Attributes["rucc_2013"]; r >= 1 && r <= 3 {
			sat = MetroSaturation
		}
		if share > SaturationHeadway*sat {
			sat = share / SaturationHeadway
		}
		if sat > 1 {
			// Revenue beyond the whole estimated market: the market estimate
			// is too low; raise it so the share is at most SaturationHeadway.
			m = rev / SaturationHeadway
			share, sat = SaturationHeadway, 1
		}
		out[i] = &terrane.MarketEstimate{Layer: LayerID, UnitID: u.ID, Market: round2(m), Revenue: rev,
			Share: share, Saturation: sat, Floor: FloorFraction * share,
			Low: round2(m * (1 - MarketRange)), High: round2(m * (1 + MarketRange))}
		if out[i].Low > out[i].Market || out[i].High < out[i].Market {
			out[i].Low, out[i].High = out[i].Market, out[i].Market
		}
	}
	return out
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// baseline groups counties into one territory per state with current
// resources in proportion to the state's current revenue.
func (ds *Dataset) baseline() {
	revenue := map[string]float64{}
	for _, m := range ds.Estimates {
		revenue[m.UnitID[:2]] += m.Revenue
	}
	ds.Alignment = map[string]string{}
	for _, u := range ds.Units {
		ds.Alignment[u.ID] = u.Region
	}
	var reps, money, hours float64
	for fips, st := range stateFIPS {
		rev := revenue[fips]
		cur := map[string]float64{
			"headcount": math.Round(rev / RevenuePerRep),
			"money":     math.Round(rev * ProgramRate),
			"attention": math.Round(rev / RevenuePerHour),
		}
		reps, money, hours = reps+cur["headcount"], money+cur["money"], hours+cur["attention"]
		// Derived from revenue, not known: labelled assumed until imported.
		ds.Territories = append(ds.Territories, &terrane.Territory{ID: st[0], Name: st[1], Current: cur, Assumed: []string{"attention", "headcount", "money"}})
	}
	sort.Slice(ds.Territories, func(i, j int) bool { return ds.Territories[i].ID < ds.Territories[j].ID })
	ds.Scenario = terrane.Scenario{
		Name: BaselineName, Layer: LayerID, Status: terrane.StatusDraft, CreatedBy: "sample",
		Budget: reps*RepCost + money,
		Resources: []terrane.Resource{
			{Name: "headcount", Unit: "reps", UnitCost: RepCost, Integer: true, Total: &reps},
			{Name: "money", Unit: "dollars per year", UnitCost: 1, Total: &money},
			{Name: "attention", Unit: "manager hours per year", UnitCost: 0, Total: &hours},
		},
		Settings: []byte(`{"objective":"revenue","resource_weights":{"headcount":0.5,"money":0.3,"attention":0.2},"shape":0.8}`),
	}
}

// Store is what Load needs of a store.
type Store interface {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.MetaService
}

// Load puts the sample into an empty store, once. A load that was cut off
// earlier (layer present, marker absent) is removed and done again. Then it
// loads the built-in layers not loaded yet (LoadLayers). It reports whether
// it loaded anything.
func Load(ctx context.Context, s Store) (bool, error) {
	if _, err := s.Meta(ctx, metaKey); err == nil {
		layers, err := LoadLayers(ctx, s)
		return len(layers) > 0, err
	} else if terrane.ErrorCode(err) != terrane.ENOTFOUND {
		return false, err
	}
	if _, err := s.FindLayerByID(ctx, LayerID); err == nil {
		if err := s.DeleteLayer(ctx, LayerID); err != nil {
			return false, fmt.Errorf("sample: remove a partial load: %w", err)
		}
	}
	ds, err := Build()
	if err != nil {
		return false, err
	}
	if err := s.CreateLayer(ctx, &ds.Layer); err != nil {
		return false, err
	}
	if err := s.ReplaceUnits(ctx, LayerID, ds.Units); err != nil {
		return false, err
	}
	if err := s.SetAdjacency(ctx, LayerID, ds.Edges); err != nil {
		return false, err
	}
	if err := s.UpsertMarketEstimates(ctx, ds.Estimates); err != nil {
		return false, err
	}
	if err := s.CreateAccounts(ctx, ds.Accounts); err != nil {
		return false, err
	}
	if err := s.CreateScenario(ctx, &ds.Scenario, ds.Territories, ds.Alignment); err != nil {
		return false, err
	}
	if err := s.SetMeta(ctx, metaKey, terrane.Version); err != nil {
		return false, err
	}
	_, err = LoadLayers(ctx, s)
	return true, err
}
