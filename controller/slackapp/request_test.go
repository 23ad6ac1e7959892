package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
)

// Compile-time check that the command handler is an http.Handler.
var _ http.Handler = (*CommandHandler)(nil)

// requesterID is the member who types the command.
const requesterID = "U0SAM"

// commandTrigger is the trigger_id of the tests' slash commands.
const commandTrigger = "4567890123.0987654321.0123456789abcdef"

var testSystems = []SystemOption{
	{Name: "github", Description: "Source code, pull requests and CI", Levels: []string{"member", "admin"}},
	{Name: "slack", Description: "Chat", Levels: []string{"member"}},
	{Name: "aws-production", Description: "The production AWS account, where the payments service and its databases run", Levels: []string{"read-only", "operator", "administrator"}},
	{Name: "pagerduty"},
}

// commandFixture is a CommandHandler in front of a fake Slack, with a
// Systems that records whom it is asked about.
type commandFixture struct {
	*fixture
	cmd     *CommandHandler
	asked   atomic.Int32
	systems []SystemOption
	sysErr  error
}

func newCommandFixture(t *testing.T) *commandFixture {
	t.Helper()
	f := &commandFixture{fixture: newFixture(t), systems: testSystems}
	f.slack.AddUser(slacktest.User{ID: requesterID, Name: "sam"})
	f.cmd = &CommandHandler{
		Secret: signingSecret,
		Client: f.client,
		Systems: func(_ context.Context, user string) ([]SystemOption, error) {
			f.asked.Add(1)
			if user != requesterID {
				t.Errorf("Systems asked about %q, want %s", user, requesterID)
			}
			return f.systems, f.sysErr
		},
		Now: func() time.Time { return testNow },
		Log: f.handler.Log,
	}
	return f
}

// commandForm is a slash command's body as Slack documents it
// (https://api.slack.com/interactivity/slash-commands#app_command_handling).
func commandForm(command, text string) string {
	return url.Values{
		"token":                 {"deprecated-verification-token"},
		"team_id":               {slacktest.DefaultTeam.ID},
		"team_domain":           {slacktest.DefaultTeam.Domain},
		"enterprise_id":         {slacktest.DefaultTeam.EnterpriseID},
		"enterprise_name":       {slacktest.DefaultTeam.EnterpriseName},
		"channel_id":            {"C0GENERAL"},
		"channel_name":          {"general"},
		"user_id":               {requesterID},
		"user_name":             {"sam"},
		"command":               {command},
		"text":                  {text},
		"response_url":          {"https://hooks.slack.com/commands/T0ACME0001/1234567890/abcdefABCDEF"},
		"trigger_id":            {commandTrigger},
		"api_app_id":            {"A0GATEHOUSE"},
		"is_enterprise_install": {"false"},
	}.Encode()
}

