package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEndpoints(t *testing.T) {
	var notReady error = errors.New("the first reconcile run has not finished")
	m := NewMetrics()
	m.ReconcileRuns.WithLabelValues("ok").Inc()
	srv := &Server{Ready: func() error { return notReady }, Gatherer: m.Registry}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	for _, tc := range []struct {
		path, contains string
		code           int
	}{
		{"/healthz", "ok", 200},
		{"/readyz", "first reconcile run", 503},
		{"/metrics", `gatehouse_reconcile_runs_total{result="ok"} 1`, 200},
		{"/nothing", "", 404},
	} {
		code, body := get(tc.path)
		if code != tc.code || !strings.Contains(body, tc.contains) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tc.path, code, body, tc.code, tc.contains)
		}
	}
	notReady = nil
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("ready controller: /readyz %d", code)
	}
	if res, err := http.Post(ts.URL+"/healthz", "text/plain", nil); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %v %v", res, err)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	file := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := LoadConfig("", env(nil))
	if err != nil || c.Repo != "examples/acme" || c.Listen != "127.0.0.1:8080" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	if j, d, err := c.Retention.Periods(); err != nil || j != 90*24*time.Hour || d != 30*24*time.Hour {
		t.Errorf("default retention: journal %v, deliveries %v, %v; want 90 and 30 days", j, d, err)
	}
	c, err = LoadConfig(file("a.yaml", "listen: 0.0.0.0:9000\nreconcile:\n  interval: 1m\n"), env(map[string]string{"GATEHOUSE_REPO": "/srv/access"}))
	if err != nil || c.Listen != "0.0.0.0:9000" || c.Repo != "/srv/access" || c.Reconcile.Interval != "1m" || c.Log.Level != "info" {
		t.Fatalf("file and environment over the defaults: %+v %v", c, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"unknown.yaml", "listn: x\n", "unknown.yaml"},
		{"interval.yaml", "reconcile:\n  interval: soon\n", "reconcile.interval"},
		{"level.yaml", "log:\n  level: loud\n", "log.level"},
		{"journal.yaml", "retention:\n  journal: 3 months\n", "retention.journal"},
		{"deliveries.yaml", "retention:\n  deliveries: 1d\n", "retention.deliveries"},
	} {
		if _, err := LoadConfig(file(tc.name, tc.data), env(nil)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.want)
		}
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml"), env(nil)); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestControllerServesALocalRepoUntilStopped(t *testing.T) {
	repo := t.TempDir()
	for path, data := range map[string]string{
		"gatehouse.yaml":                  "kind: Config\nname: acme\n",
		"people/alice.yaml":               "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
		"systems/badge.yaml":              "kind: System\nname: badge\napprovers: [alice]\nadmins: [alice]\n",
		"access/badge/alice-visitor.yaml": "kind: AccessRequest\nperson: alice\nsystem: badge\n",
	} {
		p := filepath.Join(repo, path)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Repo, cfg.Listen = repo, "127.0.0.1:0"
	var logs strings.Builder
	c := &Controller{Config: cfg, StateDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, nil)),
		Getenv: func(string) string { return "" }, ReadFile: os.ReadFile}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ready() != nil || !c.reportedOnce() {
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %v", c.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(logs.String(), "[Action Required] Provision badge (access) for alice") {
		t.Errorf("the start-up log does not list the task:\n%s", logs.String())
	}
}

func TestServeRefusesAGitHubRepositoryWithoutAWebhookSecret(t *testing.T) {
	cfg, _ := LoadConfig("", func(string) string { return "" })
	cfg.Repo = "acme/access"
	c := &Controller{Config: cfg, StateDir: t.TempDir(), Log: slog.New(slog.DiscardHandler), Getenv: func(string) string { return "" }}
	if err := c.Run(context.Background()); err == nil || !strings.Contains(err.Error(), EnvWebhookSecret) {
		t.Errorf("Run = %v, want a refusal naming %s", err, EnvWebhookSecret)
	}
}
