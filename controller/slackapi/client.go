package slackapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultURL is the base URL of Slack's Web API.
const DefaultURL = "https://slack.com/api/"

// DefaultMaxBody is the answer size Client reads at most when its MaxBody
// is zero; users.list pages are far smaller.
const DefaultMaxBody = 10 << 20

// rateWaitDefault is the wait after a 429 that names no Retry-After.
const rateWaitDefault = time.Second

// RetryPolicy bounds how hard a call to Slack is tried.
type RetryPolicy struct {
	// Attempts is how often a call is made when Slack answers 5xx or
	// cannot be reached; 0 counts as 1.
	Attempts int
	// Backoff is the first wait after a failure; each further wait
	// doubles, up to MaxBackoff if it is set.
	Backoff, MaxBackoff time.Duration
	// RateWaits is how many HTTP 429 answers a call waits out, each for
	// the Retry-After the answer names.
	RateWaits int
	// MaxRateWait is the longest Retry-After waited out, if set; a
	// longer one fails the call at once.
	MaxRateWait time.Duration
	// NoNetworkRetry fails a call at the first network error, for
	// methods that are not safe to repeat: a chat.postMessage whose
	// answer was lost may have posted.
	NoNetworkRetry bool
}

// backoff is the wait after the n-th failure.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Backoff << (n - 1)
	if d <= 0 || (p.MaxBackoff > 0 && d > p.MaxBackoff) {
		d = p.MaxBackoff
	}
	return d
}

// Client calls Slack's Web API with one token. Its fields are set before
// the first call; it is then safe for concurrent use. Callers that
// change a field build a new Client: it is cheap.
type Client struct {
	// Token is the bearer token (xoxb-, xoxp-); it is sent in the
	// Authorization header alone and removed from what Slack echoes.
	Token string
	// URL is the API's base URL, ending in a slash; DefaultURL if empty.
	URL string
	// HTTP makes the requests; http.DefaultClient if nil.
	HTTP *http.Client
	// Retry bounds the retries of a call.
	Retry RetryPolicy
	// MaxBody is the answer size read at most; DefaultMaxBody if zero.
	MaxBody int
	// Sleep waits between attempts, or fails when ctx ends or its
	// deadline comes first; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Hint says what to do about an *APIError, naming the caller's token
	// variable, scopes and setup; "" (or a nil Hint) points at the
	// method's documentation.
	Hint func(e *APIError) string
	// CheckURL says what to check when the answer is not Slack's, such
	// as "check that GATEHOUSE_SLACK_API_URL, if set, points at Slack's
	// Web API"; "check the Slack API URL" if empty.
	CheckURL string
	// Again says when the caller tries a failed call again, such as "on
	// its next pass"; "later" if empty.
	Again string
}

// Format prints the client without its token for every verb, so that a
// client logged or wrapped into an error by mistake shows nothing secret
// (S9).
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "slackapi.Client{URL: %q, Token: (redacted)}", c.URL)
}

// LogValue makes log/slog print Format's text.
func (c Client) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(c)) }

// Response is what Call reads of a successful answer besides the
// caller's fields.
type Response struct {
	// NextCursor is the cursor of the next page of a paginated method;
	// "" on the last page.
	NextCursor string
}

// envelope is what every Web API answer holds.
type envelope struct {
	OK               bool   `json:"ok"`
	Error            string `json:"error"`
	Needed           string `json:"needed"`
	Provided         string `json:"provided"`
	ResponseMetadata struct {
		NextCursor string   `json:"next_cursor"`
		Messages   []string `json:"messages"`
	} `json:"response_metadata"`
}

