package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

func TestHaversine(t *testing.T) {
	const degree = EarthRadius * math.Pi / 180 // meters per degree of a great circle
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // meters
		tol  float64 // meters
	}{
		{"same point", orb.Point{-93.6, 41.6}, orb.Point{-93.6, 41.6}, 0, 0},
		{"one degree of latitude", orb.Point{-93, 41}, orb.Point{-93, 42}, degree, 1e-6},
		{"one degree of longitude on the equator", orb.Point{10, 0}, orb.Point{11, 0}, degree, 1e-6},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, degree, 1e-6},
		{"antipodes", orb.Point{0, 0}, orb.Point{180, 0}, math.Pi * EarthRadius, 1e-3},
		{"pole to pole", orb.Point{0, 90}, orb.Point{0, -90}, math.Pi * EarthRadius, 1e-3},
		// LAX to JFK: about 3,974 km on the mean-radius sphere.
		{"LAX to JFK", orb.Point{-118.4085, 33.9416}, orb.Point{-73.7781, 40.6413}, 3_974_000, 2_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Haversine(tc.a, tc.b)
			if math.Abs(got-tc.want) > tc.tol {
				t.Errorf("Haversine(%v, %v) = %.3f m, want %.3f ± %g m", tc.a, tc.b, got, tc.want, tc.tol)
			}
			if back := Haversine(tc.b, tc.a); math.Abs(back-got) > 1e-6 {
				t.Errorf("not symmetric: %g vs %g", got, back)
			}
			// orb uses the WGS84 equatorial radius; rescale to ours.
			if orbd := orbgeo.DistanceHaversine(tc.a, tc.b) * EarthRadius / orb.EarthRadius; math.Abs(orbd-got) > 1e-6*math.Max(1, got) {
				t.Errorf("Haversine = %g m, orb's (rescaled) = %g m", got, orbd)
			}
		})
	}
}

func TestCentroid(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		want orb.Point
		ok   bool
	}{
		{"square", square(2, 4, 2), orb.Point{3, 5}, true},
		{"two equal squares", orb.MultiPolygon{square(0, 0, 1), square(4, 0, 1)}, orb.Point{2.5, 0.5}, true},
		{"straddling the antimeridian", orb.MultiPolygon{square(178, 50, 1), square(-180, 50, 1)}, orb.Point{179.5, 50.5}, true},
		{"point", orb.Point{1, 2}, orb.Point{1, 2}, true},
		{"nil", nil, orb.Point{}, false},
		{"empty polygon", orb.Polygon{}, orb.Point{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Centroid(tc.g)
			if ok != tc.ok || math.Abs(got[0]-tc.want[0]) > 1e-9 || math.Abs(got[1]-tc.want[1]) > 1e-9 {
				t.Errorf("Centroid = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	cs := Centroids([]orb.Geometry{square(0, 0, 2), nil})
	if cs[0] != (orb.Point{1, 1}) || !math.IsNaN(cs[1][0]) {
		t.Errorf("Centroids = %v, want [1 1] and NaN", cs)
	}
}

func TestDistanceMatrix(t *testing.T) {
	pts := []orb.Point{{-93, 41}, {-93, 42}, {-118, 34}, {-74, 40.7}}
	m := DistanceMatrix(pts)
	if len(m) != len(pts) {
		t.Fatalf("%d rows, want %d", len(m), len(pts))
	}
	for i := range pts {
		if m[i][i] != 0 {
			t.Errorf("m[%d][%d] = %g, want 0", i, i, m[i][i])
		}
		for j := range pts {
			if want := Haversine(pts[i], pts[j]); math.Abs(m[i][j]-want) > 1e-9 || m[i][j] != m[j][i] {
				t.Errorf("m[%d][%d] = %g, want %g (and symmetric)", i, j, m[i][j], want)
			}
		}
	}
	if got := DistanceMatrix(nil); len(got) != 0 {
		t.Errorf("DistanceMatrix(nil) has %d rows, want 0", len(got))
	}
}

func BenchmarkDistanceMatrixCounties(b *testing.B) {
	counties := loadCounties(b)
	geoms := make([]orb.Geometry, len(counties))
	for i, f := range counties {
		geoms[i] = f.Geometry
	}
	pts := Centroids(geoms)
	for b.Loop() {
		DistanceMatrix(pts)
	}
}