func serveCommand(h *CommandHandler, method, body string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(context.Background(), method, "/slack/commands", strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// command sends the slash command as Slack does: signed now.
func (f *commandFixture) command(text string) *httptest.ResponseRecorder {
	f.t.Helper()
	body := commandForm("/gatehouse", text)
	return serveCommand(f.cmd, http.MethodPost, body, signedHeader(signingSecret, body, testNow))
}

// ephemeralAnswer decodes a slash command's answer.
func ephemeralAnswer(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var r struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("answer %d %q (%s), want 200 and JSON", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.ResponseType != "ephemeral" {
		t.Fatalf("answer %s is not an ephemeral message (%v)", rec.Body, err)
	}
	return r.Text
}

func TestS6CommandRefusesUnsignedRequests(t *testing.T) {
	t.Parallel()
	f := newCommandFixture(t)
	body := commandForm("/gatehouse", "request")
	for _, c := range []struct {
		note   string
		method string
		body   string
		header http.Header
		want   int
	}{
		{note: "unsigned", method: http.MethodPost, body: body, header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, want: http.StatusUnauthorized},
		{note: "wrong secret", method: http.MethodPost, body: body, header: signedHeader("another-secret", body, testNow), want: http.StatusUnauthorized},
		{note: "stale", method: http.MethodPost, body: body, header: signedHeader(signingSecret, body, testNow.Add(-10*time.Minute)), want: http.StatusUnauthorized},
		{note: "GET", method: http.MethodGet, want: http.StatusMethodNotAllowed},
		{note: "too large", method: http.MethodPost, body: body + "&pad=" + strings.Repeat("x", MaxBody), want: http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.note, func(t *testing.T) {
			h := c.header
			if h == nil && c.method == http.MethodPost {
				h = signedHeader(signingSecret, c.body, testNow)
			}
			if rec := serveCommand(f.cmd, c.method, c.body, h); rec.Code != c.want {
				t.Errorf("status %d, want %d", rec.Code, c.want)
			}
		})
	}
	f.cmd.Secret = ""
	if rec := serveCommand(f.cmd, http.MethodPost, body, signedHeader("", body, testNow)); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a secret: status %d, want 401", rec.Code)
	}
	if n := f.asked.Load(); n != 0 {
		t.Errorf("Systems called %d times for refused requests", n)
	}
	if n := len(f.slack.Views()); n != 0 {
		t.Errorf("%d dialogs opened for refused requests", n)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "slack command refused") || strings.Contains(logs, signingSecret) {
		t.Errorf("refusals not logged, or logged with the secret:\n%s", logs)
	}
}

func TestCommandRequestOpensDialog(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"request", "", "  Request ", "REQUEST", "request access"} {
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			t.Parallel()
			f := newCommandFixture(t)
			rec := f.command(text)
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
				t.Errorf("answer %d %q, want 200 and empty", rec.Code, rec.Body)
			}
			if n := f.asked.Load(); n != 1 {
				t.Errorf("Systems called %d times, want 1", n)
			}
			views := f.slack.Views()
			if len(views) != 1 || views[0].TriggerID != commandTrigger {
				t.Fatalf("views %+v, want one for the command's trigger", views)
			}
			var v struct {
				CallbackID string `json:"callback_id"`
			}
			if err := json.Unmarshal(views[0].View, &v); err != nil || v.CallbackID != callbackRequest {
				t.Errorf("view %s, want callback_id %s (%v)", views[0].View, callbackRequest, err)
			}
			var opened any
			_ = json.Unmarshal(views[0].View, &opened)
			if mustJSON(t, opened) != mustJSON(t, requestView(testSystems)) {
				t.Errorf("view %s, want the request dialog with the systems", views[0].View)
			}
			if n := len(f.actions()); n != 0 {
				t.Errorf("Act called %d times before the form is submitted", n)
			}
		})
	}
}

func TestCommandAnswersEphemerally(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note    string
		command string
		text    string
		systems []SystemOption
		sysErr  error
		fail    string // a views.open error code
		want    string
		asked   int32
	}{
		{note: "help", command: "/gatehouse", text: "help",
			want: "/gatehouse request opens a form to request access; approvers are asked in Slack and on the pull request."},
		{note: "unknown text, another command name", command: "/access", text: "grant me admin",
			want: "/access request opens a form to request access; approvers are asked in Slack and on the pull request."},
		{note: "systems error", command: "/gatehouse", text: "request", sysErr: errors.New("your Slack member id is not in the access repository: add `slack: U0SAM` to your person document"),
			want: "your Slack member id is not in the access repository: add `slack: U0SAM` to your person document", asked: 1},
		{note: "nothing to request", command: "/gatehouse", text: "request", systems: []SystemOption{}, asked: 1,
			want: "There is nothing you can request: the access repository offers no system to you. Ask its owners if you need one added."},
		{note: "only nameless systems", command: "/gatehouse", text: "", systems: []SystemOption{{Name: " "}}, asked: 1,
			want: "There is nothing you can request"},
		{note: "dialog fails", command: "/gatehouse", text: "request", fail: "expired_trigger_id", asked: 1,
			want: "Gatehouse could not open the request form"},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			f := newCommandFixture(t)
			if c.systems != nil {
				f.systems = c.systems
			}
			f.sysErr = c.sysErr
			if c.fail != "" {
				f.slack.FailMethod("views.open", c.fail)
			}
			body := commandForm(c.command, c.text)
			text := ephemeralAnswer(t, serveCommand(f.cmd, http.MethodPost, body, signedHeader(signingSecret, body, testNow)))
			if !strings.HasPrefix(text, c.want) {
				t.Errorf("text %q, want %q", text, c.want)
			}
			if c.fail != "" && !strings.Contains(text, "type the command again") {
				t.Errorf("text %q does not say to type the command again", text)
			}
			if n := f.asked.Load(); n != c.asked {
				t.Errorf("Systems called %d times, want %d", n, c.asked)
			}
			if n := len(f.slack.Views()); n != 0 {
				t.Errorf("%d dialogs opened", n)
			}
		})
	}
}

