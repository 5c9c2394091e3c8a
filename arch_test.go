package terrane_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection keeps the architecture honest: arrows point inward
// (cmd → api, data, optimizer, geo → root). See docs/architecture.md.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/terrane/terrane"
	// forbidden[p] lists project packages p must not import (by prefix).
	forbidden := map[string][]string{
		mod:                  {mod + "/"},
		mod + "/geo":         {mod},
		mod + "/optimizer":   {mod + "/data", mod + "/api", mod + "/cmd", mod + "/frontend"},
		mod + "/data":        {mod + "/api", mod + "/optimizer", mod + "/cmd", mod + "/geo"},
		mod + "/data/sample": {mod + "/api", mod + "/optimizer", mod + "/cmd", mod + "/data"},
		mod + "/api":         {mod + "/data", mod + "/cmd"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		for owner, bans := range forbidden {
			if pkg != owner && !(strings.HasPrefix(pkg, owner+"/") && owner != mod && forbidden[pkg] == nil) {
				continue
			}
			for _, imp := range imports {
				for _, ban := range bans {
					if imp == ban || strings.HasPrefix(imp, ban+"/") || (strings.HasSuffix(ban, "/") && strings.HasPrefix(imp, ban)) {
						if strings.HasPrefix(imp, owner+"/") || imp == owner {
							continue // a package may import its own subpackages
						}
						t.Errorf("%s imports %s, which the architecture forbids", pkg, imp)
					}
				}
			}
		}
	}
}
