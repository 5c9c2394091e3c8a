package align

import (
	"testing"
	"time"
)

// TestEdgeCases runs every engine on degenerate instances: one territory,
// one unit per territory, zero demands, no edges, a disconnected graph.
// Each must return a complete answer that the checker accepts.
func TestEdgeCases(t *testing.T) {
	type tc struct {
		name     string
		in       *Problem
		feasible bool
	}
	mk := func(edit func(*Problem)) *Problem {
		in := tinyGrid(4, 3, 3, 7)
		edit(in)
		return in
	}
	cases := []tc{
		{"pmedian k=1", mk(func(in *Problem) { in.K = 1 }), true},
		{"pmedian k=n", mk(func(in *Problem) { in.K = len(in.Units) }), true},
		{"capacitated k=n", mk(func(in *Problem) {
			in.K = len(in.Units)
			for i := range in.Units {
				in.Units[i].Capacity = 100
			}
		}), true},
		{"contiguous k=1", mk(func(in *Problem) { in.K, in.Contiguous = 1, true }), true},
		{"contiguous k=n", mk(func(in *Problem) { in.K, in.Contiguous = len(in.Units), true }), true},
		{"cut zero demand", mk(func(in *Problem) {
			in.Objective, in.Contiguous, in.Balance = ObjectiveCutEdges, true, Balance{Tolerance: 0.1}
			for i := range in.Units {
				in.Units[i].Demand = 0
			}
		}), true},
		{"contiguous without edges", mk(func(in *Problem) { in.Contiguous, in.Edges = true, nil }), false},
		{"disconnected graph", mk(func(in *Problem) {
			in.Contiguous = true
			var keep [][2]int
			for _, e := range in.Edges {
				if !(e[0]%4 == 1 && e[1]%4 == 2) { // cut the grid between columns 1 and 2
					keep = append(keep, e)
				}
			}
			in.Edges = keep
			in.K = 2
		}), true},
		{"impossible balance", mk(func(in *Problem) {
			in.Contiguous, in.Balance = true, Balance{Min: 1000}
		}), false},
		{"all locked", mk(func(in *Problem) {
			in.Contiguous = true
			for i := range in.Units {
				in.Units[i].Current, in.Units[i].Locked = i%4*3/4, true // columns 0,1 | 2 | 3 → 0 0 1 2
			}
		}), true},
		{"current plan leaves a territory empty", mk(func(in *Problem) {
			in.Contiguous, in.MaxMoved = true, 0.5
			for i := range in.Units {
				in.Units[i].Current = 0 // territories 1 and 2 are empty in the current plan
				if i%4 == 3 {
					in.Units[i].Current = 1
				}
			}
		}), true},
		{"non-contiguous with current plan, locks and max_moved", mk(func(in *Problem) {
			in.Edges, in.MaxMoved, in.Balance = nil, 0.3, Balance{Tolerance: 0.5}
			for i := range in.Units {
				in.Units[i].Current = (i % 4) * 3 / 4
			}
			in.Units[0].Locked, in.Units[11].Locked = true, true
		}), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := solveChecked(t, c.in, &Settings{TimeLimit: time.Minute, MaxIterations: 300})
			if res.Feasible != c.feasible {
				t.Errorf("feasible %v, want %v (status %s)", res.Feasible, c.feasible, res.Status)
			}
			if !res.Feasible && res.Status != Infeasible {
				t.Errorf("status %q for an infeasible answer, want %q", res.Status, Infeasible)
			}
		})
	}
}

func TestDiagnose(t *testing.T) {
	in := &Problem{K: 3, Contiguous: true, Balance: Balance{Min: 9, Max: 11},
		Units: []Unit{{ID: "a", Demand: 8}, {ID: "b", Demand: 4}, {ID: "c", Demand: 20}, {ID: "d", Demand: 10}},
		Edges: [][2]int{{0, 1}, {1, 2}, {2, 3}}}
	got := Diagnose(in)
	want := []struct {
		id, reason string
	}{{"a", "stranded"}, {"b", "stranded"}, {"c", "oversize"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %v", got, want)
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Reason != w.reason {
			t.Errorf("obstacle %d = %s %s, want %s %s", i, got[i].ID, got[i].Reason, w.id, w.reason)
		}
	}
	in.Contiguous = false // without contiguity only the oversize unit blocks
	if got := Diagnose(in); len(got) != 1 || got[0].ID != "c" {
		t.Errorf("non-contiguous: got %+v, want only c", got)
	}
	// and the solver agrees the instance is infeasible
	in.Contiguous = true
	if res := solveChecked(t, in, &Settings{MaxIterations: 200}); res.Feasible {
		t.Errorf("solver found a feasible answer to an instance with obstacles")
	}
}

// Miami-Dade's shape: with Monroe it is short of the minimum; with Collier
// it encloses Monroe (whose only other neighbour is Collier) and overshoots
// the maximum; Broward is too big to join. No neighbour alone shows it.
func TestDiagnoseEnclosedUnits(t *testing.T) {
	in := &Problem{K: 3, Contiguous: true, Balance: Balance{Min: 10, Max: 11},
		Units: []Unit{{ID: "miami", Demand: 9}, {ID: "monroe", Demand: 0.4}, {ID: "collier", Demand: 1.7},
			{ID: "broward", Demand: 7}, {ID: "palm", Demand: 3.5}, {ID: "lee", Demand: 9}},
		Edges: [][2]int{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {2, 3}, {2, 5}, {3, 4}, {4, 5}}}
	got := Diagnose(in)
	if len(got) != 1 || got[0].ID != "miami" || got[0].Reason != "stranded" {
		t.Fatalf("got %+v, want only miami stranded", got)
	}
	// with a lighter Collier the pair holds Monroe within the bounds
	in.Units[2].Demand = 1.5
	if got := Diagnose(in); len(got) != 0 {
		t.Errorf("Collier 1.5: got %+v, want none", got)
	}
}

// Peeling changes the mean, so a second round can find a unit the first
// did not: 100 is above 1.05 × 200/3; without it, 55 is above 1.05 × 100/2.
func TestPeelRounds(t *testing.T) {
	full := &Problem{K: 3, Balance: Balance{Tolerance: 0.05}, Distance: Euclidean,
		Units: []Unit{{ID: "a", Demand: 100}, {ID: "b", Demand: 55}, {ID: "c", Demand: 20}, {ID: "d", Demand: 15}, {ID: "e", Demand: 10}}}
	rounds := 0
	in, obs, err := Peel(len(full.Units), func(peeled []bool) (*Problem, []int, error) {
		rounds++
		sub := &Problem{K: full.K, Balance: full.Balance, Distance: full.Distance}
		var back []int
		for i, u := range full.Units {
			if peeled[i] {
				sub.K--
			} else {
				sub.Units = append(sub.Units, u)
				back = append(back, i)
			}
		}
		return sub, back, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rounds != 3 || len(obs) != 2 || obs[0].Unit != 0 || obs[1].Unit != 1 || obs[1].Reason != "oversize" {
		t.Fatalf("%d rounds, obstacles %+v; want a then b, in 3 rounds", rounds, obs)
	}
	if in.K != 1 || len(in.Units) != 3 {
		t.Errorf("last instance: k %d with %d units, want 1 with 3", in.K, len(in.Units))
	}
}
