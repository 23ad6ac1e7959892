package store

import (
	"context"
	"fmt"
	"time"
)

// FirstNotice records that person is told of pull request pr's content
// digest for kind ("approve", "provision") at time at (zero: now) and
// reports whether this is the first time: only then is the message sent.
// Recording and checking are one statement, so of two concurrent calls
// exactly one sees true.
func (s *Store) FirstNotice(ctx context.Context, pr int, digest, person, kind string, at time.Time) (first bool, err error) {
	op := fmt.Sprintf("record the %s notice of pull request %d to %s", kind, pr, person)
	if pr <= 0 || person == "" || kind == "" {
		return false, fmt.Errorf("%s: a notice needs a pull request, a person and a kind", op)
	}
	err = s.write(ctx, op, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO notices (pr, digest, person, kind, sent_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, pr, digest, person, kind, nanos(s.stamp(at)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	return first, err
}

// ForgetNotice removes a notice recorded by FirstNotice, for a message
// that could not be sent: the next pass tries again.
func (s *Store) ForgetNotice(ctx context.Context, pr int, digest, person, kind string) error {
	return s.write(ctx, fmt.Sprintf("forget the %s notice of pull request %d to %s", kind, pr, person), func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM notices WHERE pr = ? AND digest = ? AND person = ? AND kind = ?`, pr, digest, person, kind)
		return err
	})
}
