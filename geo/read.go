package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ReadOptions configures the readers of a user's units (ReadGeoJSON, ReadTopoJSON,
// ReadShapefile). The zero value reads ids from the format's own id (GeoJSON's and TopoJSON's
// "id" member; shapefiles have none and need IDProperty) and reports up to 20 problems.
type ReadOptions struct {
	// IDProperty names the property (dBASE field for shapefiles) holding each unit's id, e.g.
	// "GEOID". Empty means the feature's own "id" member (GeoJSON, TopoJSON).
	IDProperty string
	// Object is the TopoJSON object to read; empty means the topology's only object.
	Object string
	// MaxErrors caps the problems listed in an *ImportErrors; default 20.
	MaxErrors int
	// MaxBytes caps the uncompressed size of a shapefile .zip's members, in bytes; default
	// 512 MiB. (The caller limits the size of the upload itself.)
	MaxBytes int64
	// Repair, when true, repairs invalid polygons with Repair instead of reporting them, and
	// lists what was done in each Feature's Repairs. False (the default) rejects them.
	Repair bool
	// Skip, when not nil, makes a problem of one feature (a bad geometry that repair is off
	// for or cannot fix, a missing or duplicate id, a feature that does not decode) not reject
	// the file: the problem is passed to Skip, in file order, and the feature is left out of
	// the result (Feature.Index keeps its place in the file). Of features sharing an id, the
	// first valid one is kept. Problems of the whole file still reject it.
	Skip func(ImportError)
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.MaxErrors <= 0 {
		o.MaxErrors = 20
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 512 << 20
	}
	return o
}

// ImportError is one problem of a user's file.
type ImportError struct {
	// Feature is the 0-based index of the feature (GeoJSON, TopoJSON) or record (shapefile);
	// -1 for a problem of the whole file.
	Feature int
	// ID is the feature's id when known, else "".
	ID string
	// Field names what is wrong: "geometry", "id", a property or dBASE field name, or a file
	// part such as ".prj".
	Field string
	// Message says what is wrong, for people.
	Message string
	// Repairable is true for an invalid geometry that ReadOptions.Repair would repair.
	Repairable bool
}

