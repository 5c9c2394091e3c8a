package geo

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

const wgs84PRJ = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`

// testUnits are three units: two squares sharing an edge and a square with a hole, as
// RFC 7946 polygons, with GEOID, NAME and POP properties.
func testUnits() []Feature {
	withHole := orb.Polygon{
		{{2, 0}, {5, 0}, {5, 3}, {2, 3}, {2, 0}},
		{{3, 1}, {3, 2}, {4, 2}, {4, 1}, {3, 1}},
	}
	return []Feature{
		{ID: "01001", Properties: map[string]any{"GEOID": "01001", "NAME": "West", "POP": 1200.0}, Geometry: square(0, 0, 1)},
		{ID: "01003", Properties: map[string]any{"GEOID": "01003", "NAME": "Ñandú", "POP": 34.0}, Geometry: orb.MultiPolygon{square(1, 0, 1), square(0, 5, 1)}},
		{ID: "01005", Properties: map[string]any{"GEOID": "01005", "NAME": "Holey", "POP": nil}, Geometry: withHole},
	}
}

// geojsonOf encodes features as a GeoJSON FeatureCollection, without an id member.
func geojsonOf(t testing.TB, fs []Feature) []byte {
	t.Helper()
	type gj struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   map[string]any `json:"geometry"`
	}
	var out struct {
		Type     string `json:"type"`
		Features []gj   `json:"features"`
	}
	out.Type = "FeatureCollection"
	for _, f := range fs {
		var geom map[string]any
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			geom = map[string]any{"type": "Polygon", "coordinates": g}
		case orb.MultiPolygon:
			geom = map[string]any{"type": "MultiPolygon", "coordinates": g}
		}
		out.Features = append(out.Features, gj{"Feature", f.Properties, geom})
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shpOf writes the .shp of polygon features per the ESRI Shapefile Technical Description:
// exteriors clockwise, holes counter-clockwise.
func shpOf(fs []Feature) []byte {
	var recs bytes.Buffer
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, f := range fs {
		var rings []orb.Ring
		forEachPolygon(f.Geometry, func(p orb.Polygon) {
			for k, r := range p {
				r = append(orb.Ring(nil), r...)
				if a := signedArea(r); (k == 0 && a > 0) || (k > 0 && a < 0) {
					r.Reverse()
				}
				rings = append(rings, r)
			}
		})
		var c bytes.Buffer
		le := func(v any) { _ = binary.Write(&c, binary.LittleEndian, v) }
		b := f.Geometry.Bound()
		bound = bound.Union(b)
		le(int32(shpPolygon))
		le([4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]})
		n := 0
		for _, r := range rings {
			n += len(r)
		}
		le(int32(len(rings)))
		le(int32(n))
		start := 0
		for _, r := range rings {
			le(int32(start))
			start += len(r)
		}
		for _, r := range rings {
			for _, pt := range r {
				le([2]float64{pt[0], pt[1]})
			}
		}
		_ = binary.Write(&recs, binary.BigEndian, [2]int32{int32(i + 1), int32(c.Len() / 2)})
		recs.Write(c.Bytes())
	}
	var h bytes.Buffer
	_ = binary.Write(&h, binary.BigEndian, [7]int32{9994, 0, 0, 0, 0, 0, int32((100 + recs.Len()) / 2)})
	_ = binary.Write(&h, binary.LittleEndian, [2]int32{1000, shpPolygon})
	_ = binary.Write(&h, binary.LittleEndian, [8]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]})
	return append(h.Bytes(), recs.Bytes()...)
}

// dbfOf writes a dBASE III table with fields GEOID C(5), NAME C(20) and POP N(10,0).
func dbfOf(fs []Feature) []byte {
	type field struct {
		name string
		typ  byte
		n    int
	}
	fields := []field{{"GEOID", 'C', 5}, {"NAME", 'C', 20}, {"POP", 'N', 10}}
	recLen := 1
	for _, f := range fields {
		recLen += f.n
	}
	var b bytes.Buffer
	headerLen := 32 + 32*len(fields) + 1
	b.Write([]byte{3, 126, 1, 1})
	_ = binary.Write(&b, binary.LittleEndian, uint32(len(fs)))
	_ = binary.Write(&b, binary.LittleEndian, [2]uint16{uint16(headerLen), uint16(recLen)})
	b.Write(make([]byte, 20))
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.n)
		b.Write(d)
	}
	b.WriteByte(0x0D)
	for _, f := range fs {
		b.WriteByte(' ')
		for _, fd := range fields {
			v := f.Properties[fd.name]
			s := ""
			if v != nil {
				s = fmt.Sprint(v)
			}
			if fd.typ == 'N' {
				s = fmt.Sprintf("%*s", fd.n, s)
			} else {
				s = fmt.Sprintf("%-*s", fd.n, s)
			}
			b.WriteString(s[:fd.n])
		}
	}
	b.WriteByte(0x1A)
	return b.Bytes()
}

// zipOf packs named members into a zip archive.
func zipOf(t testing.TB, members map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"units.shp", "units.dbf", "units.prj", "other.shp", "units.txt"} {
		data, ok := members[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func shapefileZip(t testing.TB, fs []Feature) []byte {
	return zipOf(t, map[string][]byte{"units.shp": shpOf(fs), "units.dbf": dbfOf(fs), "units.prj": []byte(wgs84PRJ)})
}

func TestShapefileAndGeoJSONGiveTheSameUnits(t *testing.T) {
	cases := map[string][]Feature{"synthetic": testUnits()}
	if _, err := os.Stat("../../shared/data/us-boundaries/counties-10m.json"); err == nil {
		// The 99 counties of Iowa, as a second, real case.
		var iowa []Feature
		for _, f := range loadCounties(t) {
			if f.ID[:2] == "19" {
				iowa = append(iowa, Feature{ID: f.ID, Geometry: f.Geometry, Properties: map[string]any{"GEOID": f.ID, "NAME": f.Properties["name"], "POP": 1.0}})
			}
		}
		cases["iowa"] = iowa
	}
	for name, units := range cases {
		t.Run(name, func(t *testing.T) {
			opts := ReadOptions{IDProperty: "GEOID"}
			fromJSON, err := ReadGeoJSON(geojsonOf(t, units), opts)
			if err != nil {
				t.Fatalf("ReadGeoJSON: %v", err)
			}
			fromSHP, err := ReadShapefile(shapefileZip(t, units), opts)
			if err != nil {
				t.Fatalf("ReadShapefile: %v", err)
			}
			if diff := cmp.Diff(fromJSON, fromSHP); diff != "" {
				t.Errorf("GeoJSON and shapefile units differ (-geojson +shapefile):\n%s", diff)
			}
			if len(fromSHP) != len(units) {
				t.Fatalf("%d units, want %d", len(fromSHP), len(units))
			}
			for i := range units {
				if fromSHP[i].ID != units[i].ID {
					t.Errorf("unit %d id %q, want %q", i, fromSHP[i].ID, units[i].ID)
				}
				if msg := sameOutline(units[i].Geometry, fromSHP[i].Geometry); msg != "" {
					t.Errorf("unit %s geometry: %s", units[i].ID, msg)
				}
			}
		})
	}
}

// importErrors asserts err is an *ImportErrors and returns its text.
func importErrors(t *testing.T, err error) (*ImportErrors, string) {
	t.Helper()
	var ie *ImportErrors
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *ImportErrors", err, err)
	}
	return ie, err.Error()
}

func TestReadGeoJSONErrors(t *testing.T) {
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	poly := func(id, coords string) string {
		return `{"type":"Feature","properties":{"GEOID":` + id + `},"geometry":{"type":"Polygon","coordinates":` + coords + `}}`
	}
	const sq = `[[[0,0],[1,0],[1,1],[0,1],[0,0]]]`
	tests := []struct {
		name, data, want string
	}{
		{"not json", `{"type":`, "not valid JSON"},
		{"wrong type", `{"type":"Topology"}`, `type: type "Topology", want FeatureCollection or Feature`},
		{"point geometry", fc(`{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Point","coordinates":[0,0]}}`), `feature 0 (id "a"): geometry: type Point, want Polygon or MultiPolygon`},
		{"null geometry", fc(`{"type":"Feature","properties":{"GEOID":"a"},"geometry":null}`), `feature 0 (id "a"): geometry: missing (null) geometry`},
		{"unclosed ring", fc(poly(`"a"`, sq), poly(`"b"`, `[[[0,0],[1,0],[1,1],[0,1]]]`)), `feature 1 (id "b"): geometry: polygon 0 ring 0 point 3: ring is not closed`},
		{"self-intersection", fc(poly(`"a"`, `[[[0,0],[4,0],[4,4],[0,4],[2,-1],[0,0]]]`)), `feature 0 (id "a"): geometry: polygon 0 ring 0 point 0: self-intersection`},
		{"too few points", fc(poly(`"a"`, `[[[0,0],[1,0],[0,0]]]`)), "ring has 3 positions"},
		{"short position", fc(poly(`"a"`, `[[[0,0],[1],[1,1],[0,0]]]`)), `feature 0 (id "a"): geometry: ring 0 point 1: position has 1 coordinates`},
		{"missing id property", fc(`{"type":"Feature","properties":{"NAME":"x"},"geometry":{"type":"Polygon","coordinates":` + sq + `}}`), `feature 0: GEOID: missing id property "GEOID"`},
		{"duplicate id", fc(poly(`"a"`, sq), poly(`"a"`, sq)), `feature 1 (id "a"): id: duplicate id (also feature 0)`},
		{"projected coordinates", fc(poly(`"a"`, `[[[500000,4000000],[500100,4000000],[500100,4000100],[500000,4000000]]]`)), "longitude 500000 outside [-180, 180] degrees (is the file in a projected CRS?"},
		{"crs member", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`, `crs: CRS "urn:ogc:def:crs:EPSG::3857" is not lon/lat`},
		{"numeric id", fc(poly(`6037`, sq), poly(`6037`, sq)), `feature 1 (id "6037"): id: duplicate id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := ReadGeoJSON([]byte(tc.data), ReadOptions{IDProperty: "GEOID"})
			if err == nil {
				t.Fatalf("ReadGeoJSON = %d features, nil error; want %q", len(fs), tc.want)
			}
			_, msg := importErrors(t, err)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error = %q, want it to contain %q", msg, tc.want)
			}
			if fs != nil {
				t.Errorf("features returned with an error")
			}
		})
	}

	t.Run("capped", func(t *testing.T) {
		var many []string
		for i := 0; i < 30; i++ {
			many = append(many, `{"type":"Feature","properties":{},"geometry":null}`)
		}
		_, err := ReadGeoJSON([]byte(fc(many...)), ReadOptions{IDProperty: "GEOID", MaxErrors: 5})
		ie, msg := importErrors(t, err)
		if len(ie.Errors) != 5 || ie.More != 25 {
			t.Errorf("%d listed and %d more, want 5 and 25", len(ie.Errors), ie.More)
		}
		if !strings.Contains(msg, "30 problems") || !strings.Contains(msg, "and 25 more") {
			t.Errorf("message %q does not summarize 30 problems", msg)
		}
	})

	t.Run("valid, id member, winding normalized", func(t *testing.T) {
		data := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}]}`
		fs, err := ReadGeoJSON([]byte(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := []Feature{{ID: "x", Geometry: square(0, 0, 1)}}
		if diff := cmp.Diff(want, fs, cmp.Comparer(func(a, b orb.Geometry) bool { return sameOutline(a, b) == "" })); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestReadShapefileErrors(t *testing.T) {
	units := testUnits()
	shp, dbf := shpOf(units), dbfOf(units)
	nan := testUnits()
	nan[1].Geometry = orb.Polygon{{{0, 0}, {1, 0}, {math.NaN(), 1}, {0, 0}}}
	unclosed := testUnits()
	unclosed[2].Geometry = orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}
	dup := testUnits()
	dup[2].Properties = map[string]any{"GEOID": "01001", "NAME": "again"}
	projected := testUnits()
	projected[0].Geometry = square(500000, 4000000, 100)
	pointType := append([]byte(nil), shp...)
	binary.LittleEndian.PutUint32(pointType[32:], 1)
	tests := []struct {
		name    string
		members map[string][]byte
		raw     []byte
		id      string
		want    string
	}{
		{"not a zip", nil, []byte("PK nope"), "GEOID", ".zip: not a zip archive"},
		{"no shp", map[string][]byte{"units.dbf": dbf}, nil, "GEOID", "no .shp file"},
		{"two shapefiles", map[string][]byte{"units.shp": shp, "other.shp": shp, "units.dbf": dbf}, nil, "GEOID", "holds 2 shapefiles"},
		{"missing dbf", map[string][]byte{"units.shp": shp}, nil, "GEOID", "missing units.dbf"},
		{"projected prj", map[string][]byte{"units.shp": shp, "units.dbf": dbf, "units.prj": []byte(`PROJCS["NAD_1983_UTM_Zone_15N",GEOGCS["GCS_North_American_1983"]]`)}, nil, "GEOID", `.prj: wrong CRS: projected "NAD_1983_UTM_Zone_15N"`},
		{"other datum", map[string][]byte{"units.shp": shp, "units.dbf": dbf, "units.prj": []byte(`GEOGCS["GCS_North_American_1927",DATUM["D_North_American_1927"]]`)}, nil, "GEOID", "not on the WGS84 or NAD83 datum"},
		{"no id field chosen", map[string][]byte{"units.shp": shp, "units.dbf": dbf}, nil, "", "choose the dBASE field"},
		{"unknown id field", map[string][]byte{"units.shp": shp, "units.dbf": dbf}, nil, "FIPS", `no dBASE field "FIPS"; the fields are GEOID, NAME, POP`},
		{"record count mismatch", map[string][]byte{"units.shp": shp, "units.dbf": dbfOf(units[:2])}, nil, "GEOID", ".dbf: 2 records, but the .shp has 3 shapes"},
		{"point shapefile", map[string][]byte{"units.shp": pointType, "units.dbf": dbf}, nil, "GEOID", "shape type 1 (points)"},
		{"truncated shp", map[string][]byte{"units.shp": shp[:len(shp)-10], "units.dbf": dbf}, nil, "GEOID", "runs past the end of the file"},
		{"truncated dbf", map[string][]byte{"units.shp": shp, "units.dbf": dbf[:100]}, nil, "GEOID", ".dbf: "},
		{"NaN coordinate", map[string][]byte{"units.shp": shpOf(nan), "units.dbf": dbf}, nil, "GEOID", "feature 1: geometry: part 0 point 2: NaN coordinate"},
		{"unclosed ring", map[string][]byte{"units.shp": shpOf(unclosed), "units.dbf": dbf}, nil, "GEOID", `feature 2 (id "01005"): geometry: polygon 0 ring 0 point 3: ring is not closed`},
		{"duplicate id", map[string][]byte{"units.shp": shp, "units.dbf": dbfOf(dup)}, nil, "GEOID", `feature 2 (id "01001"): id: duplicate id (also feature 0)`},
		{"projected coordinates without prj", map[string][]byte{"units.shp": shpOf(projected), "units.dbf": dbf}, nil, "GEOID", "is the file in a projected CRS?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.raw
			if data == nil {
				data = zipOf(t, tc.members)
			}
			fs, err := ReadShapefile(data, ReadOptions{IDProperty: tc.id})
			if err == nil {
				t.Fatalf("ReadShapefile = %d features, nil error; want %q", len(fs), tc.want)
			}
			_, msg := importErrors(t, err)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
	t.Run("size limit", func(t *testing.T) {
		_, err := ReadShapefile(shapefileZip(t, units), ReadOptions{IDProperty: "GEOID", MaxBytes: 100})
		if _, msg := importErrors(t, err); !strings.Contains(msg, "larger than 100 bytes") {
			t.Errorf("error = %q, want the size limit", msg)
		}
	})
}

func TestReadTopoJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/fixture.topojson")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadTopoJSON(data, ReadOptions{})
	if _, msg := importErrors(t, err); !strings.Contains(msg, "choose one") {
		t.Errorf("error = %q, want a request to choose an object", msg)
	}
	fs, err := ReadTopoJSON(data, ReadOptions{Object: "single"})
	if err != nil || len(fs) != 1 || fs[0].ID != "S" {
		t.Errorf("ReadTopoJSON(single) = %v, %v; want one unit S", fs, err)
	}
	_, err = ReadTopoJSON(data, ReadOptions{Object: "units"})
	_, msg := importErrors(t, err)
	for _, want := range []string{`feature 3 (id "D"): geometry: type Point`, `feature 6 (id "G"): geometry: missing (null) geometry`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error = %q, want it to contain %q", msg, want)
		}
	}
	_, err = ReadTopoJSON(data, ReadOptions{Object: "units", IDProperty: "name"})
	if _, msg := importErrors(t, err); !strings.Contains(msg, `feature 2 (id "C"): name: missing id property "name"`) {
		t.Errorf("error = %q, want the missing name of C", msg)
	}

	if _, err := os.Stat("../../shared/data/us-boundaries/counties-10m.json"); err == nil {
		_, err := ReadTopoJSON(sharedFile(t, "us-boundaries/counties-10m.json"), ReadOptions{Object: "counties"})
		ie, msg := importErrors(t, err)
		// Only the collapsed Falls Church (see TestDecodeTopoJSONCounties) is rejected.
		if len(ie.Errors) != 1 || ie.Errors[0].ID != "51610" {
			t.Errorf("errors = %q, want only 51610", msg)
		}
	}
}

func FuzzDecodeTopoJSON(f *testing.F) {
	if data, err := os.ReadFile("testdata/fixture.topojson"); err == nil {
		f.Add(data, "units")
		f.Add(data, "single")
	}
	f.Add([]byte(`{"type":"Topology","arcs":[[[0,0],[1,0],[0,1],[-1,0]]],"objects":{"a":{"type":"Polygon","arcs":[[0]]}}}`), "a")
	f.Add([]byte(`{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},"arcs":[[[0,0],[2,0],[-1,1],[1,-1],[-2,0]]],"objects":{"a":{"type":"MultiPolygon","arcs":[[[-1]]]}}}`), "a")
	f.Fuzz(func(t *testing.T, data []byte, object string) {
		fs, err := DecodeTopoJSON(data, object)
		if err != nil {
			return
		}
		for _, ft := range fs {
			_ = Validate(ft.Geometry)
		}
		_, _ = ReadTopoJSON(data, ReadOptions{Object: object})
	})
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add(geojsonOf(f, testUnits()), "GEOID")
	f.Add([]byte(`{"type":"Feature","id":1,"properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}`), "")
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[2,-1],[0,0]]]}}]}`), "GEOID")
	f.Fuzz(func(t *testing.T, data []byte, id string) {
		fs, whole := ReadGeoJSON(data, ReadOptions{IDProperty: id})
		if whole == nil {
			for _, ft := range fs {
				if err := Validate(ft.Geometry); err != nil {
					t.Fatalf("accepted feature %q is invalid: %v", ft.ID, err)
				}
			}
		}
		// With Skip: the kept features are valid, with distinct ids, in file order, and
		// none of them was also skipped.
		skipped := map[int]bool{}
		kept, err := ReadGeoJSON(data, ReadOptions{IDProperty: id, Skip: func(e ImportError) { skipped[e.Feature] = true }})
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for i, ft := range kept {
			if err := Validate(ft.Geometry); err != nil || ft.ID == "" || ids[ft.ID] || skipped[ft.Index] || i > 0 && ft.Index <= kept[i-1].Index {
				t.Fatalf("kept feature %d (%q, index %d): %v; ids %v, skipped %v", i, ft.ID, ft.Index, err, ids, skipped)
			}
			ids[ft.ID] = true
		}
		if whole == nil && len(fs) != len(kept) {
			t.Fatalf("a file accepted whole kept %d of %d features with Skip", len(kept), len(fs))
		}
	})
}

func FuzzReadShapefile(f *testing.F) {
	units := testUnits()
	f.Add(shpOf(units), dbfOf(units), []byte(wgs84PRJ))
	f.Add(shpOf(units[:1]), dbfOf(units[:1]), []byte(""))
	f.Add(shpOf(nil), dbfOf(nil), []byte(`PROJCS["x"]`))
	f.Fuzz(func(t *testing.T, shp, dbf, prj []byte) {
		data := zipOf(t, map[string][]byte{"units.shp": shp, "units.dbf": dbf, "units.prj": prj})
		fs, err := ReadShapefile(data, ReadOptions{IDProperty: "GEOID"})
		if err == nil {
			for _, ft := range fs {
				if err := Validate(ft.Geometry); err != nil {
					t.Fatalf("accepted record %q is invalid: %v", ft.ID, err)
				}
			}
		}
	})
}

// TestReadSkip reads files with bad features under ReadOptions.Skip: the good features come
// back with their place in the file, each bad one is passed to Skip, and a problem of the
// whole file still rejects it.
func TestReadSkip(t *testing.T) {
	sq := func(x int) string {
		return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%d,0],[%d,0],[%d,1],[%d,1],[%d,0]]]}`, x, x+1, x+1, x, x)
	}
	file := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","id":"a","geometry":` + sq(0) + `},` +
		`{"type":"Feature","geometry":` + sq(1) + `},` +
		`{"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}},` +
		`{"type":"Feature","id":"b","geometry":` + sq(2) + `},` +
		`{"type":"Feature","id":"a","geometry":` + sq(3) + `},` +
		`{"type":"Feature","id":"c","geometry":null}]}`
	var skipped []string
	opts := ReadOptions{Skip: func(e ImportError) { skipped = append(skipped, e.Error()) }}
	fs, err := ReadGeoJSON([]byte(file), opts)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, f := range fs {
		kept = append(kept, fmt.Sprintf("%s@%d", f.ID, f.Index))
	}
	// The invalid b (feature 2) is skipped, so the later b (feature 3) is the one kept.
	if got := strings.Join(kept, " "); got != "a@0 b@3" {
		t.Errorf("kept %s, want a@0 b@3", got)
	}
	want := []string{"feature 1: id: missing id", `feature 2 (id "b"): geometry: polygon 0 ring 0 point 0: self-intersection: segment 0 crosses segment 2`,
		`feature 4 (id "a"): id: duplicate id (also feature 0)`, `feature 5 (id "c"): geometry: missing (null) geometry`}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
	// With repair, feature 2 is repaired and kept, and feature 3 is then the duplicate.
	skipped = nil
	opts.Repair = true
	if fs, err = ReadGeoJSON([]byte(file), opts); err != nil || len(fs) != 2 || fs[1].Index != 2 || len(skipped) != 4 {
		t.Errorf("with repair: %d features (%v), skipped %q", len(fs), err, skipped)
	}
	// TopoJSON: a feature without the id property is skipped.
	skipped = nil
	topo := `{"type":"Topology","arcs":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[2,0],[3,0],[3,1],[2,1],[2,0]]],"objects":{"u":{"type":"GeometryCollection",` +
		`"geometries":[{"type":"Polygon","arcs":[[0]]},{"type":"Polygon","arcs":[[1]],"properties":{"K":"b"}}]}}}`
	fs, err = ReadTopoJSON([]byte(topo), ReadOptions{IDProperty: "K", Skip: opts.Skip})
	if err != nil || len(fs) != 1 || fs[0].ID != "b" || fs[0].Index != 1 || strings.Join(skipped, ";") != `feature 0: K: missing id property "K"` {
		t.Errorf("topojson: %+v %v, skipped %q", fs, err, skipped)
	}
	skipped = nil
	if _, err := ReadTopoJSON([]byte(`{"type":"Topology","objects":{}}`), opts); err == nil || len(skipped) != 0 {
		t.Errorf("a file problem: %v, skipped %q; want the file rejected", err, skipped)
	}
}
