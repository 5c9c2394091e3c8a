package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
)

// signedArea is the shoelace area of a ring: positive when counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

// unitsShapefile writes units as a zipped ESRI Shapefile (per the ESRI
// Shapefile Technical Description, 1998: exteriors clockwise, holes
// counter-clockwise) with dBASE fields GEOID C(8) and POP N(12).
func unitsShapefile(t testing.TB, units []*terrane.Unit) []byte {
	t.Helper()
	var recs bytes.Buffer
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, u := range units {
		var polys []orb.Polygon
		switch g := u.Geometry.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		default:
			t.Fatalf("unit %s: %T", u.ID, u.Geometry)
		}
		var rings []orb.Ring
		for _, p := range polys {
			for k, r := range p {
				r = append(orb.Ring(nil), r...)
				if a := signedArea(r); (k == 0 && a > 0) || (k > 0 && a < 0) {
					r.Reverse()
				}
				rings = append(rings, r)
			}
		}
		var b bytes.Buffer
		le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
		bd := u.Geometry.Bound()
		bound = bound.Union(bd)
		le(int32(5))
		le([4]float64{bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1]})
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
			for _, p := range r {
				le([2]float64{p[0], p[1]})
			}
		}
		_ = binary.Write(&recs, binary.BigEndian, [2]int32{int32(i + 1), int32(b.Len() / 2)})
		recs.Write(b.Bytes())
	}
	var shp bytes.Buffer
	_ = binary.Write(&shp, binary.BigEndian, [7]int32{9994, 0, 0, 0, 0, 0, int32((100 + recs.Len()) / 2)})
	_ = binary.Write(&shp, binary.LittleEndian, [2]int32{1000, 5})
	_ = binary.Write(&shp, binary.LittleEndian, [8]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]})
	shp.Write(recs.Bytes())

	var dbf bytes.Buffer
	dbf.Write([]byte{3, 126, 1, 1})
	_ = binary.Write(&dbf, binary.LittleEndian, uint32(len(units)))
	_ = binary.Write(&dbf, binary.LittleEndian, [2]uint16{32 + 32*2 + 1, 1 + 8 + 12})
	dbf.Write(make([]byte, 20))
	for _, f := range []struct {
		name string
		typ  byte
		n    byte
	}{{"GEOID", 'C', 8}, {"POP", 'N', 12}} {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11], d[16] = f.typ, f.n
		dbf.Write(d)
	}
	dbf.WriteByte(0x0D)
	for _, u := range units {
		fmt.Fprintf(&dbf, " %-8s%12.0f", u.ID, u.Attributes["POP"])
	}
	dbf.WriteByte(0x1A)

	const prj = `GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string][]byte{"counties.shp": shp.Bytes(), "counties.dbf": dbf.Bytes(), "counties.prj": []byte(prj)} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportCountiesShapefileEqualsGeoJSON imports the sample's 3,142
// counties once as GeoJSON and once as a zipped Shapefile: the same units,
// centroids and adjacency.
func TestImportCountiesShapefileEqualsGeoJSON(t *testing.T) {
	ctx := context.Background()
	s := countyStore(t)
	units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "us-counties"})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range units {
		u.Attributes = map[string]float64{"POP": float64(1000 + i)}
	}
	gj, err := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: "us-counties"})
	if err != nil {
		t.Fatal(err)
	}
	shp := unitsShapefile(t, units)
	resJ, err := Import(ctx, s, bytes.NewReader(gj), Options{Kind: KindUnits, Layer: "from-geojson"})
	if err != nil {
		t.Fatal(err)
	}
	resS, err := Import(ctx, s, bytes.NewReader(shp), Options{Kind: KindUnits, Layer: "from-shapefile", Fields: map[string]string{"id": "GEOID"}})
	if err != nil {
		t.Fatal(err)
	}
	if resS.Format != "shapefile" || resS.Units != resJ.Units || resS.Edges != resJ.Edges || resS.Islands != resJ.Islands {
		t.Errorf("shapefile %+v\ngeojson %+v", *resS, *resJ)
	}
	fromJ, _ := s.FindUnits(ctx, terrane.UnitFilter{Layer: "from-geojson"})
	fromS, _ := s.FindUnits(ctx, terrane.UnitFilter{Layer: "from-shapefile"})
	if len(fromJ) != len(fromS) || len(fromS) != len(units) {
		t.Fatalf("%d units from GeoJSON, %d from the shapefile, want %d", len(fromJ), len(fromS), len(units))
	}
	for i := range fromJ {
		j, sh := fromJ[i], fromS[i]
		if j.ID != sh.ID || orbDist(j.Centroid, sh.Centroid) > 1e-9 || sh.Attributes["POP"] != float64(1000+i) {
			t.Fatalf("unit %d: GeoJSON %s %v, shapefile %s %v %v", i, j.ID, j.Centroid, sh.ID, sh.Centroid, sh.Attributes)
		}
		// A shapefile does not tell a one-part MultiPolygon from a Polygon.
		if mp, ok := j.Geometry.(orb.MultiPolygon); ok && len(mp) == 1 {
			j.Geometry = mp[0]
		}
		if diff := cmp.Diff(j.Geometry, sh.Geometry); diff != "" {
			t.Fatalf("unit %s geometry (-geojson +shapefile):\n%s", j.ID, diff)
		}
	}
	adjJ, _ := s.FindAdjacency(ctx, "from-geojson")
	adjS, _ := s.FindAdjacency(ctx, "from-shapefile")
	if diff := cmp.Diff(adjJ, adjS); diff != "" {
		t.Errorf("adjacency (-geojson +shapefile):\n%s", diff)
	}
}
