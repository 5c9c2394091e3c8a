package allocate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func ptr(v float64) *float64 { return &v }

// fixture is a problem with, when known, its optimal objective.
type fixture struct {
	name    string
	p       *Problem
	opt     float64 // NaN when unknown
	concave bool
}

// smallProblem draws a tiny random problem: nT territories and the given
// resources, with bounds small enough to enumerate.
func smallProblem(rng *rand.Rand, nT int, integer []bool, sShaped bool, profit bool) *Problem {
	p := &Problem{Objective: Revenue}
	if profit {
		p.Objective = Profit
	}
	names := []string{"headcount", "money", "attention"}
	var cost float64
	for j, in := range integer {
		r := Resource{Name: names[j], Integer: in}
		if j < 2 {
			r.UnitCost = float64(1 + rng.IntN(3))
		}
		if rng.IntN(3) > 0 {
			r.Total = ptr(float64(2 + rng.IntN(3*nT)))
		}
		p.Resources = append(p.Resources, r)
		cost += r.UnitCost
	}
	if rng.IntN(4) > 0 {
		p.Budget = ptr(float64(nT) * cost * (1 + 2*rng.Float64()))
	}
	if rng.IntN(3) == 0 {
		p.MaxChange = map[string]float64{names[0]: float64(1 + rng.IntN(2))}
	}
	for i := range nT {
		t := Territory{ID: fmt.Sprintf("T%d", i), Base: 10 * rng.Float64(), Curves: map[string]Curve{},
			Current: map[string]float64{}, Min: map[string]float64{}, Max: map[string]float64{}}
		if profit {
			t.Margin = ptr(0.3 + 0.6*rng.Float64())
		}
		for j, r := range p.Resources {
			if rng.IntN(6) > 0 {
				shape := 0.3 + 0.7*rng.Float64()
				if sShaped && rng.IntN(2) == 0 {
					shape = 1.2 + 2*rng.Float64()
				}
				t.Curves[r.Name] = Curve{Beta: 5 + 50*rng.Float64(), K: 0.3 + 3*rng.Float64(), Shape: shape}
			}
			t.Current[r.Name] = float64(rng.IntN(4))
			if rng.IntN(3) == 0 {
				t.Min[r.Name] = float64(rng.IntN(2))
			}
			t.Max[r.Name] = float64(2 + rng.IntN(3))
			if j == 0 && integer[0] && rng.IntN(2) == 0 {
				shape := t.Curves[r.Name].Shape + 0.01
				if !sShaped {
					shape = math.Min(1, shape)
				}
				t.Curves[r.Name] = Curve{Beta: 40 + 40*rng.Float64(), K: 1 + 2*rng.Float64(), Shape: shape}
			}
		}
		t.Locked = rng.IntN(10) == 0
		p.Territories = append(p.Territories, t)
	}
	return p
}

// bruteForce enumerates every integer allocation of an all-integer problem
// and returns the best objective, or NaN when none is feasible.
func bruteForce(p *Problem) float64 {
	m, conflicts := build(p)
	if len(conflicts) > 0 {
		return math.NaN()
	}
	type slot struct{ r, i int }
	var slots []slot
	for r := range m.res {
		for i := range m.territory {
			slots = append(slots, slot{r, i})
		}
	}
	x := make([][]float64, len(m.res))
	for r := range x {
		x[r] = make([]float64, len(m.territory))
	}
	best := math.Inf(-1)
	var rec func(s int)
	rec = func(s int) {
		if s == len(slots) {
			spent := 0.0
			for r, rm := range m.res {
				u := sum(x[r])
				if u > rm.total+1e-9 {
					return
				}
				spent += rm.cost * u
			}
			if spent > m.budget+1e-9 {
				return
			}
			v := m.constant
			for r, rm := range m.res {
				v += sumValue(rm.items, x[r])
			}
			best = math.Max(best, v)
			return
		}
		it := m.res[slots[s].r].items[slots[s].i]
		hi := math.Min(it.hi, math.Max(it.lo, m.res[slots[s].r].total))
		if math.IsInf(hi, 1) {
			panic("bruteForce: unbounded amount")
		}
		for v := it.lo; v <= hi; v++ {
			x[slots[s].r][slots[s].i] = v
			rec(s + 1)
		}
	}
	rec(0)
	if math.IsInf(best, -1) {
		return math.NaN()
	}
	return best
}

