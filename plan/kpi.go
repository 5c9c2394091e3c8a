package plan

import (
	"slices"
	"sort"
	"time"

	"github.com/terrane/terrane"
)

// Groupings of the pipeline KPIs.
const (
	KPIByTerritory = "territory" // through the opportunity's account's territory
	KPIByRep       = "rep"       // through the opportunity's owner
	KPIByRegion    = "region"    // through the owner's region
	KPIByManager   = "manager"   // through the owner's manager
)

// KPIBys lists the groupings, in the order documented.
var KPIBys = []string{KPIByTerritory, KPIByRep, KPIByRegion, KPIByManager}

// KPIQuery says how to group and which opportunities count. From and To
// (inclusive dates, UTC) select won and lost deals by close date and open
// deals by created date; nil = unbounded. AsOf is the date open deals are
// aged at; nil = the latest date in the data.
type KPIQuery struct {
	By       string
	From, To *time.Time
	AsOf     *time.Time
}

// StageTally counts the open deals of one stage and their value.
type StageTally struct {
	Count int     `json:"count"`
	Value float64 `json:"value"` // dollars; a blank amount counts 0
}

// KPIGroup holds the pipeline KPIs of one territory, rep, region or manager
// (docs/api.md states each definition). A ratio without a denominator is
// nil (null), never a sentinel.
type KPIGroup struct {
	Key  string `json:"key"`  // territory id, rep name, region or manager name; "" = none (e.g. deals with no account)
	Name string `json:"name"` // for people
	// Counts of the opportunities selected.
	Opportunities int `json:"opportunities"`
	Won           int `json:"won"`
	Lost          int `json:"lost"`
	Open          int `json:"open"`
	// WinRate = won / (won + lost), by count.
	WinRate *float64 `json:"win_rate"`
	// WinRateValue = won value / (won value + lost value), over deals with an amount.
	WinRateValue *float64 `json:"win_rate_value"`
	WonValue     float64  `json:"won_value"`    // Σ amount of won deals, dollars
	AvgWonDeal   *float64 `json:"avg_won_deal"` // won_value / won, dollars
	// Sales cycle of won deals, close date − created date, in days.
	CycleDaysMean   *float64 `json:"cycle_days_mean"`
	CycleDaysMedian *float64 `json:"cycle_days_median"`
	// OpenValue is Σ amount of open deals, dollars (a blank amount counts 0
	// and is counted in OpenWithoutAmount).
	OpenValue         float64               `json:"open_value"`
	OpenWithoutAmount int                   `json:"open_without_amount"`
	OpenByStage       map[string]StageTally `json:"open_by_stage" openapi:"nonnull"`
	// VelocityPerDay = open × win_rate × avg_won_deal / cycle_days_mean,
	// dollars per day.
	VelocityPerDay *float64 `json:"velocity_per_day"`
	// StaleOpen counts open deals older at as_of than 2 × the group's
	// cycle_days_median (the total's when the group has no won deal); nil
	// when there is no median at all.
	StaleOpen *int `json:"stale_open"`
	// Quota is Σ quota of the group's people, dollars per year as entered
	// (not prorated to the period); nil = no quota.
	Quota      *float64 `json:"quota"`
	Attainment *float64 `json:"attainment"` // won_value / quota
	Coverage   *float64 `json:"coverage"`   // open_value / (quota − won_value), when that is > 0
	// Bookings is the won value per calendar month of close date,
	// "YYYY-MM" → dollars.
	Bookings map[string]float64 `json:"bookings" openapi:"nonnull"`

	lostValue float64   // Σ amount of lost deals with an amount, dollars
	cycles    []float64 // days, of each won deal
	ages      []float64 // days at as_of, of each open deal
}

// KPIs is the answer of GET /scenarios/{id}/kpis.
type KPIs struct {
	By     string      `json:"by"`
	From   *string     `json:"from"`  // YYYY-MM-DD; null = unbounded
	To     *string     `json:"to"`    // YYYY-MM-DD; null = unbounded
	AsOf   *string     `json:"as_of"` // YYYY-MM-DD; null when there is no opportunity at all
	Groups []*KPIGroup `json:"groups" openapi:"nonnull"`
	Total  *KPIGroup   `json:"total"`
}

