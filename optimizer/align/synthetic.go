package align

import (
	"math/rand/v2"
	"strconv"
)

// Grid builds a synthetic planar instance for tests and benchmarks of the
// national scale: a w×h jittered grid of units in lon/lat degrees (0.5° by
// 0.4° cells from 120°W 30°N), Delaunay-like adjacency (the four grid
// neighbours and one random diagonal per cell), heavy-tailed demands (one
// unit in fifty is eight times larger, like a county with a city), k
// contiguous territories balanced within ±5 %, haversine distance objective.
// The same seed gives the same instance.
func Grid(w, h, k int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	in := &Problem{K: k, Distance: Haversine, Contiguous: true, Objective: ObjectiveDistance,
		Balance: Balance{Tolerance: 0.05}, Seed: int64(seed)}
	id := func(x, y int) int { return y*w + x }
	for y := range h {
		for x := range w {
			d := 1000 * (1 + rng.ExpFloat64())
			if rng.IntN(50) == 0 {
				d *= 8
			}
			in.Units = append(in.Units, Unit{
				ID: strconv.Itoa(id(x, y)),
				X:  -120 + 0.5*float64(x) + 0.2*rng.Float64(), Y: 30 + 0.4*float64(y) + 0.15*rng.Float64(),
				Demand: float64(int(d)), Weight: 1, Current: -1,
			})
			if x+1 < w {
				in.Edges = append(in.Edges, [2]int{id(x, y), id(x+1, y)})
			}
			if y+1 < h {
				in.Edges = append(in.Edges, [2]int{id(x, y), id(x, y+1)})
			}
			if x+1 < w && y+1 < h {
				if rng.IntN(2) == 0 {
					in.Edges = append(in.Edges, [2]int{id(x, y), id(x+1, y+1)})
				} else {
					in.Edges = append(in.Edges, [2]int{id(x+1, y), id(x, y+1)})
				}
			}
		}
	}
	return in
}
