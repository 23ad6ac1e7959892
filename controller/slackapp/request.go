package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The request dialog's fields: each is the block_id and the action_id of
// an input block, and a key of Action.Fields and FieldErrors.
const (
	fieldSystem        = "system"
	fieldLevel         = "level"
	fieldJustification = "justification"
	fieldExpires       = "expires"
)

// requestFields are the request dialog's fields, in the dialog's order.
var requestFields = []string{fieldSystem, fieldLevel, fieldJustification, fieldExpires}

// Limits of Slack's on a modal's blocks
// (https://api.slack.com/reference/block-kit).
const (
	maxOptions     = 100  // options of a static_select
	maxOptionText  = 75   // an option's text
	maxOptionValue = 150  // an option's value
	maxHint        = 2000 // an input block's hint
)

// systemMissing is shown under the system field when it is empty.
const systemMissing = "Choose the system you need access to."

// FieldErrors is an error Act returns to show a message under each dialog
// field it names ("system", "level", "justification", "expires"); Slack
// shows them in the dialog, which stays open. A message for any other
// field is shown under "system".
type FieldErrors map[string]string

// Error returns the messages, sorted by field, joined with "; ".
func (f FieldErrors) Error() string {
	msgs := make([]string, 0, len(f))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		msgs = append(msgs, f[k])
	}
	return strings.Join(msgs, "; ")
}

// SystemOption is one system the request dialog offers.
type SystemOption struct {
	Name        string
	Description string
	// Levels are the level names, for the level field's hint.
	Levels []string
}

// CommandHandler serves Slack's slash command requests for the app's
// command (such as /gatehouse): POST application/x-www-form-urlencoded
// with the fields command, text, user_id, trigger_id and response_url,
// signed as interactions are. "/gatehouse request" (or the command
// alone) opens the request dialog; anything else shows how to use it.
// What the person should see is the answer's ephemeral text, which only
// they see.
type CommandHandler struct {
	// Secret is the app's signing secret.
	Secret string
	// Client opens the request dialog.
	Client *Client
	// Systems lists the systems the person with this Slack member id may
	// request. It must return quickly: the dialog has to open within 3 s
	// of the command. Its error's text is shown to the person.
	Systems func(ctx context.Context, slackUser string) ([]SystemOption, error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Log is where refusals and failures go; nil is slog.Default().
	Log *slog.Logger
}

// ServeHTTP checks the request's signature before reading anything of it
// (S6), then answers the command.
func (h *CommandHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := readSigned(w, r, h.Secret, h.now(), h.log(), "slack command refused")
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		h.log().Warn("slack command without a readable form")
		http.Error(w, "no readable form", http.StatusBadRequest)
		return
	}
	command := form.Get("command")
	if command == "" {
		command = "/gatehouse"
	}
	switch strings.ToLower(strings.Join(strings.Fields(form.Get("text")), " ")) {
	case "", "request", "request access":
		h.request(r.Context(), w, form)
	default:
		writeEphemeral(w, escape(command)+" request opens a form to request access; approvers are asked in Slack and on the pull request.")
	}
}

// request opens the request dialog with the systems the person may
// request.
func (h *CommandHandler) request(ctx context.Context, w http.ResponseWriter, form url.Values) {
	user, trigger := form.Get("user_id"), form.Get("trigger_id")
	switch {
	case user == "" || trigger == "":
		h.log().Warn("slack command refused: no user_id or trigger_id")
		writeEphemeral(w, "Slack did not say who typed the command: type it again.")
		return
	case h.Systems == nil || h.Client == nil:
		h.log().Error("slack request dialog not opened: the command handler has no Systems or Client")
		writeEphemeral(w, "Gatehouse is not set up to take requests from Slack yet.")
		return
	}
	systems, err := h.Systems(ctx, user)
	if err != nil {
		h.log().Info("slack request dialog not opened: no systems", "user", user, "error", err)
		writeEphemeral(w, escape(err.Error()))
		return
	}
	systems = offered(systems)
	if len(systems) == 0 {
		h.log().Info("slack request dialog not opened: nothing to request", "user", user)
		writeEphemeral(w, "There is nothing you can request: the access repository offers no system to you. Ask its owners if you need one added.")
		return
	}
	if err := h.Client.OpenRequestDialog(ctx, trigger, systems); err != nil {
		h.log().Warn("slack request dialog not opened", "user", user, "error", err)
		writeEphemeral(w, "Gatehouse could not open the request form: "+escape(err.Error()))
		return
	}
	h.log().Info("slack request dialog opened", "user", user, "systems", len(systems))
	w.WriteHeader(http.StatusOK)
}

// writeEphemeral answers a slash command with text only its sender sees.
func writeEphemeral(w http.ResponseWriter, text string) {
	writeJSON(w, map[string]string{"response_type": "ephemeral", "text": truncate(text, maxText)})
}

