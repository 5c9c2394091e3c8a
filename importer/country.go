package importer

import (
	_ "embed"
	"encoding/csv"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/terrane/terrane"
)

// countriesCSV is the built-in country alias table: ISO 3166-1 alpha-2,
// alpha-3 and numeric codes with the short, official and common names
// (Debian iso-codes 4.15.0), the names Natural Earth 4.1.0 uses, and common
// English variants ("UK", "Ivory Coast"). Written by importer/gen/countries.py.
//
//go:embed countries.csv
var countriesCSV string

var (
	countryOnce sync.Once
	countryOf   map[string]int // folded code or name → country
	countryKeys [][]string     // country → its folded codes and names
)

// loadCountries parses the alias table once.
func loadCountries() {
	countryOnce.Do(func() {
		r := csv.NewReader(strings.NewReader(countriesCSV))
		r.Comment = '#'
		recs, err := r.ReadAll()
		if err != nil {
			panic("importer: countries.csv: " + err.Error()) // embedded; a test reads it
		}
		countryOf = map[string]int{}
		for _, rec := range recs[1:] {
			keys := []string{fold(rec[0]), fold(rec[1]), rec[2]}
			for _, n := range strings.Split(rec[3], "|") {
				keys = append(keys, fold(n))
			}
			i := len(countryKeys)
			countryKeys = append(countryKeys, keys)
			for _, k := range keys {
				if _, dup := countryOf[k]; !dup && k != "" {
					countryOf[k] = i
				}
			}
		}
	})
}

// fold reduces a unit id or name for matching: accents removed (Unicode
// NFD, then combining marks dropped), lower case, and only letters and
// digits kept, so "Côte d'Ivoire" and "COTE DIVOIRE" match, and so do
// "U.S." and "US".
func fold(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// unitMatcher finds the unit a field names: by its id as written, by the
// user's aliases, by its id or name ignoring case and accents, or, for a
// unit that is a country, by any of the country's codes and names.
type unitMatcher struct {
	exact   map[string]bool
	byKey   map[string]string   // folded key → unit id
	clashes map[string][]string // folded key naming several units → their ids
}

// newUnitMatcher indexes units; aliases maps the user's names to unit ids,
// each of which must be a unit of the layer.
func newUnitMatcher(units []*terrane.Unit, aliases map[string]string) (*unitMatcher, error) {
	loadCountries()
	m := &unitMatcher{exact: map[string]bool{}, byKey: map[string]string{}, clashes: map[string][]string{}}
	add := func(k, id string) {
		if k == "" {
			return
		}
		if old, ok := m.byKey[k]; ok && old != id {
			if len(m.clashes[k]) == 0 {
				m.clashes[k] = []string{old}
			}
			m.clashes[k] = append(m.clashes[k], id)
			return
		}
		m.byKey[k] = id
	}
	for _, u := range units {
		m.exact[u.ID] = true
		add(fold(u.ID), u.ID)
		if fold(u.Name) != fold(u.ID) {
			add(fold(u.Name), u.ID)
		}
	}
	// Country aliases, for units whose id or name is a country: weaker than
	// the layer's own ids and names. Units whose id is the country's code
	// come first, so a territory that the table names under its country
	// (Ashmore and Cartier Is. under Australia) does not take the
	// country's other codes from the country's own unit.
	for _, byID := range []bool{true, false} {
		for _, u := range units {
			c, ok := countryOf[fold(u.ID)]
			if !byID {
				if ok {
					continue
				}
				c, ok = countryOf[fold(u.Name)]
			}
			if !ok {
				continue
			}
			for _, k := range countryKeys[c] {
				if _, taken := m.byKey[k]; !taken && k != "" {
					m.byKey[k] = u.ID
				}
			}
		}
	}
	for name, id := range aliases {
		if !m.exact[id] {
			return nil, terrane.Errorf(terrane.EINVALID, "option aliases: %s → %s: unit %s is not in the layer", quote(name), quote(id), quote(id))
		}
		k := fold(name)
		delete(m.clashes, k)
		m.byKey[k] = id
	}
	return m, nil
}

// match returns the unit id s names, or "" and why not.
func (m *unitMatcher) match(s string) (string, string) {
	if m.exact[s] {
		return s, ""
	}
	k := fold(s)
	if ids := m.clashes[k]; len(ids) > 0 {
		sort.Strings(ids)
		return "", "names several units (" + strings.Join(ids, ", ") + "); give the unit id, or choose one with the option aliases=NAME:UNIT_ID"
	}
	if id, ok := m.byKey[k]; ok {
		return id, ""
	}
	return "", "is neither the id nor the name of a unit of the layer, nor a country code or name; add it with the option aliases=NAME:UNIT_ID"
}

// parseAliases reads the option aliases: "Name:UnitID;Name2:UnitID2".
func parseAliases(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ";") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		i := strings.LastIndexByte(pair, ':')
		name, id := "", ""
		if i >= 0 {
			name, id = strings.TrimSpace(pair[:i]), strings.TrimSpace(pair[i+1:])
		}
		if name == "" || id == "" {
			return nil, terrane.Errorf(terrane.EINVALID, "option aliases: %s is not NAME:UNIT_ID (pairs are separated by ;)", quote(pair))
		}
		out[name] = id
	}
	return out, nil
}
