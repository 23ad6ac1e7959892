package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLeadOneAtATime runs two Stores on one database: while the first
// leads, the second's Lead waits (and gives up with its context); once
// the first releases, the second leads.
func TestLeadOneAtATime(t *testing.T) {
	forBackends(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		first, target := openTest(t, b)
		second, err := Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		first.leadRetry, second.leadRetry = 20*time.Millisecond, 20*time.Millisecond

		_, release, err := first.Lead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if _, _, err := second.Lead(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second Lead while the first leads: %v, want its context's deadline", err)
		}

		type result struct {
			release func()
			err     error
		}
		led := make(chan result, 1)
		go func() {
			_, r, err := second.Lead(ctx)
			led <- result{r, err}
		}()
		select {
		case r := <-led:
			t.Fatalf("second Lead returned (%v) while the first leads", r.err)
		case <-time.After(300 * time.Millisecond):
		}
		release()
		release() // a second release is harmless
		select {
		case r := <-led:
			if r.err != nil {
				t.Fatal(r.err)
			}
			r.release()
		case <-time.After(5 * time.Second):
			t.Fatal("second Lead still waits after the first released")
		}
		// Released, the lock can be taken again.
		_, again, err := first.Lead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again()
	})
}

// TestLeadLostWhenConnectionDies is PostgreSQL's: when the session
// holding the leader lock ends, lost is closed and another replica can
// lead. (A SQLite lock lives as long as the process.)
func TestLeadLostWhenConnectionDies(t *testing.T) {
	ctx := context.Background()
	s, target := openTest(t, postgresBackend)
	s.leadRetry = 20 * time.Millisecond
	lost, release, err := s.Lead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	select {
	case <-lost:
		t.Fatal("lost closed while the connection lives")
	case <-time.After(100 * time.Millisecond):
	}
	// The server ends every session on the database, as a restart or a
	// network failure would.
	srv := pgtestServer(t)
	if err := srv.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '`+databaseName(t, target)+`'`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lost:
	case <-time.After(5 * time.Second):
		t.Fatal("lost not closed after the leader's connection died")
	}
	other, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, r, err := other.Lead(short)
	if err != nil {
		t.Fatalf("another store cannot lead after the leader's connection died: %v", err)
	}
	r()
	// The store itself recovers: its pool opens new connections.
	if _, err := s.Pending(ctx); err != nil {
		t.Errorf("the store after its connections were ended: %v", err)
	}
}

// TestLeadInMemory: an in-memory store is one process's; it leads at once.
func TestLeadInMemory(t *testing.T) {
	s, err := OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, release, err := s.Lead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
}
