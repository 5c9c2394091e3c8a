package data_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func TestReplaceLayer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		units := []*terrane.Unit{
			{ID: "a", Name: "A", Geometry: square(0, 0, 1), Centroid: orb.Point{0.5, 0.5}, Attributes: map[string]float64{"pop": 3}},
			{ID: "b", Name: "B", Geometry: square(1, 0, 1), Centroid: orb.Point{1.5, 0.5}},
		}
		// Creates the layer with its units and adjacency.
		if err := s.ReplaceLayer(ctx, &terrane.Layer{ID: "cells", Name: "Cells", Description: "v1"}, units, [][2]string{{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
		l, err := s.FindLayerByID(ctx, "cells")
		if err != nil || l.Name != "Cells" || l.Description != "v1" || l.UnitCount != 2 {
			t.Fatalf("layer %+v, %v", l, err)
		}
		if adj, _ := s.FindAdjacency(ctx, "cells"); !cmp.Equal(adj, [][2]string{{"a", "b"}}) {
			t.Errorf("adjacency %v", adj)
		}
		// Replaces units, adjacency, name and description together.
		if err := s.ReplaceLayer(ctx, &terrane.Layer{ID: "cells", Name: "Cells 2"}, units[:1], nil); err != nil {
			t.Fatal(err)
		}
		l, _ = s.FindLayerByID(ctx, "cells")
		adj, _ := s.FindAdjacency(ctx, "cells")
		if l.Name != "Cells 2" || l.Description != "" || l.UnitCount != 1 || len(adj) != 0 || adj == nil {
			t.Errorf("after replace: %+v, adjacency %v", l, adj)
		}
		// Bad input changes nothing: a duplicate unit, an edge to an unknown unit, an invalid unit or layer.
		before, _ := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: "cells"})
		for name, call := range map[string]func() error{
			"duplicate": func() error {
				return s.ReplaceLayer(ctx, &terrane.Layer{ID: "cells", Name: "X"}, []*terrane.Unit{units[0], units[0]}, nil)
			},
			"edge": func() error {
				return s.ReplaceLayer(ctx, &terrane.Layer{ID: "cells", Name: "X"}, units, [][2]string{{"a", "zz"}})
			},
			"unit": func() error {
				return s.ReplaceLayer(ctx, &terrane.Layer{ID: "cells", Name: "X"}, []*terrane.Unit{{ID: "q"}}, nil)
			},
			"layer": func() error { return s.ReplaceLayer(ctx, &terrane.Layer{ID: "Bad Id", Name: "X"}, units, nil) },
		} {
			if err := call(); terrane.ErrorCode(err) != terrane.EINVALID {
				t.Errorf("%s: error %v, want EINVALID", name, err)
			}
		}
		after, _ := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: "cells"})
		if l, _ := s.FindLayerByID(ctx, "cells"); string(after) != string(before) || l.Name != "Cells 2" {
			t.Errorf("a refused ReplaceLayer changed the layer")
		}
	})
}

func TestReplaceAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		if err := s.ReplaceLayer(ctx, &terrane.Layer{ID: "other", Name: "Other"}, []*terrane.Unit{{ID: "o", Geometry: square(9, 9, 1)}}, nil); err != nil {
			t.Fatal(err)
		}
		acct := func(id, layer, unit string) *terrane.Account {
			return &terrane.Account{ID: id, Layer: layer, UnitID: unit, Revenue: 5, Location: orb.Point{0.5, 0.5}}
		}
		if err := s.ReplaceAccounts(ctx, "other", []*terrane.Account{acct("o1", "other", "o")}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceAccounts(ctx, "grid", []*terrane.Account{acct("g1", "grid", "a"), acct("g2", "grid", "b")}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceAccounts(ctx, "grid", []*terrane.Account{acct("g3", "grid", "c")}, nil); err != nil {
			t.Fatal(err)
		}
		ids := func() []string {
			all, _ := s.FindAccounts(ctx, terrane.AccountFilter{})
			var out []string
			for _, a := range all {
				out = append(out, a.ID)
			}
			return out
		}
		if got := ids(); !cmp.Equal(got, []string{"g3", "o1"}) {
			t.Errorf("accounts %v, want [g3 o1]", got)
		}
		// An id of another layer's account collides inside the transaction,
		// after the delete: the rollback keeps g3.
		err := s.ReplaceAccounts(ctx, "grid", []*terrane.Account{acct("g4", "grid", "a"), acct("o1", "grid", "a")}, nil)
		wantCode(t, err, terrane.ECONFLICT)
		if msg := terrane.ErrorMessage(err); msg != "account o1 already exists in layer other; account ids are unique across layers" {
			t.Errorf("conflict message %q", msg)
		}
		wantCode(t, s.ReplaceAccounts(ctx, "grid", []*terrane.Account{acct("g4", "other", "a")}, nil), terrane.EINVALID)
		wantCode(t, s.ReplaceAccounts(ctx, "grid", []*terrane.Account{acct("g4", "grid", "a"), acct("g4", "grid", "a")}, nil), terrane.ECONFLICT)
		wantCode(t, s.ReplaceAccounts(ctx, "nowhere", nil, nil), terrane.ENOTFOUND)
		if got := ids(); !cmp.Equal(got, []string{"g3", "o1"}) {
			t.Errorf("accounts after failures %v, want [g3 o1]", got)
		}
	})
}

