package importer

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/geo"
)

// zipTables are the US ZIP tables embedded in data/sample: ZIP → lon/lat of
// the Census ZCTA centroid, and ZIP → county FIPS codes (HUD crosswalk).
type zipTables struct {
	centroids map[string]orb.Point
	counties  map[string][]string
}

var (
	zipOnce sync.Once
	zips    *zipTables
	zipErr  error
)

// loadZIPs reads the embedded ZIP tables once.
func loadZIPs() (*zipTables, error) {
	zipOnce.Do(func() {
		z := &zipTables{}
		if z.centroids, zipErr = sample.ZIPCentroids(); zipErr != nil {
			return
		}
		if z.counties, zipErr = sample.ZIPCounties(); zipErr != nil {
			return
		}
		zips = z
	})
	return zips, zipErr
}

// locator finds the unit of a layer containing a point.
type locator struct {
	units []*terrane.Unit
	ids   map[string]int
	index *geo.Index
}

func newLocator(units []*terrane.Unit) *locator {
	l := &locator{units: units, ids: make(map[string]int, len(units))}
	geoms := make([]orb.Geometry, len(units))
	for i, u := range units {
		l.ids[u.ID] = i
		geoms[i] = u.Geometry
	}
	l.index = geo.NewIndex(geoms)
	return l
}

// locate returns the id of the unit containing p, or "".
func (l *locator) locate(p orb.Point) string {
	if i, ok := l.index.Locate(p); ok {
		return l.units[i].ID
	}
	return ""
}

// has tells whether the layer has a unit of that id.
func (l *locator) has(id string) bool {
	_, ok := l.ids[id]
	return ok
}

// crosswalk picks, among the counties a ZIP spans that are units of the
// layer, the one whose centroid is nearest p (any one when p is unknown).
func (l *locator) crosswalk(p orb.Point, havePoint bool, counties []string) (string, orb.Point) {
	best, bestD := "", math.Inf(1)
	var at orb.Point
	for _, c := range counties {
		i, ok := l.ids[c]
		if !ok {
			continue
		}
		d := 0.0
		if havePoint {
			d = geo.Haversine(p, l.units[i].Centroid)
		}
		if d < bestD {
			best, bestD, at = c, d, l.units[i].Centroid
		}
	}
	return best, at
}

// accountRow is an account being built from one or more rows.
type accountRow struct {
	a         *terrane.Account
	line      int // first line of the account
	rows      int
	havePoint bool
	unit      string          // unit named by the unit column, when that locates it
	locs      []*rowLoc       // the distinct locations of its rows, in file order
	byYear    map[int]float64 // revenue of its dated rows by year, dollars
}

// rowLoc is where one or more rows of an account say it is.
type rowLoc struct {
	point     orb.Point
	havePoint bool
	zip       string
	unit      string
	line      int       // first line with this location
	revenue   float64   // dollars, summed over its rows
	latest    time.Time // latest date of its rows
}

func (l *rowLoc) key() string {
	switch {
	case l.havePoint:
		return fmt.Sprintf("p:%v,%v", l.point[0], l.point[1])
	case l.zip != "":
		return "z:" + l.zip
	}
	return "u:" + l.unit
}

// Ways to pick the location of an account made of several rows (option
// location, with group).
const (
	locationFirst       = "first"
	locationMostRevenue = "most_revenue"
	locationLatest      = "latest"
)

// accountsPlan is a validated accounts file, ready to write.
type accountsPlan struct {
	accounts  []*terrane.Account
	rows      int
	located   int
	unlocated int
	byPostal  int
	byCross   int
	byUnit    int
	years     int
	rowsIn    int // data rows whose account is located
	revenue   float64
	// latestYear is the latest year of the date column (0 without dates);
	// yearRevenue the revenue of that year per unit, dollars.
	latestYear  int
	yearRevenue map[string]float64
}

// dateLayouts are the date formats accepted in a date column.
var dateLayouts = []string{"2006-01-02", "1/2/2006", "01/02/2006", "2006/01/02", "2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05", "02.01.2006", "2006"}

// parseDate reads a date field in one of dateLayouts.
func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// postalCode normalizes a US ZIP: ZIP+4 loses its suffix, and the leading
// zeros spreadsheets strip are put back (e.g. "2134" → "02134").
func postalCode(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '-'); i == 5 && len(s) == 10 {
		s = s[:5]
	}
	s = strings.TrimSuffix(s, ".0") // written as a float by a spreadsheet
	for _, c := range s {
		if c < '0' || c > '9' {
			return s
		}
	}
	if len(s) > 0 && len(s) < 5 {
		s = strings.Repeat("0", 5-len(s)) + s
	}
	return s
}

