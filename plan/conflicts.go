package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/terrane/terrane"
)

// Kinds of territory conflict (docs/api.md defines each).
const (
	ConflictOwnerMismatch       = "owner_mismatch"        // an account's CRM owner owns none of its territory
	ConflictCrossTerritoryDeal  = "cross_territory_deal"  // a deal's owner owns none of its account's territory
	ConflictUnassignedAccount   = "unassigned_account"    // an account in no territory
	ConflictSplitCustomer       = "split_customer"        // one customer's accounts in several territories
	ConflictUnownedTerritory    = "unowned_territory"     // a territory with no owner
	ConflictRepWithoutTerritory = "rep_without_territory" // a rep who owns no territory
)

// ConflictKinds lists the kinds, in the order documented.
var ConflictKinds = []string{ConflictOwnerMismatch, ConflictCrossTerritoryDeal, ConflictUnassignedAccount,
	ConflictSplitCustomer, ConflictUnownedTerritory, ConflictRepWithoutTerritory}

// Resolving actions of POST …/conflicts/resolve.
const (
	ResolveGiveAccountsToOwner = "give_accounts_to_owner" // the CRM owner becomes an owner of the account's territory
	ResolveMoveAccountsToOwner = "move_accounts_to_owner" // the account's unit moves to its CRM owner's territory
)

// Conflict is one territory conflict. Exactly the ids that name what is
// at stake are set: account_id (owner_mismatch, cross_territory_deal,
// unassigned_account), unit_id (unassigned_account, when it has a unit),
// rep (owner_mismatch: the CRM owner; cross_territory_deal: the deal's
// owner; rep_without_territory), opportunity_id (cross_territory_deal),
// customer (split_customer).
type Conflict struct {
	Kind          string `json:"kind"`
	AccountID     string `json:"account_id,omitempty"`
	UnitID        string `json:"unit_id,omitempty"`
	Rep           string `json:"rep,omitempty"`
	OpportunityID string `json:"opportunity_id,omitempty"`
	Customer      string `json:"customer,omitempty"`
	// TerritoryID is the territory at stake: the account's (owner_mismatch,
	// cross_territory_deal), the unowned one; "" for unassigned_account,
	// split_customer (see Territories) and rep_without_territory.
	TerritoryID string `json:"territory_id"`
	// Territories lists, sorted, every territory the conflict touches (the
	// map highlights them): [territory_id], or a split customer's
	// territories; empty when none.
	Territories []string `json:"territories" openapi:"nonnull"`
	Detail      string   `json:"detail"` // for people
	// Value is the open pipeline plus the last 12 months' bookings at
	// stake, dollars (docs/api.md).
	Value float64 `json:"value"`
}

// Conflicts is the answer of GET /scenarios/{id}/conflicts.
type Conflicts struct {
	// Counts is the number of conflicts of each kind; every kind is present.
	Counts map[string]int `json:"counts" openapi:"nonnull"`
	// Value is Σ value of the conflicts of each kind, dollars; every kind is present.
	Value map[string]float64 `json:"value" openapi:"nonnull"`
	// BookingsFrom and BookingsTo (YYYY-MM-DD) bound the bookings counted
	// in values: won deals closed after from, on or before to (the latest
	// date in the opportunities); null when there is no opportunity.
	BookingsFrom *string `json:"bookings_from"`
	BookingsTo   *string `json:"bookings_to"`
	// Conflicts lists them by kind (in the documented order), then by id.
	Conflicts []Conflict `json:"conflicts" openapi:"nonnull"`
}

// ConflictInput is what conflicts are found in: the layer's accounts and
// opportunities, the scenario's alignment and territories, and the reps.
type ConflictInput struct {
	Accounts      []*terrane.Account
	Assignments   map[string]string // unit id → territory id
	Territories   []*terrane.Territory
	Reps          []string // names of the users with role rep
	Opportunities []*terrane.Opportunity
}

// stakes holds what each account, rep and deal has at stake, dollars.
type stakes struct {
	from, to  *time.Time
	byAccount map[string]float64
	byRep     map[string]float64
}

