package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// geojsonObject is the part of a GeoJSON object the reader looks at (RFC 7946).
type geojsonObject struct {
	Type       string            `json:"type"`
	ID         json.RawMessage   `json:"id"`
	Properties json.RawMessage   `json:"properties"`
	Geometry   json.RawMessage   `json:"geometry"`
	Features   []json.RawMessage `json:"features"`
	// CRS is the obsolete 2008 "crs" member; RFC 7946 removed it, but old files carry it.
	CRS *struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	} `json:"crs"`
}

type geojsonGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ReadGeoJSON reads a user's units from a GeoJSON FeatureCollection (or a single Feature) of
// Polygons and MultiPolygons (RFC 7946). The id of each unit is the property
// opts.IDProperty, or the feature's "id" member when that is empty. Rings are oriented per
// RFC 7946 whatever their input winding. The file is rejected as a whole, with an
// *ImportErrors naming each bad feature and field, for: JSON syntax, a wrong type, a missing,
// non-polygonal or invalid geometry (see Validate: unclosed ring, self-intersection, lon/lat
// out of range), a missing or duplicate id, or a "crs" member other than lon/lat WGS84 or
// NAD83. With opts.Skip, the problems of single features are passed to it and those features
// left out instead.
func ReadGeoJSON(data []byte, opts ReadOptions) ([]Feature, error) {
	opts = opts.withDefaults()
	p := newProblems("geojson", opts)
	var root geojsonObject
	if err := json.Unmarshal(data, &root); err != nil {
		p.add(-1, "", "", "not valid JSON: %v", err)
		return nil, p.err()
	}
	if root.CRS != nil && !geographicCRSName(root.CRS.Properties.Name) {
		p.add(-1, "", "crs", "CRS %q is not lon/lat WGS84 or NAD83 (wrong CRS: reproject to EPSG:4326)", root.CRS.Properties.Name)
		return nil, p.err()
	}
	var raws []json.RawMessage
	switch root.Type {
	case "FeatureCollection":
		raws = root.Features
	case "Feature":
		raws = []json.RawMessage{data}
	default:
		p.add(-1, "", "type", "type %q, want FeatureCollection or Feature", root.Type)
		return nil, p.err()
	}
	fs := make([]Feature, len(raws))
	bad := make([]bool, len(raws))
	for i, raw := range raws {
		f, field, err := decodeGeoJSONFeature(raw, opts.IDProperty)
		fs[i] = f
		if err != nil {
			p.add(i, f.ID, field, "%v", err)
			bad[i] = true
		}
	}
	checkUnits(fs, bad, p, opts.Repair)
	return p.result(fs)
}

// geographicCRSName reports whether a GeoJSON 2008 crs name is lon/lat WGS84 or NAD83.
func geographicCRSName(name string) bool {
	n := strings.ToUpper(name)
	for _, ok := range []string{"CRS84", "CRS:84", "EPSG::4326", "EPSG:4326", "EPSG::4269", "EPSG:4269", "CRS83", "EPSG::4152"} {
		if strings.HasSuffix(n, ok) {
			return true
		}
	}
	return false
}

// decodeGeoJSONFeature decodes one Feature; on error it also names the field at fault.
func decodeGeoJSONFeature(raw json.RawMessage, idProperty string) (Feature, string, error) {
	var f Feature
	var obj geojsonObject
	if err := json.Unmarshal(raw, &obj); err != nil {
		return f, "", fmt.Errorf("not a JSON object: %v", err)
	}
	if obj.Type != "Feature" {
		return f, "type", fmt.Errorf("type %q, want Feature", obj.Type)
	}
	if p := bytes.TrimSpace(obj.Properties); len(p) > 0 && string(p) != "null" {
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		if err := dec.Decode(&f.Properties); err != nil {
			return f, "properties", fmt.Errorf("want an object: %v", err)
		}
		for k, v := range f.Properties {
			if n, ok := v.(json.Number); ok {
				if x, err := n.Float64(); err == nil {
					f.Properties[k] = x
				}
			}
		}
	}
	if idProperty == "" {
		id, err := decodeID(obj.ID)
		if err != nil {
			return f, "id", err
		}
		f.ID = id
	} else {
		v, ok := f.Properties[idProperty]
		if !ok || v == nil {
			return f, idProperty, fmt.Errorf("missing id property %q", idProperty)
		}
		id, ok := idString(v)
		if !ok {
			return f, idProperty, fmt.Errorf("id property %q is %v, want a non-empty string or a number", idProperty, v)
		}
		f.ID = id
	}
	g, err := decodeGeoJSONGeometry(obj.Geometry)
	if err != nil {
		return f, "geometry", err
	}
	f.Geometry = g
	return f, "", nil
}

