package align

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const benchDir = "../../../shared/benchmarks"

// solveChecked solves and runs the independent checker on the answer.
func solveChecked(t *testing.T, in *Problem, s *Settings) *Result {
	t.Helper()
	res, err := Solve(context.Background(), in, s)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	checkAnswer(t, in, res)
	return res
}

// brute enumerates every assignment of a tiny instance and returns the best
// feasible objective (centers: the best member of each territory whose
// capacity holds its load), or ok false when none is feasible.
func brute(in *Problem) (best float64, ok bool) {
	n, k := len(in.Units), in.K
	assign := make([]int, n)
	best = math.Inf(1)
	total := 0.0
	for _, u := range in.Units {
		total += u.Demand
	}
	lo, hi := in.Bounds()
	var rec func(j int)
	eval := func() {
		load := make([]float64, k)
		cnt := make([]int, k)
		moved := 0.0
		for j, t := range assign {
			load[t] += in.Units[j].Demand
			cnt[t]++
			u := in.Units[j]
			if u.Current >= 0 && u.Current != t {
				if u.Locked {
					return
				}
				moved += u.Demand
			}
		}
		if in.MaxMoved > 0 && moved > in.MaxMoved*total+1e-9 {
			return
		}
		for t := range k {
			if cnt[t] == 0 || load[t] < lo-1e-9 || load[t] > hi+1e-9 {
				return
			}
		}
		if in.Contiguous {
			r := &Result{Assignment: assign}
			comp := components(newModel(in, false), r.Assignment)
			for _, c := range comp {
				if c != 1 {
					return
				}
			}
		}
		obj := 0.0
		if in.Objective == ObjectiveCutEdges {
			for _, e := range in.Edges {
				if assign[e[0]] != assign[e[1]] {
					obj++
				}
			}
		} else {
			for t := range k {
				bt := math.Inf(1)
				for c := range n {
					if assign[c] != t || in.Units[c].Capacity > 0 && in.Units[c].Capacity < load[t]-1e-9 {
						continue
					}
					s := 0.0
					for j := range n {
						if assign[j] == t {
							s += in.Units[j].Weight * checkDist(in, j, c)
						}
					}
					bt = math.Min(bt, s)
				}
				obj += bt
			}
		}
		best = math.Min(best, obj)
	}
	rec = func(j int) {
		if j == n {
			eval()
			return
		}
		for t := range k {
			assign[j] = t
			rec(j + 1)
		}
	}
	rec(0)
	return best, !math.IsInf(best, 1)
}

// tinyGrid is a w×h grid instance with random demands and coordinates.
func tinyGrid(w, h, k int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 3))
	in := &Problem{K: k, Distance: Euclidean, Objective: ObjectiveDistance, Seed: int64(seed)}
	for y := range h {
		for x := range w {
			in.Units = append(in.Units, Unit{X: float64(x) + 0.3*rng.Float64(), Y: float64(y) + 0.3*rng.Float64(),
				Demand: float64(1 + rng.IntN(9)), Weight: float64(1 + rng.IntN(3)), Current: -1})
			if x+1 < w {
				in.Edges = append(in.Edges, [2]int{y*w + x, y*w + x + 1})
			}
			if y+1 < h {
				in.Edges = append(in.Edges, [2]int{y*w + x, (y+1)*w + x})
			}
		}
	}
	return in
}

func TestBruteForce(t *testing.T) {
	type tc struct {
		name string
		in   *Problem
	}
	var cases []tc
	for seed := uint64(1); seed <= 4; seed++ {
		pm := tinyGrid(4, 2, 3, seed)
		pm.Edges = nil
		cases = append(cases, tc{"pmedian", pm})

		cp := tinyGrid(4, 2, 2, seed)
		cp.Edges = nil
		for i := range cp.Units {
			cp.Units[i].Capacity = 24
		}
		cases = append(cases, tc{"capacitated", cp})

		cut := tinyGrid(4, 2, 2, seed)
		cut.Objective, cut.Contiguous, cut.Balance = ObjectiveCutEdges, true, Balance{Tolerance: 0.25}
		cases = append(cases, tc{"cut-contiguous-balanced", cut})

		dc := tinyGrid(3, 3, 3, seed)
		dc.Contiguous, dc.Balance = true, Balance{Tolerance: 0.3}
		cases = append(cases, tc{"distance-contiguous-balanced", dc})

		bal := tinyGrid(4, 2, 2, seed)
		bal.Edges, bal.Balance = nil, Balance{Tolerance: 0.15}
		cases = append(cases, tc{"distance-balanced", bal})

		mv := tinyGrid(3, 3, 3, seed)
		mv.Contiguous, mv.Balance, mv.MaxMoved = true, Balance{Tolerance: 0.35}, 0.25
		for i := range mv.Units {
			mv.Units[i].Current = i % 3 // the current plan: one territory per column
		}
		mv.Units[0].Locked = true
		cases = append(cases, tc{"distance-contiguous-moved-locked", mv})
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, ok := brute(c.in)
			res := solveChecked(t, c.in, &Settings{TimeLimit: time.Minute, MaxIterations: 3000})
			if !ok {
				if res.Feasible {
					t.Fatalf("case %d: solver feasible but brute force found no feasible answer", i)
				}
				return
			}
			if !res.Feasible {
				t.Fatalf("case %d: infeasible answer, brute force optimum %v", i, want)
			}
			if math.Abs(res.Objective-want) > 1e-9*math.Max(1, want) {
				t.Errorf("case %d: objective %v, brute-force optimum %v", i, res.Objective, want)
			}
		})
	}
}

