package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// Sentinel errors callers branch on, with errors.Is.
var (
	// ErrHeadChanged is Merge's answer when the pull request's head is no
	// longer the commit it was asked to merge: decide again.
	ErrHeadChanged = errors.New("the pull request's head changed")
	// ErrNotMergeable is Merge's answer when GitHub refuses to merge: the
	// pull request is closed, a draft, conflicting or blocked by branch
	// protection.
	ErrNotMergeable = errors.New("the pull request is not mergeable")
	// ErrNoClient is what a Client built without a go-github client
	// answers to every call.
	ErrNoClient = errors.New("no GitHub client configured")
)

// Client reads and reports on the pull requests of one repository. Its
// methods are safe for concurrent use.
type Client struct {
	gh          *gh.Client
	owner, repo string
	retry       RetryPolicy
	observe     func(Call)
	login       string
}

// Call is one HTTP request a Client made to GitHub, as an observer sees
// it: every attempt counts, retries and rate-limited ones included.
type Call struct {
	// Method is the HTTP method.
	Method string
	// Route is the endpoint's path as GitHub documents it, such as
	// "/repos/{owner}/{repo}/pulls/{pull_number}": a label of few values.
	Route string
	// Status is GitHub's answer: 304 for a conditional request that
	// found nothing changed, 0 when GitHub could not be reached.
	Status int
	// RateRemaining is X-RateLimit-Remaining, -1 when not known.
	RateRemaining int
	// Duration is how long the request took.
	Duration time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithRetryPolicy sets how hard calls are tried (DefaultRetryPolicy
// otherwise).
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// WithObserver makes fn see every request the Client makes, after it
// completes, so that the server can count API calls and export the rate
// limit remaining. fn must be fast and safe for concurrent use.
func WithObserver(fn func(Call)) Option { return func(c *Client) { c.observe = fn } }

// WithLogin names the account the Client acts as (a GitHub App's
// "name[bot]", or the token's user). UpsertComment then considers only
// that account's comments, so that nobody can make gatehouse edit their
// comment by quoting its marker. Without it, any comment with the marker
// is gatehouse's.
func WithLogin(login string) Option { return func(c *Client) { c.login = login } }

// NewClient returns a Client of owner/repo that calls GitHub through c.
// It uses c's credentials, base URL and user agent on a transport of its
// own that makes GET requests conditional (ETagTransport) and reports
// each request to the observer; c itself is left unchanged. A nil c
// makes every call fail with ErrNoClient.
func NewClient(c *gh.Client, owner, repo string, opts ...Option) *Client {
	cl := &Client{owner: owner, repo: repo, retry: DefaultRetryPolicy}
	for _, opt := range opts {
		opt(cl)
	}
	if c == nil {
		return cl
	}
	hc := c.Client()
	var next http.RoundTripper = hc.Transport
	if _, cached := next.(*ETagTransport); !cached {
		next = NewETagTransport(next)
	}
	hc.Transport = &observer{next: next, fn: cl.observe}
	g := gh.NewClient(hc)
	g.BaseURL, g.UploadURL, g.UserAgent = c.BaseURL, c.UploadURL, c.UserAgent
	cl.gh = g
	return cl
}

// Repo returns the repository as "owner/repo".
func (c *Client) Repo() string { return c.owner + "/" + c.repo }

type routeKey struct{}

// at marks ctx with the route of the calls made with it, for observers.
func at(ctx context.Context, route string) context.Context {
	return context.WithValue(ctx, routeKey{}, route)
}

// observer is the transport that reports each request to an observer.
type observer struct {
	next http.RoundTripper
	fn   func(Call)
}

// RoundTrip implements http.RoundTripper.
func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	if o.fn == nil {
		return o.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(req)
	call := Call{Method: req.Method, RateRemaining: -1, Duration: time.Since(start)}
	call.Route, _ = req.Context().Value(routeKey{}).(string)
	if call.Route == "" {
		call.Route = req.URL.Path
	}
	if err == nil {
		call.Status = resp.StatusCode
		if resp.Header.Get("X-From-Cache") != "" {
			call.Status = http.StatusNotModified
		}
		if n, perr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); perr == nil {
			call.RateRemaining = n
		}
	}
	o.fn(call)
	return resp, err
}

// ready refuses calls on a Client without a go-github client.
func (c *Client) ready(op string) error {
	if c.gh == nil {
		return fmt.Errorf("github %s: %s: %w: set GITHUB_TOKEN or configure the GitHub App", c.Repo(), op, ErrNoClient)
	}
	return nil
}

// fail wraps err with the operation and what to do about it.
func (c *Client) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var advice string
	switch statusOf(err) {
	case http.StatusUnauthorized:
		advice = "; GitHub refused the credentials: check GITHUB_TOKEN or the GitHub App's key and installation"
	case http.StatusForbidden:
		var primary *gh.RateLimitError
		var secondary *gh.AbuseRateLimitError
		if !errors.As(err, &primary) && !errors.As(err, &secondary) {
			advice = "; give gatehouse's GitHub App (or token) read and write access to pull requests, issues and checks of " + c.Repo()
		}
	case http.StatusNotFound:
		advice = "; check that " + c.Repo() + " exists and that gatehouse's GitHub App is installed on it"
	}
	return fmt.Errorf("github %s: %s: %w%s", c.Repo(), op, err, advice)
}

// once is the policy of a create, which must not be repeated blindly:
// rate limits are waited out (a refused request did nothing), 5xx answers
// are not retried here but by attempt, which looks first.
func (c *Client) once() RetryPolicy {
	p := c.retry
	p.Attempts = 1
	return p
}

// attempt runs step until it succeeds, fails for good, or fails with a
// 5xx or network error as often as the policy allows, backing off
// between tries. step gets the number of the try, from 0: a step that
// creates something checks, on later tries, whether an earlier one took
// effect after all.
func (c *Client) attempt(ctx context.Context, step func(try int) error) error {
	for try := 0; ; try++ {
		err := step(try)
		if err == nil {
			return nil
		}
		if _, _, retriable := classify(err); !retriable || ctx.Err() != nil {
			return err
		}
		if try+1 >= max(c.retry.Attempts, 1) {
			return fmt.Errorf("%w (gave up after %d attempts; GitHub may be down, try again later)", err, try+1)
		}
		if werr := sleep(ctx, c.retry.Backoff<<try); werr != nil {
			return fmt.Errorf("%w (%w)", err, werr)
		}
	}
}
