package sample

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/terrane/terrane"
)

// SuperstoreHistoryFile is the by-state yearly history of the Superstore
// order lines, committed next to them (SuperstoreStateHistory writes it).
const SuperstoreHistoryFile = "superstore_state_history.csv"

// SuperstoreStateHistory is the embedded Superstore order lines as a
// history CSV with the history import's columns period,territory,revenue:
// one row per state (its postal code, from the State column) and calendar
// year of Order Date, revenue = the sum of Sales, for every state in the
// file and every year of the file (0 where a state sold nothing that
// year). It has no resource columns: Superstore records none.
func SuperstoreStateHistory() ([]byte, error) {
	header, recs, err := readCSV("superstore_orders_2014_2016.csv")
	if err != nil {
		return nil, err
	}
	iState, iSales, iDate := column(header, "State"), column(header, "Sales"), column(header, "Order Date")
	for name, i := range map[string]int{"State": iState, "Sales": iSales, "Order Date": iDate} {
		if i < 0 {
			return nil, fmt.Errorf("sample: superstore: missing column %q", name)
		}
	}
	postal := map[string]string{}
	for _, st := range stateFIPS {
		postal[st[1]] = st[0]
	}
	sales := map[[2]string]float64{}
	states, years := map[string]bool{}, map[string]bool{}
	for n, rec := range recs {
		st, ok := postal[rec[iState]]
		if !ok {
			return nil, fmt.Errorf("sample: superstore line %d: unknown state %q", n+2, rec[iState])
		}
		if len(rec[iDate]) < 4 {
			return nil, fmt.Errorf("sample: superstore line %d: bad Order Date %q", n+2, rec[iDate])
		}
		y := rec[iDate][:4]
		v, err := strconv.ParseFloat(rec[iSales], 64)
		if err != nil {
			return nil, fmt.Errorf("sample: superstore line %d: Sales %q: %w", n+2, rec[iSales], err)
		}
		sales[[2]string{st, y}] += v
		states[st], years[y] = true, true
	}
	sorted := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	var b strings.Builder
	b.WriteString("period,territory,revenue\n")
	for _, st := range sorted(states) {
		for _, y := range sorted(years) {
			fmt.Fprintf(&b, "%s,%s,%.2f\n", y, st, math.Round(sales[[2]string{st, y}]*100)/100)
		}
	}
	return []byte(b.String()), nil
}

// StateMarket is a state's market proxy: the addressable revenue, dollars
// per year, its low and high, and the market-weighted saturation share.
type StateMarket struct {
	Market, Low, High, Saturation float64
}

// StateMarketProxies sums the built-in county market proxies of the 50
// states and DC by state (postal code): each county's market is national
// × (0.4 · payroll share + 0.3 · establishments share + 0.3 · population
// share), at least $1,000 (countyMarkets), low/high = market × (1 ∓
// MarketRange), and the saturation share the market-weighted mean of
// metro (RUCC 1–3) and rural — the rule of the first sample: 8 % and 5 %
// (metro and rural here). It reads the proxy table only, not the
// boundaries.
func StateMarketProxies(national, metro, rural float64) (map[string]StateMarket, error) {
	if !(national > 0) || math.IsInf(national, 0) {
		return nil, fmt.Errorf("sample: national market must be a finite number > 0, got %v", national)
	}
	table, err := readMarketTable()
	if err != nil {
		return nil, err
	}
	var units []*terrane.Unit
	for fips, row := range table {
		if st, ok := stateFIPS[fips[:2]]; ok {
			units = append(units, &terrane.Unit{ID: fips, Region: st[0], Attributes: row.attrs})
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	market := countyMarketsOf(units, national)
	out := map[string]StateMarket{}
	for _, u := range units {
		m := out[u.Region]
		s := rural
		if r := u.Attributes["rucc_2013"]; r >= 1 && r <= 3 {
			s = metro
		}
		m.Market += market[u.ID]
		m.Saturation += s * market[u.ID]
		out[u.Region] = m
	}
	for id, m := range out {
		m.Saturation /= m.Market
		m.Low, m.High = m.Market*(1-MarketRange), m.Market*(1+MarketRange)
		out[id] = m
	}
	return out, nil
}
