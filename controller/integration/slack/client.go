package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds the answers read from Slack; users.list pages are far
// smaller.
const maxBody = 10 << 20

// RetryPolicy bounds how hard a call to Slack is tried. Every method the
// integration calls is safe to repeat: reads, and writes that set a state
// (admin, regular, removed, a user group's full member list).
type RetryPolicy struct {
	// Attempts is how often a call is made when Slack answers 5xx or
	// cannot be reached.
	Attempts int
	// Backoff is the first wait after a 5xx; each further wait doubles,
	// up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// RateWaits is how many HTTP 429 answers a call waits out, each for
	// the Retry-After the answer names.
	RateWaits int
	// MaxRateWait is the longest Retry-After waited out; a longer one
	// fails the call at once, to be tried on the next pass.
	MaxRateWait time.Duration
}

// DefaultRetryPolicy tries a call four times over about 3.5 s of 5xx
// answers and waits out up to five rate limits of up to two minutes each.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, Backoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second, RateWaits: 5, MaxRateWait: 2 * time.Minute}

// rateWaitDefault is the wait after a 429 that names no Retry-After.
const rateWaitDefault = time.Second

// APIError is an answer of Slack's Web API with "ok": false, which Slack
// sends with HTTP 200. Error says what to do about it.
type APIError struct {
	// Method is the Web API method called, such as "users.list".
	Method string
	// Code is Slack's error code, such as "missing_scope".
	Code string
	// Needed and Provided are the scopes the method needs and the token
	// has, with missing_scope.
	Needed, Provided string
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

// StatusError is an HTTP answer from Slack other than 200 that the
// retries could not get past.
type StatusError struct {
	// Method is the Web API method called.
	Method string
	// StatusCode is the HTTP status of the last answer.
	StatusCode int
	// Attempts is how many answers the call got.
	Attempts int
	// RetryAfter is a rate limit's wait that was too long to wait out.
	RetryAfter time.Duration
}

// Error names the method and status and says what to do next.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: Slack answered HTTP %d %s", e.Method, e.StatusCode, http.StatusText(e.StatusCode))
	switch {
	case e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0:
		return msg + fmt.Sprintf(" and asks to wait %s, longer than gatehouse waits; gatehouse tries again on its next pass", e.RetryAfter)
	case e.StatusCode == http.StatusTooManyRequests:
		return msg + fmt.Sprintf(" after %d rate-limit waits; gatehouse tries again on its next pass", e.Attempts-1)
	case e.StatusCode >= 500:
		return msg + fmt.Sprintf(" %d times; Slack may be down (https://slack-status.com): gatehouse tries again on its next pass", e.Attempts)
	default:
		return msg + "; check that " + EnvAPIURL + ", if set, points at Slack's Web API"
	}
}

// envelope is what every Web API answer holds.
type envelope struct {
	OK               bool   `json:"ok"`
	Error            string `json:"error"`
	Needed           string `json:"needed"`
	Provided         string `json:"provided"`
	ResponseMetadata struct {
		NextCursor string `json:"next_cursor"`
	} `json:"response_metadata"`
}

// call posts form to the Web API method and decodes the answer into out
// (which may be nil), retrying rate limits, 5xx answers and network
// errors as the retry policy allows. An answer with "ok": false is never
// retried: it is an *APIError.
func (s *Integration) call(ctx context.Context, method string, form url.Values, out any) (envelope, error) {
	failures, waits := 0, 0
	for {
		status, header, body, err := s.post(ctx, method, form)
		var wait time.Duration
		switch {
		case errors.Is(err, errTooLarge):
			return envelope{}, fmt.Errorf("%s: %w; check that %s, if set, points at Slack's Web API", method, err, EnvAPIURL)
		case err != nil:
			if ctx.Err() != nil {
				return envelope{}, fmt.Errorf("%s: %w", method, ctx.Err())
			}
			failures++
			if failures >= max(s.retry.Attempts, 1) {
				return envelope{}, fmt.Errorf("%s: Slack cannot be reached (%d attempts): %w", method, failures, err)
			}
			wait = s.backoff(failures)
		case status == http.StatusTooManyRequests:
			waits++
			if waits > s.retry.RateWaits {
				return envelope{}, &StatusError{Method: method, StatusCode: status, Attempts: waits}
			}
			wait = retryAfter(header)
			if s.retry.MaxRateWait > 0 && wait > s.retry.MaxRateWait {
				return envelope{}, &StatusError{Method: method, StatusCode: status, Attempts: waits, RetryAfter: wait}
			}
		case status >= 500:
			failures++
			if failures >= max(s.retry.Attempts, 1) {
				return envelope{}, &StatusError{Method: method, StatusCode: status, Attempts: failures}
			}
			wait = s.backoff(failures)
		default:
			return s.decode(method, status, body, out)
		}
		if err := s.sleep(ctx, wait); err != nil {
			return envelope{}, fmt.Errorf("%s: gave up waiting %s to try again: %w", method, wait, err)
		}
	}
}

