package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	neturl "net/url"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/slackapi"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = slackapi.DefaultURL

// retry bounds a call to Slack: 3 attempts at most, waiting out
// Retry-After up to 30 s and backing off briefly after 5xx answers. A
// network error is not retried, as chat.postMessage may have posted.
var retry = slackapi.RetryPolicy{Attempts: 3, Backoff: 500 * time.Millisecond, MaxBackoff: 2 * time.Second, RateWaits: 2, MaxRateWait: 30 * time.Second, NoNetworkRetry: true}

const (
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
	// sleep waits between attempts; tests replace it, nil sleeps.
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
	return &Client{token: token, apiURL: apiURL, hc: hc}
}

// APIError is an answer of Slack's Web API with "ok": false. Error says
// what to do about it.
type APIError = slackapi.APIError

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
	if err := c.call(ctx, "chat.postMessage", args, &out, about{channel: channel}); err != nil {
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
	return c.call(ctx, "views.open", args, nil, about{again: "click Deny again"})
}

// OpenRequestDialog opens the request dialog (views.open with triggerID,
// the trigger_id of a slash command): callback_id "gatehouse.request",
// input blocks "system" (a static_select of systems, or a
// plain_text_input with more than Slack's 100 options), "level",
// "justification" and "expires". Systems without a name are left out,
// and a name offered twice is offered once.
func (c *Client) OpenRequestDialog(ctx context.Context, triggerID string, systems []SystemOption) error {
	systems = offered(systems)
	if len(systems) == 0 {
		return errors.New("views.open: there is no system to offer in the request dialog")
	}
	args := struct {
		TriggerID string `json:"trigger_id"`
		View      block  `json:"view"`
	}{triggerID, requestView(systems)}
	return c.call(ctx, "views.open", args, nil, about{again: "type the command again"})
}

// about is what a call is about, for the hints of its errors.
type about struct {
	// channel is the channel or member id posted to, if any.
	channel string
	// again is what to do when the trigger_id has expired, such as
	// "click Deny again".
	again string
}

// call posts args as JSON to the Web API method and decodes a successful
// answer into out (which may be nil), retrying as retry allows. a names
// what errors should speak of.
func (c *Client) call(ctx context.Context, method string, args, out any, a about) error {
	if c.token == "" {
		return fmt.Errorf("%s: no bot token: set GATEHOUSE_SLACK_BOT_TOKEN to the app's Bot User OAuth Token", method)
	}
	api := slackapi.Client{
		Token:   c.token,
		URL:     c.apiURL,
		HTTP:    c.hc,
		Retry:   retry,
		MaxBody: maxAnswer,
		Sleep:   c.sleep,
		Hint:    func(e *APIError) string { return hint(e, a) },
	}
	_, err := api.Call(ctx, method, args, out)
	return err
}

// reply posts an ephemeral reply to an interaction's response URL. It is
// no Web API method: the URL itself is the capability, so no token goes
// with it.
func (c *Client) reply(ctx context.Context, responseURL, text string) error {
	body, err := json.Marshal(map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, replyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return errors.New("post to the response URL: the URL is not valid")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gatehouse")
	resp, err := c.hc.Do(req)
	if err != nil {
		// Without the URL: a response URL is a capability to reply.
		if ue := (*neturl.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post to the response URL: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post to the response URL: Slack answered HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}

// hint says what to do about an "ok": false answer to a call about a.
func hint(e *APIError, a about) string {
	const token = "GATEHOUSE_SLACK_BOT_TOKEN"
	channel := slackapi.Clean(a.channel)
	switch e.Code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_auth":
		return "Slack does not accept the bot token: check that " + token + " holds the app's current Bot User OAuth Token (xoxb-…)"
	case "missing_scope":
		n := e.Needed
		if n == "" {
			n = "a scope Slack did not name"
		}
		return fmt.Sprintf("the bot token lacks the scope %s: add %s to the app's Bot Token Scopes (OAuth & Permissions), reinstall the app and update %s", n, n, token)
	case "channel_not_found", "user_not_found", "users_not_found":
		return fmt.Sprintf("Slack has no member or channel %q: check the `slack:` member id in the person's document", channel)
	case "not_in_channel", "is_archived":
		return fmt.Sprintf("the app cannot post in %q: invite it to the channel, or use a member id to send a direct message", channel)
	case "messages_tab_disabled", "cannot_dm_bot", "user_disabled":
		return fmt.Sprintf("Slack does not let the app message %q directly: enable the app's Messages tab (App Home) or check the person's `slack:` member id", channel)
	case "expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id":
		again := a.again
		if again == "" {
			again = "try again"
		}
		return "Slack allows 3 seconds to open a dialog, and they have passed: " + again
	case "invalid_blocks", "invalid_arguments", "invalid_json", "msg_too_long", "no_text":
		h := "Slack refused what gatehouse sent; please report it"
		if len(e.Messages) > 0 {
			h += " (" + truncate(strings.Join(e.Messages, "; "), maxErrorMessage) + ")"
		}
		return h
	case "ratelimited":
		return "Slack is rate limiting the bot; gatehouse tries again later"
	}
	return ""
}
