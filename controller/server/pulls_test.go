package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// memGitHub is an in-memory GitHub for the pull-request controller's
// logic; the HTTP fake checks the API calls themselves.
type memGitHub struct {
	mu       sync.Mutex
	prs      map[int]*PullRequest
	reviews  map[int][]Review
	comments map[int][]Comment
	checks   map[string][3]string // sha -> conclusion, title, summary
	sticky   map[int]string
	labels   map[int][]string
	posted   map[int][]string
	nextID   int64
}

func newMemGitHub() *memGitHub {
	return &memGitHub{prs: map[int]*PullRequest{}, reviews: map[int][]Review{}, comments: map[int][]Comment{},
		checks: map[string][3]string{}, sticky: map[int]string{}, labels: map[int][]string{}, posted: map[int][]string{}}
}

func (g *memGitHub) PullRequest(_ context.Context, n int) (PullRequest, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	pr, ok := g.prs[n]
	if !ok {
		return PullRequest{}, fmt.Errorf("no pull request %d", n)
	}
	return *pr, nil
}

func (g *memGitHub) OpenPullRequests(context.Context) ([]PullRequest, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []PullRequest
	for _, pr := range g.prs {
		if pr.State == "open" {
			out = append(out, *pr)
		}
	}
	return out, nil
}

func (g *memGitHub) Reviews(_ context.Context, n int) ([]Review, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.reviews[n]), nil
}

func (g *memGitHub) Comments(_ context.Context, n int) ([]Comment, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.comments[n]), nil
}

func (g *memGitHub) SetCheckRun(_ context.Context, sha string, run github.CheckRun) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.checks[sha] = [3]string{run.Conclusion, run.Title, run.Summary}
	return nil
}

func (g *memGitHub) UpsertComment(_ context.Context, n int, _, body string) (int64, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, existed := g.sticky[n]
	g.sticky[n] = body
	return int64(n), !existed, nil
}

func (g *memGitHub) Comment(_ context.Context, n int, body string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.posted[n] = append(g.posted[n], body)
	return nil
}

func (g *memGitHub) SetLabels(_ context.Context, n int, _ string, want []string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.labels[n] = want
	return nil
}

func (g *memGitHub) Close(_ context.Context, n int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.prs[n].State = "closed"
	return nil
}

func (g *memGitHub) Merge(_ context.Context, n int, sha, _ string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	pr := g.prs[n]
	if pr.HeadSHA != sha {
		return fmt.Errorf("head moved")
	}
	pr.State, pr.Merged, pr.MergeCommitSHA = "closed", true, sha
	return nil
}

func (g *memGitHub) addComment(n int, user, body string, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nextID++
	g.comments[n] = append(g.comments[n], Comment{ID: g.nextID, User: user, Body: body, CreatedAt: at, UpdatedAt: at})
}

type noMirror struct{}

func (noMirror) Sync(context.Context) error                  { return nil }
func (noMirror) FetchPullRequest(context.Context, int) error { return nil }

var prBase = map[string]string{
	"gatehouse.yaml":      "kind: Config\nname: acme\npolicyOwners: [alice]\n",
	"people/alice.yaml":   "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	"people/carol.yaml":   "kind: Person\nname: carol\nrole: collaborator\ngithub: carol\n",
	"people/sam.yaml":     "kind: Person\nname: sam\nrole: collaborator\ngithub: sam\n",
	"systems/github.yaml": "kind: System\nname: github\napprovers: [carol]\nadmins: [alice]\naccessLevels:\n  - name: member\n  - name: admin\n",
}

