package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultResponseURLPrefix is what a payload's response_url must start
// with, unless Handler.ResponseURLPrefix says otherwise.
const DefaultResponseURLPrefix = "https://hooks.slack.com/"

// denyReasonMissing is shown under the reason field when it is empty.
const denyReasonMissing = "Say why you deny the request."

// dmTimeout bounds the direct message that tells a denier the outcome.
const dmTimeout = 30 * time.Second

// Handler serves Slack's interactivity requests (POST, form field
// "payload"): clicks on the buttons of ApprovalMessage and
// ProvisionMessage, and the deny and request dialogs submitted.
type Handler struct {
	// Secret is the app's signing secret.
	Secret string
	// Client opens the deny dialog and posts replies to response_url.
	Client *Client
	// Act carries out an action; the text it returns (or the error's
	// text) is shown to the person who acted, privately. It must return
	// quickly (Slack waits 3 s).
	Act func(ctx context.Context, a Action) (string, error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Log is where refusals and failures go; nil is slog.Default().
	Log *slog.Logger
	// ResponseURLPrefix is what a payload's response_url must start with
	// to be used (default DefaultResponseURLPrefix); tests point it at a
	// fake.
	ResponseURLPrefix string
}

// payload is the part of an interaction payload gatehouse reads
// (https://api.slack.com/reference/interaction-payloads). It also holds a
// deprecated verification token, so it is never logged.
type payload struct {
	Type string `json:"type"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
	Actions     []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	View struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		State           struct {
			Values map[string]map[string]stateValue `json:"values"`
		} `json:"state"`
	} `json:"view"`
}

// stateValue is what an input element of a submitted view holds
// (view.state.values[block_id][action_id]).
type stateValue struct {
	Type string `json:"type"`
	// Value is a plain_text_input's text; null when left blank.
	Value string `json:"value"`
	// SelectedOption is a static_select's choice; null without one.
	SelectedOption *struct {
		Value string `json:"value"`
	} `json:"selected_option"`
}

// text is what the element holds: a static_select's selected option's
// value, or an input's text.
func (v stateValue) text() string {
	if v.Type == "static_select" {
		if v.SelectedOption == nil {
			return ""
		}
		return v.SelectedOption.Value
	}
	return v.Value
}

// ServeHTTP checks the request's signature before reading anything of it
// (S6), then carries out a click or a submitted dialog.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.log()
	body, ok := readSigned(w, r, h.Secret, h.now(), log, "slack interaction refused")
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	var p payload
	if err == nil {
		err = json.Unmarshal([]byte(form.Get("payload")), &p)
	}
	if err != nil {
		log.Warn("slack interaction without a readable payload", "error", jsonErrorKind(err))
		http.Error(w, "no readable payload", http.StatusBadRequest)
		return
	}
	switch p.Type {
	case "block_actions":
		h.blockActions(r.Context(), w, &p)
	case "view_submission":
		h.viewSubmission(r.Context(), w, &p)
	default:
		log.Debug("slack interaction ignored", "type", p.Type)
		w.WriteHeader(http.StatusOK)
	}
}

// readSigned reads the body of a request from Slack: a POST of at most
// MaxBody bytes signed with secret (S6). Otherwise it answers (405, 413,
// 400 or 401), logs a bad signature with refused as the message, and
// returns false.
func readSigned(w http.ResponseWriter, r *http.Request, secret string, now time.Time, log *slog.Logger, refused string) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read the request", http.StatusBadRequest)
		return nil, false
	}
	if err := Verify(secret, r.Header, body, now); err != nil {
		level := slog.LevelWarn
		if errors.Is(err, errNoSecret) {
			level = slog.LevelError
		}
		log.Log(r.Context(), level, refused, "remote", r.RemoteAddr, "reason", err)
		http.Error(w, "invalid Slack signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// blockActions carries out a button click. Slack ignores what the answer
// holds, so whatever the person should see goes to the response URL.
func (h *Handler) blockActions(ctx context.Context, w http.ResponseWriter, p *payload) {
	defer w.WriteHeader(http.StatusOK)
	for _, a := range p.Actions {
		var kind Kind
		switch a.ActionID {
		case actionApprove:
			kind = Approve
		case actionProvisioned:
			kind = Provisioned
		case actionDeny:
			kind = Deny
		default:
			h.log().Debug("slack action ignored", "action_id", a.ActionID)
			continue
		}
		ref, err := parseRef(a.Value)
		if err == nil && p.User.ID == "" {
			err = errors.New("the click does not say who made it")
		}
		switch {
		case err != nil:
			h.log().Warn("slack action refused", "action_id", a.ActionID, "user", p.User.ID, "error", err)
			h.reply(ctx, p.ResponseURL, ":warning: "+err.Error())
		case kind == Deny:
			h.openDenyDialog(ctx, p, ref)
		default:
			h.reply(ctx, p.ResponseURL, h.act(ctx, Action{Kind: kind, User: p.User.ID, Ref: ref}))
		}
		return // one click is one action
	}
}

// openDenyDialog asks the approver why they deny.
func (h *Handler) openDenyDialog(ctx context.Context, p *payload, ref Ref) {
	if h.Client == nil {
		h.log().Error("slack deny dialog not opened: the handler has no client")
		return
	}
	if err := h.Client.OpenDenyDialog(ctx, p.TriggerID, ref); err != nil {
		h.log().Warn("slack deny dialog not opened", "pr", ref.PR, "user", p.User.ID, "error", err)
		h.reply(ctx, p.ResponseURL, ":warning: Gatehouse could not open the deny dialog: "+err.Error())
	}
}

// viewSubmission carries out a submitted deny or request dialog.
func (h *Handler) viewSubmission(ctx context.Context, w http.ResponseWriter, p *payload) {
	switch p.View.CallbackID {
	case callbackDeny:
		h.denySubmission(ctx, w, p)
	case callbackRequest:
		h.requestSubmission(ctx, w, p)
	default:
		h.log().Debug("slack view ignored", "callback_id", p.View.CallbackID)
		w.WriteHeader(http.StatusOK)
	}
}

// denySubmission carries out a submitted deny dialog; errors are shown in
// the dialog, under the reason.
func (h *Handler) denySubmission(ctx context.Context, w http.ResponseWriter, p *payload) {
	ref, err := parseRef(p.View.PrivateMetadata)
	if err == nil && p.User.ID == "" {
		err = errors.New("the dialog does not say who submitted it")
	}
	if err != nil {
		h.log().Warn("slack deny refused", "user", p.User.ID, "error", err)
		writeViewErrors(w, map[string]string{"reason": "Gatehouse cannot tell which request this is: close the dialog and click Deny again."})
		return
	}
	reason := strings.TrimSpace(p.View.State.Values["reason"]["reason"].Value)
	if reason == "" {
		writeViewErrors(w, map[string]string{"reason": denyReasonMissing})
		return
	}
	a := Action{Kind: Deny, User: p.User.ID, Ref: ref, Reason: reason}
	text, err := h.call(ctx, a)
	if err != nil {
		writeViewErrors(w, map[string]string{"reason": err.Error()})
		return
	}
	writeJSON(w, map[string]string{"response_action": "clear"})
	h.dm(ctx, a, text)
}

// dm sends the outcome of a submitted dialog to the person who submitted
// it. A submission has no response URL, so the outcome goes in a direct
// message, after Slack has its answer.
func (h *Handler) dm(ctx context.Context, a Action, text string) {
	if text == "" || h.Client == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dmTimeout)
		defer cancel()
		if _, err := h.Client.PostMessage(ctx, a.User, Message{Text: text}); err != nil {
			h.log().Warn("slack outcome not sent", "kind", a.Kind, subject(a), "user", a.User, "error", err)
		}
	}()
}

// act calls Act and returns what to show: its text, or its error's.
func (h *Handler) act(ctx context.Context, a Action) string {
	text, err := h.call(ctx, a)
	if err != nil {
		return ":warning: " + err.Error()
	}
	return text
}

// call calls Act and logs the outcome.
func (h *Handler) call(ctx context.Context, a Action) (string, error) {
	if h.Act == nil {
		h.log().Error("slack action not taken: the handler has no Act")
		return "", errors.New("gatehouse is not set up to act on this yet")
	}
	text, err := h.Act(ctx, a)
	if err != nil {
		h.log().Info("slack action failed", "kind", a.Kind, subject(a), "user", a.User, "error", err)
		return "", err
	}
	h.log().Info("slack action taken", "kind", a.Kind, subject(a), "user", a.User)
	return text, nil
}

// subject is what an action is about, for the log: the system of a
// request (not what the person wrote), or the pull request.
func subject(a Action) slog.Attr {
	if a.Kind == Request {
		return slog.String("system", a.Fields[fieldSystem])
	}
	return slog.Int("pr", a.Ref.PR)
}

// reply shows text to the person who clicked, if the payload's response
// URL is Slack's (or the configured prefix's): never anywhere else.
func (h *Handler) reply(ctx context.Context, responseURL, text string) {
	prefix := h.ResponseURLPrefix
	if prefix == "" {
		prefix = DefaultResponseURLPrefix
	}
	switch {
	case text == "":
		return
	case responseURL == "" || !strings.HasPrefix(responseURL, prefix):
		h.log().Warn("slack reply not sent: the payload's response_url is not Slack's", "prefix", prefix)
		return
	case h.Client == nil:
		h.log().Error("slack reply not sent: the handler has no client")
		return
	}
	if err := h.Client.reply(ctx, responseURL, text); err != nil {
		h.log().Warn("slack reply not sent", "error", err)
	}
}

// writeViewErrors answers a view submission with each message under the
// input block whose block_id is its key; the dialog stays open.
func writeViewErrors(w http.ResponseWriter, errs map[string]string) {
	out := make(map[string]string, len(errs))
	for id, msg := range errs {
		out[id] = truncate(msg, maxErrorMessage)
	}
	writeJSON(w, map[string]any{"response_action": "errors", "errors": out})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}