// Error renders the problem, e.g. `feature 12 (id "06037"): geometry: polygon 0 ring 0: ring is
// not closed`.
func (e ImportError) Error() string {
	var b strings.Builder
	if e.Feature >= 0 {
		fmt.Fprintf(&b, "feature %d", e.Feature)
		if e.ID != "" {
			fmt.Fprintf(&b, " (id %s)", strconv.Quote(e.ID))
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ImportErrors is the error of a rejected file: its problems, in file order, at most
// ReadOptions.MaxErrors of them.
type ImportErrors struct {
	// Format is the file format: "geojson", "topojson" or "shapefile".
	Format string
	// Errors are the problems listed.
	Errors []ImportError
	// More is the number of further problems found but not listed.
	More int
}

// Error renders the first problems, one per line after a summary line.
func (e *ImportErrors) Error() string {
	var b strings.Builder
	n := len(e.Errors) + e.More
	fmt.Fprintf(&b, "geo: %s: %d problem", e.Format, n)
	if n != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	return b.String()
}

// problems collects ImportErrors up to a cap. With skip set, problems of one feature go to
// skip instead, and the feature is marked bad.
type problems struct {
	list *ImportErrors
	max  int
	skip func(ImportError)
	bad  map[int]bool
}

func newProblems(format string, opts ReadOptions) *problems {
	return &problems{list: &ImportErrors{Format: format}, max: opts.MaxErrors, skip: opts.Skip}
}

func (p *problems) add(feature int, id, field, format string, args ...any) {
	p.addError(ImportError{Feature: feature, ID: id, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) addError(e ImportError) {
	if p.skip != nil && e.Feature >= 0 {
		if p.bad == nil {
			p.bad = map[int]bool{}
		}
		p.bad[e.Feature] = true
		p.skip(e)
		return
	}
	if len(p.list.Errors) >= p.max {
		p.list.More++
		return
	}
	p.list.Errors = append(p.list.Errors, e)
}

// result numbers the features by their place in the file and, with skip, leaves out the bad
// ones; it returns the error of the file when a problem rejects it.
func (p *problems) result(fs []Feature) ([]Feature, error) {
	if err := p.err(); err != nil {
		return nil, err
	}
	out := fs[:0]
	for i := range fs {
		fs[i].Index = i
		if !p.bad[i] {
			out = append(out, fs[i])
		}
	}
	return out, nil
}

func (p *problems) err() error {
	if len(p.list.Errors) == 0 {
		return nil
	}
	return p.list
}

// checkUnits validates decoded features as units: a polygonal, valid geometry (holes and
// exteriors are first oriented per RFC 7946, so input winding does not matter), a non-empty id,
// no duplicate ids. Coordinates outside the lon/lat range are reported as a likely wrong CRS.
// Features with skip[i] set (already reported) are left out; skip may be nil. With repair, an
// invalid geometry or one crossing the antimeridian is replaced by its Repair and the repairs
// are noted in the feature; without,
// the problem says whether Repair would fix it.
func checkUnits(fs []Feature, skip []bool, p *problems, repair bool) {
	seen := make(map[string]int, len(fs))
	for i := range fs {
		if skip != nil && skip[i] {
			continue
		}
		f := &fs[i]
		ok := true
		if f.ID == "" {
			p.add(i, "", "id", "missing id")
			ok = false
		} else if j, dup := seen[f.ID]; dup {
			p.add(i, f.ID, "id", "duplicate id (also feature %d)", j)
			ok = false
		} else if p.skip == nil {
			seen[f.ID] = i
		}
		if !checkGeometry(i, f, p, repair) {
			ok = false
		}
		if ok && p.skip != nil {
			seen[f.ID] = i // with skip, the first valid feature of an id is the one kept
		}
	}
}

// checkGeometry orients, validates and, with repair, repairs one feature's geometry; it
// reports whether the geometry is fine.
func checkGeometry(i int, f *Feature, p *problems, repair bool) bool {
	switch g := f.Geometry.(type) {
	case nil:
		p.add(i, f.ID, "geometry", "missing (null) geometry")
		return false
	case orb.Polygon:
		orientPolygon(g)
	case orb.MultiPolygon:
		for _, poly := range g {
			orientPolygon(poly)
		}
	default:
		p.add(i, f.ID, "geometry", "type %s, want Polygon or MultiPolygon", f.Geometry.GeoJSONType())
		return false
	}
	if repair && CrossesAntimeridian(f.Geometry) {
		if fixed, repairs, rerr := Repair(f.Geometry); rerr == nil {
			f.Geometry, f.Repairs = fixed, repairs
		}
	}
	err := Validate(f.Geometry)
	if err == nil {
		return true
	}
	fixed, repairs, rerr := Repair(f.Geometry)
	if repair && rerr == nil {
		f.Geometry, f.Repairs = fixed, repairs
		return true
	}
	msg := err.Error()
	if repair {
		msg = fmt.Sprintf("%s (repair failed: %v)", msg, rerr)
	}
	var ve *ValidationError
	if errors.As(err, &ve) && (strings.HasPrefix(ve.Reason, "longitude") || strings.HasPrefix(ve.Reason, "latitude")) {
		msg += " (is the file in a projected CRS? units must be in lon/lat degrees, WGS84 or NAD83)"
	}
	p.addError(ImportError{Feature: i, ID: f.ID, Field: "geometry", Message: msg, Repairable: !repair && rerr == nil})
	return false
}

// idString renders an id property value (string or number) as a string; ok is false for other
// types and empty values.
func idString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, v != ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case json.Number:
		return string(v), v != ""
	}
	return "", false
}
