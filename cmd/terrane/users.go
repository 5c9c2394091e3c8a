package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/terrane/terrane"
	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
	"github.com/terrane/terrane/importer"
)

func init() {
	register(command{path: "users add", summary: "create a user and print an API token", run: runUsersAdd})
	register(command{path: "users list", summary: "list the users: name, role, territories, manager, region", run: runUsersList})
	register(command{path: "users passwd", summary: "set a user's password (prints a generated one if none is given)", run: runUsersPasswd})
	register(command{path: "users delete", summary: "delete a user and their tokens", run: runUsersDelete})
}

// stringList collects a repeated flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// usersStore opens the store of a users command, logging warnings only.
func usersStore(ctx context.Context, env *environment, cfg *config) (*data.Store, error) {
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return openStore(ctx, env, cfg.string("db"), logger)
}

// namedUser opens the store and finds the user by name; the caller closes
// the store.
func namedUser(ctx context.Context, env *environment, cfg *config, name string) (*data.Store, *terrane.User, error) {
	store, err := usersStore(ctx, env, cfg)
	if err != nil {
		return nil, nil, err
	}
	u, err := store.FindUserByName(ctx, name)
	if err != nil {
		store.Close()
		return nil, nil, fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	return store, u, nil
}

func runUsersAdd(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("name", "", "the person's name, any script, spaces allowed, e.g. \"Ana María Pérez\" (required)")
	role := fs.String("role", "", "admin, leader, analyst or rep (required)")
	password := fs.String("password", "", "password for the web app, at least 8 characters (it shows in the process list and shell history: prefer --password-stdin); empty = token only")
	passwordStdin := fs.Bool("password-stdin", false, "read the password for the web app from the first line of standard input")
	prompt := fs.Bool("prompt", false, "type the password for the web app on the terminal, without echo (twice)")
	scenario := fs.Int64("scenario", 0, "scenario whose territories --territory names; default the baseline")
	var territories stringList
	fs.Var(&territories, "territory", "territory id the user owns in the scenario (repeatable)")
	cfg := addSettings(fs, "users add", "users add --name NAME --role ROLE [--territory ID]… [--scenario ID] [--prompt | --password-stdin] [--db URL]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if err := passwordFrom(env, password, *passwordStdin, *prompt); err != nil {
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
	store, err := usersStore(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The territories are checked before the user is stored.
	var sc *terrane.Scenario
	if len(territories) > 0 || *scenario != 0 {
		first := ""
		if len(territories) > 0 {
			first = territories[0]
		}
		if sc, err = importer.OwnersScenario(ctx, store, *scenario, "", first); err != nil {
			return fmt.Errorf("%s", terrane.ErrorMessage(err))
		}
		if err := checkTerritories(ctx, store, sc, territories); err != nil {
			return err
		}
	}
	if err := store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	if sc != nil && len(territories) > 0 {
		if err := importer.SetOwners(ctx, store, sc, map[string][]string{u.Name: territories}, "cli"); err != nil {
			_ = store.DeleteUser(ctx, u.ID)
			return fmt.Errorf("%s", terrane.ErrorMessage(err))
		}
	}
	token, hash := api.NewToken()
	if err := store.CreateToken(ctx, &terrane.Token{UserID: u.ID, Hash: hash, Label: "cli"}); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, token)
	return nil
}

// passwordFrom settles the password of users add and passwd: with
// --prompt it is typed on the terminal without echo, twice; with
// --password-stdin it is the first line of standard input (the line end
// dropped); --password still works, for scripts and tests, with a warning,
// since the command line is visible to every user of the machine.
func passwordFrom(env *environment, password *string, fromStdin, prompt bool) error {
	switch {
	case fromStdin && *password != "", prompt && (fromStdin || *password != ""):
		return fmt.Errorf("%w: give one of --password, --password-stdin and --prompt", errUsage)
	case prompt:
		pw, err := promptPassword(env)
		if err != nil {
			return err
		}
		*password = pw
	case fromStdin:
		line, err := bufio.NewReader(env.stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read the password from standard input: %w", err)
		}
		*password = strings.TrimRight(line, "\r\n")
		if *password == "" {
			return fmt.Errorf("%w: --password-stdin: standard input has no password", errUsage)
		}
	case *password != "":
		fmt.Fprintln(env.stderr, "warning: --password shows the password in the process list and shell history; use --password-stdin")
	}
	return nil
}

// checkTerritories fails naming every id that is not a territory of sc.
func checkTerritories(ctx context.Context, store *data.Store, sc *terrane.Scenario, ids []string) error {
	ts, err := store.FindTerritories(ctx, sc.ID)
	if err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	have := map[string]bool{}
	for _, t := range ts {
		have[t.ID] = true
	}
	var unknown []string
	for _, id := range ids {
		if !have[id] {
			unknown = append(unknown, fmt.Sprintf("%q", id))
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown territory %s: not in scenario %d (%s)", strings.Join(unknown, ", "), sc.ID, sc.Name)
	}
	return nil
}

func runUsersList(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("users list", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	cfg := addSettings(fs, "users list", "users list [--db URL]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: users list takes no arguments", errUsage)
	}
	store, err := usersStore(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	users, err := store.FindUsers(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tTERRITORIES\tMANAGER\tREGION")
	for _, u := range users {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, dash(strings.Join(u.Territories, ";")), dash(u.Manager), dash(u.Region))
	}
	return w.Flush()
}

// dash is s, or "-" when s is empty, so a table's columns stay readable.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runUsersPasswd(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("users passwd", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("name", "", "the user's name (required)")
	password := fs.String("password", "", "the new password, at least 8 characters (it shows in the process list and shell history: prefer --password-stdin); empty = generate one and print it")
	passwordStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input")
	prompt := fs.Bool("prompt", false, "type the new password on the terminal, without echo (twice)")
	cfg := addSettings(fs, "users passwd", "users passwd --name NAME [--prompt | --password-stdin] [--db URL]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if err := passwordFrom(env, password, *passwordStdin, *prompt); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("%w: --name is required", errUsage)
	}
	pw, generated := *password, false
	if pw == "" {
		pw, generated = api.NewPassword(), true
	}
	h, err := api.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	store, u, err := namedUser(ctx, env, cfg, *name)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.UpdateUser(ctx, u.ID, terrane.UserUpdate{PasswordHash: &h}); err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	if generated {
		fmt.Fprintln(env.stdout, pw)
	}
	return nil
}

func runUsersDelete(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("users delete", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	name := fs.String("name", "", "the user's name (required)")
	cfg := addSettings(fs, "users delete", "users delete --name NAME [--db URL]")
	if err := cfg.parseFlags(env, args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("%w: --name is required", errUsage)
	}
	store, u, err := namedUser(ctx, env, cfg, *name)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.DeleteUser(ctx, u.ID); err != nil {
		return fmt.Errorf("%s", terrane.ErrorMessage(err))
	}
	fmt.Fprintf(env.stdout, "deleted user %s\n", u.Name)
	return nil
}

// promptPassword reads a password typed on the terminal, without echo,
// and its confirmation; the prompts go to standard error.
func promptPassword(env *environment) (string, error) {
	f, ok := env.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", fmt.Errorf("%w: --prompt needs a terminal on standard input; use --password-stdin to pipe the password in", errUsage)
	}
	read := func(label string) (string, error) {
		fmt.Fprint(env.stderr, label)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password from the terminal: %w", err)
		}
		return string(b), nil
	}
	pw, err := read("Password: ")
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", fmt.Errorf("%w: --prompt: no password typed", errUsage)
	}
	again, err := read("Password again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", fmt.Errorf("%w: --prompt: the two passwords differ; nothing changed", errUsage)
	}
	return pw, nil
}
