package terrane

import "context"

// ImportService writes the result of one import of a user's file, each call in
// one transaction: on any error nothing stored changes.
type ImportService interface {
	// ReplaceLayer creates the layer or updates its name and description, and
	// replaces all its units and its neighbour graph (pairs of unit ids), in
	// one transaction.
	ReplaceLayer(ctx context.Context, layer *Layer, units []*Unit, edges [][2]string) error
	// ReplaceAccounts replaces every account of the layer by accounts, in one
	// transaction. Each account's Layer must be layer.
	ReplaceAccounts(ctx context.Context, layer string, accounts []*Account) error
}
