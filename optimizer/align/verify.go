package align

import (
	"errors"
	"fmt"
	"math"
)

// Verify is an independent checker of an answer: it recomputes everything
// from the problem alone (its own distance formulas, its own breadth-first
// search, none of the solver's state) and returns whether the answer is
// feasible, and an error listing every disagreement with what the result
// reports (territory count, contiguity, balance, capacity, moved share,
// locks, objective, lower bound). The tests run it on every answer;
// `terrane solve align` and `terrane bench align` run it on theirs.
func Verify(in *Problem, res *Result) (bool, error) {
	var errs []error
	n, k := len(in.Units), in.K
	if len(res.Assignment) != n {
		return false, fmt.Errorf("assignment has %d entries, want %d", len(res.Assignment), n)
	}
	load := make([]float64, k)
	count := make([]int, k)
	total := 0.0
	for j, tr := range res.Assignment {
		if tr < 0 || tr >= k {
			return false, fmt.Errorf("unit %d in territory %d, want 0..%d", j, tr, k-1)
		}
		load[tr] += in.Units[j].Demand
		count[tr]++
		total += in.Units[j].Demand
	}
	feasible := true
	why := ""
	fail := func(s string) {
		if feasible {
			why = s
		}
		feasible = false
	}
	for tr := range k {
		if count[tr] == 0 {
			fail("empty territory")
		}
	}
	// contiguity by BFS over the edges as given
	adj := make([][]int, n)
	for _, e := range in.Edges {
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	pieces := make([]int, k)
	seen := make([]bool, n)
	for s := range n {
		if seen[s] {
			continue
		}
		tr := res.Assignment[s]
		pieces[tr]++
		seen[s] = true
		stack := []int{s}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range adj[u] {
				if !seen[v] && res.Assignment[v] == tr {
					seen[v] = true
					stack = append(stack, v)
				}
			}
		}
	}
	contiguous := true
	for tr := range k {
		if pieces[tr] > 1 {
			contiguous = false
		}
	}
	if contiguous != res.Slack.Contiguous {
		errs = append(errs, fmt.Errorf("slack says contiguous=%v, BFS says %v", res.Slack.Contiguous, contiguous))
	}
	if in.Contiguous && !contiguous {
		fail("not contiguous")
	}
	// balance: demand (Balance, or a "demand" entry of Balances), then
	// every other measure of Balances, each against its own band
	demandBand := in.Balance
	if demandBand == (Balance{}) {
		for _, b := range in.Balances {
			if b.Measure == DemandMeasure {
				demandBand = Balance{Min: b.Min, Max: b.Max, Tolerance: b.Tolerance}
			}
		}
	}
	lo, hi := 0.0, math.Inf(1)
	if tol := demandBand.Tolerance; tol > 0 {
		lo, hi = total/float64(k)*(1-tol), total/float64(k)*(1+tol)
	}
	if demandBand.Min > 0 {
		lo = demandBand.Min
	}
	if demandBand.Max > 0 {
		hi = demandBand.Max
	}
	eps := 1e-9 * math.Max(1, total)
	for tr := range k {
		if load[tr] < lo-eps || load[tr] > hi+eps {
			fail("balance")
		}
	}
	for _, b := range in.Balances {
		if b.Measure == DemandMeasure {
			continue
		}
		mload := make([]float64, k)
		mtotal := 0.0
		for j, tr := range res.Assignment {
			v := in.Units[j].Measures[b.Measure]
			mload[tr] += v
			mtotal += v
		}
		mlo, mhi := 0.0, math.Inf(1)
		if b.Tolerance > 0 {
			mlo, mhi = mtotal/float64(k)*(1-b.Tolerance), mtotal/float64(k)*(1+b.Tolerance)
		}
		if b.Min > 0 {
			mlo = b.Min
		}
		if b.Max > 0 {
			mhi = b.Max
		}
		meps := 1e-9 * math.Max(1, mtotal)
		for tr := range k {
			if mload[tr] < mlo-meps || mload[tr] > mhi+meps {
				fail("balance on " + b.Measure)
			}
		}
		for _, ms := range res.Slack.Balances {
			if ms.Measure != b.Measure || len(ms.Loads) != k {
				continue
			}
			for tr := range k {
				if math.Abs(ms.Loads[tr]-mload[tr]) > meps {
					errs = append(errs, fmt.Errorf("slack says territory %d holds %v of %s, recomputed %v", tr, ms.Loads[tr], b.Measure, mload[tr]))
					break
				}
			}
		}
	}
	// fixed centers: territory t holds its center, reported as its center
	for tr, c := range in.Centers {
		if c == -1 {
			continue // a free center
		}
		if c < 0 || c >= n || res.Assignment[c] != tr {
			fail("fixed center outside its territory")
		}
		if in.Objective != ObjectiveCutEdges && (len(res.Centers) != k || res.Centers[tr] != c) {
			fail("fixed center not the territory's center")
		}
	}
	// objective and capacity
	var obj float64
	if in.Objective == ObjectiveCutEdges {
		seenE := map[[2]int]bool{}
		for _, e := range in.Edges {
			a, b := min(e[0], e[1]), max(e[0], e[1])
			if a == b || seenE[[2]int{a, b}] {
				continue
			}
			seenE[[2]int{a, b}] = true
			if res.Assignment[a] != res.Assignment[b] {
				obj++
			}
		}
	} else {
		if len(res.Centers) != k {
			return false, fmt.Errorf("distance objective: %d centers, want %d", len(res.Centers), k)
		}
		for tr, c := range res.Centers {
			if c < 0 || c >= n {
				return false, fmt.Errorf("territory %d has center %d, want a unit 0..%d", tr, c, n-1)
			}
		}
		for j, tr := range res.Assignment {
			obj += in.Units[j].Weight * verifyDist(in, j, res.Centers[tr])
		}
		for tr, c := range res.Centers {
			if cp := in.Units[c].Capacity; cp > 0 && load[tr] > cp+eps {
				fail("capacity")
			}
		}
	}
	if math.Abs(obj-res.Objective) > 1e-6*math.Max(1, math.Abs(obj)) {
		errs = append(errs, fmt.Errorf("reported objective %v, recomputed %v", res.Objective, obj))
	}
	// moved share and locks
	moved := 0.0
	for j, u := range in.Units {
		if u.Current >= 0 && res.Assignment[j] != u.Current {
			moved += u.Demand
			if u.Locked {
				fail("locked unit moved")
			}
		}
	}
	if in.MaxMoved > 0 && moved > in.MaxMoved*total+eps {
		fail("moved share")
	}
	if total > 0 && math.Abs(moved/total-res.Slack.Moved) > 1e-9 {
		errs = append(errs, fmt.Errorf("slack moved %v, recomputed %v", res.Slack.Moved, moved/total))
	}
	if feasible != res.Feasible {
		errs = append(errs, fmt.Errorf("result says feasible=%v, checker says %v (%s)", res.Feasible, feasible, why))
	}
	if res.LowerBound != nil && *res.LowerBound > res.Objective+1e-6*math.Max(1, res.Objective) {
		errs = append(errs, fmt.Errorf("lower bound %v exceeds the objective %v", *res.LowerBound, res.Objective))
	}
	return feasible, errors.Join(errs...)
}

// verifyDist is the checker's own distance: the matrix if given, else the
// problem's formula (haversine by the atan2 form, not the solver's asin).
func verifyDist(in *Problem, i, j int) float64 {
	if in.Distances != nil {
		return in.Distances[i][j]
	}
	a, b := in.Units[i], in.Units[j]
	switch in.Distance {
	case Haversine:
		const rad = math.Pi / 180
		p1, p2 := a.Y*rad, b.Y*rad
		dl := (b.X - a.X) * rad
		h := math.Pow(math.Sin((p2-p1)/2), 2) + math.Cos(p1)*math.Cos(p2)*math.Pow(math.Sin(dl/2), 2)
		return 2 * 6371008.8 * math.Atan2(math.Sqrt(h), math.Sqrt(1-h))
	case FloorEuclidean:
		return math.Floor(math.Sqrt((a.X-b.X)*(a.X-b.X) + (a.Y-b.Y)*(a.Y-b.Y)))
	default:
		return math.Sqrt((a.X-b.X)*(a.X-b.X) + (a.Y-b.Y)*(a.Y-b.Y))
	}
}
