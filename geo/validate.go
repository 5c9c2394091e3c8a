package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// ValidationError is a problem found by Validate, located by polygon, ring and point.
type ValidationError struct {
	// Geometry is the index of the member of a Collection holding the problem; -1 when the
	// validated geometry is not a Collection.
	Geometry int
	// Polygon is the index of the polygon in a MultiPolygon; 0 for a Polygon; -1 for
	// non-polygonal geometries.
	Polygon int
	// Ring is the ring index in the polygon (0 is the exterior); -1 when not about one ring.
	Ring int
	// Point is the position index in the ring or line; -1 when not about one position.
	Point int
	// Reason says what is wrong, e.g. "ring is not closed".
	Reason string
}

// Error renders the location and reason, e.g. "polygon 2 ring 0 point 5: NaN coordinate".
func (e *ValidationError) Error() string {
	s := ""
	add := func(name string, v int) {
		if v < 0 {
			return
		}
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("%s %d", name, v)
	}
	add("geometry", e.Geometry)
	add("polygon", e.Polygon)
	add("ring", e.Ring)
	add("point", e.Point)
	if s == "" {
		return e.Reason
	}
	return s + ": " + e.Reason
}

// Validate reports the first problem of a geometry, or nil if it has none. For polygons
// (Polygon, MultiPolygon, Ring) it checks, in order: each ring is closed, has at least 4
// positions, has finite coordinates within lon [-180, 180] and lat [-90, 90] degrees, has
// non-zero area, winds per RFC 7946 (exterior counter-clockwise, holes clockwise), and does not
// cross itself (a proper crossing or a collinear overlap of two of its segments; a ring that
// merely touches itself at a point is accepted). Points and lines are checked for finite,
// in-range coordinates; a Collection is checked member by member. A nil geometry is an error.
// The error is a *ValidationError.
//
// The self-intersection test is a sweep over segments sorted by their west edge (Shamos &
// Hoey 1976, simplified to an interval sweep), O(n log n + k) for n segments and k pairs whose
// x-extents overlap. When k exceeds a budget of 64·n + 2^20 pair tests it sweeps along y
// instead, and if that exceeds the budget too, the self-intersection test is skipped: hostile
// rings cannot make Validate quadratic.
func Validate(g orb.Geometry) error {
	return validate(g, -1)
}

func validate(g orb.Geometry, member int) error {
	switch g := g.(type) {
	case nil:
		return &ValidationError{Geometry: member, Polygon: -1, Ring: -1, Point: -1, Reason: "geometry is empty (null)"}
	case orb.Polygon:
		return validatePolygon(g, member, 0)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return &ValidationError{Geometry: member, Polygon: -1, Ring: -1, Point: -1, Reason: "multipolygon has no polygons"}
		}
		for i, p := range g {
			if err := validatePolygon(p, member, i); err != nil {
				return err
			}
		}
		return nil
	case orb.Ring:
		return validateRing(g, false, member, 0, 0)
	case orb.Point:
		return validatePoints([]orb.Point{g}, member)
	case orb.MultiPoint:
		return validatePoints(g, member)
	case orb.LineString:
		return validatePoints(g, member)
	case orb.MultiLineString:
		for _, ls := range g {
			if err := validatePoints(ls, member); err != nil {
				return err
			}
		}
		return nil
	case orb.Collection:
		if member >= 0 {
			return &ValidationError{Geometry: member, Polygon: -1, Ring: -1, Point: -1, Reason: "nested geometry collection"}
		}
		for i, c := range g {
			if err := validate(c, i); err != nil {
				return err
			}
		}
		return nil
	case orb.Bound:
		return validatePoints([]orb.Point{g.Min, g.Max}, member)
	default:
		return &ValidationError{Geometry: member, Polygon: -1, Ring: -1, Point: -1, Reason: fmt.Sprintf("unsupported geometry type %T", g)}
	}
}

func validatePoints(pts []orb.Point, member int) error {
	for i, p := range pts {
		if reason := coordinateProblem(p); reason != "" {
			return &ValidationError{Geometry: member, Polygon: -1, Ring: -1, Point: i, Reason: reason}
		}
	}
	return nil
}

// coordinateProblem says what is wrong with one lon/lat position, or "".
func coordinateProblem(p orb.Point) string {
	switch {
	case math.IsNaN(p[0]) || math.IsNaN(p[1]):
		return "NaN coordinate"
	case math.IsInf(p[0], 0) || math.IsInf(p[1], 0):
		return "infinite coordinate"
	case p[0] < -180 || p[0] > 180:
		return fmt.Sprintf("longitude %g outside [-180, 180] degrees", p[0])
	case p[1] < -90 || p[1] > 90:
		return fmt.Sprintf("latitude %g outside [-90, 90] degrees", p[1])
	}
	return ""
}

func validatePolygon(p orb.Polygon, member, poly int) error {
	if len(p) == 0 {
		return &ValidationError{Geometry: member, Polygon: poly, Ring: -1, Point: -1, Reason: "polygon has no rings"}
	}
	for k, r := range p {
		if err := validateRing(r, k > 0, member, poly, k); err != nil {
			return err
		}
	}
	if c, ok := polygonCrossing(p); ok {
		reason := fmt.Sprintf("self-intersection: segment %d crosses segment %d", c.i, c.j)
		if c.ringI != c.ringJ {
			reason = fmt.Sprintf("rings cross: segment %d crosses ring %d segment %d", c.i, c.ringJ, c.j)
		}
		return &ValidationError{Geometry: member, Polygon: poly, Ring: c.ringI, Point: c.i, Reason: reason}
	}
	return nil
}

