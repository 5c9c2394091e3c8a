package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readCSV parses an export with a CSV reader (RFC 4180) and wants a header.
func readCSV(t *testing.T, name string, raw []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(raw))
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v (%d rows)\n%s", name, err, len(rows), raw)
	}
	return rows
}

// validDeveloperName says why s is not a Salesforce DeveloperName, or "".
func validDeveloperName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > 80:
		return "longer than 80 characters"
	case !regexp.MustCompile(`^[A-Za-z0-9_]+$`).MatchString(s):
		return "has a character other than letters, digits and underscores"
	case !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z'):
		return "does not start with a letter"
	case strings.HasSuffix(s, "_"):
		return "ends with an underscore"
	case strings.Contains(s, "__"):
		return "has two consecutive underscores"
	}
	return ""
}

// hashedName is the DeveloperName rule for an id that is not one itself.
func hashedName(base, id string) string {
	sum := sha256.Sum256([]byte(id))
	return base + "_" + hex.EncodeToString(sum[:4])
}

// crmScenario imports, into the fixture's grid, accounts with
// Salesforce-shaped ids, three people with emails and quotas (one without
// an email) and a baseline with a 3-level hierarchy (territory → region →
// area) whose ids are not all DeveloperNames; it returns the scenario id
// and the imported account ids.
func crmScenario(t *testing.T, f *fixture) (int64, []string) {
	t.Helper()
	accounts := "account_id,name,lon,lat,revenue\n" +
		"001A000001aBcDeIAA,\"Acme, \"\"West\"\" Inc\",-99.5,40.5,1234567.5\n" +
		"001A000001aBcDfIAA,Bolt Ltd,-98.5,41.5,12000000\n" +
		"001A000001aBcDgIAA,Crane Co,-97.5,42.5,0.07\n" +
		"001A000001aBcDhIAA,Dune SA,-96.5,40.5,250\n"
	if code, out := f.upload("ann", map[string]string{"kind": "accounts", "layer": "grid"}, accounts); code != 200 {
		t.Fatalf("accounts import: %d %v", code, out)
	}
	if code, out := f.upload("ann", map[string]string{"kind": "reps", "layer": "grid"},
		"name,email,quota\nAna Lima,ana@example.com,500000\nBo Chen,bo@example.com,400000\nCy Dee,,300000\n"); code != 200 {
		t.Fatalf("reps import: %d %v", code, out)
	}
	var as strings.Builder
	as.WriteString("unit,territory,territory_name,parent,owner\n")
	for c := 0; c < 4; c++ {
		for r := 0; r < 3; r++ {
			u := string(rune('a'+c)) + string(rune('0'+r))
			if c < 2 {
				fmt.Fprintf(&as, "%s,W-1,\"West, one\",Region West > AREA__US,Ana Lima\n", u)
			} else {
				fmt.Fprintf(&as, "%s,East,East,9 East > AREA__US,Bo Chen;Cy Dee\n", u)
			}
		}
	}
	code, out := f.upload("ann", map[string]string{"kind": "assignments", "layer": "grid", "create_scenario": "CRM plan"}, as.String())
	if code != 200 || out["scenario_created"] != true {
		t.Fatalf("assignments import: %d %v", code, out)
	}
	return int64(out["scenario"].(float64)), []string{"001A000001aBcDeIAA", "001A000001aBcDfIAA", "001A000001aBcDgIAA", "001A000001aBcDhIAA"}
}