// TestPullRequestLifecycle follows a request through the controller:
// opened → waiting on carol; the author's approval ignored (S2); carol
// approves → success; a push changing the request → waiting again (S3);
// /deny without a reason refused; /deny with one closes it.
func TestPullRequestLifecycle(t *testing.T) {
	ctx := context.Background()
	dir, r, main := prRepo(t)
	head1 := gitrepotest.CommitEdits(t, r, main, "request", samMember)
	head2 := gitrepotest.CommitEdits(t, r, head1, "admin please", gitrepotest.Files{"access/github/sam.yaml": gitrepotest.File{Data: []byte("kind: AccessRequest\nperson: sam\nsystem: github\nlevel: admin\n")}})

	st := openTestStore(t)
	gh := newMemGitHub()
	gh.prs[7] = &PullRequest{Number: 7, State: "open", BaseRef: "master", HeadSHA: head1.String(), Author: "sam"}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: st,
		Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	step := func(name, wantConclusion string, wantLabel string) {
		t.Helper()
		if err := p.Handle(ctx, 7); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pr := gh.prs[7]
		if c := gh.checks[pr.HeadSHA][0]; c != wantConclusion {
			t.Errorf("%s: check run %q, want %q\n%s", name, c, wantConclusion, gh.sticky[7])
		}
		if !slices.Equal(gh.labels[7], []string{"access:" + wantLabel}) {
			t.Errorf("%s: labels %v, want access:%s", name, gh.labels[7], wantLabel)
		}
	}

	step("opened", "action_required", "pending-approval")
	if !strings.Contains(gh.sticky[7], "[Action Required] sam requested access to github") || !strings.Contains(gh.sticky[7], "@carol") {
		t.Errorf("the comment does not name carol:\n%s", gh.sticky[7])
	}

	// The author approves their own request: ignored (S2).
	gh.addComment(7, "sam", "/approve", now.Add(time.Minute))
	gh.reviews[7] = append(gh.reviews[7], Review{User: "sam", State: "APPROVED", CommitID: head1.String(), SubmittedAt: now.Add(time.Minute)})
	step("the author's approval", "action_required", "pending-approval")

	// carol approves with a review on the head: approved.
	gh.reviews[7] = append(gh.reviews[7], Review{User: "carol", State: "APPROVED", CommitID: head1.String(), SubmittedAt: now.Add(2 * time.Minute)})
	step("carol approves", "success", "approved")
	if strings.Contains(gh.sticky[7], "@carol") {
		t.Errorf("carol was mentioned again on the edit:\n%s", gh.sticky[7])
	}

	// A push that changes the requested document: back to waiting (S3).
	gh.prs[7].HeadSHA = head2.String()
	step("a new push", "action_required", "pending-approval")
	if !strings.Contains(gh.sticky[7], "no longer count: carol") {
		t.Errorf("the comment does not say carol's approval went stale:\n%s", gh.sticky[7])
	}

	// /deny without a reason is refused; with one it closes the pull
	// request.
	gh.addComment(7, "carol", "/deny", now.Add(3*time.Minute))
	step("deny without reason", "action_required", "pending-approval")
	if n := len(gh.posted[7]); n != 1 || !strings.Contains(gh.posted[7][0], "needs a reason") || gh.prs[7].State != "open" {
		t.Fatalf("/deny without a reason: posted %v, state %s", gh.posted[7], gh.prs[7].State)
	}
	gh.addComment(7, "carol", "/deny admin on github needs an incident number", now.Add(4*time.Minute))
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if gh.prs[7].State != "closed" || !strings.Contains(strings.Join(gh.posted[7], "\n"), "Denied by @carol: admin on github needs an incident number") {
		t.Errorf("/deny with a reason: state %s, posted %v", gh.prs[7].State, gh.posted[7])
	}
	// Handling it again does not repeat the denial.
	if err := p.Handle(ctx, 7); err != nil || len(gh.posted[7]) != 2 {
		t.Errorf("the denial was acted on twice: %v %v", gh.posted[7], err)
	}
}