// decodeGeoJSONGeometry decodes a Polygon or MultiPolygon; null gives a nil geometry, other
// types an error.
func decodeGeoJSONGeometry(raw json.RawMessage) (orb.Geometry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var g geojsonGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("not a geometry object: %v", err)
	}
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("coordinates of a Polygon: %v", err)
		}
		return toPolygon(c, -1)
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, fmt.Errorf("coordinates of a MultiPolygon: %v", err)
		}
		mp := make(orb.MultiPolygon, len(c))
		for i, pc := range c {
			p, err := toPolygon(pc, i)
			if err != nil {
				return nil, err
			}
			mp[i] = p
		}
		return mp, nil
	case "":
		return nil, fmt.Errorf("geometry has no type")
	default:
		return nil, fmt.Errorf("type %s, want Polygon or MultiPolygon", g.Type)
	}
}

func toPolygon(c [][][]float64, poly int) (orb.Polygon, error) {
	p := make(orb.Polygon, len(c))
	for k, rc := range c {
		r := make(orb.Ring, len(rc))
		for i, pos := range rc {
			if len(pos) < 2 {
				where := fmt.Sprintf("ring %d point %d", k, i)
				if poly >= 0 {
					where = fmt.Sprintf("polygon %d %s", poly, where)
				}
				return nil, fmt.Errorf("%s: position has %d coordinates, want at least 2", where, len(pos))
			}
			r[i] = orb.Point{pos[0], pos[1]}
		}
		p[k] = r
	}
	return p, nil
}

// ReadTopoJSON reads a user's units from a TopoJSON topology: the object opts.Object (or the
// only object), decoded by DecodeTopoJSON, with each unit's id the property opts.IDProperty or
// the geometry's own id. It rejects the file, with an *ImportErrors, for the same problems as
// ReadGeoJSON.
func ReadTopoJSON(data []byte, opts ReadOptions) ([]Feature, error) {
	opts = opts.withDefaults()
	p := newProblems("topojson", opts)
	object := opts.Object
	if object == "" {
		var topo struct {
			Objects map[string]json.RawMessage `json:"objects"`
		}
		if err := json.Unmarshal(data, &topo); err != nil {
			p.add(-1, "", "", "not valid JSON: %v", err)
			return nil, p.err()
		}
		if len(topo.Objects) != 1 {
			names := make([]string, 0, len(topo.Objects))
			for k := range topo.Objects {
				names = append(names, k)
			}
			p.add(-1, "", "objects", "the topology has %d objects %q: choose one", len(names), names)
			return nil, p.err()
		}
		for k := range topo.Objects {
			object = k
		}
	}
	fs, err := DecodeTopoJSON(data, object)
	if err != nil {
		p.add(-1, "", "", "%v", err)
		return nil, p.err()
	}
	bad := make([]bool, len(fs))
	if opts.IDProperty != "" {
		for i := range fs {
			v, ok := fs[i].Properties[opts.IDProperty]
			id, okID := idString(v)
			if !ok || !okID {
				p.add(i, fs[i].ID, opts.IDProperty, "missing id property %q", opts.IDProperty)
				bad[i] = true
				continue
			}
			fs[i].ID = id
		}
	}
	checkUnits(fs, bad, p, opts.Repair)
	return p.result(fs)
}
