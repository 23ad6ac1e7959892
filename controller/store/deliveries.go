package store

import (
	"context"
	"fmt"
	"time"
)

// SeenDelivery records the webhook delivery id as seen at time at (zero:
// now) and reports whether it had been seen before: a replay, to be
// ignored (S6). Recording and checking are one statement, so of two
// concurrent calls with one id exactly one sees false.
func (s *Store) SeenDelivery(ctx context.Context, id string, at time.Time) (seen bool, err error) {
	op := fmt.Sprintf("record webhook delivery %q", id)
	if id == "" {
		return false, fmt.Errorf("%s: a delivery needs its id (GitHub's X-GitHub-Delivery header)", op)
	}
	err = s.write(ctx, op, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`,
			id, nanos(s.stamp(at)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		seen = n == 0
		return err
	})
	return seen, err
}

// PruneDeliveries forgets the deliveries seen before time before and
// returns how many it forgot. Keep them for longer than a sender retries
// a delivery: a replay older than the retention is no longer recognised.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, "prune webhook deliveries", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE seen_at < ?`, nanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
