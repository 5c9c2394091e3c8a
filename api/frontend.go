package api

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// noRoute serves the web app for non-API paths (unknown paths get
// index.html, so the app's own routes work on reload) and the API's 404
// otherwise.
func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if s.frontend == nil || strings.HasPrefix(p, "/api/") || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "no route %s %s", c.Request.Method, p))
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "index.html"
	}
	if fi, err := fs.Stat(s.frontend, name); err != nil || fi.IsDir() {
		name = "index.html"
	}
	if _, err := fs.Stat(s.frontend, "index.html"); err != nil {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("Terrane API is running; the web app is not built (run `make build`).\n"))
		return
	}
	if strings.HasPrefix(name, "assets/") {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	b, err := fs.ReadFile(s.frontend, name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	c.Data(http.StatusOK, ctype, b)
}
