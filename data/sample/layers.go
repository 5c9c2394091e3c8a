package sample

import (
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

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// The built-in layers besides us-counties, documented in data/README.md.
const (
	StatesLayerID = "us-states"
	WorldLayerID  = "world-countries"
	// layerMetaPrefix + layer id is the meta key marking a completed load of a
	// built-in layer.
	layerMetaPrefix = "layer_loaded:"
)

//go:embed countries-50m.json naturalearth_admin0_attributes_110m.csv world_50m_ids.csv
var worldFiles embed.FS

// Layer is a built-in layer, built in memory: its units, rook adjacency and,
// when it has them, market estimates.
type Layer struct {
	Layer     terrane.Layer
	Units     []*terrane.Unit
	Edges     [][2]string
	Estimates []*terrane.MarketEstimate
	// Repairs lists, one line per repaired unit, what geo.Repair changed
	// ("RUS Russia: polygon 9 ring 0: crosses the antimeridian: …").
	Repairs []string
	// Islands are the ids of the units with no neighbour by geometry;
	// Bridges the edges added to connect them (nil when not bridged).
	Islands []string
	Bridges [][2]string
	// Joined counts the units whose attributes come from an attribute
	// table (world-countries: the Natural Earth 110m table).
	Joined int
}

// censusRegion maps a state's postal code to its Census Bureau region.
var censusRegion = func() map[string]string {
	m := map[string]string{}
	for region, states := range map[string]string{
		"Northeast": "CT ME MA NH RI VT NJ NY PA",
		"Midwest":   "IL IN MI OH WI IA KS MN MO NE ND SD",
		"South":     "DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
		"West":      "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
	} {
		for _, st := range strings.Fields(states) {
			m[st] = region
		}
	}
	return m
}()

// Attributes of the counties summed into a state. The others are left out:
// rucc_2013 is a code, households_acs2018_1yr covers only counties of 65,000
// people or more (a sum would be an undercount), and the rates are averaged
// (stateMeans).
var stateSums = []string{"pop_2018", "pop_2010_census", "housing_units_2010", "land_area_sqmi_2010", "civ_labor_force_2018",
	"cbp_establishments_2020", "cbp_employees_2020", "cbp_annual_payroll_2020_k"}

// stateMeans are the county attributes averaged into a state, each weighted
// by another county attribute: the mean of the county medians weighted by
// population (not the state's true median), and the unemployment rate
// weighted by the labour force (which is the state's rate, up to rounding).
var stateMeans = map[string]string{"median_hh_income_2018": "pop_2018", "unemployment_rate_2018": "civ_labor_force_2018"}

// BuildStates builds layer us-states: one unit per state and DC (id = postal
// code, region = Census region), the geometry the us-atlas `states` object
// (the dissolve of its counties along their shared arcs), attributes summed
// from the counties, rook adjacency, and, when counties is not empty, market
// estimates summed from the county estimates counties (by FIPS unit id).
func BuildStates(counties []*terrane.MarketEstimate) (*Layer, error) {
	l := &Layer{Layer: terrane.Layer{ID: StatesLayerID, Name: "US states",
		Description: "50 states + DC dissolved from the us-counties layer (us-atlas 3.0.1 states); attributes summed from the counties"}}
	topo, err := files.ReadFile("counties-10m.json")
	if err != nil {
		return nil, err
	}
	fs, err := geo.ReadTopoJSON(topo, geo.ReadOptions{Object: "states", Repair: true})
	if err != nil {
		return nil, fmt.Errorf("sample: states: %w", err)
	}
	market, err := readMarketTable()
	if err != nil {
		return nil, err
	}
	type acc struct{ sum, weight map[string]float64 }
	agg := map[string]*acc{}
	for fips, row := range market {
		st, ok := stateFIPS[fips[:2]]
		if !ok {
			continue
		}
		a := agg[st[0]]
		if a == nil {
			a = &acc{sum: map[string]float64{}, weight: map[string]float64{}}
			agg[st[0]] = a
		}
		for _, k := range stateSums {
			a.sum[k] += row.attrs[k]
		}
		for k, w := range stateMeans {
			v, okV := row.attrs[k]
			wt, okW := row.attrs[w]
			if okV && okW {
				a.sum[k] += v * wt
				a.weight[k] += wt
			}
		}
	}
	for _, f := range fs {
		st, ok := stateFIPS[f.ID]
		if !ok {
			continue // Puerto Rico and the island areas, as in us-counties
		}
		for _, r := range f.Repairs {
			l.Repairs = append(l.Repairs, st[0]+" "+st[1]+": "+r)
		}
		c, ok := geo.Centroid(f.Geometry)
		if !ok {
			return nil, fmt.Errorf("sample: state %s: no centroid", st[0])
		}
		a := agg[st[0]]
		if a == nil {
			return nil, fmt.Errorf("sample: state %s has no county in county_market_summary.csv", st[0])
		}
		attrs := map[string]float64{}
		for _, k := range stateSums {
			attrs[k] = a.sum[k]
		}
		for k := range stateMeans {
			if a.weight[k] > 0 {
				attrs[k] = math.Round(a.sum[k]/a.weight[k]*10) / 10
			}
		}
		l.Units = append(l.Units, &terrane.Unit{Layer: StatesLayerID, ID: st[0], Name: st[1], Region: censusRegion[st[0]],
			Geometry: f.Geometry, Centroid: c, Attributes: attrs})
	}
	if len(l.Units) != len(stateFIPS) {
		return nil, fmt.Errorf("sample: the states object has %d of the %d states and DC", len(l.Units), len(stateFIPS))
	}
	l.adjacency(false)
	l.Estimates = stateEstimates(counties)
	return l, nil
}

// stateEstimates sums county estimates into states: market, revenue, low and
// high are sums; share = revenue / market; saturation and floor are the
// market-weighted means of the counties' (so floor ≤ share ≤ saturation
// holds as it does in each county).
func stateEstimates(counties []*terrane.MarketEstimate) []*terrane.MarketEstimate {
	by := map[string]*terrane.MarketEstimate{}
	var order []string
	for _, c := range counties {
		if len(c.UnitID) != 5 {
			continue
		}
		st, ok := stateFIPS[c.UnitID[:2]]
		if !ok {
			continue
		}
		m := by[st[0]]
		if m == nil {
			m = &terrane.MarketEstimate{Layer: StatesLayerID, UnitID: st[0]}
			by[st[0]] = m
			order = append(order, st[0])
		}
		m.Market += c.Market
		m.Revenue += c.Revenue
		m.Low += c.Low
		m.High += c.High
		m.Saturation += c.Saturation * c.Market
		m.Floor += c.Floor * c.Market
	}
	sort.Strings(order)
	out := make([]*terrane.MarketEstimate, 0, len(order))
	for _, id := range order {
		m := by[id]
		if m.Market <= 0 {
			continue
		}
		m.Share = math.Min(1, m.Revenue/m.Market)
		m.Saturation = math.Min(1, math.Max(m.Saturation/m.Market, m.Share))
		m.Floor = math.Min(m.Floor/m.Market, m.Share)
		m.Market, m.Revenue, m.Low, m.High = round2(m.Market), round2(m.Revenue), round2(m.Low), round2(m.High)
		if m.Low > m.Market || m.High < m.Market {
			m.Low, m.High = m.Market, m.Market
		}
		out = append(out, m)
	}
	return out
}

// worldRow is a row of the Natural Earth attribute table.
type worldRow struct {
	id, name, continent string
	n3                  string
	attrs               map[string]float64
	taken               bool
}

// worldAttributes are the numeric columns of the Natural Earth table kept as
// unit attributes (POP_EST: population 2017; GDP_MD_EST: GDP 2016, million
// US dollars; POP_RANK: NE's population class 1–18).
var worldAttributes = []string{"POP_EST", "POP_YEAR", "POP_RANK", "GDP_MD_EST", "GDP_YEAR"}

// BuildWorld builds layer world-countries from Natural Earth 1:50m
// (world-atlas countries-50m.json): every feature repaired with geo.Repair
// (the repairs listed in Layer.Repairs), id = ISO 3166-1 alpha-3, region =
// Natural Earth continent, attributes from the 110m attribute table, rook
// adjacency with islands bridged to their nearest unit. It has no market
// estimates. The join rules are in data/README.md.
func BuildWorld() (*Layer, error) {
	l := &Layer{Layer: terrane.Layer{ID: WorldLayerID, Name: "World countries",
		Description: "Natural Earth 4.1 admin-0 countries 1:50m (world-atlas 2.0.2), repaired; attributes: NE POP_EST 2017, GDP_MD_EST 2016"}}
	topo, err := worldFiles.ReadFile("countries-50m.json")
	if err != nil {
		return nil, err
	}
	// Names are unique in the file and five features have no numeric id:
	// read by name, then join.
	fs, err := geo.ReadTopoJSON(topo, geo.ReadOptions{Object: "countries", IDProperty: "name", Repair: true})
	if err != nil {
		return nil, fmt.Errorf("sample: world: %w", err)
	}
	rows, err := readWorldTable()
	if err != nil {
		return nil, err
	}
	extra, err := readWorldIDs()
	if err != nil {
		return nil, err
	}
	byName, byN3 := map[string]*worldRow{}, map[string]*worldRow{}
	for _, r := range rows {
		byName[r.name] = r
		byN3[r.n3] = r
	}
	ids, err := worldNumericIDs(topo)
	if err != nil {
		return nil, err
	}
	// Pass 1: name == NAME; pass 2: numeric id == ISO_N3 of a row not yet
	// joined (eSwatini/Swaziland; Ashmore and Cartier Is. shares Australia's
	// 036 and stays out); pass 3: the table of the other features.
	match := make([]*worldRow, len(fs))
	for i, f := range fs {
		if r := byName[f.ID]; r != nil && !r.taken {
			match[i], r.taken = r, true
		}
	}
	for i, f := range fs {
		if match[i] != nil {
			continue
		}
		if r := byN3[ids[f.ID]]; r != nil && !r.taken && ids[f.ID] != "" {
			match[i], r.taken = r, true
		}
	}
	seen := map[string]string{}
	for i, f := range fs {
		u := &terrane.Unit{Layer: WorldLayerID, Name: f.ID, Geometry: f.Geometry}
		if r := match[i]; r != nil {
			u.ID, u.Region, u.Attributes = r.id, r.continent, r.attrs
			l.Joined++
		} else if e, ok := extra[f.ID]; ok {
			u.ID, u.Region = e[0], e[1]
		} else {
			return nil, fmt.Errorf("sample: world: feature %d %q has no id: add it to world_50m_ids.csv", i, f.ID)
		}
		if other, dup := seen[u.ID]; dup {
			return nil, fmt.Errorf("sample: world: %q and %q both get id %s", other, f.ID, u.ID)
		}
		seen[u.ID] = f.ID
		c, ok := geo.Centroid(f.Geometry)
		if !ok {
			return nil, fmt.Errorf("sample: world: %s: no centroid", u.ID)
		}
		u.Centroid = c
		for _, r := range f.Repairs {
			l.Repairs = append(l.Repairs, u.ID+" "+u.Name+": "+r)
		}
		l.Units = append(l.Units, u)
	}
	sort.Slice(l.Units, func(i, j int) bool { return l.Units[i].ID < l.Units[j].ID })
	l.adjacency(true)
	return l, nil
}

// worldNumericIDs maps each feature name of the countries object to its
// numeric id ("" for the five with none), reading only those two members.
func worldNumericIDs(topo []byte) (map[string]string, error) {
	var t struct {
		Objects struct {
			Countries struct {
				Geometries []struct {
					ID         string `json:"id"`
					Properties struct {
						Name string `json:"name"`
					} `json:"properties"`
				} `json:"geometries"`
			} `json:"countries"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(topo, &t); err != nil {
		return nil, fmt.Errorf("sample: world: %w", err)
	}
	out := make(map[string]string, len(t.Objects.Countries.Geometries))
	for _, g := range t.Objects.Countries.Geometries {
		out[g.Properties.Name] = g.ID
	}
	return out, nil
}

// readWorldTable reads the Natural Earth attribute table. The id is ISO_A3,
// else ISO_A3_EH, else ADM0_A3 (NE writes −99 for France, Norway, Kosovo,
// Somaliland and N. Cyprus).
func readWorldTable() ([]*worldRow, error) {
	f, err := worldFiles.Open("naturalearth_admin0_attributes_110m.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("sample: naturalearth_admin0_attributes_110m.csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range append([]string{"ADM0_A3", "ISO_A3", "ISO_A3_EH", "ISO_N3", "NAME", "CONTINENT"}, worldAttributes...) {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("sample: naturalearth_admin0_attributes_110m.csv: no column %s", c)
		}
	}
	var out []*worldRow
	for n, rec := range recs[1:] {
		r := &worldRow{name: rec[col["NAME"]], continent: rec[col["CONTINENT"]], n3: rec[col["ISO_N3"]], attrs: map[string]float64{}}
		for _, c := range []string{"ISO_A3", "ISO_A3_EH", "ADM0_A3"} {
			if v := rec[col[c]]; v != "-99" && v != "" {
				r.id = v
				break
			}
		}
		for _, c := range worldAttributes {
			v, err := strconv.ParseFloat(rec[col[c]], 64)
			if err != nil {
				return nil, fmt.Errorf("sample: naturalearth_admin0_attributes_110m.csv line %d column %s: %w", n+2, c, err)
			}
			if v >= 0 { // −99: not available
				r.attrs[c] = v
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// readWorldIDs reads world_50m_ids.csv: feature name → id, continent.
func readWorldIDs() (map[string][2]string, error) {
	f, err := worldFiles.Open("world_50m_ids.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	out := map[string][2]string{}
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("sample: world_50m_ids.csv: %w", err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("sample: world_50m_ids.csv: %w", err)
		}
		out[rec[0]] = [2]string{rec[2], rec[3]}
	}
}

// adjacency sets the layer's rook adjacency, with bridges when bridge.
func (l *Layer) adjacency(bridge bool) {
	geoms := make([]orb.Geometry, len(l.Units))
	for i, u := range l.Units {
		geoms[i] = u.Geometry
	}
	g := geo.Adjacency(geoms, geo.AdjacencyOptions{Bridge: bridge})
	for i, nb := range g.Neighbors {
		for _, j := range nb {
			if i < j {
				l.Edges = append(l.Edges, [2]string{l.Units[i].ID, l.Units[j].ID})
			}
		}
	}
	for _, i := range g.Islands {
		l.Islands = append(l.Islands, l.Units[i].ID)
	}
	for _, e := range g.Bridges {
		l.Bridges = append(l.Bridges, [2]string{l.Units[e.A].ID, l.Units[e.B].ID})
	}
}

// LayerMetaKey is the meta key marking a completed load of built-in layer id.
func LayerMetaKey(id string) string { return layerMetaPrefix + id }

// Store is what LoadLayers needs of a store.
type Store interface {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.MetaService
}

// LoadLayers loads each built-in layer loaded at start-up (us-states,
// world-countries) that was never loaded into the store, once (LoadLayer).
// It returns the ids of the layers loaded. The big us-zips layer is not
// among them: serve loads it in the background (BackgroundLayers).
func LoadLayers(ctx context.Context, s Store) ([]string, error) {
	var loaded []string
	for _, id := range []string{StatesLayerID, WorldLayerID} {
		did, err := LoadLayer(ctx, s, id, nil)
		if err != nil {
			return loaded, err
		}
		if did {
			loaded = append(loaded, id)
		}
	}
	return loaded, nil
}

// BackgroundLayers are the built-in layers that take long enough to build
// and store (us-zips: 33,232 cells, seconds) that `terrane serve` loads them
// after it has started serving, reporting progress in GET /api/v1/layers.
var BackgroundLayers = []string{ZIPsLayerID}

// Stages of LoadLayer, as its progress function hears them.
const (
	StageBuild     = "build"     // building the layer in memory
	StageUnits     = "units"     // storing the units
	StageAdjacency = "adjacency" // storing the adjacency
	StageEstimates = "estimates" // storing the market estimates
)

// LoadLayer loads the built-in layer id (us-states, world-countries or
// us-zips) if it was never loaded into the store, and reports whether it
// did. A completed load is marked in the meta table (layer_loaded:ID), so
// a layer deleted later is not loaded again. A layer of that id with
// another description is someone's own and is left alone; one with the
// built-in description but no mark is a load cut off and is done again (the
// writes replace). us-states and us-zips take their market estimates from
// the us-counties estimates in the store, if any. progress, when not nil,
// hears each stage as it starts.
func LoadLayer(ctx context.Context, s Store, id string, progress func(stage string)) (bool, error) {
	if progress == nil {
		progress = func(string) {}
	}
	if _, err := s.Meta(ctx, layerMetaPrefix+id); err == nil {
		return false, nil
	} else if terrane.ErrorCode(err) != terrane.ENOTFOUND {
		return false, err
	}
	progress(StageBuild)
	var l *Layer
	var err error
	switch id {
	case StatesLayerID, ZIPsLayerID:
		var counties []*terrane.MarketEstimate
		if counties, err = s.FindMarketEstimates(ctx, LayerID); err == nil {
			if id == StatesLayerID {
				l, err = BuildStates(counties)
			} else {
				l, err = BuildZIPs(counties)
			}
		}
	case WorldLayerID:
		l, err = BuildWorld()
	default:
		return false, fmt.Errorf("sample: %s is not a built-in layer", id)
	}
	if err != nil {
		return false, err
	}
	switch old, err := s.FindLayerByID(ctx, id); {
	case err == nil && old.Description != l.Layer.Description:
		return false, nil
	case terrane.ErrorCode(err) == terrane.ENOTFOUND:
		if err := s.CreateLayer(ctx, &l.Layer); err != nil {
			return false, fmt.Errorf("sample: layer %s: %w", id, err)
		}
	case err != nil:
		return false, err
	}
	progress(StageUnits)
	if err := s.ReplaceUnits(ctx, id, l.Units); err != nil {
		return false, fmt.Errorf("sample: layer %s: %w", id, err)
	}
	progress(StageAdjacency)
	if err := s.SetAdjacency(ctx, id, l.Edges); err != nil {
		return false, fmt.Errorf("sample: layer %s: %w", id, err)
	}
	if len(l.Estimates) > 0 {
		progress(StageEstimates)
		if err := s.UpsertMarketEstimates(ctx, l.Estimates); err != nil {
			return false, fmt.Errorf("sample: layer %s: %w", id, err)
		}
	}
	if err := s.SetMeta(ctx, layerMetaPrefix+id, terrane.Version); err != nil {
		return false, err
	}
	return true, nil
}
