package api

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
)

// maxImportField is the largest value of a non-file multipart field, in bytes.
const maxImportField = 64 << 10

// importStore joins the services an import needs.
type importStore struct {
	terrane.GeographyService
	terrane.ScenarioService
	terrane.ImportService
	terrane.UserService // for reps
}

// importFile handles POST /api/v1/imports: a multipart form with the file in
// field "file", the kind, the layer, for assignments the scenario, and any
// option of the kind as a field of its own (e.g. "id", "revenue", "group").
func (s *Server) importFile(c *gin.Context) {
	imp := s.svc.Imports
	if imp == nil || s.svc.Scenarios == nil {
		s.writeError(c, terrane.Errorf(terrane.ENOTIMPL, "imports are not available on this server"))
		return
	}
	limit := s.cfg.MaxImportBytes
	if c.Request.ContentLength > limit+1<<20 {
		s.writeError(c, importer.TooLarge(limit))
		return
	}
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "multipart/form-data" {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "send the file as multipart/form-data with fields file, kind and layer"))
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "multipart form: %v", err))
		return
	}
	opts := importer.Options{MaxBytes: limit, Fields: map[string]string{}, Actor: currentUser(c).Name,
		MaxUnpackedBytes: s.cfg.MaxUnpackedBytes, MaxRatio: s.cfg.MaxUnpackRatio, MaxVertices: s.cfg.MaxVertices, MaxFeatureVertices: s.cfg.MaxFeatureVertices}
	var file []byte
	haveFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.writeError(c, bodyError(err, limit, "multipart form: %v"))
			return
		}
		name := part.FormName()
		if name == "file" {
			if haveFile {
				s.writeError(c, terrane.Errorf(terrane.EINVALID, "send one file per import"))
				return
			}
			haveFile = true
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, limit+1))
			if err != nil {
				s.writeError(c, bodyError(err, limit, "reading the file: %v"))
				return
			}
			if n > limit {
				s.writeError(c, importer.TooLarge(limit))
				return
			}
			file = buf.Bytes()
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxImportField+1))
		if err != nil {
			s.writeError(c, bodyError(err, limit, "multipart form: %v"))
			return
		}
		if len(v) > maxImportField {
			s.writeError(c, terrane.Errorf(terrane.EINVALID, "field %s is longer than %d bytes", name, maxImportField))
			return
		}
		value := strings.TrimSpace(string(v))
		switch name {
		case "":
		case "kind":
			opts.Kind = value
		case "layer":
			opts.Layer = value
		case "scenario":
			if value != "" {
				id, err := strconv.ParseInt(value, 10, 64)
				if err != nil || id <= 0 {
					s.writeError(c, terrane.Errorf(terrane.EINVALID, "field scenario: %q is not a scenario id", value))
					return
				}
				opts.Scenario = id
			}
		default:
			opts.Fields[name] = value
		}
	}
	if !haveFile {
		s.writeError(c, terrane.Errorf(terrane.EINVALID, "field file is required"))
		return
	}
	store := importStore{s.svc.Geography, s.svc.Scenarios, imp, s.svc.Users}
	res, err := importer.Import(c.Request.Context(), store, bytes.NewReader(file), opts)
	if err != nil {
		var ie *importer.Errors
		if errors.As(err, &ie) {
			c.AbortWithStatusJSON(http.StatusBadRequest, ImportErrorBody{Error: ImportErrorDetail{
				Code: terrane.EINVALID, Message: ie.Message(), Details: orEmpty(ie.Problems), More: ie.More, ProblemsTotal: ie.Total()}})
			return
		}
		s.writeError(c, err)
		return
	}
	if res.Kind == importer.KindUnits || res.Kind == importer.KindAssignments {
		s.forgetLayer(res.Layer)
	}
	if res.Kind == importer.KindOpportunities && s.svc.Imports != nil {
		// Read the layer's new set of opportunities now, so that the first
		// KPI request after the import answers as fast as the next ones.
		if _, err := s.opps.current(c.Request.Context(), s.svc.Imports, &terrane.Scenario{Layer: res.Layer, Status: terrane.StatusDraft}); err != nil {
			s.logger.Warn("import: reading the opportunities for the KPIs", slog.String("layer", res.Layer), slog.String("error", err.Error()))
		}
	}
	s.logger.Info("import", slog.String("kind", res.Kind), slog.String("layer", res.Layer), slog.Int("rows", res.Rows),
		slog.Int64("bytes", res.Bytes), slog.String("user", currentUser(c).Name))
	c.JSON(http.StatusOK, res)
}

// bodyError turns a failure to read the request body into ETOOLARGE when the
// body was over its limit, else into EINVALID with the message format.
func bodyError(err error, limit int64, format string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return terrane.Errorf(terrane.ETOOLARGE, "request body is larger than the limit of %d bytes", mbe.Limit)
	}
	return terrane.Errorf(terrane.EINVALID, format, err)
}

// forgetLayer drops the cached geometry of a layer whose units may have
// changed, and every cached territory outline.
func (s *Server) forgetLayer(layer string) {
	s.geoms.mu.Lock()
	defer s.geoms.mu.Unlock()
	delete(s.geoms.units, layer)
	s.geoms.dissolved = nil
}
