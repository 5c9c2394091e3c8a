package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// layerOpportunities handles GET /api/v1/layers/{layer}/opportunities: the
// layer's current opportunities, as imported.
func (s *Server) layerOpportunities(c *gin.Context) {
	if opps, ok := layerRows(s, c, "opportunities", terrane.ImportService.FindOpportunities); ok {
		c.JSON(http.StatusOK, OpportunityList{Opportunities: orEmpty(opps)})
	}
}

// layerHistory handles GET /api/v1/layers/{layer}/history: the layer's
// current history rows, as imported.
func (s *Server) layerHistory(c *gin.Context) {
	if rows, ok := layerRows(s, c, "history", terrane.ImportService.FindHistory); ok {
		c.JSON(http.StatusOK, HistoryList{History: orEmpty(rows)})
	}
}

// layerRows reads the :layer layer's current rows of one imported kind with
// find, writing the error answer (and reporting false) when it cannot.
func layerRows[T any](s *Server, c *gin.Context, what string, find func(terrane.ImportService, context.Context, string) ([]T, error)) ([]T, bool) {
	if s.svc.Imports == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "this server keeps no %s", what))
		return nil, false
	}
	ctx := c.Request.Context()
	layer := c.Param("layer")
	if _, err := s.svc.Geography.FindLayerByID(ctx, layer); err != nil {
		s.writeError(c, err)
		return nil, false
	}
	rows, err := find(s.svc.Imports, ctx, layer)
	if err != nil {
		s.writeError(c, err)
		return nil, false
	}
	return rows, true
}
