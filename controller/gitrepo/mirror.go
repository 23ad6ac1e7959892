package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// Refspecs of a mirror: every branch and every pull request's head, each
// under the same name as on the remote, so "main", "refs/pull/7/head" and
// a commit SHA all resolve in the mirror as they do on GitHub.
const (
	branchesRefSpec     = "+refs/heads/*:refs/heads/*"
	pullRequestsRefSpec = "+refs/pull/*/head:refs/pull/*/head"
)

// mirrorRemote is the name of the remote a mirror fetches from.
const mirrorRemote = "origin"

// Mirror is a local bare copy of an access repo's remote (GitHub, or any
// Git URL), kept current by fetches: its branches under refs/heads and its
// pull requests' heads under refs/pull/N/head. Open(m.Dir) reads it.
//
// A Mirror serialises its own Sync and FetchPullRequest calls; it must not
// be copied after first use. A Repo opened on Dir before a fetch keeps
// reading what it found at open time plus whatever go-git finds later;
// open a new Repo after Sync to read the new commits at full speed.
type Mirror struct {
	// Dir is where the bare repository lives, e.g. <state-dir>/mirror.git.
	Dir string
	// URL is the remote: https://github.com/acme/access.git, or a file://
	// URL or path in tests.
	URL string
	// Auth authenticates to the remote; for GitHub an *http.BasicAuth with
	// the token as password. It never appears in errors.
	Auth transport.AuthMethod

	mu sync.Mutex
}

// Sync brings the mirror up to date with the remote: a bare clone into Dir
// on first use, afterwards a fetch of every branch and pull request head
// that prunes what the remote deleted and follows force-pushes. A clone
// that did not finish (an interrupted process, a failed transfer) is
// removed and made again.
func (m *Mirror) Sync(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.open()
	if err != nil {
		return m.clone(ctx)
	}
	return m.fetch(ctx, r, []config.RefSpec{branchesRefSpec, pullRequestsRefSpec}, true)
}

// FetchPullRequest fetches pull request n's head into refs/pull/n/head
// and every branch (following force-pushes, pruning deleted ones) in one
// round trip, cloning first when the mirror does not exist yet: what
// deciding one pull request against its base needs, without fetching
// every other pull request as Sync does.
func (m *Mirror) FetchPullRequest(ctx context.Context, n int) error {
	if n <= 0 {
		return fmt.Errorf("fetch pull request %d from %s: not a pull request number", n, m.displayURL())
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.open()
	if err != nil {
		if err := m.clone(ctx); err != nil {
			return err
		}
		if r, err = m.open(); err != nil {
			return err
		}
	}
	ref := "refs/pull/" + strconv.Itoa(n) + "/head"
	return m.fetch(ctx, r, []config.RefSpec{branchesRefSpec, config.RefSpec("+" + ref + ":" + ref)}, true)
}

// open opens the mirror's bare repository, or fails when Dir holds none
// (or only part of one).
func (m *Mirror) open() (*git.Repository, error) {
	if !isBare(m.Dir) {
		return nil, fmt.Errorf("open mirror %s: no bare repository there", m.Dir)
	}
	r, err := git.PlainOpen(m.Dir)
	if err != nil {
		return nil, fmt.Errorf("open mirror %s: %w", m.Dir, err)
	}
	if _, err := r.Remote(mirrorRemote); err != nil {
		return nil, fmt.Errorf("open mirror %s: %w", m.Dir, err)
	}
	return r, nil
}

// clone makes the mirror from scratch: it initialises a bare repository
// beside Dir, fetches into it and only then renames it to Dir, so Dir
// never holds a half-written clone. Whatever was at Dir (an unreadable
// mirror) is removed first.
func (m *Mirror) clone(ctx context.Context) error {
	if m.Dir == "" {
		return errors.New("clone mirror: no directory set; configure the state directory")
	}
	if err := os.MkdirAll(filepath.Dir(m.Dir), 0o755); err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	if err := checkReplaceable(m.Dir); err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	// Clones a killed process left behind.
	if stale, err := filepath.Glob(filepath.Join(filepath.Dir(m.Dir), "."+filepath.Base(m.Dir)+".clone-*")); err == nil {
		for _, dir := range stale {
			_ = os.RemoveAll(dir)
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(m.Dir), "."+filepath.Base(m.Dir)+".clone-")
	if err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	done := false
	defer func() {
		if !done {
			_ = os.RemoveAll(tmp)
		}
	}()
	r, err := git.PlainInitWithOptions(tmp, &git.PlainInitOptions{Bare: true})
	if err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{
		Name:  mirrorRemote,
		URLs:  []string{m.URL},
		Fetch: []config.RefSpec{branchesRefSpec, pullRequestsRefSpec},
	}); err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	if err := m.fetch(ctx, r, []config.RefSpec{branchesRefSpec, pullRequestsRefSpec}, false); err != nil {
		return err
	}
	if err := m.setHead(ctx, r); err != nil {
		return err
	}
	if err := os.RemoveAll(m.Dir); err != nil {
		return fmt.Errorf("clone %s into %s: remove the unreadable mirror: %w", m.displayURL(), m.Dir, err)
	}
	if err := os.Rename(tmp, m.Dir); err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	done = true
	return nil
}

// gitDirEntries are the names a Git directory holds; a directory with
// nothing else is a mirror that may be removed and cloned again.
var gitDirEntries = map[string]bool{
	"HEAD": true, "config": true, "description": true, "objects": true, "refs": true,
	"hooks": true, "info": true, "packed-refs": true, "shallow": true, "logs": true,
	"FETCH_HEAD": true, "ORIG_HEAD": true, "branches": true, "index": true,
}

// checkReplaceable refuses to clone over a directory that holds anything
// but a Git directory's files: Dir may be misconfigured, and a mirror
// must never delete someone's files.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !gitDirEntries[e.Name()] {
			return fmt.Errorf("%s holds %s, which is not part of a Git mirror; point the mirror at an empty or new directory", dir, e.Name())
		}
	}
	return nil
}

