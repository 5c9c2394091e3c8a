package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/terrane/terrane"
)

// ownersOf returns the owners of each territory of the scenario.
func ownersOf(t *testing.T, f *fixture, scenario int64) map[string][]string {
	t.Helper()
	ts, err := f.store.FindTerritories(context.Background(), scenario)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tr := range ts {
		out[tr.ID] = tr.Owners
	}
	return out
}

// TestUserPatch: an admin changes a rep's people fields and territories; the
// territories make the rep their owner in the baseline (and no longer of the
// one they held); bad values and unknown territories are 400 naming them,
// and nothing changes; reps cannot patch.
func TestUserPatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		rita, err := f.store.FindUserByName(ctx, "rita")
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/users/%d", rita.ID)

		code, got := f.do("ada", "PATCH", path, map[string]any{"manager": "lee", "region": "West", "cost": 150000, "capacity": 1600, "quota": 1.2e6, "territories": []string{"E"}})
		if code != 200 {
			t.Fatalf("PATCH = %d %v, want 200", code, got)
		}
		for k, want := range map[string]any{"manager": "lee", "region": "West", "cost": 150000.0, "capacity": 1600.0, "quota": 1.2e6, "role": "rep"} {
			if got[k] != want {
				t.Errorf("answer %s = %v, want %v", k, got[k], want)
			}
		}
		stored, _ := f.store.FindUserByID(ctx, rita.ID)
		if stored.Manager != "lee" || stored.Quota != 1.2e6 || !slices.Equal(stored.Territories, []string{"E"}) {
			t.Errorf("stored %+v, want manager lee, quota 1.2e6, territories [E]", stored)
		}
		owners := ownersOf(t, f, f.baseline)
		if !slices.Equal(owners["E"], []string{"rick", "rita"}) || len(owners["W"]) != 0 {
			t.Errorf("owners %v, want E: [rick rita], W: []", owners)
		}

		for _, tc := range []struct {
			name string
			body map[string]any
			code int
			say  string
		}{
			{"unknown territory", map[string]any{"territories": []string{"E", "Nowhere"}}, 400, `"Nowhere"`},
			{"negative cost", map[string]any{"cost": -1}, 400, "cost"},
			{"bad role", map[string]any{"role": "boss"}, 400, "role"},
			{"unknown scenario", map[string]any{"territories": []string{"E"}, "scenario": 9999}, 404, "9999"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body := f.do("ada", "PATCH", path, tc.body)
				msg := fmt.Sprint(body)
				if code != tc.code || !strings.Contains(msg, tc.say) {
					t.Errorf("PATCH %v = %d %s, want %d naming %s", tc.body, code, msg, tc.code, tc.say)
				}
				if after, _ := f.store.FindUserByID(ctx, rita.ID); after.Cost != 150000 || after.Role != "rep" || !slices.Equal(after.Territories, []string{"E"}) {
					t.Errorf("a refused PATCH changed the user: %+v", after)
				}
				if o := ownersOf(t, f, f.baseline); !slices.Equal(o["E"], []string{"rick", "rita"}) {
					t.Errorf("a refused PATCH changed the owners: %v", o)
				}
			})
		}
		// An admin sets a first password: the user can then sign in with it.
		if code, body := f.do("ada", "PATCH", path, map[string]any{"password": "short"}); code != 400 || !strings.Contains(fmt.Sprint(body), "at least 8") {
			t.Errorf("PATCH short password = %d %v, want 400 saying at least 8", code, body)
		}
		if code, body := f.do("ada", "PATCH", path, map[string]any{"password": "rita-first-password"}); code != 200 || body["has_password"] != true {
			t.Errorf("PATCH password = %d %v, want 200 with has_password true", code, body)
		}
		if code, body := f.do("", "POST", "/api/v1/login", map[string]any{"name": "rita", "password": "rita-first-password"}); code != 200 {
			t.Errorf("sign-in with the password an admin set = %d %v, want 200", code, body)
		}
		if code, _ := f.do("rick", "PATCH", path, map[string]any{"quota": 1}); code != 403 {
			t.Errorf("a rep's PATCH = %d, want 403", code)
		}
		if code, _ := f.do("ada", "PATCH", "/api/v1/users/9999", map[string]any{"quota": 1}); code != 404 {
			t.Errorf("PATCH of an unknown user = %d, want 404", code)
		}
	})
}

// TestUserNamesWithSpaces: a person's name in any script, with spaces, is a
// user name; a name with a control character or a space at an end is not.
func TestUserNamesWithSpaces(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			name string
			code int
		}{{"Ana María Pérez", 201}, {"李 小龙", 201}, {"O'Brien-Smith Jr.", 201}, {" padded", 400}, {"tab\tname", 400}, {"", 400}} {
			code, body := f.do("ada", "POST", "/api/v1/users", map[string]any{"name": tc.name, "role": terrane.RoleRep})
			if code != tc.code {
				t.Errorf("POST user %q = %d %v, want %d", tc.name, code, body, tc.code)
			}
		}
	})
}

// TestImportRepsOverHTTP: POST /api/v1/imports with kind reps runs the same
// importer: users created with their people fields and made owners in the
// baseline (the scenario field choosing it); a bad file is 400 naming the
// line and field, changing nothing.
func TestImportRepsOverHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		file := "name,email,territory,manager,region,cost,capacity,quota\nAna María Pérez,ana@example.com,W,lee,West,165000,1650,1400000\n"
		code, out := f.upload("lee", map[string]string{"kind": "reps", "layer": "grid", "scenario": fmt.Sprint(f.baseline)}, file)
		if code != 200 || out["users_created"] != 1.0 || out["kind"] != "reps" {
			t.Fatalf("import = %d %v, want 200 with users_created 1", code, out)
		}
		ana, err := f.store.FindUserByName(ctx, "Ana María Pérez")
		if err != nil || ana.Quota != 1.4e6 || ana.Manager != "lee" {
			t.Errorf("stored %+v, %v", ana, err)
		}
		if o := ownersOf(t, f, f.baseline); !slices.Equal(o["W"], []string{"Ana María Pérez", "rita"}) {
			t.Errorf("owners %v, want W: [Ana María Pérez rita]", o)
		}
		code, out = f.upload("lee", map[string]string{"kind": "reps", "layer": "grid"}, "name,territory\nBo Li,Atlantis\n")
		if code != 400 || !strings.Contains(errMessage(out), `line 2 (id "Bo Li"): territory: unknown territory "Atlantis"`) {
			t.Errorf("bad file = %d %v", code, out)
		}
		if _, err := f.store.FindUserByName(ctx, "Bo Li"); terrane.ErrorCode(err) != terrane.ENOTFOUND {
			t.Errorf("a rejected file stored Bo Li: %v", err)
		}
		if code, _ := f.upload("rita", map[string]string{"kind": "reps", "layer": "grid"}, file); code != 403 {
			t.Errorf("a rep's import = %d, want 403", code)
		}
	})
}
