package github

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"
)

// Conclusions a check run of gatehouse's can have.
const (
	ConclusionSuccess        = "success"
	ConclusionFailure        = "failure"
	ConclusionActionRequired = "action_required"
	ConclusionNeutral        = "neutral"
)

// Limits GitHub puts on what gatehouse writes, in characters.
const (
	// MaxCheckRunOutput is the longest check-run summary or text.
	MaxCheckRunOutput = 65535
	// MaxCommentBody is the longest comment.
	MaxCommentBody = 65536
)

// CheckRun is the completed check run gatehouse shows on a commit.
type CheckRun struct {
	// Name identifies the check on the commit, such as "gatehouse".
	Name string
	// Conclusion is "success", "failure", "action_required" or
	// "neutral".
	Conclusion string
	// Title, Summary (markdown) and Text (markdown) are the output shown
	// on the pull request; Summary and Text longer than
	// MaxCheckRunOutput are cut short with a note.
	Title      string
	Summary    string
	Text       string
	DetailsURL string
}

// truncated cuts s to at most n characters, saying so at the end.
func truncated(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	const note = "\n\n… (cut short: GitHub shows at most 65,535 characters here)"
	r := []rune(s)
	return string(r[:n-utf8.RuneCountInString(note)]) + note
}

// SetCheckRun shows run on commit headSHA: it updates the latest check
// run of that name on the commit when there is one (and only when
// something differs), and creates it otherwise, so that a commit has one
// run per name, never duplicates.
func (c *Client) SetCheckRun(ctx context.Context, headSHA string, run CheckRun) error {
	op := fmt.Sprintf("set check run %q on %.12s", run.Name, headSHA)
	if err := c.ready(op); err != nil {
		return err
	}
	switch {
	case run.Name == "":
		return fmt.Errorf("github %s: set a check run on %.12s: no name given", c.Repo(), headSHA)
	case headSHA == "":
		return fmt.Errorf("github %s: %s: no commit given", c.Repo(), op)
	case !slices.Contains([]string{ConclusionSuccess, ConclusionFailure, ConclusionActionRequired, ConclusionNeutral}, run.Conclusion):
		return fmt.Errorf("github %s: %s: conclusion %q is not success, failure, action_required or neutral", c.Repo(), op, run.Conclusion)
	case run.Title == "" || run.Summary == "":
		return fmt.Errorf("github %s: %s: a title and a summary are required", c.Repo(), op)
	}
	run.Summary = truncated(run.Summary, MaxCheckRunOutput)
	run.Text = truncated(run.Text, MaxCheckRunOutput)
	output := &gh.CheckRunOutput{Title: &run.Title, Summary: &run.Summary}
	if run.Text != "" {
		output.Text = &run.Text
	}
	var details *string
	if run.DetailsURL != "" {
		details = &run.DetailsURL
	}
	err := c.attempt(ctx, func(int) error {
		lctx := at(ctx, routeCheckRuns)
		runs, err := ListAll(lctx, c.retry, func(o gh.ListOptions) ([]*gh.CheckRun, *gh.Response, error) {
			res, resp, err := c.gh.Checks.ListCheckRunsForRef(lctx, c.owner, c.repo, headSHA, &gh.ListCheckRunsOptions{CheckName: &run.Name, Filter: gh.String("latest"), ListOptions: o})
			if res == nil {
				return nil, resp, err
			}
			return res.CheckRuns, resp, err
		})
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(runs, func(r *gh.CheckRun) bool { return r.GetName() == run.Name }); i >= 0 {
			existing := runs[i]
			if showsRun(existing, run) {
				return nil
			}
			uctx := at(ctx, routeUpdateRun)
			_, err := c.retry.Do(uctx, func() (*gh.Response, error) {
				_, resp, err := c.gh.Checks.UpdateCheckRun(uctx, c.owner, c.repo, existing.GetID(), gh.UpdateCheckRunOptions{
					Name: run.Name, Conclusion: &run.Conclusion, Status: gh.String("completed"),
					CompletedAt: &gh.Timestamp{Time: time.Now()}, Output: output, DetailsURL: details,
				})
				return resp, err
			})
			return err
		}
		cctx := at(ctx, routeCreateRun)
		_, err = c.once().Do(cctx, func() (*gh.Response, error) {
			_, resp, err := c.gh.Checks.CreateCheckRun(cctx, c.owner, c.repo, gh.CreateCheckRunOptions{
				Name: run.Name, HeadSHA: headSHA, Conclusion: &run.Conclusion, Status: gh.String("completed"),
				CompletedAt: &gh.Timestamp{Time: time.Now()}, Output: output, DetailsURL: details,
			})
			return resp, err
		})
		return err
	})
	return c.fail(op, err)
}

