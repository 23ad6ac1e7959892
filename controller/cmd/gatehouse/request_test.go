package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/request"
	"github.com/gatehouse-dev/gatehouse/controller/request/requesttest"
)

// requestRepo is a clone of examples/acme (branch master) whose git user
// is email, with a bare origin.
type requestRepo struct {
	dir, remote string
	repo        *git.Repository
}

func newRequestRepo(t *testing.T, email string) *requestRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: go-git pushes to file:// remotes through git-receive-pack")
	}
	requesttest.IsolateGit(t)
	dir, _, _ := acmePR(t, nil, nil)
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	requesttest.SetUser(t, repo, "Git User", email)
	remote := requesttest.Origin(t, repo, "master")
	return &requestRepo{dir: dir, remote: remote, repo: repo}
}

// branches lists the local branches and the remote's.
func (r *requestRepo) branches(t *testing.T) string {
	t.Helper()
	var names []string
	for _, dir := range []string{r.dir, r.remote} {
		repo, err := git.PlainOpen(dir)
		if err != nil {
			t.Fatal(err)
		}
		refs, err := repo.References()
		if err != nil {
			t.Fatal(err)
		}
		_ = refs.ForEach(func(ref *plumbing.Reference) error {
			if ref.Name().IsBranch() {
				names = append(names, filepath.Base(dir)+":"+ref.Name().Short()+"="+ref.Hash().String()[:7])
			}
			return nil
		})
	}
	return strings.Join(names, " ")
}

// fakeOpener opens pull requests in memory.
type fakeOpener struct {
	repository string
	calls      []string
	bodies     []string
}

func (o *fakeOpener) CreatePullRequest(_ context.Context, head, base, title, body string) (int, string, error) {
	o.calls = append(o.calls, fmt.Sprintf("head=%s base=%s title=%q", head, base, title))
	o.bodies = append(o.bodies, body)
	n := 100 + len(o.calls)
	return n, fmt.Sprintf("https://github.com/%s/pull/%d", o.repository, n), nil
}

// fakeTerminal makes standard input answers, a terminal or not, for the
// test.
func fakeTerminal(t *testing.T, answers string, isTerminal bool) {
	t.Helper()
	orig := stdinTerminal
	stdinTerminal = func() (io.Reader, bool) { return strings.NewReader(answers), isTerminal }
	t.Cleanup(func() { stdinTerminal = orig })
}

var shortSHA = regexp.MustCompile(`\b[0-9a-f]{7}\b`)

// requestGolden runs gatehouse request in r and compares the transcript,
// with r's folders and commit ids replaced by placeholders, with
// testdata/request/<name>.golden.
func requestGolden(t *testing.T, r *requestRepo, name string, args ...string) cliResult {
	t.Helper()
	args = append([]string{"request"}, append(args, "--repo", r.dir, "--now", "2026-03-01T12:00:00Z")...)
	res := gatehouse(t, args...)
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = a
		if strings.ContainsAny(a, " ()") {
			shown[i] = "'" + a + "'"
		}
	}
	got := fmt.Sprintf("$ gatehouse %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(shown, " "), res.stdout, res.stderr, res.code)
	got = strings.NewReplacer(r.dir, "$REPO", r.remote, "$REMOTE").Replace(got)
	got = shortSHA.ReplaceAllString(got, "<sha>")
	compareGolden(t, filepath.Join("testdata", "request", name+".golden"), got)
	return res
}

const aliceEmail = "alice.wong@acme.example"

