package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// statusOf maps each terrane error code to one HTTP status.
var statusOf = map[string]int{
	terrane.EINVALID:      http.StatusBadRequest,
	terrane.EUNAUTHORIZED: http.StatusUnauthorized,
	terrane.EFORBIDDEN:    http.StatusForbidden,
	terrane.ENOTFOUND:     http.StatusNotFound,
	terrane.ECONFLICT:     http.StatusConflict,
	terrane.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	terrane.EINFEASIBLE:   http.StatusUnprocessableEntity,
	terrane.ERATELIMIT:    http.StatusTooManyRequests,
	terrane.ENOTIMPL:      http.StatusNotImplemented,
	terrane.EINTERNAL:     http.StatusInternalServerError,
}

// writeError sends err in the API's error shape; internal errors are logged
// and hidden from the caller.
func (s *Server) writeError(c *gin.Context, err error) {
	code := terrane.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 && (errors.Is(err, context.Canceled) || c.Request.Context().Err() != nil) {
		// The client went away: nothing failed on our side.
		s.logger.Info("client disconnected", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path))
		c.Abort()
		return
	}
	if status >= 500 {
		s.logger.Error("request failed", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("err", err))
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: code, Message: terrane.ErrorMessage(err)}})
}