// showsRun reports whether an existing check run already shows run.
func showsRun(r *gh.CheckRun, run CheckRun) bool {
	o := r.GetOutput()
	return r.GetStatus() == "completed" && r.GetConclusion() == run.Conclusion &&
		o.GetTitle() == run.Title && o.GetSummary() == run.Summary && o.GetText() == run.Text &&
		// GitHub fills in a details URL of its own when none is given.
		(run.DetailsURL == "" || r.GetDetailsURL() == run.DetailsURL)
}

// UpsertComment keeps one comment on pull request n's conversation, the
// one whose body contains marker (a hidden HTML comment such as
// "<!-- gatehouse:summary -->"; body gets it at its start when it lacks
// it). The comment is found again on every call, after a restart too, and
// edited in place when its body differs, left alone when it is the same
// (no write), and created when there is none. It is never deleted. With
// WithLogin, only that account's comments count. It returns the
// comment's id and whether it was created.
func (c *Client) UpsertComment(ctx context.Context, n int, marker, body string) (id int64, created bool, err error) {
	op := fmt.Sprintf("update gatehouse's comment on pull request #%d", n)
	if err := c.ready(op); err != nil {
		return 0, false, err
	}
	if strings.TrimSpace(marker) == "" {
		return 0, false, fmt.Errorf("github %s: %s: no marker given: pass the hidden comment that identifies it, such as <!-- gatehouse:summary -->", c.Repo(), op)
	}
	if !strings.Contains(body, marker) {
		body = marker + "\n" + body
	}
	if k := utf8.RuneCountInString(body); k > MaxCommentBody {
		return 0, false, fmt.Errorf("github %s: %s: the body has %d characters, GitHub takes at most %d: shorten it", c.Repo(), op, k, MaxCommentBody)
	}
	err = c.attempt(ctx, func(int) error {
		cs, err := c.comments(ctx, n)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(cs, func(cm *gh.IssueComment) bool {
			return strings.Contains(cm.GetBody(), marker) && (c.login == "" || strings.EqualFold(cm.GetUser().GetLogin(), c.login))
		})
		if i >= 0 {
			id, created = cs[i].GetID(), false
			if cs[i].GetBody() == body {
				return nil
			}
			ectx := at(ctx, routeComment)
			_, err := c.retry.Do(ectx, func() (*gh.Response, error) {
				_, resp, err := c.gh.Issues.EditComment(ectx, c.owner, c.repo, id, &gh.IssueComment{Body: &body})
				return resp, err
			})
			return err
		}
		cctx := at(ctx, routeComments)
		cm, _, err := Fetch(cctx, c.once(), func() (*gh.IssueComment, *gh.Response, error) {
			return c.gh.Issues.CreateComment(cctx, c.owner, c.repo, n, &gh.IssueComment{Body: &body})
		})
		if err == nil {
			id, created = cm.GetID(), true
		}
		return err
	})
	if err != nil {
		return 0, false, c.fail(op, err)
	}
	return id, created, nil
}

