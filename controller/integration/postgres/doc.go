// Package postgres provisions role memberships on one PostgreSQL server:
// it satisfies reconcile.Integration for integrations of type postgres in
// gatehouse.yaml.
//
// # Entitlements and accounts
//
// An entitlement is the name of a role on the server (app_readonly, say),
// usually created by the application's migrations. Granting it runs
// GRANT role TO account; revoking it runs REVOKE role FROM account. Both
// look at pg_auth_members first, so granting a membership the account
// already has, or revoking one it lacks, is success and changes nothing.
// Names are always quoted with pgx.Identifier, never spliced into SQL, so
// a role called `x"; DROP ROLE y; --` is just a name.
//
// A person's account is their gatehouse name, lower-cased: ASCII
// letters, digits, '_', and after the first character also '.' and '-';
// at most 63 bytes (PostgreSQL truncates longer names); not starting
// with pg_; not public or none, which PostgreSQL reserves. Lower case
// lets people log in with psql -U name.
//
// When the account does not exist, Grant creates it only when the
// integration's settings say createRoles: true, as a plain login role
// (LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS,
// no password: how people authenticate is the server's business).
// Otherwise Grant fails with ErrAccountMissing and says how to allow it.
//
// # What List reports
//
// List reports every login role (rolcanlogin) except PostgreSQL's own
// (pg_*), each with the roles it is a direct member of, sorted. Of
// PostgreSQL's predefined roles (pg_monitor, pg_read_all_data, ...) only
// those in the scope appear. Roles that cannot log in are left out: they
// are group roles whose memberships form the database's own role
// hierarchy (app_readwrite inside app_readonly), which the access repo
// does not own and pruning must never touch. List runs in a read-only
// transaction, so it never writes.
//
// # Protected accounts
//
// Revoke refuses, with reconcile.ErrProtected, to take anything from the
// role gatehouse itself logs in as and from superusers.
//
// # Credentials
//
// The login comes from the controller's environment (CredentialsFromEnv),
// never from the access repo: for the integration called prod-postgres,
// GATEHOUSE_POSTGRES_PROD_POSTGRES_USER and either
// GATEHOUSE_POSTGRES_PROD_POSTGRES_PASSWORD or
// GATEHOUSE_POSTGRES_PROD_POSTGRES_PASSWORD_FILE. The password never
// appears in errors: it is set on the connection configuration, never
// written into a connection string.
package postgres
