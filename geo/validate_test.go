package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestValidate(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	hole := orb.Ring{{0.2, 0.2}, {0.2, 0.8}, {0.8, 0.8}, {0.8, 0.2}, {0.2, 0.2}}
	tests := []struct {
		name string
		g    orb.Geometry
		want string // "" for valid
	}{
		{"valid polygon", orb.Polygon{square}, ""},
		{"valid polygon with hole", orb.Polygon{square, hole}, ""},
		{"valid multipolygon", orb.MultiPolygon{{square}, {{{2, 0}, {3, 0}, {3, 1}, {2, 0}}}}, ""},
		{"self-touching ring is accepted", orb.Polygon{{{0, 0}, {2, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 1}, {0, 0}}}, ""},
		{"nil", nil, "geometry is empty"},
		{"not closed", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "ring 0 point 3: ring is not closed"},
		{"too few points", orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}, "ring has 3 positions"},
		{"NaN", orb.Polygon{{{0, 0}, {1, math.NaN()}, {1, 1}, {0, 0}}}, "polygon 0 ring 0 point 1: NaN coordinate"},
		{"Inf", orb.Polygon{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 0}}}, "point 1: infinite coordinate"},
		{"longitude out of range", orb.Polygon{{{0, 0}, {181, 0}, {1, 1}, {0, 0}}}, "longitude 181 outside"},
		{"latitude out of range", orb.Polygon{{{0, 0}, {1, -91}, {1, 1}, {0, 0}}}, "latitude -91 outside"},
		{"clockwise exterior", orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}, "exterior ring is clockwise"},
		{"counter-clockwise hole", orb.Polygon{square, {{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.2}}}, "ring 1: hole is counter-clockwise"},
		{"zero area", orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}, "zero area"},
		{"crossing", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {2, -1}, {0, 0}}}, "point 0: self-intersection: segment 0 crosses segment 3"},
		{"hole crossing the exterior", orb.Polygon{square[:5:5], {{0.5, 0.5}, {0.5, 1.5}, {0.8, 1.5}, {0.8, 0.5}, {0.5, 0.5}}}, "ring 0 point 2: rings cross: segment 2 crosses ring 1 segment 0"},
		{"hole touching the exterior is accepted", orb.Polygon{square, {{0, 0.5}, {0.5, 0.8}, {0.5, 0.2}, {0, 0.5}}}, ""},
		{"second polygon named", orb.MultiPolygon{{square}, {{{2, 0}, {3, 0}, {3, 1}}}}, "polygon 1 ring 0"},
		{"point out of range", orb.Point{200, 0}, "point 0: longitude 200"},
		{"collection member named", orb.Collection{orb.Polygon{square}, orb.Point{0, math.NaN()}}, "geometry 1 point 0: NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.g)
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("Validate error is %T, want *ValidationError", err)
			}
		})
	}
}
