package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"golang.org/x/crypto/bcrypt"
)

// usersDB is a SQLite database with a layer of two units and a baseline
// scenario with territories W and E (E owned by rick).
func usersDB(t *testing.T) (string, int64) {
	t.Helper()
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A database of its own: the commands do not load the sample (and its
	// reps) into it.
	must(s.SetMeta(ctx, sample.MetaKey, "test"))
	must(s.CreateLayer(ctx, &terrane.Layer{ID: "cells", Name: "Cells"}))
	sq := func(x float64) orb.Polygon { return orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}} }
	must(s.ReplaceUnits(ctx, "cells", []*terrane.Unit{{ID: "a", Name: "A", Geometry: sq(0), Centroid: orb.Point{0.5, 0.5}}, {ID: "b", Name: "B", Geometry: sq(1), Centroid: orb.Point{1.5, 0.5}}}))
	sc := &terrane.Scenario{Name: "Baseline", Layer: "cells", CreatedBy: "seed"}
	must(s.CreateScenario(ctx, sc, []*terrane.Territory{{ID: "W", Name: "West"}, {ID: "E", Name: "East", Owners: []string{"rick"}}}, map[string]string{"a": "W", "b": "E"}))
	return db, sc.ID
}

func owners(t *testing.T, db string, scenario int64) map[string][]string {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.FindTerritories(ctx, scenario)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tr := range ts {
		out[tr.ID] = tr.Owners
	}
	return out
}