// atStake reports whether a deal counts: open, or won and closed in the
// bookings window.
func (st *stakes) atStake(o *terrane.Opportunity) bool {
	switch o.Status {
	case terrane.OpportunityOpen:
		return true
	case terrane.OpportunityWon:
		return st.to != nil && o.CloseDate != nil && o.CloseDate.After(*st.from) && !o.CloseDate.After(*st.to)
	}
	return false
}

func amount(o *terrane.Opportunity) float64 {
	if o.Amount == nil {
		return 0
	}
	return *o.Amount
}

func newStakes(opps []*terrane.Opportunity) *stakes {
	st := &stakes{byAccount: map[string]float64{}, byRep: map[string]float64{}}
	if st.to = latestDate(opps); st.to != nil {
		from := st.to.AddDate(-1, 0, 0)
		st.from = &from
	}
	for _, o := range opps {
		if !st.atStake(o) {
			continue
		}
		if o.AccountID != "" {
			st.byAccount[o.AccountID] += amount(o)
		}
		if o.Owner != "" {
			st.byRep[o.Owner] += amount(o)
		}
	}
	return st
}

// owners maps each territory id to the set of its owners.
func ownerSets(ts []*terrane.Territory) map[string]map[string]bool {
	m := make(map[string]map[string]bool, len(ts))
	for _, t := range ts {
		set := map[string]bool{}
		for _, o := range t.Owners {
			set[o] = true
		}
		m[t.ID] = set
	}
	return m
}

// leaves are the territories no other territory names as its parent: a
// region enclosing territories is not owned by reps.
func leaves(ts []*terrane.Territory) []*terrane.Territory {
	parent := map[string]bool{}
	for _, t := range ts {
		if t.Parent != "" {
			parent[t.Parent] = true
		}
	}
	var out []*terrane.Territory
	for _, t := range ts {
		if !parent[t.ID] {
			out = append(out, t)
		}
	}
	return out
}

func ownersText(owners []string) string {
	if len(owners) == 0 {
		return "no one"
	}
	return strings.Join(owners, ", ")
}

