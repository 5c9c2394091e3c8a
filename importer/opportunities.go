package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/terrane/terrane"
)

// KindOpportunities is a CSV of CRM opportunities: the pipeline, won and
// lost deals.
const KindOpportunities = "opportunities"

// Default stage names of won and lost deals (options won and lost); every
// other stage is open. Names match ignoring case, spaces and punctuation.
var (
	DefaultWonStages  = []string{"Closed Won", "Won"}
	DefaultLostStages = []string{"Closed Lost", "Lost"}
)

// Modes of an opportunities or history import (option mode).
const (
	modeReplace = "replace"
	modeAppend  = "append"
)

// MaxUnmatchedListed is how many unmatched account ids Result lists.
const MaxUnmatchedListed = 10

func init() {
	allowed[KindOpportunities] = []string{"id", "account", "owner", "stage", "amount", "created", "close_date", "product", "won", "lost", "mode", "delimiter", "skip_invalid"}
	// New actuals: an accounts import with a date column updates the
	// layer's market estimates unless update_markets=false.
	allowed[KindAccounts] = append(allowed[KindAccounts], "update_markets")
}

// crmLayouts are the date formats of a CRM export: ISO dates, US dates
// and ISO timestamps (RFC 3339, with or without fractional seconds).
var crmLayouts = []string{time.DateOnly, "1/2/2006", time.RFC3339, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"}

// crmDateHelp says which dates are accepted.
const crmDateHelp = "use YYYY-MM-DD, M/D/YYYY or YYYY-MM-DDTHH:MM:SSZ"

// Years a date of an opportunity or a history period may be in.
const (
	minYear = 1900
	maxYear = 2999
)

// crmDate reads a date in one of crmLayouts: the calendar date as written
// (a timestamp's time and zone are dropped), at UTC midnight, in a year
// from minYear to maxYear.
func crmDate(s string) (time.Time, bool) {
	for _, l := range crmLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < minYear || t.Year() > maxYear {
				return time.Time{}, false
			}
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// contentHash is the SHA-256 of an imported file's content, hex.
func contentHash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// importMode reads the option mode: replace (the default) or append.
func (o Options) importMode() (string, error) {
	switch m := o.option("mode", modeReplace); m {
	case modeReplace, modeAppend:
		return m, nil
	default:
		return "", terrane.Errorf(terrane.EINVALID, "option mode: %q must be replace or append", m)
	}
}

// stageNames reads a list of stage names (option key), normalized.
func (o Options) stageNames(key string, def []string) map[string]string {
	names := def
	if v := o.option(key, ""); v != "" {
		names = strings.Split(v, ",")
	}
	out := map[string]string{}
	for _, n := range names {
		if k := normalize(n); k != "" {
			out[k] = strings.TrimSpace(n)
		}
	}
	return out
}

// opportunitiesPlan is a validated opportunities file, ready to write.
type opportunitiesPlan struct {
	opps                   []*terrane.Opportunity
	rows                   int
	won, lost, open        int
	unassigned             int      // opportunities with no account
	unmatched              int      // distinct account ids not among the layer's accounts
	unmatchedIDs           []string // the first MaxUnmatchedListed of them, in file order
	unmatchedOpportunities int      // opportunities whose account is unmatched
}

// parseOpportunities reads and validates a CSV of opportunities. accounts
// holds the ids of the layer's accounts; existing the ids of its current
// opportunities (→ import id) when appending, else nil.
func parseOpportunities(data []byte, opts Options, accounts map[string]bool, existing map[string]int64) (*opportunitiesPlan, error) {
	won, lost := opts.stageNames("won", DefaultWonStages), opts.stageNames("lost", DefaultLostStages)
	for k, n := range won {
		if _, both := lost[k]; both {
			return nil, terrane.Errorf(terrane.EINVALID, "options won and lost: stage %q is in both", n)
		}
	}
	if len(won) == 0 || len(lost) == 0 {
		return nil, terrane.Errorf(terrane.EINVALID, "options won and lost: give at least one stage name each")
	}
	p := opts.newProblems(KindOpportunities, "csv")
	t, err := newTable(data, opts.option("delimiter", ""), p)
	if err != nil || t == nil {
		return nil, firstErr(err, p.err())
	}
	iID := t.column(opts, "id", true, "opportunity_id", "opp_id", "opportunity", "deal_id")
	iAcct := t.column(opts, "account", true, "account_id", "customer_id")
	iOwner := t.column(opts, "owner", false, "opportunity_owner", "owner_name", "rep")
	iStage := t.column(opts, "stage", true, "stage_name", "deal_stage", "status")
	iAmount := t.column(opts, "amount", false, "value", "deal_value", "opportunity_amount")
	iCreated := t.column(opts, "created", true, "created_date", "create_date", "engaged", "engaged_date", "engage_date", "created_at")
	iClose := t.column(opts, "close_date", false, "closed_date", "closed", "close", "expected_close_date")
	iProduct := t.column(opts, "product", false, "product_name")
	if err := p.err(); err != nil {
		return nil, err
	}
	used := map[int]bool{iID: true, iAcct: true, iOwner: true, iStage: true, iAmount: true, iCreated: true, iClose: true, iProduct: true}
	var extra []int
	for i, h := range t.header {
		if !used[i] && h != "" {
			extra = append(extra, i)
		}
	}
	plan := &opportunitiesPlan{}
	lineOf := map[string]int{}
	unmatched := map[string]bool{}
	for rec := t.next(); rec != nil; rec = t.next() {
		if t.rows%100000 == 0 {
			opts.Progress("read rows", t.rows)
		}
		id := get(rec, iID)
		if id == "" {
			p.add(t.row, "", t.header[iID], "empty opportunity id")
			continue
		}
		if l, dup := lineOf[id]; dup {
			p.add(t.row, id, t.header[iID], "duplicate opportunity id %s (also line %d)", quote(id), l)
			continue
		}
		lineOf[id] = t.row
		if imp, ok := existing[id]; ok {
			p.add(t.row, id, t.header[iID], "opportunity %s is already in layer %s (import %d): mode=append adds new opportunities only; leave mode out to replace them all", quote(id), opts.Layer, imp)
		}
		o := &terrane.Opportunity{Layer: opts.Layer, ID: id, AccountID: get(rec, iAcct), Owner: get(rec, iOwner), Stage: get(rec, iStage), Product: get(rec, iProduct)}
		switch k := normalize(o.Stage); {
		case o.Stage == "":
			p.add(t.row, id, t.header[iStage], "empty stage")
		case won[k] != "":
			o.Status = terrane.OpportunityWon
		case lost[k] != "":
			o.Status = terrane.OpportunityLost
		default:
			o.Status = terrane.OpportunityOpen
		}
		if s := get(rec, iAmount); s != "" {
			v, ok, msg := number(s)
			switch {
			case !ok:
				p.add(t.row, id, t.header[iAmount], "amount %s %s", quote(s), msg)
			case v < 0:
				p.add(t.row, id, t.header[iAmount], "negative amount %s", quote(s))
			default:
				o.Amount = &v
			}
		}
		if s := get(rec, iCreated); s == "" {
			p.add(t.row, id, t.header[iCreated], "empty created date")
		} else if d, ok := crmDate(s); ok {
			o.Created = d
		} else {
			p.add(t.row, id, t.header[iCreated], "%s is not a date (%s)", quote(s), crmDateHelp)
		}
		if s := get(rec, iClose); s != "" {
			if d, ok := crmDate(s); !ok {
				p.add(t.row, id, t.header[iClose], "%s is not a date (%s)", quote(s), crmDateHelp)
			} else if !o.Created.IsZero() && d.Before(o.Created) {
				p.add(t.row, id, t.header[iClose], "close date %s is before the created date %s (column %s)", d.Format(time.DateOnly), o.Created.Format(time.DateOnly), t.header[iCreated])
			} else {
				o.CloseDate = &d
			}
		} else if o.Status == terrane.OpportunityWon || o.Status == terrane.OpportunityLost {
			field := "close_date"
			if iClose >= 0 {
				field = t.header[iClose]
			}
			p.add(t.row, id, field, "a %s deal (stage %s) needs a close date", o.Status, quote(o.Stage))
		}
		if p.bad(t.row) || o.Status == "" || o.Created.IsZero() {
			continue
		}
		if o.CloseDate == nil && o.Status != terrane.OpportunityOpen {
			continue
		}
		for _, i := range extra {
			if v := get(rec, i); v != "" {
				if o.Attributes == nil {
					o.Attributes = map[string]string{}
				}
				o.Attributes[t.header[i]] = v
			}
		}
		switch o.Status {
		case terrane.OpportunityWon:
			plan.won++
		case terrane.OpportunityLost:
			plan.lost++
		default:
			plan.open++
		}
		switch {
		case o.AccountID == "":
			plan.unassigned++
		case !accounts[o.AccountID]:
			plan.unmatchedOpportunities++
			if !unmatched[o.AccountID] {
				unmatched[o.AccountID] = true
				plan.unmatched++
				if len(plan.unmatchedIDs) < MaxUnmatchedListed {
					plan.unmatchedIDs = append(plan.unmatchedIDs, o.AccountID)
				}
			}
		}
		plan.opps = append(plan.opps, o)
	}
	plan.rows = t.rows
	if t.rows == 0 {
		p.add(0, "", "", "the file has a header but no rows")
	} else if len(plan.opps) == 0 && len(p.skipped) > 0 {
		p.add(0, "", "", "every row is invalid (%d skipped); nothing to import", len(p.skipped))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

func importOpportunities(ctx context.Context, store Store, data []byte, opts Options, res *Result) error {
	mode, err := opts.importMode()
	if err != nil {
		return err
	}
	if _, err := store.FindLayerByID(ctx, opts.Layer); err != nil {
		return err
	}
	accts, err := store.FindAccounts(ctx, terrane.AccountFilter{Layer: opts.Layer})
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(accts))
	for _, a := range accts {
		ids[a.ID] = true
	}
	var existing map[string]int64
	if mode == modeAppend {
		current, err := store.FindOpportunities(ctx, opts.Layer)
		if err != nil {
			return err
		}
		existing = make(map[string]int64, len(current))
		for _, o := range current {
			existing[o.ID] = o.ImportID
		}
	}
	plan, err := parseOpportunities(data, opts, ids, existing)
	if err != nil {
		return err
	}
	imp := &terrane.Import{Layer: opts.Layer, Kind: KindOpportunities, Rows: len(plan.opps), Actor: opts.Actor, Hash: contentHash(data), Append: mode == modeAppend}
	if err := store.ReplaceOpportunities(opts.audited(ctx, plan.rows), imp, plan.opps); err != nil {
		return err
	}
	res.Format, res.Rows, res.ImportID = "csv", plan.rows, imp.ID
	res.Opportunities, res.Won, res.Lost, res.Open = len(plan.opps), plan.won, plan.lost, plan.open
	res.Unassigned, res.UnmatchedAccounts, res.UnmatchedAccountIDs = plan.unassigned, plan.unmatched, plan.unmatchedIDs
	res.UnmatchedOpportunities = plan.unmatchedOpportunities
	return nil
}
