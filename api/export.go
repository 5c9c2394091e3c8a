package api

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// cents writes money, dollars, as a plain decimal with at most two
// decimals (no exponent, no trailing zeros, never "-0").
func cents(v float64) string { return decimal(v, 2) }

// decimal writes v with at most places decimals, as cents does; empty
// for a non-finite v.
func decimal(v float64, places int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	out := strconv.FormatFloat(v, 'f', places, 64)
	if strings.Contains(out, ".") {
		out = strings.TrimSuffix(strings.TrimRight(out, "0"), ".")
	}
	if out == "-0" {
		out = "0"
	}
	return out
}

// amountOf writes an amount of a resource: a whole number for an integer
// resource (a count of reps), else as cents.
func amountOf(v float64, integer bool) string {
	if integer && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return cents(math.Round(v))
	}
	return cents(v)
}

// exportFiles are the files GET …/exports/{file} writes.
var exportFiles = []string{"territories.geojson", "units.csv", "accounts.csv", "allocation.csv",
	"salesforce-territory2.csv", "salesforce-object-territory2-association.csv", "salesforce-user-territory2-association.csv",
	"hubspot-companies.csv"}

// csvAnswer starts a 200 CSV answer (RFC 4180 quoting) named after the
// scenario and file.
func csvAnswer(c *gin.Context, id int64, name string) *csvWriter {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="scenario-%d-%s"`, id, name))
	c.Status(http.StatusOK)
	return &csvWriter{csv.NewWriter(c.Writer)}
}

// csvWriter writes CSV whose text cells a spreadsheet will not run as
// formulas: a cell that starts with =, +, -, @, a tab or a carriage return
// and is not a plain number gets a leading apostrophe. Numbers, negative
// ones included, stay numbers.
type csvWriter struct{ *csv.Writer }

func (w *csvWriter) Write(record []string) error {
	out := record
	for i, cell := range record {
		if safe := neutralise(cell); safe != cell {
			if &out[0] == &record[0] {
				out = slices.Clone(record)
			}
			out[i] = safe
		}
	}
	return w.Writer.Write(out)
}

// neutralise is a cell as csvWriter writes it.
func neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if x, err := strconv.ParseFloat(cell, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
		return cell
	}
	return "'" + cell
}

// exportCRM writes accounts.csv or a Salesforce or HubSpot file: it reads
// the accounts and users first, so that an error is an error answer, not a
// cut file.
func (s *Server) exportCRM(c *gin.Context, v *scenarioView, name string) {
	ctx := c.Request.Context()
	accts, err := s.svc.Geography.FindAccounts(ctx, terrane.AccountFilter{Scenario: v.in.Scenario.ID})
	if err != nil {
		s.writeError(c, err)
		return
	}
	users, err := s.svc.Users.FindUsers(ctx)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ids := make([]string, 0, len(v.in.Territories))
	byID := map[string]*terrane.Territory{}
	e := &crmExport{visible: map[string]bool{}, territoryOf: map[string]string{}, emails: map[string]string{}}
	for _, t := range v.in.Territories {
		ids = append(ids, t.ID)
		byID[t.ID] = t
		if v.sees(t.ID) {
			e.territories = append(e.territories, t)
			e.visible[t.ID] = true
		}
	}
	e.territories = hierarchyOrder(e.territories)
	if strings.HasPrefix(name, "salesforce-") {
		if e.names, err = developerNames(ids); err != nil {
			s.writeError(c, err)
			return
		}
	}
	for _, u := range users {
		if u.Email != "" {
			e.emails[u.Name] = u.Email
		}
	}
	for _, a := range accts {
		if t, ok := v.in.Assignments[a.UnitID]; ok && a.UnitID != "" && e.visible[t] {
			e.accounts = append(e.accounts, a)
			e.territoryOf[a.ID] = t
		}
	}
	sort.Slice(e.accounts, func(i, j int) bool { return e.accounts[i].ID < e.accounts[j].ID })
	w := csvAnswer(c, v.in.Scenario.ID, name)
	defer w.Flush()
	switch name {
	case "accounts.csv":
		// The first seven columns are those of earlier versions; owner is
		// the plan's (accountOwner), not the import's.
		w.Write([]string{"account_id", "name", "postal_code", "unit_id", "territory_id", "owner", "revenue", "territory_name", "owner_email"})
		for _, a := range e.accounts {
			t := byID[e.territoryOf[a.ID]]
			o := accountOwner(a, t)
			w.Write([]string{a.ID, a.Name, a.PostalCode, a.UnitID, t.ID, o, cents(a.Revenue), territoryName(t), e.emails[o]})
		}
	case "hubspot-companies.csv":
		e.writeHubSpot(w, byID)
	default:
		e.writeSalesforce(w, name)
	}
}

// export writes one of the scenario's exports: what a CRM import needs.
func (s *Server) export(c *gin.Context) {
	v, err := s.view(c, "id")
	if err != nil {
		s.writeError(c, err)
		return
	}
	name := c.Param("file")
	id := v.in.Scenario.ID
	switch name {
	case "territories.geojson":
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="scenario-%d-territories.geojson"`, id))
		s.territoriesGeoJSON(c)
		return
	case "units.csv", "allocation.csv":
	case "accounts.csv", "hubspot-companies.csv", "salesforce-territory2.csv",
		"salesforce-object-territory2-association.csv", "salesforce-user-territory2-association.csv":
		s.exportCRM(c, v, name)
		return
	default:
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "no export %q; try %s", name, strings.Join(exportFiles, ", ")))
		return
	}
	w := csvAnswer(c, id, name)
	defer w.Flush()
	switch name {
	case "units.csv":
		w.Write([]string{"unit_id", "territory_id"})
		units := make([]string, 0, len(v.in.Assignments))
		for u, t := range v.in.Assignments {
			if v.sees(t) {
				units = append(units, u)
			}
		}
		sort.Strings(units)
		for _, u := range units {
			w.Write([]string{u, v.in.Assignments[u]})
		}
	case "allocation.csv":
		// current_assumed: the current amount was derived from revenue, not
		// supplied (import resources to replace it).
		w.Write([]string{"territory_id", "resource", "current", "allocation", "change", "marginal_revenue_per_unit", "current_assumed"})
		integer, dollars := map[string]bool{}, map[string]bool{}
		for _, r := range v.in.Scenario.Resources {
			integer[r.Name], dollars[r.Name] = r.Integer, strings.HasPrefix(r.Unit, "dollar")
		}
		for _, m := range v.metrics {
			var rs []string
			for r := range m.Current {
				rs = append(rs, r)
			}
			for r := range m.Allocation {
				if _, ok := m.Current[r]; !ok {
					rs = append(rs, r)
				}
			}
			sort.Strings(rs)
			for _, r := range rs {
				row := []string{m.ID, r, amountOf(m.Current[r], integer[r]), "", "", "", strconv.FormatBool(slices.Contains(m.Assumed, r))}
				if m.Allocation != nil {
					row[3], row[4] = amountOf(m.Allocation[r], integer[r]), amountOf(m.Change[r], integer[r])
					// An unbounded marginal return (none of r yet) is an empty cell.
					// Per dollar it is a ratio, written to 4 decimals.
					if mg := m.Marginal[r]; mg != nil && dollars[r] {
						row[5] = decimal(*mg, 4)
					} else if mg != nil {
						row[5] = cents(*mg)
					}
				}
				w.Write(row)
			}
		}
	}
}

