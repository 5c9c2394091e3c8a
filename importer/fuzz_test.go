package importer

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
)

// fuzzLayer is a 3×2 grid of units for the fuzz targets, which parse and
// validate without a store.
func fuzzLayer() ([]*terrane.Unit, map[string]bool) {
	var units []*terrane.Unit
	ids := map[string]bool{}
	for _, c := range grid(3, 2) {
		units = append(units, &terrane.Unit{Layer: "grid", ID: c.id, Geometry: c.poly, Centroid: orb.Point{c.poly[0][0][0] + 0.5, c.poly[0][0][1] + 0.5}})
		ids[c.id] = true
	}
	return units, ids
}

// checkRejection fails unless err is an *Errors or another EINVALID error.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	if code := terrane.ErrorCode(err); code != terrane.EINVALID {
		t.Fatalf("error code %q (%v), want %q", code, err, terrane.EINVALID)
	}
}

func FuzzImportCSVAccounts(f *testing.F) {
	f.Add([]byte("id,name,lon,lat,revenue\na,A,-99.5,40.5,10\nb,B,-98.5,41.5,$1,000\n"), "", false)
	f.Add([]byte("Customer ID,Postal Code,Sales,Order Date\nc1,2134,5,2016-01-02\nc1,2134,7,1/3/2015\nc2,99999,1,2014\n"), "Customer ID,Postal Code", false)
	f.Add([]byte("id;zip;revenue\nx;00501;NaN\n\"y;00601;-1\n"), "", true)
	f.Add([]byte("id,lon,lat\n"), "", false)
	f.Add([]byte("Customer,unit,revenue,Order Date,Tier\nc1,c0r0,5,2016-01-02,gold\nc1,Cell 1,1,7,1/3/2015,\nc2,FRANCE,1,2014,x\n"), "Customer", true)
	// a group that names no column, or only missing ones, rows skipped or not
	f.Add([]byte("CustomerID,PostalCode,OrderDate\n0,2134,2016\n"), ",", true)
	f.Add([]byte("CustomerID,PostalCode,OrderDate\n0,2134,2016\n"), "Nope", true)
	tables := &zipTables{centroids: map[string]orb.Point{"02134": {-99.5, 40.5}, "00501": {-50, 10}}, counties: map[string][]string{"00601": {"c1r1"}, "00501": {"c2r0"}}}
	units, _ := fuzzLayer()
	loc := newLocator(units)
	f.Fuzz(func(t *testing.T, file []byte, group string, skip bool) {
		fields := map[string]string{"revenue": "revenue", "date": "Order Date"}
		if group != "" {
			fields = map[string]string{"group": group, "date": "Order Date"}
			if skip {
				fields["location"] = "most_revenue"
			}
		}
		plan, err := parseAccounts(file, Options{Kind: KindAccounts, Layer: "grid", Fields: fields, MaxErrors: 5, SkipInvalid: skip, Progress: func(string, int) {}}, loc, func() (*zipTables, error) { return tables, nil })
		if err != nil {
			checkRejection(t, err)
			return
		}
		seen := map[string]bool{}
		for _, a := range plan.accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("accepted an invalid account: %v", err)
			}
			if seen[a.ID] {
				t.Fatalf("account %s twice", a.ID)
			}
			seen[a.ID] = true
			if _, ok := loc.ids[a.UnitID]; a.UnitID != "" && !ok {
				t.Fatalf("account %s in unknown unit %s", a.ID, a.UnitID)
			}
		}
		if plan.located+plan.unlocated != len(plan.accounts) {
			t.Fatalf("located %d + unlocated %d ≠ %d accounts", plan.located, plan.unlocated, len(plan.accounts))
		}
	})
}

func FuzzImportCSVAssignments(f *testing.F) {
	f.Add([]byte("unit_id,territory_id\nc0r0,W\nc1r1,N\n"), false)
	f.Add([]byte("unit_id,territory_id\nc0r0,W\nc0r0,E\nzz,\n"), true)
	f.Add([]byte("\xef\xbb\xbfUnit ID;Territory\n"), false)
	f.Add([]byte("unit,territory,parent,owner\nc0r0,T,R>A,x;y\nc0r1,T,R,\nc1r1,R,A,\nc2r0,A,T\n"), false)
	_, ids := fuzzLayer()
	existing := []*terrane.Territory{{ID: "W", Name: "West"}, {ID: "E", Name: "East"}}
	current := map[string]string{"c0r0": "W", "c2r1": "E"}
	f.Fuzz(func(t *testing.T, file []byte, merge bool) {
		fields := map[string]string{}
		if merge {
			fields["mode"] = "merge"
		}
		plan, err := parseAssignments(file, Options{Kind: KindAssignments, Layer: "grid", Fields: fields, MaxErrors: 5, Progress: func(string, int) {}}, ids, existing, current)
		if err != nil {
			checkRejection(t, err)
			return
		}
		terrs := map[string]bool{}
		for _, tr := range plan.territories {
			if err := tr.Validate(); err != nil || terrs[tr.ID] {
				t.Fatalf("territory %q invalid or twice: %v", tr.ID, err)
			}
			terrs[tr.ID] = true
		}
		parent := map[string]string{}
		for _, tr := range plan.territories {
			parent[tr.ID] = tr.Parent
		}
		for _, tr := range plan.territories {
			seen := map[string]bool{}
			for id := tr.ID; id != ""; id = parent[id] {
				if seen[id] {
					t.Fatalf("territory %s is its own ancestor", tr.ID)
				}
				seen[id] = true
			}
		}
		for u, tr := range plan.assignments {
			if !ids[u] || !terrs[tr] {
				t.Fatalf("assignment %s → %s: unknown unit or territory", u, tr)
			}
		}
	})
}

