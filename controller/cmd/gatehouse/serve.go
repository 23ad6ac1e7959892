package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/server"
)

func init() { extraCommands = append(extraCommands, newServeCmd) }

func newServeCmd() *cobra.Command {
	var (
		configPath string
		repo       string
		listen     string
		state      stateFlags
		interval   string
	)
	cmd := &cobra.Command{
		Use:     "serve [--config FILE] [--repo DIR] [--listen ADDR] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "Run the controller: reconcile the access repo continuously, serve health and metrics",
		Long: `Serve runs gatehouse as a controller. On an access repo kept on a local path
it reconciles the merged state into the target systems at start-up, on every
change to the repo's files (incrementally when only access requests change)
and every reconcile.interval, and serves:

  GET /healthz   the process is up
  GET /readyz    the first reconcile has run and the access repo reads
  GET /metrics   Prometheus metrics: runs, actions, requests by state
                 (unapproved merges among them), drift, stopped revocations

At start-up it lists the provisioning tasks waiting on admins. Integrations
whose credentials are not set are reported once and their changes wait; the
rest of the controller runs. SIGINT or SIGTERM stops it after the work in
flight.

The configuration comes from config/gatehouse.yaml's defaults, the file
--config names (or GATEHOUSE_CONFIG), GATEHOUSE_REPO, GATEHOUSE_LISTEN and
GATEHOUSE_STATE_DIR, and the flags, each over the one before. Secrets come
from the environment only (GITHUB_TOKEN, GATEHOUSE_POSTGRES_<NAME>_USER and
_PASSWORD or _PASSWORD_FILE).`,
		Example: `  gatehouse serve --repo examples/acme
  gatehouse serve --config /etc/gatehouse/gatehouse.yaml --state-dir /var/lib/gatehouse`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				configPath = os.Getenv("GATEHOUSE_CONFIG")
			}
			cfg, err := server.LoadConfig(configPath, os.Getenv)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			flags := cmd.Flags()
			if flags.Changed("repo") {
				cfg.Repo = repo
			}
			if flags.Changed("listen") {
				cfg.Listen = listen
			}
			if flags.Changed("interval") {
				cfg.Reconcile.Interval = interval
			}
			if state.dir == "" {
				state.dir = cfg.StateDir
			}
			if err := cfg.Check(); err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			dir, err := state.path()
			if err != nil {
				return err
			}
			c := &server.Controller{Config: cfg, StateDir: dir, Log: newLogger(cmd, cfg.Log), Getenv: os.Getenv, ReadFile: os.ReadFile}
			if err := c.Run(cmd.Context()); err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "the configuration file (default: config/gatehouse.yaml's built-in defaults)")
	cmd.Flags().StringVar(&repo, "repo", "", "the access repo: a local path")
	cmd.Flags().StringVar(&listen, "listen", "", "where the HTTP endpoints listen (default 127.0.0.1:8080)")
	cmd.Flags().StringVar(&interval, "interval", "", "time between full reconcile runs (default 5m)")
	state.register(cmd)
	return cmd
}

// newLogger builds the controller's slog logger on stderr.
func newLogger(cmd *cobra.Command, c server.LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts))
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts))
}
