package sample_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/geo"
)

func TestGeography(t *testing.T) {
	ds, err := sample.Geography()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Units) != 3142 {
		t.Fatalf("got %d counties, want 3142 (50 states + DC)", len(ds.Units))
	}
	byID := map[string]*terrane.Unit{}
	for _, u := range ds.Units {
		byID[u.ID] = u
		if err := geo.Validate(u.Geometry); err != nil {
			t.Errorf("county %s: %v", u.ID, err)
		}
		if len(u.ID) != 5 {
			t.Errorf("county id %q is not a 5-digit FIPS", u.ID)
		}
	}
	for _, tc := range []struct {
		fips, name, region string
		pop, payroll       float64
		near               orb.Point
	}{
		{"06037", "Los Angeles County", "CA", 10105518, 18656179, orb.Point{-118.2, 34.3}},
		{"36061", "New York County", "NY", 1628701, 30356114, orb.Point{-73.97, 40.78}},
	} {
		u := byID[tc.fips]
		if u == nil {
			t.Fatalf("county %s missing", tc.fips)
		}
		if u.Name != tc.name || u.Region != tc.region || u.Attributes["pop_2018"] != tc.pop || u.Attributes["cbp_annual_payroll_2020_k"] != tc.payroll {
			t.Errorf("county %s = %s %s pop %v payroll %v; want %s %s %v %v", tc.fips, u.Name, u.Region, u.Attributes["pop_2018"], u.Attributes["cbp_annual_payroll_2020_k"], tc.name, tc.region, tc.pop, tc.payroll)
		}
		if d := geo.Haversine(u.Centroid, tc.near); d > 60000 {
			t.Errorf("county %s centroid %v is %.0f m from %v", tc.fips, u.Centroid, d, tc.near)
		}
	}
	if len(ds.Edges) < 8000 {
		t.Errorf("only %d adjacency edges; US counties have about 9,000 rook neighbours", len(ds.Edges))
	}
}

// TestSuperstoreAccounts: the Superstore file, kept as an import example,
// still reads whole: every order line located, revenue per year as the
// file's.
func TestSuperstoreAccounts(t *testing.T) {
	ds, err := sample.Geography()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*terrane.Unit{}
	for _, u := range ds.Units {
		byID[u.ID] = u
	}
	accounts, err := sample.SuperstoreAccounts(ds)
	if err != nil {
		t.Fatal(err)
	}
	var rev float64
	for _, a := range accounts {
		if byID[a.UnitID] == nil {
			t.Errorf("account %s is in county %q, not in the layer", a.ID, a.UnitID)
		}
		rev += a.Revenue
	}
	want := (484247.50 + 470532.51 + 609205.60) / 3 // PROVENANCE: sales by year
	if math.Abs(rev-want) > 5 {
		t.Errorf("account revenue = %.2f dollars per year, want %.2f", rev, want)
	}
	// 6,682 order lines from 793 customers ship to 3,275 (customer, ZIP) pairs.
	if len(accounts) != 3275 {
		t.Errorf("got %d accounts, want 3275 (customer, ZIP) pairs", len(accounts))
	}
}

