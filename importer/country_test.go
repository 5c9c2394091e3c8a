package importer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// TestCountryTable checks the embedded alias table: every ISO 3166-1
// country, each with its codes and at least one name.
func TestCountryTable(t *testing.T) {
	loadCountries()
	if n := len(countryKeys); n != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", n)
	}
	for k, want := range map[string]string{"fr": "fra", "france": "fra", "frenchrepublic": "fra", "ivorycoast": "civ", "cotedivoire": "civ", "us": "usa", "usa": "usa", "unitedstatesofamerica": "usa", "uk": "gbr", "840": "usa"} {
		c, ok := countryOf[k]
		if !ok || countryKeys[c][1] != want {
			t.Errorf("%q: country %v, want %s", k, countryKeys[c], want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Côte d'Ivoire": "cotedivoire", "  U.S.A. ": "usa", "São Tomé and Príncipe": "saotomeandprincipe", "ÅLAND": "aland", "Zürich-Ost 2": "zurichost2"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAccountsByUnit locates accounts by a unit column: ids, names ignoring
// case and accents, country codes and names, and the user's aliases; a name
// matching nothing is an error naming the line and column (skipped with
// skip_invalid).
func TestAccountsByUnit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		cells := []gridCell{
			{id: "FRA", name: "France", poly: square(0, 40)},
			{id: "CIV", name: "Côte d'Ivoire", poly: square(-5, 5)},
			{id: "USA", name: "United States of America", poly: square(-100, 40)},
			{id: "x1", name: "Springfield", poly: square(10, 10)},
			{id: "x2", name: "Springfield", poly: square(20, 10)},
		}
		if _, err := Import(ctx, s, bytes.NewReader(gridGeoJSON(t, cells)), Options{Kind: KindUnits, Layer: "w", Fields: map[string]string{"id": "GEOID", "name": "NAME"}}); err != nil {
			t.Fatal(err)
		}
		file := "id,name,Country,revenue,owner,Tier\n" +
			"0011,One,france,10,Ann Lee,gold\n" +
			"0012,Two,FR,10,,\n" +
			"0013,Three,Ivory Coast,10,,\n" +
			"0014,Four,COTE D'IVOIRE,10,,\n" +
			"0015,Five,U.S.,10,,\n" +
			"0016,Six,Frnace,10,,\n" +
			"0017,Seven,USA,10,,\n" +
			"0018,Eight,Springfield,10,,\n"
		res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "w",
			Fields: map[string]string{"unit": "Country", "skip_invalid": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Accounts != 6 || res.Located != 6 || res.ByUnit != 6 {
			t.Errorf("result %+v", res)
		}
		want := []Skipped{
			{Line: 7, ID: "0016", Field: "Country", Message: `"Frnace" is neither the id nor the name of a unit of the layer, nor a country code or name; add it with the option aliases=NAME:UNIT_ID`},
			{Line: 9, ID: "0018", Field: "Country", Message: `"Springfield" names several units (x1, x2); give the unit id, or choose one with the option aliases=NAME:UNIT_ID`},
		}
		if diff := cmp.Diff(want, res.Skipped); diff != "" {
			t.Errorf("skipped (-want +got):\n%s", diff)
		}
		accts, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "w"})
		got := map[string]string{}
		for _, a := range accts {
			got[a.ID] = a.UnitID + " " + a.Owner
		}
		if diff := cmp.Diff(map[string]string{"0011": "FRA Ann Lee", "0012": "FRA ", "0013": "CIV ", "0014": "CIV ", "0015": "USA ", "0017": "USA "}, got); diff != "" {
			t.Errorf("accounts: id kept as given (leading zeros), unit and owner (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]string{"Tier": "gold"}, accts[0].Attributes); diff != "" || accts[1].Attributes != nil {
			t.Errorf("attributes: extra columns kept (-want +got):\n%s; and none when empty: %v", diff, accts[1].Attributes)
		}
		if accts[0].Location != (cells[0].poly.Bound().Center()) {
			t.Errorf("located at %v, want the unit's centroid", accts[0].Location)
		}

		// The user's aliases fix the typo and the clash.
		res, err = Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "w",
			Fields: map[string]string{"unit": "Country", "aliases": "Frnace:FRA; Springfield:x2"}})
		if err != nil || res.Accounts != 8 {
			t.Fatalf("with aliases: %+v, %v", res, err)
		}
		for _, tc := range []struct{ aliases, want string }{
			{"Frnace=FRA", "is not NAME:UNIT_ID"},
			{"Frnace:ZZZ", `unit "ZZZ" is not in the layer`},
		} {
			_, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "w", Fields: map[string]string{"unit": "Country", "aliases": tc.aliases}})
			if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), tc.want) {
				t.Errorf("aliases %q: %v, want %q", tc.aliases, err, tc.want)
			}
		}
		// Without skip_invalid the typo rejects the file with line and column.
		_, err = Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "w", Fields: map[string]string{"unit": "Country"}})
		if ie := importErrs(t, err); ie.Total() != 2 || ie.Problems[0].Row != 7 || ie.Problems[0].Field != "Country" {
			t.Errorf("problems %v", ie.Message())
		}
	})
}

