package geo

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// repairBudget caps the work of one Repair call, in positions searched for crossings: 32 per
// position of the input plus this constant, so a hostile geometry cannot make it
// run for long: past it Repair gives up with an error.
const repairBudget = 1 << 20

// Repair returns a valid version of a Polygon or MultiPolygon in lon/lat degrees and a list of
// what it changed, one sentence per repair, e.g. "polygon 9 ring 0: crosses the antimeridian:
// split at 180° into 2 rings". A geometry that is already valid is returned as it is with no
// repairs; so is one that crosses no antimeridian (see CrossesAntimeridian). The result is a Polygon when one polygon remains, else a MultiPolygon, and always
// passes Validate; when it cannot be made valid (NaN or out-of-range coordinates, rings that
// overlap along a segment, too many crossings) the error says why and
// the input is not modified.
//
// The repairs, in order, for each ring:
//   - an unclosed ring is closed; repeated consecutive positions and zero-width spikes
//     (a → b → a) are removed;
//   - a ring with a segment spanning more than 180° of longitude is taken to cross the
//     antimeridian, as Natural Earth draws Fiji, Chukotka and Antarctica: its
//     longitudes are unwrapped to be continuous and the ring is cut along ±180° into a ring on
//     each side (the part east of 180° is shifted by −360°); a ring that goes around a pole
//     (Antarctica) is first closed along the pole's latitude;
//   - a ring crossing itself (a bow-tie, a loop) is cut at each crossing into simple rings
//     (the crossing point is a vertex of both); pieces of zero area are dropped;
//   - the pieces are assembled by the non-zero winding rule: a piece winding against its
//     exterior that lies inside another piece becomes a hole of it, any other piece becomes an
//     exterior of its own (counter-clockwise); pieces of holes stay holes of the exterior that
//     contains them and are dropped if none does; a hole still crossing its exterior is dropped.
func Repair(g orb.Geometry) (orb.Geometry, []string, error) {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		if g == nil {
			return nil, nil, errors.New("geometry is empty (null)")
		}
		return nil, nil, fmt.Errorf("type %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
	if Validate(g) == nil && !CrossesAntimeridian(g) {
		return g, nil, nil
	}
	budget := repairBudget
	for _, p := range polys {
		for _, r := range p {
			budget += 32 * len(r)
		}
	}
	var out orb.MultiPolygon
	var repairs []string
	for pi, p := range polys {
		label := fmt.Sprintf("polygon %d ", pi)
		if len(polys) == 1 {
			label = ""
		}
		if len(p) > 0 && validatePolygon(p, -1, 0) == nil && !CrossesAntimeridian(p) {
			out = append(out, p)
			continue
		}
		fixed, notes, err := repairPolygon(p, &budget)
		if err != nil {
			if label == "" {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("polygon %d: %w", pi, err)
		}
		for _, n := range notes {
			repairs = append(repairs, label+n)
		}
		out = append(out, fixed...)
	}
	if len(out) == 0 {
		return nil, nil, errors.New("nothing is left after the repair: every ring has zero area")
	}
	var res orb.Geometry = out
	if len(out) == 1 {
		res = out[0]
	}
	if err := Validate(res); err != nil {
		return nil, nil, fmt.Errorf("still invalid after the repair: %w", err)
	}
	return res, repairs, nil
}

// CrossesAntimeridian reports whether a ring of a Polygon or MultiPolygon has a segment
// spanning more than 180° of longitude (other than along a pole): drawn in lon/lat, such a ring runs the long way round
// the world (a band across the map) where it meant to cross the ±180° meridian. Validate
// accepts such rings when they do not cross themselves; Repair cuts them at the antimeridian.
func CrossesAntimeridian(g orb.Geometry) bool {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				if longJump(r[i], r[i+1]) {
					return true
				}
			}
		}
	}
	return false
}

// longJump reports whether segment a→b spans more than 180° of longitude, other than along a
// pole (both ends at latitude 90° or both at −90°, as a polar cap's closing edge runs).
func longJump(a, b orb.Point) bool {
	return math.Abs(b[0]-a[0]) > 180 && !(a[1] == b[1] && math.Abs(a[1]) == 90)
}

