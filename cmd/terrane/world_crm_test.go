package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/internal/finite"
	"github.com/terrane/terrane/internal/testdb"
	"github.com/terrane/terrane/plan"
)

// TestWorldCRM is the acceptance test of the CRM-shaped data set on the
// built-in layer world-countries, on SQLite and PostgreSQL: a seeded CRM
// export of its own making — 2,000 accounts located only by a country column
// written in many ways (ISO 3166 alpha-2 and alpha-3 codes, short, long and
// local names, other case and accents) with exactly one typo, skipped and
// reported under skip_invalid; 36 people (32 reps, 4 managers) with spaces in
// their names, managers and regions; a market per country from GDP; sales
// regions grouping countries as a baseline scenario from an assignments file
// with names, parents and owners — all imported through POST /api/v1/imports,
// then an allocation run and the scenario's CSV exports.
func TestWorldCRM(t *testing.T) {
	for _, b := range testdb.Backends(t, "worldcrm") {
		t.Run(b.Name, func(t *testing.T) { testWorldCRM(t, b.URL) })
	}
}

// crmAPI is the API over store with a worker; call sends a request as an
// analyst.
type crmAPI struct {
	call func(method, path, contentType string, body io.Reader) (int, []byte)
}

func newCRMAPI(t *testing.T, s *data.Store) *crmAPI {
	t.Helper()
	ctx := context.Background()
	usr := &terrane.User{Name: "ana", Role: terrane.RoleAnalyst}
	if err := s.CreateUser(ctx, usr); err != nil {
		t.Fatal(err)
	}
	tok, hash := api.NewToken()
	if err := s.CreateToken(ctx, &terrane.Token{UserID: usr.ID, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	w := &plan.Worker{Services: s, Name: "test", Poll: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	srv := httptest.NewServer(api.NewServer(api.Config{Version: "test", LoginEvery: time.Hour, LoginBurst: 5},
		api.Services{Geography: s, Scenarios: s, Runs: s, Users: s, Imports: s, Ping: s.Ping, Wake: w.Wake}, nil, nil).Handler())
	t.Cleanup(func() { srv.Close(); stop(); <-done })
	return &crmAPI{call: func(method, path, contentType string, body io.Reader) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}}
}

// importFile posts file with the form fields to /api/v1/imports and decodes
// the 200 answer.
func (a *crmAPI) importFile(t *testing.T, file string, fields map[string]string) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mw.WriteField(k, fields[k])
	}
	fw, _ := mw.CreateFormFile("file", fields["kind"]+".csv")
	io.WriteString(fw, file)
	mw.Close()
	code, raw := a.call("POST", "/api/v1/imports", mw.FormDataContentType(), &body)
	if code != 200 {
		t.Fatalf("import %s: %d %.2000s", fields["kind"], code, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// crmCountry is a country of the layer the CRM sells in.
type crmCountry struct {
	id, name, region string
	gdp              float64  // GDP_MD_EST, million dollars
	spellings        []string // how a CRM writes it
	revenue          float64  // sum of its accounts' revenue, dollars per year
	accounts         int
}

// foldName is the importer's matching key: accents dropped, lower case,
// letters and digits only.
func foldName(s string) string {
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

// localNames are spellings the built-in alias table does not know; the
// import gives them with the option aliases.
var localNames = map[string]string{"DEU": "Deutschland", "ESP": "España", "BRA": "Brasil", "POL": "Polska", "NLD": "Nederland",
	"CHE": "Schweiz", "SWE": "Sverige", "ITA": "Italia", "JPN": "Nippon", "AUT": "Österreich"}

func testWorldCRM(t *testing.T, url string) {
	ctx := context.Background()
	s, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.LoadLayers(ctx, s); err != nil {
		t.Fatal(err)
	}
	a := newCRMAPI(t, s)
	units, err := s.FindUnits(ctx, terrane.UnitFilter{Layer: sample.WorldLayerID, WithoutGeometry: true})
	if err != nil || len(units) != 241 {
		t.Fatalf("world-countries: %d units, %v", len(units), err)
	}

	// The countries a CRM can name: the layer's units with a GDP and an ISO
	// code in the importer's alias table, each with its spellings.
	raw, err := os.ReadFile(filepath.Join("..", "..", "importer", "countries.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comment = '#'
	table, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	iso := map[string][]string{} // alpha-3 → alpha-2 and names
	owners := map[string]map[string]bool{}
	for _, rec := range table[1:] {
		keys := append([]string{rec[0]}, strings.Split(rec[3], "|")...)
		iso[rec[1]] = keys
		for _, k := range append(keys, rec[1]) {
			if owners[foldName(k)] == nil {
				owners[foldName(k)] = map[string]bool{}
			}
			owners[foldName(k)][rec[1]] = true
		}
	}
	for _, u := range units {
		if owners[foldName(u.Name)] == nil {
			owners[foldName(u.Name)] = map[string]bool{}
		}
		owners[foldName(u.Name)][u.ID] = true
	}
	rng := rand.New(rand.NewPCG(2027, 1))
	var countries []*crmCountry
	byID := map[string]*crmCountry{}
	for _, u := range units {
		gdp, ok := u.Attributes["GDP_MD_EST"]
		if !ok || iso[u.ID] == nil {
			continue
		}
		c := &crmCountry{id: u.ID, name: u.Name, region: u.Region, gdp: gdp}
		// Only spellings that name this one country (the importer takes
		// "Georgia" or "Congo" as the first country it knows them for).
		for _, sp := range append([]string{u.ID, strings.ToLower(u.ID), u.Name, strings.ToUpper(u.Name), strings.ToLower(u.Name)}, iso[u.ID]...) {
			if len(owners[foldName(sp)]) == 1 && sp != "" {
				c.spellings = append(c.spellings, sp)
			}
		}
		if ln, ok := localNames[u.ID]; ok {
			c.spellings = append(c.spellings, ln, strings.ToUpper(ln))
		}
		countries = append(countries, c)
		byID[c.id] = c
	}
	if len(countries) < 150 {
		t.Fatalf("only %d countries to sell in", len(countries))
	}
	var aliases []string
	for id, ln := range localNames {
		aliases = append(aliases, ln+":"+id)
	}
	sort.Strings(aliases)

	// Sales regions: each continent split into territories of about equal
	// GDP (greedy), under an area and WORLD; every unit of the layer is
	// assigned (those without a GDP to their continent's first territory).
	type territory struct {
		id, name, area string
		gdp            float64
		owners         []string
	}
	split := map[string]int{"Europe": 3, "Asia": 3, "North America": 2, "Africa": 2, "South America": 2, "Oceania": 1,
		"Seven seas (open ocean)": 1, "Antarctica": 1}
	area := map[string]string{"Europe": "EMEA", "Africa": "EMEA", "Asia": "APAC", "Oceania": "APAC", "Seven seas (open ocean)": "APAC",
		"North America": "AMER", "South America": "AMER", "Antarctica": "AMER"}
	regionCode := map[string]string{"Europe": "EU", "Asia": "AS", "North America": "NA", "Africa": "AF", "South America": "SA", "Oceania": "OC",
		"Seven seas (open ocean)": "SS", "Antarctica": "AN"}
	var terrs []*territory
	terrByID := map[string]*territory{}
	byRegion := map[string][]*territory{}
	regions := make([]string, 0, len(split))
	for reg := range split {
		regions = append(regions, reg)
	}
	sort.Strings(regions)
	for _, reg := range regions {
		for i := 1; i <= split[reg]; i++ {
			tr := &territory{id: fmt.Sprintf("%s-%d", regionCode[reg], i), name: fmt.Sprintf("%s %d", reg, i), area: area[reg]}
			terrs = append(terrs, tr)
			terrByID[tr.id] = tr
			byRegion[reg] = append(byRegion[reg], tr)
		}
	}
	sorted := append([]*terrane.Unit(nil), units...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Attributes["GDP_MD_EST"] > sorted[j].Attributes["GDP_MD_EST"] })
	terrOf := map[string]*territory{}
	for _, u := range sorted {
		ts := byRegion[u.Region]
		if len(ts) == 0 {
			t.Fatalf("unit %s: region %q has no sales region", u.ID, u.Region)
		}
		best := ts[0]
		for _, tr := range ts {
			if tr.gdp < best.gdp {
				best = tr
			}
		}
		best.gdp += u.Attributes["GDP_MD_EST"]
		terrOf[u.ID] = best
	}

	// People: 4 managers (one per area, and one for the others) and 32
	// reps, every name with a space; each territory has 1 to 4 reps.
	first := []string{"Ana María", "Bo", "Chidi", "Dara", "Émile", "Farah", "Gao", "Hana", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomás"}
	last := []string{"Pérez", "Chen", "Okafor", "van der Berg", "Dubois", "Haddad", "Li", "Sato", "Ferreira", "Müller", "Kealoha", "Novak", "Rossi", "Mensah", "Aziz", "Iyer", "O'Neil", "Díaz", "Lund", "García"}
	used := map[string]bool{}
	person := func() string {
		for {
			n := first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	managers := map[string]string{"EMEA": person(), "APAC": person(), "AMER": person()}
	director := person()
	var reps []string
	repTerr := map[string]string{}
	for i := 0; i < 32; i++ {
		rep := person()
		tr := terrs[i%len(terrs)]
		reps = append(reps, rep)
		repTerr[rep] = tr.id
		tr.owners = append(tr.owners, rep)
	}

	// Accounts: 2,000 rows, countries drawn by √GDP, each in a spelling
	// drawn at random; row 1,234 is the one typo.
	weights := make([]float64, len(countries))
	var wsum float64
	for i, c := range countries {
		weights[i] = math.Sqrt(c.gdp)
		wsum += weights[i]
	}
	const nAccounts, typoRow = 2000, 1234
	var acc strings.Builder
	acc.WriteString("Account ID,Account Name,Billing Country,Account Owner,Annual Revenue,Industry\n")
	spellingsUsed := map[string]bool{}
	accountIDs := make([]string, 0, nAccounts)
	intended := map[string][2]string{} // account id → country id, spelling
	industries := []string{"Manufacturing", "Retail", "Software", "Health Care", "Logistics"}
	for i := 1; i <= nAccounts; i++ {
		x := rng.Float64() * wsum
		k := 0
		for ; k < len(countries)-1 && x > weights[k]; k++ {
			x -= weights[k]
		}
		c := countries[k]
		country := c.spellings[rng.IntN(len(c.spellings))]
		id := fmt.Sprintf("001A%06d", i)
		rev := math.Round(math.Exp(9+1.2*rng.NormFloat64())*100) / 100
		owner := terrOf[c.id].owners[rng.IntN(len(terrOf[c.id].owners))]
		if i == typoRow {
			country = "Grmany"
		} else {
			c.revenue += rev
			c.accounts++
			spellingsUsed[country] = true
			accountIDs = append(accountIDs, id)
			intended[id] = [2]string{c.id, country}
		}
		fmt.Fprintf(&acc, "%s,\"Client %d, %s\",\"%s\",%s,%.2f,%s\n", id, i, c.name, country, owner, rev, industries[i%len(industries)])
	}
	res := a.importFile(t, acc.String(), map[string]string{"kind": "accounts", "layer": sample.WorldLayerID, "id": "Account ID", "name": "Account Name",
		"unit": "Billing Country", "owner": "Account Owner", "revenue": "Annual Revenue", "aliases": strings.Join(aliases, ";"), "skip_invalid": "true"})
	if res["accounts"].(float64) != nAccounts-1 || res["located"].(float64) != nAccounts-1 || res["by_unit"].(float64) != nAccounts-1 {
		t.Errorf("accounts import: %v", res)
	}
	skipped, _ := res["skipped"].([]any)
	if len(skipped) != 1 {
		t.Fatalf("skipped %v, want the one typo", skipped)
	}
	sk := skipped[0].(map[string]any)
	if sk["line"].(float64) != typoRow+1 || sk["id"] != fmt.Sprintf("001A%06d", typoRow) || sk["field"] != "Billing Country" ||
		!strings.Contains(sk["message"].(string), `"Grmany" is neither the id nor the name of a unit`) {
		t.Errorf("skipped row %v, want line %d, field Billing Country, the typo named", sk, typoRow+1)
	}
	if csvText, _ := res["skipped_csv"].(string); !strings.HasPrefix(csvText, "line,id,field,message\n"+strconv.Itoa(typoRow+1)+",") {
		t.Errorf("skipped_csv %q", csvText)
	}
	t.Logf("accounts: %d rows, %d spellings of %d countries", nAccounts, len(spellingsUsed), len(countries))
	stored, err := s.FindAccounts(ctx, terrane.AccountFilter{Layer: sample.WorldLayerID})
	if err != nil || len(stored) != nAccounts-1 {
		t.Fatalf("stored %d accounts, %v", len(stored), err)
	}
	perUnit := map[string]int{}
	for _, ac := range stored {
		perUnit[ac.UnitID]++
		if w := intended[ac.ID]; w[0] != ac.UnitID {
			t.Errorf("account %s: %q located in %s, want %s", ac.ID, w[1], ac.UnitID, w[0])
		}
		if ac.Owner == "" || !strings.Contains(ac.Owner, " ") {
			t.Errorf("account %s: owner %q", ac.ID, ac.Owner)
		}
	}
	for _, c := range countries {
		if perUnit[c.id] != c.accounts {
			t.Errorf("country %s: %d accounts located, %d written to it", c.id, perUnit[c.id], c.accounts)
		}
	}

	// Markets from GDP: 0.002 % of GDP is addressable, at least 3 × the
	// current revenue.
	var mk strings.Builder
	mk.WriteString("unit_id,market,revenue\n")
	nMarkets := 0
	for _, u := range units {
		gdp, ok := u.Attributes["GDP_MD_EST"]
		if !ok {
			continue
		}
		rev := 0.0
		if c := byID[u.ID]; c != nil {
			rev = math.Round(c.revenue*100) / 100
		}
		fmt.Fprintf(&mk, "%s,%.2f,%.2f\n", u.ID, math.Max(gdp*1e6*2e-5, 3*rev), rev)
		nMarkets++
	}
	res = a.importFile(t, mk.String(), map[string]string{"kind": "markets", "layer": sample.WorldLayerID})
	if res["estimates"].(float64) != float64(nMarkets) {
		t.Errorf("markets import: %v, want %d estimates", res, nMarkets)
	}

	// The baseline from the assignments file.
	var as strings.Builder
	as.WriteString("unit,territory,territory_name,parent,owner\n")
	for _, u := range units {
		tr := terrOf[u.ID]
		fmt.Fprintf(&as, "%s,%s,%s,%s > WORLD,%s\n", u.ID, tr.id, tr.name, tr.area, strings.Join(tr.owners, ";"))
	}
	res = a.importFile(t, as.String(), map[string]string{"kind": "assignments", "layer": sample.WorldLayerID, "create_scenario": "FY27 world baseline"})
	if res["scenario_created"] != true || res["assigned"].(float64) != 241 || res["territories_created"].(float64) != float64(len(terrs)+4) {
		t.Errorf("assignments import: %v, want 241 units in %d territories + 3 areas + WORLD", res, len(terrs))
	}
	scID := int64(res["scenario"].(float64))

	// People through the reps import: managers, regions and territories.
	var rp strings.Builder
	rp.WriteString("name,email,role,territory,manager,region,cost,capacity,quota\n")
	fmt.Fprintf(&rp, "%s,,leader,,,WORLD,,,\n", director)
	for _, ar := range []string{"AMER", "APAC", "EMEA"} {
		fmt.Fprintf(&rp, "%s,%s@example.com,leader,,%s,%s,,,\n", managers[ar], strings.ToLower(ar), director, ar)
	}
	for i, rep := range reps {
		tr := terrByID[repTerr[rep]]
		fmt.Fprintf(&rp, "%s,rep%02d@example.com,rep,%s,%s,%s,\"$%d\",1650,\"$1,200,000\"\n", rep, i+1, tr.id, managers[tr.area], tr.area, 140000+1000*i)
	}
	res = a.importFile(t, rp.String(), map[string]string{"kind": "reps", "layer": sample.WorldLayerID, "scenario": strconv.FormatInt(scID, 10)})
	if res["users_created"].(float64) != 36 {
		t.Errorf("reps import: %v, want 36 users created", res)
	}
	users, err := s.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	userBy := map[string]*terrane.User{}
	for _, u := range users {
		userBy[u.Name] = u
	}
	for _, rep := range reps {
		u := userBy[rep]
		if u == nil || u.Role != terrane.RoleRep || u.Manager != managers[terrByID[repTerr[rep]].area] || u.Region == "" {
			t.Errorf("rep %q = %+v", rep, u)
		}
	}
	ts, err := s.FindTerritories(ctx, scID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		want := terrByID[tr.ID]
		if want == nil {
			continue // an area or WORLD
		}
		got := append([]string(nil), tr.Owners...)
		exp := append([]string(nil), want.owners...)
		sort.Strings(got)
		sort.Strings(exp)
		if strings.Join(got, ";") != strings.Join(exp, ";") || len(got) == 0 {
			t.Errorf("territory %s owners %q, want %q", tr.ID, got, exp)
		}
	}

	// Opportunities: several thousand, some with no account.
	var opp strings.Builder
	opp.WriteString("id,account,owner,stage,amount,created,close_date,product\n")
	stages := []string{"Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"}
	products := []string{"Core", "Analytics", "Support Plus"}
	noAccount := 0
	for i := 1; i <= 6000; i++ {
		acct := accountIDs[rng.IntN(len(accountIDs))]
		if rng.IntN(40) == 0 {
			acct, noAccount = "", noAccount+1
		}
		created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		fmt.Fprintf(&opp, "006B%07d,%s,%s,%s,%.2f,%s,%s,%s\n", i, acct, reps[rng.IntN(len(reps))], stages[rng.IntN(len(stages))],
			math.Round(math.Exp(9.5+rng.NormFloat64())*100)/100, created.Format("2006-01-02"), created.AddDate(0, 0, 30+rng.IntN(180)).Format("2006-01-02"),
			products[rng.IntN(len(products))])
	}
	if noAccount == 0 || strings.Count(opp.String(), "\n") != 6001 {
		t.Fatalf("opportunities file: %d rows without account", noAccount)
	}
	won, lost := strings.Count(opp.String(), ",Closed Won,"), strings.Count(opp.String(), ",Closed Lost,")
	res = a.importFile(t, opp.String(), map[string]string{"kind": "opportunities", "layer": sample.WorldLayerID})
	if res["opportunities"].(float64) != 6000 || res["unassigned"].(float64) != float64(noAccount) ||
		res["won"].(float64) != float64(won) || res["lost"].(float64) != float64(lost) || res["open"].(float64) != float64(6000-won-lost) {
		t.Errorf("opportunities import: %v, want 6000 (%d won, %d lost, %d without account)", res, won, lost, noAccount)
	}
	// Their KPIs by rep add up to the whole pipeline; win rate by count.
	code, raw := a.call("GET", fmt.Sprintf("/api/v1/scenarios/%d/kpis?by=rep", scID), "", nil)
	var kpis struct {
		Groups []struct {
			Key           string   `json:"key"`
			Opportunities int      `json:"opportunities"`
			WinRate       *float64 `json:"win_rate"`
		} `json:"groups"`
		Total struct {
			Opportunities int      `json:"opportunities"`
			WinRate       *float64 `json:"win_rate"`
		} `json:"total"`
	}
	if err := json.Unmarshal(raw, &kpis); code != 200 || err != nil {
		t.Fatalf("kpis: %d %s", code, raw)
	}
	sum := 0
	for _, g := range kpis.Groups {
		sum += g.Opportunities
	}
	if sum != 6000 || kpis.Total.Opportunities != 6000 || len(kpis.Groups) < len(reps) || kpis.Total.WinRate == nil ||
		math.Abs(*kpis.Total.WinRate-float64(won)/float64(won+lost)) > 1e-9 {
		t.Errorf("kpis by rep: %d groups holding %d deals, total %d, win rate %v; want ≥ %d groups, 6000, %d/%d", len(kpis.Groups), sum, kpis.Total.Opportunities, kpis.Total.WinRate, len(reps), won, won+lost)
	}

	// An allocation of the baseline.
	code, raw = a.call("POST", fmt.Sprintf("/api/v1/scenarios/%d/runs", scID), "application/json", strings.NewReader(`{"kind":"allocate"}`))
	if code != 202 {
		t.Fatalf("start allocate: %d %s", code, raw)
	}
	var run struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Error  string `json:"error"`
		Result struct {
			Allocation struct {
				Status     string                        `json:"status"`
				Objective  float64                       `json:"objective"`
				Gap        float64                       `json:"gap"`
				Allocation map[string]map[string]float64 `json:"allocation"`
			} `json:"allocation"`
		} `json:"result"`
	}
	json.Unmarshal(raw, &run)
	for deadline := time.Now().Add(2 * time.Minute); run.Status != terrane.RunSucceeded; {
		if run.Status == terrane.RunFailed || run.Status == terrane.RunCancelled || time.Now().After(deadline) {
			t.Fatalf("allocate run %d: %s %s", run.ID, run.Status, run.Error)
		}
		time.Sleep(50 * time.Millisecond)
		_, raw = a.call("GET", fmt.Sprintf("/api/v1/runs/%d", run.ID), "", nil)
		json.Unmarshal(raw, &run)
	}
	al := run.Result.Allocation
	if (al.Status != "optimal" && al.Status != "feasible") || !(al.Objective > 0) || math.IsInf(al.Objective, 0) || len(al.Allocation) < len(terrs) {
		t.Errorf("allocation: status %s, objective %v, %d territories allocated", al.Status, al.Objective, len(al.Allocation))
	}
	for _, p := range finite.JSON(raw) {
		t.Errorf("run: %s", p)
	}
	t.Logf("allocation %s: objective %.0f dollars per year, gap %.2g", al.Status, al.Objective, al.Gap)

	// Exports.
	export := func(name string, money, counts map[string]bool) [][]string {
		t.Helper()
		code, raw := a.call("GET", fmt.Sprintf("/api/v1/scenarios/%d/exports/%s", scID, name), "", nil)
		if code != 200 {
			t.Fatalf("export %s: %d %s", name, code, raw)
		}
		rows, problems := finite.CSV(raw, money, counts)
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
		return rows
	}
	if rows := export("units.csv", nil, nil); len(rows) != 242 {
		t.Errorf("units.csv: %d rows, want a header and 241 units", len(rows))
	}
	rows := export("accounts.csv", map[string]bool{"revenue": true}, nil)
	if len(rows) != nAccounts {
		t.Errorf("accounts.csv: %d rows, want a header and %d accounts", len(rows), nAccounts-1)
	}
	for _, row := range rows[1:] {
		if tr := terrByID[row[4]]; tr == nil || !contains(tr.owners, row[5]) {
			t.Errorf("accounts.csv row %q: territory or owner not the file's", row)
			break
		}
	}
	rows = export("allocation.csv", nil, nil)
	allocated := 0
	for _, row := range rows[1:] {
		if row[3] != "" {
			allocated++
		}
	}
	if len(rows) < 1+3*len(terrs) || allocated < 3*len(terrs) {
		t.Errorf("allocation.csv: %d rows, %d with an allocation; want the 3 resources of %d territories", len(rows), allocated, len(terrs))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