// Comment posts body as a new comment on pull request n's conversation.
// A post that failed with a 5xx is looked for before it is tried again,
// so that one call posts once.
func (c *Client) Comment(ctx context.Context, n int, body string) error {
	op := fmt.Sprintf("comment on pull request #%d", n)
	if err := c.ready(op); err != nil {
		return err
	}
	if k := utf8.RuneCountInString(body); k > MaxCommentBody || strings.TrimSpace(body) == "" {
		return fmt.Errorf("github %s: %s: the body has %d characters, GitHub takes 1 to %d", c.Repo(), op, k, MaxCommentBody)
	}
	start := time.Now().Add(-time.Minute)
	err := c.attempt(ctx, func(try int) error {
		if try > 0 {
			cs, err := c.comments(ctx, n)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(cs, func(cm *gh.IssueComment) bool {
				return cm.GetBody() == body && cm.GetCreatedAt().After(start) && (c.login == "" || strings.EqualFold(cm.GetUser().GetLogin(), c.login))
			}) {
				return nil
			}
		}
		cctx := at(ctx, routeComments)
		_, err := c.once().Do(cctx, func() (*gh.Response, error) {
			_, resp, err := c.gh.Issues.CreateComment(cctx, c.owner, c.repo, n, &gh.IssueComment{Body: &body})
			return resp, err
		})
		return err
	})
	return c.fail(op, err)
}

// SetLabels makes the labels of pull request n that start with prefix
// exactly want: it adds the wanted ones missing (GitHub creates a label
// the repository lacks) and removes the others with the prefix. Labels
// without the prefix are never touched, and nothing is written when
// nothing changes. Every wanted label must start with prefix, which must
// not be empty. GitHub compares label names without case.
func (c *Client) SetLabels(ctx context.Context, n int, prefix string, want []string) error {
	op := fmt.Sprintf("set the %s labels of pull request #%d", prefix, n)
	if err := c.ready(op); err != nil {
		return err
	}
	if prefix == "" {
		return fmt.Errorf("github %s: set the labels of pull request #%d: no prefix given: gatehouse manages only the labels with its prefix, such as \"access:\"", c.Repo(), n)
	}
	wanted := map[string]bool{}
	for _, w := range want {
		if !hasPrefixFold(w, prefix) {
			return fmt.Errorf("github %s: %s: label %q does not start with %q", c.Repo(), op, w, prefix)
		}
		wanted[strings.ToLower(w)] = true
	}
	lctx := at(ctx, routeLabels)
	have, err := ListAll(lctx, c.retry, func(o gh.ListOptions) ([]*gh.Label, *gh.Response, error) {
		return c.gh.Issues.ListLabelsByIssue(lctx, c.owner, c.repo, n, &o)
	})
	if err != nil {
		return c.fail(op, err)
	}
	held := map[string]bool{}
	var remove []string
	for _, l := range have {
		name := l.GetName()
		held[strings.ToLower(name)] = true
		if hasPrefixFold(name, prefix) && !wanted[strings.ToLower(name)] {
			remove = append(remove, name)
		}
	}
	var add []string
	for _, w := range want {
		if !held[strings.ToLower(w)] && !slices.Contains(add, w) {
			add = append(add, w)
			held[strings.ToLower(w)] = true
		}
	}
	if len(add) > 0 {
		_, err := c.retry.Do(lctx, func() (*gh.Response, error) {
			_, resp, err := c.gh.Issues.AddLabelsToIssue(lctx, c.owner, c.repo, n, add)
			return resp, err
		})
		if err != nil {
			return c.fail(fmt.Sprintf("%s: add %s", op, strings.Join(add, ", ")), err)
		}
	}
	for _, name := range remove {
		dctx := at(ctx, routeLabel)
		_, err := c.retry.Do(dctx, func() (*gh.Response, error) {
			resp, err := c.gh.Issues.RemoveLabelForIssue(dctx, c.owner, c.repo, n, name)
			if IsNotFound(err) {
				// Someone removed it meanwhile: done.
				return resp, nil
			}
			return resp, err
		})
		if err != nil {
			return c.fail(fmt.Sprintf("%s: remove %s", op, name), err)
		}
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
