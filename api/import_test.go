package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
)

// upload posts a multipart import as user: fields, then the file.
func (f *fixture) upload(user string, fields map[string]string, file string) (int, map[string]any) {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	w, _ := mw.CreateFormFile("file", "upload")
	w.Write([]byte(file))
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	code, raw := f.serve(req)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		f.t.Fatalf("answer is not JSON: %v\n%s", err, raw)
	}
	return code, out
}

// state renders what imports into the fixture's grid layer may change.
func (f *fixture) state() string {
	f.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	units, _ := f.store.FindUnits(ctx, terrane.UnitFilter{Layer: "grid"})
	for _, u := range units {
		fmt.Fprintf(&b, "unit %s %s %v %v\n", u.ID, u.Name, u.Centroid, u.Geometry)
	}
	adj, _ := f.store.FindAdjacency(ctx, "grid")
	fmt.Fprintf(&b, "adjacency %v\n", adj)
	accts, _ := f.store.FindAccounts(ctx, terrane.AccountFilter{})
	for _, a := range accts {
		fmt.Fprintf(&b, "account %+v\n", *a)
	}
	est, _ := f.store.FindMarketEstimates(ctx, "grid")
	for _, e := range est {
		fmt.Fprintf(&b, "estimate %+v\n", *e)
	}
	al, _ := f.store.FindAssignments(ctx, f.baseline)
	fmt.Fprintf(&b, "alignment %v\n", al)
	return b.String()
}

func TestImport(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()

		// Market estimates, by an analyst.
		code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid", "unit_id": "Cell"}, "Cell,market,revenue\na0,5000000,100000\n")
		if code != http.StatusOK || out["estimates"] != 1.0 || out["rows"] != 1.0 {
			t.Fatalf("markets: %d %v", code, out)
		}
		est, _ := f.store.FindMarketEstimates(ctx, "grid")
		if est[0].UnitID != "a0" || est[0].Market != 5e6 || est[0].Share != 0.02 {
			t.Errorf("estimate %+v", *est[0])
		}

		// Accounts located by lon/lat.
		code, out = f.upload("lee", map[string]string{"kind": "accounts", "layer": "grid", "id": "Account", "revenue": "ARR"},
			"Account,lon,lat,ARR\nn1,-99.5,40.5,10\nn2,-96.5,42.5,20\n")
		if code != http.StatusOK || out["accounts"] != 2.0 || out["located"] != 2.0 {
			t.Fatalf("accounts: %d %v", code, out)
		}
		accts, _ := f.store.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"})
		if len(accts) != 2 || accts[1].UnitID != "d2" {
			t.Errorf("accounts after import: %d, %+v", len(accts), accts)
		}

		// Assignments of the baseline scenario: a new territory N.
		code, out = f.upload("ada", map[string]string{"kind": "assignments", "scenario": fmt.Sprint(f.baseline), "mode": "merge"},
			"unit_id,territory_id\na0,N\n")
		if code != http.StatusOK || out["territories_created"] != 1.0 || out["layer"] != "grid" {
			t.Fatalf("assignments: %d %v", code, out)
		}
		if al, _ := f.store.FindAssignments(ctx, f.baseline); al["a0"] != "N" || al["b0"] != "W" {
			t.Errorf("alignment %v", al)
		}
		audit, _ := f.store.FindAudit(ctx, f.baseline)
		if last := audit[len(audit)-1]; last.Actor != "ada" {
			t.Errorf("audit actor %q, want ada", last.Actor)
		}

		// Units: the grid is replaced by two cells; tiles and GeoJSON follow.
		if code, _ := f.raw("ann", "GET", "/api/v1/tiles/grid/0/0/0.mvt", nil); code != http.StatusOK {
			t.Fatalf("tile before: %d", code)
		}
		gj := `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"FIPS":"x1","NAME":"One","pop":3},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
			{"type":"Feature","properties":{"FIPS":"x2","NAME":"Two","pop":4},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}]}`
		code, out = f.upload("ann", map[string]string{"kind": "units", "layer": "cells", "id": "FIPS", "name": "NAME", "layer_name": "Cells"}, gj)
		if code != http.StatusOK || out["units"] != 2.0 || out["edges"] != 1.0 || out["format"] != "geojson" {
			t.Fatalf("units: %d %v", code, out)
		}
		l, err := f.store.FindLayerByID(ctx, "cells")
		if err != nil || l.Name != "Cells" || l.UnitCount != 2 {
			t.Errorf("layer %+v, %v", l, err)
		}
		if adj, _ := f.store.FindAdjacency(ctx, "cells"); len(adj) != 1 {
			t.Errorf("adjacency %v", adj)
		}
		code, out = f.upload("ann", map[string]string{"kind": "units", "layer": "grid", "id": "FIPS"}, gj)
		if code != http.StatusOK {
			t.Fatalf("units over grid: %d %v", code, out)
		}
		code, raw := f.raw("ann", "GET", "/api/v1/layers/grid/units", nil)
		if code != http.StatusOK || !strings.Contains(string(raw), `"id":"x1"`) || strings.Contains(string(raw), `"id":"a0"`) {
			t.Errorf("units after re-import: %d %.200s", code, raw)
		}
	})
}

