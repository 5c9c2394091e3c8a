package api

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
)

// Config holds the server's settings. The zero value of each field means
// its default.
type Config struct {
	MaxBodyBytes int64 // largest JSON request body, bytes; default 10 MiB
	Version      string
}

// Services are the domain services the API calls.
type Services struct {
	Geography terrane.GeographyService
	Scenarios terrane.ScenarioService
	Runs      terrane.RunService
	Users     terrane.UserService
	// Ping reports whether the database is reachable; nil = always healthy.
	Ping func(ctx context.Context) error
}

// Server is the HTTP server of Terrane.
type Server struct {
	cfg      Config
	svc      Services
	logger   *slog.Logger
	engine   *gin.Engine
	frontend fs.FS
}

// NewServer builds the Gin engine with every route. frontend is the built
// web app (nil = none); logger receives request logs and internal errors.
func NewServer(cfg Config, svc Services, frontend fs.FS, logger *slog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 10 << 20
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, svc: svc, logger: logger, engine: gin.New(), frontend: frontend}
	s.engine.Use(s.recoverer(), s.limitBody())
	s.routes()
	return s
}

// Handler is the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) routes() {
	s.engine.GET("/healthz", s.healthz)
	v1 := s.engine.Group("/api/v1")
	v1.GET("/layers", s.listLayers)
	v1.GET("/layers/:layer", s.getLayer)
	v1.GET("/layers/:layer/units", s.layerUnits)
	s.engine.NoRoute(s.noRoute)
}

// recoverer turns a panic into a logged 500 in the API's error shape.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.logger.Error("panic", slog.Any("panic", r), slog.String("path", c.Request.URL.Path))
				s.writeError(c, terrane.Errorf(terrane.EINTERNAL, "internal error"))
			}
		}()
		c.Next()
	}
}

// limitBody caps request bodies; a larger body fails with 413 when read.
func (s *Server) limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > s.cfg.MaxBodyBytes {
			s.writeError(c, terrane.Errorf(terrane.ETOOLARGE, "request body is %d bytes; the limit is %d", c.Request.ContentLength, s.cfg.MaxBodyBytes))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
		c.Next()
	}
}

func (s *Server) noRoute(c *gin.Context) {
	s.writeError(c, terrane.Errorf(terrane.ENOTFOUND, "no route %s %s", c.Request.Method, c.Request.URL.Path))
}

func (s *Server) healthz(c *gin.Context) {
	status, code := "ok", http.StatusOK
	if s.svc.Ping != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.svc.Ping(ctx); err != nil {
			status, code = "database unreachable", http.StatusServiceUnavailable
		}
	}
	c.JSON(code, gin.H{"status": status, "version": s.cfg.Version})
}

// ListenAndServe serves on ln until ctx is cancelled, then shuts down
// gracefully, giving requests in flight up to grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: s.engine, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
