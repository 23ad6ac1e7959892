package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
)

// newClient returns a client of a fake Slack whose waits are recorded,
// not slept.
func newClient(t *testing.T) (*Client, *slacktest.Server, func() []time.Duration) {
	t.Helper()
	s := slacktest.New(t, botToken)
	s.AddUser(slacktest.User{ID: approverID, Name: "ann"})
	c := NewClient(botToken, s.URL, nil)
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	}
	return c, s, func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

func TestClientPostMessage(t *testing.T) {
	t.Parallel()
	c, s, _ := newClient(t)
	m := ApprovalMessage(approvalNotice)
	ts, err := c.PostMessage(t.Context(), approverID, m)
	if err != nil || ts == "" {
		t.Fatalf("PostMessage = %q, %v", ts, err)
	}
	got := s.Messages()
	if len(got) != 1 || got[0].Channel != approverID || got[0].TS != ts || got[0].Text != m.Text {
		t.Fatalf("the fake holds %+v, want the message to %s with ts %s", got, approverID, ts)
	}
	var blocks []any
	if err := json.Unmarshal(got[0].Blocks, &blocks); err != nil || mustJSON(t, blocks) != mustJSON(t, m.Blocks) {
		t.Errorf("blocks sent %s, want %s (%v)", got[0].Blocks, mustJSON(t, m.Blocks), err)
	}
	if req := s.Requests()[0]; req.Method != "chat.postMessage" || req.Form.Get("channel") != approverID {
		t.Errorf("request %+v", req)
	}
}

