// Package plan turns scenarios into solver problems and solver results back
// into plans: it calibrates the market model per territory, builds the
// allocation problem and the alignment instance, computes the per-territory
// metrics the map and tables show, and runs queued solve jobs (Worker).
//
// It sits between the domain (root package) and the pure solvers: it imports
// terrane, geo and optimizer/…, and is used by api and cmd.
package plan
