package data

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/terrane/terrane"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Dialects the store speaks.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultURL is the database used when neither --db nor DATABASE_URL is set.
const DefaultURL = "sqlite:./var/terrane.db"

// Store implements the terrane service interfaces on one SQL database.
type Store struct {
	db      *sqlx.DB
	dialect string
	now     func() time.Time
}

// Check at compile time that Store implements the services.
var (
	_ terrane.GeographyService = (*Store)(nil)
	_ terrane.ScenarioService  = (*Store)(nil)
	_ terrane.RunService       = (*Store)(nil)
	_ terrane.UserService      = (*Store)(nil)
	_ terrane.MetaService      = (*Store)(nil)
)

// ParseURL splits a database URL into the driver name and its data source.
// Accepted forms: "sqlite:PATH" (PATH may be ":memory:"), "sqlite://PATH",
// "postgres://…" and "postgresql://…".
func ParseURL(raw string) (dialect, dsn string, err error) {
	switch {
	case raw == "":
		return "", "", terrane.Errorf(terrane.EINVALID, "database URL is empty; use sqlite:PATH or postgres://USER@HOST:PORT/DB")
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" {
			return "", "", terrane.Errorf(terrane.EINVALID, "database URL %q has no file path; use sqlite:PATH", raw)
		}
		if path == ":memory:" {
			return SQLite, "file::memory:?_pragma=foreign_keys(1)", nil
		}
		return SQLite, "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)", nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", terrane.Errorf(terrane.EINVALID, "database URL is malformed: %v", err)
		}
		if u.Host == "" {
			return "", "", terrane.Errorf(terrane.EINVALID, "database URL %q has no host", redact(raw))
		}
		return Postgres, raw, nil
	}
	return "", "", terrane.Errorf(terrane.EINVALID, "database URL %q: scheme must be sqlite: or postgres://", redact(raw))
}

// redact hides a password in a URL so it can be printed.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return raw
}

// Open connects to the database at rawURL, checks that it is reachable and
// applies pending migrations. Errors are one line and name the problem.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite && !strings.HasPrefix(dsn, "file::memory:") {
		path := strings.TrimPrefix(strings.SplitN(dsn, "?", 2)[0], "file:")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("data: create directory for %s: %w", path, err)
			}
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("data: open sqlite database %s: it is a directory", path)
		}
	}
	db, err := sqlx.Open(dialect, dsn)
	if err != nil {
		return nil, fmt.Errorf("data: open %s database: %w", dialect, err)
	}
	if dialect == SQLite {
		// One connection: SQLite allows one writer, and an in-memory database
		// exists per connection.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(16)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = db.PingContext(pingCtx)
	for dialect == SQLite && err != nil && strings.Contains(err.Error(), "SQLITE_BUSY") && pingCtx.Err() == nil {
		// Two processes opening a new file at once: switching it to WAL
		// needs a lock SQLite will not wait for (busy_timeout does not
		// apply), so the later one tries again shortly.
		time.Sleep(20 * time.Millisecond)
		err = db.PingContext(pingCtx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("data: cannot reach %s database %s: %w", dialect, redact(rawURL), err)
	}
	s := &Store{db: db, dialect: dialect, now: func() time.Time { return time.Now().UTC() }}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// DB exposes the connection pool for tests and tools.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping checks the database is reachable, for health checks.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrations lists the embedded migration files, in the order they apply.
func Migrations() ([]string, error) {
	names, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, n := range names {
		files = append(files, n.Name())
	}
	sort.Strings(files)
	return files, nil
}

// Migrate applies, in order and each in its own transaction, every embedded
// migration not yet recorded in schema_migrations. Running it again is a no-op.
//
// On PostgreSQL the migrations run under a session advisory lock, so two
// processes starting together on an empty database apply them one after
// the other: the second waits, then finds every migration recorded.
func (s *Store) Migrate(ctx context.Context) error {
	if s.dialect == Postgres {
		conn, err := s.db.Connx(ctx)
		if err != nil {
			return fmt.Errorf("data: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
			return fmt.Errorf("data: migrate: waiting for the migration lock: %w", err)
		}
		// Unlock on a fresh context: the caller's may be done.
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrateLockKey)
	}
	return s.migrate(ctx)
}

// migrateLockKey is the PostgreSQL advisory lock key Migrate holds
// ("terrane" in ASCII).
const migrateLockKey int64 = 0x7465727261_6e65

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("data: migrate: %w", err)
	}
	files, err := Migrations()
	if err != nil {
		return fmt.Errorf("data: migrate: %w", err)
	}
	for _, name := range files {
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return fmt.Errorf("data: migrate: %w", err)
		}
		if err := s.migrateOne(ctx, name, string(body)); err != nil {
			return err
		}
	}
	return nil
}

