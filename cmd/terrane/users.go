package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
)

func init() {
	register(command{path: "users add", summary: "create a user and print an API token", run: runUsersAdd})
}

// stringList collects a repeated flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runUsersAdd(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("name", "", "sign-in name (required)")
	role := fs.String("role", "", "admin, leader, analyst or rep (required)")
	password := fs.String("password", "", "password for the web app, at least 8 characters; empty = token only")
	var territories stringList
	fs.Var(&territories, "territory", "territory id a rep owns (repeatable)")
	cfg := addSettings(fs, "users add", "users add --name NAME --role ROLE [--territory ID]… [--password PASSWORD] [--db URL]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return fmt.Errorf("%w: --name and --role are required", errUsage)
	}
	u := &terrane.User{Name: *name, Role: *role, Territories: territories}
	if err := u.Validate(); err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	if *password != "" {
		h, err := api.HashPassword(*password)
		if err != nil {
			return fmt.Errorf("%s", terrane.ErrorMessage(err))
		}
		u.PasswordHash = h
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(ctx, env, cfg.string("db"), logger)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	token, hash := api.NewToken()
	if err := store.CreateToken(ctx, &terrane.Token{UserID: u.ID, Hash: hash, Label: "cli"}); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, token)
	return nil
}
