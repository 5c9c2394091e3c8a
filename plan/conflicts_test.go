package plan

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/terrane/terrane"
)

// conflictFixture holds exactly one conflict of each kind; the values
// were worked out by hand. The latest date in the opportunities is
// 2026-06-30, so bookings count deals won after 2025-06-30 up to it.
//
//	T1 (ann): u1 {a1 ann, Acme}, u5 {a3 bob}   → a3: owner_mismatch
//	T2 (bob): u2 {a2 bob, Acme}                → Acme in T1 and T2: split_customer
//	T3 (—):   u3 {a6, no owner}                → unowned_territory
//	u4 (no territory): a4 ann                  → unassigned_account
//	o4 (cat, open, on a2 in T2)                → cross_territory_deal
//	cat owns no territory                      → rep_without_territory
func conflictFixture() ConflictInput {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	dp := func(s string) *time.Time { t := d(s); return &t }
	amt := func(v float64) *float64 { return &v }
	opp := func(id, account, owner, status string, amount *float64, created string, closed *time.Time) *terrane.Opportunity {
		return &terrane.Opportunity{ID: id, AccountID: account, Owner: owner, Status: status, Amount: amount, Created: d(created), CloseDate: closed}
	}
	acme := map[string]string{terrane.CustomerAttribute: "Acme"}
	return ConflictInput{
		Accounts: []*terrane.Account{
			{ID: "a1", UnitID: "u1", Owner: "ann", Attributes: acme},
			{ID: "a2", UnitID: "u2", Owner: "bob", Attributes: acme},
			{ID: "a3", UnitID: "u5", Owner: "bob"},
			{ID: "a4", UnitID: "u4", Owner: "ann"},
			{ID: "a6", UnitID: "u3"},
		},
		Assignments: map[string]string{"u1": "T1", "u5": "T1", "u2": "T2", "u3": "T3"},
		Territories: []*terrane.Territory{
			{ID: "T1", Name: "West", Owners: []string{"ann"}},
			{ID: "T2", Name: "East", Owners: []string{"bob"}},
			{ID: "T3", Name: "North"},
		},
		Reps: []string{"ann", "bob", "cat"},
		Opportunities: []*terrane.Opportunity{
			opp("o1", "a1", "ann", "open", amt(100), "2026-01-01", nil),               // a1: 100
			opp("o2", "a1", "ann", "won", amt(1000), "2026-01-01", dp("2026-03-01")),  // a1: +1000 (in the window)
			opp("o3", "a1", "ann", "won", amt(5000), "2025-01-01", dp("2025-06-30")),  // not after 2025-06-30: out
			opp("o4", "a2", "cat", "open", amt(300), "2026-02-01", nil),               // a2: 300; cat: 300
			opp("o5", "a3", "ann", "open", amt(50), "2026-02-01", nil),                // a3: 50
			opp("o6", "a3", "ann", "open", nil, "2026-02-01", nil),                    // no amount: 0
			opp("o7", "a4", "ann", "lost", amt(700), "2026-01-01", dp("2026-02-01")),  // lost: out
			opp("o8", "a4", "ann", "won", amt(20), "2026-01-01", dp("2026-06-30")),    // a4: 20 (the latest date)
			opp("o9", "a6", "", "open", amt(10), "2026-01-01", nil),                   // a6: 10, no owner
			opp("o10", "a3", "bob", "lost", amt(900), "2026-01-01", dp("2026-02-01")), // lost: not at stake, no conflict
			opp("o11", "", "bob", "open", amt(40), "2026-01-01", nil),                 // no account; bob: 40
			opp("o12", "a2", "bob", "won", amt(60), "2024-01-01", dp("2024-02-01")),   // too old: out
			opp("o13", "zz", "cat", "open", amt(5), "2026-01-01", nil),                // unknown account; cat: +5
			opp("o14", "a1", "ann", "won", amt(0), "2026-01-01", dp("2026-06-29")),    // a1: +0
			opp("o15", "a2", "bob", "open", amt(2), "2026-01-01", nil),                // a2: +2
			opp("o16", "a2", "bob", "won", amt(3), "2026-01-01", dp("2025-07-01")),    // a2: +3 (just in the window)
			opp("o17", "a6", "", "won", amt(1), "2025-07-01", dp("2025-12-31")),       // a6: +1
			opp("o18", "a4", "ann", "open", amt(4), "2025-07-01", nil),                // a4: +4
			opp("o19", "a3", "ann", "won", amt(6), "2025-07-01", dp("2026-01-01")),    // a3: +6
			opp("o20", "a1", "ann", "lost", nil, "2025-07-01", dp("2026-01-01")),      // lost: out
			opp("o21", "a1", "ann", "open", amt(7), "2025-07-01", nil),                // a1: +7
			opp("o22", "a2", "cat", "lost", amt(8), "2025-07-01", dp("2026-01-01")),   // lost: no conflict, cat +0
			opp("o23", "a2", "bob", "open", nil, "2025-07-01", nil),                   // a2: +0
			opp("o24", "a4", "cat", "won", amt(9), "2025-07-01", dp("2024-01-01")),    // closed before the window: out
			opp("o25", "a1", "ann", "open", amt(11), "2025-07-01", nil),               // a1: +11
			opp("o26", "a6", "", "open", amt(12), "2025-07-01", nil),                  // a6: +12
			opp("o27", "a3", "ann", "lost", amt(13), "2025-07-01", dp("2026-01-01")),  // lost: out
			opp("o28", "a2", "bob", "won", amt(14), "2025-07-01", dp("2026-06-30")),   // a2: +14
			opp("o29", "a4", "ann", "open", amt(15), "2025-07-01", nil),               // a4: +15
			opp("o30", "a3", "ann", "open", amt(16), "2025-07-01", nil),               // a3: +16
			opp("o31", "a6", "", "lost", amt(17), "2025-07-01", dp("2026-01-01")),     // lost: out
			opp("o32", "a1", "ann", "won", amt(18), "2025-07-01", dp("2025-06-29")),   // before the window: out
			opp("o33", "a2", "bob", "won", nil, "2025-07-01", dp("2026-01-01")),       // no amount: a2 +0
			opp("o34", "a4", "ann", "won", amt(19), "2025-07-01", nil),                // won without close date: out
			opp("o35", "a3", "ann", "open", amt(21), "2025-07-01", nil),               // a3: +21
			opp("o36", "a6", "", "open", amt(22), "2025-07-01", nil),                  // a6: +22
			opp("o37", "a1", "ann", "open", amt(23), "2025-07-01", nil),               // a1: +23
			opp("o38", "a2", "bob", "open", amt(24), "2025-07-01", nil),               // a2: +24
			opp("o39", "a4", "ann", "won", amt(25), "2025-07-01", dp("2025-12-01")),   // a4: +25
			opp("o40", "a3", "ann", "won", amt(26), "2025-07-01", dp("2026-02-01")),   // a3: +26
		},
	}
}

