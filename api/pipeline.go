package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// layerOpportunities handles GET /api/v1/layers/{layer}/opportunities: the
// layer's current opportunities, as imported.
func (s *Server) layerOpportunities(c *gin.Context) {
	if s.svc.Imports == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "opportunities are not available on this server"))
		return
	}
	ctx := c.Request.Context()
	layer := c.Param("layer")
	if _, err := s.svc.Geography.FindLayerByID(ctx, layer); err != nil {
		s.writeError(c, err)
		return
	}
	opps, err := s.svc.Imports.FindOpportunities(ctx, layer)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, OpportunityList{Opportunities: orEmpty(opps)})
}

// layerHistory handles GET /api/v1/layers/{layer}/history: the layer's
// current history rows, as imported.
func (s *Server) layerHistory(c *gin.Context) {
	if s.svc.Imports == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "history is not available on this server"))
		return
	}
	ctx := c.Request.Context()
	layer := c.Param("layer")
	if _, err := s.svc.Geography.FindLayerByID(ctx, layer); err != nil {
		s.writeError(c, err)
		return
	}
	rows, err := s.svc.Imports.FindHistory(ctx, layer)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, HistoryList{History: orEmpty(rows)})
}
