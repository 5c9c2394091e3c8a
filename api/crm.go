package api

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/terrane/terrane"
)

// Salesforce Enterprise Territory Management and HubSpot exports
// (docs/export.md says how each loads).

// territory2Type is the Territory2Type DeveloperName of every exported
// territory: the type must exist in the org before the load.
const territory2Type = "Terrane_Territory"

// roleInTerritory2 is the RoleInTerritory2 of a territory's owners.
const roleInTerritory2 = "Owner"

// maxDeveloperName is the longest Salesforce DeveloperName, in characters.
const maxDeveloperName = 80

var (
	developerName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$`)
	notAlnum      = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

// developerNames maps every territory id to its Salesforce DeveloperName:
// the id itself when it is already one (letters, digits and single
// underscores, starting with a letter and not ending with an underscore,
// at most 80 characters) and no other id of the scenario equals it but for
// case; otherwise the id with each run of other characters made one
// underscore, trimmed of underscores, prefixed "T_" unless it starts with
// a letter, cut to 71 characters, then "_" and the first 8 hex digits of
// the SHA-256 of the id. An ECONFLICT error names two ids that would still
// share a name (case-insensitively, as Salesforce compares them).
func developerNames(ids []string) (map[string]string, error) {
	folded := map[string]int{}
	for _, id := range ids {
		folded[strings.ToLower(id)]++
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if len(id) <= maxDeveloperName && developerName.MatchString(id) && folded[strings.ToLower(id)] == 1 {
			out[id] = id
			continue
		}
		base := strings.Trim(notAlnum.ReplaceAllString(id, "_"), "_")
		if base == "" || !(base[0] >= 'A' && base[0] <= 'Z' || base[0] >= 'a' && base[0] <= 'z') {
			base = "T_" + base
		}
		sum := sha256.Sum256([]byte(id))
		if len(base) > maxDeveloperName-9 {
			base = base[:maxDeveloperName-9]
		}
		out[id] = strings.TrimRight(base, "_") + "_" + hex.EncodeToString(sum[:4])
	}
	by := map[string]string{}
	sorted := append([]string{}, ids...)
	sort.Strings(sorted)
	for _, id := range sorted {
		k := strings.ToLower(out[id])
		if other, ok := by[k]; ok {
			return nil, terrane.Errorf(terrane.ECONFLICT, "territories %q and %q would share the Salesforce DeveloperName %s; rename one", other, id, out[id])
		}
		by[k] = id
	}
	return out, nil
}

// hierarchyOrder lists the territories parents first (each level after
// the one above it, by id within a level), so that a load in file order
// finds every parent already inserted. A territory whose parent is not
// among them counts as top level.
func hierarchyOrder(ts []*terrane.Territory) []*terrane.Territory {
	byID := map[string]*terrane.Territory{}
	for _, t := range ts {
		byID[t.ID] = t
	}
	depth := func(t *terrane.Territory) int {
		d, seen := 0, map[string]bool{t.ID: true}
		for p := byID[t.Parent]; p != nil && !seen[p.ID]; p = byID[p.Parent] {
			seen[p.ID] = true
			d++
		}
		return d
	}
	out := append([]*terrane.Territory{}, ts...)
	ds := map[string]int{}
	for _, t := range out {
		ds[t.ID] = depth(t)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ds[out[i].ID] != ds[out[j].ID] {
			return ds[out[i].ID] < ds[out[j].ID]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// crmExport is what the CRM exports read of a scenario as the caller sees
// it.
type crmExport struct {
	territories []*terrane.Territory // visible ones, parents first
	visible     map[string]bool      // ids of territories
	names       map[string]string    // territory id → DeveloperName
	accounts    []*terrane.Account   // accounts in visible territories, by id
	territoryOf map[string]string    // account id → territory id
	emails      map[string]string    // user name → email, users with one
}

// writeSalesforce writes one of the three Salesforce files.
func (e *crmExport) writeSalesforce(w *csvWriter, file string) {
	switch file {
	case "salesforce-territory2.csv":
		w.Write([]string{"DeveloperName", "Name", "ParentTerritory2 DeveloperName", "Territory2Type DeveloperName"})
		for _, t := range e.territories {
			parent := ""
			if e.visible[t.Parent] {
				parent = e.names[t.Parent]
			}
			w.Write([]string{e.names[t.ID], territoryName(t), parent, territory2Type})
		}
	case "salesforce-object-territory2-association.csv":
		w.Write([]string{"ObjectId", "Territory2 DeveloperName", "AssociationCause"})
		for _, a := range e.accounts {
			w.Write([]string{a.ID, e.names[e.territoryOf[a.ID]], "Territory2Manual"})
		}
	case "salesforce-user-territory2-association.csv":
		w.Write([]string{"User Email", "Territory2 DeveloperName", "RoleInTerritory2"})
		for _, t := range e.territories {
			for _, o := range sortedCopy(t.Owners) {
				// An owner without a user email cannot be matched to a
				// Salesforce user; docs/export.md says so.
				if em := e.emails[o]; em != "" {
					w.Write([]string{em, e.names[t.ID], roleInTerritory2})
				}
			}
		}
	}
}

// writeHubSpot writes hubspot-companies.csv.
func (e *crmExport) writeHubSpot(w *csvWriter, byID map[string]*terrane.Territory) {
	w.Write([]string{"Record ID", "Company name", "Owner email", "Territory", "Territory ID"})
	for _, a := range e.accounts {
		t := byID[e.territoryOf[a.ID]]
		w.Write([]string{a.ID, a.Name, e.emails[accountOwner(a, t)], territoryName(t), t.ID})
	}
}

// territoryName is a territory's name, its id when it has none.
func territoryName(t *terrane.Territory) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

// accountOwner is the owner the plan gives account a of territory t: its
// CRM owner when they own t (so a resolved conflict stays resolved in the
// CRM), else t's first owner; "" when t has none.
func accountOwner(a *terrane.Account, t *terrane.Territory) string {
	if a.Owner != "" && slices.Contains(t.Owners, a.Owner) {
		return a.Owner
	}
	if len(t.Owners) == 0 {
		return ""
	}
	return t.Owners[0]
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}
