package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
	"github.com/gatehouse-dev/gatehouse/controller/github/webhook"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

const secret = "e2e-webhook-secret"

// e2e is gatehouse serve on a GitHub repository, against the fake GitHub
// and a bare repository standing in for GitHub's git remote.
type e2e struct {
	t       *testing.T
	fake    *githubtest.Server
	remote  *git.Repository
	addr    string
	main    plumbing.Hash
	deliver int
	last    [3]string
}

func startE2E(t *testing.T) *e2e { t.Helper(); return startE2EWith(t, prBase, nil) }

// startE2EWith serves an access repo of base files, with extra variables
// in the controller's environment.
func startE2EWith(t *testing.T, base, extra map[string]string) *e2e {
	t.Helper()
	remoteDir := filepath.Join(t.TempDir(), "access.git")
	remote, err := git.PlainInit(remoteDir, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/master")); err != nil {
		t.Fatal(err)
	}
	main := gitrepotest.Commit(t, remote, "base", gitrepotest.Text(base))
	fake := githubtest.NewServer(t)
	fake.SetBranch("acme", "access", "master", main.String())

	env := map[string]string{
		EnvWebhookSecret: secret, "GITHUB_TOKEN": "e2e-token", "GITHUB_API_URL": fake.URL,
		EnvCloneURL: remoteDir,
	}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := LoadConfig("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Repo, cfg.Listen, cfg.Reconcile.Interval = "acme/access", "127.0.0.1:0", "1h"
	addr := make(chan string, 1)
	c := &Controller{Config: cfg, StateDir: t.TempDir(), Log: slog.New(slog.DiscardHandler),
		Getenv: func(k string) string { return env[k] }, ReadFile: os.ReadFile, OnListen: func(a string) { addr <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	stopped := false
	t.Cleanup(func() {
		cancel()
		if stopped {
			return
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	})
	select {
	case a := <-addr:
		return &e2e{t: t, fake: fake, remote: remote, addr: a, main: main}
	case err := <-done:
		stopped = true
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve never listened")
	}
	return nil
}

// push commits edits on top of parent as pull request n's head, on the
// remote (refs/pull/n/head) and on the fake.
func (e *e2e) push(n int, parent plumbing.Hash, edits gitrepotest.Files) plumbing.Hash {
	e.t.Helper()
	h := gitrepotest.CommitEdits(e.t, e.remote, parent, "change", edits)
	gitrepotest.Ref(e.t, e.remote, fmt.Sprintf("refs/pull/%d/head", n), h)
	gitrepotest.Ref(e.t, e.remote, "refs/heads/request", h)
	return h
}

// send delivers a signed webhook and returns the status.
func (e *e2e) send(event, body string, sign bool) int {
	e.t.Helper()
	e.deliver++
	e.last = [3]string{event, body, fmt.Sprintf("delivery-%d-%d", time.Now().UnixNano(), e.deliver)}
	return e.post(event, body, e.last[2], sign)
}

// sendAgain repeats the last delivery, id and all.
func (e *e2e) sendAgain() int {
	e.t.Helper()
	return e.post(e.last[0], e.last[1], e.last[2], true)
}

func (e *e2e) post(event, body, id string, sign bool) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+e.addr+"/webhook", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	if sign {
		req.Header.Set("X-Hub-Signature-256", webhook.Signature([]byte(secret), []byte(body)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func prEvent(action string, n int, head plumbing.Hash, sender string) string {
	return fmt.Sprintf(`{"action":%q,"number":%d,"pull_request":{"number":%d,"state":"open","head":{"ref":"request","sha":%q},"base":{"ref":"master"},"user":{"login":"sam"}},"repository":{"full_name":"acme/access","name":"access","owner":{"login":"acme"},"default_branch":"master"},"sender":{"login":%q}}`,
		action, n, n, head.String(), sender)
}

// waitCheck waits for the check run on sha to reach conclusion.
func (e *e2e) waitCheck(sha plumbing.Hash, conclusion string) githubtest.CheckRun {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, run := range e.fake.CheckRuns("acme", "access", sha.String()) {
			if run.Name == "gatehouse" && run.Conclusion == conclusion {
				return run
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no %s check run on %s; runs: %+v", conclusion, sha, e.fake.CheckRuns("acme", "access", sha.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeAgainstFakeGitHub(t *testing.T) {
	e := startE2E(t)
	member := gitrepotest.Files{"access/github/sam.yaml": gitrepotest.File{Data: []byte("kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n")}}
	head := e.push(7, e.main, member)
	n := e.fake.AddPullRequest("acme", "access", githubtest.PullRequest{Number: 7, Title: "Access request", Author: "sam",
		BaseRef: "master", BaseSHA: e.main.String(), HeadRef: "request", HeadSHA: head.String()})

	// Opened: a failing check and a comment naming carol.
	if code := e.send("pull_request", prEvent("opened", n, head, "sam"), true); code != http.StatusAccepted {
		t.Fatalf("opened: %d", code)
	}
	e.waitCheck(head, "action_required")
	e.waitComment(n, "[Action Required] sam requested access to github")
	comments := e.fake.Comments("acme", "access", n)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "carol") || !strings.Contains(comments[0].Body, "[Action Required] sam requested access to github") {
		t.Fatalf("the sticky comment: %+v", comments)
	}
	// Once it is quiet: the same delivery again is ignored, and a forged
	// webhook is 401 with nothing reaching GitHub.
	time.Sleep(300 * time.Millisecond)
	before := len(e.fake.Requests())
	if code := e.sendAgain(); code != http.StatusOK {
		t.Errorf("a repeated delivery: %d, want 200", code)
	}
	if code := e.send("pull_request", prEvent("opened", n, head, "sam"), false); code != http.StatusUnauthorized {
		t.Fatalf("unsigned webhook: %d, want 401", code)
	}
	time.Sleep(300 * time.Millisecond)
	if after := len(e.fake.Requests()); after != before {
		t.Errorf("a forged or repeated webhook caused %d API calls", after-before)
	}

	// The author approves: ignored. carol approves: success.
	e.fake.AddReview("acme", "access", n, "sam", "APPROVED", head.String())
	e.send("pull_request_review", reviewEvent(n, head, "sam"), true)
	e.fake.AddReview("acme", "access", n, "carol", "APPROVED", head.String())
	e.send("pull_request_review", reviewEvent(n, head, "carol"), true)
	e.waitCheck(head, "success")
	deadline := time.Now().Add(10 * time.Second)
	for !contains(e.fake.Labels("acme", "access", n), "access:approved") {
		if time.Now().After(deadline) {
			t.Fatalf("labels %v, want access:approved", e.fake.Labels("acme", "access", n))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A push that changes the request: back to waiting.
	head2 := e.push(n, head, gitrepotest.Files{"access/github/sam.yaml": gitrepotest.File{Data: []byte("kind: AccessRequest\nperson: sam\nsystem: github\nlevel: admin\n")}})
	e.fake.SetHead("acme", "access", n, head2.String())
	e.send("pull_request", prEvent("synchronize", n, head2, "sam"), true)
	e.waitCheck(head2, "action_required")
	if c := e.fake.Comments("acme", "access", n); len(c) != 1 {
		t.Errorf("the sticky comment was not edited in place: %d comments", len(c))
	}

	// /deny without a reason is refused; with one it closes the pull
	// request.
	e.fake.AddComment("acme", "access", n, "carol", "/deny")
	e.send("issue_comment", commentEvent(n, "carol"), true)
	e.waitComment(n, "needs a reason")
	if st := e.fake.PullRequestState("acme", "access", n); st.State != "open" {
		t.Fatalf("/deny without a reason closed the pull request")
	}
	e.fake.AddComment("acme", "access", n, "carol", "/deny admin on github needs an incident number")
	e.send("issue_comment", commentEvent(n, "carol"), true)
	e.waitComment(n, "Denied by @carol: admin on github needs an incident number")
	deadline = time.Now().Add(10 * time.Second)
	for e.fake.PullRequestState("acme", "access", n).State != "closed" {
		if time.Now().After(deadline) {
			t.Fatal("/deny with a reason did not close the pull request")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func commentEvent(n int, login string) string {
	return fmt.Sprintf(`{"action":"created","issue":{"number":%d,"state":"open","user":{"login":"sam"},"pull_request":{"url":"https://api.github.com/repos/acme/access/pulls/%d"}},"comment":{"id":1,"body":"x","user":{"login":%q}},"repository":{"full_name":"acme/access","name":"access","owner":{"login":"acme"},"default_branch":"master"},"sender":{"login":%q}}`,
		n, n, login, login)
}

// waitComment waits for a comment on pull request n containing text.
func (e *e2e) waitComment(n int, text string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, c := range e.fake.Comments("acme", "access", n) {
			if strings.Contains(c.Body, text) {
				return
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no comment containing %q: %+v", text, e.fake.Comments("acme", "access", n))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func reviewEvent(n int, head plumbing.Hash, login string) string {
	return fmt.Sprintf(`{"action":"submitted","review":{"id":1,"state":"approved","commit_id":%q,"user":{"login":%q}},"pull_request":{"number":%d,"state":"open","head":{"ref":"request","sha":%q},"base":{"ref":"master"},"user":{"login":"sam"}},"repository":{"full_name":"acme/access","name":"access","owner":{"login":"acme"},"default_branch":"master"},"sender":{"login":%q}}`,
		head.String(), login, n, head.String(), login)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
