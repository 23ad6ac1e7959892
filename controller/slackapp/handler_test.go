package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
)

// botToken is the tests' bot token.
const botToken = "xoxb-0000-test-bot-token-do-not-leak"

// Members of the fake workspace.
const (
	approverID = "U0APPROVER"
	adminID    = "U0ADMIN"
)

var testRef = Ref{PR: 42, Head: "0123456789abcdef0123456789abcdef01234567", Digest: "sha256:3f1c9a"}

// fixture is a Handler in front of a fake Slack, with an Act that records
// what it is asked.
type fixture struct {
	t       *testing.T
	slack   *slacktest.Server
	client  *Client
	handler *Handler
	logs    *syncBuffer

	mu   sync.Mutex
	got  []Action
	text string
	err  error
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, slack: slacktest.New(t, botToken), logs: &syncBuffer{}, text: "Approved #42 as ann."}
	f.slack.AddUser(slacktest.User{ID: approverID, Name: "ann"})
	f.slack.AddUser(slacktest.User{ID: adminID, Name: "sysadmin"})
	f.client = NewClient(botToken, f.slack.URL, nil)
	f.client.sleep = func(context.Context, time.Duration) error { return nil }
	f.handler = &Handler{
		Secret: signingSecret,
		Client: f.client,
		Act: func(_ context.Context, a Action) (string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.got = append(f.got, a)
			return f.text, f.err
		},
		Now:               func() time.Time { return testNow },
		Log:               slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ResponseURLPrefix: f.slack.ResponseURLPrefix(),
	}
	return f
}

// actResult sets what Act returns.
func (f *fixture) actResult(text string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.text, f.err = text, err
}

func (f *fixture) actions() []Action {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Action(nil), f.got...)
}

// serve serves one request.
func (f *fixture) serve(method, body string, header http.Header) *httptest.ResponseRecorder {
	f.t.Helper()
	return serveNoFixture(f.handler, method, body, header)
}

// post sends payload as Slack does: form-encoded, signed now.
func (f *fixture) post(payload string) *httptest.ResponseRecorder {
	f.t.Helper()
	body := f.form(payload)
	return f.serve(http.MethodPost, body, signedHeader(signingSecret, body, testNow))
}

func (f *fixture) form(payload string) string {
	return url.Values{"payload": {payload}}.Encode()
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func refJSON(t testing.TB, ref Ref) string { return mustJSON(t, ref) }

// clickPayload is a block_actions payload as Slack documents it
// (https://api.slack.com/reference/interaction-payloads/block-actions),
// for a click on a button of a message in the app's DM with the
// approver.
func (f *fixture) clickPayload(actionID, value string) string {
	return f.clickPayloadTo(actionID, value, f.slack.ResponseURL())
}

func (f *fixture) clickPayloadTo(actionID, value, responseURL string) string {
	team := map[string]any{"id": slacktest.DefaultTeam.ID, "domain": slacktest.DefaultTeam.Domain}
	return mustJSON(f.t, map[string]any{
		"type":                  "block_actions",
		"user":                  map[string]any{"id": approverID, "username": "ann", "name": "ann", "team_id": slacktest.DefaultTeam.ID},
		"api_app_id":            "A0GATEHOUSE",
		"token":                 "deprecated-verification-token",
		"container":             map[string]any{"type": "message", "message_ts": "1700000000.000001", "channel_id": "D0APPROVER", "is_ephemeral": false},
		"trigger_id":            "1234567890.0987654321.abcdef0123456789",
		"team":                  team,
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": "D0APPROVER", "name": "directmessage"},
		"message":               map[string]any{"type": "message", "user": "U0GATEHOUSEBOT", "ts": "1700000000.000001", "text": "[Action Required] sam requested access to github"},
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          responseURL,
		"actions": []any{map[string]any{
			"action_id": actionID,
			"block_id":  "gatehouse.approval",
			"text":      map[string]any{"type": "plain_text", "text": "Approve", "emoji": true},
			"value":     value,
			"style":     "primary",
			"type":      "button",
			"action_ts": "1700000001.000002",
		}},
	})
}

// submitPayload is a view_submission payload as Slack documents it
// (https://api.slack.com/reference/interaction-payloads/views), for the
// deny dialog.
func (f *fixture) submitPayload(callbackID, metadata, reason string) string {
	return mustJSON(f.t, map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": slacktest.DefaultTeam.ID, "domain": slacktest.DefaultTeam.Domain},
		"user":       map[string]any{"id": approverID, "username": "ann", "name": "ann", "team_id": slacktest.DefaultTeam.ID},
		"api_app_id": "A0GATEHOUSE",
		"token":      "deprecated-verification-token",
		"trigger_id": "1234567890.0987654321.fedcba9876543210",
		"view": map[string]any{
			"id":               "V0VIEW0001",
			"team_id":          slacktest.DefaultTeam.ID,
			"type":             "modal",
			"title":            map[string]any{"type": "plain_text", "text": "Deny access"},
			"blocks":           []any{},
			"private_metadata": metadata,
			"callback_id":      callbackID,
			"state": map[string]any{"values": map[string]any{
				"reason": map[string]any{"reason": map[string]any{"type": "plain_text_input", "value": reason}},
			}},
			"hash":         "1700000002.abcdef",
			"root_view_id": "V0VIEW0001",
			"app_id":       "A0GATEHOUSE",
			"bot_id":       "B0GATEHOUSE",
		},
		"response_urls": []any{},
	})
}