// By hand, the value at stake of each account (open + won in the window):
//
//	a1 = 100 + 1000 + 0 + 7 + 11 + 23      = 1141
//	a2 = 300 + 2 + 3 + 0 + 14 + 0 + 24     = 343
//	a3 = 50 + 0 + 6 + 16 + 21 + 26         = 119
//	a4 = 20 + 4 + 15 + 25                  = 64
//	a6 = 10 + 1 + 12 + 22                  = 45
//	cat = o4 300 + o13 5                   = 305
var conflictWant = struct {
	counts map[string]int
	value  map[string]float64
}{
	counts: map[string]int{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1},
	value: map[string]float64{
		"owner_mismatch":        119,        // a3
		"cross_territory_deal":  300,        // o4
		"unassigned_account":    64,         // a4
		"split_customer":        1141 + 343, // Acme: a1 + a2
		"unowned_territory":     45,         // T3: a6
		"rep_without_territory": 305,        // cat
	},
}

func checkCounts(t *testing.T, got *Conflicts, counts map[string]int, value map[string]float64) {
	t.Helper()
	if diff := cmp.Diff(counts, got.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if value != nil {
		if diff := cmp.Diff(value, got.Value, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); diff != "" {
			t.Errorf("values (-want +got):\n%s", diff)
		}
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	if len(got.Conflicts) != n {
		t.Errorf("%d conflicts listed, counts sum to %d", len(got.Conflicts), n)
	}
}

func TestFindConflicts(t *testing.T) {
	got := FindConflicts(conflictFixture())
	checkCounts(t, got, conflictWant.counts, conflictWant.value)
	if got.BookingsFrom == nil || *got.BookingsFrom != "2025-06-30" || got.BookingsTo == nil || *got.BookingsTo != "2026-06-30" {
		t.Errorf("bookings window %v–%v, want 2025-06-30–2026-06-30", got.BookingsFrom, got.BookingsTo)
	}
	want := []Conflict{
		{Kind: "owner_mismatch", AccountID: "a3", Rep: "bob", TerritoryID: "T1", Territories: []string{"T1"}, Value: 119},
		{Kind: "cross_territory_deal", AccountID: "a2", Rep: "cat", OpportunityID: "o4", TerritoryID: "T2", Territories: []string{"T2"}, Value: 300},
		{Kind: "unassigned_account", AccountID: "a4", UnitID: "u4", Territories: []string{}, Value: 64},
		{Kind: "split_customer", Customer: "Acme", Territories: []string{"T1", "T2"}, Value: 1484},
		{Kind: "unowned_territory", TerritoryID: "T3", Territories: []string{"T3"}, Value: 45},
		{Kind: "rep_without_territory", Rep: "cat", Territories: []string{}, Value: 305},
	}
	if diff := cmp.Diff(want, got.Conflicts, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Detail" }, cmp.Ignore())); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	for _, c := range got.Conflicts {
		if c.Detail == "" {
			t.Errorf("%s: no detail", c.Kind)
		}
	}
}

func TestFindConflictsEdges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(in *ConflictInput)
		counts map[string]int
	}{
		{"account outside every unit", func(in *ConflictInput) {
			in.Accounts = append(in.Accounts, &terrane.Account{ID: "a9", Owner: "ann"})
		}, map[string]int{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 2, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1}},
		{"unit assigned to an unknown territory", func(in *ConflictInput) {
			in.Assignments["u4"] = "T9"
		}, map[string]int{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1}},
		{"a region territory is no one's", func(in *ConflictInput) {
			in.Territories = append(in.Territories, &terrane.Territory{ID: "R"})
			in.Territories[0].Parent = "R"
		}, map[string]int{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1}},
		{"a rep named twice counts once", func(in *ConflictInput) {
			in.Reps = append(in.Reps, "cat")
		}, map[string]int{"owner_mismatch": 1, "cross_territory_deal": 1, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 1}},
		{"nothing at all", func(in *ConflictInput) { *in = ConflictInput{} },
			map[string]int{"owner_mismatch": 0, "cross_territory_deal": 0, "unassigned_account": 0, "split_customer": 0, "unowned_territory": 0, "rep_without_territory": 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := conflictFixture()
			tc.change(&in)
			checkCounts(t, FindConflicts(in), tc.counts, nil)
		})
	}
}