// repairPolygon repairs one polygon into valid polygons and notes what it did, each note
// starting with the ring ("ring 0: …").
func repairPolygon(p orb.Polygon, budget *int) ([]orb.Polygon, []string, error) {
	if len(p) == 0 {
		return nil, []string{"dropped: it has no rings"}, nil
	}
	var notes []string
	var exteriors, holes []orb.Ring
	for k, r := range p {
		for i, pt := range r {
			if reason := coordinateProblem(pt); reason != "" {
				return nil, nil, fmt.Errorf("ring %d point %d: %s (not repairable)", k, i, reason)
			}
		}
		label := fmt.Sprintf("ring %d:", k)
		closed := len(r) > 0 && r[0] != r[len(r)-1]
		if closed {
			r = append(append(orb.Ring{}, r...), r[0])
			notes = append(notes, label+" closed it")
		}
		// Cut at the antimeridian first: in raw lon/lat a ring's step across it looks like a
		// spike or a crossing that it is not.
		parts, split, err := splitAntimeridian(r)
		if err != nil {
			return nil, nil, fmt.Errorf("ring %d: %w", k, err)
		}
		if split {
			notes = append(notes, fmt.Sprintf("%s crosses the antimeridian: split at 180° into %d ring%s", label, len(parts), plural(len(parts))))
		}
		var pieces []orb.Ring
		crossings, dups, spikes := 0, 0, 0
		for _, part := range parts {
			c, d, sp, _ := tidyRing(part)
			if !split { // the cut leaves repeated positions of its own
				dups, spikes = dups+d, spikes+sp
			}
			if len(c) < 4 {
				continue
			}
			ps, n, err := splitCrossings(c, budget)
			if err != nil {
				return nil, nil, fmt.Errorf("ring %d: %w", k, err)
			}
			pieces = append(pieces, ps...)
			crossings += n
		}
		if dups > 0 {
			notes = append(notes, fmt.Sprintf("%s removed %d repeated position%s", label, dups, plural(dups)))
		}
		if spikes > 0 {
			notes = append(notes, fmt.Sprintf("%s removed %d zero-width spike%s", label, spikes, plural(spikes)))
		}
		if len(pieces) == 0 {
			notes = append(notes, label+" dropped: zero area")
			continue
		}
		if crossings > 0 {
			notes = append(notes, fmt.Sprintf("%s crossed itself %d time%s: cut at the crossings into %d ring%s", label, crossings, plural(crossings), len(pieces), plural(len(pieces))))
		}
		if k == 0 {
			exteriors = append(exteriors, pieces...)
		} else {
			holes = append(holes, pieces...)
		}
	}
	// Assemble by the non-zero winding rule.
	var shells []orb.Polygon
	var inner []orb.Ring
	for _, r := range exteriors {
		if signedArea(r) > 0 {
			shells = append(shells, orb.Polygon{r})
		} else {
			inner = append(inner, r)
		}
	}
	for _, r := range inner {
		if s := containing(shells, r); s >= 0 {
			shells[s] = append(shells[s], r)
			continue
		}
		r.Reverse()
		shells = append(shells, orb.Polygon{r})
	}
	if len(shells) == 0 {
		return nil, append(notes, "dropped: its exterior has zero area"), nil
	}
	dropped := 0
	for _, h := range holes {
		if signedArea(h) > 0 {
			h.Reverse()
		}
		if s := containing(shells, h); s >= 0 {
			shells[s] = append(shells[s], h)
		} else {
			dropped++
		}
	}
	// Holes that still cross their exterior or another hole are dropped.
	for s := range shells {
		for n := 0; n < len(shells[s]); n++ {
			c, ok := polygonCrossing(shells[s])
			if !ok {
				break
			}
			k := c.ringJ
			if k == 0 {
				k = c.ringI
			}
			if k == 0 {
				return nil, nil, fmt.Errorf("ring 0: still crosses itself after the repair (segment %d and %d)", c.i, c.j)
			}
			shells[s] = append(shells[s][:k], shells[s][k+1:]...)
			dropped++
		}
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("dropped %d hole%s outside or crossing the exterior", dropped, plural(dropped)))
	}
	if len(shells) > 1 {
		notes = append(notes, fmt.Sprintf("became %d polygons", len(shells)))
	}
	return shells, notes, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// tidyRing returns a closed copy of r without repeated consecutive positions and zero-width
