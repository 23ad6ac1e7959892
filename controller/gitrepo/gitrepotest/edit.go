package gitrepotest

import (
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
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
	root, err := editTree(r, pc.TreeHash, edits)
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

// editTree returns the tree treeHash (zero for none) with edits, relative
// to it, applied.
func editTree(r *git.Repository, treeHash plumbing.Hash, edits Files) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if !treeHash.IsZero() {
		t, err := r.TreeObject(treeHash)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	sub := map[string]Files{}
	for p, f := range edits {
		name, rest, isDir := strings.Cut(p, "/")
		if isDir {
			if sub[name] == nil {
				sub[name] = Files{}
			}
			sub[name][rest] = f
			continue
		}
		if f.Data == nil && f.Link == "" {
			delete(entries, name)
			continue
		}
		data, mode := f.Data, filemode.Regular
		if f.Link != "" {
			data, mode = []byte(f.Link), filemode.Symlink
		}
		h, err := writeBlob(r, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries[name] = object.TreeEntry{Name: name, Mode: mode, Hash: h}
	}
	for name, files := range sub {
		var old plumbing.Hash
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			old = e.Hash
		}
		h, err := editTree(r, old, files)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	t := &object.Tree{}
	for _, e := range entries {
		t.Entries = append(t.Entries, e)
	}
	// Git orders entries by name, a directory's compared as if it ended in
	// a slash.
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(t.Entries, func(i, j int) bool { return key(t.Entries[i]) < key(t.Entries[j]) })
	obj := r.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.Storer.SetEncodedObject(obj)
}
