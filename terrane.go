// Package terrane holds the domain of Terrane: units of geography, accounts,
// territories, market estimates, resources, scenarios, runs and users, their
// validation, the service interfaces the API talks to, and the one Error type.
//
// Concrete implementations live in subpackages: data (the SQLite/PostgreSQL
// store), geo (geometry), optimizer (solvers), api (HTTP). Only cmd/terrane
// wires them together.
package terrane

// Version is the product version reported by /healthz and recorded on runs.
var Version = "0.1.0-dev"
