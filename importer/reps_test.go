package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data"
)

// usersSnapshot renders the stored users, to compare.
func usersSnapshot(t testing.TB, s *data.Store) string {
	t.Helper()
	us, err := s.FindUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range us {
		fmt.Fprintf(&b, "%+v home %v\n", *u, u.Home)
	}
	return b.String()
}

func ownersIn(t testing.TB, s *data.Store, scenario int64) map[string][]string {
	t.Helper()
	ts, err := s.FindTerritories(context.Background(), scenario)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tr := range ts {
		out[tr.ID] = tr.Owners
	}
	return out
}

// TestImportReps: a reps file creates users (names with spaces, any script)
// and updates one matched by name, then by email; the territory column makes
// each the owner of exactly those territories of the layer's baseline; money
// and locations are read as documented.
func TestImportReps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		sc := seedGrid(t, s)
		if err := s.CreateUser(ctx, &terrane.User{Name: "rita", Role: terrane.RoleRep, PasswordHash: "$2a$10$keep"}); err != nil {
			t.Fatal(err)
		}
		file := "Name,Email,Role,Territory,Manager,Region,Postal Code,lon,lat,Cost,Capacity,Quota\n" +
			"Ana María Pérez,Ana@Example.com,,W;E,Lee Chen,West,2134,,,\"$165,000\",1650,\"$1,400,000\"\n" +
			"rita,rita@example.com,rep,E,Lee Chen,East,,-98.5,41.5,150000,1600,1200000\n" +
			"李 小龙,,leader,,,,,,,,,\n"
		res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindReps, Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 3 || res.UsersCreated != 2 || res.UsersUpdated != 1 || res.Scenario != sc {
			t.Errorf("result %+v, want 3 rows, 2 created, 1 updated, scenario %d", res, sc)
		}
		owners := ownersIn(t, s, sc)
		if !slices.Equal(owners["W"], []string{"Ana María Pérez"}) || !slices.Equal(owners["E"], []string{"Ana María Pérez", "rita"}) {
			t.Errorf("owners %v, want W: [Ana María Pérez] (rita no longer), E: [Ana María Pérez rita]", owners)
		}
		ana, err := s.FindUserByName(ctx, "Ana María Pérez")
		if err != nil {
			t.Fatal(err)
		}
		if ana.Role != "rep" || ana.Email != "ana@example.com" || ana.Manager != "Lee Chen" || ana.Region != "West" ||
			ana.Cost != 165000 || ana.Capacity != 1650 || ana.Quota != 1.4e6 || ana.Home == nil || ana.PasswordHash != "" ||
			!slices.Equal(ana.Territories, []string{"W", "E"}) {
			t.Errorf("Ana stored as %+v (home %v)", ana, ana.Home)
		}
		rita, _ := s.FindUserByName(ctx, "rita")
		if rita.Email != "rita@example.com" || rita.Quota != 1.2e6 || rita.Home == nil || *rita.Home != (orb.Point{-98.5, 41.5}) || rita.PasswordHash != "$2a$10$keep" {
			t.Errorf("rita updated to %+v (home %v); want her password kept", rita, rita.Home)
		}
		if bruce, err := s.FindUserByName(ctx, "李 小龙"); err != nil || bruce.Role != "leader" {
			t.Errorf("李 小龙: %+v, %v", bruce, err)
		}

		// The email is the key: a second file updates rita by it; a cell left
		// empty keeps what is stored; no territory column leaves owners alone.
		res, err = Import(ctx, s, strings.NewReader("name,email,quota\nrita,RITA@example.com,900000\n"), Options{Kind: KindReps, Layer: "grid"})
		if err != nil {
			t.Fatal(err)
		}
		if res.UsersUpdated != 1 || res.UsersCreated != 0 {
			t.Errorf("second import %+v, want 1 updated", res)
		}
		rita, _ = s.FindUserByName(ctx, "rita")
		if rita.Quota != 9e5 || rita.Cost != 150000 || rita.Region != "East" {
			t.Errorf("rita after the second file %+v", rita)
		}
		if got := ownersIn(t, s, sc); !slices.Equal(got["E"], owners["E"]) {
			t.Errorf("owners changed without a territory column: %v", got)
		}
	})
}