// checkResult applies the invariants every solve must keep.
func checkResult(t *testing.T, f fixture, r *Result) {
	t.Helper()
	if r.Status == Infeasible {
		if !math.IsNaN(f.opt) {
			t.Fatalf("status infeasible, want objective %v; conflicts %v", f.opt, r.Conflicts)
		}
		if len(r.Conflicts) == 0 {
			t.Fatal("infeasible without conflicts")
		}
		return
	}
	if v := Violations(f.p, r.Allocation, 1e-9); len(v) > 0 {
		t.Fatalf("constraints broken: %v", v)
	}
	obj, _ := Evaluate(f.p, r.Allocation)
	if math.Abs(obj-r.Objective) > 1e-9*math.Max(1, math.Abs(obj)) {
		t.Errorf("objective %v, recomputed %v", r.Objective, obj)
	}
	if r.Bound < r.Objective {
		t.Errorf("bound %v below objective %v", r.Bound, r.Objective)
	}
	if g := (r.Bound - r.Objective) / math.Max(1, math.Abs(r.Objective)); math.Abs(g-r.Gap) > 1e-12 {
		t.Errorf("gap %v, recomputed %v", r.Gap, g)
	}
	tol := 1e-9 * math.Max(1, math.Abs(f.opt))
	if !math.IsNaN(f.opt) {
		if r.Bound < f.opt-tol {
			t.Errorf("bound %v below the optimum %v", r.Bound, f.opt)
		}
		if r.Objective > f.opt+tol {
			t.Errorf("objective %v above the optimum %v: the reference is wrong", r.Objective, f.opt)
		}
		if f.concave && r.Objective < f.opt-1e-7*math.Max(1, math.Abs(f.opt)) {
			t.Errorf("objective %v, optimum %v", r.Objective, f.opt)
		}
	}
	if f.concave {
		if r.Gap > 1e-6 || r.Status != Optimal {
			t.Errorf("concave problem: status %s gap %v, want optimal with gap ≤ 1e-6", r.Status, r.Gap)
		}
	}
}

func solveFixture(t *testing.T, f fixture) *Result {
	t.Helper()
	r, err := Solve(context.Background(), f.p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, f, r)
	return r
}

func TestBruteForceInteger(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	infeasible := 0
	for n := range 120 {
		sShaped := n%3 == 2
		profit := n%4 == 3
		p := smallProblem(rng, 3, []bool{true, true}, sShaped, profit)
		f := fixture{name: fmt.Sprintf("case%d", n), p: p, opt: bruteForce(p), concave: !sShaped}
		if math.IsNaN(f.opt) {
			infeasible++
		}
		t.Run(f.name, func(t *testing.T) {
			r := solveFixture(t, f)
			// S-shaped: a good answer, within 5 % of the optimum (the
			// bound may be loose on three territories; it is checked
			// above to be valid).
			if sShaped && !math.IsNaN(f.opt) && r.Objective < f.opt-0.05*math.Abs(f.opt) {
				t.Errorf("S-shaped: objective %v, optimum %v", r.Objective, f.opt)
			}
		})
	}
	if infeasible > 40 {
		t.Errorf("%d of 120 random instances infeasible: the generator tests too little", infeasible)
	}
}

// goldenMax maximizes a unimodal f on [a, b] to about 1e-12 relative.
func goldenMax(f func(float64) float64, a, b float64) (float64, float64) {
	const r = 0.6180339887498949
	c, d := b-r*(b-a), a+r*(b-a)
	fc, fd := f(c), f(d)
	for range 120 {
		if fc > fd {
			b, d, fd = d, c, fc
			c = b - r*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + r*(b-a)
			fd = f(d)
		}
	}
	x := (a + b) / 2
	return x, f(x)
}