// TestSalesforceSchema is the acceptance test of the Salesforce Enterprise
// Territory Management export: the three files, read with a CSV reader,
// have Salesforce's columns; every ObjectId is an account id of the
// accounts import; every ParentTerritory2 DeveloperName is defined in the
// territory file, above its child; every DeveloperName is valid and unique;
// every user email is a user's.
func TestSalesforceSchema(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id, imported := crmScenario(t, f)
		base := fmt.Sprintf("/api/v1/scenarios/%d/exports/", id)
		terrs := readCSV(t, "territory2", f.fetch(t, "ann", base+"salesforce-territory2.csv"))
		objs := readCSV(t, "object association", f.fetch(t, "ann", base+"salesforce-object-territory2-association.csv"))
		users := readCSV(t, "user association", f.fetch(t, "ann", base+"salesforce-user-territory2-association.csv"))
		for _, h := range []struct {
			name      string
			got, want []string
		}{
			{"salesforce-territory2.csv", terrs[0], []string{"DeveloperName", "Name", "ParentTerritory2 DeveloperName", "Territory2Type DeveloperName"}},
			{"salesforce-object-territory2-association.csv", objs[0], []string{"ObjectId", "Territory2 DeveloperName", "AssociationCause"}},
			{"salesforce-user-territory2-association.csv", users[0], []string{"User Email", "Territory2 DeveloperName", "RoleInTerritory2"}},
		} {
			if diff := cmp.Diff(h.want, h.got); diff != "" {
				t.Errorf("%s header (-want +got):\n%s", h.name, diff)
			}
		}

		// Territories: valid, unique names; every parent defined on an
		// earlier row; the type named.
		defined, folded := map[string]bool{}, map[string]bool{}
		for _, row := range terrs[1:] {
			dn := row[0]
			if why := validDeveloperName(dn); why != "" {
				t.Errorf("territory2 DeveloperName %q %s", dn, why)
			}
			if folded[strings.ToLower(dn)] {
				t.Errorf("territory2 DeveloperName %q twice", dn)
			}
			folded[strings.ToLower(dn)] = true
			if p := row[2]; p != "" && !defined[p] {
				t.Errorf("territory2 %s: parent %q is not defined on an earlier row", dn, p)
			}
			if row[3] != "Terrane_Territory" {
				t.Errorf("territory2 %s: type %q, want Terrane_Territory", dn, row[3])
			}
			defined[dn] = true
		}
		// The hierarchy, names and the rule by which ids become names.
		area, west, east, region := hashedName("AREA_US", "AREA__US"), hashedName("W_1", "W-1"), "East", hashedName("T_9_East", "9 East")
		regionWest := hashedName("Region_West", "Region West")
		want := [][]string{
			{area, "AREA__US", "", "Terrane_Territory"},
			{region, "9 East", area, "Terrane_Territory"},
			{regionWest, "Region West", area, "Terrane_Territory"},
			{east, "East", region, "Terrane_Territory"},
			{west, "West, one", regionWest, "Terrane_Territory"},
		}
		if diff := cmp.Diff(want, terrs[1:]); diff != "" {
			t.Errorf("territory2 rows, parents first (-want +got):\n%s", diff)
		}

		// Accounts: each imported account once, in its territory.
		seen := map[string]bool{}
		for _, row := range objs[1:] {
			if !slices.Contains(imported, row[0]) {
				t.Errorf("ObjectId %q is not an account id of the accounts import", row[0])
			}
			if seen[row[0]] {
				t.Errorf("ObjectId %q twice", row[0])
			}
			seen[row[0]] = true
			if !defined[row[1]] {
				t.Errorf("ObjectId %s: territory %q is not in the territory file", row[0], row[1])
			}
			if row[2] != "Territory2Manual" {
				t.Errorf("ObjectId %s: AssociationCause %q", row[0], row[2])
			}
		}
		if len(seen) != len(imported) {
			t.Errorf("%d accounts associated, want the %d imported", len(seen), len(imported))
		}
		wantObjs := [][]string{{"001A000001aBcDeIAA", west, "Territory2Manual"}, {"001A000001aBcDfIAA", west, "Territory2Manual"},
			{"001A000001aBcDgIAA", east, "Territory2Manual"}, {"001A000001aBcDhIAA", east, "Territory2Manual"}}
		if diff := cmp.Diff(wantObjs, objs[1:]); diff != "" {
			t.Errorf("object associations (-want +got):\n%s", diff)
		}

		// Users: every email a user's; the owner without one left out.
		code, list := f.do("ada", "GET", "/api/v1/users", nil)
		if code != 200 {
			t.Fatalf("users: %d %v", code, list)
		}
		emails := map[string]bool{}
		for _, u := range list["users"].([]any) {
			if e := u.(map[string]any)["email"].(string); e != "" {
				emails[e] = true
			}
		}
		for _, row := range users[1:] {
			if !emails[row[0]] {
				t.Errorf("user association: %q is not a user's email", row[0])
			}
			if !defined[row[1]] {
				t.Errorf("user association %s: territory %q is not in the territory file", row[0], row[1])
			}
		}
		wantUsers := [][]string{{"bo@example.com", east, "Owner"}, {"ana@example.com", west, "Owner"}}
		if diff := cmp.Diff(wantUsers, users[1:]); diff != "" {
			t.Errorf("user associations (-want +got):\n%s", diff)
		}
	})
}

