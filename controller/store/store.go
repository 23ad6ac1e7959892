package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
)

// ErrNotFound reports a row the caller named that the store does not
// hold, such as finishing an action id that was never intended.
var ErrNotFound = errors.New("not found in the store")

// DefaultBusyTimeout is how long a write waits for another process (a
// second gatehouse, or the CLI beside a running server) to release the
// database before it fails as locked.
const DefaultBusyTimeout = 5 * time.Second

// Store is the controller's state database. It is safe for concurrent use
// by many goroutines; Close it when done.
type Store struct {
	db   *sql.DB
	path string // shown in errors; never the DSN, never a password

	// dialect is the SQL the database speaks.
	dialect dialect
	// secret is the password of a PostgreSQL URL, scrubbed from every
	// error the store returns (S9); empty for SQLite.
	secret string
	// lockPath is the file Lead locks beside a SQLite database; empty
	// in memory.
	lockPath string
	// leadRetry is how often Lead tries again for the leader lock, and
	// how often a leader checks that it still holds it.
	leadRetry time.Duration

	// writeSlot serializes write transactions of this process, so they
	// queue here (giving up with their context) instead of spinning on
	// SQLite's busy handler.
	writeSlot chan struct{}

	// now is the clock for times the caller leaves zero; tests replace it.
	now func() time.Time
}

// options are the knobs of open that Open fixes and tests vary.
type options struct {
	busyTimeout time.Duration
	// upTo stops migrating after this version (0: all); tests use it to
	// build a database of an older schema.
	upTo int
}

// DefaultLeadRetry is how often Lead tries again for the leader lock
// another replica holds, and how often a leader checks it still holds
// it.
const DefaultLeadRetry = 2 * time.Second

// Open opens the state database named by target and migrates it to the
// current schema.
//
// A target starting postgres:// or postgresql:// is a PostgreSQL URL
// (postgres://user:password@host:5432/database?sslmode=verify-full),
// opened through pgx: the database must exist; its tables are created
// on first use. Several replicas may share it, one leading (Lead). The
// password never appears in errors or in Path.
//
// Any other target is the path of a SQLite file, created with its
// directory if needed. The database uses WAL mode, full synchronous
// commits (an intended action survives a power cut, S11), a busy timeout
// of DefaultBusyTimeout and foreign keys.
func Open(ctx context.Context, target string) (*Store, error) {
	return open(ctx, target, options{busyTimeout: DefaultBusyTimeout})
}

// isPostgresURL reports whether target names a PostgreSQL database
// rather than a SQLite file.
func isPostgresURL(target string) bool {
	scheme, _, ok := strings.Cut(target, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// OpenMemory opens an empty, fully migrated database held in memory for
// as long as the Store is open. It is meant for tests and dry runs: what
// it holds is lost on Close.
func OpenMemory(ctx context.Context) (*Store, error) {
	db, err := sql.Open("sqlite", "file::memory:?"+pragmas(DefaultBusyTimeout, false))
	if err != nil {
		return nil, fmt.Errorf("open in-memory store: %w", err)
	}
	// Every connection to ":memory:" is a database of its own: keep
	// exactly one, forever.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := newStore(db, ":memory:", dialectSQLite)
	if err := s.migrate(ctx, 0); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// newStore is a Store on db, before migrating.
func newStore(db *sql.DB, path string, d dialect) *Store {
	return &Store{db: db, path: path, dialect: d, now: time.Now, writeSlot: make(chan struct{}, 1), leadRetry: DefaultLeadRetry}
}

func open(ctx context.Context, target string, o options) (*Store, error) {
	if isPostgresURL(target) {
		return openPostgres(ctx, target, o)
	}
	return openSQLite(ctx, target, o)
}

func openSQLite(ctx context.Context, path string, o options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: no database path; set the controller's state directory")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open store %s: create its directory: %w; check the state directory is writable", path, err)
		}
	}
	// A URI with the path escaped, so a '?' or '#' in a directory name
	// cannot be read as parameters.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas(o.busyTimeout, true)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	s := newStore(db, path, dialectSQLite)
	s.lockPath = path + ".lock"
	if err := s.migrate(ctx, o.upTo); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// pragmas is the query part of a DSN: settings every new connection
// applies. _txlock=immediate makes each transaction take the write lock
// at BEGIN, so two writers never deadlock upgrading a read lock.
func pragmas(busy time.Duration, file bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if file {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	q.Set("_txlock", "immediate")
	return q.Encode()
}

// Close closes the database. Calls in flight finish first.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return s.fail("close store", err)
	}
	return nil
}

// Path returns the database file the store was opened on, ":memory:",
// or for PostgreSQL its URL with the password replaced by xxxxx.
func (s *Store) Path() string { return s.path }

// SQLite primary result codes the store explains (sqlite3.h).
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeNotADB   = 26
)