func TestCommandWithoutSystemsFailsClosed(t *testing.T) {
	t.Parallel()
	f := newCommandFixture(t)
	f.cmd.Systems = nil
	if text := ephemeralAnswer(t, f.command("request")); !strings.Contains(text, "not set up") {
		t.Errorf("text %q, want one saying gatehouse is not set up", text)
	}
	body := url.Values{"command": {"/gatehouse"}, "text": {"request"}}.Encode()
	f = newCommandFixture(t)
	if text := ephemeralAnswer(t, serveCommand(f.cmd, http.MethodPost, body, signedHeader(signingSecret, body, testNow))); !strings.Contains(text, "type it again") {
		t.Errorf("a command without user_id and trigger_id: %q", text)
	}
	if n := f.asked.Load(); n != 0 {
		t.Errorf("Systems called %d times without a user", n)
	}
}

// manySystems are n systems with long descriptions and levels.
func manySystems(n int) []SystemOption {
	out := make([]SystemOption, n)
	for i := range out {
		out[i] = SystemOption{
			Name:        fmt.Sprintf("system-%03d", i),
			Description: strings.Repeat("A system with a long description — ", 5),
			Levels:      []string{"viewer", "editor", "owner"},
		}
	}
	return out
}

// viewInputs decodes the input blocks of a view by block_id.
type viewInput struct {
	BlockID  string         `json:"block_id"`
	Optional bool           `json:"optional"`
	Label    map[string]any `json:"label"`
	Hint     *struct {
		Text string `json:"text"`
	} `json:"hint"`
	Element struct {
		Type        string `json:"type"`
		ActionID    string `json:"action_id"`
		Multiline   bool   `json:"multiline"`
		Placeholder *struct {
			Text string `json:"text"`
		} `json:"placeholder"`
		Options []struct {
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
			Value string `json:"value"`
		} `json:"options"`
	} `json:"element"`
}

