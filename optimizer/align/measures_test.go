package align

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSeveralMeasures: a grid balanced on market ±5 %, accounts ±10 % and
// workload ±10 %, contiguous, is solved within every band, Verify checks
// every measure, and the slack reports each band.
func TestSeveralMeasures(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h, k    int
		contiguous bool
		iters      int
	}{
		{"contiguous", 24, 20, 8, true, 3000},
		{"not contiguous", 24, 20, 8, false, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := GridMeasures(c.w, c.h, c.k, 3)
			in.Contiguous = c.contiguous
			res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: c.iters})
			if !res.Feasible {
				t.Fatalf("infeasible: %+v", worstOf(res))
			}
			if got, want := len(res.Slack.Balances), 3; got != want {
				t.Fatalf("slack has %d balances, want %d (demand, accounts, workload)", got, want)
			}
			for i, name := range []string{"demand", "accounts", "workload"} {
				ms := res.Slack.Balances[i]
				if ms.Measure != name || !ms.Feasible || ms.Worst < 0 || len(ms.Loads) != c.k {
					t.Errorf("balances[%d]: got %s feasible %v worst %v, want %s within its band", i, ms.Measure, ms.Feasible, ms.Worst, name)
				}
				for tr, x := range ms.Loads {
					if x < ms.Min-1e-6 || x > ms.Max+1e-6 {
						t.Errorf("%s: territory %d holds %v, band [%v, %v]", name, tr, x, ms.Min, ms.Max)
					}
				}
			}
			// a band the answer misses makes the checker disagree
			tight := *in
			tight.Balances = []MeasureBalance{{Measure: "accounts", Tolerance: 1e-6}, {Measure: "workload", Tolerance: 0.10}}
			feasible, err := Verify(&tight, res)
			if feasible || err == nil || !strings.Contains(err.Error(), "balance on accounts") {
				t.Errorf("Verify with accounts ±0.0001 %%: got feasible %v, err %v; want infeasible naming accounts", feasible, err)
			}
			// so does a value the slack did not count
			moved := *in
			moved.Units = append([]Unit(nil), in.Units...)
			moved.Units[0].Measures = map[string]float64{"accounts": 1e6, "workload": in.Units[0].Measures["workload"]}
			if feasible, err := Verify(&moved, res); feasible || err == nil {
				t.Errorf("Verify with one unit holding 10⁶ accounts: got feasible %v, err %v", feasible, err)
			}
		})
	}
}

// worstOf summarises the worst slack of every measure, for failure messages.
func worstOf(res *Result) map[string]float64 {
	m := map[string]float64{}
	for _, b := range res.Slack.Balances {
		m[b.Measure] = b.Worst
	}
	return m
}

// TestMeasuresSameSeed: the multi-measure search is deterministic for a
// seed and an iteration cap.
func TestMeasuresSameSeed(t *testing.T) {
	in := GridMeasures(16, 12, 5, 9)
	a := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 400})
	b := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 400})
	if !reflect.DeepEqual(a.Assignment, b.Assignment) {
		t.Error("same seed and iteration cap gave different assignments")
	}
}

// TestDemandAsMeasure: a band on "demand" in balances is the same as
// balance.
func TestDemandAsMeasure(t *testing.T) {
	in := tinyGrid(6, 5, 3, 2)
	in.Balance = Balance{}
	in.Balances = []MeasureBalance{{Measure: "demand", Tolerance: 0.2}}
	lo, hi := in.Bounds()
	total := 0.0
	for _, u := range in.Units {
		total += u.Demand
	}
	if mean := total / 3; math.Abs(lo-0.8*mean) > 1e-9 || math.Abs(hi-1.2*mean) > 1e-9 {
		t.Errorf("bounds: got [%v, %v], want mean %v ± 20 %%", lo, hi, mean)
	}
	res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 300})
	if !res.Feasible || len(res.Slack.Balances) != 1 || res.Slack.Balances[0].Measure != "demand" {
		t.Errorf("got feasible %v, balances %+v", res.Feasible, res.Slack.Balances)
	}
}

