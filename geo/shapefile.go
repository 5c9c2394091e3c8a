package geo

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ESRI shape types this reader accepts (ESRI Shapefile Technical Description, July 1998).
const (
	shpNull     = 0
	shpPolygon  = 5
	shpPolygonZ = 15
	shpPolygonM = 25
)

// ReadShapefile reads a user's units from an ESRI Shapefile packed in a .zip: the .shp
// (geometry, polygon shape types 5, 15 and 25; Z and M values are dropped), the .dbf
// (attributes, dBASE III/IV) and, if present, the .prj (coordinate reference system). The .shx
// index is not needed. Each record becomes a Feature whose properties are the dBASE fields
// (character fields as strings, numeric as float64, logical as bool, dates as "YYYYMMDD", empty
// as nil) and whose id is the text of the field opts.IDProperty, which is required.
//
// Rings are grouped as the format specifies: clockwise rings are exteriors, counter-clockwise
// rings holes of the smallest exterior containing them; output follows RFC 7946. The file is
// rejected as a whole with an *ImportErrors naming the record and field for: a missing member,
// a truncated or malformed .shp or .dbf, a non-polygon shape, a record count mismatch, NaN or
// infinite coordinates, invalid rings (see Validate), a missing or duplicate id, a .prj that is
// not geographic WGS84 or NAD83, or coordinates outside the lon/lat range (wrong CRS).
func ReadShapefile(zipData []byte, opts ReadOptions) ([]Feature, error) {
	opts = opts.withDefaults()
	p := newProblems("shapefile", opts)
	files, err := unzipShapefile(zipData, opts.MaxBytes)
	if err != nil {
		p.add(-1, "", ".zip", "%v", err)
		return nil, p.err()
	}
	if prj, ok := files[".prj"]; ok {
		if msg := checkPRJ(string(prj)); msg != "" {
			p.add(-1, "", ".prj", "%s", msg)
			return nil, p.err()
		}
	}
	if opts.IDProperty == "" {
		p.add(-1, "", "id", "choose the dBASE field that holds the unit id (ReadOptions.IDProperty)")
		return nil, p.err()
	}
	geoms, bad, err := readSHP(files[".shp"], p)
	if err != nil {
		p.add(-1, "", ".shp", "%v", err)
		return nil, p.err()
	}
	records, fields, err := readDBF(files[".dbf"])
	if err != nil {
		p.add(-1, "", ".dbf", "%v", err)
		return nil, p.err()
	}
	if len(records) != len(geoms) {
		p.add(-1, "", ".dbf", "%d records, but the .shp has %d shapes", len(records), len(geoms))
		return nil, p.err()
	}
	found := false
	for _, f := range fields {
		if strings.EqualFold(f.name, opts.IDProperty) {
			found = true
		}
	}
	if !found {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		p.add(-1, "", opts.IDProperty, "no dBASE field %q; the fields are %s", opts.IDProperty, strings.Join(names, ", "))
		return nil, p.err()
	}
	fs := make([]Feature, len(geoms))
	for i := range geoms {
		fs[i] = Feature{Geometry: geoms[i], Properties: records[i].props}
		for k, raw := range records[i].raw {
			if strings.EqualFold(k, opts.IDProperty) {
				fs[i].ID = raw
			}
		}
	}
	checkUnits(fs, bad, p, opts.Repair)
	return p.result(fs)
}

