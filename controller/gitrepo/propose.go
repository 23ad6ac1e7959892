package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gittree"
)

// ProposeRemoval proposes the removal of paths (see Propose), for a pull
// request that keeps Git true (the cleanup of expired access requests).
func (m *Mirror) ProposeRemoval(ctx context.Context, paths []string, branch, message string, author object.Signature) (created bool, err error) {
	edits := make(map[string]gittree.Edit, len(paths))
	for _, p := range paths {
		edits[p] = gittree.Edit{}
	}
	return m.Propose(ctx, edits, branch, message, author)
}

// Propose commits edits (keyed by slash path; an empty Edit removes its
// path) on a new branch off the mirror's default branch, and pushes the
// branch to the remote, for a pull request: a cleanup, or an access
// request filed from Slack. It works on the bare mirror: no working tree.
// created is false, and nothing is done, when the branch already exists
// (proposed before).
func (m *Mirror) Propose(ctx context.Context, edits map[string]gittree.Edit, branch, message string, author object.Signature) (created bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.open()
	if err != nil {
		return false, err
	}
	name := plumbing.NewBranchReferenceName(branch)
	if _, err := r.Reference(name, false); err == nil {
		return false, nil
	}
	head, err := r.Head()
	if err != nil {
		return false, fmt.Errorf("propose %s: read the default branch of %s: %w", branch, m.Dir, err)
	}
	base, err := r.CommitObject(head.Hash())
	if err != nil {
		return false, fmt.Errorf("propose %s: %w", branch, err)
	}
	tree, err := gittree.Apply(r.Storer, base.TreeHash, edits)
	if err != nil {
		return false, fmt.Errorf("propose %s: %w", branch, err)
	}
	if author.When.IsZero() {
		author.When = time.Now()
	}
	c := &object.Commit{Author: author, Committer: author, Message: message, TreeHash: tree, ParentHashes: []plumbing.Hash{base.Hash}}
	obj := r.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return false, fmt.Errorf("propose %s: %w", branch, err)
	}
	h, err := r.Storer.SetEncodedObject(obj)
	if err != nil {
		return false, fmt.Errorf("propose %s: %w", branch, err)
	}
	if err := r.Storer.SetReference(plumbing.NewHashReference(name, h)); err != nil {
		return false, fmt.Errorf("propose %s: %w", branch, err)
	}
	spec := config.RefSpec(name.String() + ":" + name.String())
	err = r.PushContext(ctx, &git.PushOptions{RemoteName: mirrorRemote, RefSpecs: []config.RefSpec{spec}, Auth: m.Auth})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		_ = r.Storer.RemoveReference(name) // try again next time
		return false, m.remoteError("push "+branch, err)
	}
	return true, nil
}
