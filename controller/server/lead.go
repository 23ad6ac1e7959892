package server

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// EnvStoreURL names a PostgreSQL database (postgres://user:password@host/db)
// that several replicas of gatehouse serve share, one of them leading. It
// holds a password, so it comes from the environment only (S9). Unset,
// the store is SQLite in the state folder.
const EnvStoreURL = "GATEHOUSE_STORE_URL"

// StoreTarget is what store.Open opens: $GATEHOUSE_STORE_URL when set,
// else the SQLite file in the state folder.
func StoreTarget(stateDir string, getenv func(string) string) string {
	if u := getenv(EnvStoreURL); u != "" {
		return u
	}
	return filepath.Join(stateDir, "gatehouse.db")
}

// ErrLostLead stops a controller whose store's leader lock went away (its
// database connection died): another replica may lead now, so this one
// exits and its supervisor starts it again as a standby.
var ErrLostLead = errors.New("lost the store's leader lock; exiting so that one replica leads (the supervisor restarts this one as a standby)")

// errStandby is a standby's readiness.
var errStandby = errors.New("standby: another replica leads; this one takes over when it stops")

// standbyWait is how long lead waits for the lock before serving the
// standby endpoints.
const standbyWait = 200 * time.Millisecond

// lead blocks until this replica holds the store's leader lock. While it
// waits it serves /healthz, /readyz (503: standby) and /metrics, so that
// a supervisor keeps it alive and a load balancer sends webhooks to the
// leader only. lost is closed when the lock is lost.
func (c *Controller) lead(ctx context.Context, st *store.Store) (lost <-chan struct{}, release func(), err error) {
	type result struct {
		lost    <-chan struct{}
		release func()
		err     error
	}
	done := make(chan result, 1)
	go func() {
		l, r, err := st.Lead(ctx)
		done <- result{l, r, err}
	}()
	select {
	case r := <-done:
		return r.lost, r.release, r.err
	case <-time.After(standbyWait):
	}
	c.setReady(errStandby)
	c.Log.Info("standby: another replica holds the store's leader lock; waiting to lead", "store", st.Path())
	sctx, stop := context.WithCancel(ctx)
	srv := &Server{Addr: c.Config.Listen, Ready: c.Ready, Gatherer: prometheus.NewRegistry(), Log: c.Log}
	served := make(chan error, 1)
	go func() { served <- srv.Run(sctx) }()
	r := <-done
	stop()
	if err := <-served; err != nil && r.err == nil {
		c.Log.Warn("the standby endpoints stopped", "error", err)
	}
	if r.err == nil {
		c.Log.Info("leading: this replica holds the store's leader lock")
	}
	return r.lost, r.release, r.err
}
