package request_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/request"
	"github.com/gatehouse-dev/gatehouse/controller/request/requesttest"
)

// checkout is a clone of examples/acme: a working repository on main with
// the files checked out, and a bare repository as its origin.
type checkout struct {
	dir     string // the access repo: the Git top, or a folder of it
	top     string
	repo    *git.Repository
	remote  string
	base    plumbing.Hash
	gitUser string // user.email
}

// newCheckout builds the clone with the access repo at prefix ("" for the
// top of the repository).
func newCheckout(t *testing.T, prefix, email string) *checkout {
	t.Helper()
	requesttest.IsolateGit(t)

	files := gitrepotest.Files{}
	err := filepath.WalkDir(acmeDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(acmeDir, p)
		files[path.Join(prefix, filepath.ToSlash(rel))] = gitrepotest.File{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if prefix != "" {
		files["README.md"] = gitrepotest.File{Data: []byte("the company's repository\n")}
	}
	top := t.TempDir()
	repo := gitrepotest.Init(t, top)
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.Main)); err != nil {
		t.Fatal(err)
	}
	base := gitrepotest.Commit(t, repo, "acme", files)
	gitrepotest.WriteDir(t, top, files)
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	// Index the checked-out files so that the working tree is clean.
	if err := wt.Reset(&git.ResetOptions{Commit: base, Mode: git.MixedReset}); err != nil {
		t.Fatal(err)
	}
	requesttest.SetUser(t, repo, "Git User", email)
	c := &checkout{dir: filepath.Join(top, filepath.FromSlash(prefix)), top: top, repo: repo, base: base, gitUser: email}
	if c.remote = requesttest.Origin(t, repo, "main"); c.remote != "" {
		gitrepotest.Ref(t, repo, "refs/remotes/origin/main", base)
	}
	return c
}

// state is what a refused request must leave as it was: every reference,
// the object store's files and the working tree's status.
func (c *checkout) state(t *testing.T) string {
	t.Helper()
	var lines []string
	refs, err := c.repo.References()
	if err != nil {
		t.Fatal(err)
	}
	_ = refs.ForEach(func(r *plumbing.Reference) error {
		lines = append(lines, r.String())
		return nil
	})
	_ = filepath.WalkDir(filepath.Join(c.top, ".git", "objects"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			lines = append(lines, p)
		}
		return nil
	})
	wt, err := c.repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	st, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\nstatus:\n" + st.String()
}

// opener is an in-memory PullRequestOpener.
type opener struct {
	calls []openCall
	err   error
}

type openCall struct{ head, base, title, body string }

func (o *opener) CreatePullRequest(_ context.Context, head, base, title, body string) (int, string, error) {
	o.calls = append(o.calls, openCall{head, base, title, body})
	if o.err != nil {
		return 0, "", o.err
	}
	n := 41 + len(o.calls)
	return n, fmt.Sprintf("https://github.example/acme/access/pull/%d", n), nil
}