// TestFixedCenters: with centers fixed, every territory holds its center,
// the result reports those centers, and the objective is measured from
// them, for the contiguous and the non-contiguous engines.
func TestFixedCenters(t *testing.T) {
	for _, c := range []struct {
		name       string
		contiguous bool
		balanced   bool
		centers    []int
	}{
		{"contiguous balanced", true, true, []int{0, 19, 150, 169, 280, 299}},
		{"not contiguous balanced", false, true, []int{0, 19, 150, 169, 280, 299}},
		{"nearest center", false, false, []int{0, 19, 150, 169, 280, 299}},
		{"contiguous, two free", true, true, []int{0, -1, 150, -1, 280, 299}},
		{"not contiguous, two free", false, true, []int{0, -1, 150, -1, 280, 299}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := GridMeasures(20, 15, 6, 5)
			in.Contiguous = c.contiguous
			if !c.balanced {
				in.Balance, in.Balances = Balance{}, nil
			} else {
				in.Balances = in.Balances[:1]
				in.Balances[0].Tolerance = 0.2
				in.Balance.Tolerance = 0.15
			}
			in.Centers = c.centers
			res := solveChecked(t, in, &Settings{TimeLimit: time.Hour, MaxIterations: 1500})
			for tr, cu := range in.Centers {
				if cu >= 0 && res.Centers[tr] != cu {
					t.Fatalf("centers: got %v, want %v (−1: free)", res.Centers, in.Centers)
				}
			}
			obj := 0.0
			for j, tr := range res.Assignment {
				obj += in.Units[j].Weight * checkDist(in, j, res.Centers[tr])
			}
			if math.Abs(obj-res.Objective) > 1e-6*obj {
				t.Errorf("objective: got %v, recomputed from the fixed centers %v", res.Objective, obj)
			}
			for tr, cu := range in.Centers {
				if cu >= 0 && res.Assignment[cu] != tr {
					t.Errorf("center %d of territory %d is in territory %d", cu, tr, res.Assignment[cu])
				}
			}
			if !res.Feasible {
				t.Errorf("infeasible: %+v, center violations %d, contiguous %v", worstOf(res), res.Slack.CenterViolations, res.Slack.Contiguous)
			}
			if !c.balanced {
				// free of balance, every unit is at its nearest center
				for j, tr := range res.Assignment {
					for _, cu := range res.Centers {
						if checkDist(in, j, cu) < checkDist(in, j, in.Centers[tr])-1e-6 {
							t.Fatalf("unit %d is in territory %d, but center %d is nearer", j, tr, cu)
						}
					}
				}
			}
			// a result whose centers differ is refused by the checker
			bad := *res
			bad.Centers = append([]int(nil), res.Centers...)
			bad.Centers[0], bad.Centers[2] = bad.Centers[2], bad.Centers[0]
			if feasible, _ := Verify(in, &bad); feasible {
				t.Error("Verify accepted swapped centers")
			}
		})
	}
}

func TestMeasuresJSON(t *testing.T) {
	const doc = `{"units": [
	  {"id": "a", "x": 0, "y": 0, "demand": 10, "measures": {"accounts": 3, "workload": 75}},
	  {"id": "b", "x": 1, "y": 0, "demand": 12, "measures": {"accounts": 2, "workload": 50}},
	  {"id": "c", "x": 2, "y": 0, "demand": 9, "measures": {"accounts": 4, "workload": 60}},
	  {"id": "d", "x": 3, "y": 0, "demand": 11, "measures": {"accounts": 1, "workload": 70}}],
	 "edges": [[0, 1], [1, 2], [2, 3]], "k": 2, "contiguous": true,
	 "balance": {"tolerance": 0.2},
	 "balances": [{"measure": "accounts", "tolerance": 0.5}, {"measure": "workload", "min": 100, "max": 160}],
	 "centers": [0, 3]}`
	var in Problem
	if err := json.Unmarshal([]byte(doc), &in); err != nil {
		t.Fatal(err)
	}
	if got := in.Units[2].Measures["workload"]; got != 60 {
		t.Errorf("units[2].measures.workload: got %v, want 60", got)
	}
	b, err := json.Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	var back Problem
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&in, &back) {
		t.Errorf("round trip differs:\n%+v\n%+v", in, back)
	}
	res := solveChecked(t, &in, &Settings{MaxIterations: 50})
	if !res.Feasible {
		t.Fatalf("infeasible: %+v", worstOf(res))
	}
	out, _ := json.Marshal(res)
	var m struct {
		Slack struct {
			Balances []map[string]any `json:"balances"`
		} `json:"slack"`
	}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Slack.Balances) != 3 {
		t.Fatalf("slack.balances: got %d, want 3: %s", len(m.Slack.Balances), out)
	}
	for _, key := range []string{"measure", "min", "max", "loads", "slack", "worst", "worst_territory", "feasible"} {
		if _, ok := m.Slack.Balances[2][key]; !ok {
			t.Errorf("slack.balances[2] lacks %q", key)
		}
	}
	if w := m.Slack.Balances[2]; w["measure"] != "workload" || w["min"] != 100.0 || w["max"] != 160.0 {
		t.Errorf("slack.balances[2]: got %v, want workload in [100, 160]", w)
	}
}

