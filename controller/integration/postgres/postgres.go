package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// DefaultTimeout bounds each operation (a List, a Grant, a Revoke, the
// first connection) unless WithTimeout says otherwise.
const DefaultTimeout = 15 * time.Second

// maxNameLen is PostgreSQL's identifier limit (NAMEDATALEN-1 bytes);
// the server silently truncates longer names, which could make two names
// one role.
const maxNameLen = 63

// ErrAccountMissing reports a Grant to a login role that does not exist
// on a server where the integration may not create roles.
var ErrAccountMissing = errors.New("account does not exist")

// Integration provisions role memberships on one PostgreSQL server
// through a connection pool. It is safe for concurrent use; Close it when
// done.
type Integration struct {
	pool     *pgxpool.Pool
	settings model.PostgresIntegration
	addr     string        // host:port, for messages
	self     string        // the role gatehouse logs in as
	timeout  time.Duration // per operation
}

var _ reconcile.Integration = (*Integration)(nil)

// Option adjusts an Integration made by New.
type Option func(*Integration)

// WithTimeout bounds each operation by d instead of DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(i *Integration) {
		if d > 0 {
			i.timeout = d
		}
	}
}

// New connects to the server that settings name (port 5432 and database
// postgres unless set; sslMode as libpq's sslmode, libpq's default prefer
// when empty) as cred's user, and checks the login works. Credentials
// without a user give an error wrapping reconcile.ErrNotConfigured.
// Errors never contain the password.
func New(ctx context.Context, settings model.PostgresIntegration, cred Credentials, opts ...Option) (*Integration, error) {
	if cred.User == "" {
		return nil, fmt.Errorf("postgres: no login user; set the integration's credentials in the controller's environment (see CredentialsFromEnv): %w", reconcile.ErrNotConfigured)
	}
	if settings.Host == "" {
		return nil, errors.New("postgres: no host; set postgres.host for the integration in gatehouse.yaml")
	}
	if settings.Port == 0 {
		settings.Port = 5432
	}
	if settings.Database == "" {
		settings.Database = "postgres"
	}
	i := &Integration{
		settings: settings,
		addr:     net.JoinHostPort(settings.Host, strconv.Itoa(settings.Port)),
		timeout:  DefaultTimeout,
	}
	for _, o := range opts {
		o(i)
	}

	// The connection string holds no password: ParseConfigError quotes
	// the string it could not parse, so the password is set on the
	// parsed configuration instead.
	conn := fmt.Sprintf("host=%s port=%d dbname=%s user=%s connect_timeout=%d application_name=gatehouse",
		kvQuote(settings.Host), settings.Port, kvQuote(settings.Database), kvQuote(cred.User), max(1, int(i.timeout.Seconds())))
	if settings.SSLMode != "" {
		conn += " sslmode=" + kvQuote(settings.SSLMode)
	}
	cfg, err := pgxpool.ParseConfig(conn)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: read the connection settings (host, port, database, sslMode in gatehouse.yaml): %w", i.addr, err)
	}
	cfg.ConnConfig.Password = cred.Password
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: set up the connection pool: %w", i.addr, err)
	}
	i.pool = pool

	octx, cancel := i.op(ctx)
	defer cancel()
	if err := pool.QueryRow(octx, "SELECT session_user::text").Scan(&i.self); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: connect as %s to database %s: %w; check the server is reachable and the credentials are right",
			i.addr, cred.User, settings.Database, err)
	}
	return i, nil
}

// kvQuote quotes a value for a keyword/value connection string.
func kvQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Close closes the connection pool.
func (i *Integration) Close() {
	if i.pool != nil {
		i.pool.Close()
	}
}

// Capabilities reports that the integration lists, grants and revokes.
func (i *Integration) Capabilities() reconcile.Capabilities {
	return reconcile.Capabilities{List: true, Grant: true, Revoke: true}
}

var accountRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]*$`)

// AccountFor returns the person's login role: their name, lower-cased,
// when it is a name the integration accepts (see the package doc).
func (i *Integration) AccountFor(p *model.Person) (string, error) {
	name := strings.ToLower(p.Name)
	var why string
	switch {
	case name == "":
		why = "the person has no name"
	case len(name) > maxNameLen:
		why = fmt.Sprintf("it is longer than PostgreSQL's %d bytes", maxNameLen)
	case !accountRE.MatchString(name):
		why = "it may hold only ASCII letters, digits, '.', '_' and '-', starting with a letter, digit or '_'"
	case strings.HasPrefix(name, "pg_"):
		why = "PostgreSQL reserves names starting with pg_"
	case name == "public" || name == "none":
		why = "PostgreSQL reserves it"
	default:
		return name, nil
	}
	return "", fmt.Errorf("postgres account for person %q: %q cannot be a role name: %s; rename the person or provision this system by hand", p.Name, name, why)
}

// checkName refuses a role name PostgreSQL would change or reject:
// empty, too long (it would be truncated) or holding a NUL byte (quoting
// would drop it).
func checkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty %s name", what)
	case len(name) > maxNameLen:
		return fmt.Errorf("%s name %q is longer than PostgreSQL's %d bytes", what, name, maxNameLen)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%s name %q holds a NUL byte", what, name)
	}
	return nil
}

func (i *Integration) op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, i.timeout)
}

const listSQL = `
SELECT m.rolname::text, coalesce(r.rolname::text, '')
FROM pg_catalog.pg_roles m
LEFT JOIN pg_catalog.pg_auth_members am ON am.member = m.oid
LEFT JOIN pg_catalog.pg_roles r ON r.oid = am.roleid
WHERE m.rolcanlogin AND m.rolname !~ '^pg_'`

// List returns every login role with the roles it is a direct member of
// (see the package doc for which), sorted by name. It reads in a
// read-only transaction.
func (i *Integration) List(ctx context.Context, scope []string) ([]reconcile.Account, error) {
	ctx, cancel := i.op(ctx)
	defer cancel()
	tx, err := i.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("postgres %s: list login roles: %w", i.addr, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only: nothing to keep
	rows, err := tx.Query(ctx, listSQL)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: list login roles: %w", i.addr, err)
	}
	held := map[string]map[string]bool{}
	var account, role string
	_, err = pgx.ForEachRow(rows, []any{&account, &role}, func() error {
		if held[account] == nil {
			held[account] = map[string]bool{}
		}
		if role != "" && (!strings.HasPrefix(role, "pg_") || slices.Contains(scope, role)) {
			held[account][role] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres %s: list login roles: %w", i.addr, err)
	}
	return reconcile.AccountsOf(held), nil
}

// roleState is what the server says about an account and a role.
type roleState struct {
	account, super, role, member bool
}

const stateSQL = `
SELECT a.oid IS NOT NULL, coalesce(a.rolsuper, false), r.oid IS NOT NULL,
       EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members am WHERE am.member = a.oid AND am.roleid = r.oid)