func open(t *testing.T, c *checkout) *request.Checkout {
	t.Helper()
	co, err := request.OpenCheckout(context.Background(), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	return co
}

func TestSubmitRoundTrip(t *testing.T) {
	for _, prefix := range []string{"", "examples/acme"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			c := newCheckout(t, prefix, "Alice.Wong@acme.example")
			if c.remote == "" {
				t.Skip("git is not installed")
			}
			before := c.state(t)
			co := open(t, c)
			if co.BaseBranch != "main" || co.Base != c.base || co.Prefix != prefix {
				t.Fatalf("checkout at %s %s prefix %q", co.BaseBranch, co.Base, co.Prefix)
			}
			author, err := co.Author("")
			if err != nil {
				t.Fatal(err)
			}
			if author.Person != "alice" || author.Email != "Alice.Wong@acme.example" {
				t.Fatalf("author %+v, want alice by her email", author)
			}
			op := &opener{}
			in := request.Input{System: "github", Level: "member", Person: "bob", Justification: "Reviews the api repository", Now: now}
			res, err := co.Submit(context.Background(), in, request.SubmitOptions{Author: author, Push: true, Opener: op, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			wantPath := "access/github/bob-member.yaml"
			if res.File.Path != wantPath || res.RepoPath != path.Join(prefix, wantPath) || res.Branch != "request/bob-github-member" {
				t.Fatalf("result: file %s (%s), branch %s", res.File.Path, res.RepoPath, res.Branch)
			}
			// The file copies the modeline of its neighbours.
			if !strings.HasPrefix(string(res.File.Data), "# yaml-language-server: $schema=../../../../schemas/accessrequest.schema.json\n") {
				t.Errorf("modeline not copied from the other requests:\n%s", res.File.Data)
			}

			// The branch holds one commit: the base plus the file.
			branch, err := c.repo.Reference(plumbing.NewBranchReferenceName(res.Branch), true)
			if err != nil || branch.Hash() != res.Commit {
				t.Fatalf("branch %s: %v, %v", res.Branch, branch, err)
			}
			commit, err := c.repo.CommitObject(res.Commit)
			if err != nil {
				t.Fatal(err)
			}
			if len(commit.ParentHashes) != 1 || commit.ParentHashes[0] != c.base {
				t.Errorf("parents %v, want the base %s", commit.ParentHashes, c.base)
			}
			if commit.Author.Email != "Alice.Wong@acme.example" || commit.Author.Name != "Git User" || !commit.Author.When.Equal(now) {
				t.Errorf("author %v", commit.Author)
			}
			if !strings.HasPrefix(commit.Message, "Access request: bob → github (member)\n\n**bob** requests access") ||
				!strings.Contains(commit.Message, "Requested by **alice** on behalf of bob.") {
				t.Errorf("message:\n%s", commit.Message)
			}
			baseCommit, _ := c.repo.CommitObject(c.base)
			changes := diff(t, baseCommit, commit)
			if len(changes) != 1 || changes[0] != "insert "+res.RepoPath {
				t.Errorf("the commit changes %v, want only %s added", changes, res.RepoPath)
			}
			f, err := commit.File(res.RepoPath)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := f.Contents(); got != string(res.File.Data) {
				t.Errorf("committed file:\n%s\nwant:\n%s", got, res.File.Data)
			}

			// Pushed, and the pull request opened with its title and head.
			remote, err := git.PlainOpen(c.remote)
			if err != nil {
				t.Fatal(err)
			}
			pushed, err := remote.Reference(plumbing.NewBranchReferenceName(res.Branch), true)
			if err != nil || pushed.Hash() != res.Commit {
				t.Fatalf("remote branch %s: %v, %v", res.Branch, pushed, err)
			}
			if len(op.calls) != 1 {
				t.Fatalf("opener called %d times", len(op.calls))
			}
			call := op.calls[0]
			if call.head != res.Branch || call.base != "main" || call.title != "Access request: bob → github (member)" || call.body != res.Body ||
				!strings.Contains(call.body, "Reviews the api repository") {
				t.Errorf("opener called with %+v", call)
			}
			if res.Number != 42 || res.URL == "" || res.Remote != "origin" {
				t.Errorf("result number %d url %q remote %q", res.Number, res.URL, res.Remote)
			}

			// The current branch, main and the working tree are as they
			// were; only the new branch (and its objects) were added.
			head, _ := c.repo.Reference(plumbing.HEAD, false)
			main, _ := c.repo.Reference(plumbing.Main, true)
			if head.Target() != plumbing.Main || main.Hash() != c.base {
				t.Errorf("HEAD %v, main %v moved", head, main)
			}
			wt, _ := c.repo.Worktree()
			if st, err := wt.Status(); err != nil || !st.IsClean() {
				t.Errorf("working tree after submit: %v %v", st, err)
			}
			if _, err := os.Stat(filepath.Join(c.dir, filepath.FromSlash(res.File.Path))); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the file was written into the working tree: %v", err)
			}
			if c.state(t) == before {
				t.Error("state unchanged after a submit: the state check sees nothing")
			}

			// Asking again gives a new branch and a new file name: the
			// first request's branch holds the first name.
			again, err := co.Submit(context.Background(), in, request.SubmitOptions{Author: author, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if again.Branch != "request/bob-github-member-2" || again.File.Path != "access/github/bob-member-2.yaml" || again.Remote != "" {
				t.Errorf("second request: branch %s, file %s, remote %q", again.Branch, again.File.Path, again.Remote)
			}
			if len(op.calls) != 1 {
				t.Errorf("a submit without Push opened a pull request")
			}
		})
	}
}

func diff(t *testing.T, a, b *object.Commit) []string {
	t.Helper()
	ta, _ := a.Tree()
	tb, _ := b.Tree()
	changes, err := ta.Diff(tb)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ch := range changes {
		action, _ := ch.Action()
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		out = append(out, strings.ToLower(action.String())+" "+name)
	}
	return out
}

func TestSubmitRefusedWritesNothing(t *testing.T) {
	c := newCheckout(t, "", "alice.wong@acme.example")
	co := open(t, c)
	author, err := co.Author("")
	if err != nil {
		t.Fatal(err)
	}
	before := c.state(t)
	op := &opener{}
	for _, in := range []request.Input{
		{System: "githb", Level: "member", Person: "alice"},
		{System: "github", Level: "superuser", Person: "alice"},
		{System: "prod-db", Level: "read", Person: "alice"},
		{System: "github", Level: "member", Person: "alice", Permissions: "admin on api"},
		{System: "prod-db", Level: "admin", Person: "alice", Justification: "incident", Expires: "60d"},
		{System: "hr-portal", Person: "alice"},
	} {
		in.Now = now
		res, err := co.Submit(context.Background(), in, request.SubmitOptions{Author: author, Push: true, Opener: op, Now: now})
		var refused *request.RefusedError
		if !errors.As(err, &refused) || res != nil {
			t.Errorf("Submit(%+v) = %v, %v; want refused", in, res, err)
		}
	}
	if after := c.state(t); after != before {
		t.Errorf("a refused request changed the repository:\n--- before\n%s\n--- after\n%s", before, after)
	}
	if len(op.calls) != 0 {
		t.Errorf("a refused request opened a pull request")
	}
}

func TestSubmitFailures(t *testing.T) {
	c := newCheckout(t, "", "alice.wong@acme.example")
	if c.remote == "" {
		t.Skip("git is not installed")
	}
	co := open(t, c)
	author, _ := co.Author("")
	in := request.Input{System: "github", Level: "member", Person: "alice", Now: now}

	// The opener fails: the branch is pushed, and the error says to open
	// the pull request by hand.
	res, err := co.Submit(context.Background(), in, request.SubmitOptions{Author: author, Push: true, Opener: &opener{err: errors.New("422 Validation Failed")}})
	if err == nil || !strings.Contains(err.Error(), "422 Validation Failed") || !strings.Contains(err.Error(), "open a pull request from request/alice-github-member into main by hand") {
		t.Fatalf("opener failure: %v", err)
	}
	if res == nil || res.Remote != "origin" || res.Number != 0 {
		t.Fatalf("result after an opener failure: %+v", res)
	}

	// The push fails: the branch stays local and the error says how to
	// push it.
	if err := os.RemoveAll(c.remote); err != nil {
		t.Fatal(err)
	}
	res, err = co.Submit(context.Background(), in, request.SubmitOptions{Author: author, Push: true, Opener: &opener{}})
	if err == nil || !strings.Contains(err.Error(), "git push origin request/alice-github-member-2") {
		t.Fatalf("push failure: %v", err)
	}
	if res == nil || res.Remote != "" {
		t.Fatalf("result after a push failure: %+v", res)
	}
	if _, err := c.repo.Reference(plumbing.NewBranchReferenceName(res.Branch), true); err != nil {
		t.Errorf("the local branch is gone after a failed push: %v", err)
	}
}

func TestAuthor(t *testing.T) {
	c := newCheckout(t, "", "someone@elsewhere.example")
	co := open(t, c)
	tests := []struct {
		name, as string
		want     request.Author
		err      string
	}{
		{name: "git user with no person", want: request.Author{Name: "Git User", Email: "someone@elsewhere.example"}},
		{name: "as a person", as: "priya", want: request.Author{Person: "priya", Name: "Priya Natarajan", Email: "priya.natarajan@acme.example"}},
		{name: "as a typo", as: "priay", err: `--as "priay" is not a person in the access repo; did you mean "priya"?`},
		{name: "as a stranger", as: "zzzzzzzz", err: "name a Person in people/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := co.Author(tc.as)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Author(%q) = %+v, %v; want an error with %q", tc.as, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Author(%q) = %+v, %v; want %+v", tc.as, got, err, tc.want)
			}
		})
	}
}

