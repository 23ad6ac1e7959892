package server

import (
	"context"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// housekeepingEvery is how often the controller prunes its store.
const housekeepingEvery = 24 * time.Hour

// housekeep prunes the store now and then daily until ctx ends, so that a
// controller running for years keeps a store of the same size.
func (c *Controller) housekeep(ctx context.Context, st *store.Store) {
	ticker := time.NewTicker(housekeepingEvery)
	defer ticker.Stop()
	for {
		c.prune(ctx, st, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// prune forgets the journal's settled actions and the webhook deliveries
// older than the configured retention, as of now. A failure is logged and
// tried again next time: nothing depends on it.
func (c *Controller) prune(ctx context.Context, st *store.Store, now time.Time) {
	journal, deliveries, err := c.Config.Retention.Periods()
	if err != nil {
		c.Log.Error("store housekeeping skipped", "error", err)
		return
	}
	if n, err := st.PruneJournal(ctx, now.Add(-journal)); err != nil {
		c.Log.Error("prune the reconcile journal", "error", err, "retry", "tomorrow")
	} else if n > 0 {
		c.Log.Info("pruned the reconcile journal", "actions", n, "older than", c.Config.Retention.Journal)
	}
	if n, err := st.PruneDeliveries(ctx, now.Add(-deliveries)); err != nil {
		c.Log.Error("prune webhook deliveries", "error", err, "retry", "tomorrow")
	} else if n > 0 {
		c.Log.Info("pruned webhook deliveries", "deliveries", n, "older than", c.Config.Retention.Deliveries)
	}
}
