package gitrepotest

import (
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

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
	return storeCommit(tb, r, root, parents, msg)
}
