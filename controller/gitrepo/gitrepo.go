// Package gitrepo reads access repos straight from Git's object store with
// go-git: it opens a repository, resolves revisions to commits, lists the
// files of a commit's tree and reads blobs, all without a checkout.
//
// go-git's filesystem storage is not safe for concurrent use (its pack
// index and open packfiles live in unguarded maps, and a packfile reader
// seeks a shared descriptor), so a Repo keeps a small pool of independent
// storage handles and gives each concurrent ReadBlob its own. A Repo is
// therefore safe for concurrent use by several goroutines.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrTooLarge is returned by ReadBlob when a blob is larger than the limit
// the caller set.
var ErrTooLarge = errors.New("blob too large")

// ErrUnknownRevision is wrapped by Resolve when a revision names no commit.
var ErrUnknownRevision = errors.New("unknown revision")

// cacheSize bounds each handle's object cache. Blobs of an access repo are
// small and read once; the cache mostly holds delta bases of packed trees.
const cacheSize = 8 * cache.MiByte

// Repo is an open Git repository.
type Repo struct {
	path   string
	prefix string
	dotFS  billy.Filesystem

	// mu guards main, which serves revision resolution and tree walks.
	mu   sync.Mutex
	main *git.Repository

	// poolMu guards idle, the blob-reading handles not in use, and all,
	// every handle ever made (for Close).
	poolMu sync.Mutex
	idle   []*handle
	all    []*handle
	closed bool

	// packs reads whole blobs from the mapped pack files, opened by the
	// first ReadBlob.
	packsOnce sync.Once
	packs     *packs
}

type handle struct {
	repo    *git.Repository
	storage *filesystem.Storage
}

// Open opens the Git repository at path or in one of its parents (like
// git itself, it looks upward for .git). A bare repository (a Mirror's
// directory, or a .git directory itself) is opened as it is: its files are
// the whole tree, with no prefix.
func Open(path string) (*Repo, error) {
	// Looking upward from a bare repository would find no .git, or worse
	// the .git of a checkout the bare repository happens to sit in.
	opts := &git.PlainOpenOptions{DetectDotGit: !isBare(path), EnableDotGitCommonDir: true}
	r, err := git.PlainOpenWithOptions(path, opts)
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("open git repository %s: no .git found here or in a parent directory; pass the access repo's checkout, or drop --rev to read a plain directory", path)
		}
		return nil, fmt.Errorf("open git repository %s: %w", path, err)
	}
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("open git repository %s: unexpected storage %T", path, r.Storer)
	}
	return &Repo{path: path, prefix: worktreePrefix(r, path), dotFS: st.Filesystem(), main: r}, nil
}

// isBare reports whether dir is itself a Git directory (HEAD, objects/
// and refs/ at its top and no .git inside): a bare repository.
func isBare(dir string) bool {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		return false
	}
	head, err := os.Stat(filepath.Join(dir, "HEAD"))
	if err != nil || !head.Mode().IsRegular() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

// worktreePrefix returns where path lies inside r's working tree, as a
// slash path ("examples/acme"), or "" for the top of the tree (and for a
// bare repository).
func worktreePrefix(r *git.Repository, path string) string {
	wt, err := r.Worktree()
	if err != nil {
		return ""
	}
	top, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// Prefix returns the folder of the working tree that Open was given, as a
// slash path relative to the top of the tree: "examples/acme" when the
// access repo is a subdirectory of the Git repository, "" at the top.
func (r *Repo) Prefix() string { return r.prefix }

// Path returns the path the repository was opened with.
func (r *Repo) Path() string { return r.path }

// Close releases the descriptors of every handle. The Repo must not be
// used afterwards.
func (r *Repo) Close() error {
	r.poolMu.Lock()
	defer r.poolMu.Unlock()
	r.closed = true
	r.packsOnce.Do(func() {}) // no mapping after Close
	if r.packs != nil {
		r.packs.close()
	}
	var first error
	for _, h := range r.all {
		if err := h.storage.Close(); err != nil && first == nil {
			first = fmt.Errorf("close git repository %s: %w", r.path, err)
		}
	}
	r.all, r.idle = nil, nil
	return first
}

// Resolve returns the commit a revision names: a branch, a tag, a full or
// abbreviated commit SHA, a remote-tracking branch ("origin/main") or an
// ancestry expression ("HEAD~1").
func (r *Repo) Resolve(rev string) (*Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.main.ResolveRevision(plumbing.Revision(rev))
	if err != nil || h == nil || h.IsZero() {
		reason := "no branch, tag or commit has that name"
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			reason = err.Error()
		}
		return nil, fmt.Errorf("%w %q in %s: %s; try a branch, tag or commit SHA", ErrUnknownRevision, rev, r.path, reason)
	}
	c, err := r.main.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s (revision %q) in %s: %w", h, rev, r.path, err)
	}
	return &Commit{Hash: c.Hash, TreeHash: c.TreeHash, Commit: c}, nil
}

// Commit is a resolved commit.
type Commit struct {
	Hash     plumbing.Hash
	TreeHash plumbing.Hash
	// Commit is go-git's commit object. It reads through the Repo's main
	// handle: do not call its methods from several goroutines.
	Commit *object.Commit
}

