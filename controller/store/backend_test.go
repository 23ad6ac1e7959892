package store

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres/pgtest"
)

// TestMain starts a throwaway PostgreSQL server for the tests that run
// on both backends. The child process of TestIntentSurvivesKill needs
// none: it is killed, and would leave its server running.
func TestMain(m *testing.M) {
	if os.Getenv("GATEHOUSE_STORE_CRASH_CHILD") != "" {
		os.Exit(m.Run())
	}
	os.Exit(pgtest.Main(m))
}

// backend is a kind of database the store runs on.
type backend struct {
	name string
	// newTarget returns what Open takes for a fresh, empty database,
	// removed when t ends.
	newTarget func(t testing.TB) string
}

var (
	sqliteBackend   = backend{"sqlite", sqliteTarget}
	postgresBackend = backend{"postgres", postgresTarget}
	// backends are those every behaviour of the store is tested on.
	backends = []backend{sqliteBackend, postgresBackend}
)

// forBackends runs test once per backend, as a subtest named after it.
func forBackends(t *testing.T, test func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

// sqliteTarget is a file in a fresh directory.
func sqliteTarget(t testing.TB) string {
	return filepath.Join(t.TempDir(), "state", "gatehouse.db")
}

// dbSeq numbers the databases made on the test server.
var dbSeq atomic.Int64

// postgresTarget is a fresh database on the test server, owned by its
// superuser, dropped when t ends.
func postgresTarget(t testing.TB) string {
	t.Helper()
	srv := pgtest.Get(t)
	name := newDatabase(t, srv, pgtest.Superuser)
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", pgtest.Superuser, srv.Host, srv.Port, name)
}

// newDatabase creates a database owned by owner and returns its name.
func newDatabase(t testing.TB, srv *pgtest.Server, owner string) string {
	t.Helper()
	name := fmt.Sprintf("store_test_%d", dbSeq.Add(1))
	ctx := context.Background()
	if err := srv.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, owner)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop the test database: %v", err)
		}
	})
	return name
}

// databaseName is the database of a PostgreSQL target.
func databaseName(t testing.TB, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// openTest opens a store on a fresh database of backend b, with a test
// clock, closed when the test ends, and returns it with its target.
func openTest(t testing.TB, b backend) (*Store, string) {
	t.Helper()
	target := b.newTarget(t)
	s, err := Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	s.now = newClock().now
	t.Cleanup(func() { s.Close() })
	return s, target
}
