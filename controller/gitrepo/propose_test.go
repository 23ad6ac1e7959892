package gitrepo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
)

func TestProposeRemovalPushesABranchWithoutTheFiles(t *testing.T) {
	rem := newRemote(t)
	c1 := rem.commit(t, plumbing.ZeroHash, "first", map[string]string{
		"systems/github.yaml":             acmeSystem,
		"access/github/alice.yaml":        "kind: AccessRequest\nperson: alice\nsystem: github\n",
		"access/badge/bob.yaml":           "kind: AccessRequest\nperson: bob\nsystem: badge\n",
		"access/badge/carol-expired.yaml": "kind: AccessRequest\nperson: carol\nsystem: badge\n",
	})
	rem.push(t, c1, "refs/heads/main")
	m := &gitrepo.Mirror{Dir: filepath.Join(t.TempDir(), "mirror.git"), URL: rem.url}
	ctx := context.Background()
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	who := object.Signature{Name: "gatehouse", Email: "gatehouse@example.com", When: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	paths := []string{"access/github/alice.yaml", "access/badge/carol-expired.yaml"}
	created, err := m.ProposeRemoval(ctx, paths, "gatehouse/remove-expired", "Remove expired access requests", who)
	if err != nil || !created {
		t.Fatalf("ProposeRemoval = %v %v", created, err)
	}
	bare, err := git.PlainOpen(rem.dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("gatehouse/remove-expired"), true)
	if err != nil {
		t.Fatalf("the branch was not pushed: %v", err)
	}
	c, err := bare.CommitObject(ref.Hash())
	if err != nil || len(c.ParentHashes) != 1 || c.ParentHashes[0] != c1 {
		t.Fatalf("commit %v %v", c, err)
	}
	tree, _ := c.Tree()
	for _, p := range paths {
		if _, err := tree.File(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := tree.File("access/badge/bob.yaml"); err != nil {
		t.Errorf("bob's request went too: %v", err)
	}
	if _, err := tree.Tree("access/github"); err == nil {
		t.Error("an empty folder was left in the tree")
	}
	// Proposed once: a second call does nothing.
	if created, err := m.ProposeRemoval(ctx, paths, "gatehouse/remove-expired", "again", who); err != nil || created {
		t.Errorf("second ProposeRemoval = %v %v", created, err)
	}
}
