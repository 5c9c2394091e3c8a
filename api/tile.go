package api

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/geo"
)

// layerFeatures returns a layer's units as geo features (id and name), for
// vector tiles; cached with the decoded geometry.
func (s *Server) layerFeatures(c *gin.Context, layer string) ([]geo.Feature, error) {
	geoms, err := s.unitGeometry(c.Request.Context(), layer)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(geoms))
	for id := range geoms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]geo.Feature, len(ids))
	for i, id := range ids {
		out[i] = geo.Feature{ID: id, Properties: map[string]any{"id": id}, Geometry: geoms[id]}
	}
	return out, nil
}

// tile serves one Mapbox Vector Tile of a layer's units: /tiles/{layer}/{z}/{x}/{y}.mvt.
func (s *Server) tile(c *gin.Context) {
	yName, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "tiles end in .mvt"))
		return
	}
	var zxy [3]uint32
	for i, v := range []string{c.Param("z"), c.Param("x"), yName} {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "tile %s/%s/%s: z, x and y must be whole numbers", c.Param("z"), c.Param("x"), yName))
			return
		}
		zxy[i] = uint32(n)
	}
	z, x, y := zxy[0], zxy[1], zxy[2]
	if z > 22 || x >= 1<<z || y >= 1<<z {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "tile %d/%d/%d is outside the zoom %d grid", z, x, y, z))
		return
	}
	if _, err := s.svc.Geography.FindLayerByID(c.Request.Context(), c.Param("layer")); err != nil {
		s.writeError(c, err)
		return
	}
	features, err := s.layerFeatures(c, c.Param("layer"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	b, err := geo.TileWith(features, z, x, y, geo.TileOptions{Layer: "units"})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Cache-Control", "max-age=300")
	c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", b)
}