// setHead points the mirror's HEAD at the remote's default branch, as
// git clone does, so "HEAD" names the default branch in the mirror too.
func (m *Mirror) setHead(ctx context.Context, r *git.Repository) error {
	rem, err := r.Remote(mirrorRemote)
	if err != nil {
		return fmt.Errorf("clone %s into %s: %w", m.displayURL(), m.Dir, err)
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: m.Auth})
	if err != nil {
		return m.remoteError("list the branches of", err)
	}
	target := defaultBranch(refs)
	if target == "" {
		return nil // no branch at all: keep git's default
	}
	if err := r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, target)); err != nil {
		return fmt.Errorf("clone %s into %s: set HEAD: %w", m.displayURL(), m.Dir, err)
	}
	return nil
}

// defaultBranch picks the branch the remote's HEAD names: its symbolic
// target when the server says, else the branch at HEAD's commit
// (preferring main and master), else main or master if present.
func defaultBranch(refs []*plumbing.Reference) plumbing.ReferenceName {
	var head *plumbing.Reference
	branches := map[plumbing.ReferenceName]plumbing.Hash{}
	for _, ref := range refs {
		switch {
		case ref.Name() == plumbing.HEAD:
			head = ref
		case ref.Name().IsBranch() && ref.Type() == plumbing.HashReference:
			branches[ref.Name()] = ref.Hash()
		}
	}
	if head != nil && head.Type() == plumbing.SymbolicReference {
		if _, ok := branches[head.Target()]; ok {
			return head.Target()
		}
	}
	preferred := []plumbing.ReferenceName{plumbing.Main, plumbing.Master}
	if head != nil && head.Type() == plumbing.HashReference {
		for _, name := range preferred {
			if h, ok := branches[name]; ok && h == head.Hash() {
				return name
			}
		}
		var match plumbing.ReferenceName
		for name, h := range branches {
			if h == head.Hash() && (match == "" || name < match) {
				match = name
			}
		}
		if match != "" {
			return match
		}
	}
	for _, name := range preferred {
		if _, ok := branches[name]; ok {
			return name
		}
	}
	return ""
}

// fetch runs one fetch of specs into r; an up-to-date mirror is success.
func (m *Mirror) fetch(ctx context.Context, r *git.Repository, specs []config.RefSpec, prune bool) error {
	err := r.FetchContext(ctx, &git.FetchOptions{
		RemoteName: mirrorRemote,
		RefSpecs:   specs,
		Auth:       m.Auth,
		Tags:       git.NoTags,
		Force:      true,
		Prune:      prune,
	})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return m.remoteError("fetch "+specList(specs)+" from", err)
}

func specList(specs []config.RefSpec) string {
	s := make([]string, len(specs))
	for i, spec := range specs {
		s[i] = spec.Src()
	}
	return strings.Join(s, ", ")
}

// remoteError wraps an error of talking to the remote with what was being
// done, the remote's URL without credentials and what to check, and with
// every secret of m.Auth and of the URL blanked out of its text.
func (m *Mirror) remoteError(op string, err error) error {
	hint := ""
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		hint = "; check the token's access to the repository"
	case errors.Is(err, transport.ErrRepositoryNotFound):
		hint = "; check the repository's name and that the token can read it"
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		hint = "; push the access repo's first commit"
	}
	msg := fmt.Sprintf("%s %s into mirror %s: %s%s", op, m.displayURL(), m.Dir, err.Error(), hint)
	return &redactedError{msg: redact(msg, m.secrets()), err: err}
}

// secrets lists the strings that must never appear in an error: the
// password or token of m.Auth and of the URL.
func (m *Mirror) secrets() []string {
	var s []string
	switch a := m.Auth.(type) {
	case *githttp.BasicAuth:
		s = append(s, a.Password)
	case *githttp.TokenAuth:
		s = append(s, a.Token)
	}
	if u, err := url.Parse(m.URL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			s = append(s, p, url.QueryEscape(p), url.PathEscape(p))
		} else {
			s = append(s, u.User.Username()) // a token given as the user name
		}
	}
	return s
}

// displayURL is the remote's URL without its user information.
func (m *Mirror) displayURL() string {
	u, err := url.Parse(m.URL)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(m.URL, "@") {
			return "the remote"
		}
		return m.URL
	}
	u.User = nil
	return u.String()
}

func redact(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}

// redactedError is an error whose text has had its secrets removed. It
// answers errors.Is for the error it came from but never hands that error
// out, whose text may still hold them.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether the original error matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