func TestRequestGolden(t *testing.T) {
	fakeTerminal(t, "", false)
	tests := []struct {
		name  string
		email string
		args  []string
		code  int
		// branch is the branch the request must create, empty for none.
		branch string
	}{
		{"no-github", aliceEmail, []string{"github", "--level", "member", "--justification", "Reviews on the api repository"}, exitOK, "request/alice-github-member"},
		{"for-someone", "someone@elsewhere.example", []string{"prod-db", "--level", "read", "--justification", "Support ticket SUP-1182", "--as", "marcus", "--for", "yuki"}, exitOK, "request/yuki-prod-db-read"},
		{"expires-duration", aliceEmail, []string{"prod-db", "--level", "admin", "--justification", "INC-231: unstick the billing job", "--expires", "2d"}, exitOK, "request/alice-prod-db-admin"},
		{"freeform", aliceEmail, []string{"1password", "--level", "member", "--justification", "On-call", "--permissions", "Vaults: Platform On-call (read)", "--expires", "2026-06-30"}, exitOK, "request/alice-1password-member"},
		{"unknown-system", aliceEmail, []string{"githb", "--level", "member"}, exitFailed, ""},
		{"unknown-level", aliceEmail, []string{"github", "--level", "superuser"}, exitFailed, ""},
		{"missing-level", aliceEmail, []string{"github"}, exitFailed, ""},
		{"missing-justification", aliceEmail, []string{"prod-db", "--level", "read"}, exitFailed, ""},
		{"freeform-not-allowed", aliceEmail, []string{"github", "--level", "member", "--permissions", "admin on api"}, exitFailed, ""},
		{"expires-too-long", aliceEmail, []string{"prod-db", "--level", "admin", "--justification", "INC-231", "--expires", "60d"}, exitFailed, ""},
		{"expires-missing", aliceEmail, []string{"aws-console", "--level", "admin", "--justification", "INC-231"}, exitFailed, ""},
		{"not-requestable", aliceEmail, []string{"hr-portal"}, exitFailed, ""},
		{"unknown-for", aliceEmail, []string{"github", "--level", "member", "--for", "yukii"}, exitFailed, ""},
		{"unknown-as", aliceEmail, []string{"github", "--level", "member", "--as", "marcsu"}, exitCouldNotRun, ""},
		{"unknown-git-user", "someone@elsewhere.example", []string{"github", "--level", "member"}, exitCouldNotRun, ""},
		{"no-system", aliceEmail, nil, exitCouldNotRun, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequestRepo(t, tc.email)
			before := r.branches(t)
			res := requestGolden(t, r, tc.name, tc.args...)
			if res.code != tc.code {
				t.Errorf("exit %d, want %d", res.code, tc.code)
			}
			after := r.branches(t)
			if tc.branch == "" {
				if after != before {
					t.Errorf("a refused request changed the branches:\n%s\n%s", before, after)
				}
				return
			}
			if _, err := r.repo.Reference(plumbing.NewBranchReferenceName(tc.branch), true); err != nil {
				t.Errorf("branch %s: %v", tc.branch, err)
			}
			if strings.Contains(after, "access.git:"+tc.branch) {
				t.Errorf("pushed without GitHub configured: %s", after)
			}
		})
	}
}

func TestRequestGitHub(t *testing.T) {
	fakeTerminal(t, "", false)
	r := newRequestRepo(t, aliceEmail)
	t.Setenv("GITHUB_TOKEN", "ghp_test_token")
	saved := pullRequestOpener
	pullRequestOpener = nil
	t.Cleanup(func() { pullRequestOpener = saved })

	// Without an opener: pushed, with the link that opens the pull request.
	res := requestGolden(t, r, "github-push-only", "github", "--level", "member", "--justification", "Reviews on the api repository")
	if res.code != exitOK || !strings.Contains(r.branches(t), "access.git:request/alice-github-member=") {
		t.Fatalf("exit %d, branches %s", res.code, r.branches(t))
	}

	op := &fakeOpener{}
	pullRequestOpener = func(repository, token string) (request.PullRequestOpener, error) {
		if token != "ghp_test_token" {
			t.Errorf("opener got token %q", token)
		}
		op.repository = repository
		return op, nil
	}
	res = requestGolden(t, r, "github", "prod-db", "--level", "read", "--justification", "Support ticket SUP-1182")
	if res.code != exitOK {
		t.Fatalf("exit %d", res.code)
	}
	want := `head=request/alice-prod-db-read base=master title="Access request: alice → prod-db (read)"`
	if len(op.calls) != 1 || op.calls[0] != want || op.repository != "acme/access" {
		t.Fatalf("opener for %q called %q, want %q", op.repository, op.calls, want)
	}
	for _, part := range []string{"**alice** requests access to **prod-db** at level **read**.", "- **Justification:** Support ticket SUP-1182", "- **File:** `access/prod-db/alice-read.yaml`"} {
		if !strings.Contains(op.bodies[0], part) {
			t.Errorf("the pull request's body lacks %q:\n%s", part, op.bodies[0])
		}
	}
	if !strings.Contains(r.branches(t), "access.git:request/alice-prod-db-read=") {
		t.Errorf("not pushed: %s", r.branches(t))
	}
	if strings.Contains(res.stdout+res.stderr, "ghp_test_token") {
		t.Error("the token is printed")
	}
}

func TestRequestInteractive(t *testing.T) {
	tests := []struct {
		name    string
		answers string
		args    []string
		code    int
	}{
		// Level 2 of github is maintainer; an optional justification, no end.
		{"interactive", "2\nRuns the platform team on GitHub\n\n", []string{"github"}, exitOK},
		// prod-db needs a justification, and its admin level an expiry:
		// empty answers are asked again, a wrong level too.
		{"interactive-required", "superuser\nadmin\n\nINC-231: unstick the billing job\n\n7d\n", []string{"prod-db"}, exitOK},
		// The system too, by number (acme's requestable systems, sorted).
		{"interactive-system", "3\n1\n\n\n", nil, exitOK},
		// Input that ends before the answers it needs.
		{"interactive-eof", "", []string{"github"}, exitCouldNotRun},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequestRepo(t, aliceEmail)
			fakeTerminal(t, tc.answers, true)
			if res := requestGolden(t, r, tc.name, tc.args...); res.code != tc.code {
				t.Errorf("exit %d, want %d", res.code, tc.code)
			}
		})
	}
}
