package align

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadORLib reads an OR-Library uncapacitated p-median file (Beasley 1985,
// `pmed1`..`pmed40`): a line `n m p`, then m lines `i j cost` with 1-based
// vertices. As OR-Library defines the instance, edges are read in order and
// a later duplicate edge overwrites an earlier one (even if larger); the
// distance matrix is then the all-pairs shortest paths (Floyd–Warshall).
// Every vertex is a client with demand 1 and a candidate median; the result
// has K = p, the objective distance and a full Distances matrix.
func ReadORLib(r io.Reader) (*Problem, error) {
	nums, err := readInts(r)
	if err != nil {
		return nil, fmt.Errorf("align: orlib: %w", err)
	}
	if len(nums) < 3 {
		return nil, fmt.Errorf("align: orlib: missing header `n m p`")
	}
	n, m, p := nums[0], nums[1], nums[2]
	if n < 1 || m < 0 || p < 1 || p > n {
		return nil, fmt.Errorf("align: orlib: header n=%d m=%d p=%d is not valid", n, m, p)
	}
	if len(nums) < 3+3*m {
		return nil, fmt.Errorf("align: orlib: header announces %d edges, file has %d", m, (len(nums)-3)/3)
	}
	inf := math.Inf(1)
	d := make([]float64, n*n)
	for i := range d {
		d[i] = inf
	}
	for i := range n {
		d[i*n+i] = 0
	}
	for e := range m {
		a, b, c := nums[3+3*e]-1, nums[4+3*e]-1, nums[5+3*e]
		if a < 0 || a >= n || b < 0 || b >= n {
			return nil, fmt.Errorf("align: orlib: edge %d joins vertex %d and %d, outside 1..%d", e+1, a+1, b+1, n)
		}
		if c < 0 {
			return nil, fmt.Errorf("align: orlib: edge %d has negative cost %d", e+1, c)
		}
		if a == b {
			continue
		}
		d[a*n+b], d[b*n+a] = float64(c), float64(c) // last duplicate wins
	}
	floydWarshall(d, n)
	in := &Problem{K: p, Objective: ObjectiveDistance, Distance: Euclidean}
	in.Units = make([]Unit, n)
	in.Distances = make([][]float64, n)
	for i := range n {
		in.Units[i] = Unit{ID: strconv.Itoa(i + 1), Demand: 1, Weight: 1, Current: -1}
		in.Distances[i] = d[i*n : (i+1)*n : (i+1)*n]
		for j := range n {
			if math.IsInf(d[i*n+j], 1) {
				return nil, fmt.Errorf("align: orlib: vertex %d cannot reach vertex %d", i+1, j+1)
			}
		}
	}
	return in, nil
}

// floydWarshall replaces d (n×n, row-major) by its shortest-path closure.
func floydWarshall(d []float64, n int) {
	for k := range n {
		rk := d[k*n : (k+1)*n]
		for i := range n {
			dik := d[i*n+k]
			if math.IsInf(dik, 1) {
				continue
			}
			ri := d[i*n : (i+1)*n]
			for j, v := range rk {
				if s := dik + v; s < ri[j] {
					ri[j] = s
				}
			}
		}
	}
}

func readInts(r io.Reader) ([]int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	sc.Split(bufio.ScanWords)
	var out []int
	for sc.Scan() {
		v, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		if err != nil {
			return nil, fmt.Errorf("token %d: %q is not an integer", len(out)+1, sc.Text())
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

func readFloats(r io.Reader) ([]float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	sc.Split(bufio.ScanWords)
	var out []float64
	for sc.Scan() {
		v, err := strconv.ParseFloat(sc.Text(), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("token %d: %q is not a finite number", len(out)+1, sc.Text())
		}
		out = append(out, v)
	}
	return out, sc.Err()
}