// FindConflicts finds every conflict of the six kinds in in.
func FindConflicts(in ConflictInput) *Conflicts {
	st := newStakes(in.Opportunities)
	out := &Conflicts{Counts: map[string]int{}, Value: map[string]float64{}, Conflicts: []Conflict{}}
	if st.to != nil {
		f, t := date(*st.from), date(*st.to)
		out.BookingsFrom, out.BookingsTo = &f, &t
	}
	add := func(c Conflict) {
		if c.Territories == nil {
			c.Territories = []string{}
		}
		out.Conflicts = append(out.Conflicts, c)
		out.Counts[c.Kind]++
		out.Value[c.Kind] += c.Value
	}
	for _, k := range ConflictKinds {
		out.Counts[k], out.Value[k] = 0, 0
	}
	byID := map[string]*terrane.Territory{}
	for _, t := range in.Territories {
		byID[t.ID] = t
	}
	owners := ownerSets(in.Territories)
	accounts := slices.Clone(in.Accounts)
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].ID < accounts[j].ID })
	territoryOf := func(a *terrane.Account) string {
		if a.UnitID == "" {
			return ""
		}
		if t := in.Assignments[a.UnitID]; byID[t] != nil {
			return t
		}
		return ""
	}

	accountTerritory := map[string]string{}
	customers := map[string]map[string]bool{} // customer → territories
	customerValue := map[string]float64{}
	for _, a := range accounts {
		t := territoryOf(a)
		if t != "" {
			accountTerritory[a.ID] = t
		}
		if c := a.Attributes[terrane.CustomerAttribute]; c != "" {
			customerValue[c] += st.byAccount[a.ID]
			if t != "" {
				if customers[c] == nil {
					customers[c] = map[string]bool{}
				}
				customers[c][t] = true
			}
		}
	}

	// owner_mismatch
	for _, a := range accounts {
		t := accountTerritory[a.ID]
		if t == "" || a.Owner == "" || owners[t][a.Owner] {
			continue
		}
		add(Conflict{Kind: ConflictOwnerMismatch, AccountID: a.ID, Rep: a.Owner, TerritoryID: t, Territories: []string{t}, Value: st.byAccount[a.ID],
			Detail: fmt.Sprintf("account %s is owned by %s in the CRM; its territory %s is owned by %s", a.ID, a.Owner, t, ownersText(byID[t].Owners))})
	}
	// cross_territory_deal
	opps := slices.Clone(in.Opportunities)
	sort.Slice(opps, func(i, j int) bool { return opps[i].ID < opps[j].ID })
	for _, o := range opps {
		t := accountTerritory[o.AccountID]
		if t == "" || o.Owner == "" || owners[t][o.Owner] || !st.atStake(o) {
			continue
		}
		add(Conflict{Kind: ConflictCrossTerritoryDeal, AccountID: o.AccountID, Rep: o.Owner, OpportunityID: o.ID, TerritoryID: t, Territories: []string{t}, Value: amount(o),
			Detail: fmt.Sprintf("%s deal %s is owned by %s; its account %s is in territory %s, owned by %s", o.Status, o.ID, o.Owner, o.AccountID, t, ownersText(byID[t].Owners))})
	}
	// unassigned_account
	for _, a := range accounts {
		if accountTerritory[a.ID] != "" {
			continue
		}
		detail := fmt.Sprintf("account %s lies outside every unit of the layer", a.ID)
		if a.UnitID != "" {
			detail = fmt.Sprintf("account %s is in unit %s, which is in no territory", a.ID, a.UnitID)
		}
		add(Conflict{Kind: ConflictUnassignedAccount, AccountID: a.ID, UnitID: a.UnitID, Value: st.byAccount[a.ID], Detail: detail})
	}
	// split_customer
	names := make([]string, 0, len(customers))
	for c, ts := range customers {
		if len(ts) > 1 {
			names = append(names, c)
		}
	}
	sort.Strings(names)
	for _, c := range names {
		ts := make([]string, 0, len(customers[c]))
		for t := range customers[c] {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		add(Conflict{Kind: ConflictSplitCustomer, Customer: c, Territories: ts, Value: customerValue[c],
			Detail: fmt.Sprintf("customer %s has accounts in %d territories: %s", c, len(ts), strings.Join(ts, ", "))})
	}
	// unowned_territory
	territoryValue := map[string]float64{}
	for id, t := range accountTerritory {
		territoryValue[t] += st.byAccount[id]
	}
	ls := leaves(in.Territories)
	sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
	owned := map[string]bool{}
	for _, t := range ls {
		for _, o := range t.Owners {
			owned[o] = true
		}
		if len(t.Owners) == 0 {
			add(Conflict{Kind: ConflictUnownedTerritory, TerritoryID: t.ID, Territories: []string{t.ID}, Value: territoryValue[t.ID],
				Detail: fmt.Sprintf("territory %s (%s) has no owner", t.ID, t.Name)})
		}
	}
	// rep_without_territory
	reps := slices.Clone(in.Reps)
	sort.Strings(reps)
	for _, r := range slices.Compact(reps) {
		if !owned[r] {
			add(Conflict{Kind: ConflictRepWithoutTerritory, Rep: r, Value: st.byRep[r],
				Detail: fmt.Sprintf("rep %s owns no territory of the scenario", r)})
		}
	}
	return out
}

// Filter keeps the conflicts keep accepts, with counts and values of
// those only.
func (cs *Conflicts) Filter(keep func(Conflict) bool) *Conflicts {
	out := &Conflicts{Counts: map[string]int{}, Value: map[string]float64{}, BookingsFrom: cs.BookingsFrom, BookingsTo: cs.BookingsTo, Conflicts: []Conflict{}}
	for _, k := range ConflictKinds {
		out.Counts[k], out.Value[k] = 0, 0
	}
	for _, c := range cs.Conflicts {
		if keep(c) {
			out.Conflicts = append(out.Conflicts, c)
			out.Counts[c.Kind]++
			out.Value[c.Kind] += c.Value
		}
	}
	return out
}

// OwnerAdded is an owner a resolution adds to a territory, with the
// conflicts that gave the reason.
type OwnerAdded struct {
	TerritoryID   string `json:"territory_id"`
	Owner         string `json:"owner"`         // rep name
	Accounts      int    `json:"accounts"`      // owner_mismatch accounts of the owner there
	Opportunities int    `json:"opportunities"` // cross_territory_deal deals of the owner there
}

