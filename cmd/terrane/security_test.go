package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os/exec"
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

// Lower: there was no way to type a password without it showing. --prompt
// reads it from the terminal with echo off, twice; without a terminal it
// says to use --password-stdin. The terminal is a real pseudo-terminal,
// made by script(1) of util-linux (essential on Debian).
func TestUsersPasswdPromptsWithoutEcho(t *testing.T) {
	ctx := context.Background()
	db, _ := usersDB(t)
	env, _, _ := testEnv("typed-secret-1\ntyped-secret-1\n")
	err := run(ctx, env, []string{"users", "add", "--name", "max", "--role", "analyst", "--prompt", "--db", db})
	if err == nil || !strings.Contains(err.Error(), "--password-stdin") {
		t.Fatalf("--prompt without a terminal = %v; want an error pointing to --password-stdin", err)
	}
	if err := run(ctx, env, []string{"users", "add", "--name", "max", "--role", "analyst", "--db", db}); err != nil {
		t.Fatal(err)
	}
	scriptPath, err := exec.LookPath("script")
	if err != nil {
		t.Fatalf("script(1) from util-linux is needed for a pseudo-terminal: %v", err)
	}
	cmd := exec.Command(scriptPath, "-qec", binary+" users passwd --name max --prompt --db "+db, "/dev/null")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	buf := make([]byte, 256)
	// Type each line only once its prompt is on the screen, as a person
	// would, so that echo is already off.
	for _, prompt := range []string{"Password: ", "Password again: "} {
		for !strings.Contains(seen.String(), prompt) {
			n, err := out.Read(buf)
			seen.Write(buf[:n])
			if err != nil {
				t.Fatalf("waiting for %q: %v; the terminal shows %q", prompt, err, seen.String())
			}
		}
		seen.Reset()
		if _, err := in.Write([]byte("typed-secret-1\r")); err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(out)
	seen.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("users passwd --prompt: %v; the terminal shows %q", err, seen.String())
	}
	if strings.Contains(seen.String(), "typed-secret-1") {
		t.Errorf("the typed password was echoed: %q", seen.String())
	}
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.FindUserByName(ctx, "max")
	if err != nil || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("typed-secret-1")) != nil {
		t.Errorf("max does not sign in with the typed password: %v", err)
	}
}