func TestValidateMeasures(t *testing.T) {
	base := func() *Problem { return GridMeasures(4, 3, 2, 1) }
	for _, c := range []struct {
		name string
		edit func(*Problem)
		want string
	}{
		{"unknown measure", func(in *Problem) { in.Balances[1].Measure = "hours" }, `balances[1].measure = "hours"`},
		{"empty measure", func(in *Problem) { in.Balances[0].Measure = "" }, "balances[0].measure"},
		{"twice", func(in *Problem) { in.Balances[1].Measure = "accounts" }, "twice"},
		{"negative value", func(in *Problem) { in.Units[5].Measures["accounts"] = -1 }, "unit 5 (5): measures.accounts"},
		{"nan value", func(in *Problem) { in.Units[2].Measures["workload"] = math.NaN() }, "unit 2 (2): measures.workload"},
		{"tolerance above 1", func(in *Problem) { in.Balances[0].Tolerance = 1.5 }, "balances[0].tolerance"},
		{"negative tolerance", func(in *Problem) { in.Balances[1].Tolerance = -0.1 }, "balances[1].tolerance"},
		{"no bound", func(in *Problem) { in.Balances[0] = MeasureBalance{Measure: "accounts"} }, "balances[0] (accounts) has no bound"},
		{"min above max", func(in *Problem) { in.Balances[0] = MeasureBalance{Measure: "accounts", Min: 9, Max: 3} }, "balances[0].min"},
		{"demand twice", func(in *Problem) { in.Balances[0].Measure = "demand" }, "balance already bounds"},
		{"centers length", func(in *Problem) { in.Centers = []int{0} }, "centers has 1 entries, want k = 2"},
		{"center range", func(in *Problem) { in.Centers = []int{0, 12} }, "centers[1] = 12"},
		{"centers distinct", func(in *Problem) { in.Centers = []int{3, 3} }, "centers[1] = centers[0]"},
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

// TestDiagnoseMeasure: a unit whose accounts alone exceed the accounts
// band is oversize on accounts, and Peel makes it a territory of its own.
func TestDiagnoseMeasure(t *testing.T) {
	in := GridMeasures(6, 5, 3, 4)
	in.Units[7].Measures["accounts"] = 1000
	obs := Diagnose(in)
	if len(obs) != 1 || obs[0].Unit != 7 || obs[0].Reason != "oversize" || obs[0].Measure != "accounts" || obs[0].Value != 1000 {
		t.Fatalf("got %+v, want unit 7 oversize on accounts", obs)
	}
}

// BenchmarkMeasuresZIPScale is the multi-measure acceptance case of issue
// 17 on a synthetic grid of ZIP size: 30,600 units (180 × 170), k = 200,
// market ±5 %, accounts ±10 %, workload ±10 % (GridMeasures), contiguous,
// 60 s. Run it with
//
//	go test -run '^$' -bench MeasuresZIPScale -benchtime 1x ./optimizer/align
//
// It reports feasibility (by Verify), the first-feasible time and the
// solve's wall time in seconds; CPU time is the `-cpuprofile` or
// /usr/bin/time of the test binary.
func BenchmarkMeasuresZIPScale(b *testing.B) {
	in := GridMeasures(180, 170, 200, 1)
	for b.Loop() {
		res, err := Solve(context.Background(), in, &Settings{TimeLimit: 60 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		feasible, err := Verify(in, res)
		if err != nil {
			b.Fatal(err)
		}
		f := 0.0
		if feasible {
			f = 1
		}
		b.ReportMetric(f, "feasible")
		b.ReportMetric(res.FirstFeasibleSeconds, "first_feasible_s")
		b.ReportMetric(res.Seconds, "solve_s")
		for _, ms := range res.Slack.Balances {
			out := 0
			for _, s := range ms.Slack {
				if s < 0 {
					out++
				}
			}
			b.ReportMetric(float64(out), ms.Measure+"_outside")
		}
	}
}
