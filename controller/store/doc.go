// Package store keeps the controller's state between runs in a SQLite
// database under its state directory: the journal of reconcile actions
// (intended before they run, done or failed after, S11), the grants
// gatehouse manages, the lifecycle of every access request, the
// append-only audit log, integration snapshots with the entitlement
// catalogue, webhook deliveries seen (replay protection, S6) and the
// decisions recorded for merged pull requests (S13).
//
// # Opening
//
// Open creates or opens the database file, turns on WAL mode, a busy
// timeout and foreign keys, and applies any migrations the file lacks;
// OpenMemory gives tests an empty database that lives as long as the
// Store. One Store is safe for use by many goroutines: writes are
// serialized in the process and take SQLite's write lock up front, so a
// second gatehouse process on the same file waits for the busy timeout
// instead of failing at once.
//
// # Migrations
//
// The schema is a numbered list of SQL files under migrations/. Each is
// applied once, in its own transaction, and recorded in
// schema_migrations; reopening a current database applies nothing. A
// database written by a newer gatehouse is refused rather than guessed
// at.
//
// # Conventions
//
// Times are stored as Unix nanoseconds and returned in UTC. Every list is
// sorted in a documented, deterministic order. Errors name the operation
// and the database file and, for a locked, read-only or corrupt file, say
// what to do next.
package store
