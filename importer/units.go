package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// detectFormat tells a units file's format by its content: a ZIP archive is a
// Shapefile; JSON whose top-level "type" is "Topology" is TopoJSON; other JSON
// is GeoJSON.
func detectFormat(data []byte) string {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		return "shapefile"
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return "unknown"
	}
	// Look for the top-level "type" member without decoding the whole file.
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if _, err := dec.Token(); err != nil {
		return "geojson"
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		if key == "type" {
			var t string
			if dec.Decode(&t) == nil && t == "Topology" {
				return "topojson"
			}
			break
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	return "geojson"
}

// unitsPlan is a validated units file, ready to write.
type unitsPlan struct {
	layer  terrane.Layer
	units  []*terrane.Unit
	edges  [][2]string
	graph  geo.Graph
	format string
	// repairs are the features repaired with the option repair=true.
	repairs []UnitRepair
}

// UnitRepair says what the option repair=true changed in one feature's geometry.
type UnitRepair struct {
	Feature int      `json:"feature"`        // 0-based index of the feature in the file
	ID      string   `json:"id"`             // the unit id
	Name    string   `json:"name,omitempty"` // the unit's name, when it has one
	Repairs []string `json:"repairs"`        // what was repaired, e.g. "polygon 9 ring 0: crosses the antimeridian: split at 180° into 2 rings"
}

// parseUnits reads and validates a units file without touching a store.
func parseUnits(data []byte, opts Options) (*unitsPlan, error) {
	format := detectFormat(data)
	p := opts.newProblems(KindUnits, format)
	repair, err := opts.boolOption("repair", false)
	if err != nil {
		return nil, err
	}
	ro := geo.ReadOptions{IDProperty: opts.option("id", ""), Object: opts.option("object", ""), MaxErrors: opts.MaxErrors, MaxBytes: opts.unpackLimit(int64(len(data))), Repair: repair}
	if opts.SkipInvalid {
		// A feature's problem skips it; Skipped.Line is the 0-based feature index.
		ro.Skip = func(e geo.ImportError) {
			p.skipFeature(e.Feature, e.ID, e.Field, unitMessage(e, ro))
		}
	}
	var fs []geo.Feature
	switch format {
	case "shapefile":
		if ro.IDProperty == "" {
			return nil, terrane.Errorf(terrane.EINVALID, "a shapefile has no feature ids: choose the dBASE field holding them with the option id=FIELD")
		}
		fs, err = geo.ReadShapefile(data, ro)
	case "topojson":
		fs, err = geo.ReadTopoJSON(data, ro)
	case "geojson":
		fs, err = geo.ReadGeoJSON(data, ro)
	default:
		p.add(0, "", "", "not a GeoJSON, TopoJSON or zipped Shapefile (.zip with .shp, .dbf and .prj)")
		return nil, p.err()
	}
	if err != nil {
		var ie *geo.ImportErrors
		if errors.As(err, &ie) {
			for _, e := range ie.Errors {
				pr := Problem{ID: e.ID, Field: e.Field, Message: unitMessage(e, ro)}
				if e.Feature >= 0 {
					f := e.Feature
					pr.Feature = &f
				}
				p.addProblem(pr)
			}
			p.errs.More += ie.More
			return nil, p.err()
		}
		return nil, err
	}
	if err := checkVertices(fs, opts); err != nil {
		return nil, err
	}
	opts.Progress("read features", len(fs))
	if len(fs) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every feature is invalid (%d skipped); nothing to import", len(p.skipped))
		return nil, p.err()
	} else if len(fs) == 0 {
		p.add(0, "", "", "the file has no features")
		return nil, p.err()
	}
	contiguity := geo.Rook
	switch c := strings.ToLower(opts.option("contiguity", "rook")); c {
	case "rook":
	case "queen":
		contiguity = geo.Queen
	default:
		return nil, terrane.Errorf(terrane.EINVALID, "option contiguity: %q must be rook or queen", c)
	}
	bridge, err := opts.boolOption("bridge", false)
	if err != nil {
		return nil, err
	}
	var tolerance float64
	if v := opts.option("tolerance", ""); v != "" {
		t, ok, _ := number(v)
		if !ok || t < 0 || t > 1 {
			return nil, terrane.Errorf(terrane.EINVALID, "option tolerance: %q must be a number of degrees in [0, 1]", v)
		}
		tolerance = t
	}
	nameKey, regionKey := opts.option("name", ""), opts.option("region", "")
	idKey := opts.option("id", "")
	// Explicit name and region properties must exist in some feature.
	for key, prop := range map[string]string{"name": nameKey, "region": regionKey} {
		if prop == "" {
			continue
		}
		found := false
		for _, f := range fs {
			if _, ok := f.Properties[prop]; ok {
				found = true
				break
			}
		}
		if !found {
			p.add(0, "", prop, "no feature has the property chosen for %s", key)
		}
	}
	if nameKey == "" {
		nameKey = "name"
	}
	units := make([]*terrane.Unit, 0, len(fs))
	geoms := make([]orb.Geometry, 0, len(fs))
	var repairs []UnitRepair
	for _, f := range fs {
		u := &terrane.Unit{Layer: opts.Layer, ID: f.ID, Geometry: f.Geometry, Name: text(f.Properties[nameKey])}
		if regionKey != "" {
			u.Region = text(f.Properties[regionKey])
		}
		for k, v := range f.Properties {
			if k == idKey || k == nameKey || k == regionKey {
				continue
			}
			if x, ok := numeric(v); ok {
				if u.Attributes == nil {
					u.Attributes = map[string]float64{}
				}
				u.Attributes[k] = x
			}
		}
		c, ok := geo.Centroid(f.Geometry)
		if !ok {
			const msg = "has no centroid (empty or degenerate)"
			if opts.SkipInvalid {
				p.skipFeature(f.Index, f.ID, "geometry", msg)
				continue
			}
			fi := f.Index
			p.addProblem(Problem{Feature: &fi, ID: f.ID, Field: "geometry", Message: msg})
		}
		if len(f.Repairs) > 0 {
			repairs = append(repairs, UnitRepair{Feature: f.Index, ID: f.ID, Name: u.Name, Repairs: f.Repairs})
		}
		u.Centroid = c
		units, geoms = append(units, u), append(geoms, f.Geometry)
	}
	if len(units) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every feature is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	sort.SliceStable(p.skipped, func(i, j int) bool { return p.skipped[i].Line < p.skipped[j].Line })
	g := geo.Adjacency(geoms, geo.AdjacencyOptions{Contiguity: contiguity, Tolerance: tolerance, Bridge: bridge})
	var edges [][2]string
	for i, nb := range g.Neighbors {
		for _, j := range nb {
			if i < j {
				edges = append(edges, [2]string{units[i].ID, units[j].ID})
			}
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	opts.Progress("adjacency", len(edges))
	return &unitsPlan{layer: terrane.Layer{ID: opts.Layer, Name: opts.option("layer_name", ""), Description: opts.option("description", "")}, units: units, edges: edges, graph: g, format: format, repairs: repairs}, nil
}

// unitMessage is the message of a reader's problem, with what the options
// of the units import can do about it.
func unitMessage(e geo.ImportError, ro geo.ReadOptions) string {
	msg := e.Message
	if e.Field == "objects" && ro.Object == "" {
		msg += " with the option object=NAME"
	}
	if e.Repairable {
		msg += " (the option repair=true repairs it)"
	}
	return msg
}

// text renders a property as a unit's name or region.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// numeric reports a property's value as a finite number, if it is one.
func numeric(v any) (float64, bool) {
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case int:
		x = float64(v)
	case int64:
		x = float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		x = f
	default:
		return 0, false
	}
	return x, !math.IsNaN(x) && !math.IsInf(x, 0)
}

func importUnits(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	plan, err := parseUnits(data, opts)
	if err != nil {
		return err
	}
	// Keep the name and description of an existing layer unless given.
	if old, err := store.FindLayerByID(ctx, opts.Layer); err == nil {
		if plan.layer.Name == "" {
			plan.layer.Name = old.Name
		}
		if _, ok := opts.Fields["description"]; !ok {
			plan.layer.Description = old.Description
		}
	} else if terrane.ErrorCode(err) != terrane.ENOTFOUND {
		return err
	}
	if plan.layer.Name == "" {
		plan.layer.Name = opts.Layer
	}
	if err := store.ReplaceLayer(opts.audited(ctx, len(plan.units)), &plan.layer, plan.units, plan.edges); err != nil {
		return err
	}
	res.Format = plan.format
	res.Rows = len(plan.units)
	res.Units = len(plan.units)
	res.Edges = len(plan.edges)
	res.Islands = len(plan.graph.Islands)
	res.Bridges = len(plan.graph.Bridges)
	res.Components = len(plan.graph.Components)
	res.Repairs = plan.repairs
	return nil
}
