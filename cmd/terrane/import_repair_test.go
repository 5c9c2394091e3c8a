package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommandRepair checks that `terrane import --map repair=true` prints each repaired
// feature, and that without it the rejection suggests the option.
func TestImportCommandRepair(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "t.db")
	file := filepath.Join(dir, "bowtie.geojson")
	if err := os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"GEOID":"x","NAME":"Bow"},
		"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "--kind", "units", "--layer", "bow", "--id", "GEOID", "--map", "name=NAME", "--db", db}
	env, _, _ := testEnv("")
	if err := run(ctx, env, append(args, file)); err == nil || !strings.Contains(err.Error(), "repair=true") {
		t.Fatalf("without repair: %v, want a rejection suggesting repair=true", err)
	}
	env, out, _ := testEnv("")
	if err := run(ctx, env, append(args, "--map", "repair=true", file)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"units written 1", "features repaired 1", `repaired feature 0 (id "x" Bow): ring 0: crossed itself 1 time`} {
		if !strings.Contains(got, want) {
			t.Errorf("summary does not say %q:\n%s", want, out)
		}
	}
}

// TestImportCommandSkipInvalidUnits checks that `terrane import --map skip_invalid=true` on a
// units file prints each skipped feature by its index and writes them with --skipped-csv.
func TestImportCommandSkipInvalidUnits(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "t.db")
	file := filepath.Join(dir, "two.geojson")
	if err := os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"GEOID":"ok"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
		{"type":"Feature","properties":{"GEOID":"bow"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	skipped := filepath.Join(dir, "skipped.csv")
	env, out, _ := testEnv("")
	if err := run(ctx, env, []string{"import", "--kind", "units", "--layer", "two", "--id", "GEOID", "--map", "skip_invalid=true", "--skipped-csv", skipped, "--db", db, file}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"units written 1", "skipped 1 invalid features", `feature 1 (id "bow"): geometry: polygon 0 ring 0 point 0: self-intersection`} {
		if !strings.Contains(got, want) {
			t.Errorf("summary does not say %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(skipped)
	if err != nil || !strings.HasPrefix(string(b), "line,id,field,message\n1,bow,geometry,") {
		t.Errorf("skipped csv %q %v", b, err)
	}
}
