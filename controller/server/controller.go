package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/integrations"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// Controller runs gatehouse serve until its context ends: on an access
// repo kept on a local path, the reconcile loop (on every change and
// interval); on a GitHub repository (owner/name), the pull-request
// controller fed by webhooks as well; both with the HTTP endpoints and the
// metrics.
type Controller struct {
	Config *Config
	// StateDir is the resolved state folder.
	StateDir string
	Log      *slog.Logger
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// OnListen, when set, is told the address the HTTP server listens on.
	OnListen func(addr string)

	mu       sync.Mutex
	ready    error
	reported bool
}

// Ready reports why the controller is not ready: before the first
// reconcile run, or when the last one could not read the access repo.
func (c *Controller) Ready() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

func (c *Controller) setReady(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ready = err
}

// Run serves until ctx ends, then finishes what is in flight.
func (c *Controller) Run(ctx context.Context) error {
	github := IsGitHubRepo(c.Config.Repo)
	if info, err := os.Stat(c.Config.Repo); !github && (err != nil || !info.IsDir()) {
		return fmt.Errorf("access repo %s: not a folder nor a GitHub repository owner/name; set repo in the configuration or --repo", c.Config.Repo)
	}
	interval, err := c.Config.Interval()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		return fmt.Errorf("create the state folder %s: %w", c.StateDir, err)
	}
	st, err := store.Open(ctx, StoreTarget(c.StateDir, c.Getenv))
	if err != nil {
		return err
	}
	defer st.Close()
	c.setReady(errors.New("starting"))
	lost, release, err := c.lead(ctx, st)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-lost:
			cancel(ErrLostLead)
		case <-ctx.Done():
		}
	}()
	err = c.run(ctx, st, github, interval)
	if errors.Is(context.Cause(ctx), ErrLostLead) {
		return ErrLostLead
	}
	return err
}

// run is Run once this replica leads.
func (c *Controller) run(ctx context.Context, st *store.Store, github bool, interval time.Duration) error {
	if github {
		return c.runGitHub(ctx, st, NewMetrics(), interval)
	}

	loadRepo := func(ctx context.Context) (*model.Org, model.Findings, error) {
		return load.Open(ctx, c.Config.Repo, "")
	}
	org, findings, err := loadRepo(ctx)
	if err != nil {
		return fmt.Errorf("load the access repo %s: %w", c.Config.Repo, err)
	}
	if n := findings.Errors(); n > 0 {
		c.Log.Warn("the access repo has errors; nothing is reconciled until they are fixed", "errors", n, "fix", "gatehouse validate --repo "+c.Config.Repo)
	}
	its, notConfigured, closeAll := integrations.Build(ctx, org, c.Getenv, c.ReadFile)
	defer closeAll()
	for _, name := range sortedKeys(notConfigured) {
		c.Log.Warn("integration not configured; its changes wait", "integration", name, "what to do", notConfigured[name].Error())
	}

	metrics := NewMetrics()
	c.setReady(errors.New("the first reconcile run has not finished"))
	runner := &reconcile.Runner{Store: st, Integrations: its, NotConfigured: notConfigured, Attempts: 3, Backoff: time.Second, Log: c.Log}
	watcher := &reconcile.Watcher{
		Runner: runner, Dir: c.Config.Repo, Load: loadRepo, Interval: interval,
		Options: reconcile.Options{Actor: "gatehouse-serve", RequireApproval: c.Config.Reconcile.RequireApproval},
	}
	started := time.Now()
	watcher.Report = func(res *reconcile.Result, err error) {
		c.observe(ctx, st, metrics, res, err, time.Since(started))
		started = time.Now()
	}
	srv := &Server{Addr: c.Config.Listen, Ready: c.Ready, Gatherer: metrics.Registry, Log: c.Log, OnListen: c.OnListen}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var watchErr error
	wg.Go(func() {
		watchErr = watcher.Run(ctx)
		cancel()
	})
	wg.Go(func() { c.housekeep(ctx, st) })
	serveErr := srv.Run(ctx)
	cancel()
	wg.Wait()
	return errors.Join(serveErr, watchErr)
}

// observe records a run in the metrics, the log and the readiness, and
// after the first one lists the tasks waiting on admins.
func (c *Controller) observe(ctx context.Context, st *store.Store, m *Metrics, res *reconcile.Result, err error, took time.Duration) {
	c.mu.Lock()
	c.ready = err
	first := !c.reported && err == nil
	c.mu.Unlock()
	if first {
		// Reported once the start-up report is written.
		defer func() {
			c.mu.Lock()
			c.reported = true
			c.mu.Unlock()
		}()
	}
	if err != nil {
		m.ReconcileRuns.WithLabelValues("skipped").Inc()
		c.Log.Error("reconcile skipped", "error", err)
		return
	}
	m.ReconcileSeconds.Observe(took.Seconds())
	result := "ok"
	if res.Failed > 0 {
		result = "failed"
	}
	m.ReconcileRuns.WithLabelValues(result).Inc()
	m.ReconcileActions.WithLabelValues("any", "done").Add(float64(res.Done))
	m.ReconcileActions.WithLabelValues("any", "failed").Add(float64(res.Failed))
	m.ReconcileActions.WithLabelValues("any", "task").Add(float64(res.Tasks))
	for _, t := range res.Plan.Targets {
		if t.Err == "" {
			m.Drift.WithLabelValues(t.Target).Set(float64(len(t.Drift)))
		}
		stopped := 0.0
		if t.Blocked != "" {
			stopped = 1
			c.Log.Error("revocations stopped at the safety cap", "target", t.Target, "why", t.Blocked)
		}
		m.RevocationsStopped.WithLabelValues(t.Target).Set(stopped)
	}
	for _, e := range res.Errors {
		c.Log.Error("reconcile action failed", "error", e)
	}
	counts := map[string]int{}
	reqs, qerr := st.Requests(ctx, store.RequestFilter{})
	if qerr == nil {
		for _, r := range reqs {
			counts[r.State]++
		}
		for _, s := range store.States {
			m.Requests.WithLabelValues(s).Set(float64(counts[s]))
		}
	}
	cnt := res.Plan.Counts()
	c.Log.Info("reconciled", "done", res.Done, "failed", res.Failed, "tasks", cnt.Tasks, "held", cnt.Held, "drift", cnt.Drift,
		"waiting", cnt.Unavailable, "unapproved merges", counts[store.StateUnapprovedMerge])
	if first {
		c.logTasks(reqs)
	}
}

// logTasks lists, once at start-up, the provisioning tasks waiting on
// admins.
func (c *Controller) logTasks(reqs []store.Request) {
	n := 0
	for _, r := range reqs {
		if r.State == store.StatePendingProvisioning && len(r.WaitingOn) > 0 {
			c.Log.Warn(r.Reason, "request", r.Path, "waiting on", strings.Join(r.WaitingOn, ", "))
			n++
		}
	}
	if n > 0 {
		c.Log.Warn("provisioning tasks wait on admins; gatehouse requests --needs-attention ADMIN lists them, gatehouse provisioned REQUEST --by ADMIN completes one", "tasks", n)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// reportedOnce reports whether a first successful run was recorded.
func (c *Controller) reportedOnce() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reported
}