// TestMixedAgainstEnumeration checks integer headcount sharing a budget
// with continuous money against an independent method: every headcount
// split is enumerated and, for each, the money split between the two
// territories is found by a grid scan refined by golden-section search.
func TestMixedAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for n := range 40 {
		budget := 4 + 8*rng.Float64()
		p := &Problem{
			Budget: ptr(budget),
			Resources: []Resource{
				{Name: "headcount", UnitCost: 2, Integer: true, Total: ptr(float64(2 + rng.IntN(4)))},
				{Name: "money", UnitCost: 1},
			},
		}
		if n%2 == 1 {
			p.Objective = Profit
		}
		for i := range 2 {
			p.Territories = append(p.Territories, Territory{
				ID: fmt.Sprintf("T%d", i), Base: 3, Margin: ptr(0.5 + 0.5*rng.Float64()),
				Curves: map[string]Curve{
					"headcount": {Beta: 10 + 20*rng.Float64(), K: 1 + 2*rng.Float64(), Shape: 0.5 + 0.5*rng.Float64()},
					"money":     {Beta: 5 + 20*rng.Float64(), K: 0.5 + 3*rng.Float64(), Shape: 0.3 + 0.7*rng.Float64()},
				},
				Max: map[string]float64{"headcount": 3},
			})
		}
		best := math.Inf(-1)
		for h0 := 0.0; h0 <= 3; h0++ {
			for h1 := 0.0; h1 <= 3; h1++ {
				if h0+h1 > *p.Resources[0].Total {
					continue
				}
				left := budget - 2*(h0+h1)
				if left < 0 {
					continue
				}
				// the objective written out from the problem statement
				terr := func(tt Territory, h, m float64) float64 {
					hc, mc := tt.Curves["headcount"], tt.Curves["money"]
					rev := tt.Base + hc.Beta*math.Pow(h, hc.Shape)/(math.Pow(h, hc.Shape)+math.Pow(hc.K, hc.Shape)) +
						mc.Beta*math.Pow(m, mc.Shape)/(math.Pow(m, mc.Shape)+math.Pow(mc.K, mc.Shape))
					if p.Objective == Profit {
						return *tt.Margin*rev - 2*h - m
					}
					return rev
				}
				val := func(m0, m1 float64) float64 {
					return terr(p.Territories[0], h0, m0) + terr(p.Territories[1], h1, m1)
				}
				// money need not all be spent under the profit objective
				spend := func(s float64) float64 {
					g := func(m0 float64) float64 { return val(m0, s-m0) }
					bi, bv := 0.0, math.Inf(-1)
					const steps = 200
					for k := 0; k <= steps; k++ {
						if v := g(s * float64(k) / steps); v > bv {
							bi, bv = float64(k), v
						}
					}
					_, v := goldenMax(g, s*math.Max(0, bi-1)/steps, s*math.Min(steps, bi+1)/steps)
					return math.Max(v, bv)
				}
				v := spend(left)
				if p.Objective == Profit {
					// each territory's profit is concave in its money: if
					// the two unconstrained optima fit in the budget they
					// are optimal, else the budget binds.
					m0, _ := goldenMax(func(m float64) float64 { return terr(p.Territories[0], h0, m) }, 0, left)
					m1, _ := goldenMax(func(m float64) float64 { return terr(p.Territories[1], h1, m) }, 0, left)
					if m0+m1 <= left {
						v = val(m0, m1)
					}
				}
				best = math.Max(best, v)
			}
		}
		f := fixture{name: fmt.Sprintf("case%d", n), p: p, opt: best, concave: true}
		t.Run(f.name, func(t *testing.T) { solveFixture(t, f) })
	}
}

// TestContinuousKKT checks larger continuous concave problems with the
// Karush–Kuhn–Tucker conditions, derived independently of the solver: with
// one price per resource (its total's price plus the budget's price times
// its cost), every amount strictly inside its bounds has marginal value
// equal to its price, amounts at the lower bound have marginal value at
// most the price, amounts at the upper bound at least the price. For a
// concave problem these conditions prove optimality.
func TestContinuousKKT(t *testing.T) {
	for seed := range uint64(6) {
		p := Synthetic(200, seed, false)
		p.Resources[0].Integer = false
		if seed%2 == 1 {
			p.Objective = Profit
			for i := range p.Territories {
				p.Territories[i].Margin = ptr(0.6)
			}
		}
		f := fixture{name: fmt.Sprintf("seed%d", seed), p: p, opt: math.NaN(), concave: true}
		t.Run(f.name, func(t *testing.T) {
			r := solveFixture(t, f)
			m, _ := build(p)
			for _, rm := range m.res {
				// the price: the median marginal of the interior amounts
				var marg []float64
				type pt struct {
					d      float64
					lo, hi bool
				}
				var pts []pt
				for i, tt := range p.Territories {
					it := &rm.items[i]
					if it.a == 0 || it.lo == it.hi {
						continue
					}
					x := r.Allocation[tt.ID][rm.name]
					d := it.deriv(x)
					if math.IsInf(d, 1) {
						// c < 1 at 0: the optimum may be positive but
						// below the smallest float; look just above 0.
						d = it.deriv(1e-12 * it.k)
					}
					atLo := x <= it.lo+1e-9*math.Max(1, it.lo)
					atHi := x >= it.hi-1e-9*math.Max(1, it.hi)
					if !atLo && !atHi {
						marg = append(marg, d)
					}
					pts = append(pts, pt{d, atLo, atHi})
				}
				if len(marg) == 0 {
					continue
				}
				price := marg[len(marg)/2]
				for _, q := range pts {
					tol := 1e-5 * math.Max(1, math.Abs(price))
					switch {
					case q.lo && q.d > price+tol:
						t.Errorf("%s: at its lower bound with marginal %v above the price %v", rm.name, q.d, price)
					case q.hi && q.d < price-tol:
						t.Errorf("%s: at its upper bound with marginal %v below the price %v", rm.name, q.d, price)
					case !q.lo && !q.hi && math.Abs(q.d-price) > tol:
						t.Errorf("%s: interior with marginal %v, price %v", rm.name, q.d, price)
					}
				}
				want := r.ShadowPrices[rm.name] + r.ShadowPrices["budget"]*rm.cost
				if math.Abs(want-price) > 1e-5*math.Max(1, price) {
					t.Errorf("%s: shadow prices give %v per unit, the marginals %v", rm.name, want, price)
				}
			}
		})
	}
}