// migrateOne applies one migration unless it is recorded, checked inside
// the transaction that applies it. On SQLite that transaction starts with
// BEGIN IMMEDIATE, taking the write lock before the check, so another
// process migrating the same file waits and then finds it applied.
func (s *Store) migrateOne(ctx context.Context, name, body string) error {
	version := strings.SplitN(name, "_", 2)[0]
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("data: migrate: %w", err)
	}
	defer conn.Close()
	begin := "BEGIN"
	if s.dialect == SQLite {
		begin = "BEGIN IMMEDIATE"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return fmt.Errorf("data: migrate: %w", err)
	}
	apply := func() error {
		var n int
		if err := conn.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version); err != nil {
			return fmt.Errorf("data: migrate: %w", err)
		}
		if n > 0 {
			return nil
		}
		for _, stmt := range splitSQL(s.dialectSQL(body)) {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("data: migration %s: %w", name, err)
			}
		}
		_, err := conn.ExecContext(ctx, s.db.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), version, s.stamp())
		return err
	}
	if err := apply(); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return mapErr(err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("data: migrate: %w", mapErr(err))
	}
	return nil
}

// dialectSQL fills the few places where SQLite and PostgreSQL differ in DDL.
func (s *Store) dialectSQL(body string) string {
	serial := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if s.dialect == Postgres {
		serial = "BIGSERIAL PRIMARY KEY"
	}
	body = strings.ReplaceAll(body, "{{serial}}", serial)
	// {{json_keys COLUMN}}: the keys of the JSON object in COLUMN as a
	// JSON array of strings, sorted ('[]' for none).
	return jsonKeys.ReplaceAllStringFunc(body, func(m string) string {
		col := jsonKeys.FindStringSubmatch(m)[1]
		if s.dialect == Postgres {
			return "(SELECT COALESCE(json_agg(k ORDER BY k)::text, '[]') FROM json_object_keys(" + col + "::json) AS k)"
		}
		return "(SELECT COALESCE(json_group_array(key), '[]') FROM (SELECT key FROM json_each(" + col + ") ORDER BY key))"
	})
}

var jsonKeys = regexp.MustCompile(`\{\{json_keys ([a-z_.]+)\}\}`)

// splitSQL splits a migration into statements on ';' at line ends, dropping comments.
func splitSQL(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// inTx runs fn in a transaction, committing if it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

const stampLayout = "2006-01-02T15:04:05.000000Z"

// stamp is the current time as stored.
func (s *Store) stamp() string { return s.now().UTC().Format(stampLayout) }

func parseStamp(v string) time.Time {
	t, _ := time.Parse(stampLayout, v)
	return t
}

func parseStampPtr(v string) *time.Time {
	if v == "" {
		return nil
	}
	t := parseStamp(v)
	return &t
}

// mapErr turns driver errors into terrane errors where the caller can act on
// them: unique violations become ECONFLICT, foreign-key violations EINVALID.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var te *terrane.Error
	if errors.As(err, &te) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return terrane.Errorf(terrane.ENOTFOUND, "not found")
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505":
			return &terrane.Error{Code: terrane.ECONFLICT, Message: "already exists: " + pqErr.Detail}
		case "23503":
			return &terrane.Error{Code: terrane.EINVALID, Message: "refers to something that does not exist: " + pqErr.Detail}
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return &terrane.Error{Code: terrane.ECONFLICT, Message: "already exists: " + msg[strings.Index(msg, "UNIQUE constraint failed"):]}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &terrane.Error{Code: terrane.EINVALID, Message: "refers to something that does not exist"}
	}
	return err
}

// forUpdate locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; SQLite needs nothing, as it runs one writing transaction at a
// time.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// inList returns "?, ?, ?" for n placeholders.
// maxInList is the longest list of values bound one by one in an IN (…)
// clause; longer lists go in one JSON parameter (inStrings).
const maxInList = 1000

// inStrings is "col IN (…)" over ids, with its arguments: each id bound
// when there are few, else one parameter holding them as a JSON array,
// because SQLite binds at most 32,766 variables and a ZIP layer has 33,232
// units.
func (s *Store) inStrings(col string, ids []string) (string, []any) {
	if len(ids) <= maxInList {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		return col + " IN (" + inList(len(ids)) + ")", args
	}
	raw, _ := json.Marshal(ids)
	sub := "SELECT value FROM json_each(?)"
	if s.dialect == Postgres {
		sub = "SELECT jsonb_array_elements_text(CAST(? AS jsonb))"
	}
	return col + " IN (" + sub + ")", []any{string(raw)}
}

func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