// TestImportRepsMalformed: each bad reps file is rejected whole with its
// problem naming the line and field, and neither users nor owners change.
func TestImportRepsMalformed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		sc := seedGrid(t, s)
		if err := s.CreateUser(ctx, &terrane.User{Name: "ada", Role: terrane.RoleAdmin, Email: "ada@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, &terrane.User{Name: "rita", Role: terrane.RoleRep, Email: "rita@example.com"}); err != nil {
			t.Fatal(err)
		}
		before, beforeOwners := usersSnapshot(t, s), ownersIn(t, s, sc)
		ok := "Good Rep,good@example.com,W\n"
		for _, tc := range []struct {
			name string
			file string
			want Problem
		}{
			{"no name column", "email,territory\na@b.c,W\n", Problem{Row: 1, Field: "name", Message: "missing column"}},
			{"empty name", "name,email,territory\n" + ok + ",x@example.com,W\n", Problem{Row: 3, Field: "name", Message: "is empty"}},
			{"name with a tab", "name,email,territory\n\"Bo\tLi\",,W\n", Problem{Row: 2, ID: "Bo\tLi", Field: "name", Message: "control character"}},
			{"name twice", "name,email,territory\n" + ok + "Good Rep,,E\n", Problem{Row: 3, ID: "Good Rep", Field: "name", Message: "appears twice (also line 2)"}},
			{"email twice", "name,email,territory\n" + ok + "Other Rep,GOOD@example.com,E\n", Problem{Row: 3, ID: "Other Rep", Field: "email", Message: "appears twice"}},
			{"bad email", "name,email,territory\nBo Li,not-an-address,W\n", Problem{Row: 2, ID: "Bo Li", Message: "is not an address"}},
			{"unknown territory", "name,email,territory\n" + ok + "Bo Li,,W;Atlantis\n", Problem{Row: 3, ID: "Bo Li", Field: "territory", Message: `unknown territory "Atlantis": not in scenario`}},
			{"bad role", "name,role\nBo Li,boss\n", Problem{Row: 2, ID: "Bo Li", Field: "role", Message: `role "boss"`}},
			{"admin role", "name,role\nBo Li,admin\n", Problem{Row: 2, ID: "Bo Li", Field: "role", Message: "cannot make admins"}},
			{"updates an admin", "name,quota\nada,5\n", Problem{Row: 2, ID: "ada", Field: "name", Message: "is an admin"}},
			{"renames by email", "name,email\nRita Moreno,rita@example.com\n", Problem{Row: 2, ID: "Rita Moreno", Field: "email", Message: "does not rename"}},
			{"negative cost", "name,cost\nBo Li,-5\n", Problem{Row: 2, ID: "Bo Li", Field: "cost", Message: "negative cost"}},
			{"quota not a number", "name,quota\nBo Li,lots\n", Problem{Row: 2, ID: "Bo Li", Field: "quota", Message: "is not a number"}},
			{"capacity NaN", "name,capacity\nBo Li,NaN\n", Problem{Row: 2, ID: "Bo Li", Field: "capacity", Message: "not a finite number"}},
			{"lon out of range", "name,lon,lat\nBo Li,500,40\n", Problem{Row: 2, ID: "Bo Li", Field: "lon/lat", Message: "outside the lon/lat range"}},
			{"lon without lat", "name,lon\nBo Li,5\n", Problem{Row: 1, Field: "lon/lat", Message: "both lon and lat"}},
			{"unknown postal code", "name,postal_code\nBo Li,00000\n", Problem{Row: 2, ID: "Bo Li", Field: "postal_code", Message: "unknown postal code"}},
			{"bad quotes", "name,email\n\"Bo Li,x\n", Problem{Row: 2, Message: "CSV"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := Import(ctx, s, strings.NewReader(tc.file), Options{Kind: KindReps, Layer: "grid"})
				errs := importErrs(t, err)
				got := errs.Problems[0]
				if got.Row != tc.want.Row || got.ID != tc.want.ID || got.Field != tc.want.Field || !strings.Contains(got.Message, tc.want.Message) {
					t.Errorf("first problem %+v, want %+v (message containing %q)", got, tc.want, tc.want.Message)
				}
				if after := usersSnapshot(t, s); after != before {
					t.Errorf("a rejected file changed the users:\n%s\nwas\n%s", after, before)
				}
				if o := ownersIn(t, s, sc); fmt.Sprint(o) != fmt.Sprint(beforeOwners) {
					t.Errorf("a rejected file changed the owners: %v, was %v", o, beforeOwners)
				}
			})
		}
		// A scenario that does not exist, or on another layer, is refused too.
		if _, err := Import(ctx, s, strings.NewReader("name,territory\nBo Li,W\n"), Options{Kind: KindReps, Layer: "grid", Scenario: 999}); terrane.ErrorCode(err) != terrane.ENOTFOUND {
			t.Errorf("unknown scenario: %v, want not found", err)
		}
	})
}

