package github

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// RetryPolicy bounds how hard a call to GitHub is tried.
type RetryPolicy struct {
	// Attempts is how often a call is made when GitHub answers 5xx or
	// cannot be reached.
	Attempts int
	// Backoff is the first wait after a 5xx; each further wait doubles.
	Backoff time.Duration
	// RateWaits is how often a call waits for a rate limit to pass.
	RateWaits int
	// Margin is added to every rate-limit wait, for clocks that differ.
	Margin time.Duration
}

// DefaultRetryPolicy tries a call four times over about 3.5 s of 5xx
// answers and waits out up to five rate limits.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, Backoff: 500 * time.Millisecond, RateWaits: 5, Margin: 250 * time.Millisecond}

// secondaryDefault is how long GitHub asks clients to wait after a
// secondary rate limit that names no Retry-After.
const secondaryDefault = time.Minute

// PerPage is the largest page GitHub serves: the fewest calls per list.
const PerPage = 100

// Do makes one API call, waiting out rate limits (X-RateLimit-Reset for
// the primary limit, Retry-After for the secondary one) and retrying 5xx
// answers and network errors with exponential backoff, as the policy
// allows. It never sleeps past ctx's deadline: a wait that would outlast
// it returns the error at once. Only idempotent calls should be passed:
// a retried POST may create twice.
func (p RetryPolicy) Do(ctx context.Context, call func() (*gh.Response, error)) (*gh.Response, error) {
	failures, waits := 0, 0
	for {
		resp, err := call()
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return resp, err
		}
		wait, retry, err := p.next(err, &failures, &waits)
		if !retry {
			return resp, err
		}
		if werr := sleep(ctx, wait); werr != nil {
			return resp, fmt.Errorf("%w (%w)", err, werr)
		}
	}
}

// next decides whether err is worth another try and how long to wait
// first; when it is not, it returns err with what the caller should know.
func (p RetryPolicy) next(err error, failures, waits *int) (time.Duration, bool, error) {
	wait, limited, retriable := classify(err)
	switch {
	case limited:
		*waits++
		if *waits > p.RateWaits {
			return 0, false, fmt.Errorf("%w (still rate limited after %d waits; try again after the limit resets)", err, p.RateWaits)
		}
		wait += p.Margin
	case retriable:
		*failures++
		if *failures >= max(p.Attempts, 1) {
			if p.Attempts <= 1 {
				// A single try is the caller's to retry (or not).
				return 0, false, err
			}
			return 0, false, fmt.Errorf("%w (gave up after %d attempts; GitHub may be down, try again later)", err, *failures)
		}
		wait = p.Backoff << (*failures - 1)
	default:
		return 0, false, err
	}
	return wait, true, err
}

// sleep waits d unless ctx ends first or its deadline comes before d
// has passed.
func sleep(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("waiting %s for GitHub would outlast the deadline", d.Round(time.Millisecond))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("stopped waiting for GitHub: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

// Fetch makes one call that returns a value, through p.Do.
func Fetch[T any](ctx context.Context, p RetryPolicy, call func() (T, *gh.Response, error)) (T, *gh.Response, error) {
	var v T
	resp, err := p.Do(ctx, func() (*gh.Response, error) {
		var resp *gh.Response
		var err error
		v, resp, err = call()
		return resp, err
	})
	return v, resp, err
}

// ListAll follows every page of a list, PerPage items a page, each page
// fetched through p.Do.
func ListAll[T any](ctx context.Context, p RetryPolicy, list func(gh.ListOptions) ([]T, *gh.Response, error)) ([]T, error) {
	opts := gh.ListOptions{PerPage: PerPage}
	var all []T
	for {
		page, resp, err := Fetch(ctx, p, func() ([]T, *gh.Response, error) { return list(opts) })
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if resp == nil || resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

// classify says how long to wait before retrying err: limited for a rate
// limit (wait is until it passes), retriable for a 5xx or a network error.
func classify(err error) (wait time.Duration, limited, retriable bool) {
	var primary *gh.RateLimitError
	var secondary *gh.AbuseRateLimitError
	var apiErr *gh.ErrorResponse
	var netErr net.Error
	var urlErr *url.Error
	switch {
	case errors.As(err, &primary):
		return max(time.Until(primary.Rate.Reset.Time), 0), true, false
	case errors.As(err, &secondary):
		if secondary.RetryAfter != nil {
			return max(*secondary.RetryAfter, 0), true, false
		}
		return secondaryDefault, true, false
	case errors.As(err, &apiErr) && apiErr.Response != nil && apiErr.Response.StatusCode == http.StatusTooManyRequests:
		return waitOf(apiErr.Response.Header), true, false
	case errors.As(err, &apiErr) && apiErr.Response != nil && apiErr.Response.StatusCode >= 500:
		return 0, false, true
	case errors.As(err, &netErr), errors.As(err, &urlErr):
		return 0, false, true
	}
	return 0, false, false
}

// waitOf reads how long a 429 asks to wait: Retry-After, else until
// X-RateLimit-Reset, else GitHub's advice of a minute.
func waitOf(h http.Header) time.Duration {
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil {
		return time.Duration(s) * time.Second
	}
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		return max(time.Until(time.Unix(s, 0)), 0)
	}
	return secondaryDefault
}

// IsNotFound reports whether err is GitHub's 404.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// statusOf is the HTTP status of GitHub's error answer, 0 for other
// errors.
func statusOf(err error) int {
	var apiErr *gh.ErrorResponse
	if errors.As(err, &apiErr) && apiErr.Response != nil {
		return apiErr.Response.StatusCode
	}
	return 0
}
