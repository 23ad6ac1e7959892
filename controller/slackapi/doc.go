// Package slackapi calls Slack's Web API (https://api.slack.com/web): the
// transport that the Slack integration (controller/integration/slack) and
// the Slack app (controller/slackapp) share. It knows neither: each builds
// a Client with its own token, retry policy and hints.
//
// # Calls
//
// Client.Call posts a method call to the API's base URL and the method
// name, with the token as a bearer token, never in a URL or a body.
// Arguments of type url.Values (or none) go form-encoded, anything else
// as JSON:
//
//	c := &slackapi.Client{Token: token, Retry: slackapi.RetryPolicy{Attempts: 3}}
//	var out struct {
//		TS string `json:"ts"`
//	}
//	_, err := c.Call(ctx, "chat.postMessage", args, &out)
//
// An answer is read up to Client.MaxBody bytes.
//
// # Errors
//
// Slack answers a refused call with HTTP 200 and "ok": false; Call returns
// it as an *APIError, never retried, whose message says what to do next:
// the caller's Client.Hint names its own token variable, scopes and
// setup, and a code it does not know points at the method's
// documentation. HTTP 429 answers wait for Retry-After and 5xx answers
// back off, as the RetryPolicy allows; an answer that the retries cannot
// get past is a *StatusError. Use errors.As to tell them apart:
//
//	var apiErr *slackapi.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == "missing_scope" {
//		// apiErr.Needed names the scope.
//	}
//
// What Slack (or whatever answers at the URL) echoes goes into errors
// only with the token replaced and with nothing but the characters of
// codes, scopes, ids and plain messages (S9).
package slackapi
