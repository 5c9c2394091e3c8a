// Package sample builds Terrane's sample dataset from the public files
// embedded next to this file (see ../README.md for sources and licenses):
//
//   - layer "us-counties": the 3,142 counties of the 50 states and DC, decoded
//     from the us-atlas TopoJSON and joined by FIPS to the market proxies
//     (Geography);
//   - the sample company, simulated on that geography by a seeded generator
//     (Generate, company.go): reps, accounts, market estimates, a baseline
//     scenario with one territory per state, opportunities and 12 quarters
//     of history, committed as CSV files in company/ (go run ./data/sample/gen
//     writes them) and embedded (CompanyFile);
//   - the ZIP tables (ZIPCentroids, ZIPCounties) and the Superstore order
//     lines (SuperstoreAccounts), kept as an import example.
//
// Package data/sample/loader loads the company into a store through the
// importers.
package sample

import (
	"bytes"
	"compress/gzip"
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

//go:embed company
var companyFS embed.FS

// CompanyFile returns one of the committed company files (FileReps, …) as
// stored, gzipped when its name ends in .gz.
func CompanyFile(name string) ([]byte, error) {
	return companyFS.ReadFile("company/" + name)
}

// CompanyFiles lists the names of the company files, sorted.
func CompanyFiles() []string {
	return []string{FileAccounts, FileAssignments, FileHistory, FileMarkets, FileOpportunities, FileReps, FileResources}
}

// Names of what the sample creates.
const (
	LayerID      = "us-counties"
	BaselineName = "Baseline 2025 (territories by state)"
	MetaKey      = "sample_loaded" // set once the sample is loaded
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
	Company     *Company          // the simulated company the rest comes from
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

// Build is the whole sample in memory: the geography and the company
// Generate(ds, Seed) simulates on it, as the loader stores them.
func Build() (*Dataset, error) {
	ds, err := Geography()
	if err != nil {
		return nil, err
	}
	co, err := Generate(ds, Seed)
	if err != nil {
		return nil, err
	}
	ds.Company = co
	ds.Estimates, ds.Accounts, ds.Territories, ds.Alignment = co.Estimates, co.Accounts, co.Territories, co.Alignment
	ds.Scenario = co.Scenario
	return ds, nil
}

// Geography decodes and joins the embedded files into the layer, its units
// and their rook adjacency (the rest of the Dataset empty).
func Geography() (*Dataset, error) {
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

// SuperstoreAccounts turns the embedded Superstore order lines into accounts
// of the geography ds: one per (Customer ID, ZIP), revenue = its sales
// divided by the number of calendar years in the file (dollars per year).
// The file is an import example (docs/import.md); the importer's tests
// compare their import of it with this reading.
func SuperstoreAccounts(ds *Dataset) ([]*terrane.Account, error) {
	units := map[string]*terrane.Unit{}
	for _, u := range ds.Units {
		units[u.ID] = u
	}
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

func round2(v float64) float64 { return math.Round(v*100) / 100 }