FROM (SELECT 1) AS one
LEFT JOIN pg_catalog.pg_roles a ON a.rolname = $1::text
LEFT JOIN pg_catalog.pg_roles r ON r.rolname = $2::text`

func state(ctx context.Context, tx pgx.Tx, account, role string) (roleState, error) {
	var s roleState
	err := tx.QueryRow(ctx, stateSQL, account, role).Scan(&s.account, &s.super, &s.role, &s.member)
	return s, err
}

// change runs fn in a transaction, given what the server says about
// account and role, and commits what fn did. Errors start with what.
func (i *Integration) change(ctx context.Context, what, account, role string, fn func(context.Context, pgx.Tx, roleState) error) error {
	if err := errors.Join(checkName("account", account), checkName("role", role)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	ctx, cancel := i.op(ctx)
	defer cancel()
	tx, err := i.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit this is a no-op
	s, err := state(ctx, tx, account, role)
	if err != nil {
		return fmt.Errorf("%s: look up the roles: %w", what, err)
	}
	if err := fn(ctx, tx, s); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// Grant makes account a member of the role entitlement. A membership it
// already has is success. An account that does not exist is created as a
// login role when the settings say createRoles: true; otherwise Grant
// fails with ErrAccountMissing.
func (i *Integration) Grant(ctx context.Context, account, entitlement string) error {
	what := fmt.Sprintf("postgres %s: grant %s to %s", i.addr, entitlement, account)
	return i.change(ctx, what, account, entitlement, func(ctx context.Context, tx pgx.Tx, s roleState) error {
		switch {
		case !s.role:
			return fmt.Errorf("role %s does not exist; create it on the server (usually the application's migrations do) or correct the access level's entitlement", entitlement)
		case s.member:
			return nil
		case !s.account && !i.settings.CreateRoles:
			return fmt.Errorf("%w: no login role %s on the server; create it there, or set createRoles: true in the integration's postgres settings in gatehouse.yaml to let gatehouse create login roles",
				ErrAccountMissing, account)
		case !s.account:
			if err := createLogin(ctx, tx, account); err != nil {
				return fmt.Errorf("create login role %s: %w", account, i.privilegeHint(err))
			}
		}
		if _, err := tx.Exec(ctx, "GRANT "+ident(entitlement)+" TO "+ident(account)); err != nil {
			return i.privilegeHint(err)
		}
		return nil
	})
}

// createLogin creates a plain login role; one created meanwhile by
// someone else is fine.
func createLogin(ctx context.Context, tx pgx.Tx, account string) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.Exec(ctx, "CREATE ROLE "+ident(account)+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
	if sqlState(err) == "42710" { // duplicate_object
		return sp.Rollback(ctx)
	}
	if err != nil {
		sp.Rollback(ctx) //nolint:errcheck // the statement's error says more
		return err
	}
	return sp.Commit(ctx)
}

// Revoke ends account's membership in the role entitlement. A membership
// it does not have (or an account or role that does not exist) is
// success. It refuses with reconcile.ErrProtected to revoke from the role
// gatehouse logs in as and from superusers.
func (i *Integration) Revoke(ctx context.Context, account, entitlement string) error {
	what := fmt.Sprintf("postgres %s: revoke %s from %s", i.addr, entitlement, account)
	if account == i.self {
		return fmt.Errorf("%s: %w: it is the role gatehouse logs in as", what, reconcile.ErrProtected)
	}
	return i.change(ctx, what, account, entitlement, func(ctx context.Context, tx pgx.Tx, s roleState) error {
		if s.super {
			return fmt.Errorf("%w: %s is a superuser", reconcile.ErrProtected, account)
		}
		if !s.member {
			return nil
		}
		if _, err := tx.Exec(ctx, "REVOKE "+ident(entitlement)+" FROM "+ident(account)); err != nil {
			return i.privilegeHint(err)
		}
		// PostgreSQL 16 and later revoke only the grants gatehouse's
		// login made and merely warn about others: check the membership
		// is gone.
		s, err := state(ctx, tx, account, entitlement)
		if err != nil {
			return fmt.Errorf("check the membership ended: %w", err)
		}
		if s.member {
			return errors.New("the membership remains because another role granted it; revoke it as that role or a superuser (see pg_auth_members.grantor)")
		}
		return nil
	})
}

// ident quotes a role name for SQL.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// privilegeHint adds what to do to a permission error.
func (i *Integration) privilegeHint(err error) error {
	if sqlState(err) == "42501" { // insufficient_privilege
		return fmt.Errorf("%w; give gatehouse's login %s CREATEROLE, or ADMIN OPTION on the role (GRANT role TO %s WITH ADMIN OPTION)", err, i.self, i.self)
	}
	return err
}
