package api

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

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
	if err := requireLayerReader(c, c.Param("layer")); err != nil {
		s.writeError(c, err)
		return
	}
	layer, err := s.svc.Geography.FindLayerByID(c.Request.Context(), c.Param("layer"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	key := fmt.Sprintf("%s@%d/%d/%d/%d", layer.ID, layer.Version, z, x, y)
	b, ok := s.tiles.get(key)
	if !ok {
		s.forgetOldGeometry(layer)
		features, err := s.layerFeatures(c, layer.ID)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if b, err = geo.TileWith(features, z, x, y, tileOptions); err != nil {
			s.writeError(c, err)
			return
		}
		s.tiles.put(key, b)
	}
	c.Header("Cache-Control", "max-age=300")
	c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", b)
}

// tileOptions are the vector tiles' options. MapLibre draws a 4096-unit
// tile over 512 pixels, 8 units a pixel: simplify to half a pixel, drop the
// polygons under a quarter of a pixel (16 square units, the default; DC
// keeps its 46 at the whole-US view), and keep at most the 2,000 largest
// features of a tile (the web app fills the territories beneath the units,
// so a unit left out shows its territory's colour). The county tiles of the
// US views have at most 1,771 features (zoom 2) and are not capped; the
// us-zips tile over the East at zoom 3 had 13,805 features (534 kB) with a
// 1-unit tolerance and 2,000 (75 kB) with the cap.
var tileOptions = geo.TileOptions{Layer: "units", Tolerance: 4, MaxFeatures: 2000}

// forgetOldGeometry drops the cached geometry of a layer when the layer has
// changed since it was read.
func (s *Server) forgetOldGeometry(layer *terrane.Layer) {
	s.geoms.mu.Lock()
	defer s.geoms.mu.Unlock()
	if s.geoms.versions == nil {
		s.geoms.versions = map[string]int64{}
	}
	if v, ok := s.geoms.versions[layer.ID]; !ok || v != layer.Version {
		delete(s.geoms.units, layer.ID)
		s.geoms.versions[layer.ID] = layer.Version
	}
}

// tileCache keeps the most recently built tiles, keyed by layer, layer
// version and tile, so a tile is built once per version of its layer.
type tileCache struct {
	mu    sync.Mutex
	tiles map[string][]byte
	order []string // insertion order, oldest first
	bytes int
}

// tileCacheBytes bounds the cache's memory.
const tileCacheBytes = 64 << 20

func (t *tileCache) get(key string) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.tiles[key]
	return b, ok
}

func (t *tileCache) put(key string, b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tiles == nil {
		t.tiles = map[string][]byte{}
	}
	if _, ok := t.tiles[key]; ok {
		return
	}
	t.tiles[key] = b
	t.order = append(t.order, key)
	t.bytes += len(b)
	for t.bytes > tileCacheBytes && len(t.order) > 1 {
		old := t.order[0]
		t.order = t.order[1:]
		t.bytes -= len(t.tiles[old])
		delete(t.tiles, old)
	}
}