// listAccounts serves accounts, optionally of one territory of a scenario;
// reps see only the accounts in their own territories of the published plan.
func (s *Server) listAccounts(c *gin.Context) {
	offset, limit, err := page(c, 10000)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if limit == 0 {
		limit = 1000
	}
	f := terrane.AccountFilter{Offset: offset, Limit: limit, Layer: c.Query("layer")}
	scenarioParam, territory := c.Query("scenario"), c.Query("territory")
	if scenarioParam == "" && (territory != "" || isRep(c)) {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "query parameter scenario is required"))
		return
	}
	if scenarioParam != "" {
		id, err := strconv.ParseInt(scenarioParam, 10, 64)
		if err != nil || id <= 0 {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "query parameter scenario must be a positive integer, not %q", scenarioParam))
			return
		}
		sc, err := s.scenarioByID(c, id)
		if err != nil {
			s.writeError(c, err)
			return
		}
		v, err := s.viewOf(c, sc)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if territory != "" && !v.sees(territory) {
			s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "territory %s not found in scenario %s", territory, scenarioParam))
			return
		}
		f.Scenario = v.in.Scenario.ID
		f.UnitIDs = []string{}
		for u, t := range v.in.Assignments {
			if (territory == "" && v.sees(t)) || t == territory {
				f.UnitIDs = append(f.UnitIDs, u)
			}
		}
		sort.Strings(f.UnitIDs)
	}
	accts, err := s.svc.Geography.FindAccounts(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, AccountList{Accounts: orEmpty(accts)})
}
