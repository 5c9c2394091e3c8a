package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// EarthRadius is the mean Earth radius used for great-circle distances, in meters (IUGG mean
// radius R1 = (2a + b)/3 of WGS84; orb's geo package uses the equatorial radius a = 6,378,137 m,
// which gives distances 0.11 % longer).
const EarthRadius = 6371008.8

// Haversine is the great-circle distance between two lon/lat points in degrees, in meters, on
// a sphere of radius EarthRadius (Sinnott 1984, "Virtues of the Haversine").
func Haversine(a, b orb.Point) float64 {
	const rad = math.Pi / 180
	lat1, lat2 := a[1]*rad, b[1]*rad
	dLat := lat2 - lat1
	dLon := (b[0] - a[0]) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	if s > 1 {
		s = 1
	}
	return 2 * EarthRadius * math.Asin(math.Sqrt(s))
}

// Centroid is the area-weighted planar centroid of a geometry in lon/lat degrees (for
// polygons; lines are weighted by length and points averaged, as orb/planar does). A geometry
// wider than 180 degrees of longitude is taken to straddle the antimeridian and is averaged
// across it. It reports false for a nil or empty geometry or a non-finite result. The planar
// centroid of a MultiPolygon may lie outside all its parts.
func Centroid(g orb.Geometry) (orb.Point, bool) {
	if g == nil || isEmpty(g) {
		return orb.Point{}, false
	}
	var c orb.Point
	if b := g.Bound(); b.Max[0]-b.Min[0] > 180 {
		// The geometry straddles the antimeridian (the Aleutians): average with western
		// longitudes shifted by +360 degrees, then wrap back into [-180, 180].
		shifted := orb.Clone(g)
		shiftWest(shifted)
		c, _ = planar.CentroidArea(shifted)
		if c[0] > 180 {
			c[0] -= 360
		}
	} else {
		c, _ = planar.CentroidArea(g)
	}
	if !finite(c) {
		return orb.Point{}, false
	}
	return c, true
}

// isEmpty reports whether a geometry has no positions at all.
func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return false
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.Ring:
		return len(g) == 0
	case orb.MultiLineString:
		for _, ls := range g {
			if len(ls) > 0 {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if len(r) > 0 {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !isEmpty(p) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range g {
			if c != nil && !isEmpty(c) {
				return false
			}
		}
	case orb.Bound:
		return false
	}
	return true
}

// Centroids returns the Centroid of each geometry; a geometry without one gets the point
// {NaN, NaN}, so indexes stay aligned.
func Centroids(geoms []orb.Geometry) []orb.Point {
	out := make([]orb.Point, len(geoms))
	for i, g := range geoms {
		c, ok := Centroid(g)
		if !ok {
			c = orb.Point{math.NaN(), math.NaN()}
		}
		out[i] = c
	}
	return out
}

// DistanceMatrix returns the symmetric matrix of Haversine distances between points, in
// meters, with zeros on the diagonal. It allocates one backing array of len(points)² float64
// (8 bytes each: 3,142 points take 79 MB).
func DistanceMatrix(points []orb.Point) [][]float64 {
	n := len(points)
	backing := make([]float64, n*n)
	m := make([][]float64, n)
	for i := range m {
		m[i] = backing[i*n : (i+1)*n : (i+1)*n]
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d := Haversine(points[i], points[j])
			m[i][j], m[j][i] = d, d
		}
	}
	return m
}

// shiftWest adds 360 degrees to every negative longitude of g, in place.
func shiftWest(g orb.Geometry) {
	shift := func(pts []orb.Point) {
		for i := range pts {
			if pts[i][0] < 0 {
				pts[i][0] += 360
			}
		}
	}
	switch g := g.(type) {
	case orb.MultiPoint:
		shift(g)
	case orb.LineString:
		shift(g)
	case orb.Ring:
		shift(g)
	case orb.MultiLineString:
		for _, ls := range g {
			shift(ls)
		}
	case orb.Polygon:
		for _, r := range g {
			shift(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				shift(r)
			}
		}
	case orb.Collection:
		for _, c := range g {
			shiftWest(c)
		}
	}
}
