package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
)

// Source is where an access repo's files come from: a directory on disk or
// a Git revision. Implementations must be safe for concurrent ReadFile
// calls; the loader reads with a pool of workers.
type Source interface {
	// Name describes the source in messages: "examples/acme" or
	// "examples/acme@main (3f2c1a9)".
	Name() string
	// List returns the regular files and symbolic links of the repo,
	// sorted by path. It may leave out dot-directories, which the loader
	// ignores anyway.
	List(ctx context.Context) ([]Entry, error)
	// ReadFile appends the content of the regular file at path to buf[:0]
	// and returns it. It never follows a symbolic link out of the repo. A
	// file larger than max bytes (max > 0) yields a *TooLargeError.
	ReadFile(ctx context.Context, path string, max int64, buf []byte) ([]byte, error)
}

// Entry is one file of a Source.
type Entry struct {
	// Path is slash-separated and relative to the repo root.
	Path string
	// IsLink reports a symbolic link; Link is its target as written.
	IsLink bool
	Link   string
}

// TooLargeError reports a file over the size limit.
type TooLargeError struct {
	Path        string
	Size, Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the limit of %d", e.Path, e.Size, e.Limit)
}

// DirSource returns a Source reading the directory dir. Every read goes
// through an os.Root, so nothing outside dir is ever opened, even through
// a symbolic link. The Source implements io.Closer; the Org's Locator reads
// through it, so close it only when the Org is no longer needed.
func DirSource(dir string) (Source, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open access repo %s: %w; pass --repo with the access repo's directory", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open access repo %s: not a directory; pass --repo with the access repo's directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open access repo %s: %w", dir, err)
	}
	return &dirSource{dir: dir, root: root, fast: newFastReader(dir)}, nil
}

type dirSource struct {
	dir  string
	root *os.Root
	fast *fastReader
}

func (s *dirSource) Name() string { return s.dir }

// Close releases the directory handles.
func (s *dirSource) Close() error {
	s.fast.close()
	return s.root.Close()
}

func (s *dirSource) List(ctx context.Context) ([]Entry, error) {
	// The walk reads only names and types (getdents), never follows a link
	// and never stats a file; it goes around os.Root, whose ReadDir stats
	// every entry. File contents are read through the root. Directories
	// are read by several goroutines at once: on a large repo the listing
	// is otherwise the one step that leaves a core idle.
	var (
		mu      sync.Mutex
		chunks  [][]Entry // one per directory, joined once at the end
		walkErr error
		pending sync.WaitGroup
		queue   = make(chan string, 1<<16)
	)
	fail := func(err error) {
		mu.Lock()
		if walkErr == nil {
			walkErr = err
		}
		mu.Unlock()
	}
	var readDir func(rel string)
	readDir = func(rel string) {
		defer pending.Done()
		if err := ctx.Err(); err != nil {
			fail(err)
			return
		}
		f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(rel)))
		if err != nil {
			fail(err)
			return
		}
		des, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			fail(err)
			return
		}
		local := make([]Entry, 0, len(des))
		for _, d := range des {
			p := d.Name()
			if rel != "." {
				p = rel + "/" + p
			}
			switch t := d.Type(); {
			case t.IsDir():
				if !strings.HasPrefix(d.Name(), ".") {
					pending.Add(1)
					select {
					case queue <- p:
					default:
						// The queue is full: read this directory here.
						readDir(p)
					}
				}
			case t.IsRegular():
				local = append(local, Entry{Path: p})
			case t&fs.ModeSymlink != 0:
				target, err := s.root.Readlink(p)
				if err != nil {
					fail(err)
					return
				}
				local = append(local, Entry{Path: p, IsLink: true, Link: filepath.ToSlash(target)})
			}
		}
		mu.Lock()
		chunks = append(chunks, local)
		mu.Unlock()
	}
	pending.Add(1)
	queue <- "."
	done := make(chan struct{})
	go func() { pending.Wait(); close(done) }()
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Go(func() {
			for {
				select {
				case rel := <-queue:
					readDir(rel)
				case <-done:
					return
				}
			}
		})
	}
	workers.Wait()
	if walkErr != nil {
		return nil, fmt.Errorf("list files of %s: %w", s.dir, walkErr)
	}
	entries := slices.Concat(chunks...)
	sortEntries(entries)
	return entries, nil
}

