package githubtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	docListPulls   = "https://docs.github.com/rest/pulls/pulls#list-pull-requests"
	docGetPull     = "https://docs.github.com/rest/pulls/pulls#get-a-pull-request"
	docUpdatePull  = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request"
	docCreatePull  = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
	docMergePull   = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"
	docListReviews = "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request"
)

func sortedPulls(r *repo) []*pull {
	out := make([]*pull, 0, len(r.pulls))
	for _, p := range r.pulls {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *pull) int { return a.number - b.number })
	return out
}

// pull finds the pull request a request names, or answers 404.
func (s *Server) pull(c *call, param, doc string) (*org, *repo, *pull, reply) {
	o, r, fail := s.repo(c, doc)
	if r == nil {
		return nil, nil, nil, fail
	}
	n, err := strconv.Atoi(c.path(param))
	if err != nil || r.pulls[n] == nil {
		return nil, nil, nil, notFound(doc)
	}
	return o, r, r.pulls[n], reply{}
}

// listPulls lists pull requests by state (open by default), head
// ("owner:branch") and base, newest first unless asked otherwise.
func (s *Server) listPulls(c *call) reply {
	o, r, fail := s.repo(c, docListPulls)
	if r == nil {
		return fail
	}
	q := c.r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if !slices.Contains([]string{"open", "closed", "all"}, state) {
		return invalid("PullRequest", "state", docListPulls)
	}
	sortBy, dir := q.Get("sort"), q.Get("direction")
	if sortBy == "" {
		sortBy = "created"
	}
	if !slices.Contains([]string{"created", "updated", "popularity", "long-running"}, sortBy) {
		return invalid("PullRequest", "sort", docListPulls)
	}
	if dir == "" {
		dir = "asc"
		if sortBy == "created" {
			dir = "desc"
		}
	}
	if dir != "asc" && dir != "desc" {
		return invalid("PullRequest", "direction", docListPulls)
	}
	head := q.Get("head")
	if owner, ref, ok := strings.Cut(head, ":"); ok {
		if !strings.EqualFold(owner, o.login) {
			return page(c, []pullSimpleJSON{})
		}
		head = ref
	}
	var ps []*pull
	for _, p := range sortedPulls(r) {
		if (state == "all" || p.state == state) && (head == "" || p.headRef == head) && (q.Get("base") == "" || p.baseRef == q.Get("base")) {
			ps = append(ps, p)
		}
	}
	if sortBy == "updated" {
		slices.SortStableFunc(ps, func(a, b *pull) int { return a.updated.Compare(b.updated) })
	}
	if dir == "desc" {
		slices.Reverse(ps)
	}
	out := make([]pullSimpleJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, pullSimpleOf(c.url, o, r, p))
	}
	return page(c, out)
}

func (s *Server) getPull(c *call) reply {
	o, r, p, fail := s.pull(c, "pull_number", docGetPull)
	if p == nil {
		return fail
	}
	return ok(pullOf(c.url, o, r, p))
}

// updatePull changes a pull request's title, body, base or state; a
// merged pull request cannot be reopened.
func (s *Server) updatePull(c *call) reply {
	var in struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
		Base  *string `json:"base"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docUpdatePull)
	}
	o, r, p, fail := s.pull(c, "pull_number", docUpdatePull)
	if p == nil {
		return fail
	}
	now := time.Now().UTC().Truncate(time.Second)
	switch {
	case in.State == nil:
	case *in.State != "open" && *in.State != "closed":
		return invalid("PullRequest", "state", docUpdatePull)
	case *in.State == "open" && p.merged:
		return invalid("PullRequest", "state", docUpdatePull)
	case *in.State != p.state:
		p.state = *in.State
		p.closedAt = time.Time{}
		if p.state == "closed" {
			p.closedAt = now
		}
	}
	if in.Base != nil {
		sha, known := r.branches[*in.Base]
		if !known {
			return invalid("PullRequest", "base", docUpdatePull)
		}
		p.baseRef, p.baseSHA = *in.Base, sha
	}
	if in.Title != nil {
		p.title = *in.Title
	}
	if in.Body != nil {
		p.body = *in.Body
	}
	p.updated = now
	return ok(pullOf(c.url, o, r, p))
}

// createPull opens a pull request from an existing head branch (given as
// "branch" or "owner:branch") into an existing base branch, as the
// authenticated account; one open pull request per head and base.
func (s *Server) createPull(c *call) reply {
	var in struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docCreatePull)
	}
	o, r, fail := s.repo(c, docCreatePull)
	if r == nil {
		return fail
	}
	head := in.Head
	if owner, ref, ok := strings.Cut(head, ":"); ok {
		if !strings.EqualFold(owner, o.login) {
			return invalid("PullRequest", "head", docCreatePull)
		}
		head = ref
	}
	switch {
	case in.Title == "":
		return invalid("PullRequest", "title", docCreatePull)
	case r.branches[in.Base] == "":
		return invalid("PullRequest", "base", docCreatePull)
	case r.branches[head] == "":
		return invalid("PullRequest", "head", docCreatePull)
	}
	for _, p := range r.pulls {
		if p.state == "open" && p.headRef == head && p.baseRef == in.Base {
			return reply{status: http.StatusUnprocessableEntity, body: basicError{
				Message: "Validation Failed",
				Errors: []validationIssue{{Resource: "PullRequest", Code: "custom",
					Message: "A pull request already exists for " + o.login + ":" + head + "."}},
				DocumentationURL: docCreatePull,
			}}
		}
	}
	p := r.newPull(s.st, s.viewerUser(), PullRequest{
		Number: r.nextNumber, Title: in.Title, Body: in.Body, Draft: in.Draft,
		BaseRef: in.Base, BaseSHA: r.branches[in.Base], HeadRef: head, HeadSHA: r.branches[head],
	})
	return reply{status: http.StatusCreated, body: pullOf(c.url, o, r, p)}
}

// mergePull merges an open pull request when its head is still the sha
// the request names (409 otherwise); drafts and closed pull requests are
// not mergeable (405).
func (s *Server) mergePull(c *call) reply {
	var in struct {
		SHA         string `json:"sha"`
		MergeMethod string `json:"merge_method"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docMergePull)
	}
	if !slices.Contains([]string{"", "merge", "squash", "rebase"}, in.MergeMethod) {
		return invalid("PullRequest", "merge_method", docMergePull)
	}
	_, r, p, fail := s.pull(c, "pull_number", docMergePull)
	if p == nil {
		return fail
	}
	switch {
	case p.state != "open" || p.draft:
		return apiError(http.StatusMethodNotAllowed, "Pull Request is not mergeable", docMergePull)
	case in.SHA != "" && in.SHA != p.headSHA:
		return apiError(http.StatusConflict, "Head branch was modified. Review and try the merge again.", docMergePull)
	}
	sha := r.merge(p, s.viewerUser())
	return ok(map[string]any{"sha": sha, "merged": true, "message": "Pull Request successfully merged"})
}

func (s *Server) listReviews(c *call) reply {
	o, r, p, fail := s.pull(c, "pull_number", docListReviews)
	if p == nil {
		return fail
	}
	out := make([]reviewJSON, 0, len(p.reviews))
	for _, rv := range p.reviews {
		out = append(out, reviewOf(c.url, o, r, p, rv))
	}
	return page(c, out)
}
