package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/terrane/terrane/api"
	"github.com/terrane/terrane/data"
)

// A kind is the type of a setting's value, which says how it is parsed.
type kind int

const (
	kindString   kind = iota // any text
	kindDuration             // a positive Go duration: 30s, 2m, 1h30m
	kindBytes                // a positive size: 1048576, 10MiB, 1GiB, 50MB
	kindCount                // a positive whole number
	kindProxies              // comma-separated IP addresses or CIDR ranges
)

// A setting is one row of the configuration table: what an operator sets with
// a flag or an environment variable. A flag given on the command line wins
// over the variable, and a variable set to a non-empty value over the
// default.
type setting struct {
	flag     string   // flag name, without dashes; "" = environment only
	env      string   // environment variable
	def      string   // default, as a flag would spell it; "" = unset
	kind     kind     // how the value is parsed
	arg      string   // what the value looks like, for --help: HOST:PORT, URL, SIZE
	commands []string // subcommands that take it; none = read by the tests only
	meaning  string   // one line, for --help and README.md
}

// settings is the configuration table. README.md's "## Configuration" table
// is generated from it (see TestREADMEConfiguration), and the setting flags
// of serve, import and users add and their --help are built from it.
var settings = []setting{
	{flag: "addr", env: "TERRANE_ADDR", def: "127.0.0.1:8080", arg: "HOST:PORT",
		commands: []string{"serve"}, meaning: "listen address"},
	{flag: "db", env: "DATABASE_URL", def: data.DefaultURL, arg: "URL",
		commands: []string{"serve", "import", "users add", "users list", "users passwd", "users delete"}, meaning: "database: sqlite:PATH or postgres://USER@HOST:PORT/DB"},
	{flag: "run-stale", env: "TERRANE_RUN_STALE", def: "30s", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a running solve whose worker is silent this long is taken over by another worker"},
	{flag: "max-body-bytes", env: "TERRANE_MAX_BODY_BYTES", def: "10MiB", kind: kindBytes, arg: "SIZE",
		commands: []string{"serve"}, meaning: "largest request body the API accepts, imports aside (larger: 413)"},
	{flag: "max-upload-bytes", env: "TERRANE_MAX_UPLOAD_BYTES", def: "50MiB", kind: kindBytes, arg: "SIZE",
		commands: []string{"serve"}, meaning: "largest file POST /api/v1/imports accepts (larger: 413)"},
	{flag: "login-every", env: "TERRANE_LOGIN_EVERY", def: "2s", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a client regains one sign-in attempt this often"},
	{flag: "login-burst", env: "TERRANE_LOGIN_BURST", def: "10", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "sign-in attempts a client may make at once"},
	{flag: "login-client-burst", env: "TERRANE_LOGIN_CLIENT_BURST", def: "100", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "wrong passwords a client may send over all names at once (refilled like login-every); login-burst is per client and name"},
	{flag: "login-account-failures", env: "TERRANE_LOGIN_ACCOUNT_FAILURES", def: "20", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "wrong passwords for one account, from any address, before it is locked (its owner's right password too, with the wait stated)"},
	{flag: "login-account-lock", env: "TERRANE_LOGIN_ACCOUNT_LOCK", def: "1m", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "an account's first lock-out; doubled on each further wrong password, up to 1h"},
	{flag: "login-tracked", env: "TERRANE_LOGIN_TRACKED", def: "10000", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "clients and accounts the sign-in limiter remembers; when full it forgets the least limited half, never the limited"},
	{flag: "trusted-proxies", env: "TERRANE_TRUSTED_PROXIES", def: "", kind: kindProxies, arg: "LIST",
		commands: []string{"serve"}, meaning: "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For, X-Real-IP and X-Forwarded-Proto are believed; unset = none"},
	{flag: "session-lifetime", env: "TERRANE_SESSION_LIFETIME", def: "168h", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a sign-in session expires this long after it began; it is rotated (a new cookie) half-way"},
	{flag: "token-lifetime", env: "TERRANE_TOKEN_LIFETIME", def: "2160h", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "an API token (POST /api/v1/tokens, users add) expires this long after it was issued; rotate by issuing a new one and revoking the old"},
	{flag: "read-timeout", env: "TERRANE_READ_TIMEOUT", def: "1m", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a request, headers and body, must arrive within this"},
	{flag: "write-timeout", env: "TERRANE_WRITE_TIMEOUT", def: "10m", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a response must be written within this (a run's event stream reconnects)"},
	{flag: "idle-timeout", env: "TERRANE_IDLE_TIMEOUT", def: "2m", kind: kindDuration, arg: "DURATION",
		commands: []string{"serve"}, meaning: "a kept-alive connection idle this long is closed"},
	{flag: "max-name-length", env: "TERRANE_MAX_NAME_LENGTH", def: "200", kind: kindCount, arg: "BYTES",
		commands: []string{"serve"}, meaning: "longest name or label in a JSON body (longer: 400 naming the field)"},
	{flag: "max-text-length", env: "TERRANE_MAX_TEXT_LENGTH", def: "10000", kind: kindCount, arg: "BYTES",
		commands: []string{"serve"}, meaning: "longest other string in a JSON body"},
	{flag: "max-array-length", env: "TERRANE_MAX_ARRAY_LENGTH", def: "100000", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "most items of an array, or keys of an object, in a JSON body"},
	{flag: "max-resources", env: "TERRANE_MAX_RESOURCES", def: "1000", kind: kindCount, arg: "N",
		commands: []string{"serve"}, meaning: "most resources a scenario body may list"},
	{flag: "max-unpacked-bytes", env: "TERRANE_MAX_UNPACKED_BYTES", def: "200MiB", kind: kindBytes, arg: "SIZE",
		commands: []string{"serve", "import"}, meaning: "most a gzip file or shapefile .zip may unpack to (more: 413)"},
	{flag: "max-unpack-ratio", env: "TERRANE_MAX_UNPACK_RATIO", def: "20", kind: kindCount, arg: "N",
		commands: []string{"serve", "import"}, meaning: "most a gzip file or .zip may unpack to, as a multiple of its packed size (a zip bomb: 413)"},
	{flag: "max-vertices", env: "TERRANE_MAX_VERTICES", def: "500000", kind: kindCount, arg: "N",
		commands: []string{"serve", "import"}, meaning: "most vertices of a units file (more: 413; simplify the geometry)"},
	{flag: "max-feature-vertices", env: "TERRANE_MAX_FEATURE_VERTICES", def: "100000", kind: kindCount, arg: "N",
		commands: []string{"serve", "import"}, meaning: "most vertices of one unit of a units file"},
	{flag: "max-size", env: "TERRANE_IMPORT_MAX_BYTES", def: "200MiB", kind: kindBytes, arg: "SIZE",
		commands: []string{"import"}, meaning: "largest file terrane import reads"},
	{env: "TERRANE_TEST_POSTGRES_URL", arg: "URL",
		meaning: "test-only: PostgreSQL server for the Go tests, each of which gets a schema of its own; required when CI is set"},
}

// check parses v as a value of k, to validate it.
func (k kind) check(v string) error {
	switch k {
	case kindDuration:
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return fmt.Errorf("%q is not a positive duration such as 30s or 2m", v)
		}
	case kindBytes:
		_, err := parseBytes(v)
		return err
	case kindCount:
		if n, err := strconv.Atoi(v); err != nil || n <= 0 {
			return fmt.Errorf("%q is not a positive whole number", v)
		}
	case kindProxies:
		return api.ParseProxies(splitList(v))
	}
	return nil
}

// settingValue is the flag.Value of a setting.
type settingValue struct {
	s     *setting
	value string
}

func (v *settingValue) String() string {
	if v == nil {
		return ""
	}
	return v.value
}

func (v *settingValue) Set(s string) error {
	if err := v.s.kind.check(s); err != nil {
		return err
	}
	v.value = s
	return nil
}

// config holds the settings of one subcommand: addSettings defines their
// flags, and after the flag set is parsed, resolve fills in the environment.
type config struct {
	fs     *flag.FlagSet
	values map[string]*settingValue // by flag name
	order  []*settingValue          // as in the table
}

// addSettings defines on fs a flag for each setting that command takes, and
// makes fs's usage print the command's synopsis, then its other flags, then
// the settings with their variables and defaults.
func addSettings(fs *flag.FlagSet, command, synopsis string) *config {
	c := &config{fs: fs, values: map[string]*settingValue{}}
	for i := range settings {
		s := &settings[i]
		if s.flag == "" || !slices.Contains(s.commands, command) {
			continue
		}
		v := &settingValue{s: s, value: s.def}
		c.values[s.flag] = v
		c.order = append(c.order, v)
		fs.Var(v, s.flag, s.meaning)
	}
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: terrane %s\n", synopsis)
		c.printFlags(w)
	}
	return c
}

// printFlags writes the flag set's flags in flag.PrintDefaults' layout: the
// other flags, then the settings in the table's order, each with its
// environment variable and default.
func (c *config) printFlags(w io.Writer) {
	var other []*flag.Flag
	c.fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(*settingValue); !ok {
			other = append(other, f)
		}
	})
	if len(other) > 0 {
		fmt.Fprintln(w, "\nflags:")
		for _, f := range other {
			name, usage := flag.UnquoteUsage(f)
			line := "  --" + f.Name
			if name != "" {
				line += " " + name
			}
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(w, "%s\n    \t%s\n", line, usage)
		}
	}
	if len(c.order) > 0 {
		fmt.Fprintln(w, "\nsettings (a flag wins over its environment variable, which wins over the default):")
		for _, v := range c.order {
			s := v.s
			fmt.Fprintf(w, "  --%s %s\n    \t%s (env %s; default %s)\n", s.flag, s.arg, s.meaning, s.env, s.def)
		}
	}
}

// resolve, called after the flag set is parsed, gives each setting not set on
// the command line the value of its environment variable, when that is not
// empty. The error, a usage error, names the variable.
func (c *config) resolve(env *environment) error {
	given := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, v := range c.values {
		if given[name] {
			continue
		}
		if e := env.getenv(v.s.env); e != "" {
			if err := v.Set(e); err != nil {
				return fmt.Errorf("%w: %s: %v", errUsage, v.s.env, err)
			}
		}
	}
	return nil
}

// parseFlags parses args with fs and then resolves c's settings from the
// environment. A bad flag is a usage error; --help, which prints the usage,
// returns flag.ErrHelp.
func (c *config) parseFlags(env *environment, args []string) error {
	if err := c.fs.Parse(args); err == flag.ErrHelp {
		return err
	} else if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return c.resolve(env)
}

// get returns a setting's value; it panics if the command has no such
// setting, which is a programming error.
func (c *config) get(name string) *settingValue {
	v, ok := c.values[name]
	if !ok {
		panic("terrane: no setting " + name + " for this command")
	}
	return v
}

// string returns a setting's value as given.
func (c *config) string(name string) string { return c.get(name).value }

// duration returns a kindDuration setting's value, validated already.
func (c *config) duration(name string) time.Duration {
	d, _ := time.ParseDuration(c.get(name).value)
	return d
}

// bytes returns a kindBytes setting's value in bytes, validated already.
func (c *config) bytes(name string) int64 {
	n, _ := parseBytes(c.get(name).value)
	return n
}

// list returns a kindProxies setting's value as its items.
func (c *config) list(name string) []string { return splitList(c.get(name).value) }

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// count returns a kindCount setting's value, validated already.
func (c *config) count(name string) int {
	n, _ := strconv.Atoi(c.get(name).value)
	return n
}

// settingsMarkdown is the configuration table as README.md shows it.
func settingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | flag | commands | default | meaning |\n|---|---|---|---|---|\n")
	for _, s := range settings {
		flagCell, commands, def := "—", "tests", "unset"
		if s.flag != "" {
			flagCell = "`--" + s.flag + "`"
		}
		if len(s.commands) > 0 {
			commands = strings.Join(s.commands, ", ")
		}
		if s.def != "" {
			def = "`" + s.def + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.env, flagCell, commands, def, s.meaning)
	}
	return b.String()
}
