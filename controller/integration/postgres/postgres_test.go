package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres/pgtest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// login is the role the integration logs in as, like a production
// controller: CREATEROLE, a SCRAM password, no superuser.
const login = "gatehouse"

var (
	loginOnce     sync.Once
	loginPassword string
	loginErr      error
)

// server returns the test server with the login role in place.
func server(t *testing.T) *pgtest.Server {
	t.Helper()
	srv := pgtest.Get(t)
	loginOnce.Do(func() {
		b := make([]byte, 16)
		rand.Read(b)
		loginPassword = "pw-" + hex.EncodeToString(b)
		loginErr = srv.Exec(context.Background(),
			"CREATE ROLE "+quote(login)+" LOGIN CREATEROLE PASSWORD '"+loginPassword+"'")
	})
	if loginErr != nil {
		t.Fatalf("create the login role: %v", loginErr)
	}
	return srv
}

// connect makes an integration on the test server.
func connect(t *testing.T, createRoles bool) (*Integration, *pgtest.Server) {
	t.Helper()
	srv := server(t)
	settings := srv.Settings()
	settings.CreateRoles = createRoles
	in, err := New(context.Background(), settings, Credentials{User: login, Password: loginPassword})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(in.Close)
	return in, srv
}

// roles creates roles as the superuser (each "name" or "name LOGIN ...")
// and drops them when the test ends, with any role named in also.
func roles(t *testing.T, srv *pgtest.Server, specs []string, also ...string) {
	t.Helper()
	ctx := context.Background()
	var names []string
	for _, spec := range specs {
		name, opts, _ := strings.Cut(spec, " ")
		names = append(names, name)
		exec(t, srv, "CREATE ROLE "+quote(name)+" "+opts)
	}
	names = append(names, also...)
	t.Cleanup(func() {
		for _, n := range slices.Backward(names) {
			if err := srv.Exec(ctx, "DROP ROLE IF EXISTS "+quote(n)); err != nil {
				t.Errorf("clean up: %v", err)
			}
		}
	})
}

// quote quotes a name for the tests' own SQL, independently of the
// package's ident.
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

func exec(t *testing.T, srv *pgtest.Server, statements ...string) {
	t.Helper()
	if err := srv.Exec(context.Background(), statements...); err != nil {
		t.Fatal(err)
	}
}

// query returns one boolean the superuser reads.
func query(t *testing.T, srv *pgtest.Server, sql string, args ...any) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := srv.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var b bool
	if err := conn.QueryRow(ctx, sql, args...).Scan(&b); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return b
}

func isMember(t *testing.T, srv *pgtest.Server, account, role string) bool {
	t.Helper()
	return query(t, srv, `SELECT EXISTS (SELECT 1 FROM pg_auth_members am
		JOIN pg_roles m ON m.oid = am.member JOIN pg_roles r ON r.oid = am.roleid
		WHERE m.rolname = $1 AND r.rolname = $2)`, account, role)
}