func TestClientOpenDenyDialog(t *testing.T) {
	t.Parallel()
	c, s, _ := newClient(t)
	if err := c.OpenDenyDialog(t.Context(), "trigger-1", testRef); err != nil {
		t.Fatal(err)
	}
	views := s.Views()
	if len(views) != 1 || views[0].TriggerID != "trigger-1" {
		t.Fatalf("views %+v, want one for trigger-1", views)
	}
	var v struct {
		Type            string `json:"type"`
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Blocks          []struct {
			Type     string `json:"type"`
			BlockID  string `json:"block_id"`
			Optional bool   `json:"optional"`
			Element  struct {
				Type      string `json:"type"`
				ActionID  string `json:"action_id"`
				Multiline bool   `json:"multiline"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(views[0].View, &v); err != nil {
		t.Fatal(err)
	}
	if v.Type != "modal" || v.CallbackID != callbackDeny || v.PrivateMetadata != refJSON(t, testRef) {
		t.Errorf("view %s", views[0].View)
	}
	input := false
	for _, b := range v.Blocks {
		if b.Type == "input" {
			input = b.BlockID == "reason" && !b.Optional && b.Element.Type == "plain_text_input" && b.Element.ActionID == "reason" && b.Element.Multiline
		}
	}
	if !input {
		t.Errorf("view %s has no required multiline plain_text_input reason/reason", views[0].View)
	}
}

func TestClientErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note    string
		setup   func(*slacktest.Server)
		token   string
		channel string
		code    string
		want    []string
	}{
		{note: "missing scope", setup: func(s *slacktest.Server) { s.RemoveScope("chat:write") }, code: "missing_scope",
			want: []string{"chat:write", "Bot Token Scopes", "GATEHOUSE_SLACK_BOT_TOKEN"}},
		{note: "wrong token", token: "xoxb-revoked", code: "invalid_auth", want: []string{"GATEHOUSE_SLACK_BOT_TOKEN"}},
		{note: "unknown member", channel: "U0NOBODY", code: "channel_not_found", want: []string{"U0NOBODY", "`slack:` member id"}},
		{note: "unknown user", setup: func(s *slacktest.Server) { s.FailMethod("chat.postMessage", "user_not_found") }, code: "user_not_found",
			want: []string{"`slack:` member id"}},
		{note: "other", setup: func(s *slacktest.Server) { s.FailMethod("chat.postMessage", "fatal_error") }, code: "fatal_error",
			want: []string{"https://api.slack.com/methods/chat.postMessage"}},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			cl, s, _ := newClient(t)
			if c.setup != nil {
				c.setup(s)
			}
			if c.token != "" {
				cl.token = c.token
			}
			channel := c.channel
			if channel == "" {
				channel = approverID
			}
			_, err := cl.PostMessage(t.Context(), channel, Message{Text: "hi"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Code != c.code {
				t.Fatalf("PostMessage = %v, want an *APIError %s", err, c.code)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			if c.code == "missing_scope" && apiErr.Needed != "chat:write" {
				t.Errorf("Needed = %q, want chat:write", apiErr.Needed)
			}
		})
	}
}

func TestClientWithoutTokenCallsNothing(t *testing.T) {
	t.Parallel()
	_, s, _ := newClient(t)
	_, err := NewClient("", s.URL, nil).PostMessage(t.Context(), approverID, Message{Text: "hi"})
	if err == nil || !strings.Contains(err.Error(), "GATEHOUSE_SLACK_BOT_TOKEN") {
		t.Errorf("PostMessage without a token = %v, want an error naming GATEHOUSE_SLACK_BOT_TOKEN", err)
	}
	if n := s.Calls(""); n != 0 {
		t.Errorf("%d calls without a token", n)
	}
}

func TestClientRetries(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note      string
		setup     func(*slacktest.Server)
		wantErr   string // "" for success
		wantWaits []time.Duration
		wantCalls int
	}{
		{note: "429 waits Retry-After", setup: func(s *slacktest.Server) { s.RateLimitNext(2, 7) },
			wantWaits: []time.Duration{7 * time.Second, 7 * time.Second}, wantCalls: 3},
		{note: "429 three times", setup: func(s *slacktest.Server) { s.RateLimitNext(3, 1) },
			wantErr: "HTTP 429", wantWaits: []time.Duration{time.Second, time.Second}, wantCalls: 3},
		{note: "429 with a long wait", setup: func(s *slacktest.Server) { s.RateLimitNext(1, 120) },
			wantErr: "asks to wait 2m0s", wantCalls: 1},
		{note: "5xx backs off", setup: func(s *slacktest.Server) { s.FailNext(2, http.StatusServiceUnavailable) },
			wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, wantCalls: 3},
		{note: "5xx three times", setup: func(s *slacktest.Server) { s.FailNext(3, http.StatusBadGateway) },
			wantErr: "HTTP 502", wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, wantCalls: 3},
		{note: "ok false is not retried", setup: func(s *slacktest.Server) { s.FailMethod("chat.postMessage", "ratelimited") },
			wantErr: "ratelimited", wantCalls: 1},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			cl, s, waits := newClient(t)
			c.setup(s)
			_, err := cl.PostMessage(t.Context(), approverID, Message{Text: "hi"})
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("PostMessage = %v, want success", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("PostMessage = %v, want an error with %q", err, c.wantErr)
			}
			if got := waits(); mustJSON(t, got) != mustJSON(t, c.wantWaits) && !(len(got) == 0 && len(c.wantWaits) == 0) {
				t.Errorf("waited %v, want %v", got, c.wantWaits)
			}
			if n := s.Calls("chat.postMessage"); n != c.wantCalls {
				t.Errorf("%d calls, want %d", n, c.wantCalls)
			}
		})
	}
}

func TestClientReallyWaitsForRetryAfter(t *testing.T) {
	t.Parallel()
	s := slacktest.New(t, botToken)
	s.AddUser(slacktest.User{ID: approverID})
	s.RateLimitNext(1, 1)
	start := time.Now()
	if _, err := NewClient(botToken, s.URL, nil).PostMessage(t.Context(), approverID, Message{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %s, before Retry-After's second", d)
	}
}

func TestS9SlackBotTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	// Answers that are not Slack's: too large, not JSON, and one that
	// echoes what it was sent.
	odd := http.NewServeMux()
	odd.HandleFunc("/large/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true,"pad":"` + strings.Repeat("x", maxAnswer) + `"}`))
	})
	odd.HandleFunc("/html/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>" + r.Header.Get("Authorization") + "</html>"))
	})
	odd.HandleFunc("/echo/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": r.Header.Get("Authorization"), "needed": r.Header.Get("Authorization"),
			"response_metadata": map[string]any{"messages": []string{r.Header.Get("Authorization")}}})
	})
	oddSrv := httptest.NewServer(odd)
	t.Cleanup(oddSrv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	run := func(c *Client) []error {
		_, e1 := c.PostMessage(t.Context(), approverID, Message{Text: "hi"})
		e2 := c.OpenDenyDialog(t.Context(), "trigger", testRef)
		return []error{e1, e2}
	}
	var errs []error
	for _, setup := range []func(*slacktest.Server){
		func(s *slacktest.Server) { s.RemoveScope("chat:write"); s.FailMethod("views.open", "invalid_auth") },
		func(s *slacktest.Server) { s.RateLimitNext(6, 1) },
		func(s *slacktest.Server) { s.RateLimitNext(2, 300) },
		func(s *slacktest.Server) { s.FailNext(6, http.StatusInternalServerError) },
	} {
		c, s, _ := newClient(t)
		setup(s)
		errs = append(errs, run(c)...)
	}
	for _, api := range []string{oddSrv.URL + "/large/", oddSrv.URL + "/html/", oddSrv.URL + "/echo/", closed.URL + "/api/", "http://[::1]:namedport/api/"} {
		c := NewClient(botToken, api, nil)
		c.sleep = func(context.Context, time.Duration) error { return nil }
		errs = append(errs, run(c)...)
		errs = append(errs, c.reply(t.Context(), closed.URL+"/response/1", "hi"))
	}
	// A wrong token is the one a person may paste wrongly: not echoed.
	s := slacktest.New(t, "xoxb-the-right-one")
	wrong := NewClient(botToken, s.URL, nil)
	errs = append(errs, run(wrong)...)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := wrong.PostMessage(ctx, approverID, Message{Text: "hi"})
	errs = append(errs, err)

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), botToken) {
			t.Errorf("case %d: the error holds the token (S9): %v", i, err)
		}
	}
}