// TestUsersAdd: a name with spaces in any script is accepted; --territory
// makes the user an owner in the baseline; an unknown territory is an error
// naming it and stores no user.
func TestUsersAdd(t *testing.T) {
	ctx := context.Background()
	db, baseline := usersDB(t)
	env, out, _ := testEnv("")
	if err := run(ctx, env, []string{"users", "add", "--name", "Ana María Pérez", "--role", "rep", "--territory", "E", "--territory", "W", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "trn_") {
		t.Errorf("users add printed %q, want a token", out)
	}
	got := owners(t, db, baseline)
	if !slices.Equal(got["E"], []string{"Ana María Pérez", "rick"}) || !slices.Equal(got["W"], []string{"Ana María Pérez"}) {
		t.Errorf("owners %v, want E: [Ana María Pérez rick], W: [Ana María Pérez]", got)
	}

	for _, tc := range []struct {
		name string
		args []string
		say  string
	}{
		{"unknown territory", []string{"--name", "Bo Li", "--role", "rep", "--territory", "W", "--territory", "Atlantis"}, `unknown territory "Atlantis": not in scenario`},
		{"unknown scenario", []string{"--name", "Bo Li", "--role", "rep", "--territory", "W", "--scenario", "99"}, "99"},
		{"taken name", []string{"--name", "Ana María Pérez", "--role", "rep"}, "already exists"},
		{"space at the end", []string{"--name", "Bo Li ", "--role", "rep"}, "starts or ends with a space"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, _ := testEnv("")
			err := run(ctx, env, append([]string{"users", "add", "--db", db}, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.say) {
				t.Fatalf("users add %v: error %v, want one saying %q", tc.args, err, tc.say)
			}
			env, out, _ := testEnv("")
			if err := run(ctx, env, []string{"users", "list", "--db", db}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "Bo Li") {
				t.Errorf("a refused users add stored the user:\n%s", out)
			}
		})
	}
}

// TestUsersAddTwoBaselines: with a baseline on each of two layers, the
// territory picks the baseline holding it; one in neither is an error naming it.
func TestUsersAddTwoBaselines(t *testing.T) {
	ctx := context.Background()
	db, first := usersDB(t)
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateLayer(ctx, &terrane.Layer{ID: "other", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceUnits(ctx, "other", []*terrane.Unit{{ID: "n", Name: "N", Geometry: orb.Polygon{{{5, 5}, {6, 5}, {6, 6}, {5, 6}, {5, 5}}}, Centroid: orb.Point{5.5, 5.5}}}); err != nil {
		t.Fatal(err)
	}
	second := &terrane.Scenario{Name: "Other baseline", Layer: "other", CreatedBy: "seed"}
	if err := s.CreateScenario(ctx, second, []*terrane.Territory{{ID: "N", Name: "North"}}, map[string]string{"n": "N"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	env, _, _ := testEnv("")
	if err := run(ctx, env, []string{"users", "add", "--name", "Nora North", "--role", "rep", "--territory", "N", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if got := owners(t, db, second.ID); !slices.Equal(got["N"], []string{"Nora North"}) {
		t.Errorf("owners of the second baseline %v, want N: [Nora North]", got)
	}
	if got := owners(t, db, first); len(got["W"]) != 0 {
		t.Errorf("owners of the first baseline changed: %v", got)
	}
	env, _, _ = testEnv("")
	err = run(ctx, env, []string{"users", "add", "--name", "Bo Li", "--role", "rep", "--territory", "Atlantis", "--db", db})
	if err == nil || !strings.Contains(err.Error(), `unknown territory "Atlantis"`) {
		t.Errorf("a territory in no baseline: error %v", err)
	}
}

// TestUsersListPasswdDelete: list shows name, role, territories, manager and
// region; passwd sets a given password or prints a generated one that then
// signs in; delete removes the user.
func TestUsersListPasswdDelete(t *testing.T) {
	ctx := context.Background()
	db, _ := usersDB(t)
	for _, args := range [][]string{
		{"--name", "Ana María Pérez", "--role", "rep", "--territory", "E"},
		{"--name", "ada", "--role", "admin"},
	} {
		env, _, _ := testEnv("")
		if err := run(ctx, env, append([]string{"users", "add", "--db", db}, args...)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	ana, _ := s.FindUserByName(ctx, "Ana María Pérez")
	mgr, region := "Lee Chen", "West Coast"
	if _, err := s.UpdateUser(ctx, ana.ID, terrane.UserUpdate{Manager: &mgr, Region: &region}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	env, out, _ := testEnv("")
	if err := run(ctx, env, []string{"users", "list", "--db", db}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "NAME ROLE TERRITORIES MANAGER REGION" {
		t.Fatalf("users list:\n%s", out)
	}
	for _, want := range []string{"Ana María Pérez", "rep", "E", "Lee Chen", "West Coast"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q does not say %q", lines[1], want)
		}
	}

	signsIn := func(name, pw string) bool {
		s, err := data.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		u, err := s.FindUserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
	}
	env, out, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "passwd", "--name", "Ana María Pérez", "--db", db}); err != nil {
		t.Fatal(err)
	}
	generated := strings.TrimSpace(out.String())
	if len(generated) != 16 || !signsIn("Ana María Pérez", generated) {
		t.Errorf("generated password %q does not sign in", generated)
	}
	env, out, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "passwd", "--name", "Ana María Pérez", "--password", "correct horse", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 || !signsIn("Ana María Pérez", "correct horse") || signsIn("Ana María Pérez", generated) {
		t.Errorf("a given password: printed %q, or the new one does not sign in, or the old one still does", out)
	}
	env, _, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "passwd", "--name", "Ana María Pérez", "--password", "short", "--db", db}); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Errorf("a short password: error %v", err)
	}
	env, _, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "passwd", "--name", "nobody", "--db", db}); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("passwd of an unknown user: error %v", err)
	}

	env, out, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "delete", "--name", "Ana María Pérez", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "deleted user Ana María Pérez") {
		t.Errorf("users delete printed %q", out)
	}
	env, out, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "list", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Ana") {
		t.Errorf("deleted user still listed:\n%s", out)
	}
	env, _, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "delete", "--name", "Ana María Pérez", "--db", db}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("deleting twice: error %v", err)
	}
}

// TestImportRepsCommand: terrane import --kind reps runs the reps importer:
// the people appear in users list and own their territories in the baseline.
func TestImportRepsCommand(t *testing.T) {
	ctx := context.Background()
	db, baseline := usersDB(t)
	env, out, _ := testEnv("name,email,territory,manager,region,quota\nAna María Pérez,ana@example.com,W;E,Lee Chen,West,1400000\n")
	if err := run(ctx, env, []string{"import", "--kind", "reps", "--layer", "cells", "--db", db, "-"}); err != nil {
		t.Fatal(err)
	}
	if got := owners(t, db, baseline); !slices.Equal(got["W"], []string{"Ana María Pérez"}) || !slices.Equal(got["E"], []string{"Ana María Pérez", "rick"}) {
		t.Errorf("owners %v after import (summary %s)", got, out)
	}
	if sum := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(sum, "users created 1") || !strings.Contains(sum, "owners set in scenario 1") {
		t.Errorf("summary:\n%s", out)
	}
	env, out, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "list", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Ana María Pérez") || !strings.Contains(out.String(), "W;E") || !strings.Contains(out.String(), "Lee Chen") {
		t.Errorf("users list after the import:\n%s", out)
	}
}
