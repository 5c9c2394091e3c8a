package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportGzip imports a gzipped file of every kind: gzip is told by its
// magic bytes, so a gzipped CSV reads like the plain one; a damaged gzip
// names gzip in its error.
func TestImportGzip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		sc := seedGrid(t, s)
		for _, tc := range []struct {
			name string
			opts Options
			file string
			want func(*Result) int
			n    int
		}{
			{"units", Options{Kind: KindUnits, Layer: "grid", Fields: map[string]string{"id": "GEOID"}}, string(gridGeoJSON(t, grid(4, 3))), func(r *Result) int { return r.Units }, 12},
			{"assignments", Options{Kind: KindAssignments, Scenario: sc, Fields: map[string]string{"mode": "merge"}}, "unit_id,territory_id\nc0r0,E\n", func(r *Result) int { return r.Assigned }, 1},
			{"accounts", Options{Kind: KindAccounts, Layer: "grid"}, "id,lon,lat\na1,-99.5,40.5\na2,-97.5,42.5\n", func(r *Result) int { return r.Accounts }, 2},
			{"markets", Options{Kind: KindMarkets, Layer: "grid"}, "unit_id,market\nc0r0,5\n", func(r *Result) int { return r.Estimates }, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res, err := Import(ctx, s, bytes.NewReader(gzipped(t, tc.file)), tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				if got := tc.want(res); got != tc.n {
					t.Errorf("got %d written, want %d", got, tc.n)
				}
				if res.Bytes != int64(len(tc.file)) {
					t.Errorf("bytes %d, want the unzipped size %d", res.Bytes, len(tc.file))
				}
			})
		}
		before := snapshot(t, s, sc)
		bad := gzipped(t, "id,lon,lat\na1,-99.5,40.5\n")
		_, err := Import(ctx, s, bytes.NewReader(bad[:len(bad)-6]), Options{Kind: KindAccounts, Layer: "grid"})
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), "gzip") {
			t.Errorf("truncated gzip: error %v, want EINVALID naming gzip", err)
		}
		if after := snapshot(t, s, sc); after != before {
			t.Errorf("a damaged gzip changed the store:\n%s", cmp.Diff(before, after))
		}
	})
}

// TestProblemsTotal checks that the count of problems is the true total
// past the cap and past the old reading limit (100 × the cap = 2,000).
func TestProblemsTotal(t *testing.T) {
	s, _ := gridStore(t)
	file := "unit_id,market\n" + strings.Repeat("nowhere,1\n", 2619)
	_, err := Import(context.Background(), s, strings.NewReader(file), Options{Kind: KindMarkets, Layer: "grid"})
	ie := importErrs(t, err)
	if ie.ProblemsTotal != 2619 || ie.Total() != 2619 || len(ie.Problems) != DefaultMaxErrors {
		t.Errorf("problems_total %d, total %d, listed %d; want 2619, 2619, %d", ie.ProblemsTotal, ie.Total(), len(ie.Problems), DefaultMaxErrors)
	}
	if !strings.Contains(ie.Message(), "2619 problems") || !strings.Contains(ie.Message(), "and 2599 more") {
		t.Errorf("message does not count every problem:\n%.300s", ie.Message())
	}
}

// TestSkipInvalid imports files with bad rows under skip_invalid=true: the
// good rows are written, every bad row is returned with its line, field and
// reason (also as CSV); problems of the header still reject the file, and a
// file with no good row changes nothing.
func TestSkipInvalid(t *testing.T) {
	forEachBackend(t, testSkipInvalid)
}