// TestCRMExports: accounts.csv keeps its first seven columns and adds the
// territory name and owner email; hubspot-companies.csv carries the CRM id
// as Record ID; money is plain decimals; quoting is RFC 4180; a rep's files
// hold only their territories; an unknown file is 404 naming the files.
func TestCRMExports(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		id, _ := crmScenario(t, f)
		base := fmt.Sprintf("/api/v1/scenarios/%d/exports/", id)
		raw := f.fetch(t, "ann", base+"accounts.csv")
		if !bytes.Contains(raw, []byte(`"Acme, ""West"" Inc"`)) || !bytes.Contains(raw, []byte(`"West, one"`)) {
			t.Errorf("accounts.csv does not quote per RFC 4180:\n%s", raw)
		}
		rows := readCSV(t, "accounts.csv", raw)
		if diff := cmp.Diff([]string{"account_id", "name", "postal_code", "unit_id", "territory_id", "owner", "revenue", "territory_name", "owner_email"}, rows[0]); diff != "" {
			t.Errorf("accounts.csv header (-want +got):\n%s", diff)
		}
		want := [][]string{
			{"001A000001aBcDeIAA", `Acme, "West" Inc`, "", "a0", "W-1", "Ana Lima", "1234567.5", "West, one", "ana@example.com"},
			{"001A000001aBcDfIAA", "Bolt Ltd", "", "b1", "W-1", "Ana Lima", "12000000", "West, one", "ana@example.com"},
			{"001A000001aBcDgIAA", "Crane Co", "", "c2", "East", "Bo Chen", "0.07", "East", "bo@example.com"},
			{"001A000001aBcDhIAA", "Dune SA", "", "d0", "East", "Bo Chen", "250", "East", "bo@example.com"},
		}
		if diff := cmp.Diff(want, rows[1:]); diff != "" {
			t.Errorf("accounts.csv rows (-want +got):\n%s", diff)
		}
		plain := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
		for _, row := range rows[1:] {
			if !plain.MatchString(row[6]) {
				t.Errorf("accounts.csv revenue %q is not a plain decimal", row[6])
			}
		}

		raw = f.fetch(t, "ann", base+"hubspot-companies.csv")
		rows = readCSV(t, "hubspot-companies.csv", raw)
		if diff := cmp.Diff([]string{"Record ID", "Company name", "Owner email", "Territory", "Territory ID"}, rows[0]); diff != "" {
			t.Errorf("hubspot-companies.csv header (-want +got):\n%s", diff)
		}
		want = [][]string{
			{"001A000001aBcDeIAA", `Acme, "West" Inc`, "ana@example.com", "West, one", "W-1"},
			{"001A000001aBcDfIAA", "Bolt Ltd", "ana@example.com", "West, one", "W-1"},
			{"001A000001aBcDgIAA", "Crane Co", "bo@example.com", "East", "East"},
			{"001A000001aBcDhIAA", "Dune SA", "bo@example.com", "East", "East"},
		}
		if diff := cmp.Diff(want, rows[1:]); diff != "" {
			t.Errorf("hubspot-companies.csv rows (-want +got):\n%s", diff)
		}

		// A rep sees their own territory of the published plan only.
		for _, step := range []string{"approve", "publish"} {
			if code, out := f.do("lee", "POST", fmt.Sprintf("/api/v1/scenarios/%d/%s", f.baseline, step), nil); code != 200 {
				t.Fatalf("%s the baseline: %d %v", step, code, out)
			}
		}
		b := fmt.Sprintf("/api/v1/scenarios/%d/exports/", f.baseline)
		rows = readCSV(t, "rep territory2", f.fetch(t, "rick", b+"salesforce-territory2.csv"))
		if diff := cmp.Diff([][]string{{"E", "East", "", "Terrane_Territory"}}, rows[1:]); diff != "" {
			t.Errorf("rick's salesforce-territory2.csv (-want +got):\n%s", diff)
		}
		rows = readCSV(t, "rep hubspot", f.fetch(t, "rick", b+"hubspot-companies.csv"))
		if len(rows) != 3 {
			t.Errorf("rick's hubspot-companies.csv: %d rows, want a header and the 2 accounts of East", len(rows))
		}
		for _, row := range rows[1:] {
			if row[4] != "E" {
				t.Errorf("rick's hubspot-companies.csv has %v, outside his territory", row)
			}
		}
		if code, out := f.do("ann", "GET", b+"accounts.xlsx", nil); code != 404 || !strings.Contains(errMessage(out), "salesforce-territory2.csv") {
			t.Errorf("unknown export: %d %v; want 404 naming the files", code, out)
		}
	})
}
