// Package store keeps the controller's state between runs: the journal
// of reconcile actions (intended before they run, done or failed after,
// S11), the grants gatehouse manages, the lifecycle of every access
// request, the append-only audit log, integration snapshots with the
// entitlement catalogue, webhook deliveries seen (replay protection, S6)
// and the decisions recorded for merged pull requests (S13).
//
// # Backends
//
// The state lives in one of two databases, chosen by the target given to
// Open:
//
//   - a file path opens SQLite (pure Go, embedded), by default
//     gatehouse.db under the state directory: one gatehouse process, no
//     server to run;
//   - a postgres:// or postgresql:// URL opens PostgreSQL through pgx,
//     for several replicas sharing one database, one of them leading.
//     The database must exist; the store creates its tables. The URL
//     holds a password, so it is never shown: Path and every error carry
//     it redacted (S9).
//
// Both give the same Store with the same methods and semantics.
//
// # Opening
//
// Open on a file creates it and its directory, turns on WAL mode, a busy
// timeout and foreign keys; OpenMemory gives tests an empty SQLite
// database that lives as long as the Store. Open on a URL connects and
// checks the server answers. Either way it applies any migrations the
// database lacks.
//
// One Store is safe for use by many goroutines. Writes are serialized in
// the process, and across processes too: SQLite's transactions take the
// write lock up front, so a second gatehouse on the same file waits for
// the busy timeout instead of failing at once; PostgreSQL's take a
// transaction-scoped advisory lock first, so replicas write one at a
// time and a read-then-write sees no concurrent writer.
//
// # Leader election
//
// Lead blocks until the caller's Store holds the store's leader lock:
// of the gatehouse processes sharing one store, only the leader
// reconciles and answers webhooks; the others wait in Lead as standbys.
// On PostgreSQL the lock is a session-level advisory lock on a dedicated
// connection, watched with a ping: the channel Lead returns is closed
// when that connection dies, as another replica may lead from then on.
// On SQLite it is an exclusive lock on gatehouse.db.lock beside the
// database (Linux; elsewhere Lead succeeds at once), so two servers on
// one state directory do not both lead.
//
// # Migrations
//
// The schema is a numbered list of SQL files: migrations/ for SQLite and
// migrations/postgres/ for PostgreSQL, with the same versions, tables,
// constraints and indexes in each dialect's types (the audit log's
// append-only rule is a trigger in both). Each step is applied once, in
// its own transaction under the write lock (so replicas starting
// together migrate once), and recorded in schema_migrations; reopening a
// current database applies nothing. A database written by a newer
// gatehouse is refused rather than guessed at.
//
// # Conventions
//
// Queries are written once with ? placeholders, rebound to $1, $2, … for
// PostgreSQL; the few that cannot be portable have a variant per
// dialect. Times are stored as Unix nanoseconds (BIGINT) and returned in
// UTC. Every list is sorted in a documented, deterministic order, the
// same on both backends (PostgreSQL's sorted text columns compare
// bytewise, COLLATE "C"). Errors name the operation and the database
// and, for what an operator can fix (a locked, read-only or corrupt
// file; a refused login, a missing database, an unreachable server),
// say what to do next.
package store