func viewInputs(t *testing.T, raw []byte) map[string]viewInput {
	t.Helper()
	var v struct {
		Blocks []struct {
			Type string `json:"type"`
			viewInput
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]viewInput{}
	for _, b := range v.Blocks {
		if b.Type == "input" {
			out[b.BlockID] = b.viewInput
		}
	}
	return out
}

func TestRequestViewFields(t *testing.T) {
	t.Parallel()
	in := viewInputs(t, []byte(mustJSON(t, requestView(testSystems))))
	for _, c := range []struct {
		id, element string
		optional    bool
	}{
		{id: "system", element: "static_select"},
		{id: "level", element: "plain_text_input", optional: true},
		{id: "justification", element: "plain_text_input", optional: true},
		{id: "expires", element: "plain_text_input", optional: true},
	} {
		b, ok := in[c.id]
		if !ok || b.Element.ActionID != c.id || b.Element.Type != c.element || b.Optional != c.optional {
			t.Errorf("input %s: %+v, want action_id %s, a %s, optional %v", c.id, b, c.id, c.element, c.optional)
		}
	}
	if sys := in["system"].Element.Options; len(sys) != len(testSystems) || sys[0].Value != "github" || sys[0].Text.Text != "github — Source code, pull requests and CI" || sys[3].Text.Text != "pagerduty" {
		t.Errorf("system options %+v", sys)
	}
	for _, o := range in["system"].Element.Options {
		if len(o.Text.Text) > maxOptionText {
			t.Errorf("option text %q is over %d bytes", o.Text.Text, maxOptionText)
		}
	}
	if h := in["level"].Hint; h == nil || h.Text != "github: member, admin; slack: member; aws-production: read-only, operator, administrator" {
		t.Errorf("level hint %+v", h)
	}
	if p := in["expires"].Element.Placeholder; p == nil || p.Text != "90d, 2w or 2026-06-30" {
		t.Errorf("expires placeholder %+v", p)
	}
	if !in["justification"].Element.Multiline {
		t.Error("justification is not multiline")
	}
}

// TestRequestViewWithinSlackLimits opens the dialog on the fake Slack,
// which checks Slack's limits, and checks them again here in bytes, which
// bound characters however Slack counts them.
func TestRequestViewWithinSlackLimits(t *testing.T) {
	t.Parallel()
	longName := SystemOption{Name: strings.Repeat("n", 151), Levels: []string{"member"}}
	for _, c := range []struct {
		note    string
		systems []SystemOption
		text    bool // the system field is a text input
	}{
		{note: "a few", systems: testSystems},
		{note: "100", systems: manySystems(100)},
		{note: "101", systems: manySystems(101), text: true},
		{note: "150", systems: manySystems(150), text: true},
		{note: "a name too long for an option", systems: append([]SystemOption{longName}, testSystems...), text: true},
		{note: "duplicates", systems: append(manySystems(100), manySystems(100)...)},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			cl, s, _ := newClient(t)
			if err := cl.OpenRequestDialog(t.Context(), "trigger-1", c.systems); err != nil {
				t.Fatalf("OpenRequestDialog: %v", err)
			}
			raw := s.Views()[0].View
			in := viewInputs(t, raw)
			sys := in["system"]
			if c.text {
				if sys.Element.Type != "plain_text_input" || sys.Hint == nil || !strings.Contains(sys.Hint.Text, "type the system's name") {
					t.Errorf("system field %+v, want a text input whose hint says to type the system's name", sys)
				}
			} else if sys.Element.Type != "static_select" {
				t.Errorf("system field is a %s, want a static_select", sys.Element.Type)
			}
			if sys.Optional {
				t.Error("the system field is optional")
			}
			if len(sys.Element.Options) > maxOptions {
				t.Errorf("%d options", len(sys.Element.Options))
			}
			for _, o := range sys.Element.Options {
				if len(o.Text.Text) > maxOptionText || len(o.Value) > maxOptionValue || !utf8.ValidString(o.Text.Text) {
					t.Errorf("option %+v over Slack's limits", o)
				}
			}
			for id, b := range in {
				if b.Hint != nil && (len(b.Hint.Text) > maxHint || !utf8.ValidString(b.Hint.Text)) {
					t.Errorf("%s: hint of %d bytes", id, len(b.Hint.Text))
				}
				if l, _ := b.Label["text"].(string); len(l) > 2000 || l == "" {
					t.Errorf("%s: label %q", id, l)
				}
				if p := b.Element.Placeholder; p != nil && len(p.Text) > 150 {
					t.Errorf("%s: placeholder of %d bytes", id, len(p.Text))
				}
			}
			var v struct {
				Title, Submit, Close struct{ Text string }
			}
			_ = json.Unmarshal(raw, &v)
			for _, text := range []string{v.Title.Text, v.Submit.Text, v.Close.Text} {
				if text == "" || len(text) > slacktest.MaxViewTitle {
					t.Errorf("title or button %q", text)
				}
			}
		})
	}
	cl, s, _ := newClient(t)
	if err := cl.OpenRequestDialog(t.Context(), "trigger-1", []SystemOption{{Name: ""}}); err == nil || s.Calls("views.open") != 0 {
		t.Errorf("OpenRequestDialog without systems = %v after %d calls, want an error and no call", err, s.Calls("views.open"))
	}
}