func TestSameSeedSameAnswer(t *testing.T) {
	cp := tinyGrid(6, 5, 4, 9)
	for i := range cp.Units {
		cp.Units[i].Capacity = 50
	}
	cp.Edges = nil
	cut := tinyGrid(7, 6, 4, 9)
	cut.Objective, cut.Contiguous, cut.Balance = ObjectiveCutEdges, true, Balance{Tolerance: 0.1}
	grid := Grid(20, 15, 10, 2)
	for _, c := range []struct {
		name string
		in   *Problem
	}{{"pmedian", tinyGrid(8, 8, 6, 5)}, {"capacitated", cp}, {"cut", cut}, {"grid-distance", grid}} {
		t.Run(c.name, func(t *testing.T) {
			s := &Settings{TimeLimit: time.Hour, MaxIterations: 400}
			a := solveChecked(t, c.in, s)
			b := solveChecked(t, c.in, s)
			if !slices.Equal(a.Assignment, b.Assignment) || !slices.Equal(a.Centers, b.Centers) || a.Objective != b.Objective {
				t.Errorf("same seed, different answers: objective %v vs %v", a.Objective, b.Objective)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	in := Grid(40, 40, 40, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, in, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("pre-canceled context: got %v, want context.Canceled", err)
	}
	// Cancel during the search: with a one-hour limit the test only ends
	// (within the test timeout) if Solve honours the cancellation.
	for _, c := range []struct {
		name string
		in   *Problem
	}{{"district", in}, {"pmedian", tinyGrid(30, 20, 20, 4)}} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			started := make(chan struct{})
			var once bool
			go func() {
				<-started
				cancel()
			}()
			res, err := Solve(ctx, c.in, &Settings{TimeLimit: time.Hour, Progress: func(float64) {
				if !once {
					once = true
					close(started)
				}
			}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
			if res != nil {
				if res.Status != Canceled {
					t.Errorf("status %q, want %q", res.Status, Canceled)
				}
				checkAnswer(t, c.in, res)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	var got []float64
	in := tinyGrid(6, 6, 4, 1)
	in.Contiguous, in.Balance = true, Balance{Tolerance: 0.2}
	solveChecked(t, in, &Settings{TimeLimit: 300 * time.Millisecond, Progress: func(f float64) { got = append(got, f) }})
	if len(got) == 0 || got[len(got)-1] != 1 {
		t.Fatalf("progress calls %v, want a last call with 1", got)
	}
	for i, f := range got {
		if f < 0 || f > 1 || i > 0 && f < got[i-1] {
			t.Fatalf("progress %v not monotone within 0..1", got)
		}
	}
}

func openBench(t *testing.T, rel string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(benchDir, rel))
	if err != nil {
		t.Skipf("benchmark data not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestORLibPmed1(t *testing.T) {
	in, err := ReadORLib(openBench(t, "orlib-pmed/instances/pmed1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Units) != 100 || in.K != 5 {
		t.Fatalf("n=%d k=%d, want 100 5", len(in.Units), in.K)
	}
	res := solveChecked(t, in, nil)
	if res.Objective != 5819 {
		t.Errorf("objective %v, want the optimum 5819", res.Objective)
	}
	if res.LowerBound == nil || *res.LowerBound > 5819 {
		t.Errorf("lower bound %v, want a bound ≤ 5819", res.LowerBound)
	}
}

func TestORLibDuplicateEdges(t *testing.T) {
	// 1–2 appears twice: the later, larger cost wins (OR-Library's rule).
	in, err := ReadORLib(strings.NewReader("3 3 1\n1 2 5\n2 3 1\n2 1 9\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		i, j int
		want float64
	}{{0, 1, 9}, {1, 2, 1}, {0, 2, 10}, {2, 0, 10}, {1, 1, 0}} {
		if got := in.Distances[c.i][c.j]; got != c.want {
			t.Errorf("d(%d,%d) = %v, want %v", c.i+1, c.j+1, got, c.want)
		}
	}
	if _, err := ReadORLib(strings.NewReader("3 2 1\n1 2 5\n")); err == nil {
		t.Error("truncated file: want an error")
	}
}

func TestCPMP01(t *testing.T) {
	in, err := ReadCPMP(openBench(t, "cpmp/instances/cpmp01.txt"), FloorEuclidean)
	if err != nil {
		t.Fatal(err)
	}
	res := solveChecked(t, in, &Settings{TimeLimit: time.Minute, MaxIterations: 300})
	if !res.Feasible {
		t.Fatal("cpmp01: infeasible answer")
	}
	if gap := (res.Objective - 713) / 713; gap > 0.02 || gap < 0 {
		t.Errorf("cpmp01 objective %v, want within 2 %% of the optimum 713", res.Objective)
	}
}

func TestDistrictingCounties(t *testing.T) {
	for _, c := range []struct {
		file   string
		k      int
		lo, hi float64
		opt    float64
	}{
		{"county01.json", 7, 679406, 686233, 55},
		{"county05.json", 4, 725335, 732624, 33},
	} {
		t.Run(c.file, func(t *testing.T) {
			in, err := ReadDistricting(openBench(t, "districting/graphs/"+c.file), c.k, c.lo, c.hi)
			if err != nil {
				t.Fatal(err)
			}
			iters := 40000
			if testing.Short() {
				iters = 15000 // fewer is not enough for county01's 10 % on every seed
			}
			res := solveChecked(t, in, &Settings{TimeLimit: time.Minute, MaxIterations: iters})
			if !res.Feasible {
				t.Fatalf("infeasible answer: balance slack %v, contiguous %v", res.Slack.Balance, res.Slack.Contiguous)
			}
			if res.Objective > 1.10*c.opt {
				t.Errorf("cut edges %v, want within 10 %% of the optimum %v", res.Objective, c.opt)
			}
		})
	}
}

func TestDistrictingReaderCentroids(t *testing.T) {
	g := `{"nodes":[{"id":0,"TOTPOP":10,"INTPTLON10":"-085.1","INTPTLAT10":"+31.5"},
	{"id":1,"TOTPOP":12,"C_X":-85.2,"C_Y":31.6},{"id":2,"TOTPOP":9,"C_X":-85.3,"C_Y":31.7}],
	"adjacency":[[{"id":1},{"id":0}],[{"id":0},{"id":2}],[{"id":1}]]}`
	in, err := ReadDistricting(strings.NewReader(g), 2, 9, 22)
	if err != nil {
		t.Fatal(err)
	}
	if in.Units[0].X != -85.1 || in.Units[0].Y != 31.5 || in.Units[1].Demand != 12 {
		t.Errorf("units %+v", in.Units)
	}
	if len(in.Edges) != 2 {
		t.Errorf("edges %v, want 2 unique edges without the self loop", in.Edges)
	}
	res := solveChecked(t, in, &Settings{MaxIterations: 100})
	if !res.Feasible || res.Objective != 1 {
		t.Errorf("feasible %v objective %v, want a feasible split with 1 cut edge", res.Feasible, res.Objective)
	}
}

// TestNationalScale: ~3,000 units into 100 contiguous territories within
// ±5 %, as the national county plan, with a disruption limit on a second
// solve from the first answer.
func TestNationalScale(t *testing.T) {
	if testing.Short() {
		t.Skip("national-scale grid in -short mode")
	}
	in := Grid(55, 55, 100, 1)
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 3000})
	if !res.Feasible {
		t.Fatalf("infeasible: balance slack %v, contiguous %v, empty %d", res.Slack.Balance, res.Slack.Contiguous, res.Slack.Empty)
	}
	for j := range in.Units {
		in.Units[j].Current = res.Assignment[j]
		in.Units[j].Demand *= 0.9 + 0.2*float64(j%7)/6
	}
	in.MaxMoved = 0.10
	res2 := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 3000})
	if !res2.Feasible {
		t.Fatalf("with max_moved 0.10: infeasible: balance slack %v, moved %v", res2.Slack.Balance, res2.Slack.Moved)
	}
	if res2.Slack.Moved > 0.10 {
		t.Errorf("moved share %v exceeds 0.10", res2.Slack.Moved)
	}
}

func TestProblemJSON(t *testing.T) {
	const doc = `{"units": [{"id": "01001", "x": -86.64, "y": 32.53, "demand": 55869, "weight": 1,
	  "capacity": 0, "current": 1, "locked": false}, {"id": 2, "x": -86.5, "y": 32.6},
	  {"id": "c", "x": -86.4, "y": 32.7, "current": 0, "locked": true}],
	 "edges": [[0, 1], [1, 2]], "distance": "haversine", "distances": null, "k": 2,
	 "balance": {"tolerance": 1}, "contiguous": true, "objective": "distance",
	 "max_moved": 0.5, "time_limit_seconds": 1, "seed": 1}`
	var in Problem
	if err := json.Unmarshal([]byte(doc), &in); err != nil {
		t.Fatal(err)
	}
	u := in.Units[1]
	if u.ID != "2" || u.Demand != 1 || u.Weight != 1 || u.Current != -1 || u.Locked {
		t.Errorf("defaults: got %+v, want id 2, demand 1, weight 1, current −1", u)
	}
	res := solveChecked(t, &in, &Settings{MaxIterations: 50})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"territory", "centers", "objective", "lower_bound", "feasible", "slack", "seconds"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result JSON lacks %q: %s", k, b)
		}
	}
	if res.Assignment[2] != 0 {
		t.Errorf("locked unit 2 moved to %d", res.Assignment[2])
	}
}

func TestValidate(t *testing.T) {
	base := func() *Problem { return tinyGrid(3, 2, 2, 1) }
	for _, c := range []struct {
		name string
		edit func(*Problem)
		want string
	}{
		{"k zero", func(in *Problem) { in.K = 0 }, "k = 0"},
		{"k above n", func(in *Problem) { in.K = 7 }, "k = 7"},
		{"nan demand", func(in *Problem) { in.Units[1].Demand = math.NaN() }, "unit 1"},
		{"negative weight", func(in *Problem) { in.Units[2].Weight = -1 }, "unit 2"},
		{"bad edge", func(in *Problem) { in.Edges = append(in.Edges, [2]int{0, 9}) }, "edge"},
		{"bad current", func(in *Problem) { in.Units[0].Current = 5 }, "current"},
		{"locked without current", func(in *Problem) { in.Units[0].Locked = true }, "locked"},
		{"max moved", func(in *Problem) { in.MaxMoved = 2 }, "max_moved"},
		{"distance name", func(in *Problem) { in.Distance = "manhattan" }, "distance"},
		{"objective name", func(in *Problem) { in.Objective = "area" }, "objective"},
		{"matrix shape", func(in *Problem) { in.Distances = [][]float64{{0}} }, "distances"},
		{"min above max", func(in *Problem) { in.Balance = Balance{Min: 5, Max: 3} }, "balance"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.edit(in)
			_, err := Solve(context.Background(), in, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error naming %q", err, c.want)
			}
		})
	}
}

func TestHaversine(t *testing.T) {
	// one degree of latitude on the 6371008.8 m sphere
	if got, want := HaversineDistance(0, 0, 0, 1), 6371008.8*math.Pi/180; math.Abs(got-want) > 1e-6 {
		t.Errorf("1° of latitude: got %v m, want %v m", got, want)
	}
	// Montgomery AL to Birmingham AL, about 146 km
	if got := HaversineDistance(-86.30, 32.37, -86.80, 33.52); math.Abs(got-136e3) > 10e3 {
		t.Errorf("Montgomery–Birmingham: got %v m, want about 136 km", got)
	}
}

func BenchmarkORLib(b *testing.B) {
	for _, name := range []string{"pmed1", "pmed15", "pmed25", "pmed39"} {
		b.Run(name, func(b *testing.B) {
			f, err := os.Open(filepath.Join(benchDir, "orlib-pmed/instances", name+".txt"))
			if err != nil {
				b.Skip(err)
			}
			in, err := ReadORLib(f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				res, err := Solve(context.Background(), in, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(res.Objective, "objective")
			}
		})
	}
}

func BenchmarkNationalGrid(b *testing.B) {
	in := Grid(56, 56, 100, 1)
	for b.Loop() {
		res, err := Solve(context.Background(), in, &Settings{TimeLimit: 25 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Feasible {
			b.Fatal("infeasible")
		}
		b.ReportMetric(res.Objective/1000, "km")
	}
}
