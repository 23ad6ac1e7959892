package approval

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/load"
)

var base = map[string]string{
	"gatehouse.yaml":      "kind: Config\nname: acme\n",
	"people/alice.yaml":   "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	"people/bob.yaml":     "kind: Person\nname: bob\nrole: collaborator\ngithub: bob\n",
	"systems/github.yaml": "kind: System\nname: github\napprovers: [alice]\nadmins: [alice]\naccessLevels:\n  - name: member\n  - name: admin\n",
}

func file(s string) gitrepotest.File { return gitrepotest.File{Data: []byte(s)} }

// TestS3ApprovalCountsForTheContentItApproved follows a pull request
// through pushes: merging main in keeps the approval, changing the
// requested document drops it, and changing it back restores it.
func TestS3ApprovalCountsForTheContentItApproved(t *testing.T) {
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	b0 := gitrepotest.Commit(t, r, "base", gitrepotest.Text(base))
	member := file("kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n")
	h1 := gitrepotest.CommitEdits(t, r, b0, "request", gitrepotest.Files{"access/github/bob.yaml": member})
	// main moves on (another person joins) and is merged into the branch.
	b1 := gitrepotest.CommitEdits(t, r, b0, "carol joins", gitrepotest.Files{"people/carol.yaml": file("kind: Person\nname: carol\nrole: collaborator\n")})
	h2 := gitrepotest.CommitMerge(t, r, h1, b1, "merge main", gitrepotest.Files{"people/carol.yaml": file("kind: Person\nname: carol\nrole: collaborator\n")})
	h3 := gitrepotest.CommitEdits(t, r, h2, "ask for admin", gitrepotest.Files{"access/github/bob.yaml": file("kind: AccessRequest\nperson: bob\nsystem: github\nlevel: admin\n")})
	h4 := gitrepotest.CommitEdits(t, r, h3, "back to member", gitrepotest.Files{"access/github/bob.yaml": member})

	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	digest := func(baseRev, head plumbing.Hash) string {
		t.Helper()
		bc, _ := repo.Resolve(baseRev.String())
		hc, _ := repo.Resolve(head.String())
		src, err := load.RevSource(dir, baseRev.String())
		if err != nil {
			t.Fatal(err)
		}
		org, _, err := load.Load(context.Background(), src, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		changes, _, err := decide.Changes(context.Background(), repo, bc, hc, org)
		if err != nil {
			t.Fatal(err)
		}
		return Digest(changes)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	votes := []Vote{{Login: "alice", Kind: VoteApprove, Commit: h1.String(), Digest: digest(b0, h1), At: at, Source: "review"}}
	for _, tc := range []struct {
		name       string
		base, head plumbing.Hash
		counts     bool
	}{
		{"the approved commit", b0, h1, true},
		{"main merged in", b1, h2, true},
		{"the request changed", b1, h3, false},
		{"changed back", b1, h4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tally := Count(votes, digest(tc.base, tc.head))
			if got := slices.Contains(tally.Approvers, "alice"); got != tc.counts {
				t.Errorf("alice's approval counts: %v, want %v (stale %v)", got, tc.counts, tally.Stale)
			}
		})
	}
}

func TestCountTakesEachPersonsLatestWord(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	votes := []Vote{
		{Login: "alice", Kind: VoteApprove, Digest: "d1", At: t0},
		{Login: "bob", Kind: VoteApprove, Digest: "d1", At: t0},
		{Login: "bob", Kind: VoteWithdraw, Digest: "d1", At: t0.Add(time.Minute)},
		{Login: "carol", Kind: VoteBlock, Digest: "d1", At: t0},
		{Login: "dave", Kind: VoteApprove, Digest: "d0", At: t0},
		{Login: "Erin", Kind: VoteBlock, Digest: "d1", At: t0},
		{Login: "erin", Kind: VoteApprove, Digest: "d1", At: t0.Add(time.Hour)},
	}
	tally := Count(votes, "d1")
	if !slices.Equal(tally.Approvers, []string{"alice", "erin"}) {
		t.Errorf("approvers = %v", tally.Approvers)
	}
	if len(tally.Blocking) != 1 || tally.Blocking[0].Login != "carol" {
		t.Errorf("blocking = %v", tally.Blocking)
	}
	if len(tally.Stale) != 1 || tally.Stale[0].Login != "dave" {
		t.Errorf("stale = %v", tally.Stale)
	}
}

func TestParseCommands(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Command
		ok   bool
		err  error
	}{
		{"/approve", Command{Name: CmdApprove}, true, nil},
		{"  /approve  \nthanks", Command{Name: CmdApprove}, true, nil},
		{"looks good\n/approve", Command{Name: CmdApprove}, true, nil},
		{"/approve cancel", Command{Name: CmdApproveCancel}, true, nil},
		{"/deny production access needs an incident number", Command{Name: CmdDeny, Reason: "production access needs an incident number"}, true, nil},
		{"/deny", Command{Name: CmdDeny}, true, ErrDenyNeedsReason},
		{"/deny   ", Command{Name: CmdDeny}, true, ErrDenyNeedsReason},
		{"/provisioned", Command{Name: CmdProvisioned}, true, nil},
		{"> /approve\nquoting carol", Command{}, false, nil},
		{"```\n/approve\n```", Command{}, false, nil},
		{"please /approve this", Command{}, false, nil},
		{"/approved", Command{}, false, nil},
		{"/approve everything", Command{}, false, nil},
		{"", Command{}, false, nil},
	} {
		got, ok, err := Parse(tc.body)
		if got != tc.want || ok != tc.ok || !errors.Is(err, tc.err) {
			t.Errorf("Parse(%q) = %+v %v %v, want %+v %v %v", tc.body, got, ok, err, tc.want, tc.ok, tc.err)
		}
	}
}