func TestSyntheticInvariants(t *testing.T) {
	for _, s := range []bool{false, true} {
		for seed := range uint64(3) {
			p := Synthetic(500, seed, s)
			f := fixture{name: fmt.Sprintf("sshaped=%v/seed%d", s, seed), p: p, opt: math.NaN(), concave: !s}
			t.Run(f.name, func(t *testing.T) {
				r := solveFixture(t, f)
				if s && r.Gap > 1e-3 {
					t.Errorf("S-shaped gap %v, want a good answer (≤ 1e-3)", r.Gap)
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	p := Synthetic(300, 9, true)
	var prev []byte
	for range 3 {
		r, err := Solve(context.Background(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Seconds = 0
		b, _ := json.Marshal(r)
		if prev != nil && string(b) != string(prev) {
			t.Fatal("two solves of one problem differ")
		}
		prev = b
	}
}

func TestIssueExample(t *testing.T) {
	b, err := os.ReadFile("testdata/issue.json")
	if err != nil {
		t.Fatal(err)
	}
	var p Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	f := fixture{name: "issue", p: &p, opt: math.NaN(), concave: true}
	r := solveFixture(t, f)
	// One territory, ample budget: headcount goes to its change limit (4)
	// and money to its change limit (190,000).
	if got := r.Allocation["T1"]; got["headcount"] != 4 || math.Abs(got["money"]-190000) > 1e-6 {
		t.Errorf("allocation %v, want headcount 4 and money 190000", got)
	}
}

func TestInfeasible(t *testing.T) {
	base := func() *Problem {
		return &Problem{
			Budget:    ptr(100),
			Resources: []Resource{{Name: "headcount", UnitCost: 10, Integer: true, Total: ptr(5)}},
			Territories: []Territory{
				{ID: "A", Curves: map[string]Curve{"headcount": {Beta: 10, K: 1}}, Min: map[string]float64{"headcount": 3}},
				{ID: "B", Curves: map[string]Curve{"headcount": {Beta: 10, K: 1}}, Min: map[string]float64{"headcount": 2}},
			},
		}
	}
	tests := []struct {
		name  string
		edit  func(p *Problem)
		wants []string
	}{
		{"sum of minimums over total", func(p *Problem) { p.Resources[0].Total = ptr(4) }, []string{"total headcount 4", "must keep (\"A\" min 3, \"B\" min 2)"}},
		{"budget below minimums", func(p *Problem) { p.Budget = ptr(40) }, []string{"budget 40"}},
		{"min above change limit", func(p *Problem) {
			p.MaxChange = map[string]float64{"headcount": 1}
			p.Territories[0].Current = map[string]float64{"headcount": 1}
		}, []string{`territory "A"`, "current 1 + max_change 1"}},
		{"locked below min", func(p *Problem) { p.Territories[1].Locked = true }, []string{`territory "B" is locked`}},
		{"min over max", func(p *Problem) { p.Territories[1].Max = map[string]float64{"headcount": 1} }, []string{`territory "B"`, "max 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(p)
			r, err := Solve(context.Background(), p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != Infeasible {
				t.Fatalf("status %s, want infeasible", r.Status)
			}
			all := strings.Join(r.Conflicts, "; ")
			for _, w := range tc.wants {
				if !strings.Contains(all, w) {
					t.Errorf("conflicts %q do not mention %q", all, w)
				}
			}
		})
	}
	t.Run("feasible base", func(t *testing.T) {
		solveFixture(t, fixture{p: base(), opt: bruteForce(base()), concave: true})
	})
}

func TestMalformed(t *testing.T) {
	base := func() *Problem {
		return &Problem{
			Resources: []Resource{{Name: "money", UnitCost: 1, Total: ptr(10)}},
			Territories: []Territory{
				{ID: "A", Curves: map[string]Curve{"money": {Beta: 10, K: 1}}},
				{ID: "B", Curves: map[string]Curve{"money": {Beta: 10, K: 1}}},
			},
		}
	}
	tests := []struct {
		name  string
		edit  func(p *Problem)
		terr  string
		field string
	}{
		{"NaN beta", func(p *Problem) { p.Territories[1].Curves["money"] = Curve{Beta: math.NaN(), K: 1} }, "B", "curves.money.beta"},
		{"negative k", func(p *Problem) { p.Territories[0].Curves["money"] = Curve{Beta: 1, K: -3} }, "A", "curves.money.k"},
		{"unknown resource in curves", func(p *Problem) { p.Territories[1].Curves["monie"] = Curve{Beta: 1, K: 1} }, "B", "curves.monie"},
		{"unknown resource in max", func(p *Problem) { p.Territories[0].Max = map[string]float64{"reps": 2} }, "A", "max.reps"},
		{"duplicate territory", func(p *Problem) { p.Territories[1].ID = "A" }, "A", "id"},
		{"negative budget", func(p *Problem) { p.Budget = ptr(-1) }, "", "budget"},
		{"infinite total", func(p *Problem) { p.Resources[0].Total = ptr(math.Inf(1)) }, "", "resources[0].total"},
		{"NaN current", func(p *Problem) { p.Territories[0].Current = map[string]float64{"money": math.NaN()} }, "A", "current.money"},
		{"unknown objective", func(p *Problem) { p.Objective = "share" }, "", "objective"},
		{"unknown max_change", func(p *Problem) { p.MaxChange = map[string]float64{"reps": 1} }, "", "max_change.reps"},
		{"unbounded", func(p *Problem) { p.Resources[0].Total = nil }, "", "resources.money"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(p)
			_, err := Solve(context.Background(), p, nil)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an *InputError", err)
			}
			if ie.Territory != tc.terr || ie.Field != tc.field {
				t.Errorf("error names territory %q field %q, want %q %q (%v)", ie.Territory, ie.Field, tc.terr, tc.field, err)
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Solve(ctx, Synthetic(2000, 1, false), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestCancelledMidSolve cancels the context from the progress callback
// after the price search: Solve must return the error and either no result
// (ErrNoSolution) or a Canceled result that meets every constraint, as the
// contract of package optimizer says.
func TestCancelledMidSolve(t *testing.T) {
	for _, sShaped := range []bool{false, true} {
		t.Run(fmt.Sprint("sshaped=", sShaped), func(t *testing.T) {
			p := Synthetic(200, 3, sShaped)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res, err := Solve(ctx, p, &Settings{Progress: func(f float64) {
				if f > 0 && f < 1 {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if res == nil {
				if !errors.Is(err, ErrNoSolution) {
					t.Errorf("nil result with error %v, want ErrNoSolution", err)
				}
				return
			}
			t.Logf("canceled result, objective %v", res.Objective)
			if res.Status != Canceled {
				t.Errorf("status %q, want %q", res.Status, Canceled)
			}
			if v := Violations(p, res.Allocation, 1e-9); len(v) > 0 {
				t.Errorf("canceled result breaks constraints: %v", v)
			}
			if obj, _ := Evaluate(p, res.Allocation); math.Abs(obj-res.Objective) > 1e-6*math.Max(1, math.Abs(obj)) {
				t.Errorf("objective %v, recomputed %v", res.Objective, obj)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	var got []float64
	if _, err := Solve(context.Background(), Synthetic(50, 1, true), &Settings{Progress: func(f float64) { got = append(got, f) }}); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[len(got)-1] != 1 {
		t.Fatalf("progress calls %v, want a last call with 1", got)
	}
	for i, f := range got {
		if f < 0 || f > 1 || i > 0 && f < got[i-1] {
			t.Fatalf("progress %v not monotone within 0..1", got)
		}
	}
}
