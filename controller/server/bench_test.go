package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// BenchmarkWebhookToCheckRun measures, on the medium synthetic
// organisation (1,000 people), the time from a signed pull_request webhook
// arriving to the pull request's report on the fake GitHub brought up to
// date (check run, comment, labels): the controller's whole path
// (signature, queue, mirror fetch, decision, report), the in-process fake's
// own latency included. It reports the median and the 99th percentile.
func BenchmarkWebhookToCheckRun(b *testing.B) {
	ctx := context.Background()
	dir, err := synth.Cached(ctx, synth.Medium, 1, true)
	if err != nil {
		b.Fatal(err)
	}
	remote, err := git.PlainOpen(dir)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := remote.Reference(plumbing.NewBranchReferenceName(synth.Branch), true)
	if err != nil {
		b.Fatal(err)
	}
	org := synth.Generate(synth.Medium, 1, synth.WithNow(synth.CacheNow))
	var sys, person string
	for _, s := range org.Systems {
		if s.IsRequestable() && len(s.AccessLevels) > 0 && len(s.Approvers) > 0 {
			sys = s.Name + "\nlevel: " + s.AccessLevels[0].Name
			break
		}
	}
	for _, p := range org.People {
		if p.Active() && p.GitHub != "" {
			person = p.Name
			break
		}
	}
	head := gitrepotest.CommitEdits(b, remote, ref.Hash(), "bench request", gitrepotest.Files{
		"access/bench/request.yaml": gitrepotest.File{Data: fmt.Appendf(nil, "kind: AccessRequest\nperson: %s\nsystem: %s\njustification: benchmark\nexpires: %s\n",
			person, sys, synth.CacheNow.AddDate(0, 0, 20).Format(time.RFC3339))}})
	gitrepotest.Ref(b, remote, "refs/pull/1/head", head)

	fake := githubtest.NewServer(b)
	fake.SetBranch("acme", "access", synth.Branch, ref.Hash().String())
	n := fake.AddPullRequest("acme", "access", githubtest.PullRequest{Number: 1, Author: "bench", BaseRef: synth.Branch,
		BaseSHA: ref.Hash().String(), HeadRef: "request", HeadSHA: head.String()})
	updated := make(chan struct{}, 1024)
	fake.OnResponse(func(x githubtest.Exchange) {
		// Reading the labels is a decision's last call: the check run and
		// the comment are up to date by then (an unchanged check run is
		// not written again).
		if strings.HasSuffix(x.Request.Path, "/labels") && x.Request.Method == http.MethodGet {
			select {
			case updated <- struct{}{}:
			default:
			}
		}
	})
	env := map[string]string{EnvWebhookSecret: secret, "GITHUB_TOKEN": "bench", "GITHUB_API_URL": fake.URL, EnvCloneURL: dir}
	cfg, _ := LoadConfig("", func(string) string { return "" })
	cfg.Repo, cfg.Listen, cfg.Reconcile.Interval = "acme/access", "127.0.0.1:0", "1h"
	addr := make(chan string, 1)
	c := &Controller{Config: cfg, StateDir: b.TempDir(), Log: slog.New(slog.DiscardHandler),
		Getenv: func(k string) string { return env[k] }, ReadFile: os.ReadFile, OnListen: func(a string) { addr <- a }}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()
	e := &e2e{fake: fake}
	select {
	case e.addr = <-addr:
	case err := <-done:
		b.Fatalf("serve: %v", err)
	}
	bt := &testing.T{}
	e.t = bt
	// Warm up: the start-up resync and a first decision load the base.
	for range 2 {
		e.send("pull_request", prEvent("synchronize", n, head, "bench"), true)
		<-updated
	}
	time.Sleep(200 * time.Millisecond)
	for len(updated) > 0 {
		<-updated
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if code := e.send("pull_request", prEvent("synchronize", n, head, "bench"), true); code != http.StatusAccepted {
			b.Fatalf("webhook: %d", code)
		}
		<-updated
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
