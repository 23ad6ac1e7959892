package gitrepotest

import (
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gittree"
)

// CommitEdits commits parent's tree with edits applied (a File with
// neither Data nor Link deletes the path) as a child of parent, without
// moving any branch, and returns it. Only the trees along the edited
// paths are rewritten, so a pull request on a large organisation costs
// what it touches.
func CommitEdits(tb testing.TB, r *git.Repository, parent plumbing.Hash, msg string, edits Files) plumbing.Hash {
	tb.Helper()
	return commitEdits(tb, r, []plumbing.Hash{parent}, msg, edits)
}

// CommitMerge commits first's tree with edits applied (the result of
// merging second into first, the caller supplying what the merge brings)
// with both as parents, without moving any branch.
func CommitMerge(tb testing.TB, r *git.Repository, first, second plumbing.Hash, msg string, edits Files) plumbing.Hash {
	tb.Helper()
	return commitEdits(tb, r, []plumbing.Hash{first, second}, msg, edits)
}

func commitEdits(tb testing.TB, r *git.Repository, parents []plumbing.Hash, msg string, edits Files) plumbing.Hash {
	tb.Helper()
	parent := parents[0]
	pc, err := r.CommitObject(parent)
	if err != nil {
		tb.Fatalf("read commit %s: %v", parent, err)
	}
	tree := make(map[string]gittree.Edit, len(edits))
	for p, f := range edits {
		tree[p] = gittree.Edit{Data: f.Data, Link: f.Link}
	}
	root, err := gittree.Apply(r.Storer, pc.TreeHash, tree)
	if err != nil {
		tb.Fatalf("edit tree of %s: %v", parent, err)
	}
	sig := object.Signature{Name: "gatehouse test", Email: "test@gatehouse.invalid", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: root, ParentHashes: parents}
	obj := r.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		tb.Fatalf("encode commit: %v", err)
	}
	h, err := r.Storer.SetEncodedObject(obj)
	if err != nil {
		tb.Fatalf("store commit: %v", err)
	}
	return h
}
