package importer

import (
	"context"
	"math"
	"sort"

	"github.com/terrane/terrane"
)

// Defaults of a market estimate's shares when the file leaves them out.
const (
	// DefaultSaturationFactor: saturation = this × share, at least
	// DefaultMinSaturation and at most 1.
	DefaultSaturationFactor = 2.0
	// DefaultMinSaturation is the least default saturation share.
	DefaultMinSaturation = 0.05
	// DefaultFloorFraction: floor = this × share (share kept with no effort).
	DefaultFloorFraction = 0.5
)

// parseMarkets reads and validates a CSV of market estimates per unit, or,
// when where is "territory", per territory (ids in unitIDs either way).
func parseMarkets(data []byte, opts Options, unitIDs map[string]bool, where string) ([]*terrane.MarketEstimate, int, error) {
	p := opts.newProblems(KindMarkets, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, 0, firstErr(err, p.err())
	}
	var iUnit int
	if where == "territory" {
		iUnit = t.column(opts, "territory_id", true, "territory")
	} else {
		iUnit = t.column(opts, "unit_id", true, "unit", "zip", "fips", "geoid")
	}
	keys := []string{"market", "revenue", "share", "saturation", "floor", "low", "high"}
	cols := map[string]int{}
	for _, key := range keys {
		cols[key] = t.column(opts, key, key == "market")
	}
	if err := p.err(); err != nil {
		return nil, 0, err
	}
	var out []*terrane.MarketEstimate
	lineOf := map[string]int{}
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		unit := get(rec, iUnit)
		switch {
		case unit == "":
			p.add(t.row, "", t.header[iUnit], "empty %s id", where)
			continue
		case !unitIDs[unit] && where == "territory":
			p.add(t.row, unit, t.header[iUnit], "unknown territory %s: not in scenario %d", quote(unit), opts.Scenario)
			continue
		case !unitIDs[unit]:
			p.add(t.row, unit, t.header[iUnit], "unknown unit %s: not in layer %s", quote(unit), opts.Layer)
			continue
		case lineOf[unit] != 0:
			p.add(t.row, unit, t.header[iUnit], "%s %s appears twice (also line %d)", where, quote(unit), lineOf[unit])
			continue
		}
		lineOf[unit] = t.row
		v := map[string]float64{}
		has := map[string]bool{}
		bad := false
		for _, key := range keys {
			i := cols[key]
			s := get(rec, i)
			if s == "" {
				continue
			}
			x, ok, msg := number(s)
			switch {
			case !ok:
				p.add(t.row, unit, t.header[i], "%s %s", quote(s), msg)
				bad = true
			case x < 0:
				p.add(t.row, unit, t.header[i], "negative %s %s", key, quote(s))
				bad = true
			default:
				v[key], has[key] = x, true
			}
		}
		if bad {
			continue
		}
		if !has["market"] {
			p.add(t.row, unit, t.header[cols["market"]], "empty market size")
			continue
		}
		m := &terrane.MarketEstimate{Layer: opts.Layer, UnitID: unit, Market: v["market"], Revenue: v["revenue"], Share: v["share"],
			Saturation: v["saturation"], Floor: v["floor"], Low: v["low"], High: v["high"], RevenueSource: terrane.RevenueFromMarkets}
		switch {
		case !has["share"] && has["revenue"]:
			if m.Market == 0 && m.Revenue > 0 {
				p.add(t.row, unit, t.header[cols["market"]], "market is 0 but revenue is %g", m.Revenue)
				continue
			}
			if m.Market > 0 {
				m.Share = m.Revenue / m.Market
			}
		case has["share"] && !has["revenue"]:
			m.Revenue = m.Share * m.Market
		}
		if !has["saturation"] {
			m.Saturation = math.Min(1, math.Max(DefaultMinSaturation, DefaultSaturationFactor*m.Share))
		}
		if !has["floor"] {
			m.Floor = DefaultFloorFraction * m.Share
		}
		if has["low"] && !has["high"] {
			m.High = m.Market
		} else if has["high"] && !has["low"] {
			m.Low = m.Market
		}
		if err := m.Validate(); err != nil {
			p.add(t.row, unit, "", "%s", terrane.ErrorMessage(err))
			continue
		}
		out = append(out, m)
	}
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if len(out) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, 0, err
	}
	return out, t.rows, nil
}

func importMarkets(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	units, err := layerUnits(ctx, store, opts.Layer)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(units))
	for _, u := range units {
		ids[u.ID] = true
	}
	if opts.Scenario > 0 {
		return importTerritoryMarkets(ctx, store, data, opts, res, ids)
	}
	est, rows, err := parseMarkets(data, opts, ids, "unit")
	if err != nil {
		return err
	}
	if err := store.UpsertMarketEstimates(opts.audited(ctx, rows), est); err != nil {
		return err
	}
	res.Format, res.Rows, res.Estimates = "csv", rows, len(est)
	return nil
}

// importTerritoryMarkets reads estimates per territory of a scenario and
// spreads each over the territory's units in proportion to their current
// market estimates (equally unless every unit of the territory has one): market, revenue
// and the low/high range scale with a unit's weight, shares stay the
// territory's, so every unit keeps floor ≤ share ≤ saturation.
func importTerritoryMarkets(ctx context.Context, store Store, data []byte, opts Options, res *Result, layerUnits map[string]bool) error {
	sc, err := store.FindScenarioByID(ctx, opts.Scenario)
	if err != nil {
		return err
	}
	if sc.Layer != opts.Layer {
		return terrane.Errorf(terrane.EINVALID, "scenario %d is drawn on layer %s, not %s", sc.ID, sc.Layer, opts.Layer)
	}
	assignments, err := store.FindAssignments(ctx, sc.ID)
	if err != nil {
		return err
	}
	members := map[string][]string{}
	for u, t := range assignments {
		if layerUnits[u] {
			members[t] = append(members[t], u)
		}
	}
	ids := make(map[string]bool, len(members))
	for t := range members {
		ids[t] = true
	}
	est, rows, err := parseMarkets(data, opts, ids, "territory")
	if err != nil {
		return err
	}
	current, err := store.FindMarketEstimates(ctx, opts.Layer)
	if err != nil {
		return err
	}
	weight, known := map[string]float64{}, map[string]bool{}
	for _, m := range current {
		weight[m.UnitID], known[m.UnitID] = m.Market, true
	}
	var out []*terrane.MarketEstimate
	for _, te := range est {
		us := members[te.UnitID]
		sort.Strings(us)
		// Proportional only when every unit has an estimate to weigh by.
		var total float64
		all := true
		for _, u := range us {
			total += weight[u]
			all = all && known[u]
		}
		for _, u := range us {
			w := 1 / float64(len(us))
			if all && total > 0 {
				w = weight[u] / total
			}
			out = append(out, &terrane.MarketEstimate{Layer: opts.Layer, UnitID: u, Market: te.Market * w, Revenue: te.Revenue * w,
				Share: te.Share, Saturation: te.Saturation, Floor: te.Floor, Low: te.Low * w, High: te.High * w, RevenueSource: terrane.RevenueFromMarkets})
		}
	}
	if err := store.UpsertMarketEstimates(opts.audited(ctx, rows), out); err != nil {
		return err
	}
	res.Format, res.Rows, res.Estimates = "csv", rows, len(out)
	return nil
}
