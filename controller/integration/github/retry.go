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

// retryPolicy bounds how hard the integration tries.
type retryPolicy struct {
	// attempts is how often a call is made when GitHub answers 5xx or
	// cannot be reached.
	attempts int
	// backoff is the first wait after a 5xx; each further wait doubles.
	backoff time.Duration
	// rateWaits is how often a call waits for a rate limit to pass.
	rateWaits int
	// margin is added to every rate-limit wait, for clocks that differ.
	margin time.Duration
}

var defaultRetry = retryPolicy{attempts: 4, backoff: 500 * time.Millisecond, rateWaits: 5, margin: 250 * time.Millisecond}

// secondaryDefault is how long GitHub asks clients to wait after a
// secondary rate limit that names no Retry-After.
const secondaryDefault = time.Minute

// do makes one API call, waiting out rate limits and retrying 5xx answers
// and network errors as the policy allows.
func (g *Integration) do(ctx context.Context, call func() (*gh.Response, error)) (*gh.Response, error) {
	failures, waits := 0, 0
	for {
		resp, err := call()
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return resp, err
		}
		wait, limited, retriable := classify(err, resp)
		switch {
		case limited:
			waits++
			if waits > g.retry.rateWaits {
				return resp, fmt.Errorf("%w (still rate limited after %d waits)", err, g.retry.rateWaits)
			}
			wait += g.retry.margin
		case retriable:
			failures++
			if failures >= g.retry.attempts {
				return resp, fmt.Errorf("%w (gave up after %d attempts; GitHub may be down, try again later)", err, failures)
			}
			wait = g.retry.backoff << (failures - 1)
		default:
			return resp, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return resp, fmt.Errorf("%w (waiting %s for GitHub would outlast the deadline)", err, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, fmt.Errorf("%w (stopped waiting: %w)", err, ctx.Err())
		case <-t.C:
		}
	}
}

// classify says how long to wait before retrying err: limited for a rate
// limit (wait is until it passes), retriable for a 5xx or a network error.
func classify(err error, resp *gh.Response) (wait time.Duration, limited, retriable bool) {
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