func FuzzImportCSVReps(f *testing.F) {
	f.Add([]byte("name,email,role,territory,manager,region,postal_code,cost,capacity,quota\nAna María Pérez,ana@example.com,,W;E,Lee,West,2134,\"$165,000\",1650,1400000\n"), false)
	f.Add([]byte("Name,lon,lat\nrita,-98.5,41.5\nrita,1,2\n,3,4\n"), true)
	f.Add([]byte("name,role,territory\nada,admin,Atlantis\n\"Bo\tLi\",boss,\n"), false)
	f.Add([]byte("\xef\xbb\xbfname;email\nx;RITA@example.com\n"), false)
	f.Add([]byte("name,territory,cost\nBo,W;Atlantis,1\nCy,E,-1\nDi,E,2\n"), true)
	existing := []*terrane.User{{ID: 1, Name: "ada", Role: terrane.RoleAdmin}, {ID: 2, Name: "rita", Role: terrane.RoleRep, Email: "rita@example.com"}}
	territories := map[string]bool{"W": true, "E": true}
	tables := &zipTables{centroids: map[string]orb.Point{"02134": {-71.1, 42.35}}}
	f.Fuzz(func(t *testing.T, file []byte, skip bool) {
		plan, err := parseReps(file, Options{Kind: KindReps, Layer: "grid", MaxErrors: 5, SkipInvalid: skip, Progress: func(string, int) {}}, existing, territories, "1", func() (*zipTables, error) { return tables, nil })
		if err != nil {
			checkRejection(t, err)
			return
		}
		names, emails := map[string]bool{}, map[string]bool{}
		for _, u := range plan.users {
			if err := u.Validate(); err != nil {
				t.Fatalf("accepted an invalid user: %v", err)
			}
			if u.Role == terrane.RoleAdmin {
				t.Fatalf("the file made or changed an admin: %+v", u)
			}
			if names[u.Name] || (u.Email != "" && emails[u.Email]) {
				t.Fatalf("user %s twice", u.Name)
			}
			names[u.Name], emails[u.Email] = true, u.Email != ""
			for _, id := range plan.owners[u.Name] {
				if !territories[id] {
					t.Fatalf("%s owns unknown territory %q", u.Name, id)
				}
			}
		}
		if plan.created+plan.updated != len(plan.users) {
			t.Fatalf("created %d + updated %d ≠ %d users", plan.created, plan.updated, len(plan.users))
		}
		for name := range plan.owners {
			if !names[name] {
				t.Fatalf("owners set for %q, a row left out", name)
			}
		}
	})
}

// TestImportRepsSkipInvalid: with skip_invalid=true the valid rows make
// users and owners; each row left out is listed with its line, field and
// reason, and gives its person no territory; a file of bad rows only is
// rejected and changes nothing.
func TestImportRepsSkipInvalid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *data.Store) {
		ctx := context.Background()
		sc := seedGrid(t, s)
		file := "name,email,territory,cost\n" +
			"Ana Ruiz,ana@example.com,W,150000\n" +
			"Bo Li,,W;Atlantis,1\n" +
			"Cy Díaz,,E,-3\n" +
			"Ana Ruiz,,E,\n" +
			"Dee Okafor,dee@example.com,E,\n"
		res, err := Import(ctx, s, strings.NewReader(file), Options{Kind: KindReps, Layer: "grid", Fields: map[string]string{"skip_invalid": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []Skipped{
			{Line: 3, ID: "Bo Li", Field: "territory", Message: fmt.Sprintf(`unknown territory "Atlantis": not in scenario %d (Plan)`, sc)},
			{Line: 4, ID: "Cy Díaz", Field: "cost", Message: `negative cost "-3"`},
			{Line: 5, ID: "Ana Ruiz", Field: "name", Message: `"Ana Ruiz" appears twice (also line 2)`},
		}
		if diff := cmp.Diff(want, res.Skipped); diff != "" {
			t.Errorf("skipped (-want +got):\n%s", diff)
		}
		if res.UsersCreated != 2 || res.Rows != 5 || !strings.HasPrefix(res.SkippedCSV, "line,id,field,message\n3,Bo Li,territory,") {
			t.Errorf("result %+v", res)
		}
		if _, err := s.FindUserByName(ctx, "Bo Li"); terrane.ErrorCode(err) != terrane.ENOTFOUND {
			t.Errorf("Bo Li, skipped, was saved: %v", err)
		}
		if o := ownersIn(t, s, sc); !slices.Equal(o["W"], []string{"Ana Ruiz", "rita"}) || !slices.Equal(o["E"], []string{"Dee Okafor"}) {
			t.Errorf("owners %v, want W: Ana Ruiz and rita (not in the file), E: Dee Okafor", o)
		}
		before, beforeOwners := usersSnapshot(t, s), ownersIn(t, s, sc)
		_, err = Import(ctx, s, strings.NewReader("name,cost\nBo Li,-1\n"), Options{Kind: KindReps, Layer: "grid", Fields: map[string]string{"skip_invalid": "true"}})
		if terrane.ErrorCode(err) != terrane.EINVALID || !strings.Contains(terrane.ErrorMessage(err), "every row is invalid (1 skipped)") {
			t.Errorf("no valid row: %v", err)
		}
		if usersSnapshot(t, s) != before || fmt.Sprint(ownersIn(t, s, sc)) != fmt.Sprint(beforeOwners) {
			t.Error("a rejected file changed users or owners")
		}
	})
}
