package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/importer"
	"github.com/terrane/terrane/plan"
)

// Config holds the server's settings. The zero value of each field means
// its default.
type Config struct {
	MaxBodyBytes   int64         // largest JSON request body, bytes; default 10 MiB
	MaxImportBytes int64         // largest file POST /api/v1/imports accepts, bytes; default 50 MiB
	LoginEvery     time.Duration // one sign-in attempt per client is refilled this often; default 2 s
	LoginBurst     int           // sign-in attempts a client may make at once; default 10
	EventPoll      time.Duration // a run's event stream reads the run at least this often; default 1 s
	Version        string

	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For, X-Real-IP and X-Forwarded-Proto are believed;
	// none by default, so the client address is the connection's.
	TrustedProxies       []string
	LoginClientBurst     int           // wrong passwords one client may send over all names at once; default 100
	LoginAccountFailures int           // wrong passwords for one account, from anywhere, before it locks; default 20
	LoginAccountLock     time.Duration // the first lock-out of an account, doubled per further wrong password up to 1 h; default 1 min
	LoginTracked         int           // clients and accounts the sign-in limiter remembers; default 10,000
	SessionLifetime      time.Duration // a sign-in session expires this long after it began, and is rotated half-way; default 7 days
	TokenLifetime        time.Duration // an API token (POST /tokens, users add) expires this long after it was issued; default 90 days
	MaxNameLength        int           // longest name or label, bytes; default 200
	MaxTextLength        int           // longest other string in a JSON body, bytes; default 10,000
	MaxArrayLength       int           // longest array or object in a JSON body; default 100,000
	MaxResources         int           // most resources a scenario may have; default 1,000
	ReadTimeout          time.Duration // a request, body included, must arrive within this; default 1 min
	WriteTimeout         time.Duration // a response must be written within this; default 10 min
	IdleTimeout          time.Duration // a kept-alive connection idle this long is closed; default 2 min
	// Imports: what an archive may unpack to, and the vertices of a units
	// file and of one unit; zero = the importer's defaults.
	MaxUnpackedBytes   int64
	MaxUnpackRatio     int
	MaxVertices        int
	MaxFeatureVertices int
}

// Services are the domain services the API calls.
type Services struct {
	Geography terrane.GeographyService
	Scenarios terrane.ScenarioService
	Runs      terrane.RunService
	Users     terrane.UserService
	// Ping reports whether the database is reachable; nil = always healthy.
	Ping func(ctx context.Context) error
	// Imports replaces layers and accounts for the importer; nil = imports answer 501.
	Imports terrane.ImportService
	// Wake tells the run worker a run was queued; nil = the worker polls.
	Wake func()
	// Events wakes a run's event stream when the worker changes the run;
	// nil = the stream reads the run every EventPoll.
	Events *plan.Broker
	// LayerLoads lists the built-in layers being loaded in the background;
	// nil = none ever is.
	LayerLoads func() []terrane.LayerLoad
}

// Server is the HTTP server of Terrane.
type Server struct {
	cfg      Config
	svc      Services
	logger   *slog.Logger
	engine   *gin.Engine
	frontend fs.FS
	limiter  *loginLimiter
	trusted  []*net.IPNet
	tiles    tileCache
	geoms    geometryCache
	snaps    snapshots
	opps     oppCache
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
	if cfg.MaxImportBytes <= 0 {
		cfg.MaxImportBytes = importer.DefaultHTTPMaxBytes
	}
	if cfg.LoginEvery <= 0 {
		cfg.LoginEvery = 2 * time.Second
	}
	if cfg.LoginBurst <= 0 {
		cfg.LoginBurst = 10
	}
	if cfg.EventPoll <= 0 {
		cfg.EventPoll = time.Second
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.LoginClientBurst, 100)
	def(&cfg.LoginAccountFailures, 20)
	defDur(&cfg.LoginAccountLock, time.Minute)
	def(&cfg.LoginTracked, 10000)
	defDur(&cfg.SessionLifetime, 7*24*time.Hour)
	defDur(&cfg.TokenLifetime, 90*24*time.Hour)
	def(&cfg.MaxNameLength, 200)
	def(&cfg.MaxTextLength, 10000)
	def(&cfg.MaxArrayLength, 100000)
	def(&cfg.MaxResources, 1000)
	defDur(&cfg.ReadTimeout, time.Minute)
	defDur(&cfg.WriteTimeout, 10*time.Minute)
	defDur(&cfg.IdleTimeout, 2*time.Minute)
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, svc: svc, logger: logger, engine: gin.New(), frontend: frontend,
		limiter: newLoginLimiter(cfg.LoginEvery, cfg.LoginBurst, cfg.LoginClientBurst, cfg.LoginAccountFailures, cfg.LoginAccountLock, cfg.LoginTracked)}
	trusted, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		panic("api: " + err.Error()) // the command validates the setting first
	}
	s.trusted = trusted
	// Gin trusts every proxy unless told otherwise: then anyone could pick
	// their address with X-Forwarded-For.
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		panic("api: " + err.Error())
	}
	if len(cfg.TrustedProxies) == 0 {
		s.engine.ForwardedByClientIP = false
	}
	s.engine.Use(s.recoverer(), s.securityHeaders(), s.limitBody())
	s.routes()
	return s
}