// Call posts args to the Web API method and decodes a successful answer
// into out (which may be nil). args of type url.Values, or nil, are
// form-encoded; anything else is posted as JSON. Rate limits, 5xx answers
// and network errors are retried as c.Retry allows; an answer with "ok":
// false is never retried: it is an *APIError.
func (c *Client) Call(ctx context.Context, method string, args, out any) (*Response, error) {
	contentType, body, err := encode(args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	failures, waits := 0, 0
	for {
		status, header, answer, err := c.post(ctx, method, contentType, body)
		var wait time.Duration
		switch {
		case errors.Is(err, errTooLarge):
			// Not retried: the same call would get the same answer.
			return nil, fmt.Errorf("%s: the answer is larger than %d MiB; %s", method, c.maxBody()>>20, c.checkURL())
		case err != nil:
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s: %w", method, ctx.Err())
			}
			failures++
			if c.Retry.NoNetworkRetry {
				return nil, fmt.Errorf("%s: Slack cannot be reached: %w", method, err)
			}
			if failures >= max(c.Retry.Attempts, 1) {
				return nil, fmt.Errorf("%s: Slack cannot be reached (%d attempts): %w", method, failures, err)
			}
			wait = c.Retry.backoff(failures)
		case status == http.StatusTooManyRequests:
			waits++
			if waits > c.Retry.RateWaits {
				return nil, c.statusError(method, status, waits, 0)
			}
			wait = retryAfter(header)
			if c.Retry.MaxRateWait > 0 && wait > c.Retry.MaxRateWait {
				return nil, c.statusError(method, status, waits, wait)
			}
		case status >= 500:
			failures++
			if failures >= max(c.Retry.Attempts, 1) {
				return nil, c.statusError(method, status, failures, 0)
			}
			wait = c.Retry.backoff(failures)
		default:
			return c.decode(method, status, answer, out)
		}
		sleep := c.Sleep
		if sleep == nil {
			sleep = sleepContext
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: gave up waiting %s to try again: %w", method, wait, err)
		}
	}
}

// encode makes the request body of args.
func encode(args any) (contentType string, body []byte, err error) {
	switch a := args.(type) {
	case nil:
		return "application/x-www-form-urlencoded", nil, nil
	case url.Values:
		return "application/x-www-form-urlencoded", []byte(a.Encode()), nil
	default:
		body, err := json.Marshal(args)
		return "application/json; charset=utf-8", body, err
	}
}

var errTooLarge = errors.New("the answer is too large")

// post makes one request; the token goes in the Authorization header,
// never in the URL or the body.
func (c *Client) post(ctx context.Context, method, contentType string, body []byte) (int, http.Header, []byte, error) {
	base := c.URL
	if base == "" {
		base = DefaultURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+method, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gatehouse")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Without the URL, which may carry credentials of a proxy.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, int64(c.maxBody())+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read the answer: %w", err)
	}
	if len(answer) > c.maxBody() {
		return resp.StatusCode, resp.Header, nil, errTooLarge
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// decode reads a final answer: "ok": true into out, "ok": false into an
// *APIError.
func (c *Client) decode(method string, status int, answer []byte, out any) (*Response, error) {
	var env envelope
	if err := json.Unmarshal(answer, &env); err != nil {
		if status != http.StatusOK {
			return nil, c.statusError(method, status, 1, 0)
		}
		return nil, fmt.Errorf("%s: the answer is not Slack Web API JSON; %s (%s)", method, c.checkURL(), DefaultURL)
	}
	if !env.OK {
		if env.Error == "" && status != http.StatusOK {
			return nil, c.statusError(method, status, 1, 0)
		}
		return nil, c.apiError(method, env)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return nil, fmt.Errorf("%s: read Slack's answer: %w", method, err)
		}
	}
	return &Response{NextCursor: env.ResponseMetadata.NextCursor}, nil
}

// apiError turns an "ok": false answer into an error that says what to
// do next. What Slack echoes goes in without the token (S9).
func (c *Client) apiError(method string, env envelope) *APIError {
	redact := func(s string) string { return Clean(s) }
	if c.Token != "" {
		r := strings.NewReplacer(c.Token, "[token]")
		redact = func(s string) string { return Clean(r.Replace(s)) }
	}
	e := &APIError{Method: method, Code: redact(env.Error), Needed: redact(env.Needed), Provided: redact(env.Provided)}
	for _, m := range env.ResponseMetadata.Messages {
		e.Messages = append(e.Messages, redact(m))
	}
	if c.Hint != nil {
		e.hint = c.Hint(e)
	}
	if e.hint == "" {
		e.hint = "see https://api.slack.com/methods/" + method + " for what it means"
	}
	return e
}

func (c *Client) statusError(method string, status, attempts int, retryAfter time.Duration) *StatusError {
	return &StatusError{Method: method, StatusCode: status, Attempts: attempts, RetryAfter: retryAfter, again: c.Again, checkURL: c.CheckURL}
}

func (c *Client) maxBody() int {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

func (c *Client) checkURL() string {
	if c.CheckURL == "" {
		return "check the Slack API URL"
	}
	return c.CheckURL
}

// retryAfter reads the seconds a 429 asks to wait.
func retryAfter(h http.Header) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	return rateWaitDefault
}

// sleepContext waits for d or until ctx ends; a wait that would outlast
// ctx's deadline fails at once.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return errors.New("the wait would outlast the deadline")
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
