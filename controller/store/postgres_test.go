package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres/pgtest"
)

func pgtestServer(t testing.TB) *pgtest.Server {
	t.Helper()
	return pgtest.Get(t)
}

// TestConcurrentMigrations starts several replicas at once on a fresh
// PostgreSQL database: every Open succeeds and each step is applied
// once.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	target := postgresTarget(t)
	const replicas = 4
	stores := make([]*Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, target) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	want := []int{}
	for v := 1; v <= SchemaVersion(); v++ {
		want = append(want, v)
	}
	if got := schemaVersions(t, stores[0]); !slices.Equal(got, want) {
		t.Fatalf("versions = %v, want %v", got, want)
	}
}

// TestS9StoreURLPasswordNeverInErrors: the password of a store URL shows
// in neither Path nor any error, whatever fails.
func TestS9StoreURLPasswordNeverInErrors(t *testing.T) {
	ctx := context.Background()
	srv := pgtestServer(t)
	const user, password = "store_s9", "Sup3r-s3cret/p@ss"
	if err := srv.Exec(ctx, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", user, password)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Exec(ctx, "DROP ROLE "+user) })
	db := newDatabase(t, srv, user)
	at := func(pw, database string) string {
		u := url.URL{Scheme: "postgres", User: url.UserPassword(user, pw),
			Host: fmt.Sprintf("%s:%d", srv.Host, srv.Port), Path: "/" + database, RawQuery: "sslmode=disable"}
		return u.String()
	}
	clean := func(what, text string) {
		t.Helper()
		for _, p := range []string{password, url.QueryEscape(password), url.PathEscape(password), "s3cret"} {
			if strings.Contains(text, p) {
				t.Errorf("%s shows the password: %s", what, text)
			}
		}
	}

	s, err := Open(ctx, at(password, db))
	if err != nil {
		t.Fatal(err)
	}
	clean("Path", s.Path())
	if !strings.Contains(s.Path(), user) || !strings.Contains(s.Path(), db) {
		t.Errorf("Path = %q, want the user and the database", s.Path())
	}
	if _, err := s.Intend(ctx, grantAction("alice", "member")); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, 42, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Finish of an unknown id: %v", err)
	} else {
		clean("a failed write", err.Error())
	}
	s.Close()
	_, err = s.Pending(ctx)
	if err == nil {
		t.Fatal("Pending on a closed store succeeded")
	}
	clean("a read on a closed store", err.Error())

	for _, tc := range []struct {
		name, target, want string
	}{
		{"wrong password", at(password+"x", db), "check the user and password"},
		{"no such database", at(password, "store_s9_missing"), "does not exist"},
		{"no server", strings.Replace(at(password, db), fmt.Sprint(srv.Port), "1", 1), "cannot be reached"},
		{"not a URL", "postgres://" + user + ":" + password + "@host:port/db", "not valid"},
		{"unescaped slash", "postgres://" + user + ":123/s3cret@host/db", "not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.target)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			clean("the error", err.Error())
			t.Log(err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}

	// Whatever a driver puts in an error, the store scrubs the password.
	leak := fmt.Errorf("dial %s: %w", at(password, db), context.Canceled)
	s2 := &Store{secret: password}
	got := s2.scrub(leak)
	clean("a scrubbed error", got.Error())
	if !errors.Is(got, context.Canceled) {
		t.Errorf("the scrubbed error no longer matches what it wrapped: %v", got)
	}
}

// TestDialectsHaveTheSameSchema compares the tables, columns and
// indexes the two dialects' migrations create.
func TestDialectsHaveTheSameSchema(t *testing.T) {
	ctx := context.Background()
	lite, _ := openTest(t, sqliteBackend)
	pg, _ := openTest(t, postgresBackend)
	read := func(s *Store, q string) []string {
		t.Helper()
		list, err := query(ctx, s, "read the schema", scanString, q)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(list)
		return list
	}
	for _, c := range []struct{ what, sqlite, postgres string }{
		{"columns",
			`SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
				WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
			`SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'`},
		{"indexes",
			`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'`,
			`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'`},
		{"not-null columns",
			`SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
				WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND (p."notnull" = 1 OR p.pk > 0)`,
			`SELECT table_name || '.' || column_name FROM information_schema.columns
				WHERE table_schema = 'public' AND is_nullable = 'NO'`},
	} {
		if a, b := read(lite, c.sqlite), read(pg, c.postgres); !slices.Equal(a, b) {
			t.Errorf("%s differ:\nsqlite:   %v\npostgres: %v", c.what, a, b)
		}
	}
}
