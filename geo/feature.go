package geo

import "github.com/paulmach/orb"

// Feature is one decoded feature of a layer: a unit such as a county, a ZIP code or a custom
// polygon.
type Feature struct {
	// ID identifies the unit as a string, e.g. the county FIPS code "06037". Numeric ids in the
	// source are rendered in their JSON or dBASE text form; an absent id is "".
	ID string
	// Properties are the feature's attributes as decoded from JSON or dBASE; nil if none.
	Properties map[string]any
	// Geometry is the feature's geometry in lon/lat degrees; nil for a null geometry.
	Geometry orb.Geometry
	// Repairs lists what Repair changed in the geometry when it was read with
	// ReadOptions.Repair, e.g. "polygon 9 ring 0: crosses the antimeridian: split at 180° into 2
	// rings"; nil when nothing was repaired.
	Repairs []string
	// Index is the 0-based place of the feature (GeoJSON, TopoJSON) or record (shapefile) in
	// the file, kept when ReadOptions.Skip leaves features out.
	Index int
}