// TestMergedPullRequestRecordsItsDecision checks S13's input: a merge
// with the approvals in place is recorded approved, one without them not,
// and an approval after the fact records it again.
func TestMergedPullRequestRecordsItsDecision(t *testing.T) {
	ctx := context.Background()
	dir, r, main := prRepo(t)
	req := samMember
	head := gitrepotest.CommitEdits(t, r, main, "request", req)
	merge := gitrepotest.CommitMerge(t, r, main, head, "merge #7", req)
	gitrepotest.Ref(t, r, "refs/heads/master", merge)

	st := openTestStore(t)
	gh := newMemGitHub()
	gh.prs[7] = &PullRequest{Number: 7, State: "closed", Merged: true, MergeCommitSHA: merge.String(), BaseRef: "master", HeadSHA: head.String(), Author: "sam"}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: st, Now: func() time.Time { return now }}
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	d, ok, err := st.DecisionForRequest(ctx, "access/github/sam.yaml")
	if err != nil || !ok || d.Approved || !slices.Equal(gh.labels[7], []string{"access:unapproved-merge"}) {
		t.Fatalf("a merge without approval: %+v %v %v labels %v", d, ok, err, gh.labels[7])
	}
	// carol approves after the fact.
	gh.addComment(7, "carol", "/approve", now.Add(time.Hour))
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if d, _, _ := st.DecisionForRequest(ctx, "access/github/sam.yaml"); !d.Approved || !slices.Equal(d.Approvers, []string{"carol"}) {
		t.Errorf("the approval after the fact was not recorded: %+v", d)
	}
	// github has no integration here: its admin is told to provision.
	posted := strings.Join(gh.posted[7], "\n")
	if !strings.Contains(posted, "merged without an approved decision") || !strings.Contains(posted, "[Action Required] Provision a github account for sam. @alice") {
		t.Errorf("posted:\n%s", posted)
	}
	// alice, github's admin, provisions it by hand and says so.
	gh.addComment(7, "alice", "/provisioned", now.Add(2*time.Hour))
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if req, ok, _ := st.Request(ctx, "access/github/sam.yaml"); !ok || req.State != "provisioned" {
		t.Errorf("the request is %+v after /provisioned", req)
	}
	if last := gh.posted[7][len(gh.posted[7])-1]; !strings.HasPrefix(last, "@sam ") || !slices.Equal(gh.labels[7], []string{"access:provisioned"}) {
		t.Errorf("the requester was not told (%q) or the label is %v", last, gh.labels[7])
	}
}

func TestS2LastPusherNeverCounts(t *testing.T) {
	ctx := context.Background()
	dir, r, main := prRepo(t)
	head := gitrepotest.CommitEdits(t, r, main, "request", samMember)
	st := openTestStore(t)
	gh := newMemGitHub()
	// alice opened it; carol, its only approver, pushed to it.
	gh.prs[7] = &PullRequest{Number: 7, State: "open", BaseRef: "master", HeadSHA: head.String(), Author: "alice"}
	gh.reviews[7] = []Review{{User: "carol", State: "APPROVED", CommitID: head.String(), SubmittedAt: time.Now()}}
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: st}
	if err := p.NotePush(ctx, 7, "carol"); err != nil {
		t.Fatal(err)
	}
	if err := p.Handle(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if c := gh.checks[head.String()][0]; c == "success" {
		t.Errorf("the last pusher's approval counted")
	}
}

func TestAutoMergeMergesTheApprovedHead(t *testing.T) {
	ctx := context.Background()
	dir, r, main := prRepo(t)
	head := gitrepotest.CommitEdits(t, r, main, "request", samMember)
	st := openTestStore(t)
	gh := newMemGitHub()
	gh.prs[7] = &PullRequest{Number: 7, State: "open", BaseRef: "master", HeadSHA: head.String(), Author: "sam"}
	p := &Pulls{GitHub: gh, Mirror: noMirror{}, RepoDir: dir, Bases: decide.NewBases(dir, 4), Store: st, AutoMerge: true, MergeMethod: "squash"}
	if err := p.Handle(ctx, 7); err != nil || gh.prs[7].Merged {
		t.Fatalf("merged before approval: %v %v", gh.prs[7].Merged, err)
	}
	gh.reviews[7] = []Review{{User: "carol", State: "APPROVED", CommitID: head.String(), SubmittedAt: time.Now()}}
	if err := p.Handle(ctx, 7); err != nil || !gh.prs[7].Merged || gh.prs[7].MergeCommitSHA != head.String() {
		t.Fatalf("the approved head was not merged: %+v %v", gh.prs[7], err)
	}
}

// samMember adds sam's request for github membership.
var samMember = gitrepotest.Files{"access/github/sam.yaml": gitrepotest.File{Data: []byte("kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n")}}

// prRepo commits prBase into a new repository.
func prRepo(t *testing.T) (string, *git.Repository, plumbing.Hash) {
	t.Helper()
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	return dir, r, gitrepotest.Commit(t, r, "base", gitrepotest.Text(prBase))
}

// openTestStore opens a store in a temporary folder for the test.
func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
