package terrane

import (
	"time"
)

// Granularities of a history period.
const (
	GranularityDay     = "day"
	GranularityMonth   = "month"
	GranularityQuarter = "quarter"
	GranularityYear    = "year"
)

// Sources of a market estimate's revenue (MarketEstimate.RevenueSource).
const (
	RevenueFromMarkets  = "markets"
	RevenueFromAccounts = "accounts"
	RevenueFromHistory  = "history"
)

// HistoryRow is what one territory or unit sold in one past period, and
// the resources it had then: the data response curves are fitted to.
// Exactly one of Territory (with Scenario) and UnitID is set.
type HistoryRow struct {
	Layer       string    `json:"layer"`
	Period      string    `json:"period"`      // canonical label: "2017-03-05", "2017-03", "2017-Q1" or "2017"
	Start       time.Time `json:"start"`       // first day of the period, UTC
	End         time.Time `json:"end"`         // last day of the period, UTC
	Granularity string    `json:"granularity"` // day, month, quarter or year
	Scenario    int64     `json:"scenario,omitempty"`
	Territory   string    `json:"territory,omitempty"` // a territory of Scenario
	UnitID      string    `json:"unit_id,omitempty"`   // a unit of Layer
	Revenue     float64   `json:"revenue"`             // dollars in the period
	// Resources holds the amount of each resource in the period, by column
	// name, in that resource's units (e.g. calls, dollars); a resource the
	// row does not record is absent. Never nil when read.
	Resources map[string]float64 `json:"resources"`
	// ImportID is the id of the import that wrote the row.
	ImportID int64 `json:"import_id"`
}

// Validate reports the first problem with the row's fields.
func (h *HistoryRow) Validate() error {
	switch {
	case h.Period == "" || h.Start.IsZero() || h.End.Before(h.Start):
		return Errorf(EINVALID, "history: period %q needs a start and an end not before it", h.Period)
	case h.Granularity != GranularityDay && h.Granularity != GranularityMonth && h.Granularity != GranularityQuarter && h.Granularity != GranularityYear:
		return Errorf(EINVALID, "history %s: granularity %q must be day, month, quarter or year", h.Period, h.Granularity)
	case (h.Territory == "") == (h.UnitID == ""):
		return Errorf(EINVALID, "history %s: give a territory or a unit, not both or neither", h.Period)
	case h.Territory != "" && h.Scenario <= 0:
		return Errorf(EINVALID, "history %s, territory %s: the scenario is required", h.Period, h.Territory)
	case !finite(h.Revenue) || h.Revenue < 0:
		return Errorf(EINVALID, "history %s: revenue must be a finite number ≥ 0", h.Period)
	}
	for k, v := range h.Resources {
		if !finite(v) || v < 0 {
			return Errorf(EINVALID, "history %s: resource %q must be a finite number ≥ 0", h.Period, k)
		}
	}
	return nil
}

// Import is the record of one imported file whose rows are stored with its
// id (opportunities, history), so that a plan can be pinned to the inputs it
// was approved on.
type Import struct {
	ID        int64     `json:"id"`
	Layer     string    `json:"layer"`
	Kind      string    `json:"kind"`       // opportunities or history
	Rows      int       `json:"rows"`       // rows written
	Actor     string    `json:"actor"`      // who imported it
	CreatedAt time.Time `json:"created_at"` // set by the store
	Hash      string    `json:"hash"`       // SHA-256 of the file's content (unzipped), hex
	// Append is true when the import added to the current rows of its kind
	// (mode=append) instead of replacing them.
	Append bool `json:"append"`
	// ReplacedBy is the id of the import that replaced this one's rows; 0
	// while they are current.
	ReplacedBy int64 `json:"replaced_by,omitempty"`
}