// UnitMove is a unit a resolution moves to its accounts' owner's territory.
type UnitMove struct {
	UnitID   string   `json:"unit_id"`
	From     string   `json:"from"`     // territory id
	To       string   `json:"to"`       // territory id
	Owner    string   `json:"owner"`    // the CRM owner of its accounts, an owner of To
	Accounts []string `json:"accounts"` // the owner_mismatch accounts it resolves, sorted
}

// Unresolved is a conflict an action could not resolve, and why.
type Unresolved struct {
	Kind          string `json:"kind"`
	AccountID     string `json:"account_id"`
	OpportunityID string `json:"opportunity_id,omitempty"`
	Reason        string `json:"reason"`
}

// Resolution is what an action changes in a scenario: its territories'
// owners or its alignment. Territories and Assignments are the scenario's
// after the change (copies: the input is left as it was).
type Resolution struct {
	Action        string       `json:"action"`
	OwnersAdded   []OwnerAdded `json:"owners_added" openapi:"nonnull"`
	Moves         []UnitMove   `json:"moves" openapi:"nonnull"`
	NotResolvable []Unresolved `json:"not_resolvable" openapi:"nonnull"`

	Territories []*terrane.Territory `json:"-"`
	Assignments map[string]string    `json:"-"`
}

// Changed reports whether the resolution changes anything.
func (r *Resolution) Changed() bool { return len(r.OwnersAdded) > 0 || len(r.Moves) > 0 }

// ResolveConflicts applies action to the owner_mismatch and
// cross_territory_deal conflicts of in (docs/api.md):
//
//   - give_accounts_to_owner adds each mismatched account's CRM owner, and
//     each cross-territory deal's owner, to the owners of the account's
//     territory (after its owners, in name order): every conflict of both
//     kinds is resolved.
//   - move_accounts_to_owner moves the unit of each mismatched account to
//     the territory of its CRM owner — the one of the owner's territories
//     holding most of the owner's accounts, ties to the smallest id — when
//     every owned account of the unit is that owner's and neither
//     territory is locked; otherwise the account is not resolvable. Deals
//     still owned by someone who owns none of their account's territory
//     afterwards are not resolvable by a move.
//
// EINVALID for another action.
func ResolveConflicts(action string, in ConflictInput) (*Resolution, error) {
	r := &Resolution{Action: action, OwnersAdded: []OwnerAdded{}, Moves: []UnitMove{}, NotResolvable: []Unresolved{}}
	r.Territories = make([]*terrane.Territory, len(in.Territories))
	for i, t := range in.Territories {
		c := *t
		c.Owners = slices.Clone(t.Owners)
		r.Territories[i] = &c
	}
	r.Assignments = make(map[string]string, len(in.Assignments))
	for u, t := range in.Assignments {
		r.Assignments[u] = t
	}
	found := FindConflicts(in)
	switch action {
	case ResolveGiveAccountsToOwner:
		added := map[[2]string]*OwnerAdded{}
		for _, c := range found.Conflicts {
			if c.Kind != ConflictOwnerMismatch && c.Kind != ConflictCrossTerritoryDeal {
				continue
			}
			k := [2]string{c.TerritoryID, c.Rep}
			a := added[k]
			if a == nil {
				a = &OwnerAdded{TerritoryID: c.TerritoryID, Owner: c.Rep}
				added[k] = a
			}
			if c.Kind == ConflictOwnerMismatch {
				a.Accounts++
			} else {
				a.Opportunities++
			}
		}
		for _, a := range added {
			r.OwnersAdded = append(r.OwnersAdded, *a)
		}
		sort.Slice(r.OwnersAdded, func(i, j int) bool {
			a, b := r.OwnersAdded[i], r.OwnersAdded[j]
			if a.TerritoryID != b.TerritoryID {
				return a.TerritoryID < b.TerritoryID
			}
			return a.Owner < b.Owner
		})
		byID := map[string]*terrane.Territory{}
		for _, t := range r.Territories {
			byID[t.ID] = t
		}
		for _, a := range r.OwnersAdded {
			byID[a.TerritoryID].Owners = append(byID[a.TerritoryID].Owners, a.Owner)
		}
	case ResolveMoveAccountsToOwner:
		r.move(in, found)
	default:
		return nil, terrane.Errorf(terrane.EINVALID, "action: %q must be %s or %s", action, ResolveGiveAccountsToOwner, ResolveMoveAccountsToOwner)
	}
	return r, nil
}

