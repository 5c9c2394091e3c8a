// Package data is Terrane's persistence: one sqlx store for SQLite (the
// embedded default, modernc.org/sqlite) and PostgreSQL (lib/pq) with the SQL
// written once, versioned migrations applied at start, and the embedded
// sample dataset with its provenance (see README.md in this folder).
//
// Every multi-row write runs in one transaction, so a failed write leaves
// nothing behind.
package data
