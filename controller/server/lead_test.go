package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneReplicaLeadsTheOtherStandsBy runs two controllers on one store:
// the second waits as a standby (alive, /readyz 503 "standby") and leads
// once the first stops.
func TestOneReplicaLeadsTheOtherStandsBy(t *testing.T) {
	repo := t.TempDir()
	for path, data := range map[string]string{
		"gatehouse.yaml":    "kind: Config\nname: acme\n",
		"people/alice.yaml": "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	} {
		p := filepath.Join(repo, path)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	state := t.TempDir()
	start := func() (*Controller, chan string, context.CancelFunc, chan error) {
		cfg, err := LoadConfig("", func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg.Repo, cfg.Listen = repo, "127.0.0.1:0"
		addr := make(chan string, 4)
		c := &Controller{Config: cfg, StateDir: state, Log: slog.New(slog.DiscardHandler),
			Getenv: func(string) string { return "" }, ReadFile: os.ReadFile, OnListen: func(a string) { addr <- a }}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		return c, addr, cancel, done
	}
	waitReady := func(c *Controller) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for c.Ready() != nil || !c.reportedOnce() { // Ready is nil before Run starts too
			if time.Now().After(deadline) {
				t.Fatalf("never ready: %v", c.Ready())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	first, _, stopFirst, firstDone := start()
	waitReady(first)
	second, _, stopSecond, secondDone := start()
	defer stopSecond()
	// The standby's endpoints listen on their own address (not reported
	// through OnListen): find them through the readiness it reports.
	deadline := time.Now().Add(10 * time.Second)
	for second.Ready() == nil || !strings.Contains(second.Ready().Error(), "standby") {
		select {
		case err := <-secondDone:
			t.Fatalf("the second replica stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second replica is not a standby: %v", second.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if second.Ready() == nil || !strings.Contains(second.Ready().Error(), "standby") {
		t.Fatalf("the second replica led while the first did: %v", second.Ready())
	}

	stopFirst()
	if err := <-firstDone; err != nil {
		t.Fatalf("first: %v", err)
	}
	waitReady(second)
	stopSecond()
	if err := <-secondDone; err != nil {
		t.Fatalf("second: %v", err)
	}
}

// TestStandbyEndpointsSayStandby: the standby's /readyz is 503 and names
// the reason, its /healthz is 200.
func TestStandbyEndpointsSayStandby(t *testing.T) {
	c := &Controller{Log: slog.New(slog.DiscardHandler)}
	c.setReady(errStandby)
	srv := &Server{Addr: "127.0.0.1:0", Ready: c.Ready, Log: c.Log}
	addr := make(chan string, 1)
	srv.OnListen = func(a string) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = srv.Run(ctx) }()
	base := "http://" + <-addr
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/readyz": http.StatusServiceUnavailable} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || (path == "/readyz" && !strings.Contains(string(body), "standby")) {
			t.Errorf("%s = %d %q, want %d", path, res.StatusCode, body, want)
		}
	}
}
