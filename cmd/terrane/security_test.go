package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/terrane/terrane/data"
)

// Lower: users add --password put the password on the command line; now it
// can come from standard input, and --password warns.
func TestUsersAddReadsThePasswordFromStdin(t *testing.T) {
	ctx := context.Background()
	db, _ := usersDB(t)
	env, _, errb := testEnv("stdin-secret-1\n")
	if err := run(ctx, env, []string{"users", "add", "--name", "sam", "--role", "analyst", "--password-stdin", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errb.String(), "warning") {
		t.Errorf("--password-stdin warned: %s", errb)
	}
	env, _, errb = testEnv("")
	if err := run(ctx, env, []string{"users", "add", "--name", "max", "--role", "analyst", "--password", "argv-secret-1", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "warning: --password shows the password") {
		t.Errorf("--password did not warn: %q", errb)
	}
	env, _, _ = testEnv("new-stdin-secret\r\n")
	if err := run(ctx, env, []string{"users", "passwd", "--name", "max", "--password-stdin", "--db", db}); err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, pw := range map[string]string{"sam": "stdin-secret-1", "max": "new-stdin-secret"} {
		u, err := s.FindUserByName(ctx, name)
		if err != nil || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) != nil {
			t.Errorf("%s does not sign in with %q: %v", name, pw, err)
		}
	}
	env, _, _ = testEnv("")
	if err := run(ctx, env, []string{"users", "add", "--name", "zoe", "--role", "rep", "--password-stdin", "--db", db}); err == nil {
		t.Errorf("--password-stdin with empty input was accepted")
	}
}

// Lower: the first-start admin password went to the log at INFO.
func TestFirstAdminPasswordIsNotLogged(t *testing.T) {
	ctx := context.Background()
	s, err := data.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var log bytes.Buffer
	env, out, _ := testEnv("")
	if err := firstAdmin(ctx, env, s, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(out.String())
	var password string
	for i, f := range fields {
		if f == "password" && i+1 < len(fields) {
			password = fields[i+1]
		}
	}
	u, err := s.FindUserByName(ctx, "admin")
	if err != nil || password == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		t.Fatalf("stdout %q does not show the admin password (%v)", out, err)
	}
	if strings.Contains(log.String(), password) {
		t.Errorf("the log holds the password:\n%s", log.String())
	}
}
