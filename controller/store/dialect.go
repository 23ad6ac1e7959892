package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is the SQL spoken by the database behind a Store. Queries are
// written once, in SQLite's spelling with ? placeholders; the few
// statements that cannot be written portably have a variant per dialect.
type dialect int

const (
	// dialectSQLite is the embedded database in the state directory.
	dialectSQLite dialect = iota
	// dialectPostgres is a PostgreSQL server shared by several replicas.
	dialectPostgres
)

// rebind rewrites the ? placeholders of q for d: PostgreSQL numbers them
// $1, $2, …. A ? inside a string literal, a quoted identifier or a
// comment is left alone. Dollar-quoted bodies and backslash escapes
// (E-strings) are not recognised: the store's queries use neither
// (migrations, which do, take no arguments and are not rebound).
func (d dialect) rebind(q string) string {
	if d != dialectPostgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			// Copy up to the closing quote; a doubled quote is an
			// escaped one and simply closes and reopens the literal.
			end := strings.IndexByte(q[i+1:], c)
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+end+2])
			i += end + 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+end+1])
			i += end
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+end+4])
			i += end + 3
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// waitingOn is the condition "the request's waiting_on list holds the
// argument": SQLite reads JSON with json_each, PostgreSQL with jsonb.
func (d dialect) waitingOn() string {
	if d == dialectPostgres {
		return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(requests.waiting_on::jsonb) AS w (value) WHERE w.value = ?)"
	}
	return "EXISTS (SELECT 1 FROM json_each(requests.waiting_on) WHERE value = ?)"
}

// txn is a write transaction that speaks the store's dialect: the
// queries given to it are rebound before they reach the driver.
type txn struct {
	*sql.Tx
	d dialect
}

// ExecContext runs q, rebound, in the transaction.
func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.rebind(q), args...)
}

// QueryRowContext runs q, rebound, in the transaction.
func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// QueryContext runs q, rebound, in the transaction.
func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.rebind(q), args...)
}

// PrepareContext prepares q, rebound, in the transaction.
func (t *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.rebind(q))
}

// queryRow runs a single-row read outside a write transaction.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.dialect.rebind(q), args...)
}

// insertID runs an INSERT … RETURNING id and returns the id: pgx has no
// LastInsertId, and both dialects know RETURNING.
func insertID(ctx context.Context, tx *txn, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}
