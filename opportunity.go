package terrane

import (
	"time"
)

// Statuses of an opportunity, from its stage and the won and lost stage
// names of the import.
const (
	OpportunityWon  = "won"
	OpportunityLost = "lost"
	OpportunityOpen = "open"
)

// Opportunity is one deal of a CRM's pipeline, as imported: it belongs to a
// territory through its account (account → unit → the scenario's territory)
// and to a rep through its owner.
type Opportunity struct {
	Layer     string `json:"layer"`
	ID        string `json:"id"`      // the CRM's id, as given
	AccountID string `json:"account"` // the account's id as given; "" = unassigned pipeline
	Owner     string `json:"owner"`   // the owner as given, a user name or not; "" = none
	Stage     string `json:"stage"`   // as given, e.g. "Closed Won"
	Status    string `json:"status"`  // won, lost or open
	// Amount is the deal's value in dollars; nil when the file left it
	// blank (unknown, not 0).
	Amount    *float64   `json:"amount"`
	Created   time.Time  `json:"created"`    // date the deal was created (engaged), UTC midnight
	CloseDate *time.Time `json:"close_date"` // date it closed or is expected to; nil = not given (open deals only)
	Product   string     `json:"product"`
	// Attributes holds the file's other columns, name → value; nil when
	// there are none.
	Attributes map[string]string `json:"attributes,omitempty"`
	// ImportID is the id of the import that wrote the row.
	ImportID int64 `json:"import_id"`
}

// Validate reports the first problem with the opportunity's fields.
func (o *Opportunity) Validate() error {
	switch {
	case o.ID == "":
		return Errorf(EINVALID, "opportunity: id is required")
	case o.Stage == "":
		return Errorf(EINVALID, "opportunity %s: stage is required", o.ID)
	case o.Status != OpportunityWon && o.Status != OpportunityLost && o.Status != OpportunityOpen:
		return Errorf(EINVALID, "opportunity %s: status %q must be won, lost or open", o.ID, o.Status)
	case o.Amount != nil && (!finite(*o.Amount) || *o.Amount < 0):
		return Errorf(EINVALID, "opportunity %s: amount must be a finite number ≥ 0", o.ID)
	case o.Created.IsZero():
		return Errorf(EINVALID, "opportunity %s: created date is required", o.ID)
	case o.CloseDate == nil && o.Status != OpportunityOpen:
		return Errorf(EINVALID, "opportunity %s: a %s deal needs a close date", o.ID, o.Status)
	case o.CloseDate != nil && o.CloseDate.Before(o.Created):
		return Errorf(EINVALID, "opportunity %s: close date %s is before the created date %s", o.ID, o.CloseDate.Format(time.DateOnly), o.Created.Format(time.DateOnly))
	}
	return nil
}
