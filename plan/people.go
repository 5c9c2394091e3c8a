package plan

import (
	"sort"
	"time"

	"github.com/terrane/terrane"
)

// PersonImpact is what a change from plan A to plan B means for one person
// who owns a territory in either. A person "has" a unit in a plan when they
// own the unit's territory or one of its ancestors (a region, an area) in
// that plan, and has the accounts located in the units they have. Gains are
// what they have in B and not in A, counted with B's figures; losses what
// they have in A and not in B, with A's figures. Money in dollars.
type PersonImpact struct {
	Name         string   // the owner's name as the territories spell it
	Email        string   // the user's email; "" when no user has that name or none is set
	TerritoriesA []string // the territories they own in A, sorted; empty = none
	TerritoriesB []string

	UnitsA, UnitsB           int
	UnitsGained, UnitsLost   int
	AccountsA, AccountsB     int
	AccountsGained           int
	AccountsLost             int
	MarketA, MarketB         float64 // dollars per year, each plan's market assumptions
	MarketGained, MarketLost float64 // dollars per year

	// Open pipeline: Σ amount of the open deals of their accounts
	// (amount blank = 0), dollars.
	OpenPipelineA, OpenPipelineB float64
	OpenPipelineGained           float64
	OpenPipelineLost             float64
	// Bookings: Σ amount of the won deals of their accounts closed in the
	// 12 months up to BookingsTo (see People), dollars.
	BookingsA, BookingsB         float64
	BookingsGained, BookingsLost float64

	// Quota is the user's quota, dollars per year (0 = none or no user).
	// QuotaGained is it when they own nothing in A and something in B,
	// QuotaLost when they own something in A and nothing in B; else 0.
	Quota                  float64
	QuotaGained, QuotaLost float64
	// Changed: they gain or lose a unit, or own territories in only one plan.
	Changed bool
}

// PeopleInput is what People reads: two plans of one layer and the layer's
// accounts and opportunities.
type PeopleInput struct {
	A, B          *Inputs
	AccountUnit   map[string]string // account id → unit id; accounts with no unit are left out
	Opportunities []*terrane.Opportunity
	Users         []*terrane.User
}

// People lists, sorted by name, every person who owns a territory in A or
// B with what they have in each plan and what they gain and lose (see
// PersonImpact). from and to bound the bookings window (inclusive dates,
// UTC): to is the latest created or close date of any opportunity, from
// the day after the same date a year earlier; both nil without
// opportunities.
func People(in PeopleInput) (out []PersonImpact, from, to *time.Time) {
	to = latestDate(in.Opportunities)
	if to != nil {
		f := to.AddDate(-1, 0, 1)
		from = &f
	}
	// Money of each account's deals.
	open, booked := map[string]float64{}, map[string]float64{}
	for _, o := range in.Opportunities {
		if o.AccountID == "" || o.Amount == nil {
			continue
		}
		switch {
		case o.Status == terrane.OpportunityOpen:
			open[o.AccountID] += *o.Amount
		case o.Status == terrane.OpportunityWon && o.CloseDate != nil && !o.CloseDate.Before(*from) && !o.CloseDate.After(*to):
			booked[o.AccountID] += *o.Amount
		}
	}
	accountsOf := map[string][]string{} // unit → accounts
	for a, u := range in.AccountUnit {
		if u != "" {
			accountsOf[u] = append(accountsOf[u], a)
		}
	}
	for _, as := range accountsOf {
		sort.Strings(as)
	}
	type holding struct {
		territories []string
		units       map[string]bool
	}
	// holdings maps each owner to what they have in a plan.
	holdings := func(p *Inputs) map[string]*holding {
		out := map[string]*holding{}
		parent := map[string]string{}
		owners := map[string][]string{}
		for _, t := range p.Territories {
			parent[t.ID] = t.Parent
			owners[t.ID] = t.Owners
			for _, o := range t.Owners {
				h := out[o]
				if h == nil {
					h = &holding{units: map[string]bool{}}
					out[o] = h
				}
				h.territories = append(h.territories, t.ID)
			}
		}
		for u, t := range p.Assignments {
			// The territory and its ancestors; a cycle stops at a repeat.
			seen := map[string]bool{}
			for id := t; id != "" && !seen[id]; id = parent[id] {
				seen[id] = true
				for _, o := range owners[id] {
					out[o].units[u] = true
				}
			}
		}
		for _, h := range out {
			sort.Strings(h.territories)
		}
		return out
	}
	ha, hb := holdings(in.A), holdings(in.B)
	fa, fb := in.A.UnitFigures(), in.B.UnitFigures()
	users := map[string]*terrane.User{}
	for _, u := range in.Users {
		users[u.Name] = u
	}
	names := map[string]bool{}
	for n := range ha {
		names[n] = true
	}
	for n := range hb {
		names[n] = true
	}
	// add counts unit u into the figures of one side.
	add := func(units, accounts *int, market, openSum, booked2 *float64, f map[string]UnitFigures, u string) {
		*units++
		*market += f[u].Market
		for _, a := range accountsOf[u] {
			*accounts++
			*openSum += open[a]
			*booked2 += booked[a]
		}
	}
	out = []PersonImpact{}
	for n := range names {
		p := PersonImpact{Name: n, TerritoriesA: []string{}, TerritoriesB: []string{}}
		if u := users[n]; u != nil {
			p.Email, p.Quota = u.Email, u.Quota
		}
		a, b := ha[n], hb[n]
		if a == nil {
			a = &holding{units: map[string]bool{}}
		}
		if b == nil {
			b = &holding{units: map[string]bool{}}
		}
		p.TerritoriesA, p.TerritoriesB = append(p.TerritoriesA, a.territories...), append(p.TerritoriesB, b.territories...)
		for _, u := range sortedKeys(a.units) {
			add(&p.UnitsA, &p.AccountsA, &p.MarketA, &p.OpenPipelineA, &p.BookingsA, fa, u)
			if !b.units[u] {
				add(&p.UnitsLost, &p.AccountsLost, &p.MarketLost, &p.OpenPipelineLost, &p.BookingsLost, fa, u)
			}
		}
		for _, u := range sortedKeys(b.units) {
			add(&p.UnitsB, &p.AccountsB, &p.MarketB, &p.OpenPipelineB, &p.BookingsB, fb, u)
			if !a.units[u] {
				add(&p.UnitsGained, &p.AccountsGained, &p.MarketGained, &p.OpenPipelineGained, &p.BookingsGained, fb, u)
			}
		}
		inA, inB := len(a.territories) > 0, len(b.territories) > 0
		if inB && !inA {
			p.QuotaGained = p.Quota
		}
		if inA && !inB {
			p.QuotaLost = p.Quota
		}
		p.Changed = p.UnitsGained > 0 || p.UnitsLost > 0 || inA != inB
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, from, to
}
