package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestRepair(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	tests := []struct {
		name    string
		g       orb.Geometry
		repairs []string // substrings, one per expected repair note, in order; nil: unchanged
		parts   int      // polygons in the result
		area    float64  // planar area of the result, square degrees
		err     string   // substring of the error; "" for none
	}{
		{name: "valid polygon is unchanged", g: orb.Polygon{square}, parts: 1, area: 1},
		{name: "bow-tie is cut into two triangles", g: orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}},
			repairs: []string{"ring 0: crossed itself 1 time: cut at the crossings into 2 rings", "became 2 polygons"}, parts: 2, area: 2},
		{name: "repeated positions and a spike are left in a valid ring", g: orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {3, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
			parts: 1, area: 1},
		{name: "repeated positions and a spike in an invalid ring", g: orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {3, 0}, {1, 0}, {1, 1}, {0, 1}}},
			repairs: []string{"ring 0: closed it", "ring 0: removed 2 repeated positions", "ring 0: removed 1 zero-width spike"}, parts: 1, area: 1},
		{name: "unclosed ring", g: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}},
			repairs: []string{"ring 0: closed it"}, parts: 1, area: 1},
		{name: "ring crossing the antimeridian", g: orb.Polygon{{{179, -1}, {-179, -1}, {-179, 1}, {179, 1}, {179, -1}}},
			repairs: []string{"ring 0: crosses the antimeridian: split at 180° into 2 rings", "became 2 polygons"}, parts: 2, area: 4},
		{name: "concave ring crossing the antimeridian twice",
			// A U open to the west: its two arms cross 180° east of the base at 179°.
			g:       orb.Polygon{{{179, 0}, {-178, 0}, {-178, 1}, {179.5, 1}, {179.5, 2}, {-178, 2}, {-178, 3}, {179, 3}, {179, 0}}},
			repairs: []string{"ring 0: crosses the antimeridian: split at 180° into 3 rings", "became 3 polygons"}, parts: 3, area: 3*3 - 2.5},
		{name: "ring around the south pole", g: orb.Polygon{{{-180, -80}, {-90, -81}, {0, -80}, {90, -81}, {180, -80}, {-180, -80}}},
			repairs: []string{"ring 0: crosses the antimeridian: split at 180° into 1 ring"}, parts: 1},
		{name: "hole crossing the exterior is dropped", g: orb.Polygon{square, {{0.5, 0.5}, {0.5, 1.5}, {0.8, 1.5}, {0.8, 0.5}, {0.5, 0.5}}},
			repairs: []string{"dropped 1 hole"}, parts: 1, area: 1},
		{name: "collapsed second polygon is dropped", g: orb.MultiPolygon{{square}, {{{2, 0}, {3, 0}, {2, 0}, {2, 0}}}},
			repairs: []string{"polygon 1 ring 0: removed", "polygon 1 ring 0: dropped: zero area", "polygon 1 dropped: its exterior has zero area"}, parts: 1, area: 1},
		{name: "NaN is not repairable", g: orb.Polygon{{{0, 0}, {1, math.NaN()}, {1, 1}, {0, 0}}}, err: "point 1: NaN coordinate (not repairable)"},
		{name: "collinear overlap is not repairable", g: orb.Polygon{{{0, 0}, {2, 0}, {2, 1}, {1, 0}, {3, 0}, {3, -1}, {0, -1}, {0, 0}}}, err: "overlap"},
		{name: "a point is not a polygon", g: orb.Point{0, 0}, err: "want Polygon or MultiPolygon"},
		{name: "nil", g: nil, err: "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, repairs, err := Repair(tc.g)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(got); err != nil {
				t.Errorf("repaired geometry is invalid: %v", err)
			}
			if CrossesAntimeridian(got) {
				t.Errorf("repaired geometry still crosses the antimeridian")
			}
			if len(repairs) != len(tc.repairs) {
				t.Fatalf("repairs %q, want %d like %q", repairs, len(tc.repairs), tc.repairs)
			}
			for i, want := range tc.repairs {
				if !strings.Contains(repairs[i], want) {
					t.Errorf("repair %d: got %q, want it to contain %q", i, repairs[i], want)
				}
			}
			parts := 1
			if mp, ok := got.(orb.MultiPolygon); ok {
				parts = len(mp)
			}
			if parts != tc.parts {
				t.Errorf("got %d polygons, want %d", parts, tc.parts)
			}
			if tc.area > 0 {
				if a := planar.Area(got); math.Abs(a-tc.area) > 1e-9 {
					t.Errorf("area %g square degrees, want %g", a, tc.area)
				}
			}
		})
	}
}