// Handler is the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// route is one served route; the OpenAPI test checks each against
// openapi.json.
type route struct {
	method, path string
	handlers     []gin.HandlerFunc
}

// routeTable lists every API route with the roles allowed on it.
func (s *Server) routeTable() []route {
	planners := s.allow(terrane.RoleAdmin, terrane.RoleLeader, terrane.RoleAnalyst)
	leaders := s.allow(terrane.RoleAdmin, terrane.RoleLeader)
	admins := s.allow(terrane.RoleAdmin)
	r := func(method, path string, h ...gin.HandlerFunc) route { return route{method, path, h} }
	return []route{
		r("GET", "/api/v1/openapi.json", s.openAPI),
		r("POST", "/api/v1/login", s.login),
		r("POST", "/api/v1/logout", s.authenticate(), s.logout),
		r("GET", "/api/v1/me", s.authenticate(), s.me),
		r("GET", "/api/v1/layers", s.authenticate(), s.listLayers),
		r("GET", "/api/v1/layers/:layer", s.authenticate(), s.getLayer),
		r("GET", "/api/v1/layers/:layer/units", s.authenticateIfSent(), s.layerUnits),
		r("GET", "/api/v1/layers/:layer/regions", s.authenticateIfSent(), s.regions),
		r("GET", "/api/v1/layers/:layer/opportunities", s.authenticate(), planners, s.layerOpportunities),
		r("GET", "/api/v1/layers/:layer/history", s.authenticate(), planners, s.layerHistory),
		r("GET", "/api/v1/tiles/:layer/:z/:x/:y", s.authenticateIfSent(), s.tile),
		r("GET", "/api/v1/scenarios", s.authenticate(), s.listScenarios),
		r("POST", "/api/v1/scenarios", s.authenticate(), planners, s.createScenario),
		r("GET", "/api/v1/scenarios/:id", s.authenticate(), s.getScenario),
		r("PATCH", "/api/v1/scenarios/:id", s.authenticate(), planners, s.updateScenario),
		r("DELETE", "/api/v1/scenarios/:id", s.authenticate(), planners, s.deleteScenario),
		r("POST", "/api/v1/scenarios/:id/approve", s.authenticate(), leaders, s.transition(terrane.StatusApproved)),
		r("POST", "/api/v1/scenarios/:id/publish", s.authenticate(), leaders, s.transition(terrane.StatusPublished)),
		r("GET", "/api/v1/scenarios/:id/publish-impact", s.authenticate(), leaders, s.publishImpact),
		r("GET", "/api/v1/scenarios/:id/kpis", s.authenticate(), s.kpis),
		r("GET", "/api/v1/scenarios/:id/conflicts", s.authenticate(), s.conflicts),
		r("POST", "/api/v1/scenarios/:id/conflicts/resolve", s.authenticate(), planners, s.resolveConflicts),
		r("GET", "/api/v1/scenarios/:id/audit", s.authenticate(), planners, s.scenarioAudit),
		r("GET", "/api/v1/scenarios/:id/territories", s.authenticate(), s.listTerritories),
		r("GET", "/api/v1/scenarios/:id/territories.geojson", s.authenticate(), s.territoriesGeoJSON),
		r("GET", "/api/v1/scenarios/:id/territories/:tid", s.authenticate(), s.getTerritory),
		r("PATCH", "/api/v1/scenarios/:id/territories/:tid", s.authenticate(), planners, s.patchTerritory),
		r("GET", "/api/v1/scenarios/:id/assignments", s.authenticate(), s.getAssignments),
		r("PATCH", "/api/v1/scenarios/:id/assignments", s.authenticate(), planners, s.moveUnits),
		r("GET", "/api/v1/scenarios/:id/frontier", s.authenticate(), planners, s.frontier),
		r("GET", "/api/v1/scenarios/:id/compare/:b", s.authenticate(), planners, s.compare),
		r("GET", "/api/v1/scenarios/:id/exports/:file", s.authenticate(), s.export),
		r("POST", "/api/v1/scenarios/:id/runs", s.authenticate(), planners, s.startRun),
		r("GET", "/api/v1/scenarios/:id/runs", s.authenticate(), planners, s.listRuns),
		r("GET", "/api/v1/runs/:rid", s.authenticate(), planners, s.getRun),
		r("DELETE", "/api/v1/runs/:rid", s.authenticate(), planners, s.cancelRun),
		r("GET", "/api/v1/runs/:rid/events", s.authenticate(), planners, s.runEvents),
		r("GET", "/api/v1/runs/:rid/problem", s.authenticate(), planners, s.runProblem),
		r("GET", "/api/v1/accounts", s.authenticate(), s.listAccounts),
		r("POST", "/api/v1/imports", s.authenticate(), planners, s.importFile),
		r("GET", "/api/v1/users", s.authenticate(), admins, s.listUsers),
		r("POST", "/api/v1/users", s.authenticate(), admins, s.createUser),
		r("PATCH", "/api/v1/users/:uid", s.authenticate(), admins, s.updateUser),
		r("DELETE", "/api/v1/users/:uid", s.authenticate(), admins, s.deleteUser),
		r("GET", "/api/v1/tokens", s.authenticate(), s.listTokens),
		r("POST", "/api/v1/tokens", s.authenticate(), s.createToken),
		r("DELETE", "/api/v1/tokens/:tid", s.authenticate(), s.revokeToken),
	}
}