// syncBuffer is a log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// ephemeral decodes a reply posted to a response URL.
func ephemeral(t *testing.T, body string) string {
	t.Helper()
	var r struct {
		ResponseType    string `json:"response_type"`
		ReplaceOriginal *bool  `json:"replace_original"`
		Text            string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if r.ResponseType != "ephemeral" || r.ReplaceOriginal == nil || *r.ReplaceOriginal {
		t.Errorf("reply %s is not ephemeral, leaving the message alone", body)
	}
	return r.Text
}

func TestHandlerClickActsAndRepliesPrivately(t *testing.T) {
	t.Parallel()
	provision := Ref{PR: 7, Head: "abc", Digest: "d", Requests: []string{"requests/sam/github.yaml"}}
	for _, c := range []struct {
		note     string
		actionID string
		ref      Ref
		want     Kind
	}{
		{note: "approve", actionID: actionApprove, ref: testRef, want: Approve},
		{note: "provisioned", actionID: actionProvisioned, ref: provision, want: Provisioned},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			rec := f.post(f.clickPayload(c.actionID, refJSON(t, c.ref)))
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
				t.Errorf("answer %d %q, want 200 and empty", rec.Code, rec.Body)
			}
			got := f.actions()
			want := Action{Kind: c.want, User: approverID, Ref: c.ref}
			if len(got) != 1 || mustJSON(t, got[0]) != mustJSON(t, want) {
				t.Fatalf("Act got %+v, want once %+v", got, want)
			}
			replies := f.slack.Responses()
			if len(replies) != 1 {
				t.Fatalf("%d replies posted to the response URL, want 1", len(replies))
			}
			if text := ephemeral(t, replies[0]); text != "Approved #42 as ann." {
				t.Errorf("reply %q, want Act's text", text)
			}
		})
	}
}

func TestHandlerShowsActErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.actResult("", errors.New("only an eligible approver of #42 can approve it"))
	if rec := f.post(f.clickPayload(actionApprove, refJSON(t, testRef))); rec.Code != http.StatusOK {
		t.Errorf("status %d, want 200", rec.Code)
	}
	replies := f.slack.Responses()
	if len(replies) != 1 || !strings.Contains(ephemeral(t, replies[0]), "only an eligible approver of #42 can approve it") {
		t.Errorf("replies %q, want Act's error", replies)
	}
}

func TestHandlerRefusesBadButtonValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ note, value string }{
		{note: "not JSON", value: "{pr: 42"},
		{note: "empty", value: ""},
		{note: "wrong type", value: `{"pr":"42"}`},
		{note: "no pull request", value: `{"head":"abc"}`},
		{note: "JSON null", value: "null"},
		{note: "an array", value: "[1,2]"},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			for _, id := range []string{actionApprove, actionProvisioned, actionDeny} {
				if rec := f.post(f.clickPayload(id, c.value)); rec.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200", id, rec.Code)
				}
			}
			if n := len(f.actions()); n != 0 {
				t.Errorf("Act called %d times", n)
			}
			if n := len(f.slack.Views()); n != 0 {
				t.Errorf("%d dialogs opened", n)
			}
			replies := f.slack.Responses()
			if len(replies) != 3 {
				t.Fatalf("%d replies, want an error for each of 3 clicks", len(replies))
			}
			for _, r := range replies {
				if text := ephemeral(t, r); !strings.Contains(text, "use a newer message") {
					t.Errorf("reply %q does not say what to do", text)
				}
			}
		})
	}
}

