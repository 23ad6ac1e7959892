package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentUse hammers one database from many goroutines through
// two Stores, as a server and a CLI command would: every write lands
// once, and every webhook delivery is new to exactly one caller. Run it
// with -race.
func TestConcurrentUse(t *testing.T) { forBackends(t, testConcurrentUse) }

func testConcurrentUse(t *testing.T, b backend) {
	a, path := openTest(t, b)
	other, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	stores := []*Store{a, other}
	const workers, rounds, deliveries = 8, 10, 10
	ctx := context.Background()
	var firstSeen [deliveries]atomic.Int32
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			errs <- hammer(ctx, s, w, rounds, func(d int, seen bool) {
				if !seen {
					firstSeen[d].Add(1)
				}
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for d := range deliveries {
		if n := firstSeen[d].Load(); n != 1 {
			t.Errorf("delivery %d was new to %d callers, want exactly 1", d, n)
		}
	}
	var actions, done, failed int
	if err := a.db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'done'), COUNT(*) FILTER (WHERE state = 'failed') FROM actions`).
		Scan(&actions, &done, &failed); err != nil {
		t.Fatal(err)
	}
	if actions != workers*rounds || done+failed != actions {
		t.Errorf("%d actions (%d done, %d failed), want %d all finished", actions, done, failed, workers*rounds)
	}
	managed, err := a.Managed(ctx, "github")
	if err != nil {
		t.Fatal(err)
	}
	if len(managed) != done {
		t.Errorf("%d managed grants for %d done grants of distinct entitlements", len(managed), done)
	}
	events, err := a.AuditLog(ctx, AuditQuery{})
	if err != nil || len(events) != workers*rounds {
		t.Errorf("%d audit events (%v), want %d", len(events), err, workers*rounds)
	}
	reqs, err := a.Requests(ctx, RequestFilter{})
	if err != nil || len(reqs) != rounds {
		t.Errorf("%d requests (%v), want %d", len(reqs), err, rounds)
	}
}

// hammer is one worker of TestConcurrentUse: it writes and reads every
// part of the store.
func hammer(ctx context.Context, s *Store, w, rounds int, delivered func(d int, seen bool)) error {
	boom := errors.New("github: 502")
	for i := range rounds {
		id, err := s.Intend(ctx, grantAction(fmt.Sprintf("user-%d", w), fmt.Sprintf("ent-%d", i)))
		if err != nil {
			return err
		}
		var runErr error
		if (w+i)%3 == 0 {
			runErr = boom
		}
		if err := s.Finish(ctx, id, runErr); err != nil {
			return err
		}
		state := States[(w+i)%len(States)]
		if _, err := s.SetRequest(ctx, Request{Path: fmt.Sprintf("requests/%02d.yaml", i), Person: "alice", State: state,
			WaitingOn: []string{fmt.Sprintf("user-%d", w)}}); err != nil {
			return err
		}
		if err := s.Audit(ctx, Event{Actor: fmt.Sprintf("user-%d", w), Kind: "grant", Subject: fmt.Sprint(i)}); err != nil {
			return err
		}
		d := (w + i) % 10
		seen, err := s.SeenDelivery(ctx, fmt.Sprintf("delivery-%d", d), s.now())
		if err != nil {
			return err
		}
		delivered(d, seen)
		if err := s.SaveSnapshot(ctx, "github", s.now(), []Account{{ID: "alice", Entitlements: []string{fmt.Sprintf("ent-%d", i)}}}); err != nil {
			return err
		}
		if _, err := s.Pending(ctx); err != nil {
			return err
		}
		if _, err := s.Failed(ctx); err != nil {
			return err
		}
		if _, err := s.Requests(ctx, RequestFilter{WaitingOn: "user-1"}); err != nil {
			return err
		}
		if _, err := s.History(ctx, fmt.Sprintf("requests/%02d.yaml", i)); err != nil {
			return err
		}
		if _, err := s.Catalogue(ctx, "github"); err != nil {
			return err
		}
	}
	return nil
}