func FuzzImportCSVMarkets(f *testing.F) {
	f.Add([]byte("unit_id,market,revenue,share,saturation,floor,low,high\nc0r0,1000,100,,,,,\nc0r1,\"$2,000\",,5%,0.5,0.01,1500,2500\n"))
	f.Add([]byte("unit_id,market\nc0r0,-1\nc0r0,1e400\nzz,Inf\n"))
	f.Add([]byte("unit_id,market,revenue\nc0r0,0,5\nc1r0,3,3\n"))
	_, ids := fuzzLayer()
	f.Fuzz(func(t *testing.T, file []byte) {
		est, _, err := parseMarkets(file, Options{Kind: KindMarkets, Layer: "grid", MaxErrors: 5, Progress: func(string, int) {}}, ids, "unit")
		if err != nil {
			checkRejection(t, err)
			return
		}
		for _, m := range est {
			if err := m.Validate(); err != nil {
				t.Fatalf("accepted an invalid estimate: %v", err)
			}
			if !ids[m.UnitID] {
				t.Fatalf("estimate for unknown unit %s", m.UnitID)
			}
		}
	})
}

func FuzzImportUnits(f *testing.F) {
	f.Add(gridGeoJSON(f, grid(2, 2)))
	f.Add(gridShapefile(f, grid(2, 1)))
	f.Add([]byte(`{"type":"Topology","objects":{"o":{"type":"GeometryCollection","geometries":[{"type":"Polygon","id":"a","arcs":[[0]]}]}},"arcs":[[[0,0],[1,0],[1,1],[0,0]]]}`))
	f.Fuzz(func(t *testing.T, file []byte) {
		plan, err := parseUnits(file, Options{Kind: KindUnits, Layer: "grid", Fields: map[string]string{"id": "GEOID"}, MaxErrors: 5, MaxBytes: 1 << 20, Progress: func(string, int) {}})
		if err != nil {
			checkRejection(t, err)
			return
		}
		ids := map[string]bool{}
		for _, u := range plan.units {
			if err := u.Validate(); err != nil || ids[u.ID] {
				t.Fatalf("unit %q invalid or twice: %v", u.ID, err)
			}
			ids[u.ID] = true
		}
		for _, e := range plan.edges {
			if !ids[e[0]] || !ids[e[1]] || e[0] == e[1] {
				t.Fatalf("edge %v", e)
			}
		}
	})
}

func FuzzImportCSVResources(f *testing.F) {
	f.Add([]byte("territory,resource,amount\nW,headcount,2\nW,money,\"$1,500\"\nE,attention,40\n"), false)
	f.Add([]byte("territory,resource,amount\nW,headcount,2.5\nQ,money,1\nE,money,-1\nE,money,NaN\nW,headcount,3\nW,headcount,4\n"), true)
	f.Add([]byte("\xef\xbb\xbfTerritory ID;Resource;Current\nW;hours;1e400\n;;\n"), false)
	f.Add([]byte("territory,resource\nW,money\n"), true)
	reps, money := 3.0, 2000.0
	sc := &terrane.Scenario{ID: 1, Name: "Plan", Layer: "grid", Resources: []terrane.Resource{
		{Name: "headcount", Unit: "reps", Integer: true, Total: &reps}, {Name: "money", Total: &money}, {Name: "attention"}}}
	territories := map[string]bool{"W": true, "E": true}
	f.Fuzz(func(t *testing.T, file []byte, skip bool) {
		plan, err := parseResources(file, Options{Kind: KindResources, Scenario: 1, MaxErrors: 5, SkipInvalid: skip, Progress: func(string, int) {}}, sc, territories)
		if err != nil {
			checkRejection(t, err)
			return
		}
		n := 0
		for tid, amounts := range plan.current {
			if !territories[tid] {
				t.Fatalf("amounts for unknown territory %q", tid)
			}
			for r, v := range amounts {
				if msg := sc.CheckCurrent(r, v); msg != "" {
					t.Fatalf("accepted %s %s = %v: %s", tid, r, v, msg)
				}
				n++
			}
			tr := &terrane.Territory{ID: tid, Current: amounts}
			if err := tr.Validate(); err != nil {
				t.Fatalf("accepted an invalid territory: %v", err)
			}
		}
		if n != plan.amounts || n == 0 || n > plan.rows {
			t.Fatalf("%d amounts counted %d, from %d rows", n, plan.amounts, plan.rows)
		}
	})
}
