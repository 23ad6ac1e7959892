package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a test clock that advances one second per reading, so every
// time the store stamps is distinct and predictable.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// TestOpenConfiguresDatabase is SQLite's: PostgreSQL has no PRAGMAs, and
// its durability is the server's.
func TestOpenConfiguresDatabase(t *testing.T) {
	s, path := openTest(t, sqliteBackend)
	ctx := context.Background()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created in its state directory: %v", err)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "2",
	} {
		var got string
		if err := s.db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

// TestOpenMemory is SQLite's: only SQLite has an in-memory store.
func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	s, err := OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Intend(ctx, Action{Integration: "github", Account: "alice", Entitlement: "member", Op: OpGrant}); err != nil {
		t.Fatal(err)
	}
	// Every call must see the same database, however the pool hands out
	// connections.
	for range 3 {
		p, err := s.Pending(ctx)
		if err != nil || len(p) != 1 {
			t.Fatalf("Pending = %v, %v; want the one intended action", p, err)
		}
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func schemaVersions(t *testing.T, s *Store) []int {
	t.Helper()
	vs, err := query(context.Background(), s, "read versions", func(r scanner) (int, error) {
		var v int
		return v, r.Scan(&v)
	}, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestReopenAppliesNothing(t *testing.T) { forBackends(t, testReopenAppliesNothing) }

func testReopenAppliesNothing(t *testing.T, b backend) {
	s, path := openTest(t, b)
	first := schemaVersions(t, s)
	if len(first) != SchemaVersion() || SchemaVersion() == 0 {
		t.Fatalf("versions %v after Open, want 1..%d", first, SchemaVersion())
	}
	s.Close()
	for range 2 {
		s2, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaVersions(t, s2); len(got) != len(first) {
			t.Errorf("versions %v after reopening, want %v", got, first)
		}
		s2.Close()
	}
}

func TestMigrationsAreNumbered(t *testing.T) {
	sqlite, err := migrations(dialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := migrations(dialectPostgres)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range [][]migration{sqlite, postgres} {
		for i, m := range list {
			if m.version != i+1 || strings.TrimSpace(m.sql) == "" {
				t.Errorf("migration %d: %s version %d, %d bytes", i, m.name, m.version, len(m.sql))
			}
		}
	}
	// Both dialects have every step, under the same name.
	if len(postgres) != len(sqlite) {
		t.Fatalf("%d PostgreSQL migrations for %d SQLite ones", len(postgres), len(sqlite))
	}
	for i := range sqlite {
		if sqlite[i].name != postgres[i].name {
			t.Errorf("migration %d is %s for SQLite, %s for PostgreSQL", i+1, sqlite[i].name, postgres[i].name)
		}
	}
}

func TestRefusesNewerSchema(t *testing.T) { forBackends(t, testRefusesNewerSchema) }

func testRefusesNewerSchema(t *testing.T, b backend) {
	s, path := openTest(t, b)
	if _, err := s.db.Exec(s.dialect.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future.sql', 0)`), SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer than this gatehouse") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a newer database: %v; want an error naming the file and the version", err)
	}
}

// TestOpenErrorsSayWhatToDo covers SQLite's files; PostgreSQL's errors
// are TestS9StoreURLPasswordNeverInErrors's.
func TestOpenErrorsSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database; ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), garbage)
	if err == nil {
		t.Fatal("Open of a file that is not a database succeeded")
	}
	for _, want := range []string{garbage, "not a gatehouse database", "move it aside"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "_pragma") || strings.Contains(err.Error(), "file:") {
		t.Errorf("error %q shows the connection string", err)
	}
	if _, err := Open(context.Background(), ""); err == nil {
		t.Error("Open with no path succeeded")
	}
}

// TestLockedDatabaseSaysWhatToDo is SQLite's: PostgreSQL writers wait
// for each other's row and advisory locks under their context instead of
// failing as busy.
func TestLockedDatabaseSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gatehouse.db")
	ctx := context.Background()
	s, err := open(ctx, path, options{busyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Another process holding the write lock.
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Intend(ctx, Action{Integration: "github", Account: "alice", Entitlement: "member", Op: OpGrant})
	if err == nil {
		t.Fatal("Intend succeeded while another process held the write lock")
	}
	for _, want := range []string{path, "locked by another process", "stop the other gatehouse"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Intend(ctx, Action{Integration: "github", Account: "alice", Entitlement: "member", Op: OpGrant}); err != nil {
		t.Fatalf("Intend after the lock was released: %v", err)
	}
}

func TestErrNotFoundIsKept(t *testing.T) { forBackends(t, testErrNotFoundIsKept) }

func testErrNotFoundIsKept(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	err := s.Finish(context.Background(), 42, nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "action 42") {
		t.Fatalf("Finish of an unknown id: %v; want ErrNotFound naming the id", err)
	}
}

func TestWritesGiveUpWithTheirContext(t *testing.T) { forBackends(t, testWritesGiveUpWithTheirContext) }

func testWritesGiveUpWithTheirContext(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	// Hold the process's write slot, as a long write would.
	s.writeSlot <- struct{}{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := s.Intend(ctx, grantAction("alice", "member"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Intend while another write runs, past its deadline: %v", err)
	}
	<-s.writeSlot
	if _, err := s.Intend(context.Background(), grantAction("alice", "member")); err != nil {
		t.Fatal(err)
	}
}
