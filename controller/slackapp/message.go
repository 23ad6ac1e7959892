package slackapp

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind of action a person takes from a message.
type Kind string

// Kinds of actions.
const (
	Approve     Kind = "approve"
	Deny        Kind = "deny"
	Provisioned Kind = "provisioned"
	// Request is an access request filed from the request dialog.
	Request Kind = "request"
)

// Action ids of the buttons, and the callback id of the deny dialog.
const (
	actionApprove     = "gatehouse.approve"
	actionDeny        = "gatehouse.deny"
	actionProvisioned = "gatehouse.provisioned"
	callbackDeny      = "gatehouse.deny"
	callbackRequest   = "gatehouse.request"
)

// Limits of Slack's on what a message carries.
const (
	maxButtonValue  = 2000
	maxSectionText  = 3000
	maxText         = 4000
	maxMetadata     = 3000
	maxErrorMessage = 500
)

// Ref says what a message is about; it travels in the buttons' values
// (JSON) and the deny dialog's private_metadata. It is not a secret, and
// not trusted either: the person who clicks is known from the signed
// payload, and Act checks the rest against the pull request.
type Ref struct {
	PR int `json:"pr"`
	// Head is the head commit the message was sent for.
	Head string `json:"head"`
	// Digest is the digest of the access changes then (approvals count
	// for it).
	Digest string `json:"digest"`
	// Requests are request paths (for provisioned). When the list does
	// not fit in a button's value (2,000 characters), the button carries
	// as many as fit, in order.
	Requests []string `json:"requests,omitempty"`
}

// Action is one click, or one deny or request dialog submitted, after
// verification.
type Action struct {
	Kind Kind
	// User is the Slack member id of who acted (payload.user.id).
	User string
	Ref  Ref
	// Reason is, for Deny only, the reason typed in the dialog (required,
	// trimmed, non-empty).
	Reason string
	// Fields are, for Request only, what the dialog's fields hold,
	// trimmed: "system" (never empty), "level", "justification" and
	// "expires" (empty when left blank).
	Fields map[string]string
}

// Message is a Slack message: fallback text and Block Kit blocks.
type Message struct {
	Text   string `json:"text"`
	Blocks []any  `json:"blocks,omitempty"`
}

// ApprovalNotice is what an approver is asked.
type ApprovalNotice struct {
	// Headline is the first line, such as "[Action Required] sam
	// requested access to github".
	Headline string
	// Details are a line per requested access: "sam: github (member) —
	// justification: …".
	Details []string
	PRURL   string
	Ref     Ref
}

// ApprovalMessage asks an approver: a section with the headline (bold) and
// details, a link "Review pull request #N", and buttons "Approve" and
// "Deny" that carry n.Ref. Everything shown is escaped, so that a
// justification cannot mention @channel or hide a link.
func ApprovalMessage(n ApprovalNotice) Message {
	details := make([]string, len(n.Details))
	for i, d := range n.Details {
		details[i] = "• " + escape(d)
	}
	value := refValue(n.Ref, maxButtonValue)
	return Message{
		Text: truncate(escape(n.Headline), maxText),
		Blocks: []any{
			section("*" + escape(n.Headline) + "*\n" + strings.Join(details, "\n")),
			section(link(n.PRURL, fmt.Sprintf("Review pull request #%d", n.Ref.PR))),
			block{"type": "actions", "block_id": "gatehouse.approval", "elements": []any{
				button(actionApprove, "Approve", "primary", value),
				button(actionDeny, "Deny", "danger", value),
			}},
		},
	}
}

// ProvisionNotice is what a system admin is asked after a merge.
type ProvisionNotice struct {
	// Headline is the first line, such as "[Action Required] Provision a
	// github account for sam".
	Headline string
	PRURL    string
	// Ref names the requests (Requests set).
	Ref Ref
}

// ProvisionMessage asks a system admin: the headline, a link to the pull
// request, and a button "Mark as provisioned" that carries n.Ref.
func ProvisionMessage(n ProvisionNotice) Message {
	return Message{
		Text: truncate(escape(n.Headline), maxText),
		Blocks: []any{
			section("*" + escape(n.Headline) + "*"),
			section(link(n.PRURL, fmt.Sprintf("Review pull request #%d", n.Ref.PR))),
			block{"type": "actions", "block_id": "gatehouse.provision", "elements": []any{
				button(actionProvisioned, "Mark as provisioned", "primary", refValue(n.Ref, maxButtonValue)),
			}},
		},
	}
}

// denyView is the modal asking an approver why they deny.
func denyView(ref Ref) block {
	return block{
		"type":             "modal",
		"callback_id":      callbackDeny,
		"title":            plain("Deny access"),
		"submit":           plain("Deny"),
		"close":            plain("Cancel"),
		"private_metadata": refValue(ref, maxMetadata),
		"blocks": []any{
			section(fmt.Sprintf("Deny pull request #%d. The requester sees your reason, and the pull request is closed.", ref.PR)),
			block{
				"type":     "input",
				"block_id": "reason",
				"label":    plain("Reason"),
				"element": block{
					"type":       "plain_text_input",
					"action_id":  "reason",
					"multiline":  true,
					"max_length": 3000,
				},
			},
		},
	}
}

// block is a Block Kit object; a map keeps the JSON as Slack documents
// it, in sorted key order for the golden files.
type block = map[string]any

func section(mrkdwn string) block {
	return block{"type": "section", "text": block{"type": "mrkdwn", "text": truncate(mrkdwn, maxSectionText)}}
}

func plain(text string) block { return block{"type": "plain_text", "text": text} }

func button(actionID, text, style, value string) block {
	return block{"type": "button", "action_id": actionID, "text": plain(text), "style": style, "value": value}
}

// link is a mrkdwn link, or the text alone without a usable URL.
func link(url, text string) string {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") || strings.ContainsAny(url, "|<> \n") {
		return text
	}
	return "<" + strings.ReplaceAll(url, "&", "&amp;") + "|" + escape(text) + ">"
}

// escape escapes the three characters Slack's mrkdwn gives meaning to
// (https://api.slack.com/reference/surfaces/formatting#escaping), so that
// text cannot make links or mentions.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const more = "…"
	s = s[:n-len(more)]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + more
}

// refValue is ref as JSON in at most limit bytes, keeping as many
// Requests as fit.
func refValue(ref Ref, limit int) string {
	enc := func(n int) []byte {
		r := ref
		r.Requests = ref.Requests[:n]
		b, _ := json.Marshal(r) // a Ref always encodes
		return b
	}
	if b := enc(len(ref.Requests)); len(b) <= limit {
		return string(b)
	}
	// The most requests that fit, by bisection: lists can be long.
	lo, hi := 0, len(ref.Requests)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(enc(mid)) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(enc(lo))
}

// parseRef reads a Ref from a button's value or a view's metadata.
func parseRef(s string) (Ref, error) {
	var ref Ref
	if err := json.Unmarshal([]byte(s), &ref); err != nil {
		return Ref{}, fmt.Errorf("the button's value is not what gatehouse sends (%v); use a newer message", jsonErrorKind(err))
	}
	if ref.PR <= 0 {
		return Ref{}, fmt.Errorf("the button names no pull request; use a newer message")
	}
	return ref, nil
}

// jsonErrorKind says what is wrong with JSON without quoting any of it.
func jsonErrorKind(err error) string {
	switch err.(type) {
	case *json.SyntaxError:
		return "not JSON"
	case *json.UnmarshalTypeError:
		return "a field of the wrong type"
	}
	return "unreadable"
}