func roleExists(t *testing.T, srv *pgtest.Server, name string) bool {
	t.Helper()
	return query(t, srv, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", name)
}

// held returns the entitlements List reports for account, and whether
// List reports the account at all.
func held(t *testing.T, in *Integration, scope []string, account string) ([]string, bool) {
	t.Helper()
	accounts, err := in.List(context.Background(), scope)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if !slices.IsSortedFunc(accounts, func(a, b reconcile.Account) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("List is not sorted by account: %v", accounts)
	}
	for _, a := range accounts {
		if strings.HasPrefix(a.ID, "pg_") {
			t.Errorf("List reports PostgreSQL's own role %s", a.ID)
		}
		if a.ID == account {
			return a.Entitlements, true
		}
	}
	return nil, false
}

func TestGrantRevokeRoundTrip(t *testing.T) {
	in, srv := connect(t, false)
	ctx := context.Background()
	roles(t, srv, []string{"rt_read", "rt_write", "rt_alice LOGIN"})
	exec(t, srv,
		"GRANT rt_read TO rt_write",
		"GRANT rt_read TO "+login+" WITH ADMIN OPTION",
		"GRANT rt_write TO "+login+" WITH ADMIN OPTION",
		"GRANT pg_monitor TO rt_alice")

	steps := []struct {
		name string
		op   func() error
		want []string
	}{
		{"grant", func() error { return in.Grant(ctx, "rt_alice", "rt_read") }, []string{"rt_read"}},
		{"grant again", func() error { return in.Grant(ctx, "rt_alice", "rt_read") }, []string{"rt_read"}},
		{"grant another", func() error { return in.Grant(ctx, "rt_alice", "rt_write") }, []string{"rt_read", "rt_write"}},
		{"revoke", func() error { return in.Revoke(ctx, "rt_alice", "rt_read") }, []string{"rt_write"}},
		{"revoke again", func() error { return in.Revoke(ctx, "rt_alice", "rt_read") }, []string{"rt_write"}},
		{"revoke a role that does not exist", func() error { return in.Revoke(ctx, "rt_alice", "rt_nothing") }, []string{"rt_write"}},
		{"revoke from an account that does not exist", func() error { return in.Revoke(ctx, "rt_nobody", "rt_write") }, []string{"rt_write"}},
		{"revoke the last", func() error { return in.Revoke(ctx, "rt_alice", "rt_write") }, []string{}},
	}
	for _, s := range steps {
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, ok := held(t, in, []string{"rt_read", "rt_write"}, "rt_alice")
		if !ok || !slices.Equal(got, s.want) {
			t.Fatalf("after %s: List reports rt_alice with %v (listed: %v), want %v", s.name, got, ok, s.want)
		}
	}
	// The membership of rt_write in rt_read is the database's own
	// hierarchy: neither listed nor touched.
	if _, ok := held(t, in, []string{"rt_read"}, "rt_write"); ok {
		t.Error("List reports the group role rt_write as an account")
	}
	if !isMember(t, srv, "rt_write", "rt_read") {
		t.Error("the hierarchy rt_write -> rt_read is gone")
	}
}

func TestListPredefinedRolesOnlyInScope(t *testing.T) {
	in, srv := connect(t, false)
	roles(t, srv, []string{"ls_bob LOGIN", "ls_app"})
	exec(t, srv, "GRANT pg_monitor TO ls_bob", "GRANT ls_app TO ls_bob")
	for _, c := range []struct {
		name  string
		scope []string
		want  []string
	}{
		{"no scope", nil, []string{"ls_app"}},
		{"other scope", []string{"pg_read_all_data"}, []string{"ls_app"}},
		{"pg_monitor in scope", []string{"pg_monitor"}, []string{"ls_app", "pg_monitor"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := held(t, in, c.scope, "ls_bob")
			if !ok || !slices.Equal(got, c.want) {
				t.Errorf("List(%v) reports ls_bob with %v (listed: %v), want %v", c.scope, got, ok, c.want)
			}
		})
	}
	if _, ok := held(t, in, nil, login); !ok {
		t.Errorf("List leaves out the login role %s", login)
	}
}

func TestGrantCreatesLoginRoleOnlyWhenAllowed(t *testing.T) {
	for _, c := range []struct {
		name        string
		createRoles bool
	}{
		{"createRoles true", true},
		{"createRoles false", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, srv := connect(t, c.createRoles)
			roles(t, srv, []string{"cr_app"}, "cr_carol")
			exec(t, srv, "GRANT cr_app TO "+login+" WITH ADMIN OPTION")
			err := in.Grant(context.Background(), "cr_carol", "cr_app")
			if !c.createRoles {
				if !errors.Is(err, ErrAccountMissing) || !strings.Contains(err.Error(), "createRoles: true") {
					t.Fatalf("Grant = %v, want ErrAccountMissing saying how to allow creating roles", err)
				}
				if roleExists(t, srv, "cr_carol") {
					t.Error("Grant created the role although createRoles is false")
				}
				return
			}
			if err != nil {
				t.Fatalf("Grant: %v", err)
			}
			if !query(t, srv, `SELECT rolcanlogin AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)
				FROM pg_roles WHERE rolname = 'cr_carol'`) {
				t.Error("cr_carol is not a plain login role")
			}
			if !isMember(t, srv, "cr_carol", "cr_app") {
				t.Error("cr_carol was created but not granted cr_app")
			}
		})
	}
}

