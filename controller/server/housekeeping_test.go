package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// TestHousekeepingPrunesOnlyPastTheRetention: the controller's daily
// pass forgets settled journal actions and delivery ids older than the
// configured retention, and keeps the recent ones.
func TestHousekeepingPrunesOnlyPastTheRetention(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "gatehouse.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Retention.Deliveries = "3d"
	var logs strings.Builder
	c := &Controller{Config: cfg, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil))}

	grant := store.Action{Integration: "github", System: "github", Account: "alice", Entitlement: "member", Op: store.OpGrant}
	id, err := st.Intend(ctx, grant)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Finish(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for id, at := range map[string]time.Time{"old": now.Add(-4 * 24 * time.Hour), "recent": now.Add(-time.Hour)} {
		if _, err := st.SeenDelivery(ctx, id, at); err != nil {
			t.Fatal(err)
		}
	}

	c.prune(ctx, st, now) // the action finished just now: within 90 days
	if strings.Contains(logs.String(), "pruned the reconcile journal") {
		t.Errorf("an action finished just now was pruned:\n%s", logs.String())
	}
	for id, wantSeen := range map[string]bool{"old": false, "recent": true} {
		seen, err := st.SeenDelivery(ctx, id, now)
		if err != nil {
			t.Fatal(err)
		}
		if seen != wantSeen {
			t.Errorf("delivery %s seen %v after housekeeping, want %v", id, seen, wantSeen)
		}
	}
	c.prune(ctx, st, now.Add(91*24*time.Hour))
	if !strings.Contains(logs.String(), "pruned the reconcile journal") || !strings.Contains(logs.String(), "actions=1") {
		t.Errorf("the journal action 91 days old was not pruned:\n%s", logs.String())
	}
}
