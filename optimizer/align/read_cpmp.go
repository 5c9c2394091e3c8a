package align

import (
	"fmt"
	"io"
	"strconv"
)

// ReadCPMP reads a capacitated p-median file in the format of the
// Osman & Christofides (1994) and Lorena & Senne (2004) instances: a line
// `n p`, then n lines `x y capacity demand`. Every node is a client and a
// candidate median whose capacity applies if it is chosen. distance is the
// instance's convention: FloorEuclidean for Osman & Christofides (`cpmp*`),
// Euclidean for the Lorena & Senne and TSPLIB-based sets.
func ReadCPMP(r io.Reader, distance string) (*Problem, error) {
	v, err := readFloats(r)
	if err != nil {
		return nil, fmt.Errorf("align: cpmp: %w", err)
	}
	if len(v) < 2 {
		return nil, fmt.Errorf("align: cpmp: missing header `n p`")
	}
	n, p := int(v[0]), int(v[1])
	if float64(n) != v[0] || float64(p) != v[1] || n < 1 || p < 1 || p > n {
		return nil, fmt.Errorf("align: cpmp: header n=%v p=%v is not valid", v[0], v[1])
	}
	if len(v) < 2+4*n {
		return nil, fmt.Errorf("align: cpmp: header announces %d nodes, file has %d", n, (len(v)-2)/4)
	}
	in := &Problem{K: p, Distance: distance, Objective: ObjectiveDistance}
	in.Units = make([]Unit, n)
	for i := range n {
		x, y, c, d := v[2+4*i], v[3+4*i], v[4+4*i], v[5+4*i]
		if c < 0 || d < 0 {
			return nil, fmt.Errorf("align: cpmp: node %d has a negative capacity or demand", i+1)
		}
		in.Units[i] = Unit{ID: strconv.Itoa(i + 1), X: x, Y: y, Capacity: c, Demand: d, Weight: 1, Current: -1}
	}
	return in, in.Validate()
}
