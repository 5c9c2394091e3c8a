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
	ReplaceLayer(ctx context.Context, layer *Layer, units []*Unit, edges [][2]string) error
	// ReplaceAccounts replaces every account of the layer by accounts, in one
	// transaction, and counts one change to the layer's Version. EINVALID if an account fails Validate or its Layer is not
	// layer; ECONFLICT if an id appears twice in accounts or belongs to an
	// account of another layer; ENOTFOUND if the layer does not exist.
	ReplaceAccounts(ctx context.Context, layer string, accounts []*Account) error
}
