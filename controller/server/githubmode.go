package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/github/webhook"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	ghintegration "github.com/gatehouse-dev/gatehouse/controller/integration/github"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack"
	"github.com/gatehouse-dev/gatehouse/controller/integrations"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

var _ GitHub = (*github.Client)(nil)

// Environment of the GitHub controller.
const (
	EnvWebhookSecret = "GATEHOUSE_WEBHOOK_SECRET"
	// EnvCloneURL overrides where the mirror fetches from (GitHub
	// Enterprise, tests); https://github.com/OWNER/NAME.git otherwise.
	EnvCloneURL = "GATEHOUSE_GITHUB_CLONE_URL"
	// EnvLogin is the account gatehouse acts as on GitHub (the token's
	// user, or the App's "name[bot]"): only its comments are edited.
	EnvLogin = "GATEHOUSE_GITHUB_LOGIN"
)

// githubMetrics are the GitHub side's metrics.
type githubMetrics struct {
	deliveries *prometheus.CounterVec
	apiCalls   *prometheus.CounterVec
	rateLeft   prometheus.Gauge
	decisions  *prometheus.CounterVec
	latency    prometheus.Histogram
	// slackActions counts what people did from Slack.
	slackActions *prometheus.CounterVec
}

func newGitHubMetrics(reg prometheus.Registerer) *githubMetrics {
	m := &githubMetrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gatehouse_webhook_deliveries_total",
			Help: "Webhook deliveries by event and outcome (queued, duplicate, unauthorized, ignored, ...)."}, []string{"event", "outcome"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gatehouse_github_api_calls_total",
			Help: "GitHub API requests by method, route and status."}, []string{"method", "route", "status"}),
		rateLeft: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gatehouse_github_rate_limit_remaining",
			Help: "GitHub's X-RateLimit-Remaining after the last API request."}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gatehouse_pull_request_decisions_total",
			Help: "Pull request decisions by result (ok, error)."}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "gatehouse_pull_request_decision_seconds",
			Help: "From a webhook's arrival to the pull request's check run updated.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}),
		slackActions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gatehouse_slack_actions_total",
			Help: "What people did from Slack, by kind (approve, deny, provisioned, request) and result (ok, refused)."}, []string{"kind", "result"}),
	}
	reg.MustRegister(m.deliveries, m.apiCalls, m.rateLeft, m.decisions, m.latency, m.slackActions)
	return m
}

