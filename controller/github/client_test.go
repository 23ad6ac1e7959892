package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
)

const (
	owner  = "acme"
	repo   = "access"
	marker = "<!-- gatehouse:summary -->"
)

// fastRetry keeps the tests' backoff short; rate-limit waits are as long
// as the fake asks.
var fastRetry = RetryPolicy{Attempts: 3, Backoff: time.Millisecond, RateWaits: 3, Margin: 20 * time.Millisecond}

// setup starts a fake GitHub with the acme/access repository and a
// Client of it.
func setup(t *testing.T, opts ...Option) (*githubtest.Server, *Client) {
	t.Helper()
	srv := githubtest.NewServer(t)
	srv.AddRepo(owner, repo)
	return srv, clientFor(t, srv, opts...)
}

// clientFor returns a new Client of acme/access on the fake, as a
// restarted controller would build it.
func clientFor(t *testing.T, srv *githubtest.Server, opts ...Option) *Client {
	t.Helper()
	g := gh.NewClient(nil)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	g.BaseURL = u
	return NewClient(g, owner, repo, append([]Option{WithRetryPolicy(fastRetry)}, opts...)...)
}

func addPR(srv *githubtest.Server, author string) (int, string) {
	n := srv.AddPullRequest(owner, repo, githubtest.PullRequest{Author: author, Title: "Access to github for " + author})
	return n, srv.PullRequestState(owner, repo, n).HeadSHA
}

// writes lists the fake's non-GET requests as "METHOD route".
func writes(srv *githubtest.Server) []string {
	var out []string
	for _, r := range srv.Writes() {
		out = append(out, r.Route)
	}
	return out
}

