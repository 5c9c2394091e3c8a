package importer

import (
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// checkVertices refuses a units file with more vertices than
// opts.MaxVertices, or a feature with more than opts.MaxFeatureVertices:
// geometry that costs every tile and outline its weight.
func checkVertices(fs []geo.Feature, opts Options) error {
	perFile, perFeature := opts.MaxVertices, opts.MaxFeatureVertices
	if perFile <= 0 {
		perFile = DefaultMaxVertices
	}
	if perFeature <= 0 {
		perFeature = DefaultMaxFeatureVertices
	}
	total := 0
	for _, f := range fs {
		n := vertices(f.Geometry)
		if n > perFeature {
			return terrane.Errorf(terrane.ETOOLARGE, "feature %s has %d vertices; the limit is %d per feature (simplify the geometry)", f.ID, n, perFeature)
		}
		total += n
		if total > perFile {
			return terrane.Errorf(terrane.ETOOLARGE, "the file has more than %d vertices, the limit per file (simplify the geometry)", perFile)
		}
	}
	return nil
}

// vertices counts the points of a geometry.
func vertices(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, l := range g {
			n += len(l)
		}
		return n
	case orb.Ring:
		return len(g)
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += vertices(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, x := range g {
			n += vertices(x)
		}
		return n
	case orb.Bound:
		return 4
	}
	return 0
}