// KPIInput is what the KPIs are computed from: the layer's opportunities,
// the scenario's territory of each account, the territories and the users.
type KPIInput struct {
	Opportunities    []*terrane.Opportunity
	AccountTerritory map[string]string // account id → territory id; absent = in no territory
	Territories      []*terrane.Territory
	Users            []*terrane.User
}

// ComputeKPIs groups the selected opportunities by q.By and computes each
// group's KPIs and the total's. Every territory (by territory) and every
// rep (by rep) has a group, with or without deals. EINVALID for an unknown
// grouping or From after To.
func ComputeKPIs(q KPIQuery, in KPIInput) (*KPIs, error) {
	if !slices.Contains(KPIBys, q.By) {
		return nil, terrane.Errorf(terrane.EINVALID, "by: %q must be one of territory, rep, region, manager", q.By)
	}
	if q.From != nil && q.To != nil && q.From.After(*q.To) {
		return nil, terrane.Errorf(terrane.EINVALID, "from %s is after to %s", date(*q.From), date(*q.To))
	}
	out := &KPIs{By: q.By, Groups: []*KPIGroup{}}
	if q.From != nil {
		s := date(*q.From)
		out.From = &s
	}
	if q.To != nil {
		s := date(*q.To)
		out.To = &s
	}
	asOf := q.AsOf
	if asOf == nil {
		asOf = latestDate(in.Opportunities)
	}
	if asOf != nil {
		s := date(*asOf)
		out.AsOf = &s
	}

	users := map[string]*terrane.User{}
	for _, u := range in.Users {
		users[u.Name] = u
	}
	groups := map[string]*KPIGroup{}
	group := func(key string) *KPIGroup {
		g, ok := groups[key]
		if !ok {
			g = newGroup(key, key)
			groups[key] = g
		}
		return g
	}
	// Groups that exist without deals, and each group's quota.
	quota := map[string]float64{}
	switch q.By {
	case KPIByTerritory:
		for _, t := range in.Territories {
			group(t.ID).Name = t.Name
			for _, o := range t.Owners {
				if u := users[o]; u != nil {
					quota[t.ID] += u.Quota
				}
			}
		}
	default:
		for _, u := range in.Users {
			key := personKey(q.By, u)
			if q.By == KPIByRep && u.Role == terrane.RoleRep || u.Quota > 0 && key != "" {
				group(key)
			}
			if key != "" {
				quota[key] += u.Quota
			}
		}
	}
	var totalQuota float64
	for _, u := range in.Users {
		totalQuota += u.Quota
	}

	total := newGroup("", "All")
	for _, o := range in.Opportunities {
		if !selected(q, o) {
			continue
		}
		var key string
		switch q.By {
		case KPIByTerritory:
			key = in.AccountTerritory[o.AccountID]
		case KPIByRep:
			key = o.Owner
		default:
			if u := users[o.Owner]; u != nil {
				key = personKey(q.By, u)
			}
		}
		g := group(key)
		g.add(o, asOf)
		total.add(o, asOf)
	}
	if g, ok := groups[""]; ok {
		g.Name = noneName(q.By)
	}

	total.finish(nil, totalQuota)
	for _, g := range groups {
		g.finish(total.CycleDaysMedian, quota[g.Key])
		out.Groups = append(out.Groups, g)
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		a, b := out.Groups[i], out.Groups[j]
		if (a.Key == "") != (b.Key == "") {
			return b.Key == "" // the group of "none" last
		}
		return a.Key < b.Key
	})
	out.Total = total
	return out, nil
}

func newGroup(key, name string) *KPIGroup {
	return &KPIGroup{Key: key, Name: name, OpenByStage: map[string]StageTally{}, Bookings: map[string]float64{}}
}

// personKey is the group of a person by rep, region or manager.
func personKey(by string, u *terrane.User) string {
	switch by {
	case KPIByRegion:
		return u.Region
	case KPIByManager:
		return u.Manager
	}
	return u.Name
}

func noneName(by string) string {
	switch by {
	case KPIByTerritory:
		return "No territory"
	case KPIByRep:
		return "No owner"
	case KPIByRegion:
		return "No region"
	}
	return "No manager"
}

