package slackapp

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// indent is v as indented JSON, with <, > and & left as they are, so
// that what Slack shows can be read.
func indent(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var (
	approvalNotice = ApprovalNotice{
		Headline: "[Action Required] sam requested access to github",
		Details: []string{
			"sam: github (member) — justification: on-call for the payments team",
			"sam: github (admin), until 2026-09-30 — justification: release <v2> & hotfixes",
		},
		PRURL: "https://github.com/acme/access/pull/42",
		Ref:   testRef,
	}
	provisionNotice = ProvisionNotice{
		Headline: "[Action Required] Provision a github account for sam",
		PRURL:    "https://github.com/acme/access/pull/42",
		Ref:      Ref{PR: 42, Head: testRef.Head, Digest: testRef.Digest, Requests: []string{"requests/sam/github.yaml"}},
	}
)

func TestMessagesGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
	}{
		{name: "approval.golden.json", v: ApprovalMessage(approvalNotice)},
		{name: "provision.golden.json", v: ProvisionMessage(provisionNotice)},
		{name: "deny_view.golden.json", v: denyView(testRef)},
		{name: "request_view.golden.json", v: requestView(testSystems)},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name, indent(t, c.v))
		})
	}
}

// buttons returns the buttons of m by action id.
func buttons(t *testing.T, m Message) map[string]map[string]any {
	t.Helper()
	var blocks []struct {
		Type     string           `json:"type"`
		Elements []map[string]any `json:"elements"`
	}
	if err := json.Unmarshal([]byte(mustJSON(t, m.Blocks)), &blocks); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e["type"] == "button" {
				out[e["action_id"].(string)] = e
			}
		}
	}
	return out
}

func TestButtonValuesDecodeToRef(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		note  string
		m     Message
		ref   Ref
		ids   []string
		style map[string]string
	}{
		{note: "approval", m: ApprovalMessage(approvalNotice), ref: approvalNotice.Ref, ids: []string{actionApprove, actionDeny},
			style: map[string]string{actionApprove: "primary", actionDeny: "danger"}},
		{note: "provision", m: ProvisionMessage(provisionNotice), ref: provisionNotice.Ref, ids: []string{actionProvisioned},
			style: map[string]string{actionProvisioned: "primary"}},
	} {
		t.Run(c.note, func(t *testing.T) {
			t.Parallel()
			got := buttons(t, c.m)
			if len(got) != len(c.ids) {
				t.Errorf("buttons %v, want %v", got, c.ids)
			}
			for _, id := range c.ids {
				b := got[id]
				ref, err := parseRef(fmt.Sprint(b["value"]))
				if err != nil || mustJSON(t, ref) != mustJSON(t, c.ref) {
					t.Errorf("%s carries %+v (%v), want %+v", id, ref, err, c.ref)
				}
				if b["style"] != c.style[id] {
					t.Errorf("%s has style %v, want %s", id, b["style"], c.style[id])
				}
			}
		})
	}
}

func TestLongRequestsStayUnderSlackLimit(t *testing.T) {
	t.Parallel()
	ref := testRef
	for i := range 500 {
		ref.Requests = append(ref.Requests, fmt.Sprintf("requests/person-%03d/a-system-with-a-long-name.yaml", i))
	}
	f := newFixture(t)
	for _, m := range []Message{
		ApprovalMessage(ApprovalNotice{Headline: "h", PRURL: "https://github.com/acme/access/pull/42", Ref: ref, Details: []string{strings.Repeat("d", 5000)}}),
		ProvisionMessage(ProvisionNotice{Headline: "h", PRURL: "https://github.com/acme/access/pull/42", Ref: ref}),
	} {
		for id, b := range buttons(t, m) {
			v := fmt.Sprint(b["value"])
			if len(v) > maxButtonValue {
				t.Errorf("%s's value is %d characters, over Slack's %d", id, len(v), maxButtonValue)
			}
			got, err := parseRef(v)
			if err != nil || len(got.Requests) == 0 || len(got.Requests) >= len(ref.Requests) {
				t.Fatalf("%s carries %d requests (%v), want a prefix of the %d", id, len(got.Requests), err, len(ref.Requests))
			}
			for i, r := range got.Requests {
				if r != ref.Requests[i] {
					t.Fatalf("%s: request %d is %s, want %s", id, i, r, ref.Requests[i])
				}
			}
		}
		// The fake enforces Slack's limits.
		if _, err := f.client.PostMessage(t.Context(), approverID, m); err != nil {
			t.Errorf("PostMessage: %v", err)
		}
	}
	if err := f.client.OpenDenyDialog(t.Context(), "trigger", ref); err != nil {
		t.Errorf("OpenDenyDialog with a long Ref: %v", err)
	}
}

func TestMessagesEscapeWhatPeopleWrote(t *testing.T) {
	t.Parallel()
	m := ApprovalMessage(ApprovalNotice{
		Headline: "[Action Required] <!channel> requested access",
		Details:  []string{"sam: github — justification: <https://evil.example|click here> & <@U0BOSS>"},
		PRURL:    "https://github.com/acme/access/pull/42>|x",
		Ref:      testRef,
	})
	s := string(indent(t, m))
	for _, bad := range []string{"<!channel>", "<https://evil", "<@U0BOSS>", "pull/42>"} {
		if strings.Contains(s, bad) {
			t.Errorf("the message holds %q unescaped: %s", bad, s)
		}
	}
	if !strings.Contains(s, "&lt;!channel&gt;") {
		t.Errorf("the headline is not escaped: %s", s)
	}
}
