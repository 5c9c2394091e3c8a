package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// TileOptions configures TileWith. The zero value gives Tile's defaults.
type TileOptions struct {
	// Layer is the name of the vector tile layer; default "units".
	Layer string
	// Extent is the tile's coordinate range, in tile units per side; default 4096.
	Extent uint32
	// Buffer is how far geometry is kept beyond the tile's edge, in tile units; default 64
	// (1/64 of a 4096 tile), enough for line joins and labels of MapLibre. Negative means 0.
	Buffer float64
	// Tolerance is the Douglas-Peucker simplification tolerance, in tile units; default 1
	// (sub-pixel at 4096 units per 256- or 512-pixel tile). Negative disables simplification.
	Tolerance float64
	// MinArea drops the polygons smaller than this after simplification, in square tile
	// units; default Tolerance² (a polygon simplified to a speck). At 4096 units per
	// 512-pixel tile, 64 drops what would cover less than one pixel.
	MinArea float64
	// MaxFeatures caps the features of a tile: past it the smallest (by the area of the whole
	// feature, so that a feature split by tile edges ranks alike in each tile) are dropped;
	// 0 = no cap. A map that fills the territories beneath the units (the web app does) shows
	// their colour where a dropped unit was: at national zoom a 33,232-cell ZIP layer then
	// costs a browser what a 3,142-county layer does.
	MaxFeatures int
	// Gzip compresses the encoded tile; default false.
	Gzip bool
}

func (o TileOptions) withDefaults() TileOptions {
	if o.Layer == "" {
		o.Layer = "units"
	}
	if o.Extent == 0 {
		o.Extent = mvt.DefaultExtent
	}
	if o.Buffer == 0 {
		o.Buffer = 64
	}
	if o.Buffer < 0 {
		o.Buffer = 0
	}
	if o.Tolerance == 0 {
		o.Tolerance = 1
	}
	if o.MinArea == 0 && o.Tolerance > 0 {
		o.MinArea = o.Tolerance * o.Tolerance
	}
	return o
}

// maxTileZoom is the deepest zoom level Tile accepts.
const maxTileZoom = 24

// Tile encodes the features that intersect web-mercator tile z/x/y (the XYZ scheme of
// OpenStreetMap and MapLibre) as a Mapbox Vector Tile (specification 2.1) with one layer
// "units", using TileWith's defaults: features are selected by bounds, clipped to the tile plus
// a buffer, projected to 4096 tile units, simplified (Douglas & Peucker 1973, 1-unit tolerance),
// features that vanish are dropped, and the tile is encoded without compression. Each tile
// feature carries the Feature's ID as the property "id" (and as the numeric MVT id when the ID
// is a non-negative integer such as a FIPS code) and its string, number and boolean
// properties.
func Tile(features []Feature, z, x, y uint32) ([]byte, error) {
	return TileWith(features, z, x, y, TileOptions{})
}

// TileWith is Tile with options.
func TileWith(features []Feature, z, x, y uint32, opts TileOptions) ([]byte, error) {
	if z > maxTileZoom {
		return nil, fmt.Errorf("geo: tile: zoom %d above %d", z, maxTileZoom)
	}
	if n := uint64(1) << z; uint64(x) >= n || uint64(y) >= n {
		return nil, fmt.Errorf("geo: tile: %d/%d/%d: x and y must be below %d at zoom %d", z, x, y, n, z)
	}
	opts = opts.withDefaults()
	tile := maptile.New(x, y, maptile.Zoom(z))
	buf := opts.Buffer / float64(opts.Extent) // in tiles
	selBound := tile.Bound(buf)
	fc := geojson.NewFeatureCollection()
	area := map[*geojson.Feature]float64{} // of the whole feature, for MaxFeatures
	for _, f := range features {
		if f.Geometry == nil || isEmpty(f.Geometry) || !f.Geometry.Bound().Intersects(selBound) {
			continue
		}
		g := clip.Geometry(selBound, orb.Clone(f.Geometry))
		if g == nil || isEmpty(g) {
			continue
		}
		gf := geojson.NewFeature(g)
		gf.ID = f.ID
		for k, v := range f.Properties {
			switch v.(type) {
			case string, float64, float32, int, int64, int32, uint, uint64, uint32, bool:
				gf.Properties[k] = v
			}
		}
		gf.Properties["id"] = f.ID
		if opts.MaxFeatures > 0 {
			area[gf] = math.Abs(planar.Area(f.Geometry))
		}
		fc.Append(gf)
	}
	layer := &mvt.Layer{Name: opts.Layer, Version: 2, Extent: opts.Extent, Features: fc.Features}
	layer.ProjectToTile(tile)
	e := float64(opts.Extent)
	layer.Clip(orb.Bound{Min: orb.Point{-opts.Buffer, -opts.Buffer}, Max: orb.Point{e + opts.Buffer, e + opts.Buffer}})
	if opts.Tolerance > 0 {
		layer.Simplify(simplify.DouglasPeucker(opts.Tolerance))
	}
	layer.RemoveEmpty(opts.Tolerance, opts.MinArea)
	if opts.MaxFeatures > 0 && len(layer.Features) > opts.MaxFeatures {
		byArea := slices.Clone(layer.Features)
		slices.SortStableFunc(byArea, func(a, b *geojson.Feature) int { return cmpFloat(area[b], area[a]) })
		keep := map[*geojson.Feature]bool{}
		for _, f := range byArea[:opts.MaxFeatures] {
			keep[f] = true
		}
		layer.Features = slices.DeleteFunc(layer.Features, func(f *geojson.Feature) bool { return !keep[f] })
	}
	layers := mvt.Layers{layer}
	var data []byte
	var err error
	if opts.Gzip {
		data, err = mvt.MarshalGzipped(layers)
	} else {
		data, err = mvt.Marshal(layers)
	}
	if err != nil {
		return nil, fmt.Errorf("geo: tile %d/%d/%d: %w", z, x, y, err)
	}
	return data, nil
}

// ZoomTolerance is the simplification tolerance for drawing at web-mercator zoom z, in degrees
// of longitude: half a pixel of a 256-pixel tile at the equator, 360 / (512 · 2^z).
func ZoomTolerance(z uint32) float64 {
	return 360 / (512 * math.Pow(2, float64(z)))
}

// Simplify returns a simplified copy of g for display at web-mercator zoom z, by
// Douglas-Peucker (Douglas & Peucker 1973) with ZoomTolerance(z) degrees; rings that collapse
// are dropped by orb/simplify. Neighbouring units are simplified independently, so shared
// boundaries may no longer coincide exactly: use the result for drawing, not for adjacency or
// dissolving.
func Simplify(g orb.Geometry, z uint32) (orb.Geometry, error) {
	if g == nil {
		return nil, errors.New("geo: simplify: nil geometry")
	}
	return simplify.DouglasPeucker(ZoomTolerance(z)).Simplify(orb.Clone(g)), nil
}