func TestHandlerDenyClickOpensDialog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if rec := f.post(f.clickPayload(actionDeny, refJSON(t, testRef))); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("answer %d %q, want 200 and empty", rec.Code, rec.Body)
	}
	if n := len(f.actions()); n != 0 {
		t.Errorf("Act called %d times before the reason is given", n)
	}
	views := f.slack.Views()
	if len(views) != 1 {
		t.Fatalf("%d dialogs opened, want 1", len(views))
	}
	if views[0].TriggerID != "1234567890.0987654321.abcdef0123456789" {
		t.Errorf("dialog opened with trigger %q, not the click's", views[0].TriggerID)
	}
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(views[0].View, &view); err != nil {
		t.Fatal(err)
	}
	if ref, err := parseRef(view.PrivateMetadata); err != nil || mustJSON(t, ref) != mustJSON(t, testRef) || view.CallbackID != callbackDeny {
		t.Errorf("dialog %s carries %+v (%v), want callback %s and %+v", views[0].View, ref, err, callbackDeny, testRef)
	}

	// A dialog that cannot be opened says so to the approver.
	f.slack.FailMethod("views.open", "expired_trigger_id")
	f.post(f.clickPayload(actionDeny, refJSON(t, testRef)))
	if replies := f.slack.Responses(); len(replies) != 1 || !strings.Contains(ephemeral(t, replies[0]), "click Deny again") {
		t.Errorf("replies %q, want one saying to click Deny again", replies)
	}
}

func TestHandlerDenySubmission(t *testing.T) {
	t.Parallel()
	metadata := refJSON(t, testRef)
	for _, c := range []struct {
		note       string
		callbackID string
		metadata   string
		reason     string
		actErr     error
		wantAct    string // the reason Act gets; "" for no call
		wantAnswer string
	}{
		{note: "reason", reason: "  not needed for the project \n", wantAct: "not needed for the project", wantAnswer: `{"response_action":"clear"}`},
		{note: "empty reason", reason: "", wantAnswer: `{"errors":{"reason":"Say why you deny the request."},"response_action":"errors"}`},
		{note: "blank reason", reason: " \n\t ", wantAnswer: `{"errors":{"reason":"Say why you deny the request."},"response_action":"errors"}`},
		{note: "act fails", reason: "no", actErr: errors.New("pull request #42 is no longer open"), wantAct: "no",
			wantAnswer: `{"errors":{"reason":"pull request #42 is no longer open"},"response_action":"errors"}`},
		{note: "bad metadata", metadata: "{", reason: "no",
			wantAnswer: `{"errors":{"reason":"Gatehouse cannot tell which request this is: close the dialog and click Deny again."},"response_action":"errors"}`},
		{note: "another dialog", callbackID: "someone.else", reason: "no"},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.actResult("Denied #42.", c.actErr)
			cb, md := c.callbackID, c.metadata
			if cb == "" {
				cb = callbackDeny
			}
			if md == "" {
				md = metadata
			}
			rec := f.post(f.submitPayload(cb, md, c.reason))
			if rec.Code != http.StatusOK {
				t.Errorf("status %d, want 200", rec.Code)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != c.wantAnswer {
				t.Errorf("answer %s, want %s", got, c.wantAnswer)
			}
			if c.wantAnswer != "" && rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("answer Content-Type %q", rec.Header().Get("Content-Type"))
			}
			got := f.actions()
			switch {
			case c.wantAct == "" && len(got) != 0:
				t.Errorf("Act got %+v, want no call", got)
			case c.wantAct != "":
				want := Action{Kind: Deny, User: approverID, Ref: testRef, Reason: c.wantAct}
				if len(got) != 1 || mustJSON(t, got[0]) != mustJSON(t, want) {
					t.Errorf("Act got %+v, want once %+v", got, want)
				}
			}
			if c.wantAct != "" && c.actErr == nil {
				// The outcome comes as a direct message.
				deadline := time.Now().Add(5 * time.Second)
				for len(f.slack.Messages()) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if m := f.slack.Messages(); len(m) != 1 || m[0].Channel != approverID || m[0].Text != "Denied #42." {
					t.Errorf("messages %+v, want Act's text sent to %s", m, approverID)
				}
			}
		})
	}
}