func TestOpenCheckoutRefusesBrokenBase(t *testing.T) {
	c := newCheckout(t, "", "alice.wong@acme.example")
	broken := gitrepotest.CommitEdits(t, c.repo, c.base, "break", gitrepotest.Text(map[string]string{"systems/github.yaml": "kind: System\nname: github\napprovers: [marcus]\nunknownField: 1\n"}))
	gitrepotest.Ref(t, c.repo, "refs/heads/main", broken)
	gitrepotest.Ref(t, c.repo, "refs/remotes/origin/main", broken)
	_, err := request.OpenCheckout(context.Background(), c.dir)
	if err == nil || !strings.Contains(err.Error(), "gatehouse validate --repo") {
		t.Fatalf("OpenCheckout on a base with errors: %v", err)
	}
	// A remote-tracking branch ahead of the local one is the base.
	gitrepotest.Ref(t, c.repo, "refs/heads/main", c.base)
	ahead := gitrepotest.CommitEdits(t, c.repo, c.base, "ahead", gitrepotest.Text(map[string]string{"people/new.yaml": "kind: Person\nname: newcomer\n"}))
	gitrepotest.Ref(t, c.repo, "refs/remotes/origin/main", ahead)
	co, err := request.OpenCheckout(context.Background(), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if co.Base != ahead || co.Org.PersonByName["newcomer"] == nil {
		t.Errorf("base %s, want origin/main %s", co.Base, ahead)
	}
}
