// Package gittree writes Git trees by editing others: only the trees along
// the edited paths are rewritten, so a change to a repository of 150,000
// files costs what it touches. gatehouse uses it to commit without a
// working tree (the cleanup of expired requests in the controller's bare
// mirror) and its tests to build repositories.
package gittree

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Edit is what becomes of one path: a regular file with Data, a symbolic
// link to Link, or, with neither, nothing (the path is removed).
type Edit struct {
	Data []byte
	Link string
}

// Removed reports whether the edit removes its path.
func (e Edit) Removed() bool { return e.Data == nil && e.Link == "" }

// Apply stores the tree treeHash (the zero hash for an empty one) with
// edits applied, keyed by slash-separated path, and returns its hash.
func Apply(s storer.EncodedObjectStorer, treeHash plumbing.Hash, edits map[string]Edit) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if !treeHash.IsZero() {
		t, err := object.GetTree(s, treeHash)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		for _, e := range t.Entries {
			entries[e.Name] = e
		}
	}
	sub := map[string]map[string]Edit{}
	for p, e := range edits {
		name, rest, isDir := strings.Cut(p, "/")
		if isDir {
			if sub[name] == nil {
				sub[name] = map[string]Edit{}
			}
			sub[name][rest] = e
			continue
		}
		if e.Removed() {
			delete(entries, name)
			continue
		}
		data, mode := e.Data, filemode.Regular
		if e.Link != "" {
			data, mode = []byte(e.Link), filemode.Symlink
		}
		h, err := Blob(s, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries[name] = object.TreeEntry{Name: name, Mode: mode, Hash: h}
	}
	for name, edits := range sub {
		var old plumbing.Hash
		if e, ok := entries[name]; ok && e.Mode == filemode.Dir {
			old = e.Hash
		}
		h, err := Apply(s, old, edits)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h == emptyTree {
			delete(entries, name) // Git has no empty folders
			continue
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
	obj := s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// emptyTree is the hash of the tree with no entries.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

// Blob stores data as a blob and returns its hash.
func Blob(s storer.EncodedObjectStorer, data []byte) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}
