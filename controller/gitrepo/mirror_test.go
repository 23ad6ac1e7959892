package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/load"
)

// remote is a bare repository standing in for GitHub, and a working
// repository that pushes to it as engineers and GitHub do.
type remote struct {
	dir  string
	url  string
	work *git.Repository
}

func newRemote(t *testing.T) *remote {
	t.Helper()
	// go-git's file transport runs git-upload-pack and git-receive-pack.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	base := t.TempDir()
	dir := filepath.Join(base, "access.git")
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	work := gitrepotest.Init(t, filepath.Join(base, "work"))
	if _, err := work.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"file://" + dir}}); err != nil {
		t.Fatal(err)
	}
	return &remote{dir: dir, url: "file://" + dir, work: work}
}

// seededRemote returns a remote whose main branch holds one commit with
// one system, and that commit.
func seededRemote(t *testing.T) (*remote, plumbing.Hash) {
	t.Helper()
	rem := newRemote(t)
	c1 := rem.commit(t, plumbing.ZeroHash, "first", map[string]string{"systems/github.yaml": acmeSystem})
	rem.push(t, c1, "refs/heads/main")
	return rem, c1
}

// commit records files as a new commit on top of parent (none for a root
// commit) in the working repository.
func (r *remote) commit(t *testing.T, parent plumbing.Hash, msg string, files map[string]string) plumbing.Hash {
	t.Helper()
	if parent.IsZero() {
		// A root commit: commit on a fresh branch, then leave it.
		branch := plumbing.ReferenceName("refs/heads/root-" + strings.ReplaceAll(msg, " ", "-"))
		if err := r.work.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch)); err != nil {
			t.Fatal(err)
		}
		return gitrepotest.Commit(t, r.work, msg, gitrepotest.Text(files))
	}
	edits := gitrepotest.Text(files)
	return gitrepotest.CommitEdits(t, r.work, parent, msg, edits)
}

// push sets the remote's ref to h, forcing.
func (r *remote) push(t *testing.T, h plumbing.Hash, ref string) {
	t.Helper()
	tmp := plumbing.ReferenceName("refs/gatehouse-test/push")
	gitrepotest.Ref(t, r.work, tmp.String(), h)
	err := r.work.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec("+" + tmp.String() + ":" + ref)}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		t.Fatalf("push %s to %s: %v", h, ref, err)
	}
}

// deleteRef deletes ref on the remote.
func (r *remote) deleteRef(t *testing.T, ref string) {
	t.Helper()
	if err := r.work.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec(":" + ref)}}); err != nil {
		t.Fatalf("delete %s: %v", ref, err)
	}
}

// resolve returns what rev names in the mirror, or the zero hash with the
// error.
func resolve(t *testing.T, dir, rev string) (plumbing.Hash, error) {
	t.Helper()
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatalf("open mirror: %v", err)
	}
	defer repo.Close()
	c, err := repo.Resolve(rev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.Hash, nil
}

func mustResolve(t *testing.T, dir, rev string, want plumbing.Hash) {
	t.Helper()
	got, err := resolve(t, dir, rev)
	if err != nil {
		t.Fatalf("resolve %s in the mirror: %v", rev, err)
	}
	if got != want {
		t.Fatalf("%s in the mirror = %s, want %s", rev, got, want)
	}
}

const acmeSystem = "kind: System\nname: github\napprovers: [alice]\naccessLevels:\n  - name: member\n"

