package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

func (s *Server) listLayers(c *gin.Context) {
	ls, err := s.svc.Geography.FindLayers(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	loading := []terrane.LayerLoad{}
	if s.svc.LayerLoads != nil {
		loading = append(loading, s.svc.LayerLoads()...)
	}
	c.JSON(http.StatusOK, LayerList{Layers: orEmpty(ls), Loading: loading})
}

func (s *Server) getLayer(c *gin.Context) {
	l, err := s.svc.Geography.FindLayerByID(c.Request.Context(), c.Param("layer"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, l)
}

// page reads offset and limit query parameters; limit 0 = all.
func page(c *gin.Context, maxLimit int) (offset, limit int, err error) {
	for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := c.Query(name); v != "" {
			n, convErr := strconv.Atoi(v)
			if convErr != nil || n < 0 {
				return 0, 0, terrane.Errorf(terrane.EINVALID, "query parameter %s must be a whole number ≥ 0, not %q", name, v)
			}
			*dst = n
		}
	}
	if maxLimit > 0 && limit > maxLimit {
		return 0, 0, terrane.Errorf(terrane.EINVALID, "query parameter limit must be ≤ %d", maxLimit)
	}
	return offset, limit, nil
}

// layerUnits serves a layer's units as one GeoJSON FeatureCollection.
func (s *Server) layerUnits(c *gin.Context) {
	if err := requireLayerReader(c, c.Param("layer")); err != nil {
		s.writeError(c, err)
		return
	}
	offset, limit, err := page(c, 0)
	if err != nil {
		s.writeError(c, err)
		return
	}
	b, err := s.svc.Geography.UnitsGeoJSON(c.Request.Context(), terrane.UnitFilter{Layer: c.Param("layer"), Offset: offset, Limit: limit})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if !isSignedIn(c) {
		// Anonymous: geometry and names only, no attributes.
		if b, err = geometryAndNames(b); err != nil {
			s.writeError(c, err)
			return
		}
		c.Header("Vary", "Authorization, Cookie")
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/geo+json", b)
}

// geometryAndNames keeps of a units FeatureCollection each feature's id,
// name, region, centroid and geometry, not its attributes: what an
// anonymous caller may see.
func geometryAndNames(b []byte) ([]byte, error) {
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name     string     `json:"name"`
				Region   string     `json:"region"`
				Centroid [2]float64 `json:"centroid"`
			} `json:"properties"`
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, terrane.Errorf(terrane.EINTERNAL, "units GeoJSON: %v", err)
	}
	type props struct {
		ID       string     `json:"id"`
		Name     string     `json:"name"`
		Region   string     `json:"region"`
		Centroid [2]float64 `json:"centroid"`
	}
	type feature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Properties props           `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	out := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, len(fc.Features))}
	for i, f := range fc.Features {
		out.Features[i] = feature{Type: "Feature", ID: f.ID, Properties: props{ID: f.ID, Name: f.Properties.Name, Region: f.Properties.Region, Centroid: f.Properties.Centroid}, Geometry: f.Geometry}
	}
	return json.Marshal(out)
}
