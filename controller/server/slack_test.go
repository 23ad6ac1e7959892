package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
)

// slackBase is prBase with everyone's Slack member id.
func slackBase() map[string]string {
	base := map[string]string{}
	for path, data := range prBase {
		base[path] = data
	}
	base["people/alice.yaml"] += "slack: U0ALICE\n"
	base["people/carol.yaml"] += "slack: U0CAROL\n"
	base["people/sam.yaml"] += "slack: U0SAM\n"
	return base
}

// slackPulls returns a pull-request controller on a repository of
// slackBase, with the Slack app talking to a fake Slack.
func slackPulls(t *testing.T) (*Pulls, *memGitHub, *slacktest.Server, func(files gitrepotest.Files) string, string) {
	t.Helper()
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	main := gitrepotest.Commit(t, r, "base", gitrepotest.Text(slackBase()))
	fake := slacktest.New(t, "xoxb-test")
	for _, id := range []string{"U0ALICE", "U0CAROL", "U0SAM"} {
		fake.AddUser(slacktest.User{ID: id, Name: strings.ToLower(id[2:])})
	}
	gh := newMemGitHub()
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: openTestStore(t),
		Log: slog.New(slog.DiscardHandler), Slack: slackapp.NewClient("xoxb-test", fake.URL, nil)}
	commit := func(files gitrepotest.Files) string {
		return gitrepotest.CommitEdits(t, r, main, "request", files).String()
	}
	return p, gh, fake, commit, dir
}

// refIn returns the Ref of the button action of a posted message.
func refIn(t *testing.T, m slacktest.PostedMessage, action string) slackapp.Ref {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == action {
				var ref slackapp.Ref
				if err := json.Unmarshal([]byte(e.Value), &ref); err != nil {
					t.Fatal(err)
				}
				return ref
			}
		}
	}
	t.Fatalf("no %s button in %s", action, m.Blocks)
	return slackapp.Ref{}
}

// TestApproveAndDenyFromSlackAgainstFakeSlack: the approver is asked in
// Slack once per content; an approval from Slack counts for the person
// whose member id clicked and for the content the message showed (S3),
// never for the author (S2) or someone unknown (S4); a denial from Slack
// closes the pull request with its reason.
func TestApproveAndDenyFromSlackAgainstFakeSlack(t *testing.T) {
	ctx := context.Background()
	p, gh, fake, commit, _ := slackPulls(t)
	requeued := new([]int)
	p.Requeue = func(n int) { *requeued = append(*requeued, n) }
	head1 := commit(samMember)
	head2 := commit(gitrepotest.Files{"access/github/sam.yaml": gitrepotest.File{Data: []byte("kind: AccessRequest\nperson: sam\nsystem: github\nlevel: admin\n")}})
	gh.prs[7] = &PullRequest{Number: 7, State: "open", BaseRef: "master", HeadSHA: head1, Author: "sam", HTMLURL: "https://github.com/acme/access/pull/7"}

	handle := func(want string) {
		t.Helper()
		if err := p.Handle(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if c := gh.checks[gh.prs[7].HeadSHA][0]; c != want {
			t.Fatalf("check run %q, want %q\n%s", c, want, gh.sticky[7])
		}
	}
	handle("action_required")
	handle("action_required") // asked once, not on every decision
	msgs := fake.Messages()
	if len(msgs) != 1 || msgs[0].Channel != "U0CAROL" || !strings.Contains(msgs[0].Text, "[Action Required] sam requested access to github") {
		t.Fatalf("messages = %+v, want one to carol", msgs)
	}
	ref := refIn(t, msgs[0], "gatehouse.approve")
	if ref.PR != 7 || ref.Head != head1 || ref.Digest == "" {
		t.Fatalf("the button's ref is %+v", ref)
	}

	// sam, the author, clicks a forwarded message: recorded, never counted.
	if reply, err := p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Approve, User: "U0SAM", Ref: ref}); err != nil || !strings.Contains(reply, "does not count") {
		t.Errorf("the author's approval: %q %v", reply, err)
	}
	if _, err := p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Approve, User: "U0NOBODY", Ref: ref}); err == nil || !strings.Contains(err.Error(), "no person's `slack:`") {
		t.Errorf("an unknown Slack user's approval: %v", err)
	}
	handle("action_required")

	// carol approves from Slack.
	reply, err := p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Approve, User: "U0CAROL", Ref: ref})
	if err != nil || !strings.Contains(reply, "Approved #7 as carol") {
		t.Fatalf("carol's approval: %q %v", reply, err)
	}
	if !slices.Contains(*requeued, 7) {
		t.Error("the pull request was not queued to be decided again")
	}
	handle("success")

	// A push changes the request: carol's approval no longer counts, she
	// is asked again, and the old message's button does not bring it back.
	gh.prs[7].HeadSHA = head2
	handle("action_required")
	if n := len(fake.Messages()); n != 2 {
		t.Errorf("%d messages after the change, want carol asked again", n)
	}
	if reply, _ := p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Approve, User: "U0CAROL", Ref: ref}); !strings.Contains(reply, "changed since this message") {
		t.Errorf("an approval of the old content: %q", reply)
	}
	handle("action_required")

	// carol denies from Slack, with a reason.
	reply, err = p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Deny, User: "U0CAROL", Ref: refIn(t, fake.Messages()[1], "gatehouse.deny"), Reason: "admin needs an incident number"})
	if err != nil || gh.prs[7].State != "closed" || !strings.Contains(strings.Join(gh.posted[7], "\n"), "Denied by @carol: admin needs an incident number") {
		t.Errorf("the denial from Slack: %q %v, state %s, posted %v", reply, err, gh.prs[7].State, gh.posted[7])
	}
}

