package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

func TestExpiryNoticesArePostedOncePerWindow(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	org := model.NewOrg()
	org.Add(&model.Person{Kind: model.KindPerson, Name: "sam", GitHub: "sam-gh"})
	expires := now.Add(50 * time.Hour)
	org.Add(&model.AccessRequest{Kind: model.KindAccessRequest, Person: "sam", System: "github", Expires: &expires, Meta: model.Meta{File: "access/github/sam.yaml"}})
	if err := st.RecordDecision(ctx, store.Decision{PR: 7, Head: "h", Approved: true, Requests: []string{"access/github/sam.yaml"}, At: now}); err != nil {
		t.Fatal(err)
	}
	gh := newMemGitHub()
	for range 2 {
		if err := notifyExpiry(ctx, gh, st, org, now); err != nil {
			t.Fatal(err)
		}
	}
	if len(gh.posted[7]) != 1 || !strings.Contains(gh.posted[7][0], "@sam-gh your access to github ends in 3 days") {
		t.Fatalf("posted %v", gh.posted[7])
	}
	// A day later it is within the last day's window: a second notice.
	if err := notifyExpiry(ctx, gh, st, org, now.Add(30*time.Hour)); err != nil || len(gh.posted[7]) != 2 || !strings.Contains(gh.posted[7][1], "1 day") {
		t.Fatalf("posted %v %v", gh.posted[7], err)
	}
}

type fakeProposer struct {
	branches map[string][]string
}

func (f *fakeProposer) ProposeRemoval(_ context.Context, paths []string, branch, _ string, _ object.Signature) (bool, error) {
	if _, ok := f.branches[branch]; ok {
		return false, nil
	}
	f.branches[branch] = paths
	return true, nil
}

type fakeOpener struct{ prs []string }

func (f *fakeOpener) CreatePullRequest(_ context.Context, head, base, title, _ string) (github.PullRequest, error) {
	f.prs = append(f.prs, head+" -> "+base+": "+title)
	return github.PullRequest{Number: len(f.prs)}, nil
}

func TestCleanupPullRequestIsProposedOncePerSetOfExpiredFiles(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	org := model.NewOrg()
	org.Add(&model.Config{Kind: model.KindConfig, Name: "acme", GitHub: &model.GitHubRepo{Repository: "acme/access", DefaultBranch: "trunk"}})
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	org.Add(&model.AccessRequest{Kind: model.KindAccessRequest, Person: "sam", System: "github", Expires: &past, Meta: model.Meta{File: "access/github/sam.yaml"}})
	org.Add(&model.AccessRequest{Kind: model.KindAccessRequest, Person: "bob", System: "github", Expires: &future, Meta: model.Meta{File: "access/github/bob.yaml"}})
	m, o := &fakeProposer{branches: map[string][]string{}}, &fakeOpener{}
	for range 2 {
		if err := proposeCleanup(context.Background(), m, o, org, now); err != nil {
			t.Fatal(err)
		}
	}
	if len(o.prs) != 1 || !strings.HasSuffix(o.prs[0], "-> trunk: Remove 1 expired access requests") {
		t.Fatalf("pull requests %v", o.prs)
	}
	for _, paths := range m.branches {
		if len(paths) != 1 || paths[0] != "access/github/sam.yaml" {
			t.Errorf("proposed removing %v", paths)
		}
	}
}
