package terrane

import "context"

// ImportService writes the result of one import of a user's file, each call in
// one transaction: on any error nothing stored changes. Each method names the
// error codes it returns; any other error (the database failing) has code
// EINTERNAL.
type ImportService interface {
	// ReplaceLayer creates the layer or updates its name and description, and
	// replaces all its units and its neighbour graph (pairs of unit ids), in
	// one transaction; replacing an existing layer counts one change to its
	// Version. EINVALID if the layer or a unit fails Validate, a
	// unit's geometry or attributes cannot be encoded, a unit id appears
	// twice, or an edge does not join two distinct units of the layer.
	// ECONFLICT if the layer exists and plans approved or published on it
	// read its units and adjacency (a published plan changes for nobody:
	// new geography goes in as another layer).
	ReplaceLayer(ctx context.Context, layer *Layer, units []*Unit, edges [][2]string) error
	// ReplaceAccounts replaces every account of the layer by accounts, in one
	// transaction, and counts one change to the layer's Version. EINVALID if an account fails Validate or its Layer is not
	// layer; ECONFLICT if an id appears twice in accounts or belongs to an
	// account of another layer; ENOTFOUND if the layer does not exist.
	// estimates, when not nil, are upserted in the same transaction (an
	// accounts import that also updates the layer's actual revenue).
	ReplaceAccounts(ctx context.Context, layer string, accounts []*Account, estimates []*MarketEstimate) error
	// ReplaceOpportunities records imp (setting its ID and CreatedAt) and
	// writes opps with its id, in one transaction. Unless imp.Append, the
	// layer's current opportunities are replaced: their imports are marked
	// ReplacedBy imp and their rows deleted. With imp.Append an id already
	// among the layer's current opportunities is ECONFLICT. EINVALID if an
	// opportunity fails Validate or its Layer is not imp.Layer; ECONFLICT if
	// an id appears twice; ENOTFOUND if the layer does not exist.
	ReplaceOpportunities(ctx context.Context, imp *Import, opps []*Opportunity) error
	// FindOpportunities returns the layer's current opportunities ordered by
	// id; an unknown layer gives an empty list. It returns no error code of
	// its own.
	FindOpportunities(ctx context.Context, layer string) ([]*Opportunity, error)
	// FindScenarioOpportunities returns the opportunities the scenario
	// reads, ordered by id: while it is approved or published, those of the
	// imports current when it was approved (kept when a later import
	// replaces them); its layer's current ones otherwise. ENOTFOUND if the
	// scenario does not exist.
	FindScenarioOpportunities(ctx context.Context, scenarioID int64) ([]*Opportunity, error)
	// ReplaceHistory records imp and writes rows with its id, replacing the
	// layer's current history unless imp.Append (like ReplaceOpportunities),
	// and stores estimates (new actuals; may be empty) as
	// UpsertMarketEstimates does, all in one transaction. EINVALID if a row
	// or an estimate fails Validate or a row's Layer is not imp.Layer;
	// ECONFLICT if one period and territory or unit appears twice, or, with
	// imp.Append, is already current; ENOTFOUND if the layer does not exist.
	ReplaceHistory(ctx context.Context, imp *Import, rows []*HistoryRow, estimates []*MarketEstimate) error
	// FindHistory returns the layer's current history ordered by period
	// start, territory and unit; an unknown layer gives an empty list. It
	// returns no error code of its own.
	FindHistory(ctx context.Context, layer string) ([]*HistoryRow, error)
	// FindScenarioHistory returns the history the scenario reads, pinned
	// like FindScenarioOpportunities, ordered as FindHistory. ENOTFOUND if
	// the scenario does not exist.
	FindScenarioHistory(ctx context.Context, scenarioID int64) ([]*HistoryRow, error)
	// FindImports returns the layer's recorded imports, newest first. It
	// returns no error code of its own.
	FindImports(ctx context.Context, layer string) ([]*Import, error)
}

// LayerAudit is what a change to a layer's data (an import) records on the
// audit trail of every draft plan on the layer; approved and published
// plans read their frozen inputs and are not changed. The store writes it
// in the transaction of the change itself, so the record and the change
// exist together or not at all.
type LayerAudit struct {
	Actor  string
	Action string
	Detail map[string]any
}

type layerAuditKey struct{}

// WithLayerAudit returns ctx carrying a: the store writes it with every
// change to a layer's data made under ctx.
func WithLayerAudit(ctx context.Context, a *LayerAudit) context.Context {
	return context.WithValue(ctx, layerAuditKey{}, a)
}

// LayerAuditFrom is the LayerAudit ctx carries, nil if none.
func LayerAuditFrom(ctx context.Context) *LayerAudit {
	a, _ := ctx.Value(layerAuditKey{}).(*LayerAudit)
	return a
}
