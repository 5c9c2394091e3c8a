// Package importer reads a user's file of one kind — units (GeoJSON, TopoJSON
// or a zipped ESRI Shapefile), assignments of units to territories, accounts
// or market estimates (CSV) — for a layer, validates all of it, and only then
// writes it through the root service interfaces in one transaction. A bad file
// is rejected as a whole with an *Errors listing its problems by row or
// feature and field; nothing stored changes. With the option skip_invalid=true
// the valid rows (features) are written and the others returned in
// Result.Skipped with their reasons.
//
// The CLI (terrane import) and the API (POST /api/v1/imports) both call
// Import. The formats and options are documented in docs/import.md.
package importer
