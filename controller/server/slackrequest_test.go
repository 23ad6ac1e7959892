package server

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/slackapp"
)

// TestRequestAccessFromSlack: the dialog offers what the person may
// request; a request the rules refuse comes back as field errors with
// nothing written; a valid one is committed on a new branch of the remote
// and its pull request opened, for the person whose member id asked.
func TestRequestAccessFromSlack(t *testing.T) {
	ctx := context.Background()
	remoteDir := filepath.Join(t.TempDir(), "access.git")
	remote, err := git.PlainInit(remoteDir, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/master")); err != nil {
		t.Fatal(err)
	}
	base := slackBase()
	base["gatehouse.yaml"] = "kind: Config\nname: acme\npolicyOwners: [alice]\ngithub:\n  repository: acme/access\n  defaultBranch: master\n"
	gitrepotest.Commit(t, remote, "base", gitrepotest.Text(base))
	mirror := &gitrepo.Mirror{Dir: filepath.Join(t.TempDir(), "mirror.git"), URL: remoteDir}
	if err := mirror.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	opener := &fakeOpener{}
	var requeued []int
	p := &Pulls{RepoDir: mirror.Dir, Bases: decide.NewBases(mirror.Dir, 4), Store: openTestStore(t), Log: slog.New(slog.DiscardHandler),
		Requeue: func(n int) { requeued = append(requeued, n) }}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := &SlackRequests{Pulls: p, Mirror: mirror, GitHub: opener, Now: func() time.Time { return now }}

	systems, err := s.Systems(ctx, "U0SAM")
	if err != nil || len(systems) != 1 || systems[0].Name != "github" || strings.Join(systems[0].Levels, ",") != "member,admin" {
		t.Fatalf("Systems = %+v, %v", systems, err)
	}
	if _, err := s.Systems(ctx, "U0NOBODY"); err == nil {
		t.Error("someone unknown was offered systems")
	}

	_, err = s.File(ctx, slackapp.Action{Kind: slackapp.Request, User: "U0SAM", Fields: map[string]string{"system": "github", "level": "superuser"}})
	var fields slackapp.FieldErrors
	if !errors.As(err, &fields) || !strings.Contains(fields["level"], "superuser") || len(opener.prs) != 0 {
		t.Fatalf("a refused request: %v (fields %v), pull requests %v", err, fields, opener.prs)
	}

	reply, err := s.File(ctx, slackapp.Action{Kind: slackapp.Request, User: "U0SAM", Fields: map[string]string{"system": "github", "level": "member", "justification": "on call"}})
	if err != nil || !strings.Contains(reply, "Opened #1: Access request: sam → github (member)") {
		t.Fatalf("File = %q, %v", reply, err)
	}
	if len(opener.prs) != 1 || !strings.HasPrefix(opener.prs[0], "gatehouse/request/sam-member-") || !strings.Contains(opener.prs[0], " -> master: ") {
		t.Errorf("pull requests opened: %v", opener.prs)
	}
	if len(requeued) != 1 || requeued[0] != 1 {
		t.Errorf("the new pull request was not queued to be decided: %v", requeued)
	}
	branch := strings.SplitN(opener.prs[0], " ", 2)[0]
	ref, err := remote.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		t.Fatalf("the branch was not pushed: %v", err)
	}
	c, err := remote.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.File("access/github/sam-member.yaml")
	if err != nil {
		t.Fatalf("the request file is not on the branch: %v", err)
	}
	text, _ := f.Contents()
	if !strings.Contains(text, "person: sam") || !strings.Contains(text, "justification: on call") || c.Author.Name != "sam" {
		t.Errorf("the commit by %s holds:\n%s", c.Author.Name, text)
	}
}
