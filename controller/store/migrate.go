package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// The SQLite steps are migrations/*.sql; PostgreSQL's, with the same
// versions, names and schema in its own types, migrations/postgres/*.sql.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrationDir is where d's steps are.
func (d dialect) migrationDir() string {
	if d == dialectPostgres {
		return "migrations/postgres"
	}
	return "migrations"
}

// schemaMigrations creates the table of applied steps.
func (d dialect) schemaMigrations() string {
	if d == dialectPostgres {
		return `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_at BIGINT  NOT NULL
		)`
	}
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT    NOT NULL,
			applied_at INTEGER NOT NULL
		) STRICT`
}

// migration is one numbered step of the schema.
type migration struct {
	version int
	name    string // file name, for errors
	sql     string
}

// migrations reads the embedded steps of d in version order. A file is
// named NNNN_what.sql; versions start at 1 and have no gaps.
func migrations(d dialect) ([]migration, error) {
	names, err := fs.Glob(migrationFS, d.migrationDir()+"/*.sql")
	if err != nil {
		return nil, err
	}
	var list []migration
	for i, name := range names { // Glob sorts, and the numbers are zero-padded
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want a name starting %04d_", base, i+1)
		}
		text, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: v, name: base, sql: string(text)})
	}
	return list, nil
}

// SchemaVersion is the schema version this build of gatehouse writes.
func SchemaVersion() int {
	list, err := migrations(dialectSQLite)
	if err != nil {
		return 0
	}
	return len(list)
}

// migrate applies the steps the database lacks, each in its own
// transaction together with its schema_migrations row, up to version upTo
// (0: all). Another process migrating at the same time is harmless: the
// version is read again under the write lock (SQLite's, or on PostgreSQL
// the advisory lock every write transaction takes, see write).
func (s *Store) migrate(ctx context.Context, upTo int) error {
	list, err := migrations(s.dialect)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	if upTo == 0 || upTo > len(list) {
		upTo = len(list)
	}
	err = s.write(ctx, "migrate: create schema_migrations", func(tx *txn) error {
		_, err := tx.ExecContext(ctx, s.dialect.schemaMigrations())
		return err
	})
	if err != nil {
		return err
	}
	var current int
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return s.fail("migrate: read schema version", err)
	}
	if current > len(list) {
		return fmt.Errorf("open store %s: the database has schema version %d, newer than this gatehouse knows (%d); run the gatehouse release that wrote it, or a newer one", s.path, current, len(list))
	}
	for _, m := range list[min(current, upTo):upTo] {
		op := fmt.Sprintf("migrate to schema version %d (%s)", m.version, m.name)
		err := s.write(ctx, op, func(tx *txn) error {
			var now int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&now); err != nil {
				return err
			}
			if now >= m.version { // another process got here first
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, nanos(s.stamp(time.Time{})))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