// TestCompany checks the simulated company Build states: one valid
// estimate per county summing to the national market, the baseline's 51
// state territories, reps with names, homes, quotas and costs, several
// thousand opportunities with a realistic win rate and cycle, and 12
// quarters of history per territory.
func TestCompany(t *testing.T) {
	ds, err := sample.Build()
	if err != nil {
		t.Fatal(err)
	}
	co := ds.Company
	if len(ds.Estimates) != len(ds.Units) {
		t.Fatalf("%d estimates for %d units", len(ds.Estimates), len(ds.Units))
	}
	var market, estRev float64
	for _, m := range ds.Estimates {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
		market += m.Market
		estRev += m.Revenue
	}
	if market < sample.NationalMarket*0.99 || market > sample.NationalMarket*1.01 {
		t.Errorf("sum of markets = %.0f, want about %.0f", market, sample.NationalMarket)
	}
	var accRev float64
	seen := map[string]bool{}
	for _, a := range ds.Accounts {
		if err := a.Validate(); err != nil {
			t.Error(err)
		}
		if seen[a.ID] || len(a.ID) != 15 || a.ID[:3] != "001" {
			t.Errorf("account id %q: want a unique 15-character CRM id starting 001", a.ID)
		}
		seen[a.ID] = true
		accRev += a.Revenue
	}
	if math.Abs(accRev-estRev) > 1 {
		t.Errorf("estimated revenue %.2f != account revenue %.2f", estRev, accRev)
	}

	// Baseline: 51 state territories covering every county; some without a rep.
	if len(ds.Territories) != 51 || len(ds.Alignment) != 3142 {
		t.Errorf("baseline has %d territories and %d assignments; want 51 and 3142", len(ds.Territories), len(ds.Alignment))
	}
	if ds.Alignment["06037"] != "CA" {
		t.Errorf("Los Angeles is in territory %q, want CA", ds.Alignment["06037"])
	}
	if err := ds.Scenario.Validate(); err != nil {
		t.Error(err)
	}
	empty := 0
	for _, tt := range ds.Territories {
		if tt.Current["headcount"] == 0 {
			empty++
		}
	}
	if empty < 5 || empty > 25 {
		t.Errorf("%d territories without a rep; want some small states without one", empty)
	}

	regions, managers := map[string]bool{}, map[string]bool{}
	for _, r := range co.Reps {
		u := terrane.User{Name: r.Name, Role: r.Role, Email: r.Email, Cost: r.Cost, Capacity: r.Capacity, Quota: r.Quota, Home: &r.Home}
		if err := u.Validate(); err != nil || !strings.Contains(r.Name, " ") || r.PostalCode == "" {
			t.Errorf("rep %+v: %v", r, err)
		}
		regions[r.Region] = true
		if r.Role == terrane.RoleLeader {
			managers[r.Name] = true
		} else if r.Quota <= 0 || r.Territory == "" || r.Manager == "" {
			t.Errorf("rep %s: quota %v, territory %q, manager %q", r.Name, r.Quota, r.Territory, r.Manager)
		}
	}
	if len(regions) != 5 || len(managers) != 5 {
		t.Errorf("%d regions, %d managers; want 5 of each", len(regions), len(managers))
	}

	var won, lost, open, blank int
	var cycle float64
	for _, o := range co.Opportunities {
		d := o.Close.Sub(o.Created).Hours() / 24
		if d < 30 || d > 150 {
			t.Errorf("opportunity %s: a cycle of %.0f days", o.ID, d)
		}
		if o.Created.After(sample.AsOf) || o.Created.Before(sample.AsOf.AddDate(-3, 0, 0)) {
			t.Errorf("opportunity %s created %v, outside the 12 quarters", o.ID, o.Created)
		}
		switch o.Stage {
		case sample.WonStage:
			won++
			cycle += d
		case sample.LostStage:
			lost++
		default:
			open++
			if o.Blank {
				blank++
			}
		}
	}
	rate := float64(won) / float64(won+lost)
	t.Logf("%d opportunities: %d won, %d lost (win rate %.1f %%, mean cycle won %.0f days), %d open (%d without an amount)",
		len(co.Opportunities), won, lost, 100*rate, cycle/float64(won), open, blank)
	if len(co.Opportunities) < 3000 || rate < 0.2 || rate > 0.35 || open == 0 || blank == 0 {
		t.Errorf("opportunities: %d, win rate %.3f, %d open, %d blank", len(co.Opportunities), rate, open, blank)
	}

	periods := map[string]int{}
	for _, h := range co.History {
		periods[h.Territory]++
		if len(h.Period) != 7 || h.Period[4:6] != "-Q" || h.Revenue <= 0 {
			t.Errorf("history row %+v", h)
		}
	}
	for _, tt := range ds.Territories {
		if periods[tt.ID] != sample.Quarters {
			t.Errorf("territory %s has %d quarters of history, want %d", tt.ID, periods[tt.ID], sample.Quarters)
		}
	}
}

// TestGenerateReproducesFiles: the committed company files are what the
// generator writes with sample.Seed, byte for byte (the .gz files by their
// content), so nobody edits them by hand. Regenerate them with
// go run ./data/sample/gen.
func TestGenerateReproducesFiles(t *testing.T) {
	ds, err := sample.Geography()
	if err != nil {
		t.Fatal(err)
	}
	co, err := sample.Generate(ds, sample.Seed)
	if err != nil {
		t.Fatal(err)
	}
	files, err := co.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(sample.CompanyFiles()) {
		t.Errorf("generator writes %d files, %d are committed", len(files), len(sample.CompanyFiles()))
	}
	for _, name := range sample.CompanyFiles() {
		committed, err := sample.CompanyFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, got := gunzip(t, name, committed), gunzip(t, name, files[name])
		if !bytes.Equal(want, got) {
			t.Errorf("company/%s differs from what the generator writes (%d bytes, %d committed); run go run ./data/sample/gen", name, len(got), len(want))
		}
	}
	again, err := sample.Generate(ds, sample.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Accounts) != len(co.Accounts) || again.Accounts[len(co.Accounts)-1].Revenue != co.Accounts[len(co.Accounts)-1].Revenue {
		t.Errorf("two runs with the same seed differ")
	}
}

func gunzip(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	if !strings.HasSuffix(name, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