func (s *Server) routes() {
	s.engine.GET("/healthz", s.healthz)
	for _, r := range s.routeTable() {
		s.engine.Handle(r.method, r.path, r.handlers...)
	}
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

// ParseProxies checks a list of trusted proxies: addresses or CIDR ranges.
func ParseProxies(list []string) error {
	_, err := parseProxies(list)
	return err
}

func parseProxies(list []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, p := range list {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR range", p)
			}
			bits := 32
			if ip.To4() == nil {
				bits = 128
			}
			p = fmt.Sprintf("%s/%d", ip, bits)
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR range", p)
		}
		out = append(out, n)
	}
	return out, nil
}

// contentSecurityPolicy lets the web app load only its own scripts and
// styles (no inline ones), MapLibre its workers from blob: URLs and images
// from data: and blob: URLs, and nobody frame it.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"worker-src 'self' blob:; child-src blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers that keep browsers from sniffing types,
// framing the app, leaking addresses in Referer and running injected script.
func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		if s.overTLS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		c.Next()
	}
}

// limitBody caps request bodies; a larger body fails with 413 when read.
func (s *Server) limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := s.cfg.MaxBodyBytes
		if c.FullPath() == "/api/v1/imports" {
			limit = s.cfg.MaxImportBytes + 1<<20 // the file plus the form's other fields
		}
		if c.Request.ContentLength > limit {
			s.writeError(c, terrane.Errorf(terrane.ETOOLARGE, "request body is %d bytes; the limit is %d", c.Request.ContentLength, limit))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		if c.FullPath() == "/api/v1/runs/:rid/events" {
			// An event stream lasts as long as its run: no write deadline.
			_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
		}
		c.Set(limitsKey, jsonLimits{name: s.cfg.MaxNameLength, text: s.cfg.MaxTextLength, array: s.cfg.MaxArrayLength, resources: s.cfg.MaxResources})
		c.Next()
	}
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
	c.JSON(code, Health{Status: status, Version: s.cfg.Version})
}

// Serve serves on ln until ctx is cancelled, then shuts down
// gracefully, giving requests in flight up to grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: s.engine, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: s.cfg.ReadTimeout, WriteTimeout: s.cfg.WriteTimeout, IdleTimeout: s.cfg.IdleTimeout}
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