// TestMarkProvisionedFromSlackAgainstFakeSlack: after the merge, the admin
// of a system without an integration is asked in Slack, and "Mark as
// provisioned" there completes the request as /provisioned does.
func TestMarkProvisionedFromSlackAgainstFakeSlack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	main := gitrepotest.Commit(t, r, "base", gitrepotest.Text(slackBase()))
	head := gitrepotest.CommitEdits(t, r, main, "request", samMember)
	merge := gitrepotest.CommitMerge(t, r, main, head, "merge #7", samMember)
	gitrepotest.Ref(t, r, "refs/heads/master", merge)
	fake := slacktest.New(t, "xoxb-test")
	fake.AddUser(slacktest.User{ID: "U0ALICE", Name: "alice"})
	gh := newMemGitHub()
	gh.prs[7] = &PullRequest{Number: 7, State: "closed", Merged: true, MergeCommitSHA: merge.String(), BaseRef: "master", HeadSHA: head.String(), Author: "sam"}
	gh.reviews[7] = []Review{{User: "carol", State: "APPROVED", CommitID: head.String(), SubmittedAt: time.Now()}}
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: openTestStore(t),
		Log: slog.New(slog.DiscardHandler), Slack: slackapp.NewClient("xoxb-test", fake.URL, nil)}
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || msgs[0].Channel != "U0ALICE" || !strings.Contains(msgs[0].Text, "[Action Required] Provision a github account for sam") {
		t.Fatalf("messages = %+v, want one to alice, github's admin", msgs)
	}
	ref := refIn(t, msgs[0], "gatehouse.provisioned")
	if _, err := p.SlackAction(ctx, slackapp.Action{Kind: slackapp.Provisioned, User: "U0ALICE", Ref: ref}); err != nil {
		t.Fatal(err)
	}
	if req, ok, _ := p.Store.Request(ctx, "access/github/sam.yaml"); !ok || req.State != "provisioned" {
		t.Errorf("the request is %+v after Mark as provisioned", req)
	}
}
