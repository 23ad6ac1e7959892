package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Keys of the PostgreSQL advisory locks the store takes, derived from
// fixed names so that every gatehouse agrees on them and other
// applications sharing the server are unlikely to collide.
var (
	// writeLockKey serializes write transactions, migrations included
	// (pg_advisory_xact_lock).
	writeLockKey = lockKey("gatehouse-write")
	// leaderLockKey is held by the replica that leads
	// (pg_try_advisory_lock, session-scoped).
	leaderLockKey = lockKey("gatehouse-leader")
)

func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// openPostgres opens the PostgreSQL database at the URL target.
func openPostgres(ctx context.Context, target string, o options) (*Store, error) {
	u, err := url.Parse(target)
	if err != nil || strings.Contains(u.Path, "@") {
		// url.Error repeats the whole URL, password included: say only
		// what is expected. An @ in the path is a password holding a /
		// that ended the host early: the path would show its end.
		return nil, errors.New("open store: the PostgreSQL URL is not valid; write it as postgres://user:password@host:5432/database (percent-encode special characters in the password)")
	}
	password, _ := u.User.Password()
	db, err := sql.Open("pgx", target)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", u.Redacted(), scrubbed(err, password))
	}
	db.SetMaxOpenConns(8)
	s := newStore(db, u.Redacted(), dialectPostgres)
	s.secret = password
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.fail("open store", err)
	}
	if err := s.migrate(ctx, o.upTo); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// postgresHint says what to do about the PostgreSQL failures an
// operator can fix, or "" for the rest.
func postgresHint(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			return "refused the login; check the user and password of the store URL (GATEHOUSE_STORE_URL)"
		case pe.Code == "3D000":
			return "does not exist; create it (CREATE DATABASE) or fix the database name in the store URL"
		case pe.Code == "42501":
			return "refused a privilege; grant the store's user ownership of the database or of its tables"
		case pe.Code == "53100":
			return "cannot grow: the server's disk is full"
		case pe.Code == "53300":
			return "has no connection slot left; raise max_connections or run fewer replicas"
		case strings.HasPrefix(pe.Code, "57P"):
			return "is shutting down or restarting; retry once it is back"
		}
		return ""
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return "cannot be reached; check the host, port and TLS settings of the store URL and that the server runs"
	}
	return ""
}

// scrub removes the store's password from err's text (S9).
func (s *Store) scrub(err error) error { return scrubbed(err, s.secret) }

// scrubbed returns err with every spelling of password in its text
// replaced by xxxxx. The result does not unwrap to err, whose text still
// holds the password, but errors.Is sees through it.
func scrubbed(err error, password string) error {
	if err == nil || password == "" {
		return err
	}
	text := err.Error()
	clean := text
	for _, p := range []string{password, url.QueryEscape(password), url.PathEscape(password), (&url.URL{User: url.UserPassword("", password)}).User.String()[1:]} {
		if p != "" {
			clean = strings.ReplaceAll(clean, p, "xxxxx")
		}
	}
	if clean == text {
		return err
	}
	return &redactedError{text: clean, err: err}
}

// redactedError is an error whose text had a password removed.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }

// Is lets errors.Is match what the original error wraps (a context's
// end, ErrNotFound) without handing out its text.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