func TestResolveGiveAccountsToOwner(t *testing.T) {
	in := conflictFixture()
	r, err := ResolveConflicts(ResolveGiveAccountsToOwner, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []OwnerAdded{{TerritoryID: "T1", Owner: "bob", Accounts: 1}, {TerritoryID: "T2", Owner: "cat", Opportunities: 1}}
	if diff := cmp.Diff(want, r.OwnersAdded); diff != "" {
		t.Errorf("owners added (-want +got):\n%s", diff)
	}
	if len(r.Moves) != 0 || len(r.NotResolvable) != 0 {
		t.Errorf("moves %v, not resolvable %v; want none", r.Moves, r.NotResolvable)
	}
	if got := r.Territories[0].Owners; !cmp.Equal(got, []string{"ann", "bob"}) {
		t.Errorf("T1 owners %v, want [ann bob]", got)
	}
	if got := in.Territories[0].Owners; !cmp.Equal(got, []string{"ann"}) {
		t.Errorf("the input changed: T1 owners %v", got)
	}
	after := FindConflicts(ConflictInput{Accounts: in.Accounts, Assignments: r.Assignments, Territories: r.Territories, Reps: in.Reps, Opportunities: in.Opportunities})
	// cat now owns T2, so is no longer a rep without territory.
	checkCounts(t, after, map[string]int{"owner_mismatch": 0, "cross_territory_deal": 0, "unassigned_account": 1, "split_customer": 1, "unowned_territory": 1, "rep_without_territory": 0}, nil)
	again, err := ResolveConflicts(ResolveGiveAccountsToOwner, ConflictInput{Accounts: in.Accounts, Assignments: r.Assignments, Territories: r.Territories, Reps: in.Reps, Opportunities: in.Opportunities})
	if err != nil || again.Changed() {
		t.Errorf("resolving again: %v, changed %v; want nothing to change", err, again.Changed())
	}
}

func TestResolveMoveAccountsToOwner(t *testing.T) {
	in := conflictFixture()
	r, err := ResolveConflicts(ResolveMoveAccountsToOwner, in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]UnitMove{{UnitID: "u5", From: "T1", To: "T2", Owner: "bob", Accounts: []string{"a3"}}}, r.Moves); diff != "" {
		t.Errorf("moves (-want +got):\n%s", diff)
	}
	if r.Assignments["u5"] != "T2" || in.Assignments["u5"] != "T1" {
		t.Errorf("u5 in %s (input %s), want T2 (input T1)", r.Assignments["u5"], in.Assignments["u5"])
	}
	// a3's deals owned by ann move with it into bob's T2; o4 stays cat's.
	var deals []string
	for _, u := range r.NotResolvable {
		if u.Kind != ConflictCrossTerritoryDeal {
			t.Errorf("not resolvable: %+v", u)
		}
		deals = append(deals, u.OpportunityID)
	}
	slices.Sort(deals)
	if want := []string{"o19", "o30", "o35", "o4", "o40", "o5", "o6"}; !cmp.Equal(deals, want) {
		t.Errorf("unresolvable deals %v, want %v", deals, want)
	}
	after := FindConflicts(ConflictInput{Accounts: in.Accounts, Assignments: r.Assignments, Territories: r.Territories, Reps: in.Reps, Opportunities: in.Opportunities})
	if after.Counts[ConflictOwnerMismatch] != 0 {
		t.Errorf("owner_mismatch after the move: %d, want 0", after.Counts[ConflictOwnerMismatch])
	}

	for _, tc := range []struct {
		name, reason string
		change       func(in *ConflictInput)
	}{
		{"the unit holds another owner's account", "its unit u5 also holds accounts of ann: moving the unit would take them out of their territory", func(in *ConflictInput) {
			in.Accounts = append(in.Accounts, &terrane.Account{ID: "a7", UnitID: "u5", Owner: "ann"})
		}},
		{"the owner owns no territory", "its CRM owner dan owns no territory of the scenario", func(in *ConflictInput) {
			in.Accounts[2].Owner = "dan"
		}},
		{"the target is locked", "territory T2 is locked: its units stay as they are", func(in *ConflictInput) {
			in.Territories[1].Locked = true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := conflictFixture()
			tc.change(&in)
			r, err := ResolveConflicts(ResolveMoveAccountsToOwner, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Moves) != 0 || len(r.NotResolvable) == 0 || r.NotResolvable[0].AccountID != "a3" || r.NotResolvable[0].Reason != tc.reason {
				t.Errorf("moves %v, not resolvable %+v; want a3: %s", r.Moves, r.NotResolvable, tc.reason)
			}
		})
	}
}

func TestResolveMoveChoosesTheOwnersBusiestTerritory(t *testing.T) {
	in := conflictFixture()
	// bob owns T0 too, but holds more accounts in T2.
	in.Territories = append(in.Territories, &terrane.Territory{ID: "T0", Owners: []string{"bob"}})
	r, err := ResolveConflicts(ResolveMoveAccountsToOwner, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Moves) != 1 || r.Moves[0].To != "T2" {
		t.Errorf("moves %v, want u5 to T2", r.Moves)
	}
}

func TestResolveUnknownAction(t *testing.T) {
	if _, err := ResolveConflicts("delete_everything", conflictFixture()); terrane.ErrorCode(err) != terrane.EINVALID {
		t.Errorf("error %v, want EINVALID", err)
	}
}