func TestHandlerRepliesOnlyToSlack(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(elsewhere.Close)
	f := newFixture(t)
	for _, u := range []string{
		elsewhere.URL + "/response/1",
		"https://hooks.slack.com.evil.example/actions/1",
		"",
	} {
		if rec := f.post(f.clickPayloadTo(actionApprove, refJSON(t, testRef), u)); rec.Code != http.StatusOK {
			t.Errorf("%q: status %d, want 200", u, rec.Code)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("a response URL outside the prefix was called %d times", hits.Load())
	}
	if n := len(f.actions()); n != 3 {
		t.Errorf("Act called %d times, want 3: the clicks are genuine", n)
	}
	// The default prefix is Slack's own.
	h := &Handler{Log: slog.New(slog.DiscardHandler)}
	h.reply(context.Background(), elsewhere.URL, "hello")
	if hits.Load() != 0 {
		t.Errorf("the default prefix lets %s through", elsewhere.URL)
	}
}

func TestHandlerLimitsRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if rec := f.serve(http.MethodGet, "", nil); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d Allow %q, want 405 Allow POST", rec.Code, rec.Header().Get("Allow"))
	}
	big := f.form(f.clickPayload(actionApprove, refJSON(t, testRef))) + "&pad=" + strings.Repeat("x", MaxBody)
	if rec := f.serve(http.MethodPost, big, signedHeader(signingSecret, big, testNow)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over MaxBody: status %d, want 413", rec.Code)
	}
	if rec := f.post("not json"); rec.Code != http.StatusBadRequest {
		t.Errorf("a signed request without a JSON payload: status %d, want 400", rec.Code)
	}
	for _, p := range []string{
		`{"type":"view_closed","user":{"id":"U0APPROVER"}}`,
		`{"type":"shortcut","user":{"id":"U0APPROVER"}}`,
		f.clickPayload("someone.else", refJSON(t, testRef)),
	} {
		if rec := f.post(p); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("%.40s…: answer %d %q, want 200 and empty", p, rec.Code, rec.Body)
		}
	}
	if n := len(f.actions()); n != 0 {
		t.Errorf("Act called %d times", n)
	}
	if n := len(f.slack.Responses()); n != 0 {
		t.Errorf("%d replies posted", n)
	}
}

func TestHandlerWithoutActFailsClosed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.handler.Act = nil
	f.post(f.clickPayload(actionApprove, refJSON(t, testRef)))
	rec := f.post(f.submitPayload(callbackDeny, refJSON(t, testRef), "no"))
	if !strings.Contains(rec.Body.String(), `"response_action":"errors"`) {
		t.Errorf("deny without Act answered %s, want errors", rec.Body)
	}
	if r := f.slack.Responses(); len(r) != 1 || !strings.Contains(ephemeral(t, r[0]), "not set up") {
		t.Errorf("replies %q, want one saying gatehouse is not set up", r)
	}
}

func FuzzHandlerPayload(f *testing.F) {
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"gatehouse.approve","value":"{\"pr\":1}"}]}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"gatehouse.deny","private_metadata":"{\"pr\":1}","state":{"values":{"reason":{"reason":{"value":"x"}}}}}}`)
	f.Add(`{"type":"view_submission","view":{"state":{"values":{"reason":null}}}}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"gatehouse.request","state":{"values":{"system":{"system":{"type":"static_select","selected_option":{"value":" github "}}},"level":{"level":{"type":"plain_text_input","value":null}}}}}}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"gatehouse.request","state":{"values":{"system":{"system":{"type":"plain_text_input","value":"x"}},"expires":null}}}}`)
	f.Fuzz(func(t *testing.T, payload string) {
		var acts atomic.Int32
		h := &Handler{
			Secret: signingSecret,
			Act: func(_ context.Context, a Action) (string, error) {
				acts.Add(1)
				if a.Kind == Request {
					if a.User == "" || a.Fields["system"] == "" || len(a.Fields) != 4 {
						t.Errorf("Act got %+v", a)
					}
					for k, v := range a.Fields {
						if strings.TrimSpace(v) != v {
							t.Errorf("Act got %s untrimmed: %q", k, v)
						}
					}
					return "ok", FieldErrors{"level": "bad", "other": "x"}
				}
				if a.User == "" || a.Ref.PR <= 0 || (a.Kind == Deny && strings.TrimSpace(a.Reason) != a.Reason) || (a.Kind == Deny && a.Reason == "") {
					t.Errorf("Act got %+v", a)
				}
				return "ok", nil
			},
			Now: func() time.Time { return testNow },
			Log: slog.New(slog.DiscardHandler),
		}
		body := url.Values{"payload": {payload}}.Encode()
		rec := serveNoFixture(h, http.MethodPost, body, signedHeader(signingSecret, body, testNow))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Errorf("status %d", rec.Code)
		}
	})
}