// fail wraps err with the operation and the database file and, for the
// failures an operator can fix, what to do.
func (s *Store) fail(op string, err error) error {
	err = s.scrub(err)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if s.dialect == dialectPostgres {
		if hint := postgresHint(err); hint != "" {
			return fmt.Errorf("%s: database %s %s: %w", op, s.path, hint, err)
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		hint := ""
		switch se.Code() & 0xff {
		case codeBusy, codeLocked:
			hint = "is locked by another process; stop the other gatehouse using this state directory, or retry"
		case codeReadOnly:
			hint = "is read-only; check the permissions of the file and its directory"
		case codeCorrupt, codeNotADB:
			hint = "is corrupt or not a gatehouse database; restore it from a backup, or move it aside to start an empty one (pending actions and the audit log stay in the old file)"
		case codeFull:
			hint = "cannot grow: the disk is full; free space in the state directory"
		case codeCantOpen:
			hint = "cannot be opened; check the state directory exists and is writable"
		}
		if hint != "" {
			return fmt.Errorf("%s: database %s %s: %w", op, s.path, hint, err)
		}
	}
	return fmt.Errorf("%s (database %s): %w", op, s.path, err)
}

// write runs fn in a write transaction, serialized with the process's
// other writes, committing if fn returns nil. On PostgreSQL the
// transaction first takes a transaction-scoped advisory lock, so writes
// are serialized across replicas as SQLite's immediate transactions
// serialize them across processes: a read-then-write (SetRequest,
// SaveSnapshot, a migration step) sees no concurrent writer.
func (s *Store) write(ctx context.Context, op string, fn func(tx *txn) error) error {
	select {
	case s.writeSlot <- struct{}{}:
		defer func() { <-s.writeSlot }()
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op, err)
	}
	tx := &txn{Tx: sqlTx, d: s.dialect}
	if s.dialect == dialectPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, writeLockKey); err != nil {
			_ = tx.Rollback()
			return s.fail(op+": wait for the write lock", err)
		}
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// stamp returns t in UTC, or the store's clock when t is zero.
func (s *Store) stamp(t time.Time) time.Time {
	if t.IsZero() {
		t = s.now()
	}
	return t.UTC()
}

// nanos is how times are stored: Unix nanoseconds, which sort as numbers.
func nanos(t time.Time) int64 { return t.UnixNano() }

// fromNanos is the inverse of nanos, in UTC.
func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// nullNanos stores a zero time as NULL.
func nullNanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// fromNull is the inverse of nullNanos.
func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNanos(n.Int64)
}

// sortedSet returns list sorted and without repeats, never nil.
func sortedSet(list []string) []string {
	c := slices.Clone(list)
	slices.Sort(c)
	c = slices.Compact(c)
	if c == nil {
		c = []string{}
	}
	return c
}

// sortedJSON stores a list of names as a sorted set, so equal sets
// compare equal and reads are deterministic.
func sortedJSON(list []string) string {
	b, _ := json.Marshal(sortedSet(list)) // a []string always marshals
	return string(b)
}

// parseList reads what sortedJSON stored.
func parseList(what, text string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		return nil, fmt.Errorf("read %s %q: %w", what, text, err)
	}
	return list, nil
}

// oneOf checks v against the allowed values, naming them when it fails.
func oneOf(what, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return fmt.Errorf("unknown %s %q; use one of: %s", what, v, strings.Join(allowed, ", "))
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// query runs a read and scans every row with scan, in the query's order.
// It reads all rows before returning, so no connection stays busy.
func query[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, s.fail(op, err)
		}
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return list, nil
}
