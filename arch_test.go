package terrane_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports lists, for every project package (relative to the module
// path; "" is the root), the project packages its non-test files may import.
// It is an allow-list: an import not listed fails, and so does a package with
// no entry, so a new package or a new edge is a decision made here and in
// docs/architecture.md's "imports (project)" column, which this mirrors.
// Arrows point inward: cmd → api, data, plan, … → root. Test files are not
// checked (.Imports only, not .TestImports or .XTestImports).
var allowedImports = map[string][]string{
	"":                   {},
	"geo":                {},
	"optimizer":          {}, // the shared solver contract, documentation only
	"optimizer/allocate": {},
	"optimizer/align":    {},
	"optimizer/fit":      {},
	"data":               {""},
	"data/sample":        {"", "geo"},
	"data/sample/loader": {"", "data/sample", "importer"},
	"data/sample/gen":    {"data/sample"},
	"plan":               {"", "geo", "optimizer/allocate", "optimizer/align", "optimizer/fit"},
	"importer":           {"", "geo", "data/sample"},
	"api":                {"", "plan", "importer", "geo", "optimizer/allocate", "optimizer/align"},
	"cmd/terrane": {"", "api", "data", "data/sample", "data/sample/loader", "frontend", "geo", "importer",
		"optimizer/allocate", "optimizer/align", "optimizer/fit", "plan"},
	"internal/testdb": {"data"},
	"internal/finite": {},
	"frontend":        {},
}

// TestImportDirection keeps the architecture honest: every project package's
// project imports are in allowedImports. See docs/architecture.md.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/terrane/terrane"
	rel := func(path string) (string, bool) {
		if path == mod {
			return "", true
		}
		r, ok := strings.CutPrefix(path, mod+"/")
		return r, ok
	}
	name := func(r string) string {
		if r == "" {
			return "root"
		}
		return r
	}

	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, ok := rel(f[0])
		if !ok {
			t.Fatalf("go list: package %s is outside module %s", f[0], mod)
		}
		seen[pkg] = true
		allowed, ok := allowedImports[pkg]
		if !ok {
			t.Errorf("package %s has no entry in allowedImports (arch_test.go); add one, and a row to docs/architecture.md", name(pkg))
			continue
		}
		for _, imp := range f[1:] {
			r, ok := rel(imp)
			if !ok {
				continue // the standard library or another module
			}
			if !slices.Contains(allowed, r) {
				t.Errorf("%s imports %s, which allowedImports (arch_test.go) does not allow", name(pkg), name(r))
			}
		}
	}
	for pkg := range allowedImports {
		if !seen[pkg] {
			t.Errorf("allowedImports has an entry for %s, which go list does not report; remove it", name(pkg))
		}
	}
}