// parseAccounts reads and validates a CSV of accounts and locates each in a
// unit of the layer.
func parseAccounts(data []byte, opts Options, loc *locator, zipsFn func() (*zipTables, error)) (*accountsPlan, error) {
	aliases, err := parseAliases(opts.option("aliases", ""))
	if err != nil {
		return nil, err
	}
	units, err := newUnitMatcher(loc.units, aliases)
	if err != nil {
		return nil, err
	}
	where := opts.option("location", locationFirst)
	switch where {
	case locationFirst, locationMostRevenue, locationLatest:
	default:
		return nil, terrane.Errorf(terrane.EINVALID, "option location: %q must be first, most_revenue or latest", where)
	}
	if _, ok := opts.Fields["location"]; ok && opts.option("group", "") == "" {
		return nil, terrane.Errorf(terrane.EINVALID, "option location picks among the rows of a group: give group=COLUMN too")
	}
	p := opts.newProblems(KindAccounts, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	perYear, err := opts.boolOption("per_year", true)
	if err != nil {
		return nil, err
	}
	var group []int
	iID := -1
	if g := opts.option("group", ""); g != "" {
		for _, name := range strings.Split(g, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if i := t.find(name); i >= 0 {
				group = append(group, i)
			} else {
				p.add(1, "", name, "missing column (chosen in group); the columns are %s", t.list())
			}
		}
		if _, ok := opts.Fields["id"]; ok {
			return nil, terrane.Errorf(terrane.EINVALID, "options id and group exclude each other: group makes the id from its columns")
		}
		if strings.Trim(g, ", \t") == "" {
			// group="," names no column: there would be no account id at all.
			return nil, terrane.Errorf(terrane.EINVALID, "option group %q names no column of the file; the columns are %s", g, t.list())
		}
	} else {
		iID = t.column(opts, "id", true, "account_id", "customer_id")
	}
	iName := t.column(opts, "name", false, "account_name", "customer_name")
	iSeg := t.column(opts, "segment", false)
	iRev := t.column(opts, "revenue", false, "sales", "amount")
	iOwner := t.column(opts, "owner", false, "account_owner")
	iDate := t.column(opts, "date", false)
	iLon := t.column(opts, "lon", false, "lng", "longitude")
	iLat := t.column(opts, "lat", false, "latitude")
	iZIP := t.column(opts, "postal_code", false, "zip", "zip_code", "zipcode", "postcode")
	iUnit := t.column(opts, "unit", false, "unit_id", "unit_name")
	// The customer an account belongs to, kept as its attribute "customer"
	// (terrane.CustomerAttribute): accounts with one value are one customer.
	iCustomer := t.column(opts, "customer", false)
	if where == locationLatest && iDate < 0 {
		p.add(1, "", "date", "location=latest needs a date column: choose it with the option date=COLUMN; the columns are %s", t.list())
	}
	_, lonChosen := opts.Fields["lon"]
	_, latChosen := opts.Fields["lat"]
	if (iLon >= 0) != (iLat >= 0) && (lonChosen || latChosen) {
		p.add(1, "", "lon/lat", "choose both a lon and a lat column, or neither")
	}
	if (iLon < 0 || iLat < 0) && iZIP < 0 && iUnit < 0 {
		p.add(1, "", "location", "missing columns: need lon and lat, postal_code, or unit (choose them with lon=, lat=, postal_code=, unit=); the columns are %s", t.list())
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	// Every other column is kept as an attribute of the account.
	used := map[int]bool{iID: true, iName: true, iSeg: true, iRev: true, iOwner: true, iDate: true, iLon: true, iLat: true, iZIP: true, iUnit: true, iCustomer: true}
	for _, i := range group {
		used[i] = true
	}
	var extra []int
	for i, h := range t.header {
		if !used[i] && h != "" {
			extra = append(extra, i)
		}
	}
	var z *zipTables
	if iZIP >= 0 {
		if z, err = zipsFn(); err != nil {
			return nil, err
		}
	}
	byID := map[string]*accountRow{}
	var order []*accountRow
	years := map[int]bool{}
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		var id string
		zip := postalCode(get(rec, iZIP))
		if group != nil {
			parts := make([]string, len(group))
			empty := false
			for k, i := range group {
				parts[k] = get(rec, i)
				if i == iZIP {
					parts[k] = zip
				}
				if parts[k] == "" {
					p.add(t.row, "", t.header[i], "empty (a group column)")
					empty = true
				}
			}
			if empty {
				continue
			}
			id = strings.Join(parts, "@")
		} else if id = get(rec, iID); id == "" {
			p.add(t.row, "", t.header[iID], "empty account id")
			continue
		}
		rev := 0.0
		if s := get(rec, iRev); s != "" {
			v, ok, msg := number(s)
			switch {
			case !ok:
				p.add(t.row, id, t.header[iRev], "%s %s", quote(s), msg)
			case v < 0:
				p.add(t.row, id, t.header[iRev], "negative revenue %s", quote(s))
			default:
				rev = v
			}
		}
		var date time.Time
		if iDate >= 0 {
			if s := get(rec, iDate); s != "" {
				if d, ok := parseDate(s); ok {
					years[d.Year()] = true
					date = d
				} else {
					p.add(t.row, id, t.header[iDate], "%s is not a date (use YYYY-MM-DD or M/D/YYYY)", quote(s))
				}
			}
		}
		if p.bad(t.row) {
			continue // skip_invalid: the row is left out
		}
		ar, seen := byID[id]
		if seen && group == nil {
			p.add(t.row, id, t.header[iID], "duplicate account id %s (also line %d); to add up rows per account use the option group", quote(id), ar.line)
			continue
		}
		rl := &rowLoc{zip: zip, line: t.row}
		if lon, lat := get(rec, iLon), get(rec, iLat); lon != "" || lat != "" {
			x, okx, mx := number(lon)
			y, oky, my := number(lat)
			switch {
			case !okx:
				p.add(t.row, id, t.header[iLon], "longitude %s %s", quote(lon), orEmpty(mx))
			case !oky:
				p.add(t.row, id, t.header[iLat], "latitude %s %s", quote(lat), orEmpty(my))
			case math.Abs(x) > 180:
				p.add(t.row, id, t.header[iLon], "longitude %g is outside [-180, 180] (lon/lat degrees, WGS84, are expected)", x)
			case math.Abs(y) > 90:
				p.add(t.row, id, t.header[iLat], "latitude %g is outside [-90, 90] (lon/lat degrees, WGS84, are expected)", y)
			default:
				rl.point, rl.havePoint = orb.Point{x, y}, true
			}
		} else if zip == "" {
			if u := get(rec, iUnit); u != "" {
				if uid, why := units.match(u); uid != "" {
					rl.unit = uid
				} else {
					p.add(t.row, id, t.header[iUnit], "%s %s", quote(u), why)
				}
			} else {
				p.add(t.row, id, "location", "no location: lon/lat, postal code and unit are all empty")
			}
		}
		if p.bad(t.row) {
			continue
		}
		if !seen {
			a := &terrane.Account{ID: id, Name: get(rec, iName), Segment: get(rec, iSeg), Owner: get(rec, iOwner), Layer: opts.Layer}
			ar = &accountRow{a: a, line: t.row}
			byID[id] = ar
			order = append(order, ar)
		} else if ar.a.Owner == "" {
			ar.a.Owner = get(rec, iOwner)
		}
		if v := get(rec, iCustomer); v != "" {
			if ar.a.Attributes == nil {
				ar.a.Attributes = map[string]string{}
			}
			if _, ok := ar.a.Attributes[terrane.CustomerAttribute]; !ok {
				ar.a.Attributes[terrane.CustomerAttribute] = v
			}
		}
		for _, i := range extra {
			if v := get(rec, i); v != "" {
				if ar.a.Attributes == nil {
					ar.a.Attributes = map[string]string{}
				}
				if _, ok := ar.a.Attributes[t.header[i]]; !ok {
					ar.a.Attributes[t.header[i]] = v
				}
			}
		}
		k := rl.key()
		var have *rowLoc
		for _, l := range ar.locs {
			if l.key() == k {
				have = l
			}
		}
		if have == nil {
			ar.locs = append(ar.locs, rl)
			have = rl
		}
		have.revenue += rev
		if date.After(have.latest) {
			have.latest = date
		}
		ar.a.Revenue += rev
		if !date.IsZero() {
			if ar.byYear == nil {
				ar.byYear = map[int]float64{}
			}
			ar.byYear[date.Year()] += rev
		}
		ar.rows++
	}
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if len(order) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	plan := &accountsPlan{rows: t.rows, years: len(years), yearRevenue: map[string]float64{}}
	for y := range years {
		plan.latestYear = max(plan.latestYear, y)
	}
	for _, row := range order {
		best := row.locs[0]
		for _, l := range row.locs[1:] {
			switch {
			case where == locationMostRevenue && l.revenue > best.revenue,
				where == locationLatest && l.latest.After(best.latest):
				best = l
			}
		}
		row.a.Location, row.havePoint, row.a.PostalCode, row.unit = best.point, best.havePoint, best.zip, best.unit
		row.line = best.line
	}
	for n, row := range order {
		if n%100000 == 0 {
			opts.Progress("locate accounts", n)
		}
		a := row.a
		switch {
		case row.havePoint:
			a.UnitID = loc.locate(a.Location)
			if a.UnitID == "" && a.PostalCode != "" && z != nil {
				a.UnitID, _ = loc.crosswalk(a.Location, true, z.counties[a.PostalCode])
			}
		case a.PostalCode == "" && row.unit != "":
			a.UnitID = row.unit
			a.Location = loc.units[loc.ids[row.unit]].Centroid
			plan.byUnit++
		case a.PostalCode != "" && opts.Layer == sample.ZIPsLayerID && loc.has(a.PostalCode):
			// On the ZIP layer a postal code names its unit directly
			// (on a county layer 01001 is Autauga, AL, not ZIP 01001).
			a.UnitID = a.PostalCode
			if c, ok := z.centroids[a.PostalCode]; ok {
				a.Location = c
			} else {
				a.Location = loc.units[loc.ids[a.PostalCode]].Centroid
			}
			plan.byPostal++
		case a.PostalCode != "":
			c, ok := z.centroids[a.PostalCode]
			if ok {
				a.Location = c
				plan.byPostal++
				if a.UnitID = loc.locate(c); a.UnitID == "" {
					if a.UnitID, _ = loc.crosswalk(c, true, z.counties[a.PostalCode]); a.UnitID != "" {
						plan.byCross++
					}
				}
			} else if u, at := loc.crosswalk(orb.Point{}, false, z.counties[a.PostalCode]); u != "" {
				a.UnitID, a.Location = u, at
				plan.byPostal++
				plan.byCross++
			} else {
				p.add(row.line, a.ID, t.header[iZIP], "unknown postal code %s: not in the US ZIP centroid table nor the ZIP→county crosswalk (give lon and lat for places outside the US)", quote(a.PostalCode))
				continue
			}
		}
		if a.UnitID != "" {
			plan.located++
			plan.rowsIn += row.rows
			if rev := row.byYear[plan.latestYear]; rev > 0 {
				plan.yearRevenue[a.UnitID] += rev
			}
		} else {
			plan.unlocated++
		}
		if perYear && len(years) > 0 {
			a.Revenue /= float64(len(years))
		}
		a.Revenue = math.Round(a.Revenue*100) / 100
		plan.revenue += a.Revenue
		plan.accounts = append(plan.accounts, a)
	}
	if len(plan.accounts) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	sort.Slice(plan.accounts, func(i, j int) bool { return plan.accounts[i].ID < plan.accounts[j].ID })
	return plan, nil
}

func orEmpty(msg string) string {
	if msg == "" {
		return "is empty"
	}
	return msg
}

func importAccounts(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	units, err := layerUnits(ctx, store, opts.Layer)
	if err != nil {
		return err
	}
	plan, err := parseAccounts(data, opts, newLocator(units), loadZIPs)
	if err != nil {
		return err
	}
	update, err := opts.boolOption("update_markets", true)
	if err != nil {
		return err
	}
	// New actuals: the revenue of the latest year per unit, validated before
	// anything is written.
	var na *newActuals
	if update && plan.latestYear > 0 {
		current, err := store.FindMarketEstimates(ctx, opts.Layer)
		if err != nil {
			return err
		}
		na = applyActuals(current, actuals{revenue: plan.yearRevenue, period: yearPeriod(plan.latestYear), source: terrane.RevenueFromAccounts, everyUnit: true})
		for _, m := range na.estimates {
			if err := m.Validate(); err != nil {
				return err
			}
		}
	}
	var est []*terrane.MarketEstimate
	if na != nil {
		est = na.estimates
	}
	if err := store.ReplaceAccounts(opts.audited(ctx, plan.rows), opts.Layer, plan.accounts, est); err != nil {
		return err
	}
	if na != nil {
		na.report(res)
	}
	res.Format, res.Rows = "csv", plan.rows
	res.Accounts, res.Located, res.Unlocated = len(plan.accounts), plan.located, plan.unlocated
	res.ByPostalCode, res.ByCrosswalk, res.Years = plan.byPostal, plan.byCross, plan.years
	res.ByUnit = plan.byUnit
	res.Revenue = math.Round(plan.revenue*100) / 100
	if len(plan.accounts) > 0 {
		res.RowsPerAccount = float64(plan.rows) / float64(len(plan.accounts))
	}
	if plan.rows > 0 {
		res.LocatedRowsShare = float64(plan.rowsIn) / float64(plan.rows)
	}
	return nil
}
