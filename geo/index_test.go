package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func TestIndexSynthetic(t *testing.T) {
	// Grid of 3×3 squares; unit 4 (the middle) has a hole, unit 9 a MultiPolygon far away.
	geoms := grid3()
	geoms[4] = orb.Polygon{
		{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}},
		{{1.25, 1.25}, {1.25, 1.75}, {1.75, 1.75}, {1.75, 1.25}, {1.25, 1.25}},
	}
	geoms = append(geoms, orb.MultiPolygon{square(10, 10, 1), square(20, 20, 1)}, nil, orb.Point{50, 50})
	ix := NewIndex(geoms)
	tests := []struct {
		name string
		p    orb.Point
		want int
		ok   bool
	}{
		{"first square", orb.Point{0.5, 0.5}, 0, true},
		{"middle ring", orb.Point{1.1, 1.5}, 4, true},
		{"in the hole", orb.Point{1.5, 1.5}, -1, false},
		{"second part", orb.Point{20.5, 20.5}, 9, true},
		{"first part", orb.Point{10.5, 10.2}, 9, true},
		{"outside", orb.Point{5, 5}, -1, false},
		{"point unit is never found", orb.Point{50, 50}, -1, false},
		{"NaN", orb.Point{math.NaN(), 0}, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ix.Locate(tc.p)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Locate(%v) = %d, %v; want %d, %v", tc.p, got, ok, tc.want, tc.ok)
			}
		})
	}
	// A point on the edge shared by units 0 and 1 is in exactly one of them.
	if got, ok := ix.Locate(orb.Point{1, 0.5}); !ok || (got != 0 && got != 1) {
		t.Errorf("Locate on shared edge = %d, %v; want 0 or 1", got, ok)
	}
	if got, ok := NewIndex(nil).Locate(orb.Point{0, 0}); ok || got != -1 {
		t.Errorf("empty index Locate = %d, %v; want -1, false", got, ok)
	}
}

func TestIndexCounties(t *testing.T) {
	counties := loadCounties(t)
	geoms := make([]orb.Geometry, len(counties))
	for i, f := range counties {
		geoms[i] = f.Geometry
	}
	ix := NewIndex(geoms)
	places := []struct {
		name string
		p    orb.Point
		want string
	}{
		{"Los Angeles", orb.Point{-118.2437, 34.0522}, "06037"},
		{"Chicago", orb.Point{-87.6298, 41.8781}, "17031"},
		{"Denver", orb.Point{-104.9903, 39.7392}, "08031"},
		{"Des Moines", orb.Point{-93.6091, 41.6005}, "19153"},
		{"Honolulu", orb.Point{-157.8583, 21.3069}, "15003"},
		{"Anchorage", orb.Point{-149.9003, 61.2181}, "02020"},
		{"Attu Island (east of the antimeridian)", orb.Point{173.2, 52.85}, "02016"},
		{"Avalon, Santa Catalina Island", orb.Point{-118.3267, 33.3428}, "06037"},
	}
	for _, tc := range places {
		t.Run(tc.name, func(t *testing.T) {
			u, ok := ix.Locate(tc.p)
			if !ok || counties[u].ID != tc.want {
				got := "none"
				if ok {
					got = counties[u].ID
				}
				t.Errorf("Locate(%v) = %s, want %s", tc.p, got, tc.want)
			}
		})
	}
	if u, ok := ix.Locate(orb.Point{-140, 30}); ok {
		t.Errorf("Locate(Pacific) = %s, want none", counties[u].ID)
	}

	// Against brute force over every county, for random points in the lower 48's box.
	bounds := make([]orb.Bound, len(geoms))
	for i, g := range geoms {
		bounds[i] = g.Bound()
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 500; k++ {
		p := orb.Point{-125 + 59*rng.Float64(), 24 + 26*rng.Float64()}
		var want []int
		for i, g := range geoms {
			if !bounds[i].Contains(p) {
				continue
			}
			hit := false
			forEachPolygon(g, func(poly orb.Polygon) {
				if len(poly) > 0 && ringCrossings(poly[0], p) {
					inHole := false
					for _, h := range poly[1:] {
						inHole = inHole || ringCrossings(h, p)
					}
					hit = hit || !inHole
				}
			})
			if hit {
				want = append(want, i)
			}
		}
		got, ok := ix.Locate(p)
		switch {
		case len(want) == 0 && ok:
			t.Errorf("Locate(%v) = %s, brute force finds none", p, counties[got].ID)
		case len(want) > 0 && (!ok || got != want[0]):
			t.Errorf("Locate(%v) = %d %v, brute force finds %v", p, got, ok, want)
		}
	}
}

func BenchmarkLocate1M(b *testing.B) {
	counties := loadCounties(b)
	geoms := make([]orb.Geometry, len(counties))
	for i, f := range counties {
		geoms[i] = f.Geometry
	}
	ix := NewIndex(geoms)
	rng := rand.New(rand.NewPCG(7, 11))
	pts := make([]orb.Point, 1_000_000)
	for i := range pts {
		pts[i] = orb.Point{-125 + 59*rng.Float64(), 24 + 26*rng.Float64()}
	}
	b.ResetTimer()
	found := 0
	for b.Loop() {
		found = 0
		for _, p := range pts {
			if _, ok := ix.Locate(p); ok {
				found++
			}
		}
	}
	b.ReportMetric(float64(found)/float64(len(pts)), "located/point")
}

func BenchmarkNewIndexCounties(b *testing.B) {
	counties := loadCounties(b)
	geoms := make([]orb.Geometry, len(counties))
	for i, f := range counties {
		geoms[i] = f.Geometry
	}
	for b.Loop() {
		NewIndex(geoms)
	}
}