// selected reports whether o counts for q's period: won and lost deals by
// close date, open deals by created date, both ends inclusive.
func selected(q KPIQuery, o *terrane.Opportunity) bool {
	at := o.Created
	if o.Status != terrane.OpportunityOpen && o.CloseDate != nil {
		at = *o.CloseDate
	}
	return (q.From == nil || !at.Before(*q.From)) && (q.To == nil || !at.After(*q.To))
}

// LatestOpportunityDate is the latest created or close date of any of
// opps, the default as_of of the KPIs; nil when there is none.
func LatestOpportunityDate(opps []*terrane.Opportunity) *time.Time { return latestDate(opps) }

// latestDate is the latest created or close date of any opportunity; nil
// when there is none.
func latestDate(opps []*terrane.Opportunity) *time.Time {
	var last *time.Time
	for _, o := range opps {
		for _, t := range []*time.Time{&o.Created, o.CloseDate} {
			if t != nil && (last == nil || t.After(*last)) {
				v := *t
				last = &v
			}
		}
	}
	return last
}

func (g *KPIGroup) add(o *terrane.Opportunity, asOf *time.Time) {
	g.Opportunities++
	amount := 0.0
	if o.Amount != nil {
		amount = *o.Amount
	}
	switch o.Status {
	case terrane.OpportunityWon:
		g.Won++
		g.WonValue += amount
		if o.CloseDate != nil {
			g.cycles = append(g.cycles, o.CloseDate.Sub(o.Created).Hours()/24)
			g.Bookings[o.CloseDate.Format("2006-01")] += amount
		}
	case terrane.OpportunityLost:
		g.Lost++
		if o.Amount != nil {
			g.lostValue += amount
		}
	default:
		g.Open++
		g.OpenValue += amount
		if o.Amount == nil {
			g.OpenWithoutAmount++
		}
		st := g.OpenByStage[o.Stage]
		st.Count++
		st.Value += amount
		g.OpenByStage[o.Stage] = st
		if asOf != nil {
			g.ages = append(g.ages, asOf.Sub(o.Created).Hours()/24)
		}
	}
}

// finish computes the ratios once every deal is added. fallbackMedian is
// the total's cycle median, for a group with no won deal.
func (g *KPIGroup) finish(fallbackMedian *float64, quota float64) {
	if n := g.Won + g.Lost; n > 0 {
		g.WinRate = ptr(float64(g.Won) / float64(n))
	}
	if d := g.WonValue + g.lostValue; d > 0 {
		g.WinRateValue = ptr(g.WonValue / d)
	}
	if g.Won > 0 {
		g.AvgWonDeal = ptr(g.WonValue / float64(g.Won))
	}
	if len(g.cycles) > 0 {
		g.CycleDaysMean, g.CycleDaysMedian = ptr(mean(g.cycles)), ptr(median(g.cycles))
	}
	if g.WinRate != nil && g.AvgWonDeal != nil && g.CycleDaysMean != nil && *g.CycleDaysMean > 0 {
		g.VelocityPerDay = ptr(float64(g.Open) * *g.WinRate * *g.AvgWonDeal / *g.CycleDaysMean)
	}
	med := g.CycleDaysMedian
	if med == nil {
		med = fallbackMedian
	}
	if med != nil {
		n := 0
		for _, a := range g.ages {
			if a > 2**med {
				n++
			}
		}
		g.StaleOpen = &n
	}
	if quota > 0 {
		g.Quota = ptr(quota)
		g.Attainment = ptr(g.WonValue / quota)
		if left := quota - g.WonValue; left > 0 {
			g.Coverage = ptr(g.OpenValue / left)
		}
	}
	g.cycles, g.ages = nil, nil
}

func ptr[T any](v T) *T { return &v }

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// median is the middle value, or the mean of the two middle values.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// ParseKPIDate reads a YYYY-MM-DD query parameter; EINVALID naming it.
func ParseKPIDate(name, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, terrane.Errorf(terrane.EINVALID, "%s: %q is not a date YYYY-MM-DD", name, v)
	}
	return &t, nil
}
