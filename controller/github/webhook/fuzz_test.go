package webhook

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// FuzzHandler sends random bodies, correctly signed, under random event
// names: the handler never panics, answers only what a signed request can
// get, and queues only complete events of the kind the header names.
func FuzzHandler(f *testing.F) {
	seeds := []struct{ event, body string }{
		{"pull_request", prPayload("opened", 1)},
		{"pull_request", `{"action":"closed","number":3,"repository":{"full_name":"acme/access"}}`},
		{"pull_request_review", reviewPayload("submitted")},
		{"issue_comment", commentPayload("created", true)},
		{"issue_comment", `{"action":"created","issue":null,"repository":{"full_name":"acme/access"}}`},
		{"push", pushPayload("refs/heads/main", "main")},
		{"push", `{"ref":"refs/heads/","repository":{"full_name":"a/b","default_branch":""}}`},
		{"ping", `{"zen":"Keep it logically awesome."}`},
		{"pull_request", "null"},
		{"pull_request", "[]"},
		{"check_run", `{}`},
	}
	for _, s := range seeds {
		f.Add(s.event, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, event string, body []byte) {
		fx := newFixture(t, nil)
		w := fx.serve(delivery{event: event, id: "fuzz", body: string(body)})
		switch w.Code {
		case http.StatusOK:
			if event != "ping" {
				t.Errorf("200 for a first %q delivery; only a ping or a replay gets 200", event)
			}
		case http.StatusAccepted, http.StatusBadRequest:
		default:
			t.Errorf("status %d %q for a signed delivery", w.Code, w.Body.String())
		}
		for _, ev := range fx.queued() {
			if err := ev.complete(); err != nil || string(ev.Kind) != event || ev.DeliveryID != "fuzz" {
				t.Errorf("queued %+v (%v) for a %q delivery", ev, err, event)
			}
		}
	})
}

// typicalPullRequest is a pull_request payload of the size and shape
// GitHub sends (about 25 kB): a pull request with its head and base
// repositories and users, every URL field included.
func typicalPullRequest(number int) []byte {
	urls := func(prefix string, names ...string) map[string]any {
		m := map[string]any{}
		for _, n := range names {
			m[n+"_url"] = prefix + "/" + n
		}
		return m
	}
	user := func(login string) map[string]any {
		u := urls("https://api.github.com/users/"+login, "html", "followers", "following", "gists", "starred",
			"subscriptions", "organizations", "repos", "events", "received_events", "avatar")
		u["login"], u["id"], u["node_id"], u["type"], u["site_admin"] = login, 1000+len(login), "MDQ6VXNlcjE=", "User", false
		return u
	}
	repo := func() map[string]any {
		r := urls("https://api.github.com/repos/acme/access", "archive", "assignees", "blobs", "branches",
			"collaborators", "comments", "commits", "compare", "contents", "contributors", "deployments",
			"downloads", "events", "forks", "git_commits", "git_refs", "git_tags", "hooks", "issue_comment",
			"issue_events", "issues", "keys", "labels", "languages", "merges", "milestones", "notifications",
			"pulls", "releases", "stargazers", "statuses", "subscribers", "subscription", "tags", "teams", "trees",
			"html", "clone", "git", "ssh", "svn", "mirror")
		r["id"], r["name"], r["full_name"], r["private"], r["owner"] = 1296269, "access", "acme/access", true, user("acme")
		r["default_branch"], r["description"], r["visibility"] = "main", "Who may access what at acme, as code.", "private"
		r["created_at"], r["updated_at"], r["pushed_at"] = "2024-01-02T10:00:00Z", "2025-03-14T09:00:00Z", "2025-03-14T09:26:00Z"
		return r
	}
	pr := urls(fmt.Sprintf("https://api.github.com/repos/acme/access/pulls/%d", number),
		"html", "diff", "patch", "issue", "commits", "review_comments", "review_comment", "comments", "statuses")
	pr["number"], pr["state"], pr["title"], pr["user"] = number, "open", "alice requests access to github (member)", user("alice")
	pr["body"] = "Access request created by gatehouse request.\n\n" + "Justification: on-call for the platform team."
	pr["head"] = map[string]any{"label": "acme:access/alice-github", "ref": "access/alice-github",
		"sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "user": user("alice"), "repo": repo()}
	pr["base"] = map[string]any{"label": "acme:main", "ref": "main",
		"sha": "0000111122223333444455556666777788889999", "user": user("acme"), "repo": repo()}
	pr["requested_reviewers"] = []any{user("carol"), user("dave")}
	pr["labels"] = []any{map[string]any{"id": 1, "name": "access:pending-approval", "color": "fbca04"}}
	pr["created_at"], pr["updated_at"], pr["draft"], pr["merged"] = "2025-03-14T09:00:00Z", "2025-03-14T09:26:00Z", false, false
	pr["commits"], pr["additions"], pr["deletions"], pr["changed_files"] = 1, 12, 0, 1
	return []byte(toJSON(map[string]any{"action": "synchronize", "number": number, "pull_request": pr,
		"before": "0000111122223333444455556666777788889999", "after": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
		"repository": repo(), "organization": user("acme"), "sender": user("alice"), "installation": map[string]any{"id": 42}}))
}

// BenchmarkHandlerPullRequest verifies, parses, records and queues a
// typical pull_request delivery, spread over 50 pull requests.
func BenchmarkHandlerPullRequest(b *testing.B) {
	fx := newFixture(b, nil)
	const prs = 50
	requests := make([]delivery, prs)
	for i := range requests {
		requests[i] = delivery{event: "pull_request", body: string(typicalPullRequest(i + 1))}
	}
	b.SetBytes(int64(len(requests[0].body)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		d := requests[n%prs]
		d.id = strconv.Itoa(n)
		n++
		r := d.request()
		w := discardWriter{header: http.Header{}}
		fx.h.ServeHTTP(&w, r)
		if w.status != http.StatusAccepted {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