func TestPullRequestAgainstFakeGitHubRoundTrip(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n := srv.AddPullRequest(owner, repo, githubtest.PullRequest{
		Author: "alice", Title: "alice requests admin on github", HeadRef: "alice-admin",
		BaseSHA: githubtest.SHA("base"), HeadSHA: githubtest.SHA("head"), Draft: true,
	})
	got, err := c.PullRequest(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	want := PullRequest{
		Number: n, Title: "alice requests admin on github", State: "open", Draft: true,
		BaseRef: "main", BaseSHA: githubtest.SHA("base"), HeadRef: "alice-admin", HeadSHA: githubtest.SHA("head"),
		Author: "alice", HTMLURL: fmt.Sprintf("https://github.com/acme/access/pull/%d", n),
	}
	if got != want {
		t.Errorf("PullRequest:\n got %+v\nwant %+v", got, want)
	}

	srv.SetHead(owner, repo, n, githubtest.SHA("pushed"))
	mergeSHA := srv.MergePR(owner, repo, n, "olivia")
	got, err = c.PullRequest(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "closed" || !got.Merged || got.MergeCommitSHA != mergeSHA || got.HeadSHA != githubtest.SHA("pushed") {
		t.Errorf("after a push and a merge: %+v", got)
	}

	_, err = c.PullRequest(ctx, 99)
	if !IsNotFound(err) || !strings.Contains(err.Error(), "#99") || !strings.Contains(err.Error(), "installed") {
		t.Errorf("an unknown pull request: %v; want a 404 naming #99 and what to check", err)
	}
}

func TestListsAgainstFakeGitHubFollowEveryPage(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	for i := range 230 {
		n, _ := addPR(srv, fmt.Sprintf("user%d", i))
		if i%10 == 0 {
			srv.ClosePR(owner, repo, n)
		}
	}
	const n = 5
	for i := range 150 {
		srv.AddReview(owner, repo, n, fmt.Sprintf("reviewer%d", i), "COMMENTED", githubtest.SHA("r"))
	}
	srv.AddReview(owner, repo, n, "carol", "APPROVED", githubtest.SHA("approved"))
	for i := range 120 {
		srv.AddComment(owner, repo, n, fmt.Sprintf("user%d", i), fmt.Sprintf("comment %d", i))
	}
	tests := []struct {
		name      string
		list      func() (int, error)
		wantCount int
		route     string
		wantCalls int
	}{
		{"open pull requests", func() (int, error) { ps, err := c.OpenPullRequests(ctx); return len(ps), err }, 207, "GET /repos/{owner}/{repo}/pulls", 3},
		{"reviews", func() (int, error) { rs, err := c.Reviews(ctx, n); return len(rs), err }, 151, "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", 2},
		{"comments", func() (int, error) { cs, err := c.Comments(ctx, n); return len(cs), err }, 120, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetLog()
			got, err := tc.list()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.wantCount {
				t.Errorf("%d items, want %d", got, tc.wantCount)
			}
			if calls := srv.Calls(tc.route); calls != tc.wantCalls || srv.Calls("") != tc.wantCalls {
				t.Errorf("%d calls (%d in all), want %d pages of 100", calls, srv.Calls(""), tc.wantCalls)
			}
			for _, r := range srv.Requests() {
				if r.Query.Get("per_page") != "100" {
					t.Errorf("%s asked for pages of %q, want 100", r.Path, r.Query.Get("per_page"))
				}
			}
		})
	}

	reviews, err := c.Reviews(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	last := reviews[len(reviews)-1]
	if last.User != "carol" || last.State != "APPROVED" || last.CommitID != githubtest.SHA("approved") || last.SubmittedAt.IsZero() || last.ID == 0 {
		t.Errorf("the last review: %+v", last)
	}
	comments, err := c.Comments(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if first := comments[0]; first.User != "user0" || first.Body != "comment 0" || first.CreatedAt.IsZero() || first.UpdatedAt.IsZero() {
		t.Errorf("the first comment: %+v", first)
	}
}

func TestSetCheckRunAgainstFakeGitHubCreatesOnceThenUpdates(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	_, sha := addPR(srv, "alice")
	_, other := addPR(srv, "bob")
	pending := CheckRun{Name: "gatehouse", Conclusion: ConclusionFailure, Title: "Waiting for approval", Summary: "carol must approve", Text: "plan"}
	approved := CheckRun{Name: "gatehouse", Conclusion: ConclusionSuccess, Title: "Approved", Summary: "approved by carol", DetailsURL: "https://gatehouse.example.com/pr/1"}
	steps := []struct {
		name       string
		sha        string
		run        CheckRun
		wantWrites []string
	}{
		{"first decision creates the run", sha, pending, []string{"POST /repos/{owner}/{repo}/check-runs"}},
		{"the same decision writes nothing", sha, pending, nil},
		{"a new decision updates the run", sha, approved, []string{"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}"}},
		{"the same again writes nothing", sha, approved, nil},
		{"another name is another run", sha, CheckRun{Name: "gatehouse/lint", Conclusion: ConclusionNeutral, Title: "Lint", Summary: "clean"}, []string{"POST /repos/{owner}/{repo}/check-runs"}},
		{"another commit is another run", other, pending, []string{"POST /repos/{owner}/{repo}/check-runs"}},
	}
	for _, st := range steps {
		srv.ResetLog()
		if err := c.SetCheckRun(ctx, st.sha, st.run); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := writes(srv); !slices.Equal(got, st.wantWrites) {
			t.Errorf("%s: wrote %v, want %v", st.name, got, st.wantWrites)
		}
	}
	runs := srv.CheckRuns(owner, repo, sha)
	if len(runs) != 2 {
		t.Fatalf("%d runs on the commit, want gatehouse and gatehouse/lint: %+v", len(runs), runs)
	}
	got := runs[0]
	if got.Name != "gatehouse" || got.Status != "completed" || got.Conclusion != "success" || got.Title != "Approved" || got.Summary != "approved by carol" || got.Text != "" || got.DetailsURL != approved.DetailsURL {
		t.Errorf("the gatehouse run: %+v", got)
	}
	if runs := srv.CheckRuns(owner, repo, other); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Errorf("the other commit's runs: %+v", runs)
	}
	// A restarted controller finds the run again.
	if err := clientFor(t, srv).SetCheckRun(ctx, sha, pending); err != nil {
		t.Fatal(err)
	}
	if runs := srv.CheckRuns(owner, repo, sha); len(runs) != 2 || runs[0].Conclusion != "failure" {
		t.Errorf("after a restart: %+v", runs)
	}
}

func TestSetCheckRunCutsLongOutputsAndRefusesBadRuns(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	_, sha := addPR(srv, "alice")
	long := strings.Repeat("ä", MaxCheckRunOutput+10)
	run := CheckRun{Name: "gatehouse", Conclusion: ConclusionActionRequired, Title: "Plan", Summary: long, Text: long}
	for range 2 {
		if err := c.SetCheckRun(ctx, sha, run); err != nil {
			t.Fatal(err)
		}
	}
	runs := srv.CheckRuns(owner, repo, sha)
	if len(runs) != 1 || !strings.HasSuffix(runs[0].Summary, "cut short: GitHub shows at most 65,535 characters here)") || len([]rune(runs[0].Summary)) != MaxCheckRunOutput {
		t.Errorf("a long summary: %d runs, summary of %d characters", len(runs), len([]rune(runs[0].Summary)))
	}
	if w := srv.Writes(); len(w) != 1 {
		t.Errorf("%d writes for one long run set twice, want 1", len(w))
	}
	bad := []struct {
		name string
		sha  string
		run  CheckRun
	}{
		{"no name", sha, CheckRun{Conclusion: ConclusionSuccess, Title: "t", Summary: "s"}},
		{"no commit", "", CheckRun{Name: "gatehouse", Conclusion: ConclusionSuccess, Title: "t", Summary: "s"}},
		{"unknown conclusion", sha, CheckRun{Name: "gatehouse", Conclusion: "approved", Title: "t", Summary: "s"}},
		{"no summary", sha, CheckRun{Name: "gatehouse", Conclusion: ConclusionSuccess, Title: "t"}},
	}
	srv.ResetLog()
	for _, tc := range bad {
		if err := c.SetCheckRun(ctx, tc.sha, tc.run); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if n := srv.Calls(""); n != 0 {
		t.Errorf("refused runs made %d calls", n)
	}
}

func TestUpsertCommentAgainstFakeGitHubEditsInPlace(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, _ := addPR(srv, "alice")
	// Enough comments before it that the sticky one is on a second page.
	for i := range 130 {
		srv.AddComment(owner, repo, n, "alice", fmt.Sprintf("ping %d", i))
	}
	id, created, err := c.UpsertComment(ctx, n, marker, "## [Action Required] alice requested access to github\n@carol can approve.")
	if err != nil || !created || id == 0 {
		t.Fatalf("first upsert: id %d, created %v, %v", id, created, err)
	}
	srv.ResetLog()
	id2, created, err := c.UpsertComment(ctx, n, marker, "## [Action Required] alice requested access to github\n@carol can approve.")
	if err != nil || created || id2 != id {
		t.Errorf("unchanged upsert: id %d (want %d), created %v, %v", id2, id, created, err)
	}
	if w := srv.Writes(); len(w) != 0 {
		t.Errorf("an unchanged comment was written: %v", writes(srv))
	}
	// A restarted controller finds and edits the same comment.
	id3, created, err := clientFor(t, srv).UpsertComment(ctx, n, marker, "## [Approved] alice requested access to github")
	if err != nil || created || id3 != id {
		t.Errorf("upsert after a restart: id %d (want %d), created %v, %v", id3, id, created, err)
	}
	var sticky []githubtest.Comment
	for _, cm := range srv.Comments(owner, repo, n) {
		if strings.Contains(cm.Body, marker) {
			sticky = append(sticky, cm)
		}
	}
	want := marker + "\n## [Approved] alice requested access to github"
	if len(sticky) != 1 || sticky[0].Body != want || !sticky[0].Edited || sticky[0].User != githubtest.DefaultViewer {
		t.Errorf("sticky comments %+v, want one edited in place to %q", sticky, want)
	}
	if all := srv.Comments(owner, repo, n); len(all) != 131 {
		t.Errorf("%d comments, want the 130 pings and the sticky one", len(all))
	}
}

func TestUpsertCommentWithLoginIgnoresQuotedMarkers(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddRepo(owner, repo)
	srv.ActAs("gatehouse-app[bot]")
	c := clientFor(t, srv, WithLogin("gatehouse-app[bot]"))
	ctx := context.Background()
	n, _ := addPR(srv, "mallory")
	quoted := "look: " + marker + " approved!"
	srv.AddComment(owner, repo, n, "mallory", quoted)
	id, created, err := c.UpsertComment(ctx, n, marker, "Waiting for carol")
	if err != nil || !created {
		t.Fatalf("upsert: created %v, %v; want a comment of gatehouse's own", created, err)
	}
	if _, created, err := c.UpsertComment(ctx, n, marker, "Still waiting for carol"); err != nil || created {
		t.Errorf("second upsert: created %v, %v", created, err)
	}
	got := srv.Comments(owner, repo, n)
	if len(got) != 2 || got[0].Body != quoted || got[0].Edited || got[1].ID != id || got[1].User != "gatehouse-app[bot]" {
		t.Errorf("comments %+v: mallory's must stay as she wrote it", got)
	}
	if _, _, err := c.UpsertComment(ctx, n, " ", "x"); err == nil {
		t.Error("an empty marker was accepted")
	}
}

func TestCommentAgainstFakeGitHubPostsOnce(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, _ := addPR(srv, "alice")
	if err := c.Comment(ctx, n, "@alice your access is provisioned."); err != nil {
		t.Fatal(err)
	}
	// GitHub does the work and then answers 502: the retry finds it.
	srv.FailAfterNextWrites(1, http.StatusBadGateway)
	if err := c.Comment(ctx, n, "Denied: not needed."); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, cm := range srv.Comments(owner, repo, n) {
		bodies = append(bodies, cm.Body)
	}
	if want := []string{"@alice your access is provisioned.", "Denied: not needed."}; !slices.Equal(bodies, want) {
		t.Errorf("comments %q, want %q", bodies, want)
	}
	if err := c.Comment(ctx, n, strings.Repeat("x", MaxCommentBody+1)); err == nil {
		t.Error("an over-long comment was accepted")
	}
}

func TestSetLabelsAgainstFakeGitHubTouchesOnlyThePrefix(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, _ := addPR(srv, "alice")
	srv.AddLabel(owner, repo, n, "team:platform")
	srv.AddLabel(owner, repo, n, "Access:Pending-Approval")
	srv.AddLabel(owner, repo, n, "access-review")
	steps := []struct {
		name       string
		want       []string
		wantLabels []string
		wantWrites []string
	}{
		{"approve", []string{"access:approved"}, []string{"access-review", "access:approved", "team:platform"}, []string{
			"POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
			"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
		}},
		{"unchanged", []string{"access:approved"}, []string{"access-review", "access:approved", "team:platform"}, nil},
		{"unchanged but for case", []string{"ACCESS:approved"}, []string{"access-review", "access:approved", "team:platform"}, nil},
		{"two at once", []string{"access:approved", "access:pending-provisioning"}, []string{"access-review", "access:approved", "access:pending-provisioning", "team:platform"}, []string{
			"POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
		}},
		{"none", nil, []string{"access-review", "team:platform"}, []string{
			"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
			"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
		}},
	}
	for _, st := range steps {
		srv.ResetLog()
		if err := c.SetLabels(ctx, n, "access:", st.want); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := srv.Labels(owner, repo, n); !slices.Equal(got, st.wantLabels) {
			t.Errorf("%s: labels %v, want %v", st.name, got, st.wantLabels)
		}
		if got := writes(srv); !slices.Equal(got, st.wantWrites) {
			t.Errorf("%s: wrote %v, want %v", st.name, got, st.wantWrites)
		}
	}
	srv.ResetLog()
	for _, bad := range []struct {
		prefix string
		want   []string
	}{{"", []string{"x"}}, {"access:", []string{"team:security"}}} {
		if err := c.SetLabels(ctx, n, bad.prefix, bad.want); err == nil {
			t.Errorf("SetLabels(%q, %v): no error", bad.prefix, bad.want)
		}
	}
	if calls := srv.Calls(""); calls != 0 {
		t.Errorf("refused label sets made %d calls", calls)
	}
}

func TestAgainstFakeGitHubUnchangedReportsCostOnlyTheReads(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, sha := addPR(srv, "alice")
	run := CheckRun{Name: "gatehouse", Conclusion: ConclusionFailure, Title: "Waiting", Summary: "carol"}
	report := func() error {
		if err := c.SetCheckRun(ctx, sha, run); err != nil {
			return err
		}
		if _, _, err := c.UpsertComment(ctx, n, marker, "Waiting for carol"); err != nil {
			return err
		}
		return c.SetLabels(ctx, n, "access:", []string{"access:pending-approval"})
	}
	// The first report writes; the second reads what it wrote and writes
	// nothing; the third finds every read unchanged.
	for range 2 {
		if err := report(); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetLog()
	if err := report(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, fmt.Sprintf("%s %d", r.Route, r.Status))
	}
	want := []string{
		"GET /repos/{owner}/{repo}/commits/{ref}/check-runs 304",
		"GET /repos/{owner}/{repo}/issues/{issue_number}/comments 304",
		"GET /repos/{owner}/{repo}/issues/{issue_number}/labels 304",
	}
	if !slices.Equal(got, want) {
		t.Errorf("an unchanged report made\n%s\nwant only the reads, each answered from the ETag cache:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMergeAgainstFakeGitHubOnlyAtTheDecidedHead(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, decided := addPR(srv, "alice")
	srv.SetHead(owner, repo, n, githubtest.SHA("a later push"))
	err := c.Merge(ctx, n, decided, "squash")
	if !errors.Is(err, ErrHeadChanged) {
		t.Fatalf("merging a stale head: %v, want ErrHeadChanged", err)
	}
	if st := srv.PullRequestState(owner, repo, n); st.Merged {
		t.Fatal("a stale head was merged")
	}
	if err := c.Merge(ctx, n, githubtest.SHA("a later push"), "squash"); err != nil {
		t.Fatal(err)
	}
	if st := srv.PullRequestState(owner, repo, n); !st.Merged || st.MergedBy != githubtest.DefaultViewer {
		t.Errorf("after the merge: %+v", st)
	}
	if err := c.Merge(ctx, n, githubtest.SHA("a later push"), ""); !errors.Is(err, ErrNotMergeable) {
		t.Errorf("merging twice: %v, want ErrNotMergeable", err)
	}
	for _, bad := range []struct{ sha, method string }{{"", "merge"}, {decided, "octopus"}} {
		if err := c.Merge(ctx, n, bad.sha, bad.method); err == nil || errors.Is(err, ErrNotMergeable) {
			t.Errorf("Merge(%q, %q): %v, want a refusal before any call", bad.sha, bad.method, err)
		}
	}
	// GitHub merges and then answers 502: the retry sees the merge.
	m, head := addPR(srv, "bob")
	srv.FailAfterNextWrites(1, http.StatusBadGateway)
	if err := c.Merge(ctx, m, head, "merge"); err != nil {
		t.Errorf("a merge whose answer was lost: %v", err)
	}
}

func TestCloseAndCreatePullRequestAgainstFakeGitHub(t *testing.T) {
	srv, c := setup(t)
	ctx := context.Background()
	n, _ := addPR(srv, "alice")
	for range 2 {
		if err := c.Close(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if st := srv.PullRequestState(owner, repo, n); st.State != "closed" || st.Merged {
		t.Errorf("after Close: %+v", st)
	}

	srv.SetBranch(owner, repo, "request/bob-github-member", githubtest.SHA("bob's request"))
	// GitHub opens it and then answers 504: the retry finds it.
	srv.FailAfterNextWrites(1, http.StatusGatewayTimeout)
	pr, err := c.CreatePullRequest(ctx, "request/bob-github-member", "main", "bob requests member on github", "Justification: on-call")
	if err != nil {
		t.Fatal(err)
	}
	if pr.Number == 0 || pr.State != "open" || pr.HeadSHA != githubtest.SHA("bob's request") || pr.Author != githubtest.DefaultViewer {
		t.Errorf("created %+v", pr)
	}
	open, err := c.OpenPullRequests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].Number != pr.Number {
		t.Errorf("open pull requests %+v, want the one created once", open)
	}
	if st := srv.PullRequestState(owner, repo, pr.Number); st.Body != "Justification: on-call" {
		t.Errorf("body %q", st.Body)
	}
	_, err = c.CreatePullRequest(ctx, "request/bob-github-member", "main", "again", "")
	if err == nil || !strings.Contains(err.Error(), "no pull request from request/bob-github-member is open") {
		t.Errorf("a second pull request for the branch: %v", err)
	}
}

func TestAgainstFakeGitHubWaitsOutRateLimits(t *testing.T) {
	tests := []struct {
		name   string
		limit  func(*githubtest.Server)
		status int
	}{
		{"primary, 403", func(s *githubtest.Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusForbidden) }, 403},
		{"primary, 429", func(s *githubtest.Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusTooManyRequests) }, 429},
		{"secondary, Retry-After", func(s *githubtest.Server) { s.SecondaryRateLimit(300 * time.Millisecond) }, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t)
			n, _ := addPR(srv, "alice")
			tc.limit(srv)
			if err := c.SetLabels(context.Background(), n, "access:", []string{"access:pending-approval"}); err != nil {
				t.Fatalf("SetLabels while rate limited: %v", err)
			}
			refused := 0
			for _, r := range srv.Requests() {
				if r.Status == tc.status {
					refused++
				}
			}
			if refused != 1 {
				t.Errorf("%d requests were refused, want 1: the client must wait for the reset before asking again", refused)
			}
			if got := srv.Labels(owner, repo, n); !slices.Equal(got, []string{"access:pending-approval"}) {
				t.Errorf("labels after the wait: %v", got)
			}
		})
	}
}

func TestAgainstFakeGitHubRetriesAndGivesUpInTime(t *testing.T) {
	tests := []struct {
		name      string
		fault     func(*githubtest.Server)
		deadline  time.Duration
		wantErr   []string
		wantCalls int
	}{
		{"two 502s then success", func(s *githubtest.Server) { s.FailNext(2, http.StatusBadGateway) }, 0, nil, 3},
		{"502 throughout", func(s *githubtest.Server) { s.FailNext(10, http.StatusBadGateway) }, 0, []string{"reviews of pull request #1", "gave up after 3 attempts"}, fastRetry.Attempts},
		{"rate limited past the deadline", func(s *githubtest.Server) { s.ExhaustRateLimit(time.Hour, http.StatusForbidden) }, 200 * time.Millisecond, []string{"reviews of pull request #1", "rate limit", "deadline"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t)
			n, _ := addPR(srv, "alice")
			tc.fault(srv)
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			start := time.Now()
			_, err := c.Reviews(ctx, n)
			if (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("Reviews: %v, want an error: %v", err, tc.wantErr != nil)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if d := time.Since(start); tc.deadline > 0 && d > tc.deadline*3/4 {
				t.Errorf("took %s to give up: it should not sleep when the wait outlasts the deadline", d)
			}
			if calls := srv.Calls(""); calls != tc.wantCalls {
				t.Errorf("%d calls, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestCreatesAgainstFakeGitHubNeverDuplicateAfterA5xx(t *testing.T) {
	tests := []struct {
		name  string
		fault func(*githubtest.Server)
	}{
		{"refused before the work", func(s *githubtest.Server) { s.FailNextWrites(1, http.StatusServiceUnavailable) }},
		{"failed after the work", func(s *githubtest.Server) { s.FailAfterNextWrites(1, http.StatusBadGateway) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := setup(t)
			ctx := context.Background()
			n, sha := addPR(srv, "alice")
			srv.AddComment(owner, repo, n, "alice", "hello")
			tc.fault(srv)
			if _, created, err := c.UpsertComment(ctx, n, marker, "Waiting"); err != nil {
				t.Fatal(err)
			} else if created != (tc.name == "refused before the work") {
				// After a lost answer the retry finds the comment made.
				t.Errorf("created %v", created)
			}
			tc.fault(srv)
			if err := c.SetCheckRun(ctx, sha, CheckRun{Name: "gatehouse", Conclusion: ConclusionFailure, Title: "Waiting", Summary: "carol"}); err != nil {
				t.Fatal(err)
			}
			if cs := srv.Comments(owner, repo, n); len(cs) != 2 {
				t.Errorf("%d comments, want hello and one sticky comment", len(cs))
			}
			if runs := srv.CheckRuns(owner, repo, sha); len(runs) != 1 {
				t.Errorf("%d check runs, want 1", len(runs))
			}
		})
	}
}

func TestObserverAgainstFakeGitHubSeesEveryCall(t *testing.T) {
	var mu sync.Mutex
	var seen []Call
	srv := githubtest.NewServer(t)
	srv.AddRepo(owner, repo)
	var remaining []int
	srv.OnResponse(func(ex githubtest.Exchange) {
		var n int
		fmt.Sscan(ex.Header.Get("X-RateLimit-Remaining"), &n)
		remaining = append(remaining, n)
	})
	c := clientFor(t, srv, WithObserver(func(call Call) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, call)
	}))
	ctx := context.Background()
	n, sha := addPR(srv, "alice")
	srv.FailNext(1, http.StatusInternalServerError)
	if _, err := c.PullRequest(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PullRequest(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := c.SetCheckRun(ctx, sha, CheckRun{Name: "gatehouse", Conclusion: ConclusionFailure, Title: "Waiting", Summary: "carol"}); err != nil {
		t.Fatal(err)
	}
	srv.SecondaryRateLimit(100 * time.Millisecond)
	if err := c.SetLabels(ctx, n, "access:", []string{"access:pending-approval"}); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	log := srv.Requests()
	if len(seen) != len(log) {
		t.Fatalf("the observer saw %d calls, the fake answered %d", len(seen), len(log))
	}
	var statuses []int
	for i, call := range seen {
		if got, want := call.Method+" "+call.Route, log[i].Route; got != want {
			t.Errorf("call %d: route %q, want %q", i, got, want)
		}
		if call.Status != log[i].Status || call.RateRemaining != remaining[i] || call.Duration <= 0 {
			t.Errorf("call %d: %+v; the fake answered %d with %d remaining", i, call, log[i].Status, remaining[i])
		}
		statuses = append(statuses, call.Status)
	}
	want := []int{500, 200, 304, 200, 201, 403, 200, 200}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v (a 5xx retried, a conditional hit, a create, a rate-limited read waited out, a label added)", statuses, want)
	}
}

func TestClientWithoutGitHubRefusesEveryCall(t *testing.T) {
	c := NewClient(nil, owner, repo)
	ctx := context.Background()
	_, err1 := c.PullRequest(ctx, 1)
	_, err2 := c.OpenPullRequests(ctx)
	_, _, err3 := c.UpsertComment(ctx, 1, marker, "x")
	errs := []error{err1, err2, err3, c.SetLabels(ctx, 1, "access:", nil), c.Close(ctx, 1), c.Comment(ctx, 1, "x"),
		c.SetCheckRun(ctx, "abc", CheckRun{Name: "gatehouse", Conclusion: ConclusionSuccess, Title: "t", Summary: "s"})}
	for i, err := range errs {
		if !errors.Is(err, ErrNoClient) || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
			t.Errorf("call %d: %v, want ErrNoClient saying how to configure GitHub", i, err)
		}
	}
}
