package slackapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

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
	// Messages are Slack's details of what it refused, such as with
	// invalid_blocks.
	Messages []string
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
	// again and checkURL are the Client's Again and CheckURL, for
	// Error.
	again, checkURL string
}

// Error names the method and status and says what to do next.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: Slack answered HTTP %d %s", e.Method, e.StatusCode, http.StatusText(e.StatusCode))
	again, checkURL := e.again, e.checkURL
	if again == "" {
		again = "later"
	}
	if checkURL == "" {
		checkURL = "check the Slack API URL"
	}
	switch {
	case e.StatusCode == http.StatusTooManyRequests && e.RetryAfter > 0:
		return msg + fmt.Sprintf(" and asks to wait %s, longer than gatehouse waits; gatehouse tries again %s", e.RetryAfter, again)
	case e.StatusCode == http.StatusTooManyRequests:
		return msg + fmt.Sprintf(" after %d rate-limit waits; gatehouse tries again %s", e.Attempts-1, again)
	case e.StatusCode >= 500:
		return msg + fmt.Sprintf(" %d times; Slack may be down (https://slack-status.com): gatehouse tries again %s", e.Attempts, again)
	default:
		return msg + "; " + checkURL
	}
}

// Clean keeps what Slack's error codes, scopes, ids and plain messages
// are made of, at most 200 bytes, so that text from an answer or a
// payload cannot put anything else into an error.
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_.:,-/[] ", r):
			return r
		}
		return -1
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