// TestRepairSouthPole checks that a ring around the south pole becomes the polar cap: the
// band between its coast and −90°, on both sides of the cut.
func TestRepairSouthPole(t *testing.T) {
	ring := orb.Ring{{-180, -80}, {-90, -80}, {0, -80}, {90, -80}, {180, -80}, {-180, -80}}
	got, _, err := Repair(orb.Polygon{ring})
	if err != nil {
		t.Fatal(err)
	}
	if a, want := planar.Area(got), 360.0*10; math.Abs(a-want) > 1e-6 {
		t.Errorf("area %g square degrees, want %g (360° × 10°)", a, want)
	}
	if b := got.Bound(); b.Min != (orb.Point{-180, -90}) || b.Max != (orb.Point{180, -80}) {
		t.Errorf("bound %v, want [-180 -90] to [180 -80]", b)
	}
}

// TestRepairedByReaders checks that the readers repair with ReadOptions.Repair and otherwise
// reject the feature, saying Repair would fix it.
func TestRepairedByReaders(t *testing.T) {
	bowtie := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","properties":{},
		"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}}]}`
	_, err := ReadGeoJSON([]byte(bowtie), ReadOptions{})
	ie, ok := err.(*ImportErrors)
	if !ok || len(ie.Errors) != 1 || !ie.Errors[0].Repairable || !strings.Contains(ie.Errors[0].Message, "self-intersection") {
		t.Fatalf("without Repair: got %v, want one repairable self-intersection", err)
	}
	fs, err := ReadGeoJSON([]byte(bowtie), ReadOptions{Repair: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || len(fs[0].Repairs) == 0 || Validate(fs[0].Geometry) != nil {
		t.Fatalf("with Repair: got %+v, want one valid feature with its repairs", fs)
	}
}

// FuzzRepair checks that Repair never panics and that what it returns validates, or it errors.
func FuzzRepair(f *testing.F) {
	f.Add([]byte{0, 0, 20, 20, 20, 0, 0, 20}, false)
	f.Add([]byte{170, 10, 10, 10, 10, 20, 170, 20}, true)
	f.Add([]byte{0, 0, 10, 0, 10, 0, 30, 0, 10, 0, 10, 10}, false)
	f.Fuzz(func(t *testing.T, b []byte, wrap bool) {
		// Each pair of bytes is a position on a coarse grid (so crossings, repeats and
		// collinear segments are common); wrap spreads longitudes over the whole world.
		if len(b) > 400 {
			b = b[:400]
		}
		var ring orb.Ring
		for i := 0; i+1 < len(b); i += 2 {
			x, y := float64(b[i]%32), float64(b[i+1]%32)
			if wrap {
				x = -180 + float64(b[i])*360/255
				y = -90 + float64(b[i+1])*180/255
			}
			ring = append(ring, orb.Point{x, y})
		}
		if len(ring) > 0 {
			ring = append(ring, ring[0])
		}
		got, _, err := Repair(orb.Polygon{ring})
		if err != nil {
			return
		}
		if verr := Validate(got); verr != nil {
			t.Fatalf("Repair(%v) = %v, which is invalid: %v", ring, got, verr)
		}
	})
}
