package api

import "regexp"

// OpenAPIDoc is openapi.json, for the contract tests of package api_test.
var OpenAPIDoc = openAPIDoc

// RoutePatterns lists routeTable as "GET /api/v1/scenarios/{id}", the
// spelling of openapi.json.
func (s *Server) RoutePatterns() []string {
	param := regexp.MustCompile(`:(\w+)`)
	var out []string
	for _, r := range s.routeTable() {
		out = append(out, r.method+" "+param.ReplaceAllString(r.path, "{$1}"))
	}
	return out
}

// SetComparePassword replaces the password comparison for a test of package
// api_test and returns a function that restores it.
func SetComparePassword(f func(hash, password []byte) error) (restore func()) {
	old := comparePassword
	comparePassword = f
	return func() { comparePassword = old }
}
