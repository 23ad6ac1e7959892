package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Bounds of a call to Slack.
const (
	// maxAttempts is how often a call is made at most.
	maxAttempts = 3
	// maxRateWait is the longest Retry-After waited out; a longer one
	// fails the call at once.
	maxRateWait = 30 * time.Second
	// backoff is the first wait after a 5xx answer; the next doubles.
	backoff = 500 * time.Millisecond
	// maxAnswer caps what is read of an answer.
	maxAnswer = 1 << 20
	// replyTimeout bounds a post to a response URL: it happens while
	// Slack waits for the interaction's answer.
	replyTimeout = 2 * time.Second
)

// Client posts messages with a bot token (chat:write, im:write scopes).
// It is safe for concurrent use.
type Client struct {
	token  string
	apiURL string
	hc     *http.Client
	// sleep waits between attempts; tests replace it.
	sleep func(context.Context, time.Duration) error
}

// NewClient returns a client of the Web API at apiURL ("" for
// DefaultAPIURL) that authenticates with the bot token, over hc (nil for
// a client with a 30 s timeout).
func NewClient(token string, apiURL string, hc *http.Client) *Client {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{token: token, apiURL: apiURL, hc: hc, sleep: sleepContext}
}

// APIError is an answer of Slack's Web API with "ok": false. Error says
// what to do about it.
type APIError struct {
	// Method is the Web API method called, such as "chat.postMessage".
	Method string
	// Code is Slack's error code, such as "missing_scope".
	Code string
	// Needed is the scope the method needs, with missing_scope.
	Needed string
	// hint says what to do next.
	hint string
}

// Error names the method, Slack's code and what to do next.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s: Slack answered %q", e.Method, e.Code)
	if e.hint != "" {
		msg += ": " + e.hint
	}
	return msg
}

// PostMessage sends m to channel (a member id opens or uses the direct
// message with the app) via chat.postMessage, and returns the message's
// ts.
func (c *Client) PostMessage(ctx context.Context, channel string, m Message) (ts string, err error) {
	var out struct {
		TS string `json:"ts"`
	}
	args := struct {
		Channel string `json:"channel"`
		Message
		UnfurlLinks bool `json:"unfurl_links"`
		UnfurlMedia bool `json:"unfurl_media"`
	}{Channel: channel, Message: m}
	if err := c.call(ctx, "chat.postMessage", args, &out, channel); err != nil {
		return "", err
	}
	return out.TS, nil
}

// OpenDenyDialog opens a modal (views.open with triggerID) that asks for
// the reason of a denial: callback_id "gatehouse.deny", a required
// multiline plain_text_input (block_id and action_id "reason") and ref as
// JSON in private_metadata.
func (c *Client) OpenDenyDialog(ctx context.Context, triggerID string, ref Ref) error {
	args := struct {
		TriggerID string `json:"trigger_id"`
		View      block  `json:"view"`
	}{triggerID, denyView(ref)}
	return c.call(ctx, "views.open", args, nil, "")
}

// call posts args as JSON to the Web API method and decodes a successful
// answer into out (which may be nil). HTTP 429 waits for Retry-After and
// 5xx answers back off briefly, maxAttempts in all; "ok": false is never
// retried. A network error is not retried either, as chat.postMessage may
// have posted. channel, if any, is named in errors about it.
func (c *Client) call(ctx context.Context, method string, args, out any, channel string) error {
	if c.token == "" {
		return fmt.Errorf("%s: no bot token: set GATEHOUSE_SLACK_BOT_TOKEN to the app's Bot User OAuth Token", method)
	}
	body, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	for attempt := 1; ; attempt++ {
		status, header, answer, err := c.post(ctx, c.apiURL+method, body, true)
		if err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		var wait time.Duration
		switch {
		case status == http.StatusTooManyRequests:
			wait = retryAfter(header)
			if wait > maxRateWait {
				return fmt.Errorf("%s: Slack is rate limiting the bot and asks to wait %s, longer than gatehouse waits; it tries again later", method, wait)
			}
		case status >= 500:
			wait = backoff << (attempt - 1)
		default:
			return c.decode(method, status, answer, out, channel)
		}
		if attempt >= maxAttempts {
			return fmt.Errorf("%s: Slack answered HTTP %d %s %d times; Slack may be down (https://slack-status.com)", method, status, http.StatusText(status), attempt)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: gave up waiting %s to try again: %w", method, wait, err)
		}
	}
}

