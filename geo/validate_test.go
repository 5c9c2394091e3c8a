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

func TestValidateZigzagIsNotQuadratic(t *testing.T) {
	// A ring of 60,004 positions whose long horizontal segments all overlap in x: the x-sweep
	// exceeds its budget and the y-sweep finds no crossing.
	const n = 30_000
	r := orb.Ring{{0, 0}}
	for i := 0; i < n; i++ {
		y := float64(i) * 1e-4
		if i%2 == 0 {
			r = append(r, orb.Point{10, y}, orb.Point{10, y + 1e-4})
		} else {
			r = append(r, orb.Point{0.1, y}, orb.Point{0.1, y + 1e-4})
		}
	}
	top := r[len(r)-1][1]
	r = append(r, orb.Point{-1, top}, orb.Point{-1, 0}, orb.Point{0, 0})
	if a := signedArea(r); a < 0 {
		r.Reverse()
	}
	if err := Validate(orb.Polygon{r}); err != nil {
		t.Errorf("Validate(zigzag) = %v, want nil", err)
	}
	// The same ring with one crossing, found by the y-sweep.
	bad := append(orb.Ring(nil), r...)
	k := len(bad) / 2
	bad[k] = orb.Point{bad[k][0], bad[k][1] + 5.5e-4} // over five rungs of the ladder
	if err := Validate(orb.Polygon{bad}); err == nil || !strings.Contains(err.Error(), "self-intersection") {
		t.Errorf("Validate(zigzag with a crossing) = %v, want a self-intersection", err)
	}
}
