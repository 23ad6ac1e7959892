package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"
)

// Lead blocks until this Store holds the store's leader lock, trying
// again every DefaultLeadRetry, or until ctx ends. Of several gatehouse
// processes sharing one store exactly one holds it; the others wait in
// Lead, ready to take over.
//
// On PostgreSQL the lock is a session-level advisory lock held on a
// connection of its own; lost is closed when that connection dies (the
// server restarted, the network failed: another replica may lead now).
// On SQLite it is an exclusive lock on the file beside the database
// (gatehouse.db.lock), which lasts as long as the process; an in-memory
// store leads at once. release gives the lock up; call it once done
// leading. lost is never closed by release.
func (s *Store) Lead(ctx context.Context) (lost <-chan struct{}, release func(), err error) {
	switch {
	case s.dialect == dialectPostgres:
		return s.leadPostgres(ctx)
	case s.lockPath == "":
		return make(chan struct{}), func() {}, nil
	}
	return s.leadFile(ctx)
}

// leadPostgres takes the leader lock with pg_try_advisory_lock on a
// dedicated connection and watches that connection.
func (s *Store) leadPostgres(ctx context.Context) (<-chan struct{}, func(), error) {
	const op = "take the leader lock"
	var conn *sql.Conn
	defer func() {
		if conn != nil { // not handed to the watcher
			discard(conn)
		}
	}()
	for {
		if conn == nil {
			c, err := s.db.Conn(ctx)
			if err != nil && ctx.Err() != nil {
				return nil, nil, fmt.Errorf("%s: %w", op, ctx.Err())
			}
			if err == nil {
				conn = c
			}
		}
		if conn != nil {
			var got bool
			err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, leaderLockKey).Scan(&got)
			switch {
			case err == nil && got:
				lost, release := s.watchLeader(conn)
				conn = nil
				return lost, release, nil
			case err != nil && ctx.Err() == nil:
				// A broken connection: take another on the next try.
				discard(conn)
				conn = nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("%s: %w", op, ctx.Err())
		case <-time.After(s.leadRetry):
		}
	}
}

// watchLeader pings the connection holding the leader lock every
// leadRetry and closes lost when a ping fails.
func (s *Store) watchLeader(conn *sql.Conn) (<-chan struct{}, func()) {
	lost := make(chan struct{})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(s.leadRetry)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), max(s.leadRetry, time.Second))
			err := conn.PingContext(ctx)
			cancel()
			if err != nil {
				close(lost)
				return
			}
		}
	}()
	var once sync.Once
	release := func() {
		once.Do(func() {
			close(stop)
			<-done
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, leaderLockKey)
			discard(conn)
		})
	}
	return lost, release
}

// discard closes conn's connection to the server rather than returning
// it to the pool, so that no session lock can outlive the leader's
// release on a pooled connection.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close() // gone either way

}