func (h *CommandHandler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *CommandHandler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// offered is systems without those that have no name, each name once, in
// order.
func offered(systems []SystemOption) []SystemOption {
	out := make([]SystemOption, 0, len(systems))
	seen := make(map[string]bool, len(systems))
	for _, s := range systems {
		s.Name = strings.TrimSpace(s.Name)
		if s.Name == "" || seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out
}

// requestView is the modal in which a person requests access.
func requestView(systems []SystemOption) block {
	return block{
		"type":        "modal",
		"callback_id": callbackRequest,
		"title":       plain("Request access"),
		"submit":      plain("Request"),
		"close":       plain("Cancel"),
		"blocks": []any{
			section("Gatehouse opens a pull request in the access repository for you; approvers are asked in Slack and on the pull request."),
			systemInput(systems),
			input(fieldLevel, "Level", levelHint(systems), textInput(fieldLevel, 100, false, "")),
			input(fieldJustification, "Justification", "Why you need this access; approvers read it.", textInput(fieldJustification, 3000, true, "")),
			input(fieldExpires, "Expires", "When the access ends: a duration from now or a date.", textInput(fieldExpires, 50, false, "90d, 2w or 2026-06-30")),
		},
	}
}

// systemInput is a select of the systems, or, when Slack cannot offer
// them all as options, a text input for the system's name.
func systemInput(systems []SystemOption) block {
	fits := len(systems) <= maxOptions
	for _, s := range systems {
		fits = fits && len(s.Name) <= maxOptionValue
	}
	if !fits {
		names := make([]string, len(systems))
		for i, s := range systems {
			names[i] = s.Name
		}
		hint := fmt.Sprintf("You may request %d systems: type the system's name, one of %s.", len(systems), strings.Join(names, ", "))
		b := input(fieldSystem, "System", truncate(hint, maxHint), textInput(fieldSystem, 255, false, ""))
		delete(b, "optional")
		return b
	}
	options := make([]any, len(systems))
	for i, s := range systems {
		text := s.Name
		if d := strings.Join(strings.Fields(s.Description), " "); d != "" {
			text += " — " + d
		}
		options[i] = block{"text": plain(truncate(text, maxOptionText)), "value": s.Name}
	}
	b := input(fieldSystem, "System", "", block{
		"type":        "static_select",
		"action_id":   fieldSystem,
		"placeholder": plain("Choose a system"),
		"options":     options,
	})
	delete(b, "optional")
	return b
}

// levelHint lists the levels of each system, such as "github: member,
// admin; slack: member".
func levelHint(systems []SystemOption) string {
	var parts []string
	for _, s := range systems {
		if len(s.Levels) > 0 {
			parts = append(parts, s.Name+": "+strings.Join(s.Levels, ", "))
		}
	}
	return truncate(strings.Join(parts, "; "), maxHint)
}

// input is an optional input block whose block_id and action_id are id,
// with a hint unless hint is empty.
func input(id, label, hint string, element block) block {
	b := block{"type": "input", "block_id": id, "label": plain(label), "optional": true, "element": element}
	if hint != "" {
		b["hint"] = plain(hint)
	}
	return b
}

func textInput(id string, maxLength int, multiline bool, placeholder string) block {
	b := block{"type": "plain_text_input", "action_id": id, "max_length": maxLength}
	if multiline {
		b["multiline"] = true
	}
	if placeholder != "" {
		b["placeholder"] = plain(placeholder)
	}
	return b
}

// requestSubmission files the request of a submitted request dialog;
// errors are shown in the dialog, under the field they concern.
func (h *Handler) requestSubmission(ctx context.Context, w http.ResponseWriter, p *payload) {
	if p.User.ID == "" {
		h.log().Warn("slack request refused: no user")
		writeViewErrors(w, map[string]string{fieldSystem: "Slack did not say who submitted the form: close it and type the command again."})
		return
	}
	fields := make(map[string]string, len(requestFields))
	for _, id := range requestFields {
		fields[id] = strings.TrimSpace(p.View.State.Values[id][id].text())
	}
	if fields[fieldSystem] == "" {
		writeViewErrors(w, map[string]string{fieldSystem: systemMissing})
		return
	}
	a := Action{Kind: Request, User: p.User.ID, Fields: fields}
	text, err := h.call(ctx, a)
	if err != nil {
		writeViewErrors(w, viewErrors(err))
		return
	}
	writeJSON(w, map[string]string{"response_action": "clear"})
	h.dm(ctx, a, text)
}

// viewErrors places err's messages under the request dialog's fields: a
// FieldErrors's under the fields it names (those for any other field
// under "system", after its own), another error's under "system".
func viewErrors(err error) map[string]string {
	var fe FieldErrors
	if !errors.As(err, &fe) {
		return map[string]string{fieldSystem: err.Error()}
	}
	out := map[string]string{}
	var other []string
	for _, k := range slices.Sorted(maps.Keys(fe)) {
		switch msg := strings.TrimSpace(fe[k]); {
		case msg == "":
		case slices.Contains(requestFields, k):
			out[k] = msg
		default:
			other = append(other, msg)
		}
	}
	if len(other) > 0 {
		if out[fieldSystem] != "" {
			other = append([]string{out[fieldSystem]}, other...)
		}
		out[fieldSystem] = strings.Join(other, "; ")
	}
	if len(out) == 0 {
		out[fieldSystem] = "Gatehouse could not file the request; please try again."
	}
	return out
}
