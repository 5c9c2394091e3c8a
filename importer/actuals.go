package importer

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/terrane/terrane"
)

// actuals are the revenues of one period per unit, annualised, that an
// import brings to the layer's market estimates ("new actuals").
type actuals struct {
	revenue map[string]float64 // unit id → dollars per year
	period  period             // the period they are of
	source  string             // accounts or history
	// everyUnit is true when a unit absent from revenue sold nothing in the
	// period (accounts: the file is the whole book); false when it is not
	// recorded (history).
	everyUnit bool
}

// newActuals is what applying actuals to the estimates gives.
type newActuals struct {
	estimates []*terrane.MarketEstimate // the updated estimates, to write
	label     string                    // the revenue period, e.g. "2017-Q4 ×4"
	newer     []string                  // revenue periods of the estimates left alone, distinct, sorted
	kept      int                       // estimates left alone: they hold a later period's revenue
	raised    int                       // estimates whose market was raised to the revenue
	noMarket  int                       // units with revenue but no market estimate
	unspread  []string                  // territories whose units have no estimate to spread their revenue by
}

// applyActuals updates the current estimates of a layer with a: each
// estimate whose revenue period does not end after a's takes the unit's
// revenue, its share = revenue / market, its floor scaled with the share
// (kept in proportion) and its saturation raised to the share if below
// it; a revenue above the market raises the market (and the high end of
// its range) to the revenue. Headroom = saturation × market − revenue
// follows.
func applyActuals(current []*terrane.MarketEstimate, a actuals) *newActuals {
	out := &newActuals{label: annualLabel(a.period)}
	newer := map[string]bool{}
	known := map[string]bool{}
	for _, old := range current {
		known[old.UnitID] = true
		rev, ok := a.revenue[old.UnitID]
		if !ok && !a.everyUnit {
			continue
		}
		if end, ok := labelEnd(old.RevenuePeriod); ok && end.After(a.period.end) {
			out.kept++
			newer[old.RevenuePeriod] = true
			continue
		}
		m := *old
		m.Revenue = math.Round(rev*100) / 100
		if m.Revenue > m.Market {
			m.Market = m.Revenue
			if m.High != 0 || m.Low != 0 {
				m.High = math.Max(m.High, m.Market)
			}
			out.raised++
		}
		share := 0.0
		if m.Market > 0 {
			share = math.Min(1, m.Revenue/m.Market)
		}
		if old.Share > 0 {
			m.Floor = math.Min(share, old.Floor*share/old.Share)
		} else {
			m.Floor = DefaultFloorFraction * share
		}
		m.Share = share
		m.Saturation = math.Max(m.Saturation, share)
		m.RevenuePeriod, m.RevenueSource = out.label, a.source
		out.estimates = append(out.estimates, &m)
	}
	for u, rev := range a.revenue {
		if !known[u] && rev > 0 {
			out.noMarket++
		}
	}
	for l := range newer {
		out.newer = append(out.newer, l)
	}
	sort.Strings(out.newer)
	return out
}

// report fills the new-actuals fields of res.
func (n *newActuals) report(res *Result) {
	res.MarketsUpdated, res.RevenuePeriod, res.MarketsNewer = len(n.estimates), n.label, n.kept
	var notes []string
	if n.kept > 0 {
		notes = append(notes, fmt.Sprintf("%d market estimates keep their revenue of a later period (%s): the file's %s is older and does not overwrite it", n.kept, strings.Join(n.newer, ", "), n.label))
	}
	if n.raised > 0 {
		notes = append(notes, fmt.Sprintf("%d markets were smaller than their %s revenue and were raised to it", n.raised, n.label))
	}
	if n.noMarket > 0 {
		notes = append(notes, fmt.Sprintf("%d units with revenue in %s have no market estimate and were left out (import markets for them)", n.noMarket, n.label))
	}
	if len(n.unspread) > 0 {
		notes = append(notes, "territories whose units have no market estimate to spread the revenue by were left out: "+strings.Join(n.unspread, ", "))
	}
	res.MarketsNote = strings.Join(notes, "; ")
}

// yearPeriod is the calendar year y as a period.
func yearPeriod(y int) period {
	p, _ := parsePeriod(fmt.Sprintf("%04d", y))
	return p
}

// spread divides each territory's revenue among its units in proportion to
// their current estimate revenue, else (none has revenue) their market;
// territories whose units have neither are returned in left.
func spread(byTerritory map[string]float64, members map[string][]string, current []*terrane.MarketEstimate) (units map[string]float64, left []string) {
	est := map[string]*terrane.MarketEstimate{}
	for _, m := range current {
		est[m.UnitID] = m
	}
	units = map[string]float64{}
	for t, rev := range byTerritory {
		var byRev, byMarket float64
		for _, u := range members[t] {
			if m := est[u]; m != nil {
				byRev += m.Revenue
				byMarket += m.Market
			}
		}
		if byRev == 0 && byMarket == 0 {
			left = append(left, t)
			continue
		}
		for _, u := range members[t] {
			m := est[u]
			if m == nil {
				continue
			}
			w := m.Market / byMarket
			if byRev > 0 {
				w = m.Revenue / byRev
			}
			units[u] += rev * w
		}
	}
	sort.Strings(left)
	return units, left
}