func testSkipInvalid(t *testing.T, s *data.Store) {
	ctx := context.Background()
	sc := seedGrid(t, s)
	skip := func(kv ...string) map[string]string {
		m := map[string]string{"skip_invalid": "true"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		opts    Options
		file    string
		written func(*Result) int
		n       int
		skipped []Skipped
	}{
		{name: "accounts", opts: Options{Kind: KindAccounts, Layer: "grid", Fields: skip()},
			file:    "id,lon,lat,revenue\na1,-99.5,40.5,100\na2,-97.5,42.5,-3\n,-97.5,42.5,1\na3,-99.5,99,1\na4,-98.5,41.5,5\na1,-98.5,41.5,5\n",
			written: func(r *Result) int { return r.Accounts }, n: 2,
			skipped: []Skipped{
				{Line: 3, ID: "a2", Field: "revenue", Message: `negative revenue "-3"`},
				{Line: 4, Field: "id", Message: "empty account id"},
				{Line: 5, ID: "a3", Field: "lat", Message: "latitude 99 is outside [-90, 90] (lon/lat degrees, WGS84, are expected)"},
				{Line: 7, ID: "a1", Field: "id", Message: `duplicate account id "a1" (also line 2); to add up rows per account use the option group`},
			}},
		{name: "assignments", opts: Options{Kind: KindAssignments, Scenario: sc, Fields: skip("mode", "merge")},
			file:    "unit_id,territory_id\nc0r0,E\nnowhere,E\nc1r0,\nc0r0,W\n",
			written: func(r *Result) int { return r.Assigned }, n: 1,
			skipped: []Skipped{
				{Line: 3, ID: "nowhere", Field: "unit_id", Message: `unknown unit "nowhere": not in layer grid`},
				{Line: 4, ID: "c1r0", Field: "territory_id", Message: "empty territory id"},
				{Line: 5, ID: "c0r0", Field: "unit_id", Message: `unit "c0r0" appears twice (also line 2)`},
			}},
		{name: "markets", opts: Options{Kind: KindMarkets, Layer: "grid", Fields: skip()},
			file:    "unit_id,market\nc0r0,5\nc1r0,abc\nnowhere,3\nc2r0,7\n",
			written: func(r *Result) int { return r.Estimates }, n: 2,
			skipped: []Skipped{
				{Line: 3, ID: "c1r0", Field: "market", Message: `"abc" is not a number`},
				{Line: 4, ID: "nowhere", Field: "unit_id", Message: `unknown unit "nowhere": not in layer grid`},
			}},
		// Units: Line is the 0-based feature index.
		{name: "units", opts: Options{Kind: KindUnits, Layer: "shapes", Fields: skip("id", "GEOID")},
			file: `{"type":"FeatureCollection","features":[` +
				`{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},` +
				`{"type":"Feature","properties":{"GEOID":"b"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}},` +
				`{"type":"Feature","properties":{"NAME":"no id"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},` +
				`{"type":"Feature","properties":{"GEOID":"a"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},` +
				`{"type":"Feature","properties":{"GEOID":"c"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},` +
				`{"type":"Feature","properties":{"GEOID":"d"},"geometry":{"type":"Point","coordinates":[1,2]}},` +
				`{"type":"Feature","properties":{"GEOID":"e"},"geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,6],[5,5.5]]]}}]}`,
			written: func(r *Result) int { return r.Units }, n: 2,
			skipped: []Skipped{
				{Line: 1, ID: "b", Field: "geometry", Message: "polygon 0 ring 0 point 0: self-intersection: segment 0 crosses segment 2 (the option repair=true repairs it)"},
				{Line: 2, Field: "GEOID", Message: `missing id property "GEOID"`},
				{Line: 3, ID: "a", Field: "id", Message: "duplicate id (also feature 0)"},
				{Line: 5, ID: "d", Field: "geometry", Message: "type Point, want Polygon or MultiPolygon"},
				{Line: 6, ID: "e", Field: "geometry", Message: "polygon 0 ring 0 point 4: ring is not closed (last position differs from the first) (the option repair=true repairs it)"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import(ctx, s, strings.NewReader(tc.file), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.written(res); got != tc.n {
				t.Errorf("written %d, want %d", got, tc.n)
			}
			if diff := cmp.Diff(tc.skipped, res.Skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			lines := strings.Split(strings.TrimSpace(res.SkippedCSV), "\n")
			if lines[0] != "line,id,field,message" || len(lines) != len(tc.skipped)+1 {
				t.Errorf("skipped_csv:\n%s", res.SkippedCSV)
			}
		})
	}
	before := snapshot(t, s, sc)
	for _, tc := range []struct {
		name string
		opts Options
		file string
		want string
	}{
		{"header problem still rejects", Options{Kind: KindMarkets, Layer: "grid", Fields: skip()}, "unit_id,revenue\nc0r0,5\n", "missing column"},
		{"no good row", Options{Kind: KindAccounts, Layer: "grid", Fields: skip()}, "id,lon,lat\na1,-99.5,99\n", "every row is invalid (1 skipped)"},
		{"units: no good feature", Options{Kind: KindUnits, Layer: "grid", Fields: skip()},
			`{"type":"FeatureCollection","features":[{"type":"Feature","id":"x","geometry":{"type":"Point","coordinates":[1,2]}}]}`, "every feature is invalid (1 skipped)"},
		{"units: a file problem still rejects", Options{Kind: KindUnits, Layer: "grid", Fields: skip()}, `{"type":"FeatureCollection","features":[oops]}`, "not valid JSON"},
		{"not true or false", Options{Kind: KindMarkets, Layer: "grid", Fields: map[string]string{"skip_invalid": "yes please"}}, "unit_id,market\nc0r0,5\n", "skip_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(ctx, s, strings.NewReader(tc.file), tc.opts)
			if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), tc.want) {
				t.Errorf("error %v, want EINVALID with %q", err, tc.want)
			}
		})
	}
	if after := snapshot(t, s, sc); after != before {
		t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
	}
}

// TestCreateScenario makes a baseline scenario on a layer from an
// assignments file with names, a parent chain and owners; default resources
// follow from the layer's revenue. Bad files name the
// line and field and create nothing.
func TestCreateScenario(t *testing.T) {
	forEachBackend(t, testCreateScenario)
}

func testCreateScenario(t *testing.T, s *data.Store) {
	ctx := context.Background()
	seedGrid(t, s) // market revenue: c0r0 10, c1r1 20 dollars per year
	file := "unit,territory,territory_name,parent,owner\n" +
		"c0r0,T1,North One,R1 > A1,Ann Lee;Bo Chen\n" +
		"c0r1,T1,,R1,\n" +
		"c1r1,T2,South Two,R2>A1,Cy Díaz\n"
	res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAssignments, Layer: "grid", Actor: "ada",
		Fields: map[string]string{"create_scenario": "Imported baseline"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ScenarioCreated || res.Assigned != 3 || res.Territories != 5 || res.TerritoriesCreated != 5 || res.Unassigned != 9 {
		t.Errorf("result %+v", res)
	}
	sc, err := s.FindScenarioByID(ctx, res.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	if sc.ParentID != 0 || !sc.Baseline || sc.Layer != "grid" || sc.Name != "Imported baseline" || sc.CreatedBy != "ada" {
		t.Errorf("scenario %+v", sc)
	}
	if len(sc.Resources) != 3 || sc.Resources[0].Name != "headcount" || sc.Resources[0].UnitCost != 150000 || sc.Resources[1].Total == nil || *sc.Resources[1].Total != 3 {
		t.Errorf("resources %+v", sc.Resources)
	}
	terrs, err := s.FindTerritories(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range terrs {
		got[tr.ID] = fmt.Sprintf("%s|%s|%v|%v", tr.Name, tr.Parent, tr.Owners, tr.Current["money"])
	}
	want := map[string]string{
		"T1": "North One|R1|[Ann Lee Bo Chen]|1", "T2": "South Two|R2|[Cy Díaz]|2",
		"R1": "R1|A1|[]|0", "R2": "R2|A1|[]|0", "A1": "A1||[]|0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("territories (-want +got):\n%s", diff)
	}
	if al, _ := s.FindAssignments(ctx, sc.ID); al["c0r1"] != "T1" || al["c1r1"] != "T2" || len(al) != 3 {
		t.Errorf("alignment %v", al)
	}

	before := snapshot(t, s, sc.ID)
	for _, tc := range []struct {
		name   string
		fields map[string]string
		opts   Options
		file   string
		want   Problem
		code   string
	}{
		{name: "unknown unit", file: "unit,territory\nzz,T\n", want: Problem{Row: 2, ID: "zz", Field: "unit", Message: `unknown unit "zz"`}},
		{name: "own parent", file: "unit,territory,parent\nc0r0,T,R>T\n", want: Problem{Row: 2, ID: "c0r0", Field: "parent", Message: `territory "T" would be its own parent (T > R > T)`}},
		{name: "a cycle over two rows", file: "unit,territory,parent\nc0r0,T,R\nc0r1,R,T\n", want: Problem{Row: 3, ID: "c0r1", Field: "parent", Message: `territory "R" would be its own parent (R > T > R)`}},
		{name: "two parents", file: "unit,territory,parent\nc0r0,T,R\nc0r1,T,Q\n", want: Problem{Row: 3, ID: "c0r1", Field: "parent", Message: `territory "T" has parent "Q" here but "R" on line 2`}},
		{name: "empty territory", file: "unit,territory\nc0r0,\n", want: Problem{Row: 2, ID: "c0r0", Field: "territory", Message: "empty territory id"}},
		{name: "name taken", file: "unit,territory\nc0r0,T\n", fields: map[string]string{"create_scenario": "Imported baseline"}, code: terrane.ECONFLICT},
		{name: "with a scenario", file: "unit,territory\nc0r0,T\n", opts: Options{Scenario: sc.ID}, code: terrane.EINVALID},
		{name: "with merge", file: "unit,territory\nc0r0,T\n", fields: map[string]string{"create_scenario": "X", "mode": "merge"}, code: terrane.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Kind, opts.Layer, opts.Fields = KindAssignments, "grid", tc.fields
			if opts.Fields == nil {
				opts.Fields = map[string]string{"create_scenario": "Bad"}
			}
			_, err := Import(ctx, s, strings.NewReader(tc.file), opts)
			if tc.code != "" {
				if terrane.ErrorCode(err) != tc.code {
					t.Errorf("error %v, want %s", err, tc.code)
				}
				return
			}
			ie := importErrs(t, err)
			got := ie.Problems[0]
			if !strings.Contains(got.Message, tc.want.Message) {
				t.Errorf("message %q, want %q", got.Message, tc.want.Message)
			}
			got.Message = tc.want.Message
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
	if after := snapshot(t, s, sc.ID); after != before {
		t.Errorf("a rejected file changed the store:\n%s", cmp.Diff(before, after))
	}
	if list, _ := s.FindScenarios(ctx, terrane.ScenarioFilter{}); len(list) != 2 {
		t.Errorf("%d scenarios, want the seeded one and the imported one", len(list))
	}
}
