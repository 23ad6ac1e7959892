package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
)

// examplesVersion pins @octokit/webhooks-examples, GitHub's real example
// payloads of every webhook event.
const examplesVersion = "7.6.1"

// The actions gatehouse acts on, as issue 5 lists them.
var exampleActions = map[string][]string{
	"pull_request":        {"opened", "synchronize", "reopened", "edited", "ready_for_review", "closed"},
	"pull_request_review": {"submitted", "dismissed", "edited"},
	"issue_comment":       {"created", "edited", "deleted"},
}

// TestHandlerTakesGitHubsExamplePayloads drives the handler with every
// example payload of api.github.com (not the ghes-* copies), correctly
// signed: none is refused, pull requests, their reviews and comments and
// pushes to the default branch are queued with the fields read from the
// raw JSON, everything else is acknowledged and ignored. Some examples
// are not complete REST objects; that must not matter.
func TestHandlerTakesGitHubsExamplePayloads(t *testing.T) {
	dir := githubtest.NPMPackage(t, "@octokit/webhooks-examples", examplesVersion)
	file := filepath.Join(dir, "api.github.com", "index.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Name     string            `json:"name"`
		Examples []json.RawMessage `json:"examples"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	queued := map[string]int{}
	for _, event := range index {
		for i, example := range event.Examples {
			payloads := map[string][]byte{fmt.Sprintf("%s/%d", event.Name, i): example}
			if event.Name == "issue_comment" {
				// The examples comment on issues; GitHub adds these links
				// to the issue of a comment on a pull request.
				payloads[fmt.Sprintf("%s/%d on a pull request", event.Name, i)] = onPullRequest(t, example)
			}
			for name, body := range payloads {
				t.Run(name, func(t *testing.T) {
					status, want := expectFromExample(t, event.Name, body)
					f := newFixture(t, nil)
					w := f.serve(delivery{event: event.Name, id: name, body: string(body)})
					if w.Code != status {
						t.Fatalf("status %d %q, want %d", w.Code, w.Body.String(), status)
					}
					got := f.queued()
					switch {
					case want == nil && len(got) > 0:
						t.Errorf("queued %+v, want nothing", got)
					case want != nil:
						want.DeliveryID, want.ReceivedAt = name, testNow
						if len(got) != 1 || got[0] != *want {
							t.Errorf("queued %+v\nwant   %+v", got, *want)
						}
						queued[event.Name]++
					}
				})
			}
		}
	}
	for _, kind := range []string{"pull_request", "pull_request_review", "issue_comment", "push"} {
		if queued[kind] == 0 {
			t.Errorf("no %s example was queued: the package's examples changed shape", kind)
		}
	}
}

// expectFromExample reads what the handler should make of an example
// from its raw JSON, independently of go-github.
func expectFromExample(t *testing.T, kind string, body []byte) (int, *Event) {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	ev := &Event{
		Kind:         Kind(kind),
		Action:       text(p, "action"),
		Repo:         text(p, "repository", "full_name"),
		Sender:       text(p, "sender", "login"),
		Installation: int64(number(p, "installation", "id")),
	}
	switch kind {
	case "ping":
		return http.StatusOK, nil
	case "pull_request", "pull_request_review":
		ev.PR = number(p, "pull_request", "number")
		ev.Ref, ev.After = text(p, "pull_request", "head", "ref"), text(p, "pull_request", "head", "sha")
	case "issue_comment":
		ev.PR = number(p, "issue", "number")
		if _, ok := field(p, "issue", "pull_request").(map[string]any); !ok {
			return http.StatusAccepted, nil
		}
	case "push":
		ev.Ref, ev.After = text(p, "ref"), text(p, "after")
		if ev.Ref != "refs/heads/"+text(p, "repository", "default_branch") {
			return http.StatusAccepted, nil
		}
		return http.StatusAccepted, ev
	default:
		return http.StatusAccepted, nil
	}
	if !slices.Contains(exampleActions[kind], ev.Action) {
		return http.StatusAccepted, nil
	}
	return http.StatusAccepted, ev
}

// onPullRequest adds to an issue_comment payload's issue the
// pull_request links GitHub sends for a comment on a pull request.
func onPullRequest(t *testing.T, body []byte) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	issue, ok := p["issue"].(map[string]any)
	if !ok {
		t.Fatalf("issue_comment example without an issue: %.200s", body)
	}
	issue["pull_request"] = map[string]any{
		"url":       fmt.Sprintf("https://api.github.com/repos/%s/pulls/%v", text(p, "repository", "full_name"), issue["number"]),
		"html_url":  fmt.Sprintf("https://github.com/%s/pull/%v", text(p, "repository", "full_name"), issue["number"]),
		"diff_url":  fmt.Sprintf("https://github.com/%s/pull/%v.diff", text(p, "repository", "full_name"), issue["number"]),
		"patch_url": fmt.Sprintf("https://github.com/%s/pull/%v.patch", text(p, "repository", "full_name"), issue["number"]),
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func field(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func text(v any, path ...string) string {
	s, _ := field(v, path...).(string)
	return s
}

func number(v any, path ...string) int {
	n, _ := field(v, path...).(float64)
	return int(n)
}
