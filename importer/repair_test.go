package importer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/planar"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/geo"
)

// worldBoundaries reads a file of ../shared/data/world-boundaries (shared/ beside the
// checkout). The test is skipped only when shared/ itself is absent; a missing file inside it
// fails the test.
func worldBoundaries(t *testing.T, name string) []byte {
	t.Helper()
	shared := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(shared); errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared data not present: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(shared, "data", "world-boundaries", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportNaturalEarthRepair is the acceptance test of issue 13's "The Natural Earth 1:110m
// and 1:50m files import with repair=true, listing the repairs": without the option the file
// is rejected naming the feature and suggesting it; with it every country is stored, valid,
// and the repaired ones (Russia, Antarctica, Fiji) are listed.
func TestImportNaturalEarthRepair(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		file     string
		features int
		repaired []string // names of features that must be listed as repaired
	}{
		{"countries-110m.json", 177, []string{"Russia", "Antarctica", "Fiji"}},
		{"countries-50m.json", 241, []string{"Russia", "Fiji"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			file := worldBoundaries(t, tc.file)
			forEachBackend(t, func(t *testing.T, s *data.Store) {
				opts := Options{Kind: KindUnits, Layer: "world", Fields: map[string]string{"object": "countries", "id": "name"}}
				_, err := Import(ctx, s, bytes.NewReader(file), opts)
				var ie *Errors
				if !errors.As(err, &ie) {
					t.Fatalf("without repair: got %v, want a rejected file", err)
				}
				if msg := terrane.ErrorMessage(err); !strings.Contains(msg, `(id "Russia")`) || !strings.Contains(msg, "repair=true") {
					t.Errorf("without repair the error should name Russia and suggest repair=true:\n%s", msg)
				}
				if _, err := s.FindLayerByID(ctx, "world"); terrane.ErrorCode(err) != terrane.ENOTFOUND {
					t.Errorf("a rejected file stored a layer: %v", err)
				}

				opts.Fields["repair"] = "true"
				res, err := Import(ctx, s, bytes.NewReader(file), opts)
				if err != nil {
					t.Fatal(err)
				}
				if res.Units != tc.features {
					t.Errorf("units written %d, want %d", res.Units, tc.features)
				}
				listed := map[string]UnitRepair{}
				for _, r := range res.Repairs {
					listed[r.Name] = r
					if len(r.Repairs) == 0 || r.ID == "" {
						t.Errorf("repair of feature %d lists nothing: %+v", r.Feature, r)
					}
					t.Logf("feature %d %s: %s", r.Feature, r.Name, strings.Join(r.Repairs, "; "))
				}
				for _, name := range tc.repaired {
					r, ok := listed[name]
					if !ok {
						t.Errorf("%s is not listed among the repairs", name)
						continue
					}
					if !strings.Contains(strings.Join(r.Repairs, " "), "antimeridian") {
						t.Errorf("%s: repairs %q, want the antimeridian cut", name, r.Repairs)
					}
				}
				units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "world"})
				if err != nil {
					t.Fatal(err)
				}
				if len(units) != tc.features {
					t.Errorf("stored %d units, want %d", len(units), tc.features)
				}
				for _, u := range units {
					if err := geo.Validate(u.Geometry); err != nil {
						t.Errorf("stored unit %q is invalid: %v", u.ID, err)
					}
					if geo.CrossesAntimeridian(u.Geometry) {
						t.Errorf("stored unit %q still runs the long way round the world", u.ID)
					}
					// Fiji is about 1.6 square degrees of land; a ring left the long way round
					// would make it a band across the map of hundreds.
					if a := planar.Area(u.Geometry); u.ID == "Fiji" && (a < 1 || a > 3) {
						t.Errorf("Fiji's area %.1f square degrees, want about 1.6", a)
					}
				}
			})
		})
	}
}