// An accounts filter over more units than SQLite binds variables (a ZIP
// layer's 33,232) answers like a short one: the accounts of those units,
// ordered by id, with limit and offset.
func TestFindAccountsOfManyUnits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		seedLayer(t, s)
		var accts []*terrane.Account
		for i, u := range []string{"a", "b", "c", "a", "c"} {
			accts = append(accts, &terrane.Account{ID: fmt.Sprintf("x%d", i), Layer: "grid", UnitID: u, Revenue: 1, Location: orb.Point{0.5, 0.5}})
		}
		if err := s.ReplaceAccounts(ctx, "grid", accts, nil); err != nil {
			t.Fatal(err)
		}
		ids := func(as []*terrane.Account) string {
			var out []string
			for _, a := range as {
				out = append(out, a.ID)
			}
			return strings.Join(out, ",")
		}
		many := []string{"a", "c"}
		for i := range 40000 {
			many = append(many, fmt.Sprintf("zz%05d", i)) // units without accounts
		}
		for _, c := range []struct {
			units         []string
			limit, offset int
			want          string
		}{
			{[]string{"a", "c"}, 0, 0, "x0,x2,x3,x4"},
			{many, 0, 0, "x0,x2,x3,x4"},
			{many, 2, 1, "x2,x3"},
		} {
			got, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid", UnitIDs: c.units, Limit: c.limit, Offset: c.offset})
			if err != nil {
				t.Fatalf("%d units: %v", len(c.units), err)
			}
			if ids(got) != c.want {
				t.Errorf("%d units, limit %d offset %d: %s, want %s", len(c.units), c.limit, c.offset, ids(got), c.want)
			}
		}
	})
}

// Units listed and moved by the thousand — more than are bound one by one —
// go through the same queries as a few.
func TestUnitsByTheThousand(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		if err := s.CreateLayer(ctx, &terrane.Layer{ID: "many", Name: "Many"}); err != nil {
			t.Fatal(err)
		}
		const n = 1500
		var units []*terrane.Unit
		ids := []string{}
		assign := map[string]string{}
		moves := map[string]string{}
		for i := range n {
			id := fmt.Sprintf("u%04d", i)
			units = append(units, &terrane.Unit{ID: id, Name: id, Geometry: square(float64(i%50), float64(i/50), 1), Centroid: orb.Point{float64(i%50) + 0.5, float64(i/50) + 0.5}})
			ids = append(ids, id)
			assign[id], moves[id] = "T1", "T2"
		}
		if err := s.ReplaceUnits(ctx, "many", units); err != nil {
			t.Fatal(err)
		}
		found, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "many", IDs: append(slices.Clone(ids), "none1", "none2")})
		if err != nil || len(found) != n {
			t.Fatalf("FindUnits of %d ids = %d units, %v; want %d", n+2, len(found), err, n)
		}
		terrs := []*terrane.Territory{{ID: "T1", Name: "One"}, {ID: "T2", Name: "Two"}}
		base := &terrane.Scenario{Name: "many", Layer: "many"}
		if err := s.CreateScenario(ctx, base, terrs, assign); err != nil {
			t.Fatal(err)
		}
		sc := &terrane.Scenario{Name: "many, a draft", Layer: "many", ParentID: base.ID} // the baseline is read-only
		if err := s.CreateScenario(ctx, sc, terrs, assign); err != nil {
			t.Fatal(err)
		}
		_, from, err := s.MoveUnits(ctx, sc.ID, sc.Version, moves, "ann")
		if err != nil || len(from) != n {
			t.Fatalf("MoveUnits of %d units: %d moved, %v", n, len(from), err)
		}
		if a, _ := s.FindAssignments(ctx, sc.ID); a["u0000"] != "T2" || a[fmt.Sprintf("u%04d", n-1)] != "T2" {
			t.Errorf("after the move: u0000 in %s, the last in %s; want T2", a["u0000"], a[fmt.Sprintf("u%04d", n-1)])
		}
	})
}