// post makes one request; the token goes in the Authorization header,
// never in the URL or the body.
func (s *Integration) post(ctx context.Context, method string, form url.Values) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.apiURL+method, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gatehouse")
	req.Header.Set("Authorization", "Bearer "+s.token.value)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read the answer: %w", err)
	}
	if len(body) > maxBody {
		// Not retried as a network error would be: the same call would
		// get the same answer.
		return resp.StatusCode, resp.Header, nil, errTooLarge
	}
	return resp.StatusCode, resp.Header, body, nil
}

var errTooLarge = fmt.Errorf("the answer is larger than %d MiB", maxBody>>20)

// decode reads a final answer: "ok": true into out, "ok": false into an
// *APIError.
func (s *Integration) decode(method string, status int, body []byte, out any) (envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		if status != http.StatusOK {
			return envelope{}, &StatusError{Method: method, StatusCode: status, Attempts: 1}
		}
		return envelope{}, fmt.Errorf("%s: the answer is not Slack Web API JSON; check that %s, if set, points at Slack's Web API (https://slack.com/api/)", method, EnvAPIURL)
	}
	if !env.OK {
		if env.Error == "" && status != http.StatusOK {
			return envelope{}, &StatusError{Method: method, StatusCode: status, Attempts: 1}
		}
		return env, s.apiError(method, env)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return env, fmt.Errorf("%s: read Slack's answer: %w", method, err)
		}
	}
	return env, nil
}

func (s *Integration) backoff(failures int) time.Duration {
	d := s.retry.Backoff << (failures - 1)
	if d <= 0 || (s.retry.MaxBackoff > 0 && d > s.retry.MaxBackoff) {
		d = s.retry.MaxBackoff
	}
	return d
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

// apiError turns an "ok": false answer into an error that says what to
// do next.
func (s *Integration) apiError(method string, env envelope) *APIError {
	e := &APIError{Method: method, Code: clean(env.Error), Needed: clean(env.Needed), Provided: clean(env.Provided)}
	token := s.token.source()
	switch e.Code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_auth":
		e.hint = fmt.Sprintf("Slack does not accept %s: check it holds a current token of workspace %s (user tokens start xoxp-)", token, s.settings.Workspace)
	case "missing_scope":
		needed := e.Needed
		if needed == "" {
			needed = "a scope Slack did not name"
		}
		e.hint = fmt.Sprintf("the token lacks the scope %s (it has %s): add %s to the Slack app's user token scopes, reinstall the app and update %s",
			needed, orNone(e.Provided), needed, token)
	case "not_allowed_token_type":
		e.hint = fmt.Sprintf("%s does not accept this kind of token: admin.* methods need a user token of an Enterprise Grid org owner or admin from an app installed on the organisation, with admin.users:write; set %s to one, or change Admin and Member by hand", method, token)
	case "feature_not_enabled", "not_an_enterprise", "enterprise_is_restricted", "paid_only", "plan_upgrade_required":
		e.hint = fmt.Sprintf("%s needs Slack's Admin API, which only Enterprise Grid organisations have (with an org-level token holding admin.users:write); without it, change Admin and Member by hand", method)
	case "not_an_admin", "invalid_permissions", "no_permission", "access_denied", "not_allowed":
		e.hint = fmt.Sprintf("the user whose token is in use may not do this: it must be an org owner or admin of the Enterprise Grid organisation (for admin.*) or allowed to manage user groups; fix %s or the user's role", token)
	case "user_not_found", "users_not_found":
		e.hint = "Slack has no such user: check the `slack:` member id in the person's document"
	case "invalid_users":
		e.hint = "Slack refused a member of the list: every user must be an active member of the workspace"
	case "cannot_modify_primary_owner":
		e.hint = "the primary owner cannot be changed through the API: transfer primary ownership by hand first"
	case "cannot_set_org_admin_to_regular_at_workspace_level":
		e.hint = "the user is an admin of the whole organisation: change their role in the organisation's admin settings"
	case "cannot_set_this_guest_to_regular_at_team_level":
		e.hint = "the guest is active in several workspaces: change their account type in the organisation's admin settings"
	case "team_not_found", "team_access_not_granted":
		e.hint = fmt.Sprintf("the token cannot reach workspace %s: check slack.workspace in gatehouse.yaml and that the app is installed on the workspace", s.settings.Workspace)
	case "no_such_subteam", "subteam_not_found":
		e.hint = "the user group does not exist (or was disabled): create it in Slack or fix the entitlement"
	case "no_users_provided":
		e.hint = "Slack keeps at least one member in a user group: remove the last member by hand or disable the group"
	case "ratelimited":
		e.hint = "Slack is rate limiting the token; gatehouse tries again on its next pass"
	case "invalid_cursor":
		e.hint = "the pagination cursor expired; gatehouse lists again on its next pass"
	case "ekm_access_denied":
		e.hint = "Slack's Enterprise Key Management denies access: ask the organisation's admins"
	case "two_factor_setup_required", "sso_required", "org_login_required":
		e.hint = "the token's user must finish signing in to Slack (two-factor or SSO) before its token works"
	default:
		e.hint = "see https://api.slack.com/methods/" + method + " for what it means"
	}
	return e
}

// clean keeps what a Slack error code or scope list is made of, so that
// an answer cannot put anything else into an error message.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_.:,-", r):
			return r
		}
		return -1
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