func TestImportRejects(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		before := f.state()
		// A bad file: 400 with the problems in details.
		code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\na0,-1\nzz,5\nb0,NaN\n")
		if code != http.StatusBadRequest {
			t.Fatalf("status %d, want 400: %v", code, out)
		}
		e := out["error"].(map[string]any)
		details, _ := e["details"].([]any)
		if e["code"] != "invalid" || len(details) != 3 || !strings.Contains(e["message"].(string), "3 problems") {
			t.Fatalf("error %v", e)
		}
		first := details[0].(map[string]any)
		if first["row"] != 2.0 || first["field"] != "market" || first["id"] != "a0" || !strings.Contains(first["message"].(string), "negative") {
			t.Errorf("first problem %v", first)
		}
		second := details[1].(map[string]any)
		if second["row"] != 3.0 || second["field"] != "unit_id" || !strings.Contains(second["message"].(string), `unknown unit "zz"`) {
			t.Errorf("second problem %v", second)
		}
		// A bad geometry names the feature.
		code, out = f.upload("ann", map[string]string{"kind": "units", "layer": "grid", "id": "FIPS"},
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"FIPS":"q"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}`)
		details, _ = out["error"].(map[string]any)["details"].([]any)
		if code != http.StatusBadRequest || len(details) != 1 || details[0].(map[string]any)["feature"] != 0.0 || details[0].(map[string]any)["field"] != "geometry" {
			t.Errorf("bad geometry: %d %v", code, out)
		}
		// Form problems are plain 400s.
		for _, tc := range []struct {
			fields map[string]string
			want   string
		}{
			{map[string]string{"layer": "grid"}, "kind"},
			{map[string]string{"kind": "markets", "layer": "grid", "colour": "red"}, `unknown option "colour"`},
			{map[string]string{"kind": "assignments", "scenario": "x"}, "scenario"},
		} {
			code, out := f.upload("ann", tc.fields, "unit_id,market\na0,1\n")
			if code != http.StatusBadRequest || !strings.Contains(errMessage(out), tc.want) {
				t.Errorf("%v: %d %v", tc.fields, code, out)
			}
		}
		// Unknown layer: 404.
		if code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "nowhere"}, "unit_id,market\na0,1\n"); code != http.StatusNotFound {
			t.Errorf("unknown layer: %d %v", code, out)
		}
		// No file, not multipart.
		if code, out := f.do("ann", "POST", "/api/v1/imports", map[string]any{"kind": "markets"}); code != http.StatusBadRequest || !strings.Contains(errMessage(out), "multipart") {
			t.Errorf("JSON body: %d %v", code, out)
		}
		// Roles: reps may not import; anonymous callers are not signed in.
		if code, _ := f.upload("rita", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\na0,1\n"); code != http.StatusForbidden {
			t.Errorf("rep: %d, want 403", code)
		}
		if code, _ := f.upload("", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\na0,1\n"); code != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", code)
		}
		// Over the limit: 413.
		saved := f.srv
		f.srv = api.NewServer(api.Config{MaxImportBytes: 1000}, f.services, nil, nil)
		code, out = f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\n"+strings.Repeat("a0,1\n", 300))
		if code != http.StatusRequestEntityTooLarge || out["error"].(map[string]any)["code"] != "too_large" || !strings.Contains(errMessage(out), "1000 bytes") {
			t.Errorf("over the import limit: %d %v", code, out)
		}
		// Past the file limit and its allowance for form fields, the body
		// itself is refused before it is read.
		code, out = f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\n"+strings.Repeat("a0,1\n", 1<<20/5+1000))
		if code != http.StatusRequestEntityTooLarge || out["error"].(map[string]any)["code"] != "too_large" {
			t.Errorf("over the body limit: %d %v", code, out)
		}
		f.srv = saved
		if after := f.state(); after != before {
			t.Errorf("rejected imports changed the store:\nbefore %s\nafter %s", before, after)
		}
	})
}

// TestImportOptions posts the shared options over HTTP: a gzipped file,
// skip_invalid=true with the skipped rows in the answer, and problems_total
// past the listed problems.
func TestImportOptions(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte("unit_id,market\na0,5\n"))
		zw.Close()
		code, out := f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, gz.String())
		if code != http.StatusOK || out["estimates"] != 1.0 {
			t.Fatalf("gzipped markets: %d %v", code, out)
		}
		code, out = f.upload("ann", map[string]string{"kind": "markets", "layer": "grid", "skip_invalid": "true"}, "unit_id,market\na0,5\nzz,5\n")
		skipped, _ := out["skipped"].([]any)
		if code != http.StatusOK || out["estimates"] != 1.0 || len(skipped) != 1 {
			t.Fatalf("skip_invalid: %d %v", code, out)
		}
		if s := skipped[0].(map[string]any); s["line"] != 3.0 || s["field"] != "unit_id" || !strings.Contains(s["message"].(string), "unknown unit") {
			t.Errorf("skipped %v", s)
		}
		if csv, _ := out["skipped_csv"].(string); !strings.HasPrefix(csv, "line,id,field,message\n3,zz,unit_id,") {
			t.Errorf("skipped_csv %q", csv)
		}
		code, out = f.upload("ann", map[string]string{"kind": "assignments", "layer": "grid", "create_scenario": "Grid baseline"}, "unit,territory,owner\na0,N,Ann Lee\nb0,S,\n")
		if code != http.StatusOK || out["scenario_created"] != true || out["territories_created"] != 2.0 {
			t.Fatalf("create_scenario: %d %v", code, out)
		}
		if sc, err := f.store.FindScenarioByID(context.Background(), int64(out["scenario"].(float64))); err != nil || sc.ParentID != 0 || sc.Name != "Grid baseline" || sc.CreatedBy != "ann" {
			t.Errorf("created scenario %+v, %v", sc, err)
		}
		code, out = f.upload("ann", map[string]string{"kind": "markets", "layer": "grid"}, "unit_id,market\n"+strings.Repeat("zz,1\n", 25))
		e := out["error"].(map[string]any)
		if code != http.StatusBadRequest || e["problems_total"] != 25.0 || e["more"] != 5.0 {
			t.Errorf("problems_total: %d %v", code, e)
		}
	})
}