// File is one entry of a commit's tree: a regular file, an executable or a
// symbolic link (whose blob holds the link's target).
type File struct {
	// Path is slash-separated and relative to the repository root.
	Path string
	Mode filemode.FileMode
	Hash plumbing.Hash
}

// IsSymlink reports whether the entry is a symbolic link.
func (f File) IsSymlink() bool { return f.Mode == filemode.Symlink }

// Files lists every file and symbolic link of the commit's tree, sorted by
// path. Submodules are left out: their content lives in another repository.
func (r *Repo) Files(ctx context.Context, c *Commit) ([]File, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var files []File
	if err := r.walk(ctx, c.TreeHash, "", &files); err != nil {
		return nil, fmt.Errorf("list files of commit %s in %s: %w", c.Hash, r.path, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func (r *Repo) walk(ctx context.Context, treeHash plumbing.Hash, dir string, files *[]File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := r.main.TreeObject(treeHash)
	if err != nil {
		return fmt.Errorf("read tree %s (%s): %w", treeHash, displayDir(dir), err)
	}
	for _, e := range t.Entries {
		p := e.Name
		if dir != "" {
			p = dir + "/" + e.Name
		}
		switch e.Mode {
		case filemode.Dir:
			if err := r.walk(ctx, e.Hash, p, files); err != nil {
				return err
			}
		case filemode.Regular, filemode.Deprecated, filemode.Executable, filemode.Symlink:
			*files = append(*files, File{Path: p, Mode: e.Mode, Hash: e.Hash})
		}
	}
	return nil
}

func displayDir(dir string) string {
	if dir == "" {
		return "root"
	}
	return path.Clean(dir)
}

// ReadBlob returns the content of the blob h. When the blob is larger than
// max bytes (max > 0) it returns the blob's size and an error wrapping
// ErrTooLarge without reading the content. ReadBlob is safe for
// concurrent use.
func (r *Repo) ReadBlob(h plumbing.Hash, max int64) ([]byte, int64, error) {
	if data, size, tooLarge, ok := r.openPacks().readBlob(h, max); ok {
		if tooLarge {
			return nil, size, fmt.Errorf("read blob %s in %s: %w (%d bytes, limit %d)", h, r.path, ErrTooLarge, size, max)
		}
		return data, size, nil
	}
	hd, err := r.get()
	if err != nil {
		return nil, 0, err
	}
	defer r.put(hd)
	b, err := hd.repo.BlobObject(h)
	if err != nil {
		return nil, 0, fmt.Errorf("read blob %s in %s: %w", h, r.path, err)
	}
	if max > 0 && b.Size > max {
		return nil, b.Size, fmt.Errorf("read blob %s in %s: %w (%d bytes, limit %d)", h, r.path, ErrTooLarge, b.Size, max)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, b.Size, fmt.Errorf("read blob %s in %s: %w", h, r.path, err)
	}
	defer rd.Close()
	data := make([]byte, b.Size)
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, b.Size, fmt.Errorf("read blob %s in %s: %w", h, r.path, err)
	}
	return data, b.Size, nil
}

// get takes an idle handle or opens a new one. The pool grows to the
// number of goroutines reading at once, which callers bound.
func (r *Repo) get() (*handle, error) {
	r.poolMu.Lock()
	if r.closed {
		r.poolMu.Unlock()
		return nil, fmt.Errorf("read git repository %s: repository is closed", r.path)
	}
	if n := len(r.idle); n > 0 {
		h := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.poolMu.Unlock()
		return h, nil
	}
	r.poolMu.Unlock()

	st := filesystem.NewStorageWithOptions(r.dotFS, cache.NewObjectLRU(cacheSize), filesystem.Options{
		KeepDescriptors: true,
		// Objects past this size are streamed rather than inflated into
		// memory, so an oversized blob costs nothing before the size check.
		LargeObjectThreshold: 1 << 20,
	})
	repo, err := git.Open(st, nil)
	if err != nil {
		return nil, fmt.Errorf("open git repository %s for reading: %w", r.path, err)
	}
	h := &handle{repo: repo, storage: st}
	r.poolMu.Lock()
	r.all = append(r.all, h)
	r.poolMu.Unlock()
	return h, nil
}

func (r *Repo) put(h *handle) {
	r.poolMu.Lock()
	defer r.poolMu.Unlock()
	if r.closed {
		_ = h.storage.Close()
		return
	}
	r.idle = append(r.idle, h)
}

// openPacks maps the repository's packs on first use; nil when they
// cannot be mapped (go-git reads everything then).
func (r *Repo) openPacks() *packs {
	r.packsOnce.Do(func() {
		if root, ok := r.dotFS.(interface{ Root() string }); ok {
			r.packs = openPacks(root.Root())
		}
	})
	return r.packs
}

// MergeBase returns the best common ancestor of a and b, the commit a
// pull request's changes are measured from (git diff a...b), or nil when
// the two share no history (or the history is shallow).
func (r *Repo) MergeBase(a, b *Commit) (*Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	bases, err := a.Commit.MergeBase(b.Commit)
	if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s in %s: %w", a.Hash, b.Hash, r.path, err)
	}
	if len(bases) == 0 {
		return nil, nil
	}
	c := bases[0]
	return &Commit{Hash: c.Hash, TreeHash: c.TreeHash, Commit: c}, nil
}
