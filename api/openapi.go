package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the API's OpenAPI 3 description, generated from the
// operations table (operation.go) and the Go types of the bodies by
// TestGenerateOpenAPI -update (make generate); do not edit it by hand.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openAPIDoc)
}