// runGitHub serves an access repo on GitHub: webhooks decide pull
// requests within seconds, a push to the default branch decides every
// open pull request again and reconciles, and a periodic resync heals
// missed webhooks.
func (c *Controller) runGitHub(ctx context.Context, st *store.Store, metrics *Metrics, interval time.Duration) error {
	secret := c.Getenv(EnvWebhookSecret)
	if secret == "" {
		return fmt.Errorf("serving a GitHub repository needs %s, the secret configured on its webhook; gatehouse refuses unsigned webhooks", EnvWebhookSecret)
	}
	owner, name, _ := strings.Cut(c.Config.Repo, "/")
	auth, err := ghintegration.AuthFrom(c.Getenv)
	if err != nil {
		return err
	}
	ghc := auth.Client()
	gm := newGitHubMetrics(metrics.Registry)
	client := github.NewClient(ghc, owner, name, github.WithLogin(c.Getenv(EnvLogin)), github.WithObserver(func(call github.Call) {
		gm.apiCalls.WithLabelValues(call.Method, call.Route, fmt.Sprint(call.Status)).Inc()
		if call.RateRemaining >= 0 {
			gm.rateLeft.Set(float64(call.RateRemaining))
		}
	}))
	cloneURL := c.Getenv(EnvCloneURL)
	if cloneURL == "" {
		cloneURL = "https://github.com/" + owner + "/" + name + ".git"
	}
	var gitAuth transport.AuthMethod
	if u, err := url.Parse(cloneURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		gitAuth = tokenAuth{token: auth.Token}
	}
	mirror := &gitrepo.Mirror{Dir: filepath.Join(c.StateDir, "mirror.git"), URL: cloneURL, Auth: gitAuth}
	if err := mirror.Sync(ctx); err != nil {
		return err
	}
	pulls := &Pulls{GitHub: client, Mirror: mirror, RepoDir: mirror.Dir, Bases: decide.NewBases(mirror.Dir, 8), Store: st, Log: c.Log,
		AutoMerge: c.Config.GitHub.AutoMerge, MergeMethod: c.Config.GitHub.MergeMethod}

	loadMain := func(ctx context.Context) (*model.Org, error) {
		org, findings, err := load.Open(ctx, mirror.Dir, "HEAD")
		if err != nil {
			return nil, err
		}
		if n := findings.Errors(); n > 0 {
			return nil, fmt.Errorf("%w: %d errors on the default branch", reconcile.ErrInvalidRepo, n)
		}
		return org, nil
	}
	first, err := loadMain(ctx)
	if err != nil {
		return err
	}
	its, notConfigured, closeAll := integrations.Build(ctx, first, c.Getenv, c.ReadFile)
	defer closeAll()
	runner := &reconcile.Runner{Store: st, Integrations: its, NotConfigured: notConfigured, Attempts: 3, Backoff: time.Second, Log: c.Log}
	var reconcileMu sync.Mutex
	reconcileNow := func(ctx context.Context) {
		reconcileMu.Lock()
		defer reconcileMu.Unlock()
		started := time.Now()
		org, err := loadMain(ctx)
		if err != nil {
			c.observe(ctx, st, metrics, nil, err, 0)
			return
		}
		res, err := runner.Reconcile(ctx, org, reconcile.Options{Actor: "gatehouse-serve", RequireApproval: true})
		c.observe(ctx, st, metrics, res, err, time.Since(started))
		if err := notifyExpiry(ctx, client, st, org, time.Now()); err != nil {
			c.Log.Error("expiry notices", "error", err)
		}
		if err := proposeCleanup(ctx, mirror, client, org, time.Now()); err != nil {
			c.Log.Error("cleanup pull request for expired requests", "error", err)
		}
	}

	queue := webhook.NewQueue(4096)
	handlers := c.slackApp(pulls, &SlackRequests{Pulls: pulls, Mirror: mirror, GitHub: client}, queue, gm.slackActions)
	handler, err := webhook.New(webhook.Options{Secret: []byte(secret), Deliveries: st, Queue: queue, Log: c.Log,
		Metrics: webhook.MetricsFunc(func(event string, outcome webhook.Outcome) {
			gm.deliveries.WithLabelValues(event, string(outcome)).Inc()
		})})
	if err != nil {
		return err
	}
	work := func(ctx context.Context, key webhook.Key, events []webhook.Event) {
		if key.All() {
			if err := pulls.Resync(ctx); err != nil {
				c.Log.Error("resync of open pull requests", "error", err)
			}
			reconcileNow(ctx)
			return
		}
		merged := false
		for _, ev := range events {
			if ev.Kind == webhook.KindPullRequest && (ev.Action == "opened" || ev.Action == "synchronize" || ev.Action == "reopened") {
				if err := pulls.NotePush(ctx, key.PR, ev.Sender); err != nil {
					c.Log.Error("record the last pusher", "pr", key.PR, "error", err)
				}
			}
			merged = merged || (ev.Kind == webhook.KindPullRequest && ev.Action == "closed")
		}
		err := pulls.Handle(ctx, key.PR)
		result := "ok"
		if err != nil {
			result = "error"
			c.Log.Error("decide pull request", "pr", key.PR, "error", err)
		}
		gm.decisions.WithLabelValues(result).Inc()
		if len(events) > 0 {
			gm.latency.Observe(time.Since(events[len(events)-1].ReceivedAt).Seconds())
		}
		if merged {
			reconcileNow(ctx)
		}
	}

	c.setReady(nil)
	srv := &Server{Addr: c.Config.Listen, Ready: c.Ready, Gatherer: metrics.Registry, Log: c.Log,
		Handlers: handlers, OnListen: c.OnListen}
	handlers["POST /webhook"] = handler
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { _ = queue.Run(ctx, 4, work) })
	wg.Go(func() { c.housekeep(ctx, st) })
	wg.Go(func() {
		// Start with a resync, then heal missed webhooks on the interval.
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			if err := queue.Add(webhook.Event{Kind: webhook.KindPush, Repo: c.Config.Repo, ReceivedAt: time.Now()}); err != nil && !errors.Is(err, webhook.ErrQueueFull) {
				c.Log.Error("queue the resync", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	})
	err = srv.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// slackApp sets up the Slack app when both of its variables are set:
// pull requests ask their approvers and admins in Slack too, and the
// returned handlers take their answers (/slack/interactions) and the
// slash command that files requests (/slack/commands). Without them, or
// with one only (reported), it returns no handlers.
func (c *Controller) slackApp(pulls *Pulls, requests *SlackRequests, queue *webhook.Queue, actions *prometheus.CounterVec) map[string]http.Handler {
	handlers := map[string]http.Handler{}
	secret, token := c.Getenv(EnvSlackSigningSecret), c.Getenv(EnvSlackBotToken)
	switch {
	case secret == "" && token == "":
		return handlers
	case secret == "" || token == "":
		c.Log.Warn("the Slack app is off: set both variables to turn it on", "variables", EnvSlackSigningSecret+" and "+EnvSlackBotToken)
		return handlers
	}
	apiURL := c.Getenv(slack.EnvAPIURL)
	pulls.Slack = slackapp.NewClient(token, apiURL, nil)
	pulls.Requeue = func(n int) {
		if err := queue.Add(webhook.Event{Kind: webhook.KindPullRequest, Repo: c.Config.Repo, PR: n, ReceivedAt: time.Now()}); err != nil {
			c.Log.Warn("queue the pull request after a Slack answer", "pr", n, "error", err)
		}
	}
	act := func(ctx context.Context, a slackapp.Action) (reply string, err error) {
		defer func() {
			result := "ok"
			if err != nil {
				result = "refused"
			}
			actions.WithLabelValues(string(a.Kind), result).Inc()
		}()
		if a.Kind == slackapp.Request {
			return requests.File(ctx, a)
		}
		return pulls.SlackAction(ctx, a)
	}
	h := &slackapp.Handler{Secret: secret, Client: pulls.Slack, Act: act, Log: c.Log}
	if u, err := url.Parse(apiURL); apiURL != "" && err == nil && u.Host != "" {
		// A Slack reached at another address answers there too.
		h.ResponseURLPrefix = u.Scheme + "://" + u.Host + "/"
	}
	handlers["POST /slack/interactions"] = h
	handlers["POST /slack/commands"] = &slackapp.CommandHandler{Secret: secret, Client: pulls.Slack, Systems: requests.Systems, Log: c.Log}
	return handlers
}

// tokenAuth authenticates git over HTTPS with a token fetched per request,
// so that a GitHub App's installation token is renewed as it expires.
type tokenAuth struct {
	token func(ctx context.Context) (string, error)
}

func (tokenAuth) Name() string   { return "http-basic-auth" }
func (tokenAuth) String() string { return "http-basic-auth - x-access-token:*******" }

// SetAuth adds the current token; without one the request goes
// unauthenticated and GitHub's refusal says so.
func (a tokenAuth) SetAuth(r *http.Request) {
	if t, err := a.token(r.Context()); err == nil && t != "" {
		r.SetBasicAuth("x-access-token", t)
	}
}
