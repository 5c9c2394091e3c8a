package align

import (
	"math"
	"slices"
)

// HaversineDistance is the great-circle distance in meters between two
// points given as (lon, lat) in degrees, on a sphere of radius [EarthRadius].
func HaversineDistance(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	p1, p2 := lat1*rad, lat2*rad
	dp := p2 - p1
	dl := (lon2 - lon1) * rad
	s1, s2 := math.Sin(dp/2), math.Sin(dl/2)
	a := s1*s1 + math.Cos(p1)*math.Cos(p2)*s2*s2
	return 2 * EarthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

// maxMatrix is the largest n for which the solver keeps a full distance
// matrix (n² float64); above it distances are computed on demand.
const maxMatrix = 3500

// model is the solver's index-based view of a [Problem].
type model struct {
	in       *Problem
	n, k     int
	demand   []float64
	weight   []float64
	capacity []float64 // 0 = unlimited
	current  []int
	locked   []bool
	adj      [][]int
	edges    [][2]int // unique, i < j
	lo, hi   float64
	total    float64 // total demand
	moveCap  float64 // most demand that may move; +Inf if no limit
	cut      bool    // objective is cut edges
	contig   bool
	capac    bool // some capacity > 0
	mat      []float64
	kind     int // distance kind
	xs, ys   []float64
	coslat   []float64
	near     [][]int32 // per unit, other units by increasing distance (possibly truncated)
	measureModel
}

const (
	kindEuclid = iota
	kindFloor
	kindHaversine
	kindMatrix
)

func newModel(in *Problem, matrix bool) *model {
	n := len(in.Units)
	p := &model{in: in, n: n, k: in.K}
	p.demand = make([]float64, n)
	p.weight = make([]float64, n)
	p.capacity = make([]float64, n)
	p.current = make([]int, n)
	p.locked = make([]bool, n)
	p.xs = make([]float64, n)
	p.ys = make([]float64, n)
	for i, u := range in.Units {
		p.demand[i], p.weight[i], p.capacity[i] = u.Demand, u.Weight, u.Capacity
		p.current[i], p.locked[i] = u.Current, u.Locked
		p.xs[i], p.ys[i] = u.X, u.Y
		p.total += u.Demand
		if u.Capacity > 0 {
			p.capac = true
		}
	}
	p.lo, p.hi = in.Bounds()
	p.initMeasures(in)
	p.moveCap = math.Inf(1)
	if in.MaxMoved > 0 {
		p.moveCap = in.MaxMoved * p.total
	}
	p.cut = in.Objective == ObjectiveCutEdges
	p.contig = in.Contiguous
	p.adj = make([][]int, n)
	seen := map[[2]int]bool{}
	for _, e := range in.Edges {
		a, b := e[0], e[1]
		if a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		p.edges = append(p.edges, [2]int{a, b})
		p.adj[a] = append(p.adj[a], b)
		p.adj[b] = append(p.adj[b], a)
	}
	switch in.Distance {
	case FloorEuclidean:
		p.kind = kindFloor
	case Haversine:
		p.kind = kindHaversine
		p.coslat = make([]float64, n)
		for i := range n {
			p.coslat[i] = math.Cos(p.ys[i] * math.Pi / 180)
		}
	default:
		p.kind = kindEuclid
	}
	if in.Distances != nil {
		p.mat = make([]float64, n*n)
		for i, row := range in.Distances {
			copy(p.mat[i*n:], row)
		}
		p.kind = kindMatrix
	} else if matrix && n <= maxMatrix && !p.cut {
		mat := make([]float64, n*n)
		for i := range n {
			for j := i + 1; j < n; j++ {
				d := p.rawDist(i, j)
				mat[i*n+j], mat[j*n+i] = d, d
			}
		}
		p.mat = mat
	}
	return p
}

func (p *model) rawDist(i, j int) float64 {
	switch p.kind {
	case kindHaversine:
		const rad = math.Pi / 180
		s1 := math.Sin((p.ys[j] - p.ys[i]) * rad / 2)
		s2 := math.Sin((p.xs[j] - p.xs[i]) * rad / 2)
		a := s1*s1 + p.coslat[i]*p.coslat[j]*s2*s2
		return 2 * EarthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
	case kindFloor:
		return math.Floor(math.Hypot(p.xs[i]-p.xs[j], p.ys[i]-p.ys[j]))
	default:
		return math.Hypot(p.xs[i]-p.xs[j], p.ys[i]-p.ys[j])
	}
}

// d is the distance between units i and j.
func (p *model) d(i, j int) float64 {
	if p.mat != nil {
		return p.mat[i*p.n+j]
	}
	return p.rawDist(i, j)
}

// row returns the distances from unit i to every unit, if a matrix is kept.
func (p *model) row(i int) []float64 {
	if p.mat != nil {
		return p.mat[i*p.n : (i+1)*p.n]
	}
	r := make([]float64, p.n)
	for j := range r {
		r[j] = p.rawDist(i, j)
	}
	return r
}

// buildNear fills p.near with, for every unit, up to limit other units
// ordered by increasing distance (ties by index).
func (p *model) buildNear(limit int) {
	if p.near != nil {
		return
	}
	limit = min(limit, p.n)
	p.near = make([][]int32, p.n)
	idx := make([]int32, p.n)
	ds := make([]float64, p.n)
	for i := range p.n {
		for j := range p.n {
			idx[j] = int32(j)
			ds[j] = p.d(i, j)
		}
		slices.SortStableFunc(idx, func(x, y int32) int {
			if ds[x] < ds[y] {
				return -1
			} else if ds[x] > ds[y] {
				return 1
			}
			return 0
		})
		p.near[i] = append([]int32(nil), idx[:limit]...)
	}
}
