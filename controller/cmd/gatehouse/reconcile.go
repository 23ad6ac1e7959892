package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/integrations"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/server"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

func init() { extraCommands = append(extraCommands, newReconcileCmd) }

// stateFlags locate the controller's state: the SQLite store in the state
// folder, or the PostgreSQL database of $GATEHOUSE_STORE_URL.
type stateFlags struct{ dir string }

func (f *stateFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "state-dir", "", "the controller's state folder (the SQLite store); default $GATEHOUSE_STATE_DIR, else ~/.local/state/gatehouse")
}

// path returns the state folder.
func (f *stateFlags) path() (string, error) {
	if f.dir != "" {
		return f.dir, nil
	}
	if d := os.Getenv("GATEHOUSE_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "gatehouse"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", &exitError{code: exitCouldNotRun, err: fmt.Errorf("no state folder: set --state-dir or GATEHOUSE_STATE_DIR (%v)", err)}
	}
	return filepath.Join(home, ".local", "state", "gatehouse"), nil
}

// open opens (creating when needed) the store in the state folder.
func (f *stateFlags) open(cmd *cobra.Command) (*store.Store, error) {
	dir, err := f.path()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &exitError{code: exitCouldNotRun, err: fmt.Errorf("create the state folder %s: %w; choose another with --state-dir", dir, err)}
	}
	s, err := store.Open(cmd.Context(), server.StoreTarget(dir, os.Getenv))
	if err != nil {
		return nil, &exitError{code: exitCouldNotRun, err: err}
	}
	return s, nil
}

