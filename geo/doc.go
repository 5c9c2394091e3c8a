// Package geo is Terrane's geometry engine, built on github.com/paulmach/orb.
//
// It decodes the formats a user's geography arrives in (TopoJSON, GeoJSON, ESRI Shapefile),
// validates polygons, builds the neighbour graph of a layer of units (rook or queen adjacency),
// dissolves a set of units into one outline, locates points in units through a spatial index,
// computes great-circle distances, and renders Mapbox Vector Tiles for the map.
//
// Coordinates are always orb.Point{lon, lat} in degrees (WGS84 / NAD83). Output polygons follow
// RFC 7946: rings are closed, exterior rings counter-clockwise and holes clockwise in the planar
// lon/lat sense. The package imports no other Terrane package and does not log.
package geo
