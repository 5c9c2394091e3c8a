package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/terrane/terrane"
)

// TestDeveloperNames: ids that are DeveloperNames stay as they are; others
// (and ids equal but for case) become cleaned names with a hash of the id;
// every result is a valid DeveloperName.
func TestDeveloperNames(t *testing.T) {
	h := func(id string) string {
		s := sha256.Sum256([]byte(id))
		return hex.EncodeToString(s[:4])
	}
	long := strings.Repeat("A", 81)
	ids := []string{"West", "R1_North", "ca", "CA", "9 East", "east-1", "---", "A__B", "B_", long, "Ünïcode Zone"}
	got, err := developerNames(ids)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"West": "West", "R1_North": "R1_North",
		"ca": "ca_" + h("ca"), "CA": "CA_" + h("CA"),
		"9 East": "T_9_East_" + h("9 East"), "east-1": "east_1_" + h("east-1"),
		"---": "T_" + h("---"), "A__B": "A_B_" + h("A__B"), "B_": "B_" + h("B_"),
		long: strings.Repeat("A", 71) + "_" + h(long), "Ünïcode Zone": "n_code_Zone_" + h("Ünïcode Zone"),
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("developerName(%q) = %q, want %q", id, got[id], w)
		}
		if len(got[id]) > maxDeveloperName || !developerName.MatchString(got[id]) {
			t.Errorf("developerName(%q) = %q is not a valid DeveloperName", id, got[id])
		}
	}
	// An id equal to another's hashed name cannot be told apart: 409.
	if _, err := developerNames([]string{"a-b", "a_b_" + h("a-b")}); terrane.ErrorCode(err) != terrane.ECONFLICT {
		t.Errorf("colliding names: %v, want a conflict", err)
	}
}
