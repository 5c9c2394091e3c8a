package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// topology is the top-level TopoJSON object (TopoJSON Format Specification 1.0, Bostock 2013,
// https://github.com/topojson/topojson-specification).
type topology struct {
	Type      string                     `json:"type"`
	Transform *topoTransform             `json:"transform"`
	Arcs      [][][]float64              `json:"arcs"`
	Objects   map[string]json.RawMessage `json:"objects"`
}

// topoTransform maps quantized integer positions to lon/lat degrees:
// lon = x*Scale[0] + Translate[0], lat = y*Scale[1] + Translate[1].
type topoTransform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

// topoGeometry is one TopoJSON geometry object. Arcs and Coordinates keep their raw JSON until
// the type says how deeply they nest.
type topoGeometry struct {
	Type        *string           `json:"type"`
	ID          json.RawMessage   `json:"id"`
	Properties  map[string]any    `json:"properties"`
	Arcs        json.RawMessage   `json:"arcs"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// maxTopoDepth bounds the nesting of GeometryCollections, so hostile input cannot exhaust the
// stack.
const maxTopoDepth = 32

// DecodeTopoJSON decodes the named object (e.g. "counties") of a TopoJSON topology into
// features. A GeometryCollection object gives one feature per member geometry (as
// topojson-client's feature() does); any other object gives a single feature.
//
// It handles quantized topologies (a transform with delta-encoded arcs), negative arc indices
// (~i is arc i reversed), and the types Point, MultiPoint, LineString, MultiLineString, Polygon,
// MultiPolygon, GeometryCollection and null (a nil Geometry). Ring arcs are stitched by dropping
// the first position of every arc after the first. Positions are in degrees; a non-finite
// coordinate is an error.
//
// Quantization leaves artifacts that make polygons invalid; they are repaired so that shared
// boundaries stay identical in both neighbours: inside each arc, repeated positions and
// zero-width spikes are removed and bow-ties (segment i crossing segment i+2) are cut at the
// crossing; a bow-tie across an arc junction is cut in the ring and the cut propagated to every
// arc. Rings that collapse to zero area are dropped, and so is a polygon whose exterior
// collapses (a Polygon feature then has an empty Polygon, which Validate reports). Output rings
// follow RFC 7946: closed, the exterior counter-clockwise and holes clockwise in the planar
// lon/lat sense. DecodeTopoJSON does not call Validate.
func DecodeTopoJSON(data []byte, object string) ([]Feature, error) {
	var topo topology
	if err := json.Unmarshal(data, &topo); err != nil {
		return nil, fmt.Errorf("geo: topojson: %w", err)
	}
	if topo.Type != "Topology" {
		return nil, fmt.Errorf("geo: topojson: type is %q, want \"Topology\"", topo.Type)
	}
	raw, ok := topo.Objects[object]
	if !ok {
		return nil, fmt.Errorf("geo: topojson: no object %q", object)
	}
	d, err := newTopoDecoder(&topo)
	if err != nil {
		return nil, fmt.Errorf("geo: topojson: %w", err)
	}
	var root topoGeometry
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("geo: topojson: object %q: %w", object, err)
	}
	var members []topoGeometry
	collection := root.Type != nil && *root.Type == "GeometryCollection"
	if collection {
		members = make([]topoGeometry, len(root.Geometries))
		for i, rg := range root.Geometries {
			if err := json.Unmarshal(rg, &members[i]); err != nil {
				return nil, fmt.Errorf("geo: topojson: object %q geometry %d: %w", object, i, err)
			}
		}
	} else {
		members = []topoGeometry{root}
	}
	// A bow-tie across an arc junction can only be cut inside one ring (see cleanRing); the
	// crossing point then replaces the two twisted positions in every arc, and the features are
	// rebuilt, so that neighbours stay identical along their shared boundary. A few passes
	// settle it; the last pass keeps whatever ring-level repairs remain.
	const passes = 4
	for pass := 0; ; pass++ {
		d.subst = map[orb.Point]orb.Point{}
		features := make([]Feature, 0, len(members))
		for i := range members {
			f, err := d.feature(&members[i])
			if err != nil {
				if collection {
					return nil, fmt.Errorf("geo: topojson: object %q geometry %d%s: %w", object, i, idSuffix(f.ID), err)
				}
				return nil, fmt.Errorf("geo: topojson: object %q%s: %w", object, idSuffix(f.ID), err)
			}
			features = append(features, f)
		}
		if len(d.subst) == 0 || pass == passes-1 {
			return features, nil
		}
		d.substitute()
	}
}

// substitute replaces, in every arc, the positions recorded in d.subst and cleans the arcs
// again.
func (d *topoDecoder) substitute() {
	for i, a := range d.arcs {
		changed := false
		for k, p := range a {
			if x, ok := d.subst[p]; ok {
				if !changed {
					a = append([]orb.Point(nil), a...)
					changed = true
				}
				a[k] = x
			}
		}
		if changed {
			d.arcs[i] = cleanArc(a)
		}
	}
}

func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " (id " + strconv.Quote(id) + ")"
}

// topoDecoder holds the topology's arcs, decoded once into absolute lon/lat positions.
type topoDecoder struct {
	transform *topoTransform
	arcs      [][]orb.Point
	// subst maps positions cut off by ring-level bow-tie repairs to their crossing point.
	subst map[orb.Point]orb.Point
}

func newTopoDecoder(topo *topology) (*topoDecoder, error) {
	d := &topoDecoder{transform: topo.Transform, arcs: make([][]orb.Point, len(topo.Arcs))}
	for i, arc := range topo.Arcs {
		pts := make([]orb.Point, len(arc))
		var x, y float64
		for k, pos := range arc {
			if len(pos) < 2 {
				return nil, fmt.Errorf("arc %d position %d: has %d coordinates, want at least 2", i, k, len(pos))
			}
			if d.transform != nil {
				x += pos[0]
				y += pos[1]
				pts[k] = orb.Point{x*d.transform.Scale[0] + d.transform.Translate[0], y*d.transform.Scale[1] + d.transform.Translate[1]}
			} else {
				pts[k] = orb.Point{pos[0], pos[1]}
			}
			if !finite(pts[k]) {
				return nil, fmt.Errorf("arc %d position %d: coordinate is not finite", i, k)
			}
		}
		d.arcs[i] = cleanArc(pts)
	}
	return d, nil
}

// cleanArc removes quantization artifacts inside one arc, keeping its endpoints: repeated
// positions, zero-width spikes and bow-ties (segment i crossing segment i+2; the two positions
// between are replaced by the crossing point). Cleaning arcs before they are stitched into rings
// keeps neighbouring units, which share the arc, identical along their common boundary.
func cleanArc(pts []orb.Point) []orb.Point {
	if len(pts) < 3 {
		return pts
	}
	for {
		s := make([]orb.Point, 0, len(pts))
		for _, p := range pts {
			if len(s) > 0 && s[len(s)-1] == p {
				continue
			}
			s = append(s, p)
			for len(s) >= 3 && isSpike(s[len(s)-3], s[len(s)-2], s[len(s)-1]) {
				c := s[len(s)-1]
				s = s[:len(s)-2]
				if s[len(s)-1] != c {
					s = append(s, c)
				}
			}
		}
		if len(s) == 1 && len(pts) > 1 {
			// A closed arc that collapsed to a point: keep it closed.
			s = append(s, s[0])
		}
		changed := false
		for i := 0; i+3 < len(s); i++ {
			if !segmentsCross(s[i], s[i+1], s[i+2], s[i+3]) {
				continue
			}
			if x, ok := crossing(s[i], s[i+1], s[i+2], s[i+3]); ok {
				s = append(s[:i+1], append([]orb.Point{x}, s[i+3:]...)...)
				changed = true
				break
			}
		}
		pts = s
		if !changed {
			return pts
		}
	}
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// feature decodes one geometry object into a Feature. The returned Feature carries its ID even
// when err is non-nil, so callers can name it.
func (d *topoDecoder) feature(tg *topoGeometry) (Feature, error) {
	f := Feature{Properties: tg.Properties}
	id, err := decodeID(tg.ID)
	if err != nil {
		return f, err
	}
	f.ID = id
	f.Geometry, err = d.geometry(tg, 0)
	return f, err
}

// decodeID renders a JSON id (string or number) as a string; null or absent gives "".
func decodeID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("id: %w", err)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("id: want a string or a number: %w", err)
	}
	return n.String(), nil
}

func (d *topoDecoder) geometry(tg *topoGeometry, depth int) (orb.Geometry, error) {
	if tg.Type == nil {
		// "type": null (or no type) is a null geometry, as in topojson-client.
		return nil, nil
	}
	switch *tg.Type {
	case "Point":
		var pos []float64
		if err := json.Unmarshal(tg.Coordinates, &pos); err != nil {
			return nil, fmt.Errorf("coordinates of a Point: %w", err)
		}
		return d.point(pos)
	case "MultiPoint":
		var pos [][]float64
		if err := json.Unmarshal(tg.Coordinates, &pos); err != nil {
			return nil, fmt.Errorf("coordinates of a MultiPoint: %w", err)
		}
		mp := make(orb.MultiPoint, len(pos))
		for i, p := range pos {
			pt, err := d.point(p)
			if err != nil {
				return nil, fmt.Errorf("point %d: %w", i, err)
			}
			mp[i] = pt
		}
		return mp, nil
	case "LineString":
		var arcs []int
		if err := json.Unmarshal(tg.Arcs, &arcs); err != nil {
			return nil, fmt.Errorf("arcs of a LineString: %w", err)
		}
		return d.line(arcs)
	case "MultiLineString":
		var arcs [][]int
		if err := json.Unmarshal(tg.Arcs, &arcs); err != nil {
			return nil, fmt.Errorf("arcs of a MultiLineString: %w", err)
		}
		mls := make(orb.MultiLineString, len(arcs))
		for i, a := range arcs {
			ls, err := d.line(a)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i, err)
			}
			mls[i] = ls
		}
		return mls, nil
	case "Polygon":
		var arcs [][]int
		if err := json.Unmarshal(tg.Arcs, &arcs); err != nil {
			return nil, fmt.Errorf("arcs of a Polygon: %w", err)
		}
		p, err := d.polygon(arcs)
		if err != nil {
			return nil, err
		}
		if p == nil {
			// Keep the type: an empty polygon, which Validate reports.
			return orb.Polygon{}, nil
		}
		return p, nil
	case "MultiPolygon":
		var arcs [][][]int
		if err := json.Unmarshal(tg.Arcs, &arcs); err != nil {
			return nil, fmt.Errorf("arcs of a MultiPolygon: %w", err)
		}
		mp := make(orb.MultiPolygon, 0, len(arcs))
		for i, a := range arcs {
			p, err := d.polygon(a)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i, err)
			}
			if p != nil {
				mp = append(mp, p)
			}
		}
		return mp, nil
	case "GeometryCollection":
		if depth >= maxTopoDepth {
			return nil, fmt.Errorf("GeometryCollection nested deeper than %d", maxTopoDepth)
		}
		c := make(orb.Collection, 0, len(tg.Geometries))
		for i, rg := range tg.Geometries {
			var child topoGeometry
			if err := json.Unmarshal(rg, &child); err != nil {
				return nil, fmt.Errorf("geometry %d: %w", i, err)
			}
			g, err := d.geometry(&child, depth+1)
			if err != nil {
				return nil, fmt.Errorf("geometry %d: %w", i, err)
			}
			if g != nil {
				c = append(c, g)
			}
		}
		return c, nil
	default:
		return nil, fmt.Errorf("unknown geometry type %q", *tg.Type)
	}
}

// point decodes a Point position, applying the transform (positions of points are quantized but
// not delta-encoded).
func (d *topoDecoder) point(pos []float64) (orb.Point, error) {
	if len(pos) < 2 {
		return orb.Point{}, fmt.Errorf("position has %d coordinates, want at least 2", len(pos))
	}
	p := orb.Point{pos[0], pos[1]}
	if d.transform != nil {
		p = orb.Point{p[0]*d.transform.Scale[0] + d.transform.Translate[0], p[1]*d.transform.Scale[1] + d.transform.Translate[1]}
	}
	if !finite(p) {
		return orb.Point{}, errors.New("coordinate is not finite")
	}
	return p, nil
}

// line concatenates arcs into one line; arc index i < 0 means arc ^i (= -i-1) reversed. The
// first position of every arc after the first repeats the last one and is dropped.
func (d *topoDecoder) line(arcs []int) (orb.LineString, error) {
	var ls orb.LineString
	for _, i := range arcs {
		j := i
		if j < 0 {
			j = ^j
		}
		if j >= len(d.arcs) {
			return nil, fmt.Errorf("arc index %d out of range (topology has %d arcs)", i, len(d.arcs))
		}
		a := d.arcs[j]
		if len(a) == 0 {
			continue
		}
		if len(ls) > 0 {
			ls = ls[:len(ls)-1]
		}
		start := len(ls)
		ls = append(ls, a...)
		if i < 0 {
			orb.LineString(ls[start:]).Reverse()
		}
	}
	return ls, nil
}

// polygon builds a polygon from rings of arcs, cleans its rings (see cleanRing), drops rings
// that collapsed to zero area, and orients it per RFC 7946. It returns nil if the exterior
// collapsed.
func (d *topoDecoder) polygon(rings [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, 0, len(rings))
	for k, r := range rings {
		ls, err := d.line(r)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", k, err)
		}
		r2 := cleanRing(orb.Ring(ls), func(b, c, x orb.Point) {
			if d.subst != nil {
				d.subst[b], d.subst[c] = x, x
			}
		})
		if signedArea(r2) == 0 {
			if k == 0 {
				// The exterior collapsed under quantization: so does the whole polygon.
				return nil, nil
			}
			continue
		}
		p = append(p, r2)
	}
	orientPolygon(p)
	return p, nil
}

// cleanRing removes what quantization leaves behind in a ring: repeated consecutive positions
// and zero-width spikes (a→b→c with c on the line back through a, so the path reverses onto
// itself). Neither changes the ring's area. Straight-through collinear positions are kept, since
// a neighbouring unit's boundary may start there. The result is closed; it may have fewer than
// 4 positions or zero area, which the caller checks.
//
// onCut, if not nil, is told of every bow-tie cut: positions b and c were replaced by x.
func cleanRing(r orb.Ring, onCut func(b, c, x orb.Point)) orb.Ring {
	if len(r) == 0 {
		return r
	}
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	s := make([]orb.Point, 0, n+1)
	for _, p := range r[:n] {
		if len(s) > 0 && s[len(s)-1] == p {
			continue
		}
		s = append(s, p)
		for len(s) >= 3 && isSpike(s[len(s)-3], s[len(s)-2], s[len(s)-1]) {
			c := s[len(s)-1]
			s = s[:len(s)-2]
			if s[len(s)-1] != c {
				s = append(s, c)
			}
		}
	}
	// The ring is cyclic: clean across the seam between the last and the first position.
	for changed := true; changed && len(s) >= 3; {
		changed = false
		m := len(s)
		switch {
		case s[m-1] == s[0]:
			s = s[:m-1]
			changed = true
		case isSpike(s[m-1], s[0], s[1]):
			s = s[1:]
			changed = true
		case isSpike(s[m-2], s[m-1], s[0]):
			s = s[:m-1]
			changed = true
		}
	}
	if len(s) > 0 {
		s = append(s, s[0])
	}
	if len(s) >= 5 {
		if u, b, c, x, ok := untwist(s); ok {
			if onCut != nil {
				onCut(b, c, x)
			}
			// A bow-tie was cut off; the cut may leave a spike or a repeated position behind.
			return cleanRing(u, onCut)
		}
	}
	return orb.Ring(s)
}

// untwist repairs the first bow-tie that quantization leaves in a closed ring s: a segment i
// crossing segment i+2, which traps a tiny loop of opposite orientation between them. Positions
// b = s[i+1] and c = s[i+2] are replaced by the crossing point x. The crossing is computed from
// the four positions in a canonical order, so the neighbouring ring, which holds the same
// positions in reverse, gets the same point. It returns the repaired closed ring, b, c, x and
// whether it changed anything.
func untwist(s []orb.Point) (out orb.Ring, b, c, x orb.Point, ok bool) {
	n := len(s) - 1 // segments of the closed ring
	for i := 0; i < n; i++ {
		j, k := (i+1)%n, (i+2)%n
		if !segmentsCross(s[i], s[j], s[k], s[(i+3)%n]) {
			continue
		}
		x, ok := crossing(s[i], s[j], s[k], s[(i+3)%n])
		if !ok {
			continue
		}
		out := make(orb.Ring, 0, n)
		for m := 0; m < n; m++ {
			switch m {
			case j:
				out = append(out, x)
			case k:
			default:
				out = append(out, s[m])
			}
		}
		return append(out, out[0]), s[j], s[k], x, true
	}
	return nil, orb.Point{}, orb.Point{}, orb.Point{}, false
}

// crossing is the intersection point of the lines through segments ab and cd, computed from the
// endpoints in a canonical order (so ab, cd and dc, ba give bit-identical results).
func crossing(a, b, c, d orb.Point) (orb.Point, bool) {
	if less(b, a) {
		a, b = b, a
	}
	if less(d, c) {
		c, d = d, c
	}
	if less(c, a) {
		a, b, c, d = c, d, a, b
	}
	den := (b[0]-a[0])*(d[1]-c[1]) - (b[1]-a[1])*(d[0]-c[0])
	if den == 0 {
		return orb.Point{}, false
	}
	t := ((c[0]-a[0])*(d[1]-c[1]) - (c[1]-a[1])*(d[0]-c[0])) / den
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
}

// less orders points lexicographically by lon, then lat.
func less(p, q orb.Point) bool {
	return p[0] < q[0] || (p[0] == q[0] && p[1] < q[1])
}

// isSpike reports whether the path a→b→c turns back on itself along one line at b.
func isSpike(a, b, c orb.Point) bool {
	if orient2d(a, b, c) != 0 {
		return false
	}
	return (b[0]-a[0])*(c[0]-b[0])+(b[1]-a[1])*(c[1]-b[1]) < 0 || a == b || b == c
}

// orientPolygon makes the exterior ring (index 0) counter-clockwise and the holes clockwise, in
// place. Rings of zero area are left as they are.
func orientPolygon(p orb.Polygon) {
	for k, r := range p {
		a := signedArea(r)
		if (k == 0 && a < 0) || (k > 0 && a > 0) {
			r.Reverse()
		}
	}
}

// signedArea is the planar shoelace area of a ring in square degrees, positive when the ring is
// counter-clockwise. Coordinates are taken relative to the first position, which keeps the sum
// accurate far from the origin.
func signedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	o := r[0]
	var s float64
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
	}
	return s / 2
}