func (s *dirSource) ReadFile(ctx context.Context, p string, max int64, buf []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if data, size, tooLarge, ok := s.fast.read(p, max, buf); ok {
		if tooLarge {
			return nil, &TooLargeError{Path: p, Size: size, Limit: max}
		}
		return data, nil
	}
	f, err := s.root.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", p, s.dir, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", p, s.dir, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s in %s: not a regular file", p, s.dir)
	}
	if max > 0 && st.Size() > max {
		return nil, &TooLargeError{Path: p, Size: st.Size(), Limit: max}
	}
	n := int(st.Size())
	if cap(buf) < n {
		buf = make([]byte, 0, n+512)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", p, s.dir, err)
	}
	return buf, nil
}

// RevSource returns a Source reading the revision rev (branch, tag, SHA,
// "HEAD~1", "origin/main") of the Git repository at or above repoDir,
// straight from the object store: the working tree is never consulted.
// The Source implements io.Closer, like DirSource's.
func RevSource(repoDir, rev string) (Source, error) {
	repo, err := gitrepo.Open(repoDir)
	if err != nil {
		return nil, err
	}
	c, err := repo.Resolve(rev)
	if err != nil {
		_ = repo.Close()
		return nil, err
	}
	return &revSource{repo: repo, rev: rev, commit: c}, nil
}

type revSource struct {
	repo   *gitrepo.Repo
	rev    string
	commit *gitrepo.Commit

	once  sync.Once
	files map[string]gitrepo.File
	err   error
}

func (s *revSource) Name() string {
	return fmt.Sprintf("%s@%s (%s)", s.repo.Path(), s.rev, s.commit.Hash.String()[:7])
}

// Close releases the repository's descriptors.
func (s *revSource) Close() error { return s.repo.Close() }

func (s *revSource) index(ctx context.Context) (map[string]gitrepo.File, error) {
	s.once.Do(func() {
		files, err := s.repo.Files(ctx, s.commit)
		if err != nil {
			s.err = err
			return
		}
		// When the access repo is a folder of the Git repository, only
		// that folder's files belong to it, named relative to the folder.
		prefix := s.repo.Prefix()
		if prefix != "" {
			prefix += "/"
		}
		s.files = make(map[string]gitrepo.File, len(files))
		for _, f := range files {
			p, ok := strings.CutPrefix(f.Path, prefix)
			if !ok {
				continue
			}
			f.Path = p
			s.files[p] = f
		}
	})
	return s.files, s.err
}

// maxLinkTarget bounds the blob read for a symbolic link's target.
const maxLinkTarget = 4096

func (s *revSource) List(ctx context.Context) ([]Entry, error) {
	files, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(files))
	for p, f := range files {
		if hasDotComponent(p) {
			continue
		}
		e := Entry{Path: p}
		if f.IsSymlink() {
			target, _, err := s.repo.ReadBlob(f.Hash, maxLinkTarget)
			if err != nil {
				return nil, fmt.Errorf("read symbolic link %s at %s: %w", p, s.rev, err)
			}
			e.IsLink, e.Link = true, string(target)
		}
		entries = append(entries, e)
	}
	sortEntries(entries)
	return entries, nil
}

func (s *revSource) ReadFile(ctx context.Context, p string, max int64, buf []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	files, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	f, ok := files[p]
	if !ok {
		return nil, fmt.Errorf("read %s at %s: %w", p, s.rev, fs.ErrNotExist)
	}
	if f.IsSymlink() {
		return nil, fmt.Errorf("read %s at %s: is a symbolic link", p, s.rev)
	}
	data, size, err := s.repo.ReadBlob(f.Hash, max)
	if errors.Is(err, gitrepo.ErrTooLarge) {
		return nil, &TooLargeError{Path: p, Size: size, Limit: max}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", p, s.rev, err)
	}
	return data, nil
}

func sortEntries(entries []Entry) {
	slices.SortFunc(entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
}

// hasDotComponent reports whether any element of the slash path p starts
// with a dot (.git, .github, .hidden.yaml).
func hasDotComponent(p string) bool {
	for p != "" {
		var elem string
		elem, p, _ = strings.Cut(p, "/")
		if strings.HasPrefix(elem, ".") {
			return true
		}
	}
	return false
}

// resolveLink returns the repo path a symbolic link at p pointing to
// target designates, and false when it leaves the repo root.
func resolveLink(p, target string) (string, bool) {
	if target == "" || path.IsAbs(target) || strings.HasPrefix(target, "\\") || (len(target) > 1 && target[1] == ':') {
		return "", false
	}
	r := path.Clean(path.Join(path.Dir(p), target))
	if r == ".." || strings.HasPrefix(r, "../") || r == "." {
		return "", false
	}
	return r, true
}
