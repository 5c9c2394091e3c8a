package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/data/sample"
	"github.com/terrane/terrane/data/sample/loader"
	"github.com/terrane/terrane/plan"
)

func init() {
	register(command{path: "serve", summary: "serve the API and the web app (default sqlite:./var/terrane.db)", run: runServe})
}

// openStore opens the database and loads the sample dataset on first start.
func openStore(ctx context.Context, env *environment, url string, logger *slog.Logger) (*data.Store, error) {
	store, err := data.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	loaded, err := loader.Load(ctx, store)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("load sample dataset: %w", err)
	}
	if loaded {
		logger.Info("loaded the sample dataset", slog.String("layer", sample.LayerID), slog.Duration("took", time.Since(start)))
	}
	return store, nil
}

func runServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cfg := addSettings(fs, "serve", "serve [flags]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, nil))
	store, err := openStore(ctx, env, cfg.string("db"), logger)
	if err != nil {
		return err
	}
	defer store.Close()
	addr := cfg.string("addr")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if err := firstAdmin(ctx, env, store, logger); err != nil {
		return err
	}
	host, _ := os.Hostname()
	events := &plan.Broker{}
	worker := &plan.Worker{Services: store, Name: fmt.Sprintf("%s-%d", host, os.Getpid()), Logger: logger, Stale: cfg.duration("run-stale"), Events: events}
	workerCtx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() { worker.Run(workerCtx); close(workerDone) }()
	// The big built-in layers (us-zips) load after the server is up:
	// GET /api/v1/layers lists them under "loading" until they are ready.
	var background loader.Background
	loadCtx, stopLoad := context.WithCancel(ctx)
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		start := time.Now()
		layers, err := background.Run(loadCtx, store)
		if err != nil && loadCtx.Err() == nil {
			logger.Error("loading a built-in layer failed", slog.Any("err", err))
		}
		for _, id := range layers {
			logger.Info("loaded a built-in layer in the background", slog.String("layer", id), slog.Duration("took", time.Since(start)))
		}
	}()
	srv := api.NewServer(apiConfig(cfg),
		api.Services{Geography: store, Scenarios: store, Runs: store, Users: store, Imports: store, Ping: store.Ping, Wake: worker.Wake, Events: events,
			LayerLoads: background.Loads}, webApp(), logger)
	logger.Info("terrane is serving", slog.String("url", "http://"+ln.Addr().String()), slog.String("db", store.Dialect()))
	err = srv.Serve(ctx, ln, 10*time.Second)
	stopLoad()
	<-loadDone
	stopWorker()
	<-workerDone
	logger.Info("terrane stopped")
	return err
}

// apiConfig is the API's configuration from serve's settings.
func apiConfig(cfg *config) api.Config {
	return api.Config{
		MaxBodyBytes:   cfg.bytes("max-body-bytes"),
		MaxImportBytes: cfg.bytes("max-upload-bytes"),
		LoginEvery:     cfg.duration("login-every"),
		LoginBurst:     cfg.count("login-burst"),
		Version:        terrane.Version,

		LoginClientBurst:     cfg.count("login-client-burst"),
		LoginAccountFailures: cfg.count("login-account-failures"),
		LoginAccountLock:     cfg.duration("login-account-lock"),
		LoginTracked:         cfg.count("login-tracked"),
		TrustedProxies:       cfg.list("trusted-proxies"),
		SessionLifetime:      cfg.duration("session-lifetime"),
		TokenLifetime:        cfg.duration("token-lifetime"),
		ReadTimeout:          cfg.duration("read-timeout"),
		WriteTimeout:         cfg.duration("write-timeout"),
		IdleTimeout:          cfg.duration("idle-timeout"),
		MaxNameLength:        cfg.count("max-name-length"),
		MaxTextLength:        cfg.count("max-text-length"),
		MaxArrayLength:       cfg.count("max-array-length"),
		MaxResources:         cfg.count("max-resources"),
		MaxUnpackedBytes:     cfg.bytes("max-unpacked-bytes"),
		MaxUnpackRatio:       cfg.count("max-unpack-ratio"),
		MaxVertices:          cfg.count("max-vertices"),
		MaxFeatureVertices:   cfg.count("max-feature-vertices"),
	}
}

// firstAdmin creates the admin user on a database with no users, with a
// generated password printed once on standard output, never in the log:
// there is never a fixed default.
func firstAdmin(ctx context.Context, env *environment, store *data.Store, logger *slog.Logger) error {
	users, err := store.FindUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Role == terrane.RoleAdmin {
			return nil
		}
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	password := base64.RawURLEncoding.EncodeToString(b[:])
	hash, err := api.HashPassword(password)
	if err != nil {
		return err
	}
	if err := store.CreateUser(ctx, &terrane.User{Name: "admin", Role: terrane.RoleAdmin, PasswordHash: hash}); err != nil {
		if terrane.ErrorCode(err) == terrane.ECONFLICT { // another process won the race
			return nil
		}
		return err
	}
	fmt.Fprintf(env.stdout, "\nFirst start: sign in as admin with the password\n\n    %s\n\nIt is shown once, here only. Change it with `terrane users passwd --name admin --password-stdin`; add users with `terrane users add`.\n\n", password)
	logger.Info("first start: created the admin user; its password was printed once on standard output, not in this log", slog.String("user", "admin"))
	return nil
}