// post makes one request. The token goes in the Authorization header,
// never in the URL or the body, and only to the Web API (auth).
func (c *Client) post(ctx context.Context, url string, body []byte, auth bool) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gatehouse")
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// Without the URL: a response URL is a capability to reply.
		if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read the answer: %w", err)
	}
	if len(answer) > maxAnswer {
		return 0, nil, nil, fmt.Errorf("the answer is larger than %d MiB; check the Slack API URL", maxAnswer>>20)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// reply posts an ephemeral reply to an interaction's response URL, which
// needs no token.
func (c *Client) reply(ctx context.Context, responseURL, text string) error {
	body, err := json.Marshal(map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, replyTimeout)
	defer cancel()
	status, _, _, err := c.post(ctx, responseURL, body, false)
	switch {
	case err != nil:
		return fmt.Errorf("post to the response URL: %w", err)
	case status != http.StatusOK:
		return fmt.Errorf("post to the response URL: Slack answered HTTP %d %s", status, http.StatusText(status))
	}
	return nil
}

// decode reads a final answer: "ok": true into out, "ok": false into an
// *APIError.
func (c *Client) decode(method string, status int, answer []byte, out any, channel string) error {
	var env struct {
		OK               bool   `json:"ok"`
		Error            string `json:"error"`
		Needed           string `json:"needed"`
		ResponseMetadata struct {
			Messages []string `json:"messages"`
		} `json:"response_metadata"`
	}
	if err := json.Unmarshal(answer, &env); err != nil {
		return fmt.Errorf("%s: Slack answered HTTP %d with something other than Web API JSON; check the Slack API URL (https://slack.com/api/)", method, status)
	}
	if !env.OK {
		// What Slack (or whatever answers at the API URL) says goes into
		// the error: never with the token in it (S9).
		redact := strings.NewReplacer(c.token, "[token]")
		for i, m := range env.ResponseMetadata.Messages {
			env.ResponseMetadata.Messages[i] = redact.Replace(m)
		}
		return apiError(method, redact.Replace(env.Error), redact.Replace(env.Needed), env.ResponseMetadata.Messages, channel)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			return fmt.Errorf("%s: read Slack's answer: %w", method, err)
		}
	}
	return nil
}

// apiError turns an "ok": false answer into an error that says what to do
// next.
func apiError(method, code, needed string, messages []string, channel string) *APIError {
	e := &APIError{Method: method, Code: clean(code), Needed: clean(needed)}
	const token = "GATEHOUSE_SLACK_BOT_TOKEN"
	switch e.Code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_auth":
		e.hint = "Slack does not accept the bot token: check that " + token + " holds the app's current Bot User OAuth Token (xoxb-…)"
	case "missing_scope":
		n := e.Needed
		if n == "" {
			n = "a scope Slack did not name"
		}
		e.hint = fmt.Sprintf("the bot token lacks the scope %s: add %s to the app's Bot Token Scopes (OAuth & Permissions), reinstall the app and update %s", n, n, token)
	case "channel_not_found", "user_not_found", "users_not_found":
		e.hint = fmt.Sprintf("Slack has no member or channel %q: check the `slack:` member id in the person's document", clean(channel))
	case "not_in_channel", "is_archived":
		e.hint = fmt.Sprintf("the app cannot post in %q: invite it to the channel, or use a member id to send a direct message", clean(channel))
	case "messages_tab_disabled", "cannot_dm_bot", "user_disabled":
		e.hint = fmt.Sprintf("Slack does not let the app message %q directly: enable the app's Messages tab (App Home) or check the person's `slack:` member id", clean(channel))
	case "expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id":
		e.hint = "the click is too old to open a dialog (Slack allows 3 seconds): click Deny again"
	case "invalid_blocks", "invalid_arguments", "invalid_json", "msg_too_long", "no_text":
		e.hint = "Slack refused what gatehouse sent; please report it"
		var details []string
		for _, m := range messages {
			details = append(details, clean(m))
		}
		if len(details) > 0 {
			e.hint += " (" + truncate(strings.Join(details, "; "), maxErrorMessage) + ")"
		}
	case "ratelimited":
		e.hint = "Slack is rate limiting the bot; gatehouse tries again later"
	default:
		e.hint = "see https://api.slack.com/methods/" + method + " for what it means"
	}
	return e
}

// clean keeps what Slack's error codes, scopes, ids and messages are made
// of, so that an answer cannot put anything else into an error.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_.:,-/[] ", r):
			return r
		}
		return -1
	}, s)
	return truncate(s, 200)
}

// retryAfter reads the seconds a 429 asks to wait; a second without one.
func retryAfter(h http.Header) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	return time.Second
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