func TestGrantErrors(t *testing.T) {
	in, srv := connect(t, true)
	roles(t, srv, []string{"ge_dave LOGIN", "ge_guarded SUPERUSER"})
	for _, c := range []struct {
		name, account, role string
		want                string
	}{
		{"role missing", "ge_dave", "ge_missing", "role ge_missing does not exist"},
		{"no right to grant it", "ge_dave", "ge_guarded", "ADMIN OPTION"},
		{"empty role", "ge_dave", "", "empty role name"},
		{"name too long", "ge_dave", strings.Repeat("r", 64), "longer than PostgreSQL's 63 bytes"},
		{"NUL byte", "ge\x00dave", "ge_guarded", "NUL byte"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := in.Grant(context.Background(), c.account, c.role)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Grant(%q, %q) = %v, want an error containing %q", c.account, c.role, err, c.want)
			}
		})
	}
	if roleExists(t, srv, "ge_missing") || isMember(t, srv, "ge_dave", "ge_guarded") {
		t.Error("a failed Grant changed the server")
	}
}

func TestRevokeProtected(t *testing.T) {
	in, srv := connect(t, false)
	roles(t, srv, []string{"pr_app", "pr_root LOGIN SUPERUSER"})
	exec(t, srv,
		"GRANT pr_app TO "+login+" WITH ADMIN OPTION",
		"GRANT pr_app TO pr_root",
		"GRANT pr_app TO "+pgtest.Superuser)
	t.Cleanup(func() { exec(t, srv, "REVOKE pr_app FROM "+pgtest.Superuser) })
	for _, c := range []struct{ name, account string }{
		{"the login itself", login},
		{"a superuser", "pr_root"},
		{"the cluster's superuser", pgtest.Superuser},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := in.Revoke(context.Background(), c.account, "pr_app")
			if !errors.Is(err, reconcile.ErrProtected) {
				t.Fatalf("Revoke(%s) = %v, want ErrProtected", c.account, err)
			}
			if !isMember(t, srv, c.account, "pr_app") {
				t.Errorf("Revoke(%s) refused but revoked anyway", c.account)
			}
		})
	}
}

func TestNamesCannotInjectSQL(t *testing.T) {
	in, srv := connect(t, true)
	const (
		victim = "inj_victim"
		role   = `x"; DROP ROLE inj_victim; --`
		user   = `eve'; DROP ROLE inj_victim; -- "`
		spaced = "inj frank smith"
	)
	roles(t, srv, []string{victim}, role, user, spaced)
	exec(t, srv, "CREATE ROLE "+quote(role), "GRANT "+quote(role)+" TO "+login+" WITH ADMIN OPTION")
	ctx := context.Background()
	for _, account := range []string{user, spaced} {
		if err := in.Grant(ctx, account, role); err != nil {
			t.Fatalf("Grant(%q, %q): %v", account, role, err)
		}
		if got, ok := held(t, in, nil, account); !ok || !slices.Equal(got, []string{role}) {
			t.Errorf("List reports %q with %v (listed: %v), want the role by its exact name", account, got, ok)
		}
		if err := in.Revoke(ctx, account, role); err != nil {
			t.Fatalf("Revoke(%q, %q): %v", account, role, err)
		}
		if isMember(t, srv, account, role) {
			t.Errorf("%q still holds the role after Revoke", account)
		}
	}
	if !roleExists(t, srv, victim) {
		t.Fatal("a name was run as SQL: inj_victim was dropped")
	}
}