func validateRing(r orb.Ring, hole bool, member, poly, ring int) error {
	fail := func(point int, reason string) error {
		return &ValidationError{Geometry: member, Polygon: poly, Ring: ring, Point: point, Reason: reason}
	}
	for i, p := range r {
		if reason := coordinateProblem(p); reason != "" {
			return fail(i, reason)
		}
	}
	if len(r) < 4 {
		return fail(-1, fmt.Sprintf("ring has %d positions, want at least 4", len(r)))
	}
	if r[0] != r[len(r)-1] {
		return fail(len(r)-1, "ring is not closed (last position differs from the first)")
	}
	a := signedArea(r)
	switch {
	case a == 0:
		return fail(-1, "ring has zero area")
	case !hole && a < 0:
		return fail(-1, "exterior ring is clockwise, want counter-clockwise (RFC 7946)")
	case hole && a > 0:
		return fail(-1, "hole is counter-clockwise, want clockwise (RFC 7946)")
	}
	return nil
}

// ringCrossing locates two crossing segments of a polygon: segment i of ring ringI and segment
// j of ring ringJ (segment i runs from ring[i] to ring[i+1]).
type ringCrossing struct{ ringI, i, ringJ, j int }

// polygonCrossing finds two segments of a polygon's closed rings that cross properly or overlap
// collinearly, other than consecutive segments of one ring: a ring crossing itself or a hole
// crossing the exterior or another hole. Segments are swept in order of their west end, keeping
// those whose x-extent is still open.
func polygonCrossing(p orb.Polygon) (ringCrossing, bool) {
	type seg struct {
		ring, i, n int // ring index, segment index, segments in the ring
		a, b       orb.Point
		lo, hi     float64 // extent along the sweep axis
	}
	var segs []seg
	for k, r := range p {
		n := len(r) - 1
		for i := 0; i < n; i++ {
			if r[i] != r[i+1] {
				segs = append(segs, seg{ring: k, i: i, n: n, a: r[i], b: r[i+1]})
			}
		}
	}
	// Sweep along x; if the segments overlap so much in x that the work exceeds the budget
	// (e.g. a ring zigzagging left and right), sweep along y instead; if that is no better, give
	// up rather than spend quadratic time on a hostile input.
	budget := 64*len(segs) + 1<<20
	for axis := 0; axis < 2; axis++ {
		for k := range segs {
			s := &segs[k]
			s.lo, s.hi = math.Min(s.a[axis], s.b[axis]), math.Max(s.a[axis], s.b[axis])
		}
		sort.Slice(segs, func(x, y int) bool { return segs[x].lo < segs[y].lo })
		active := make([]int, 0, 16)
		work := 0
		exhausted := false
		for si := range segs {
			s := &segs[si]
			kept := active[:0]
			for _, t := range active {
				if segs[t].hi >= s.lo {
					kept = append(kept, t)
				}
			}
			active = kept
			work += len(active)
			if work > budget {
				exhausted = true
				break
			}
			for _, ti := range active {
				t := &segs[ti]
				if t.ring == s.ring && adjacentSegments(s.i, t.i, s.n) {
					continue
				}
				if segmentsCross(s.a, s.b, t.a, t.b) {
					first, second := s, t
					if t.ring < s.ring || (t.ring == s.ring && t.i < s.i) {
						first, second = t, s
					}
					return ringCrossing{first.ring, first.i, second.ring, second.i}, true
				}
			}
			active = append(active, si)
		}
		if !exhausted {
			return ringCrossing{}, false
		}
	}
	return ringCrossing{}, false
}

func adjacentSegments(i, j, n int) bool {
	d := i - j
	if d < 0 {
		d = -d
	}
	return d <= 1 || d == n-1
}

// orient2d is twice the signed area of triangle a, b, c: positive when c is left of a→b.
func orient2d(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// segmentsCross reports whether segments ab and cd cross properly (each one's interior meets
// the other's) or overlap collinearly over a positive length. Touching at an endpoint or a
// vertex on the other's interior is not reported.
func segmentsCross(a, b, c, d orb.Point) bool {
	if math.Max(a[1], b[1]) < math.Min(c[1], d[1]) || math.Max(c[1], d[1]) < math.Min(a[1], b[1]) {
		return false
	}
	o1, o2 := orient2d(a, b, c), orient2d(a, b, d)
	o3, o4 := orient2d(c, d, a), orient2d(c, d, b)
	if o1 == 0 && o2 == 0 {
		// Collinear: overlap of positive length along the dominant axis.
		ax := 0
		if math.Abs(b[0]-a[0]) < math.Abs(b[1]-a[1]) {
			ax = 1
		}
		lo := math.Max(math.Min(a[ax], b[ax]), math.Min(c[ax], d[ax]))
		hi := math.Min(math.Max(a[ax], b[ax]), math.Max(c[ax], d[ax]))
		return hi > lo
	}
	return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))
}
