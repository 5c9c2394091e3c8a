// Package api is Terrane's HTTP server, built on Gin: the /api/v1 routes,
// their JSON shapes, authentication and roles, the mapping from terrane
// error codes to HTTP statuses, request limits, and serving the built web
// app. It talks to the terrane service interfaces, never to data/ directly.
package api