func newReconcileCmd() *cobra.Command {
	var (
		repo            repoFlags
		state           stateFlags
		format          = formatFlag{allowed: []string{"text", "json"}}
		dryRun          bool
		allow           int
		requireApproval bool
		watch           bool
		interval        time.Duration
	)
	cmd := &cobra.Command{
		Use:     "reconcile [--repo DIR] [--rev REV] [--state-dir DIR] [--dry-run] [--format text|json]",
		GroupID: "repo",
		Short:   "Make the target systems match the access repo: grant, revoke, hand tasks to admins",
		Long: `Reconcile reads the access repo's merged state — access requests whose
person is active and whose expires has not passed — and each integration's
accounts, and prints the difference like a Terraform plan: + for a grant,
- for a revocation, each with the request or the reason behind it (removed,
expired, offboarded). Then it applies the plan, unless --dry-run.

Every action is recorded in the store as intended before it runs and as done
after, so a run interrupted midway is finished by the next one with nothing
lost or doubled. An entitlement two requests grant stays until the last of
them ends. Systems without an integration become tasks for their admins
(gatehouse requests --needs-attention ADMIN lists them; gatehouse
provisioned REQUEST completes one). What an integration holds that no
request grants is drift: reported, and revoked only with prune: true.

A run that would revoke more than the Config's limits (maxRevocations,
maxRevocationPercent; 10 and 20% by default) stops revoking on that
integration and says so; --allow-revocations N overrides it once, on the
audit record.

Integration credentials come from the environment only, never from the
access repo; an integration whose credentials are not set is reported and
its changes wait.

Exit status: 0 planned (and applied), 1 an action failed or a cap stopped
revocations, 2 could not run.`,
		Example: `  gatehouse reconcile --repo examples/acme --dry-run
  gatehouse reconcile --rev origin/main --state-dir /var/lib/gatehouse
  gatehouse reconcile --allow-revocations 25     # once, after checking the plan`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			if watch {
				return watchRepo(cmd, repo, state, interval, reconcile.Options{Actor: actor(), RequireApproval: requireApproval})
			}
			org, st, err := openRepoState(cmd, repo, state)
			if err != nil {
				return err
			}
			defer st.Close()
			if !dryRun {
				release, err := leadBriefly(cmd, st)
				if err != nil {
					return err
				}
				defer release()
			}
			runner, closeAll := newRunner(cmd, org, st, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			defer closeAll()
			res, err := runner.Reconcile(cmd.Context(), org, reconcile.Options{DryRun: dryRun, AllowRevocations: allow,
				Actor: actor(), RequireApproval: requireApproval})
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			out := cmd.OutOrStdout()
			if format.value == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(res); err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
			} else {
				if err := res.Plan.WriteText(out); err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
				if !dryRun {
					fmt.Fprintf(out, "Applied: %d done, %d failed, %d tasks for admins", res.Done, res.Failed, res.Tasks)
					if res.Recovered > 0 {
						fmt.Fprintf(out, ", %d actions of an interrupted run finished", res.Recovered)
					}
					fmt.Fprintln(out, ".")
					for _, e := range res.Errors {
						fmt.Fprintf(cmd.ErrOrStderr(), "gatehouse: %s\n", e)
					}
				}
			}
			if res.Failed > 0 || res.Plan.Counts().Blocked > 0 {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	state.register(cmd)
	format.register(cmd, "output format: text or json")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the plan and change nothing, neither the targets nor the store")
	cmd.Flags().IntVar(&allow, "allow-revocations", 0, "allow up to this many revocations per integration in this run, beyond the Config's limits (recorded in the audit log)")
	cmd.Flags().BoolVar(&watch, "watch", false, "keep running: reconcile when the access repo's files change (a local path) and every --interval")
	cmd.Flags().DurationVar(&interval, "interval", 5*time.Minute, "with --watch, the time between full runs")
	cmd.Flags().BoolVar(&requireApproval, "require-approval", false, "hold requests that reached the default branch without an approved decision recorded by the controller (unapproved-merge)")
	return cmd
}

// leadBriefly takes the store's leader lock for a reconcile that changes
// things, so that it never runs beside a controller (or another
// reconcile) on the same store; it gives up after a few seconds.
func leadBriefly(cmd *cobra.Command, st *store.Store) (release func(), err error) {
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	_, release, err = st.Lead(ctx)
	if err != nil {
		return nil, &exitError{code: exitCouldNotRun, err: fmt.Errorf(
			"another gatehouse (serve, or a reconcile) leads the store %s: stop it, or run with --dry-run to see the plan (%v)", st.Path(), err)}
	}
	return release, nil
}

// openRepoState loads the access repo (refusing one with errors) and
// opens the controller's store, for the commands that need both; the
// caller closes the store.
func openRepoState(cmd *cobra.Command, repo repoFlags, state stateFlags) (*model.Org, *store.Store, error) {
	org, err := loadOrg(cmd, repo.dir, repo.rev)
	if err != nil {
		return nil, nil, err
	}
	st, err := state.open(cmd)
	if err != nil {
		return nil, nil, err
	}
	return org, st, nil
}

// newRunner sets up the reconciler on org's integrations, with
// credentials from the environment; the caller calls the returned close.
func newRunner(cmd *cobra.Command, org *model.Org, st *store.Store, log *slog.Logger) (*reconcile.Runner, func()) {
	its, notConfigured, closeAll := integrations.Build(cmd.Context(), org, os.Getenv, os.ReadFile)
	return &reconcile.Runner{Store: st, Integrations: its, NotConfigured: notConfigured, Attempts: 3, Backoff: 500 * time.Millisecond, Log: log}, closeAll
}

// actor names who runs a command, for the audit log.
func actor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "gatehouse-cli"
}

// watchRepo reconciles the access repo at a local path on every change
// and interval until interrupted, printing one summary line per run.
func watchRepo(cmd *cobra.Command, repo repoFlags, state stateFlags, interval time.Duration, opts reconcile.Options) error {
	if repo.rev != "" {
		return &exitError{code: exitCouldNotRun, err: fmt.Errorf("--watch follows the files of a local access repo; drop --rev %s", repo.rev)}
	}
	st, err := state.open(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	release, err := leadBriefly(cmd, st)
	if err != nil {
		return err
	}
	defer release()
	ctx := cmd.Context()
	org, _, err := load.Open(ctx, repo.dir, "")
	if err != nil {
		return &exitError{code: exitCouldNotRun, err: err}
	}
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	runner, closeAll := newRunner(cmd, org, st, logger)
	defer closeAll()
	notConfigured := runner.NotConfigured
	w := &reconcile.Watcher{
		Runner: runner,
		Dir:    repo.dir, Interval: interval, Options: opts,
		Load: func(ctx context.Context) (*model.Org, model.Findings, error) { return load.Open(ctx, repo.dir, "") },
		Report: func(res *reconcile.Result, err error) {
			if err != nil {
				logger.Error("reconcile skipped", "error", err)
				return
			}
			c := res.Plan.Counts()
			logger.Info("reconciled", "done", res.Done, "failed", res.Failed, "tasks", c.Tasks, "held", c.Held, "drift", c.Drift, "waiting", c.Unavailable, "stopped", c.Blocked)
			for _, e := range res.Errors {
				logger.Error("reconcile action failed", "error", e)
			}
		},
	}
	for name, why := range notConfigured {
		logger.Warn("integration not configured; its changes wait", "integration", name, "why", why)
	}
	if err := w.Run(ctx); err != nil {
		return &exitError{code: exitCouldNotRun, err: err}
	}
	return nil
}