// requestPayload is a view_submission payload of the request dialog as
// Slack documents it (https://api.slack.com/reference/interaction-payloads/views),
// with the system chosen in a static_select or, when select is false,
// typed in a plain_text_input. A nil value is a field left blank, which
// Slack sends as null.
func (f *fixture) requestPayload(user string, selectSystem bool, values map[string]*string) string {
	state := map[string]any{}
	for _, id := range requestFields {
		v := values[id]
		if id == fieldSystem && selectSystem {
			var opt any
			if v != nil {
				opt = map[string]any{"text": map[string]any{"type": "plain_text", "text": *v + " — a system", "emoji": true}, "value": *v}
			}
			state[id] = map[string]any{id: map[string]any{"type": "static_select", "selected_option": opt}}
			continue
		}
		var val any
		if v != nil {
			val = *v
		}
		state[id] = map[string]any{id: map[string]any{"type": "plain_text_input", "value": val}}
	}
	return mustJSON(f.t, map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": slacktest.DefaultTeam.ID, "domain": slacktest.DefaultTeam.Domain},
		"user":       map[string]any{"id": user, "username": "sam", "name": "sam", "team_id": slacktest.DefaultTeam.ID},
		"api_app_id": "A0GATEHOUSE",
		"token":      "deprecated-verification-token",
		"trigger_id": "1234567890.0987654321.fedcba9876543210",
		"view": map[string]any{
			"id":               "V0VIEW0002",
			"team_id":          slacktest.DefaultTeam.ID,
			"type":             "modal",
			"title":            map[string]any{"type": "plain_text", "text": "Request access"},
			"blocks":           []any{},
			"private_metadata": "",
			"callback_id":      callbackRequest,
			"state":            map[string]any{"values": state},
			"hash":             "1700000003.abcdef",
			"root_view_id":     "V0VIEW0002",
			"app_id":           "A0GATEHOUSE",
			"bot_id":           "B0GATEHOUSE",
		},
		"response_urls": []any{},
	})
}

func ptr(s string) *string { return &s }