func TestListWorksOnAServerThatRefusesWrites(t *testing.T) {
	srv := server(t)
	ctx := context.Background()
	roles(t, srv, []string{"ro_app", "ro_reader LOGIN PASSWORD 'ro-pass'"})
	exec(t, srv,
		"GRANT ro_app TO ro_reader",
		"ALTER ROLE ro_reader SET default_transaction_read_only = on",
		"ALTER ROLE ro_reader CREATEROLE")
	in, err := New(ctx, srv.Settings(), Credentials{User: "ro_reader", Password: "ro-pass"})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if got, ok := held(t, in, nil, "ro_reader"); !ok || !slices.Equal(got, []string{"ro_app"}) {
		t.Errorf("List reports ro_reader with %v (listed: %v), want [ro_app]", got, ok)
	}
	// The same login cannot write, so the List above wrote nothing.
	if err := in.Grant(ctx, "ro_reader", "pg_monitor"); err == nil {
		t.Fatal("Grant succeeded on a read-only login: the test proves nothing")
	}
}

func TestNew(t *testing.T) {
	srv := server(t)
	ctx := context.Background()

	// A port that accepts and never answers: New must give up in time.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	settings := func(change func(*model.PostgresIntegration)) model.PostgresIntegration {
		s := srv.Settings()
		change(&s)
		return s
	}
	const secret = `s3cr3t-'quoted'\pw`
	for _, c := range []struct {
		name     string
		settings model.PostgresIntegration
		cred     Credentials
		want     string
		is       error
	}{
		{"no user", srv.Settings(), Credentials{Password: secret}, "set the integration's credentials", reconcile.ErrNotConfigured},
		{"no host", settings(func(s *model.PostgresIntegration) { s.Host = "" }), Credentials{User: login, Password: secret}, "set postgres.host", nil},
		{"wrong password", srv.Settings(), Credentials{User: login, Password: secret}, "password authentication failed", nil},
		{"unknown user", srv.Settings(), Credentials{User: "nobody_here", Password: secret}, "nobody_here", nil},
		{"connection refused", settings(func(s *model.PostgresIntegration) { s.Port = closedPort }), Credentials{User: login, Password: secret}, "check the server is reachable", nil},
		{"bad sslMode", settings(func(s *model.PostgresIntegration) { s.SSLMode = "sometimes" }), Credentials{User: login, Password: secret}, "sslMode", nil},
		{"TLS required, server has none", settings(func(s *model.PostgresIntegration) { s.SSLMode = "require" }), Credentials{User: login, Password: secret}, "TLS", nil},
		{"server never answers", settings(func(s *model.PostgresIntegration) {
			s.Port = silent.Addr().(*net.TCPAddr).Port
		}), Credentials{User: login, Password: secret}, "connect as", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			in, err := New(ctx, c.settings, c.cred, WithTimeout(500*time.Millisecond))
			if err == nil {
				in.Close()
				t.Fatal("New succeeded")
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("New took %v with a 500ms timeout", d)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, "s3cr3t") {
				t.Errorf("the error shows the password: %s", msg)
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("New = %q, want it to say %q", msg, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("New = %v, want it to wrap %v", err, c.is)
			}
		})
	}
}

func TestCredentialsFromEnvConnect(t *testing.T) {
	srv := server(t)
	file := t.TempDir() + "/password"
	if err := os.WriteFile(file, []byte(loginPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	prefix := EnvPrefix("test-db")
	env := map[string]string{prefix + "_USER": login, prefix + "_PASSWORD_FILE": file}
	cred, err := CredentialsFromEnv(prefix, func(k string) string { return env[k] }, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(context.Background(), srv.Settings(), cred)
	if err != nil {
		t.Fatalf("New with credentials from a password file: %v", err)
	}
	in.Close()
}

func TestS9ErrorsNeverShowThePassword(t *testing.T) {
	in, _ := connect(t, false)
	ctx := context.Background()
	for _, err := range []error{
		in.Grant(ctx, "nobody_at_all", "pg_monitor"),
		in.Grant(ctx, login, "no_such_role"),
		in.Revoke(ctx, login, "pg_monitor"),
	} {
		if err == nil {
			t.Fatal("want an error")
		}
		if strings.Contains(err.Error(), loginPassword) {
			t.Errorf("error shows the password: %v", err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := in.List(cancelled, nil); err == nil || strings.Contains(err.Error(), loginPassword) {
		t.Errorf("List on a cancelled context = %v, want an error without the password", err)
	}
}
