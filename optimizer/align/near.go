package align

import (
	"math"
	"slices"
)

// buildNearGrid fills p.near like [model.buildNear] — for every unit, up to
// limit units by increasing distance, ties by index — but finds them
// through a uniform grid over the coordinates instead of sorting every
// row, so that it costs O(n · limit · log limit) instead of O(n² log n):
// about 0.1 s instead of 1.3 s at n = 3,038, and seconds instead of
// minutes at n = 33,000. Haversine coordinates are projected
// equirectangularly on the mean latitude to pick the candidates, which are
// then ordered by the true distance. Explicit distance matrices have no
// coordinates: they fall back to buildNear. It looks at the clock every
// 256 units; units not reached by the deadline get a list of themselves
// only (callers treat short lists as "no near information").
func buildNearGrid(p *model, limit int, r *runner) {
	if p.near != nil {
		return
	}
	n := p.n
	limit = min(limit, n)
	if p.kind == kindMatrix || n <= 1 {
		p.buildNear(limit)
		return
	}
	xs, ys := p.xs, p.ys
	if p.kind == kindHaversine {
		mean := 0.0
		for _, y := range p.ys {
			mean += y
		}
		c := math.Cos(mean / float64(n) * math.Pi / 180)
		xs = make([]float64, n)
		for i, x := range p.xs {
			xs[i] = x * c
		}
	}
	x0, x1 := slices.Min(xs), slices.Max(xs)
	y0, y1 := slices.Min(ys), slices.Max(ys)
	w, h := math.Max(x1-x0, 1e-12), math.Max(y1-y0, 1e-12)
	// about two units per cell
	cell := math.Sqrt(w * h * 2 / float64(n))
	if cell <= 0 || math.IsNaN(cell) {
		cell = math.Max(w, h)
	}
	nx, ny := min(int(w/cell)+1, 4096), min(int(h/cell)+1, 4096)
	cx := func(x float64) int { return min(nx-1, max(0, int((x-x0)/w*float64(nx)))) }
	cy := func(y float64) int { return min(ny-1, max(0, int((y-y0)/h*float64(ny)))) }
	sx, sy := w/float64(nx), h/float64(ny)
	step := math.Min(sx, sy)
	// cells as a CSR list of unit indices, increasing within a cell
	start := make([]int, nx*ny+1)
	for i := range n {
		start[cy(ys[i])*nx+cx(xs[i])+1]++
	}
	for c := range nx * ny {
		start[c+1] += start[c]
	}
	fill := slices.Clone(start[:nx*ny])
	idx := make([]int32, n)
	for i := range n {
		c := cy(ys[i])*nx + cx(xs[i])
		idx[fill[c]] = int32(i)
		fill[c]++
	}
	p.near = make([][]int32, n)
	type cand struct {
		j  int32
		pd float64 // planar distance, for the stopping rule
		d  float64 // true distance
	}
	var cs []cand
	for i := range n {
		if i&255 == 0 && r.expired() {
			for ; i < n; i++ {
				p.near[i] = []int32{int32(i)}
			}
			return
		}
		gx, gy := cx(xs[i]), cy(ys[i])
		cs = cs[:0]
		for ring := 0; ; ring++ {
			for yy := gy - ring; yy <= gy+ring; yy++ {
				if yy < 0 || yy >= ny {
					continue
				}
				for xx := gx - ring; xx <= gx+ring; xx++ {
					if xx < 0 || xx >= nx || (yy != gy-ring && yy != gy+ring && xx != gx-ring && xx != gx+ring) {
						continue
					}
					c := yy*nx + xx
					for _, j := range idx[start[c]:start[c+1]] {
						cs = append(cs, cand{j: j, pd: math.Hypot(xs[i]-xs[j], ys[i]-ys[j])})
					}
				}
			}
			covered := gx-ring <= 0 && gy-ring <= 0 && gx+ring >= nx-1 && gy+ring >= ny-1
			if covered {
				break
			}
			// every unit outside rings 0..ring lies at least ring·step away
			if len(cs) >= limit {
				slices.SortFunc(cs, func(a, b cand) int {
					if a.pd < b.pd {
						return -1
					} else if a.pd > b.pd {
						return 1
					}
					return int(a.j - b.j)
				})
				if cs[limit-1].pd <= float64(ring)*step {
					break
				}
			}
		}
		for k := range cs {
			cs[k].d = p.d(i, int(cs[k].j))
		}
		slices.SortFunc(cs, func(a, b cand) int {
			if a.d < b.d {
				return -1
			} else if a.d > b.d {
				return 1
			}
			return int(a.j - b.j)
		})
		row := make([]int32, min(limit, len(cs)))
		for k := range row {
			row[k] = cs[k].j
		}
		p.near[i] = row
	}
}