// move resolves owner_mismatch by moving units (ResolveConflicts).
func (r *Resolution) move(in ConflictInput, found *Conflicts) {
	byID := map[string]*terrane.Territory{}
	for _, t := range in.Territories {
		byID[t.ID] = t
	}
	ownedBy := map[string][]string{} // rep → their territories, sorted
	for _, t := range leaves(in.Territories) {
		for _, o := range t.Owners {
			ownedBy[o] = append(ownedBy[o], t.ID)
		}
	}
	unitOwners := map[string]map[string]bool{} // unit → CRM owners of its accounts
	unitOf := map[string]string{}
	held := map[[2]string]int{} // (rep, territory) → the rep's accounts there
	for _, a := range in.Accounts {
		unitOf[a.ID] = a.UnitID
		if a.UnitID == "" || a.Owner == "" {
			continue
		}
		if unitOwners[a.UnitID] == nil {
			unitOwners[a.UnitID] = map[string]bool{}
		}
		unitOwners[a.UnitID][a.Owner] = true
		if t, ok := in.Assignments[a.UnitID]; ok {
			held[[2]string{a.Owner, t}]++
		}
	}
	moves := map[string]*UnitMove{}
	for _, c := range found.Conflicts {
		if c.Kind != ConflictOwnerMismatch {
			continue
		}
		u, from := unitOf[c.AccountID], c.TerritoryID
		no := func(format string, args ...any) {
			r.NotResolvable = append(r.NotResolvable, Unresolved{Kind: c.Kind, AccountID: c.AccountID, Reason: fmt.Sprintf(format, args...)})
		}
		ts := slices.Clone(ownedBy[c.Rep])
		sort.Strings(ts)
		if len(ts) == 0 {
			no("its CRM owner %s owns no territory of the scenario", c.Rep)
			continue
		}
		if len(unitOwners[u]) > 1 {
			others := []string{}
			for o := range unitOwners[u] {
				if o != c.Rep {
					others = append(others, o)
				}
			}
			sort.Strings(others)
			no("its unit %s also holds accounts of %s: moving the unit would take them out of their territory", u, strings.Join(others, ", "))
			continue
		}
		to := ts[0]
		for _, t := range ts[1:] {
			if held[[2]string{c.Rep, t}] > held[[2]string{c.Rep, to}] {
				to = t
			}
		}
		if byID[from].Locked || byID[to].Locked {
			locked := from
			if !byID[from].Locked {
				locked = to
			}
			no("territory %s is locked: its units stay as they are", locked)
			continue
		}
		m := moves[u]
		if m == nil {
			m = &UnitMove{UnitID: u, From: from, To: to, Owner: c.Rep}
			moves[u] = m
		}
		m.Accounts = append(m.Accounts, c.AccountID)
	}
	for u, m := range moves {
		r.Assignments[u] = m.To
		sort.Strings(m.Accounts)
		r.Moves = append(r.Moves, *m)
	}
	sort.Slice(r.Moves, func(i, j int) bool { return r.Moves[i].UnitID < r.Moves[j].UnitID })
	// Deals the moves leave in a territory their owner does not own.
	after := FindConflicts(ConflictInput{Accounts: in.Accounts, Assignments: r.Assignments, Territories: in.Territories, Reps: in.Reps, Opportunities: in.Opportunities})
	for _, c := range after.Conflicts {
		if c.Kind == ConflictCrossTerritoryDeal {
			r.NotResolvable = append(r.NotResolvable, Unresolved{Kind: c.Kind, AccountID: c.AccountID, OpportunityID: c.OpportunityID,
				Reason: fmt.Sprintf("deal %s is owned by %s, who owns none of territory %s, its account's: moving the account's unit does not change the deal's owner", c.OpportunityID, c.Rep, c.TerritoryID)})
		}
	}
}
