package store

import (
	"context"
	"testing"
	"time"
)

func TestSeenDelivery(t *testing.T) { forBackends(t, testSeenDelivery) }

func testSeenDelivery(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	at := func(min int) time.Time { return time.Date(2025, 3, 4, 12, min, 0, 0, time.UTC) }
	for _, st := range []struct {
		id   string
		at   time.Time
		seen bool
	}{
		{"d-1", at(0), false},
		{"d-2", at(1), false},
		{"d-1", at(2), true},
		{"d-3", at(30), false},
		{"d-2", at(31), true},
	} {
		seen, err := s.SeenDelivery(ctx, st.id, st.at)
		if err != nil {
			t.Fatal(err)
		}
		if seen != st.seen {
			t.Errorf("SeenDelivery(%s) at %s = %v, want %v", st.id, st.at.Format("15:04"), seen, st.seen)
		}
	}
	n, err := s.PruneDeliveries(ctx, at(10))
	if err != nil || n != 2 {
		t.Fatalf("PruneDeliveries = %d, %v; want the 2 older deliveries", n, err)
	}
	for id, want := range map[string]bool{"d-1": false, "d-3": true} {
		if seen, _ := s.SeenDelivery(ctx, id, at(40)); seen != want {
			t.Errorf("after pruning, SeenDelivery(%s) = %v, want %v", id, seen, want)
		}
	}
	if _, err := s.SeenDelivery(ctx, "", at(0)); err == nil {
		t.Error("SeenDelivery without an id succeeded")
	}
}
