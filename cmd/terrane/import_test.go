package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "t.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	units := write("cells.geojson", `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"GEOID":"a","NAME":"A","POP":5},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
		{"type":"Feature","properties":{"GEOID":"b","NAME":"B","POP":7},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}`)

	env, out, _ := testEnv("")
	if err := run(ctx, env, []string{"import", "--kind", "units", "--layer", "cells", "--id", "GEOID", "--map", "name=NAME", "--db", db, units}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"imported units into layer cells", "units written 2", "neighbour pairs 1"} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
			t.Errorf("summary does not say %q:\n%s", want, out)
		}
	}

	// Accounts from standard input, with chosen columns.
	env, out, _ = testEnv("Customer,X,Y,Sales\nc1,0.5,0.5,10\nc2,1.5,0.5,20\nc3,5,5,1\n")
	if err := run(ctx, env, []string{"import", "--kind", "accounts", "--layer", "cells", "--id", "Customer", "--map", "lon=X", "--map", "lat=Y", "--map", "revenue=Sales", "--db", db, "-"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"accounts written", "located 2 (66.7 % of rows)", "unlocated 1"} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), want) {
			t.Errorf("summary does not say %q:\n%s", want, out)
		}
	}

	// Markets with --id naming the unit column.
	env, out, _ = testEnv("Cell,market,revenue\na,1000,10\nb,2000,0\n")
	if err := run(ctx, env, []string{"import", "--kind", "markets", "--layer", "cells", "--id", "Cell", "--db", db, "-"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "estimates written 2") {
		t.Errorf("markets summary:\n%s", out)
	}

	// A bad file: one-line error naming the rows, nothing changes.
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "cells"})
	s.Close()
	bad := write("bad.csv", "id,lon,lat,revenue\nz1,0.5,0.5,-3\nz2,0.5,0.5,abc\n")
	env, _, _ = testEnv("")
	err = run(ctx, env, []string{"import", "--kind", "accounts", "--layer", "cells", "--db", db, bad})
	if err == nil {
		t.Fatal("a bad file was accepted")
	}
	msg := oneLine(err)
	for _, want := range []string{"2 problems", `line 2 (id "z1"): revenue: negative revenue`, `line 3 (id "z2"): revenue: "abc" is not a number`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if errors.Is(err, errUsage) {
		t.Errorf("a bad file is not a usage error")
	}
	s, _ = data.Open(ctx, db)
	after, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "cells"})
	s.Close()
	if len(after) != len(before) || len(after) != 3 {
		t.Errorf("accounts changed: %d before, %d after", len(before), len(after))
	}

	// Size limit and usage errors.
	env, _, _ = testEnv("")
	if err := run(ctx, env, []string{"import", "--kind", "accounts", "--layer", "cells", "--max-size", "10B", "--db", db, bad}); err == nil || !strings.Contains(err.Error(), "larger than the limit of 10 bytes") {
		t.Errorf("over the limit: %v", err)
	}
	for _, args := range [][]string{
		{"import", "--layer", "cells", bad},
		{"import", "--kind", "accounts", "--layer", "cells"},
		{"import", "--kind", "accounts", "--map", "revenue", bad},
		{"import", "--kind", "accounts", "--max-size", "lots", bad},
	} {
		env, _, _ = testEnv("")
		if err := run(ctx, env, args); !errors.Is(err, errUsage) {
			t.Errorf("%v: error %v, want a usage error", args, err)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"200MiB": 200 << 20, "1GiB": 1 << 30, "50 MB": 50e6, "1024": 1024, "10B": 10} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "0", "many"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) accepted", in)
		}
	}
}

// TestImportCreateScenario makes a baseline scenario on an imported layer
// with --create-scenario.
func TestImportCreateScenario(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "t.db")
	units := filepath.Join(dir, "cells.geojson")
	if err := os.WriteFile(units, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
		{"type":"Feature","properties":{"GEOID":"b"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _, _ := testEnv("")
	if err := run(ctx, env, []string{"import", "--kind", "units", "--layer", "cells", "--id", "GEOID", "--db", db, units}); err != nil {
		t.Fatal(err)
	}
	env, out, _ := testEnv("unit,territory,territory_name,owner\na,N,North,Ann Lee\nb,S,South,\n")
	if err := run(ctx, env, []string{"import", "--kind", "assignments", "--layer", "cells", "--create-scenario", "Cells baseline", "--db", db, "-"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(got, "scenario created") || !strings.Contains(got, "territories created 2") {
		t.Errorf("summary:\n%s", out)
	}
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{Layer: "cells"})
	if len(list) != 1 || list[0].Name != "Cells baseline" || list[0].ParentID != 0 || list[0].Layer != "cells" {
		t.Fatalf("scenarios %+v", list)
	}
	terrs, _ := s.FindTerritories(ctx, list[0].ID)
	if len(terrs) != 2 || terrs[0].ID != "N" || terrs[0].Name != "North" || len(terrs[0].Owners) != 1 {
		t.Errorf("territories %+v", terrs)
	}

	// The baseline's current resources: --kind resources --scenario ID,
	// --id naming the territory column.
	id := strconv.FormatInt(list[0].ID, 10)
	env, out, _ = testEnv("Region,resource,amount\nN,headcount,2\nS,money,500\n")
	if err := run(ctx, env, []string{"import", "--kind", "resources", "--scenario", id, "--id", "Region", "--db", db, "-"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(out.String()), " "); !strings.Contains(got, "imported resources into layer cells") || !strings.Contains(got, "amounts written 2") || !strings.Contains(got, "territories 2") {
		t.Errorf("resources summary:\n%s", out)
	}
	terrs, _ = s.FindTerritories(ctx, list[0].ID)
	if terrs[0].Current["headcount"] != 2 || terrs[1].Current["money"] != 500 || len(terrs[0].Assumed)+len(terrs[1].Assumed) != 0 {
		t.Errorf("territories after the resources import %+v %+v", terrs[0], terrs[1])
	}
	env, _, _ = testEnv("territory,resource,amount\nN,headcount,2.5\n")
	err = run(ctx, env, []string{"import", "--kind", "resources", "--scenario", id, "--db", db, "-"})
	if msg := oneLine(err); !strings.Contains(msg, `line 2 (id "N"): amount: headcount is allocated in whole reps: 2.5 is not a whole number`) {
		t.Errorf("bad resources file: %v", msg)
	}
}