// unzipShapefile returns the members of the one shapefile in a zip, keyed by lower-case
// extension (".shp", ".dbf", ".prj", ...). The total uncompressed size is capped at maxBytes.
func unzipShapefile(data []byte, maxBytes int64) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %v", err)
	}
	var shps []string
	for _, f := range zr.File {
		if strings.EqualFold(path.Ext(f.Name), ".shp") && !strings.HasPrefix(path.Base(f.Name), ".") && !strings.HasPrefix(f.Name, "__MACOSX/") {
			shps = append(shps, f.Name)
		}
	}
	sort.Strings(shps)
	switch len(shps) {
	case 0:
		return nil, fmt.Errorf("no .shp file in the archive")
	case 1:
	default:
		return nil, fmt.Errorf("the archive holds %d shapefiles (%s): upload one", len(shps), strings.Join(shps, ", "))
	}
	stem := strings.TrimSuffix(shps[0], path.Ext(shps[0]))
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		ext := path.Ext(f.Name)
		if !strings.EqualFold(strings.TrimSuffix(f.Name, ext), stem) {
			continue
		}
		ext = strings.ToLower(ext)
		if ext != ".shp" && ext != ".dbf" && ext != ".prj" && ext != ".cpg" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxBytes-total+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		total += int64(len(b))
		if total > maxBytes {
			return nil, fmt.Errorf("the shapefile is larger than %d bytes uncompressed", maxBytes)
		}
		files[ext] = b
	}
	for _, ext := range []string{".shp", ".dbf"} {
		if _, ok := files[ext]; !ok {
			return nil, fmt.Errorf("missing %s%s beside %s", path.Base(stem), ext, shps[0])
		}
	}
	return files, nil
}

