package geo

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

func TestDecodeTopoJSONFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/fixture.topojson")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTopoJSON(data, "units")
	if err != nil {
		t.Fatal(err)
	}
	want := []Feature{
		{ID: "A", Properties: map[string]any{"name": "west square"}, Geometry: orb.Polygon{
			{{-98, 40}, {-98, 41}, {-100, 41}, {-100, 40}, {-98, 40}},
		}},
		{ID: "42", Properties: map[string]any{"name": "east square with a hole"}, Geometry: orb.Polygon{
			{{-98, 41}, {-98, 40}, {-96, 40}, {-96, 41}, {-98, 41}},
			{{-97.5, 40.25}, {-97.5, 40.75}, {-96.5, 40.75}, {-96.5, 40.25}, {-97.5, 40.25}},
		}},
		{ID: "C", Geometry: orb.MultiPolygon{
			{{{-95, 40}, {-94, 40}, {-94, 40.5}, {-95, 40.5}, {-95, 40}}},
			{{{-93, 40}, {-92, 40}, {-92, 40.5}, {-93, 40.5}, {-93, 40}}},
		}},
		{ID: "D", Geometry: orb.Point{-99, 40.5}},
		{ID: "E", Geometry: orb.LineString{{-98, 40}, {-98, 41}}},
		{ID: "F", Geometry: orb.Collection{orb.Point{-100, 40}, orb.MultiPoint{{-99, 41}, {-98, 42}}}},
		{ID: "G"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeTopoJSON(units) mismatch (-want +got):\n%s", diff)
	}
	for _, f := range got[:3] {
		if err := Validate(f.Geometry); err != nil {
			t.Errorf("feature %s: Validate = %v, want nil", f.ID, err)
		}
	}

	single, err := DecodeTopoJSON(data, "single")
	if err != nil {
		t.Fatal(err)
	}
	wantSingle := []Feature{{ID: "S", Geometry: orb.Polygon{{{-95, 40}, {-94, 40}, {-94, 40.5}, {-95, 40.5}, {-95, 40}}}}}
	if diff := cmp.Diff(wantSingle, single); diff != "" {
		t.Errorf("DecodeTopoJSON(single) mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeTopoJSONErrors(t *testing.T) {
	tests := []struct {
		name, data, object, want string
	}{
		{"not json", `{`, "a", "unexpected end of JSON input"},
		{"not a topology", `{"type":"FeatureCollection"}`, "a", `type is "FeatureCollection"`},
		{"missing object", `{"type":"Topology","objects":{}}`, "a", `no object "a"`},
		{"arc out of range", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"GeometryCollection","geometries":[{"type":"Polygon","id":"x","arcs":[[3]]}]}}}`, "a", `geometry 0 (id "x"): ring 0: arc index 3 out of range`},
		{"negative arc out of range", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"LineString","arcs":[-2]}}}`, "a", "arc index -2 out of range"},
		{"unknown type", `{"type":"Topology","objects":{"a":{"type":"Circle"}}}`, "a", `unknown geometry type "Circle"`},
		{"short position", `{"type":"Topology","arcs":[[[1]]],"objects":{"a":{"type":"LineString","arcs":[0]}}}`, "a", "arc 0 position 0: has 1 coordinates"},
		{"infinite after transform", `{"type":"Topology","transform":{"scale":[1e308,1],"translate":[0,0]},"arcs":[[[10,0],[1,1]]],"objects":{"a":{"type":"LineString","arcs":[0]}}}`, "a", "not finite"},
		{"bad id", `{"type":"Topology","objects":{"a":{"type":"Point","id":[1],"coordinates":[0,0]}}}`, "a", "id: want a string or a number"},
		{"bad arcs nesting", `{"type":"Topology","arcs":[],"objects":{"a":{"type":"Polygon","arcs":[0]}}}`, "a", "arcs of a Polygon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeTopoJSON([]byte(tc.data), tc.object)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeTopoJSON error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// excludedStates are the FIPS state codes of the territories in us-atlas (American Samoa,
// Guam, Northern Mariana Islands, Puerto Rico, US Virgin Islands).
var excludedStates = map[string]bool{"60": true, "66": true, "69": true, "72": true, "78": true}

// loadCounties decodes the shared us-atlas county layer restricted to the 50 states and DC.
func loadCounties(t testing.TB) []Feature {
	t.Helper()
	data := sharedFile(t, "us-boundaries/counties-10m.json")
	all, err := DecodeTopoJSON(data, "counties")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3231 {
		t.Fatalf("decoded %d counties, want 3231", len(all))
	}
	var out []Feature
	for _, f := range all {
		if !excludedStates[f.ID[:2]] {
			out = append(out, f)
		}
	}
	return out
}

func TestDecodeTopoJSONCounties(t *testing.T) {
	counties := loadCounties(t)
	if len(counties) != 3142 {
		t.Fatalf("got %d counties in the 50 states and DC, want 3142", len(counties))
	}
	seen := map[string]bool{}
	for _, f := range counties {
		if seen[f.ID] {
			t.Errorf("duplicate id %s", f.ID)
		}
		seen[f.ID] = true
		err := Validate(f.Geometry)
		// Falls Church city, VA (51610, about 5 km²) collapses to a zero-area sliver under the
		// 1:10m quantization of us-atlas: its only ring has 3 positions on one line.
		if f.ID == "51610" {
			if err == nil {
				t.Errorf("51610 Falls Church: Validate = nil, want the zero-area collapse reported")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %v: %v", f.ID, f.Properties["name"], err)
		}
	}

	// Los Angeles County including Santa Catalina and San Clemente islands (Census
	// cartographic boundary: lon -118.945..-117.646, lat 32.800..34.823 degrees); the
	// quantum of this file is 0.0036° lon by 0.00086° lat, simplification adds a little more.
	var la *Feature
	for i := range counties {
		if counties[i].ID == "06037" {
			la = &counties[i]
		}
	}
	if la == nil {
		t.Fatal("06037 Los Angeles not found")
	}
	if la.Properties["name"] != "Los Angeles" {
		t.Errorf("06037 name = %v, want Los Angeles", la.Properties["name"])
	}
	mp, ok := la.Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 3 {
		t.Errorf("06037 geometry = %T with %d parts, want a MultiPolygon of mainland + 2 islands", la.Geometry, len(mp))
	}
	b := la.Geometry.Bound()
	want := orb.Bound{Min: orb.Point{-118.945, 32.800}, Max: orb.Point{-117.646, 34.823}}
	const tol = 0.01 // degrees
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"west", b.Min[0], want.Min[0]}, {"south", b.Min[1], want.Min[1]},
		{"east", b.Max[0], want.Max[0]}, {"north", b.Max[1], want.Max[1]},
	} {
		if d := c.got - c.want; d > tol || d < -tol {
			t.Errorf("06037 %s bound = %.4f, want %.4f ± %g", c.name, c.got, c.want, tol)
		}
	}
}

func TestCleanRing(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Ring
		want orb.Ring
	}{
		{"unchanged", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		{"repeated position", orb.Ring{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 0}}, orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		{"spike", orb.Ring{{0, 0}, {2, 0}, {2, 1}, {2, 3}, {2, 1}, {2, 2}, {0, 0}}, orb.Ring{{0, 0}, {2, 0}, {2, 1}, {2, 2}, {0, 0}}},
		{"spike across the seam", orb.Ring{{1, 0}, {5, 0}, {1, 0}, {1, 1}, {0, 0}, {1, 0}}, orb.Ring{{1, 0}, {1, 1}, {0, 0}, {1, 0}}},
		{"collapsed", orb.Ring{{0, 0}, {1, 1}, {0, 0}}, orb.Ring{{0, 0}, {1, 1}, {0, 0}}},
		// Segment 1 crosses segment 3 at (2.5, 1.5): the loop through (2,2) and (3,2) is cut off.
		{"bow-tie", orb.Ring{{0, 0}, {4, 0}, {2, 2}, {3, 2}, {2, 1}, {0, 0}}, orb.Ring{{0, 0}, {4, 0}, {2.5, 1.5}, {2, 1}, {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cleanRing(append(orb.Ring(nil), tc.in...), nil)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("cleanRing(%v) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