// spikes, with the number of each removed and whether it had to be closed.
func tidyRing(r orb.Ring) (out orb.Ring, dups, spikes int, closed bool) {
	pts := make([]orb.Point, 0, len(r)+1)
	pts = append(pts, r...)
	if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
		pts = append(pts, pts[0])
		closed = true
	}
	if len(pts) == 0 {
		return orb.Ring{}, 0, 0, closed
	}
	// Work on the open ring (without the closing position) so spikes at the start are found.
	open := pts[:len(pts)-1]
	s := make([]orb.Point, 0, len(open))
	for _, p := range open {
		if len(s) > 0 && s[len(s)-1] == p {
			dups++
			continue
		}
		s = append(s, p)
	}
	for len(s) > 1 && s[0] == s[len(s)-1] {
		s = s[:len(s)-1]
		dups++
	}
	// Remove spikes: a vertex whose neighbours lie back along the segment it came by.
	for changed := true; changed && len(s) >= 3; {
		changed = false
		for i := 0; i < len(s) && len(s) >= 3; i++ {
			a, b, c := s[(i+len(s)-1)%len(s)], s[i], s[(i+1)%len(s)]
			if isSpike(a, b, c) {
				s = append(s[:i], s[i+1:]...)
				spikes++
				changed = true
				// Removing b may leave a == c side by side.
				if len(s) >= 2 {
					j := i % len(s)
					prev := (j + len(s) - 1) % len(s)
					if s[prev] == s[j] {
						s = append(s[:j], s[j+1:]...)
						dups++
					}
				}
				// Look again at the vertex before, which may have become a spike.
				i -= 2
				if i < -1 {
					i = -1
				}
				if len(s) < 3 {
					break
				}
			}
		}
	}
	out = make(orb.Ring, 0, len(s)+1)
	out = append(out, s...)
	if len(out) > 0 {
		out = append(out, out[0])
	}
	return out, dups, spikes, closed
}

// splitAntimeridian returns r itself when no segment spans more than 180° of longitude;
// otherwise (split is true) it unwraps the longitudes and cuts the ring
// along the antimeridian into counter-clockwise rings within [-180, 180]. A ring whose
// unwrapped longitudes do not come back to the start goes around a pole: it is closed along the
// latitude of the pole nearer to it (±90°) before it is cut.
func splitAntimeridian(r orb.Ring) (rings []orb.Ring, split bool, err error) {
	jump := false
	for i := 0; i+1 < len(r); i++ {
		if longJump(r[i], r[i+1]) {
			jump = true
			break
		}
	}
	if !jump {
		return []orb.Ring{r}, false, nil
	}
	u := make(orb.Ring, len(r))
	u[0] = r[0]
	for i := 1; i < len(r); i++ {
		d := r[i][0] - r[i-1][0]
		if d > 180 {
			d -= 360
		} else if d < -180 {
			d += 360
		}
		u[i] = orb.Point{u[i-1][0] + d, r[i][1]}
	}
	if net := u[len(u)-1][0] - u[0][0]; math.Abs(net) > 1e-9 {
		// The ring goes around a pole, as Antarctica's does: close it along the pole's
		// latitude (the pole nearer to the ring) so that it bounds the polar cap.
		pole := -90.0
		var sum float64
		for _, p := range u {
			sum += p[1]
		}
		if sum > 0 {
			pole = 90
		}
		end := u[len(u)-1]
		u = append(u, orb.Point{end[0], pole}, orb.Point{u[0][0], pole}, u[0])
	} else {
		u[len(u)-1] = u[0]
	}
	if signedArea(u) < 0 {
		u.Reverse()
	}
	// Cut the unwrapped ring into the bands [-180, 180] + 360k and shift each back by -360k.
	var out []orb.Ring
	for k := -2; k <= 2; k++ {
		lo, hi := -180+360*float64(k), 180+360*float64(k)
		for _, a := range clipX(u, lo, false, 0) {
			out = append(out, clipX(a, hi, true, -360*float64(k))...)
		}
	}
	return out, true, nil
}