// checkPRJ returns a message if the WKT of a .prj is not a geographic CRS on the WGS84 or
// NAD83 datum, or "" if it is.
func checkPRJ(wkt string) string {
	w := strings.ToUpper(strings.TrimSpace(wkt))
	if w == "" {
		return ""
	}
	name := wkt
	if i := strings.Index(wkt, "\""); i >= 0 {
		if j := strings.Index(wkt[i+1:], "\""); j >= 0 {
			name = wkt[i+1 : i+1+j]
		}
	}
	if strings.HasPrefix(w, "PROJCS[") || strings.HasPrefix(w, "PROJCRS[") || strings.HasPrefix(w, "PROJECTEDCRS[") {
		return fmt.Sprintf("wrong CRS: projected %q; units must be in lon/lat degrees (WGS84 or NAD83): reproject to EPSG:4326", name)
	}
	if !strings.HasPrefix(w, "GEOGCS[") && !strings.HasPrefix(w, "GEOGCRS[") && !strings.HasPrefix(w, "GEODCRS[") {
		return fmt.Sprintf("wrong CRS: cannot read %q; want a geographic CRS on WGS84 or NAD83", truncate(wkt, 80))
	}
	for _, datum := range []string{"WGS_1984", "WGS 84", "WGS84", "NORTH_AMERICAN_DATUM_1983", "NORTH AMERICAN DATUM 1983", "NORTH_AMERICAN_1983", "NAD83"} {
		if strings.Contains(w, datum) {
			return ""
		}
	}
	return fmt.Sprintf("wrong CRS: geographic %q is not on the WGS84 or NAD83 datum", name)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// readSHP reads the polygon shapes of a .shp, one per record (nil for a null shape). Problems
// of single records go to p; a malformed file is an error.
func readSHP(b []byte, p *problems) ([]orb.Geometry, []bool, error) {
	if len(b) < 100 {
		return nil, nil, fmt.Errorf("truncated header: %d bytes, want at least 100", len(b))
	}
	if code := binary.BigEndian.Uint32(b[0:4]); code != 9994 {
		return nil, nil, fmt.Errorf("file code %d, want 9994: not a shapefile", code)
	}
	if t := binary.LittleEndian.Uint32(b[32:36]); t != shpPolygon && t != shpPolygonZ && t != shpPolygonM && t != shpNull {
		return nil, nil, fmt.Errorf("shape type %d (%s), want polygons (5, 15 or 25)", t, shapeTypeName(t))
	}
	var geoms []orb.Geometry
	var bad []bool
	off := 100
	for rec := 0; off < len(b); rec++ {
		if off+8 > len(b) {
			return nil, nil, fmt.Errorf("record %d: truncated record header", rec)
		}
		n := int64(binary.BigEndian.Uint32(b[off+4:off+8])) * 2 // content length in bytes
		start := off + 8
		if n < 4 || int64(start)+n > int64(len(b)) {
			return nil, nil, fmt.Errorf("record %d: content length %d bytes runs past the end of the file", rec, n)
		}
		content := b[start : start+int(n)]
		off = start + int(n)
		g, err := readPolygonRecord(content)
		if err != nil {
			p.add(rec, "", "geometry", "%v", err)
		}
		geoms = append(geoms, g)
		bad = append(bad, err != nil)
	}
	return geoms, bad, nil
}

func shapeTypeName(t uint32) string {
	switch t {
	case 1, 11, 21:
		return "points"
	case 3, 13, 23:
		return "lines"
	case 8, 18, 28:
		return "multipoints"
	case 31:
		return "multipatch"
	}
	return "unknown"
}

// readPolygonRecord decodes one polygon record's content into a Polygon or MultiPolygon.
func readPolygonRecord(c []byte) (orb.Geometry, error) {
	t := binary.LittleEndian.Uint32(c[0:4])
	if t == shpNull {
		return nil, nil
	}
	if t != shpPolygon && t != shpPolygonZ && t != shpPolygonM {
		return nil, fmt.Errorf("shape type %d (%s), want a polygon", t, shapeTypeName(t))
	}
	if len(c) < 44 {
		return nil, fmt.Errorf("truncated polygon record")
	}
	numParts := int64(binary.LittleEndian.Uint32(c[36:40]))
	numPoints := int64(binary.LittleEndian.Uint32(c[40:44]))
	need := 44 + 4*numParts + 16*numPoints
	if numParts < 1 || numPoints < 1 || need > int64(len(c)) {
		return nil, fmt.Errorf("%d parts and %d points do not fit the record's %d bytes", numParts, numPoints, len(c))
	}
	parts := make([]int, numParts+1)
	for i := int64(0); i < numParts; i++ {
		parts[i] = int(binary.LittleEndian.Uint32(c[44+4*i:]))
	}
	parts[numParts] = int(numPoints)
	pts := c[44+4*numParts:]
	var rings []orb.Ring
	for i := int64(0); i < numParts; i++ {
		a, z := parts[i], parts[i+1]
		if a < 0 || a > z || z > int(numPoints) {
			return nil, fmt.Errorf("part %d: start index %d out of order", i, a)
		}
		r := make(orb.Ring, 0, z-a)
		for k := a; k < z; k++ {
			x := math.Float64frombits(binary.LittleEndian.Uint64(pts[16*k:]))
			y := math.Float64frombits(binary.LittleEndian.Uint64(pts[16*k+8:]))
			r = append(r, orb.Point{x, y})
		}
		rings = append(rings, r)
	}
	return groupRings(rings)
}

// groupRings assembles shapefile rings into polygons: clockwise rings are exteriors,
// counter-clockwise rings holes of the smallest exterior containing their first vertex. Rings
// are then oriented per RFC 7946.
func groupRings(rings []orb.Ring) (orb.Geometry, error) {
	var polys []orb.Polygon
	var areas []float64
	var holes []orb.Ring
	for i, r := range rings {
		for k, pt := range r {
			if !finite(pt) {
				return nil, fmt.Errorf("part %d point %d: %s", i, k, coordinateProblem(pt))
			}
		}
		a := signedArea(r)
		if a <= 0 { // clockwise (or degenerate, reported by Validate): an exterior
			polys = append(polys, orb.Polygon{r})
			areas = append(areas, -a)
		} else {
			holes = append(holes, r)
		}
	}
	bounds := make([]orb.Bound, len(polys))
	for i, poly := range polys {
		bounds[i] = poly[0].Bound()
	}
	for _, h := range holes {
		best := -1
		for i, poly := range polys {
			if len(h) > 0 && bounds[i].Contains(h[0]) && (best < 0 || areas[i] < areas[best]) && planar.RingContains(poly[0], h[0]) {
				best = i
			}
		}
		if best < 0 {
			// A hole outside every exterior: the writer got the winding wrong; treat it as
			// an exterior, as most readers do.
			polys = append(polys, orb.Polygon{h})
			areas = append(areas, signedArea(h))
			continue
		}
		polys[best] = append(polys[best], h)
	}
	for _, poly := range polys {
		orientPolygon(poly)
	}
	if len(polys) == 1 {
		return polys[0], nil
	}
	return orb.MultiPolygon(polys), nil
}

// dbfField is one dBASE field descriptor.
type dbfField struct {
	name     string
	typ      byte
	offset   int
	length   int
	decimals int
}

// dbfRecord is one dBASE record: typed values and the trimmed raw text of every field.
type dbfRecord struct {
	props map[string]any
	raw   map[string]string
}

// readDBF reads a dBASE III/IV table (dBASE file format, Ashton-Tate; as written by shapefile
// tools: version byte, record count, header and record lengths, 32-byte field descriptors
// ended by 0x0D, fixed-width records led by a deletion flag).
func readDBF(b []byte) ([]dbfRecord, []dbfField, error) {
	if len(b) < 33 {
		return nil, nil, fmt.Errorf("truncated header: %d bytes", len(b))
	}
	numRecords := int64(binary.LittleEndian.Uint32(b[4:8]))
	headerLen := int(binary.LittleEndian.Uint16(b[8:10]))
	recordLen := int(binary.LittleEndian.Uint16(b[10:12]))
	if headerLen < 33 || headerLen > len(b) || recordLen < 1 {
		return nil, nil, fmt.Errorf("header length %d and record length %d do not fit a %d-byte file", headerLen, recordLen, len(b))
	}
	var fields []dbfField
	off := 1 // after the deletion flag
	for d := 32; d+32 <= headerLen && b[d] != 0x0D; d += 32 {
		name := string(bytes.TrimRight(b[d:d+11], "\x00 "))
		if i := strings.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		f := dbfField{name: name, typ: b[d+11], offset: off, length: int(b[d+16]), decimals: int(b[d+17])}
		off += f.length
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return nil, nil, fmt.Errorf("no fields")
	}
	if off > recordLen {
		return nil, nil, fmt.Errorf("fields take %d bytes, more than the record length %d", off, recordLen)
	}
	if int64(headerLen)+numRecords*int64(recordLen) > int64(len(b)) {
		return nil, nil, fmt.Errorf("%d records of %d bytes run past the end of the file", numRecords, recordLen)
	}
	records := make([]dbfRecord, 0, numRecords)
	for i := int64(0); i < numRecords; i++ {
		rec := b[int64(headerLen)+i*int64(recordLen) : int64(headerLen)+(i+1)*int64(recordLen)]
		// A deleted record (flag '*') is kept: its shape is still in the .shp.
		r := dbfRecord{props: make(map[string]any, len(fields)), raw: make(map[string]string, len(fields))}
		for _, f := range fields {
			text := strings.TrimSpace(decodeText(bytes.TrimRight(rec[f.offset:f.offset+f.length], "\x00")))
			r.raw[f.name] = text
			r.props[f.name] = dbfValue(f.typ, text)
		}
		records = append(records, r)
	}
	return records, fields, nil
}

// dbfValue converts a field's trimmed text by its dBASE type.
func dbfValue(typ byte, text string) any {
	if text == "" {
		return nil
	}
	switch typ {
	case 'N', 'F':
		if v, err := strconv.ParseFloat(text, 64); err == nil {
			return v
		}
		return nil
	case 'L':
		switch text {
		case "T", "t", "Y", "y":
			return true
		case "F", "f", "N", "n":
			return false
		}
		return nil
	}
	return text
}

// decodeText reads dBASE text as UTF-8, or as ISO 8859-1 when it is not valid UTF-8.
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
