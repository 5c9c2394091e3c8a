package importer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// TestImportMalformed gives each kind of bad file and checks that it is
// rejected as a whole with its specific problem — line or feature, field and
// message — and that nothing stored changed.
func TestImportMalformed(t *testing.T) {
	forEachBackend(t, testImportMalformed)
}

func testImportMalformed(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s)
	before := snapshot(t, s, sc)
	feature := func(i int) *int { return &i }
	unitsWith := func(geom string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"GEOID":"x"},"geometry":` + geom + `}]}`
	}
	square := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	manyBad := "unit_id,market\n" + strings.Repeat("nowhere,1\n", 30)
	for _, tc := range []struct {
		name   string
		kind   string
		file   string
		fields map[string]string
		want   Problem // the first problem; Message is matched as a substring
		total  int     // number of problems found; 0 = do not check
	}{
		// Units.
		{name: "not json", kind: KindUnits, file: "{oops", want: Problem{Message: "not valid JSON"}},
		{name: "neither geojson nor csv", kind: KindUnits, file: "a,b\n1,2\n", want: Problem{Message: "not a GeoJSON, TopoJSON or zipped Shapefile"}},
		{name: "unclosed ring", kind: KindUnits, fields: map[string]string{"id": "GEOID"},
			file: unitsWith(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]}`),
			want: Problem{Feature: feature(0), ID: "x", Field: "geometry", Message: "not closed"}},
		{name: "self-intersection", kind: KindUnits, fields: map[string]string{"id": "GEOID"},
			file: unitsWith(`{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[2,-1],[0,4],[0,0]]]}`),
			want: Problem{Feature: feature(0), ID: "x", Field: "geometry", Message: "intersect"}},
		{name: "wrong crs by coordinates", kind: KindUnits, fields: map[string]string{"id": "GEOID"},
			file: unitsWith(`{"type":"Polygon","coordinates":[[[500000,4000000],[500100,4000000],[500100,4000100],[500000,4000000]]]}`),
			want: Problem{Feature: feature(0), ID: "x", Field: "geometry", Message: "projected CRS"}},
		{name: "wrong crs member", kind: KindUnits, fields: map[string]string{"id": "GEOID"},
			file: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[{"type":"Feature","properties":{"GEOID":"x"},"geometry":` + square + `}]}`,
			want: Problem{Field: "crs", Message: "3857"}},
		{name: "missing id", kind: KindUnits, fields: map[string]string{"id": "FIPS"}, file: unitsWith(square),
			want: Problem{Feature: feature(0), Field: "FIPS", Message: "missing id"}},
		{name: "duplicate id", kind: KindUnits, fields: map[string]string{"id": "GEOID"},
			file: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"GEOID":"x"},"geometry":` + square + `},{"type":"Feature","properties":{"GEOID":"x"},"geometry":` + square + `}]}`,
			want: Problem{Feature: feature(1), ID: "x", Field: "id", Message: "duplicate id"}},
		{name: "point geometry", kind: KindUnits, fields: map[string]string{"id": "GEOID"}, file: unitsWith(`{"type":"Point","coordinates":[1,2]}`),
			want: Problem{Feature: feature(0), ID: "x", Field: "geometry", Message: "want Polygon or MultiPolygon"}},
		{name: "no features", kind: KindUnits, file: `{"type":"FeatureCollection","features":[]}`, want: Problem{Message: "no features"}},
		{name: "missing name property", kind: KindUnits, fields: map[string]string{"id": "GEOID", "name": "NAME"}, file: unitsWith(square),
			want: Problem{Field: "NAME", Message: "no feature has the property chosen for name"}},
		{name: "skip_invalid: wrong crs member still rejects", kind: KindUnits, fields: map[string]string{"id": "GEOID", "skip_invalid": "true"},
			file: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[{"type":"Feature","properties":{"GEOID":"x"},"geometry":` + square + `}]}`,
			want: Problem{Field: "crs", Message: "3857"}},
		{name: "skip_invalid: topology without object still rejects", kind: KindUnits, fields: map[string]string{"skip_invalid": "true"},
			file: `{"type":"Topology","arcs":[],"objects":{"a":{"type":"GeometryCollection","geometries":[]},"b":{"type":"GeometryCollection","geometries":[]}}}`,
			want: Problem{Field: "objects", Message: "with the option object=NAME"}},
		{name: "skip_invalid: every feature bad", kind: KindUnits, fields: map[string]string{"id": "GEOID", "skip_invalid": "true"},
			file: unitsWith(`{"type":"Point","coordinates":[1,2]}`), want: Problem{Message: "every feature is invalid (1 skipped); nothing to import"}},
		{name: "broken zip", kind: KindUnits, fields: map[string]string{"id": "GEOID"}, file: "PK\x03\x04garbage", want: Problem{Field: ".zip", Message: "not a zip archive"}},

		// Assignments.
		{name: "assignments: unknown unit", kind: KindAssignments, file: "unit_id,territory_id\nc0r0,W\nzz9,W\n",
			want: Problem{Row: 3, ID: "zz9", Field: "unit_id", Message: `unknown unit "zz9": not in layer grid`}},
		{name: "assignments: duplicate unit", kind: KindAssignments, file: "unit_id,territory_id\nc0r0,W\nc0r0,E\n",
			want: Problem{Row: 3, ID: "c0r0", Field: "unit_id", Message: "appears twice (also line 2)"}},
		{name: "assignments: missing column", kind: KindAssignments, file: "unit_id,owner\nc0r0,W\n",
			want: Problem{Row: 1, Field: "territory_id", Message: "missing column"}},
		{name: "assignments: chosen column missing", kind: KindAssignments, fields: map[string]string{"unit_id": "ZIP5"}, file: "unit_id,territory_id\nc0r0,W\n",
			want: Problem{Row: 1, Field: "ZIP5", Message: "missing column (chosen for unit_id)"}},
		{name: "assignments: empty territory", kind: KindAssignments, file: "unit_id,territory_id\nc0r0,\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "territory_id", Message: "empty territory id"}},
		{name: "assignments: header only", kind: KindAssignments, file: "unit_id,territory_id\n", want: Problem{Message: "no rows"}},
		{name: "assignments: empty file", kind: KindAssignments, file: "\n", want: Problem{Message: "empty"}},
		{name: "assignments: bad quote", kind: KindAssignments, file: "unit_id,territory_id\nc0r0,\"W\n", want: Problem{Row: 2, Message: "CSV"}},

		// Accounts.
		{name: "accounts: negative revenue", kind: KindAccounts, file: "id,lon,lat,revenue\na,-99.5,40.5,-5\n",
			want: Problem{Row: 2, ID: "a", Field: "revenue", Message: "negative revenue"}},
		{name: "accounts: NaN revenue", kind: KindAccounts, file: "id,lon,lat,revenue\na,-99.5,40.5,NaN\n",
			want: Problem{Row: 2, ID: "a", Field: "revenue", Message: "not a finite number"}},
		{name: "accounts: bad number", kind: KindAccounts, file: "id,lon,lat,revenue\na,-99.5,40.5,12abc\n",
			want: Problem{Row: 2, ID: "a", Field: "revenue", Message: `"12abc" is not a number`}},
		{name: "accounts: NaN coordinate", kind: KindAccounts, file: "id,lon,lat\na,NaN,40.5\n",
			want: Problem{Row: 2, ID: "a", Field: "lon", Message: "not a finite number"}},
		{name: "accounts: projected coordinates", kind: KindAccounts, file: "id,lon,lat\na,500000,4000000\n",
			want: Problem{Row: 2, ID: "a", Field: "lon", Message: "outside [-180, 180]"}},
		{name: "accounts: duplicate id", kind: KindAccounts, file: "id,lon,lat\na,-99.5,40.5\na,-98.5,40.5\n",
			want: Problem{Row: 3, ID: "a", Field: "id", Message: "duplicate account id"}},
		{name: "accounts: unknown postal code", kind: KindAccounts, file: "id,postal_code\na,99999\n",
			want: Problem{Row: 2, ID: "a", Field: "postal_code", Message: `unknown postal code "99999"`}},
		{name: "accounts: no location columns", kind: KindAccounts, file: "id,revenue\na,5\n",
			want: Problem{Row: 1, Field: "location", Message: "need lon and lat, postal_code, or unit"}},
		{name: "accounts: no location", kind: KindAccounts, file: "id,lon,lat,zip\na,,,\n",
			want: Problem{Row: 2, ID: "a", Field: "location", Message: "no location"}},
		{name: "accounts: missing id column", kind: KindAccounts, file: "name,lon,lat\na,-99.5,40.5\n",
			want: Problem{Row: 1, Field: "id", Message: "missing column"}},
		{name: "accounts: missing group column", kind: KindAccounts, fields: map[string]string{"group": "Customer ID,ZIP"}, file: "Customer ID,lon,lat\na,-99.5,40.5\n",
			want: Problem{Row: 1, Field: "ZIP", Message: "missing column (chosen in group)"}},
		{name: "accounts: bad date", kind: KindAccounts, fields: map[string]string{"date": "Order Date"}, file: "id,lon,lat,Order Date\na,-99.5,40.5,someday\n",
			want: Problem{Row: 2, ID: "a", Field: "Order Date", Message: "is not a date"}},
		{name: "accounts: duplicate column", kind: KindAccounts, file: "id,lon,lat,Lat\na,-99.5,40.5,1\n",
			want: Problem{Row: 1, Field: "Lat", Message: "column appears twice"}},

		// Accounts: the shared options and the unit column.
		{name: "gzipped accounts: negative revenue", kind: KindAccounts, file: string(gzipped(t, "id,lon,lat,revenue\na1,-99.5,40.5,-3\n")),
			want: Problem{Row: 2, ID: "a1", Field: "revenue", Message: "negative revenue"}},
		{name: "accounts: unknown unit", kind: KindAccounts, file: "id,unit\na1,Atlantis\n",
			want: Problem{Row: 2, ID: "a1", Field: "unit", Message: `"Atlantis" is neither the id nor the name of a unit`}},
		{name: "accounts: latest without a date", kind: KindAccounts, fields: map[string]string{"group": "Customer", "location": "latest"},
			file: "Customer,lon,lat\nC1,-99.5,40.5\n", want: Problem{Row: 1, Field: "date", Message: "location=latest needs a date column"}},
		{name: "accounts: no location at all", kind: KindAccounts, file: "id,lon,lat,unit\na1,,,\n",
			want: Problem{Row: 2, ID: "a1", Field: "location", Message: "lon/lat, postal code and unit are all empty"}},

		// Markets.
		{name: "markets: unknown unit", kind: KindMarkets, file: "unit_id,market\nnowhere,5\n",
			want: Problem{Row: 2, ID: "nowhere", Field: "unit_id", Message: "unknown unit"}},
		{name: "markets: duplicate unit", kind: KindMarkets, file: "unit_id,market\nc0r0,5\nc0r0,6\n",
			want: Problem{Row: 3, ID: "c0r0", Field: "unit_id", Message: "appears twice"}},
		{name: "markets: missing market column", kind: KindMarkets, file: "unit_id,revenue\nc0r0,5\n",
			want: Problem{Row: 1, Field: "market", Message: "missing column"}},
		{name: "markets: negative market", kind: KindMarkets, file: "unit_id,market\nc0r0,-5\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "market", Message: "negative market"}},
		{name: "markets: NaN", kind: KindMarkets, file: "unit_id,market,share\nc0r0,5,nan\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "share", Message: "not a finite number"}},
		{name: "markets: share above saturation", kind: KindMarkets, file: "unit_id,market,share,saturation\nc0r0,5,0.5,0.2\n",
			want: Problem{Row: 2, ID: "c0r0", Message: "floor ≤ share ≤ saturation"}},
		{name: "markets: revenue without market", kind: KindMarkets, file: "unit_id,market,revenue\nc0r0,0,5\n",
			want: Problem{Row: 2, ID: "c0r0", Field: "market", Message: "market is 0"}},
		{name: "markets: many problems are capped", kind: KindMarkets, file: manyBad,
			want: Problem{Row: 2, ID: "nowhere", Field: "unit_id", Message: "unknown unit"}, total: 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Kind: tc.kind, Layer: "grid", Fields: tc.fields}
			if tc.kind == KindAssignments {
				opts.Scenario = sc
			}
			_, err := Import(ctx, s, strings.NewReader(tc.file), opts)
			ie := importErrs(t, err)
			if len(ie.Problems) == 0 {
				t.Fatal("no problems listed")
			}
			got := ie.Problems[0]
			if !strings.Contains(terrane.ErrorMessage(err), got.Message) {
				t.Errorf("the EINVALID message does not list the problem:\n%s", terrane.ErrorMessage(err))
			}
			if !strings.Contains(got.Message, tc.want.Message) {
				t.Errorf("message %q, want it to contain %q", got.Message, tc.want.Message)
			}
			got.Message = tc.want.Message
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("first problem (-want +got):\n%s\nall: %s", diff, ie.Message())
			}
			if tc.total > 0 {
				if ie.Total() != tc.total || len(ie.Problems) != DefaultMaxErrors || ie.More != tc.total-DefaultMaxErrors {
					t.Errorf("%d listed + %d more, want %d + %d", len(ie.Problems), ie.More, DefaultMaxErrors, tc.total-DefaultMaxErrors)
				}
				if want := fmt.Sprintf("and %d more", tc.total-DefaultMaxErrors); !strings.Contains(terrane.ErrorMessage(err), want) {
					t.Errorf("message does not say %q:\n%s", want, terrane.ErrorMessage(err))
				}
			}
		})
	}
	if after := snapshot(t, s, sc); after != before {
		t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
	}
}

// TestFailedWriteLeavesStoreUnchanged makes the write itself fail, inside
// the transaction after the old rows were deleted, and checks they are back.
func TestFailedWriteLeavesStoreUnchanged(t *testing.T) {
	forEachBackend(t, testFailedWriteLeavesStoreUnchanged)
}

func testFailedWriteLeavesStoreUnchanged(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s)
	// An account of another layer owns the id "a2": replacing grid's
	// accounts deletes them, then the insert of "a2"… collides.
	if _, err := Import(ctx, s, bytes.NewReader(gridGeoJSON(t, grid(1, 1))), Options{Kind: KindUnits, Layer: "other", Fields: map[string]string{"id": "GEOID"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, strings.NewReader("id,lon,lat\nzz,-99.5,40.5\n"), Options{Kind: KindAccounts, Layer: "other"}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s, sc)
	_, err := Import(ctx, s, strings.NewReader("id,lon,lat\nb1,-99.5,40.5\nzz,-98.5,41.5\n"), Options{Kind: KindAccounts, Layer: "grid"})
	if terrane.ErrorCode(err) != terrane.ECONFLICT {
		t.Fatalf("error %v, want a conflict", err)
	}
	if after := snapshot(t, s, sc); after != before {
		t.Errorf("a failed write changed the store:\n%s", cmp.Diff(before, after))
	}
	// A published scenario is read-only: the assignments import fails whole.
	st := terrane.StatusPublished
	if _, err := s.UpdateScenario(ctx, sc, terrane.ScenarioUpdate{Status: &st}, "lee"); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, s, sc)
	_, err = Import(ctx, s, strings.NewReader("unit_id,territory_id\nc0r0,E\n"), Options{Kind: KindAssignments, Scenario: sc})
	if terrane.ErrorCode(err) != terrane.ECONFLICT {
		t.Fatalf("error %v, want a conflict", err)
	}
	if after := snapshot(t, s, sc); after != before {
		t.Errorf("a refused import changed the store:\n%s", cmp.Diff(before, after))
	}
}
