package github

import (
	"context"
	"fmt"
	"net/http"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// Routes of the endpoints a Client calls, as observers see them.
const (
	routePulls     = "/repos/{owner}/{repo}/pulls"
	routePull      = "/repos/{owner}/{repo}/pulls/{pull_number}"
	routeMerge     = "/repos/{owner}/{repo}/pulls/{pull_number}/merge"
	routeReviews   = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
	routeComments  = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
	routeComment   = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
	routeLabels    = "/repos/{owner}/{repo}/issues/{issue_number}/labels"
	routeLabel     = "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"
	routeCheckRuns = "/repos/{owner}/{repo}/commits/{ref}/check-runs"
	routeCreateRun = "/repos/{owner}/{repo}/check-runs"
	routeUpdateRun = "/repos/{owner}/{repo}/check-runs/{check_run_id}"
)

// PullRequest is what gatehouse needs of a pull request.
type PullRequest struct {
	Number int
	Title  string
	// State is "open" or "closed".
	State  string
	Draft  bool
	Merged bool
	// MergeCommitSHA is the commit a merge made; GitHub also fills it
	// with a test merge for open pull requests.
	MergeCommitSHA string
	BaseRef        string
	BaseSHA        string
	HeadRef        string
	HeadSHA        string
	// Author is the login of the account that opened it.
	Author  string
	HTMLURL string
}

func pullRequestOf(p *gh.PullRequest) PullRequest {
	return PullRequest{
		Number: p.GetNumber(), Title: p.GetTitle(), State: p.GetState(), Draft: p.GetDraft(),
		Merged:         p.GetMerged() || p.MergedAt != nil,
		MergeCommitSHA: p.GetMergeCommitSHA(),
		BaseRef:        p.GetBase().GetRef(), BaseSHA: p.GetBase().GetSHA(),
		HeadRef: p.GetHead().GetRef(), HeadSHA: p.GetHead().GetSHA(),
		Author: p.GetUser().GetLogin(), HTMLURL: p.GetHTMLURL(),
	}
}

// Review is one submitted review of a pull request.
type Review struct {
	ID   int64
	User string
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED.
	State string
	// CommitID is the head commit the review was given on.
	CommitID    string
	SubmittedAt time.Time
}

// Comment is one comment on a pull request's conversation (an issue
// comment).
type Comment struct {
	ID        int64
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func commentOf(c *gh.IssueComment) Comment {
	return Comment{
		ID: c.GetID(), User: c.GetUser().GetLogin(), Body: c.GetBody(),
		CreatedAt: c.GetCreatedAt().Time, UpdatedAt: c.GetUpdatedAt().Time,
	}
}

// PullRequest reads pull request n.
func (c *Client) PullRequest(ctx context.Context, n int) (PullRequest, error) {
	op := fmt.Sprintf("read pull request #%d", n)
	if err := c.ready(op); err != nil {
		return PullRequest{}, err
	}
	ctx = at(ctx, routePull)
	p, _, err := Fetch(ctx, c.retry, func() (*gh.PullRequest, *gh.Response, error) {
		return c.gh.PullRequests.Get(ctx, c.owner, c.repo, n)
	})
	if err != nil {
		return PullRequest{}, c.fail(op, err)
	}
	return pullRequestOf(p), nil
}

// OpenPullRequests lists every open pull request, newest first.
func (c *Client) OpenPullRequests(ctx context.Context) ([]PullRequest, error) {
	const op = "list the open pull requests"
	if err := c.ready(op); err != nil {
		return nil, err
	}
	ctx = at(ctx, routePulls)
	ps, err := ListAll(ctx, c.retry, func(o gh.ListOptions) ([]*gh.PullRequest, *gh.Response, error) {
		return c.gh.PullRequests.List(ctx, c.owner, c.repo, &gh.PullRequestListOptions{State: "open", ListOptions: o})
	})
	if err != nil {
		return nil, c.fail(op, err)
	}
	out := make([]PullRequest, 0, len(ps))
	for _, p := range ps {
		out = append(out, pullRequestOf(p))
	}
	return out, nil
}

// Reviews lists every submitted review of pull request n, oldest first.
func (c *Client) Reviews(ctx context.Context, n int) ([]Review, error) {
	op := fmt.Sprintf("list the reviews of pull request #%d", n)
	if err := c.ready(op); err != nil {
		return nil, err
	}
	ctx = at(ctx, routeReviews)
	rs, err := ListAll(ctx, c.retry, func(o gh.ListOptions) ([]*gh.PullRequestReview, *gh.Response, error) {
		return c.gh.PullRequests.ListReviews(ctx, c.owner, c.repo, n, &o)
	})
	if err != nil {
		return nil, c.fail(op, err)
	}
	out := make([]Review, 0, len(rs))
	for _, r := range rs {
		out = append(out, Review{
			ID: r.GetID(), User: r.GetUser().GetLogin(), State: r.GetState(),
			CommitID: r.GetCommitID(), SubmittedAt: r.GetSubmittedAt().Time,
		})
	}
	return out, nil
}

// Comments lists every comment on pull request n's conversation, oldest
// first.
func (c *Client) Comments(ctx context.Context, n int) ([]Comment, error) {
	op := fmt.Sprintf("list the comments of pull request #%d", n)
	if err := c.ready(op); err != nil {
		return nil, err
	}
	cs, err := c.comments(ctx, n)
	if err != nil {
		return nil, c.fail(op, err)
	}
	out := make([]Comment, 0, len(cs))
	for _, cm := range cs {
		out = append(out, commentOf(cm))
	}
	return out, nil
}

func (c *Client) comments(ctx context.Context, n int) ([]*gh.IssueComment, error) {
	ctx = at(ctx, routeComments)
	return ListAll(ctx, c.retry, func(o gh.ListOptions) ([]*gh.IssueComment, *gh.Response, error) {
		return c.gh.Issues.ListComments(ctx, c.owner, c.repo, n, &gh.IssueListCommentsOptions{ListOptions: o})
	})
}

// Close closes pull request n without merging it; closing a closed one
// changes nothing.
func (c *Client) Close(ctx context.Context, n int) error {
	op := fmt.Sprintf("close pull request #%d", n)
	if err := c.ready(op); err != nil {
		return err
	}
	ctx = at(ctx, routePull)
	_, err := c.retry.Do(ctx, func() (*gh.Response, error) {
		_, resp, err := c.gh.PullRequests.Edit(ctx, c.owner, c.repo, n, &gh.PullRequest{State: gh.String("closed")})
		return resp, err
	})
	return c.fail(op, err)
}

// Merge merges pull request n with method ("merge", "squash" or "rebase";
// "" is GitHub's default, "merge") only while its head is still sha:
// when someone pushed meanwhile it returns ErrHeadChanged, when GitHub
// refuses to merge ErrNotMergeable.
func (c *Client) Merge(ctx context.Context, n int, sha, method string) error {
	op := fmt.Sprintf("merge pull request #%d at %.12s", n, sha)
	if err := c.ready(op); err != nil {
		return err
	}
	switch method {
	case "", "merge", "squash", "rebase":
	default:
		return fmt.Errorf("github %s: %s: unknown merge method %q; use merge, squash or rebase", c.Repo(), op, method)
	}
	if sha == "" {
		return fmt.Errorf("github %s: merge pull request #%d: no head commit given: gatehouse merges only the commit it decided on", c.Repo(), n)
	}
	err := c.attempt(ctx, func(try int) error {
		if try > 0 {
			// The merge may have happened before GitHub failed to say so.
			p, err := c.PullRequest(ctx, n)
			if err != nil {
				return err
			}
			if p.Merged && p.HeadSHA == sha {
				return nil
			}
		}
		mctx := at(ctx, routeMerge)
		_, err := c.once().Do(mctx, func() (*gh.Response, error) {
			_, resp, err := c.gh.PullRequests.Merge(mctx, c.owner, c.repo, n, "", &gh.PullRequestOptions{SHA: sha, MergeMethod: method})
			return resp, err
		})
		return err
	})
	switch statusOf(err) {
	case http.StatusConflict:
		err = fmt.Errorf("%w: %w; decide again on the new head", ErrHeadChanged, err)
	case http.StatusMethodNotAllowed:
		err = fmt.Errorf("%w: %w; check that it is open, not a draft, has no conflicts and meets branch protection", ErrNotMergeable, err)
	}
	return c.fail(op, err)
}

// CreatePullRequest opens a pull request from branch head into base. A
// create that failed with a 5xx is looked for before it is tried again,
// so that one request opens one pull request.
func (c *Client) CreatePullRequest(ctx context.Context, head, base, title, body string) (PullRequest, error) {
	op := fmt.Sprintf("open a pull request from %s into %s", head, base)
	if err := c.ready(op); err != nil {
		return PullRequest{}, err
	}
	var created PullRequest
	err := c.attempt(ctx, func(try int) error {
		if try > 0 {
			lctx := at(ctx, routePulls)
			ps, _, err := Fetch(lctx, c.retry, func() ([]*gh.PullRequest, *gh.Response, error) {
				return c.gh.PullRequests.List(lctx, c.owner, c.repo, &gh.PullRequestListOptions{State: "open", Head: c.owner + ":" + head, Base: base})
			})
			if err != nil {
				return err
			}
			if len(ps) > 0 {
				created = pullRequestOf(ps[0])
				return nil
			}
		}
		cctx := at(ctx, routePulls)
		p, _, err := Fetch(cctx, c.once(), func() (*gh.PullRequest, *gh.Response, error) {
			return c.gh.PullRequests.Create(cctx, c.owner, c.repo, &gh.NewPullRequest{Title: &title, Head: &head, Base: &base, Body: &body})
		})
		if err == nil {
			created = pullRequestOf(p)
		}
		return err
	})
	if statusOf(err) == http.StatusUnprocessableEntity {
		return PullRequest{}, c.fail(op, fmt.Errorf("%w; check that both branches exist on GitHub and that no pull request from %s is open", err, head))
	}
	return created, c.fail(op, err)
}
