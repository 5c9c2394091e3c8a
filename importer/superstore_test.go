package importer

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data/sample"
)

// superstoreOptions load the Superstore order lines as accounts: one per
// customer and ZIP, revenue summed and divided by the years seen.
var superstoreOptions = map[string]string{"group": "Customer ID,Postal Code", "name": "Customer Name", "revenue": "Sales", "date": "Order Date"}

func TestImportSuperstore(t *testing.T) {
	raw, err := os.ReadFile("../data/sample/superstore_orders_2014_2016.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := countyStore(t)
	ctx := context.Background()
	res, err := Import(ctx, s, bytes.NewReader(raw), Options{Kind: KindAccounts, Layer: "us-counties", Fields: superstoreOptions})
	if err != nil {
		t.Fatal(err)
	}
	wantRows := bytes.Count(raw, []byte("\n")) - 1
	if res.Rows != wantRows {
		t.Errorf("rows = %d, want %d", res.Rows, wantRows)
	}
	if res.Unlocated != 0 || res.Located != res.Accounts || res.LocatedRowsShare != 1 {
		t.Errorf("located %d of %d accounts (%d unlocated), %.4f of rows; want all", res.Located, res.Accounts, res.Unlocated, res.LocatedRowsShare)
	}
	if res.Years != 3 {
		t.Errorf("years = %d, want 3", res.Years)
	}
	t.Logf("%+v", *res)
	got, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "us-counties"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != res.Accounts {
		t.Fatalf("stored %d accounts, want %d", len(got), res.Accounts)
	}
	// The same accounts as the sample loader, which reads the file its own way.
	want := map[string]*terrane.Account{}
	superstore, err := sample.SuperstoreAccounts(sampleDS)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range superstore {
		want[a.ID] = a
	}
	if len(want) != len(got) {
		t.Errorf("%d accounts, the sample has %d", len(got), len(want))
	}
	units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "us-counties"})
	if err != nil {
		t.Fatal(err)
	}
	loc := newLocator(units)
	moved := 0
	for _, a := range got {
		w, ok := want[a.ID]
		if !ok {
			t.Errorf("account %s is not in the sample", a.ID)
			continue
		}
		if a.UnitID != w.UnitID {
			// The sample trusts a ZIP's only crosswalk county; the importer
			// trusts the polygon containing the ZIP centroid first.
			if loc.locate(a.Location) != a.UnitID {
				t.Errorf("account %s: unit %s does not contain its location %v (sample: %s)", a.ID, a.UnitID, a.Location, w.UnitID)
			}
			moved++
		}
		if a.PostalCode != w.PostalCode || a.Name != w.Name || a.Segment != w.Segment {
			t.Errorf("account %s: unit %s zip %s name %q segment %q; sample: %s %s %q %q", a.ID, a.UnitID, a.PostalCode, a.Name, a.Segment, w.UnitID, w.PostalCode, w.Name, w.Segment)
		}
		if d := a.Revenue - w.Revenue; d > 0.011 || d < -0.011 {
			t.Errorf("account %s: revenue %.2f, sample %.2f", a.ID, a.Revenue, w.Revenue)
		}
	}
	if moved > len(got)/100 {
		t.Errorf("%d accounts in another unit than the sample's, want at most 1 %%", moved)
	}
}

// TestImportSuperstoreVariant loads another edition of the file: the header
// says Country/Region, the dates are later years in M/D/YYYY, columns are in
// another order — options only, nothing hard-coded.
func TestImportSuperstoreVariant(t *testing.T) {
	raw, err := os.ReadFile("../data/sample/superstore_orders_2014_2016.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	lines[0] = strings.Replace(lines[0], "Country", "Country/Region", 1)
	var b strings.Builder
	b.WriteString(lines[0])
	for _, l := range lines[1:1000] {
		// Shift 2014–2016 to 2019–2021 in the order date only is not needed:
		// replace every year so both dates move.
		for _, y := range [][2]string{{"2016-", "2021-"}, {"2015-", "2020-"}, {"2014-", "2019-"}} {
			l = strings.ReplaceAll(l, y[0], y[1])
		}
		b.WriteString(l)
	}
	s := countyStore(t)
	res, err := Import(context.Background(), s, strings.NewReader(b.String()), Options{Kind: KindAccounts, Layer: "us-counties", Fields: superstoreOptions})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 999 || res.Unlocated != 0 || res.LocatedRowsShare != 1 {
		t.Errorf("rows %d, unlocated %d, located share %.4f; want 999, 0, 1", res.Rows, res.Unlocated, res.LocatedRowsShare)
	}
}

// TestImportCountiesRoundTrip exports the sample's 3,142 counties as GeoJSON
// and imports them as a new layer: the same units, centroids and adjacency.
func TestImportCountiesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := countyStore(t)
	gj, err := s.UnitsGeoJSON(ctx, terrane.UnitFilter{Layer: "us-counties"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, s, bytes.NewReader(gj), Options{Kind: KindUnits, Layer: "copy", Fields: map[string]string{"region": "region"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Units != len(sampleDS.Units) || res.Edges != len(sampleDS.Edges) {
		t.Errorf("%d units, %d edges; the sample has %d, %d", res.Units, res.Edges, len(sampleDS.Units), len(sampleDS.Edges))
	}
	got, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range got {
		w := sampleDS.Units[i]
		if u.ID != w.ID || u.Name != w.Name || u.Region != w.Region || orbDist(u.Centroid, w.Centroid) > 1e-9 {
			t.Fatalf("unit %d: %s %q %s %v; sample %s %q %s %v", i, u.ID, u.Name, u.Region, u.Centroid, w.ID, w.Name, w.Region, w.Centroid)
		}
		for k, v := range w.Attributes {
			if u.Attributes[k] != v {
				t.Fatalf("unit %s attribute %s = %g, sample %g", u.ID, k, u.Attributes[k], v)
			}
		}
	}
	adj, _ := s.FindAdjacency(ctx, "copy")
	if diff := cmp.Diff(sampleDS.Edges, adj); diff != "" {
		t.Errorf("adjacency differs from the sample's (-sample +imported):\n%s", diff)
	}
	// The Albers-projected counties are refused as a wrong CRS, by feature.
	raw, err := os.ReadFile("../../shared/data/us-boundaries/counties-albers-10m.json")
	if err != nil {
		t.Skipf("shared data not present: %v", err)
	}
	_, err = Import(ctx, s, bytes.NewReader(raw), Options{Kind: KindUnits, Layer: "albers", Fields: map[string]string{"object": "counties"}})
	ie := importErrs(t, err)
	if ie.Total() < 3000 || len(ie.Problems) != DefaultMaxErrors || !strings.Contains(ie.Problems[0].Message, "projected CRS") || ie.Problems[0].Field != "geometry" {
		t.Errorf("albers: %d problems, first %+v", ie.Total(), ie.Problems[0])
	}
}

func orbDist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