func TestHandlerRequestSubmission(t *testing.T) {
	t.Parallel()
	filled := map[string]*string{"system": ptr("github"), "level": ptr(" admin "), "justification": ptr("release\nmanager  "), "expires": ptr("90d")}
	blank := map[string]*string{"system": ptr("github")}
	wantFilled := map[string]string{"system": "github", "level": "admin", "justification": "release\nmanager", "expires": "90d"}
	wantBlank := map[string]string{"system": "github", "level": "", "justification": "", "expires": ""}
	for _, c := range []struct {
		note       string
		user       string
		select_    bool
		values     map[string]*string
		actErr     error
		wantFields map[string]string // what Act gets; nil for no call
		wantAnswer string
	}{
		{note: "select", select_: true, values: filled, wantFields: wantFilled, wantAnswer: `{"response_action":"clear"}`},
		{note: "text input", values: filled, wantFields: wantFilled, wantAnswer: `{"response_action":"clear"}`},
		{note: "blank fields", select_: true, values: blank, wantFields: wantBlank, wantAnswer: `{"response_action":"clear"}`},
		{note: "no system chosen", select_: true, values: map[string]*string{},
			wantAnswer: `{"errors":{"system":"Choose the system you need access to."},"response_action":"errors"}`},
		{note: "no system typed", values: map[string]*string{"system": ptr("  ")},
			wantAnswer: `{"errors":{"system":"Choose the system you need access to."},"response_action":"errors"}`},
		{note: "no user", user: "-", select_: true, values: filled,
			wantAnswer: `{"errors":{"system":"Slack did not say who submitted the form: close it and type the command again."},"response_action":"errors"}`},
		{note: "field errors", select_: true, values: filled, wantFields: wantFilled,
			actErr:     FieldErrors{"level": `unknown level "admin" for system github; levels: member`, "expires": "github allows at most 30d"},
			wantAnswer: `{"errors":{"expires":"github allows at most 30d","level":"unknown level \"admin\" for system github; levels: member"},"response_action":"errors"}`},
		{note: "wrapped field errors, one for an unknown field", select_: true, values: filled, wantFields: wantFilled,
			actErr:     fmt.Errorf("file request: %w", FieldErrors{"approver": "github has no approver", "system": "github is retired", "justification": "github requires a justification"}),
			wantAnswer: `{"errors":{"justification":"github requires a justification","system":"github is retired; github has no approver"},"response_action":"errors"}`},
		{note: "empty field errors", select_: true, values: filled, wantFields: wantFilled, actErr: FieldErrors{},
			wantAnswer: `{"errors":{"system":"Gatehouse could not file the request; please try again."},"response_action":"errors"}`},
		{note: "other error", select_: true, values: filled, wantFields: wantFilled, actErr: errors.New("sam already has an open request for github: #41"),
			wantAnswer: `{"errors":{"system":"sam already has an open request for github: #41"},"response_action":"errors"}`},
		{note: "long error", select_: true, values: filled, wantFields: wantFilled, actErr: errors.New(strings.Repeat("x", 600)),
			wantAnswer: `{"errors":{"system":"` + strings.Repeat("x", maxErrorMessage-3) + `…"},"response_action":"errors"}`},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.slack.AddUser(slacktest.User{ID: requesterID, Name: "sam"})
			f.actResult("Opened pull request #43 for your github access: https://github.com/acme/access/pull/43", c.actErr)
			user := c.user
			switch user {
			case "":
				user = requesterID
			case "-":
				user = ""
			}
			rec := f.post(f.requestPayload(user, c.select_, c.values))
			if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusOK || got != c.wantAnswer {
				t.Errorf("answer %d %s, want 200 %s", rec.Code, got, c.wantAnswer)
			}
			got := f.actions()
			switch {
			case c.wantFields == nil && len(got) != 0:
				t.Errorf("Act got %+v, want no call", got)
			case c.wantFields != nil:
				want := Action{Kind: Request, User: requesterID, Fields: c.wantFields}
				if len(got) != 1 || mustJSON(t, got[0]) != mustJSON(t, want) {
					t.Errorf("Act got %+v, want once %+v", got, want)
				}
			}
			if c.wantFields != nil && c.actErr == nil {
				deadline := time.Now().Add(5 * time.Second)
				for len(f.slack.Messages()) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if m := f.slack.Messages(); len(m) != 1 || m[0].Channel != requesterID || !strings.HasPrefix(m[0].Text, "Opened pull request #43") {
					t.Errorf("messages %+v, want Act's text sent to %s", m, requesterID)
				}
			} else if m := f.slack.Messages(); len(m) != 0 {
				t.Errorf("messages %+v sent for a submission that failed", m)
			}
		})
	}
}

func TestFieldErrorsError(t *testing.T) {
	t.Parallel()
	err := error(FieldErrors{"system": "github is retired", "expires": "too long", "level": "unknown level"})
	if got, want := err.Error(), "too long; unknown level; github is retired"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var fe FieldErrors
	if !errors.As(fmt.Errorf("wrapped: %w", err), &fe) || fe["level"] != "unknown level" {
		t.Errorf("errors.As = %v", fe)
	}
	if got := (FieldErrors{}).Error(); got != "" {
		t.Errorf("empty FieldErrors = %q", got)
	}
}

func FuzzCommand(f *testing.F) {
	f.Add(commandForm("/gatehouse", "request"))
	f.Add(commandForm("/gatehouse", "help"))
	f.Add("command=%2Fgatehouse&text=&user_id=&trigger_id=")
	f.Add("text=%ZZ")
	f.Add(commandForm("/gatehouse", "request") + "&user_id=U2&text=x")
	f.Fuzz(func(t *testing.T, body string) {
		h := &CommandHandler{
			Secret: signingSecret,
			Systems: func(_ context.Context, user string) ([]SystemOption, error) {
				if user == "" {
					t.Error("Systems asked about no one")
				}
				return testSystems, nil
			},
			Now: func() time.Time { return testNow },
			Log: slog.New(slog.DiscardHandler),
		}
		rec := serveCommand(h, http.MethodPost, body, signedHeader(signingSecret, body, testNow))
		switch rec.Code {
		case http.StatusOK:
			if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("answer %q is not JSON", rec.Body)
			}
		case http.StatusBadRequest:
		default:
			t.Errorf("status %d", rec.Code)
		}
	})
}