func TestMirrorSync(t *testing.T) {
	ctx := context.Background()
	rem := newRemote(t)
	c1 := rem.commit(t, plumbing.ZeroHash, "first", map[string]string{
		"people/alice.yaml":   "kind: Person\nname: alice\nrole: collaborator\n",
		"systems/github.yaml": acmeSystem,
	})
	rem.push(t, c1, "refs/heads/main")
	rem.push(t, c1, "refs/heads/old-feature")

	m := &gitrepo.Mirror{Dir: filepath.Join(t.TempDir(), "state", "mirror.git"), URL: rem.url}
	if err := m.Sync(ctx); err != nil {
		t.Fatalf("first sync (clone): %v", err)
	}
	mustResolve(t, m.Dir, "main", c1)
	mustResolve(t, m.Dir, "HEAD", c1)

	t.Run("up to date is success", func(t *testing.T) {
		if err := m.Sync(ctx); err != nil {
			t.Fatalf("sync with nothing new: %v", err)
		}
	})

	t.Run("new commits and pull request heads", func(t *testing.T) {
		c2 := rem.commit(t, c1, "second", map[string]string{"people/bob.yaml": "kind: Person\nname: bob\n"})
		rem.push(t, c2, "refs/heads/main")
		pr := rem.commit(t, c2, "request", map[string]string{"access/github/bob-member.yaml": "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n"})
		rem.push(t, pr, "refs/pull/7/head")
		if err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		mustResolve(t, m.Dir, "main", c2)
		mustResolve(t, m.Dir, "refs/pull/7/head", pr)

		// The mirror serves a whole organisation at a pull request's head.
		src, err := load.RevSource(m.Dir, "refs/pull/7/head")
		if err != nil {
			t.Fatalf("RevSource on the mirror: %v", err)
		}
		org, findings, err := load.Load(ctx, src, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(findings) > 0 {
			t.Fatalf("findings loading the mirror: %v", findings)
		}
		if len(org.People) != 2 || len(org.Requests) != 1 || org.Requests[0].File != "access/github/bob-member.yaml" {
			t.Fatalf("org at refs/pull/7/head: %d people, requests %v", len(org.People), org.Requests)
		}
		if !strings.Contains(src.Name(), m.Dir+"@refs/pull/7/head") {
			t.Errorf("source name %q does not name the mirror and revision", src.Name())
		}
	})

	t.Run("force-push replaces", func(t *testing.T) {
		rewritten := rem.commit(t, plumbing.ZeroHash, "rewritten", map[string]string{"people/carol.yaml": "kind: Person\nname: carol\n"})
		rem.push(t, rewritten, "refs/heads/main")
		if err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		mustResolve(t, m.Dir, "main", rewritten)
	})

	t.Run("deleted branch is pruned", func(t *testing.T) {
		mustResolve(t, m.Dir, "old-feature", c1)
		rem.deleteRef(t, "refs/heads/old-feature")
		if err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := resolve(t, m.Dir, "old-feature"); !errors.Is(err, gitrepo.ErrUnknownRevision) {
			t.Fatalf("old-feature after its deletion: %v, want ErrUnknownRevision", err)
		}
		mustResolve(t, m.Dir, "refs/pull/7/head", mustHash(t, rem.dir, "refs/pull/7/head"))
	})
}

// mustHash reads ref straight from a repository's storage.
func mustHash(t *testing.T, dir, ref string) plumbing.Hash {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Reference(plumbing.ReferenceName(ref), true)
	if err != nil {
		t.Fatalf("%s in %s: %v", ref, dir, err)
	}
	return got.Hash()
}

func TestMirrorFetchPullRequest(t *testing.T) {
	ctx := context.Background()
	rem, c1 := seededRemote(t)
	m := &gitrepo.Mirror{Dir: filepath.Join(t.TempDir(), "mirror.git"), URL: rem.url}

	// Before any Sync: FetchPullRequest clones first.
	pr := rem.commit(t, c1, "pr 7", map[string]string{"people/dan.yaml": "kind: Person\nname: dan\n"})
	rem.push(t, pr, "refs/pull/7/head")
	if err := m.FetchPullRequest(ctx, 7); err != nil {
		t.Fatalf("fetch pull request 7 into no mirror: %v", err)
	}
	mustResolve(t, m.Dir, "refs/pull/7/head", pr)

	// A new push to the pull request, and another pull request it must
	// leave alone.
	pr2 := rem.commit(t, pr, "pr 7 again", map[string]string{"people/erin.yaml": "kind: Person\nname: erin\n"})
	rem.push(t, pr2, "refs/pull/7/head")
	other := rem.commit(t, c1, "pr 8", map[string]string{"people/fay.yaml": "kind: Person\nname: fay\n"})
	rem.push(t, other, "refs/pull/8/head")
	if err := m.FetchPullRequest(ctx, 7); err != nil {
		t.Fatal(err)
	}
	mustResolve(t, m.Dir, "refs/pull/7/head", pr2)
	if _, err := resolve(t, m.Dir, "refs/pull/8/head"); err == nil {
		t.Error("FetchPullRequest(7) fetched pull request 8 too")
	}
	if err := m.FetchPullRequest(ctx, 7); err != nil {
		t.Errorf("fetch an unchanged pull request: %v", err)
	}

	for _, n := range []int{0, -3} {
		if err := m.FetchPullRequest(ctx, n); err == nil {
			t.Errorf("FetchPullRequest(%d) succeeded", n)
		}
	}
	if err := m.FetchPullRequest(ctx, 99); err == nil || !strings.Contains(err.Error(), "refs/pull/99/head") {
		t.Errorf("FetchPullRequest of a missing pull request: %v, want an error naming refs/pull/99/head", err)
	}
}

func TestMirrorHalfWrittenClone(t *testing.T) {
	ctx := context.Background()
	rem, c1 := seededRemote(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "mirror.git")

	// What an interrupted clone leaves: a Git directory with no objects
	// and no HEAD, and a temporary clone beside it.
	for _, d := range []string{filepath.Join(dir, "objects", "pack"), filepath.Join(dir, "refs", "heads"), filepath.Join(parent, ".mirror.git.clone-123", "objects")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[core]\n\tbare = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &gitrepo.Mirror{Dir: dir, URL: rem.url}
	if err := m.Sync(ctx); err != nil {
		t.Fatalf("sync over a half-written clone: %v", err)
	}
	mustResolve(t, dir, "main", c1)
	if leftovers, _ := filepath.Glob(filepath.Join(parent, ".mirror.git.clone-*")); len(leftovers) > 0 {
		t.Errorf("temporary clones left behind: %v", leftovers)
	}

	// A clone that fails leaves nothing, and the next Sync tries again.
	dir2 := filepath.Join(parent, "second.git")
	bad := &gitrepo.Mirror{Dir: dir2, URL: "file://" + filepath.Join(parent, "no-such-remote.git")}
	if err := bad.Sync(ctx); err == nil {
		t.Fatal("clone of a missing remote succeeded")
	}
	if _, err := os.Stat(dir2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed clone left %s behind (%v)", dir2, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(parent, ".second.git.clone-*")); len(leftovers) > 0 {
		t.Errorf("a failed clone left %v behind", leftovers)
	}
	bad.URL = rem.url
	if err := bad.Sync(ctx); err != nil {
		t.Fatalf("sync after a failed clone: %v", err)
	}
	mustResolve(t, dir2, "main", c1)

	// Never clone over someone's files.
	busy := filepath.Join(parent, "busy")
	if err := os.MkdirAll(busy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := (&gitrepo.Mirror{Dir: busy, URL: rem.url}).Sync(ctx)
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("sync into a directory with other files: %v, want a refusal naming notes.txt", err)
	}
	if data, err := os.ReadFile(filepath.Join(busy, "notes.txt")); err != nil || string(data) != "mine" {
		t.Fatalf("the directory's own file was touched: %q, %v", data, err)
	}
}

// TestMirrorErrorsHideCredentials (S9): a token never appears in an
// error, whether the server echoes it back or the URL carries it.
func TestMirrorErrorsHideCredentials(t *testing.T) {
	const token = "ghp_s3cretT0kenValue"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		// A hostile or careless server repeats what it was sent.
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "no repository for %s:%s at %s", user, pass, r.URL)
	}))
	t.Cleanup(srv.Close)
	deny := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(deny.Close)
	hostPort := strings.TrimPrefix(srv.URL, "http://")

	tests := []struct {
		name string
		url  string
		auth bool
		want error
	}{
		{name: "token in Auth, echoing server", url: srv.URL + "/acme/access.git", auth: true},
		{name: "token in the URL", url: "http://x-access-token:" + token + "@" + hostPort + "/acme/access.git"},
		{name: "token as the URL's user", url: "http://" + token + "@" + hostPort + "/acme/access.git"},
		{name: "refused token", url: deny.URL + "/acme/access.git", auth: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &gitrepo.Mirror{Dir: filepath.Join(t.TempDir(), "mirror.git"), URL: tc.url}
			if tc.auth {
				m.Auth = &githttp.BasicAuth{Username: "x-access-token", Password: token}
			}
			for _, op := range []func() error{
				func() error { return m.Sync(context.Background()) },
				func() error { return m.FetchPullRequest(context.Background(), 3) },
			} {
				err := op()
				if err == nil {
					t.Fatal("talking to a failing server succeeded")
				}
				if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), token) {
					t.Fatalf("the error shows the token: %v", err)
				}
				if !strings.Contains(err.Error(), "/acme/access.git") {
					t.Errorf("the error does not name the remote: %v", err)
				}
				for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
					if strings.Contains(e.Error(), token) {
						t.Fatalf("a wrapped error shows the token: %v", e)
					}
				}
			}
		})
	}
}

func TestOpenBareInsideCheckout(t *testing.T) {
	// A mirror kept inside a checkout (a state directory under the access
	// repo) is read as itself, not as the checkout around it.
	ctx := context.Background()
	rem, c1 := seededRemote(t)

	outer := t.TempDir()
	outerRepo := gitrepotest.Init(t, outer)
	outerHead := gitrepotest.Commit(t, outerRepo, "outer", gitrepotest.Text(map[string]string{"README": "outer"}))
	m := &gitrepo.Mirror{Dir: filepath.Join(outer, "state", "mirror.git"), URL: rem.url}
	if err := m.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	mustResolve(t, m.Dir, "HEAD", c1)
	repo, err := gitrepo.Open(m.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	if repo.Prefix() != "" {
		t.Errorf("prefix of a bare repository = %q, want none", repo.Prefix())
	}
	// The checkout itself still opens as before, from a subdirectory too.
	mustResolve(t, filepath.Join(outer, "state"), "HEAD", outerHead)
	// And its .git directory opens as the same repository.
	mustResolve(t, filepath.Join(outer, ".git"), "HEAD", outerHead)
}