// TestAccountsGroupLocation makes one account per group and places it at
// the first row, the location with the most revenue, or the latest row.
func TestAccountsGroupLocation(t *testing.T) {
	s, _ := gridStore(t)
	ctx := context.Background()
	file := "Customer,lon,lat,Sales,Order Date\n" +
		"C1,-99.5,40.5,10,2016-01-05\n" + // c0r0
		"C1,-98.5,41.5,30,2015-03-01\n" + // c1r1
		"C1,-97.5,42.5,15,2016-06-30\n" + // c2r2
		"C1,-97.5,42.5,10,2014-01-01\n" + // c2r2: with the row above 25 < 30
		"C2,-96.5,40.5,5,2016-01-01\n"
	for _, tc := range []struct{ location, want string }{{"", "c0r0"}, {"first", "c0r0"}, {"most_revenue", "c1r1"}, {"latest", "c2r2"}} {
		t.Run(tc.location, func(t *testing.T) {
			f := map[string]string{"group": "Customer", "date": "Order Date", "per_year": "false"}
			if tc.location != "" {
				f["location"] = tc.location
			}
			res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindAccounts, Layer: "grid", Fields: f})
			if err != nil {
				t.Fatal(err)
			}
			accts, _ := s.FindAccounts(ctx, terrane.AccountFilter{Layer: "grid"})
			if res.Accounts != 2 || accts[0].ID != "C1" || accts[0].UnitID != tc.want || accts[0].Revenue != 65 {
				t.Errorf("account %+v, want C1 in %s with all 65 dollars", *accts[0], tc.want)
			}
		})
	}
	for _, tc := range []struct {
		fields map[string]string
		want   string
	}{
		{map[string]string{"group": "Customer", "location": "largest"}, "must be first, most_revenue or latest"},
		{map[string]string{"location": "first"}, "give group=COLUMN too"},
		{map[string]string{"group": "Customer", "location": "latest", "date": "Nope"}, "missing column"},
	} {
		_, err := Import(ctx, s, strings.NewReader(strings.ReplaceAll(file, "Customer", "id")), Options{Kind: KindAccounts, Layer: "grid", Fields: tc.fields})
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), tc.want) {
			t.Errorf("%v: %v, want %q", tc.fields, err, tc.want)
		}
	}
}

// TestCountryCodesGoToTheCountrysOwnUnit: the alias table lists "Ashmore and Cartier Is." among
// Australia's names (Natural Earth), and world-countries has it as a unit of its own (ATC), sorted
// before AUS; Australia's other codes ("AU") still name AUS, and the territory's name names ATC.
func TestCountryCodesGoToTheCountrysOwnUnit(t *testing.T) {
	m, err := newUnitMatcher([]*terrane.Unit{{ID: "ATC", Name: "Ashmore and Cartier Is."}, {ID: "AUS", Name: "Australia"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"AU": "AUS", "036": "AUS", "Australia": "AUS", "ashmore and cartier is": "ATC"} {
		if got, why := m.match(in); got != want {
			t.Errorf("match(%q) = %q (%s), want %s", in, got, why, want)
		}
	}
}