// clipX clips a counter-clockwise ring to the half-plane x ≤ c (left) or x ≥ c, and shifts the
// result by dx degrees of longitude. The parts inside are joined along the line x = c, so a
// concave ring gives several rings (a line clip in the manner of Weiler & Atherton 1977).
func clipX(r orb.Ring, c float64, left bool, dx float64) []orb.Ring {
	in := func(p orb.Point) bool {
		if left {
			return p[0] <= c
		}
		return p[0] >= c
	}
	type lp struct {
		p  orb.Point
		in bool
	}
	var pts []lp
	n := len(r) - 1
	for i := 0; i < n; i++ {
		a, b := r[i], r[i+1]
		pts = append(pts, lp{a, in(a)})
		if (a[0] < c && b[0] > c) || (a[0] > c && b[0] < c) {
			t := (c - a[0]) / (b[0] - a[0])
			pts = append(pts, lp{orb.Point{c, a[1] + t*(b[1]-a[1])}, true})
		}
	}
	start := -1
	anyIn := false
	for i, q := range pts {
		if !q.in && start < 0 {
			start = i
		}
		anyIn = anyIn || q.in
	}
	shift := func(ring orb.Ring) orb.Ring {
		out := make(orb.Ring, len(ring))
		for i, p := range ring {
			out[i] = orb.Point{p[0] + dx, p[1]}
			if math.Abs(out[i][0]) > 180 && math.Abs(out[i][0])-180 < 1e-9 {
				out[i][0] = math.Copysign(180, out[i][0])
			}
		}
		return out
	}
	if start < 0 {
		return []orb.Ring{shift(r)}
	}
	if !anyIn {
		return nil
	}
	// Chains: maximal runs of inside positions, each starting and ending on the line.
	var chains [][]orb.Point
	var cur []orb.Point
	for k := 1; k <= len(pts); k++ {
		q := pts[(start+k)%len(pts)]
		if q.in {
			cur = append(cur, q.p)
			continue
		}
		if len(cur) >= 2 {
			chains = append(chains, cur)
		}
		cur = nil
	}
	if len(chains) == 0 {
		return nil
	}
	// Along the line, the clipped boundary runs north on the left side, south on the right.
	order := make([]int, len(chains))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return chains[order[a]][0][1] < chains[order[b]][0][1] })
	next := func(ci int) int {
		y := chains[ci][len(chains[ci])-1][1]
		best := -1
		if left {
			for _, o := range order {
				if chains[o][0][1] >= y {
					best = o
					break
				}
			}
		} else {
			for k := len(order) - 1; k >= 0; k-- {
				if chains[order[k]][0][1] <= y {
					best = order[k]
					break
				}
			}
		}
		return best
	}
	used := make([]bool, len(chains))
	var out []orb.Ring
	for s := range chains {
		if used[s] {
			continue
		}
		var ring orb.Ring
		for ci := s; ci >= 0 && !used[ci]; ci = next(ci) {
			used[ci] = true
			ring = append(ring, chains[ci]...)
		}
		if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
		c, _, _, _ := tidyRing(ring)
		if len(c) >= 4 && signedArea(c) != 0 {
			out = append(out, shift(c))
		}
	}
	return out
}

// splitCrossings cuts a closed ring at its self-crossings into rings that do not cross
// themselves, dropping pieces of zero area, and counts the cuts. Each cut spends one unit of
// budget per position of the ring searched; when it runs out, or two segments overlap along a
// line, it is an error.
func splitCrossings(r orb.Ring, budget *int) ([]orb.Ring, int, error) {
	stack := []orb.Ring{r}
	var out []orb.Ring
	cuts := 0
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, ok := polygonCrossing(orb.Polygon{cur})
		if !ok {
			if signedArea(cur) != 0 {
				out = append(out, cur)
			}
			continue
		}
		if *budget <= 0 {
			return nil, 0, errors.New("too many self-crossings to repair")
		}
		*budget -= len(cur)
		i, j := c.i, c.j
		x, ok := crossing(cur[i], cur[i+1], cur[j], cur[j+1])
		if !ok {
			return nil, 0, fmt.Errorf("segments %d and %d overlap along a line: not repairable", i, j)
		}
		cuts++
		a := make(orb.Ring, 0, len(cur)-(j-i)+2)
		a = append(a, cur[:i+1]...)
		a = append(a, x)
		a = append(a, cur[j+1:]...)
		b := make(orb.Ring, 0, j-i+2)
		b = append(b, x)
		b = append(b, cur[i+1:j+1]...)
		b = append(b, x)
		for _, piece := range []orb.Ring{a, b} {
			if p, _, _, _ := tidyRing(piece); len(p) >= 4 {
				stack = append(stack, p)
			}
		}
	}
	return out, cuts, nil
}

// containing returns the index of the first polygon whose exterior contains ring r (judged by
// r's first position that is not a position of that exterior), or -1.
func containing(shells []orb.Polygon, r orb.Ring) int {
	for s, p := range shells {
		ext := p[0]
		verts := make(map[orb.Point]bool, len(ext))
		for _, q := range ext {
			verts[q] = true
		}
		for _, q := range r {
			if verts[q] {
				continue
			}
			if planar.RingContains(ext, q) {
				return s
			}
			break
		}
	}
	return -1
}
