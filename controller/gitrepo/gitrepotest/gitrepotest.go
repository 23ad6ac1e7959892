// Package gitrepotest builds real Git repositories for tests: it writes
// commits of given trees straight into the object store with go-git, with
// no index and no checkout, so a test controls the working tree and the
// committed tree independently.
package gitrepotest

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gittree"
)

// File is the content of one file of a tree: Data for a regular file, or
// Link, the target of a symbolic link.
type File struct {
	Data []byte
	Link string
}

// Files maps slash-separated paths to their content.
type Files map[string]File

// Text returns Files of regular files from path -> text pairs.
func Text(m map[string]string) Files {
	fs := make(Files, len(m))
	for p, s := range m {
		fs[p] = File{Data: []byte(s)}
	}
	return fs
}

// Init creates an empty Git repository in dir.
func Init(tb testing.TB, dir string) *git.Repository {
	tb.Helper()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		tb.Fatalf("init git repository in %s: %v", dir, err)
	}
	return r
}

// Commit records a commit whose tree holds exactly files, as a child of
// HEAD (if any), and moves the current branch to it. The working tree and
// index are left alone. Commits are deterministic: the same files and
// parents give the same hash.
func Commit(tb testing.TB, r *git.Repository, msg string, files Files) plumbing.Hash {
	tb.Helper()
	root, err := writeTree(r, files, "")
	if err != nil {
		tb.Fatalf("write tree: %v", err)
	}
	head, err := r.Storer.Reference(plumbing.HEAD)
	if err != nil {
		tb.Fatalf("read HEAD: %v", err)
	}
	branch := head.Target()
	var parents []plumbing.Hash
	if ref, err := r.Storer.Reference(branch); err == nil {
		parents = append(parents, ref.Hash())
	}
	h := storeCommit(tb, r, root, parents, msg)
	if err := r.Storer.SetReference(plumbing.NewHashReference(branch, h)); err != nil {
		tb.Fatalf("move %s: %v", branch, err)
	}
	return h
}

// storeCommit stores a commit of tree with parents, by a fixed author at
// a fixed time, so that the same content always gives the same hash.
func storeCommit(tb testing.TB, r *git.Repository, tree plumbing.Hash, parents []plumbing.Hash, msg string) plumbing.Hash {
	tb.Helper()
	sig := object.Signature{Name: "gatehouse test", Email: "test@gatehouse.invalid", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
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

// Tag points the lightweight tag name at h.
func Tag(tb testing.TB, r *git.Repository, name string, h plumbing.Hash) {
	tb.Helper()
	if err := r.Storer.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), h)); err != nil {
		tb.Fatalf("tag %s: %v", name, err)
	}
}

// Ref points the reference name (e.g. "refs/remotes/origin/main") at h.
func Ref(tb testing.TB, r *git.Repository, name string, h plumbing.Hash) {
	tb.Helper()
	if err := r.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		tb.Fatalf("set %s: %v", name, err)
	}
}

func writeTree(r *git.Repository, files Files, dir string) (plumbing.Hash, error) {
	type child struct {
		name  string
		isDir bool
	}
	seen := map[string]bool{}
	var children []child
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	for p := range files {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if !seen[name] {
			seen[name] = true
			children = append(children, child{name, isDir})
		}
	}
	// Git orders tree entries by name, a directory's name compared as if it
	// ended in a slash.
	key := func(c child) string {
		if c.isDir {
			return c.name + "/"
		}
		return c.name
	}
	sort.Slice(children, func(i, j int) bool { return key(children[i]) < key(children[j]) })
	t := &object.Tree{}
	for _, c := range children {
		p := path.Join(dir, c.name)
		if c.isDir {
			h, err := writeTree(r, files, p)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: c.name, Mode: filemode.Dir, Hash: h})
			continue
		}
		f := files[p]
		data, mode := f.Data, filemode.Regular
		if f.Link != "" {
			data, mode = []byte(f.Link), filemode.Symlink
		}
		h, err := writeBlob(r, data)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: c.name, Mode: mode, Hash: h})
	}
	obj := r.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.Storer.SetEncodedObject(obj)
}

func writeBlob(r *git.Repository, data []byte) (plumbing.Hash, error) {
	return gittree.Blob(r.Storer, data)
}

// WriteDir writes files into dir, creating directories and symbolic links
// as needed.
func WriteDir(tb testing.TB, dir string, files Files) {
	tb.Helper()
	for p, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		_ = os.Remove(full)
		if f.Link != "" {
			if err := os.Symlink(filepath.FromSlash(f.Link), full); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
