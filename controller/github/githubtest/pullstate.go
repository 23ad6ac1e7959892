package githubtest

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultViewer is the account the fake attributes its writes to
// (comments, pull requests, merges, check runs) until ActAs names
// another: a GitHub App's bot, as gatehouse runs in production.
const DefaultViewer = "gatehouse[bot]"

// pull is one pull request, which is also an issue of the same number.
type pull struct {
	id                      int64
	number                  int
	title, body             string
	user                    *user
	state                   string
	draft, merged           bool
	mergedBy                *user
	mergeCommitSHA          string
	baseRef, baseSHA        string
	headRef, headSHA        string
	created, updated        time.Time
	closedAt, mergedAt      time.Time
	reviews                 []*review
	labels                  []*label
	maintainerCanModify     bool
	additions, deletions    int
	changedFiles, commitsIn int
}

type review struct {
	id        int64
	user      *user
	state     string
	body      string
	commitID  string
	submitted time.Time
}

type comment struct {
	id               int64
	issue            int
	user             *user
	body             string
	created, updated time.Time
	edits            int
}

type label struct {
	id          int64
	name        string
	color       string
	description string
}

type checkRun struct {
	id                     int64
	name, headSHA          string
	status, conclusion     string
	title, summary, text   string
	detailsURL, externalID string
	started, completed     time.Time
	app                    *user
}

// PullRequest is a pull request as a test sets it up. Number 0 takes the
// repository's next number; empty refs are "main" and "request"; empty
// SHAs are made up; the author must be set.
type PullRequest struct {
	Number  int
	Title   string
	Body    string
	Author  string
	BaseRef string
	BaseSHA string
	HeadRef string
	HeadSHA string
	Draft   bool
}

// PullRequestState is what became of a pull request.
type PullRequestState struct {
	// State is "open" or "closed".
	State          string
	Merged         bool
	MergedBy       string
	MergeCommitSHA string
	Title, Body    string
	BaseRef        string
	HeadSHA        string
}

// Comment is one issue comment as the fake holds it.
type Comment struct {
	ID   int64
	User string
	Body string
	// Edited says the comment was changed after it was created.
	Edited bool
}

// CheckRun is one check run as the fake holds it.
type CheckRun struct {
	ID         int64
	Name       string
	HeadSHA    string
	Status     string
	Conclusion string
	Title      string
	Summary    string
	Text       string
	DetailsURL string
	// App is the login of the account that created it.
	App string
}

// SHA makes up a commit id from seed, the same for the same seed.
func SHA(seed string) string {
	sum := sha1.Sum([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// ActAs makes the fake attribute its writes to login, the account the
// client under test authenticates as.
func (s *Server) ActAs(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.viewer = login
}

func (s *Server) viewerUser() *user {
	if s.viewer == "" {
		return s.st.user(DefaultViewer)
	}
	return s.st.user(s.viewer)
}

// SetBranch points a branch of org's repository at sha, creating both.
func (s *Server) SetBranch(org, repoName, branch, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(org, repoName).setBranch(branch, sha)
}

func (r *repo) setBranch(branch, sha string) {
	r.branches[branch] = sha
	r.commits[sha] = true
}

// AddPullRequest opens a pull request in org's repository, creating the
// repository, the author and both branches as needed, and returns its
// number.
func (s *Server) AddPullRequest(org, repoName string, spec PullRequest) int {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.repo(org, repoName)
	if spec.Author == "" {
		s.t.Fatalf("githubtest: AddPullRequest to %s/%s: no author", org, repoName)
	}
	if spec.Number == 0 {
		spec.Number = r.nextNumber
	}
	if r.pulls[spec.Number] != nil {
		s.t.Fatalf("githubtest: AddPullRequest to %s/%s: #%d exists", org, repoName, spec.Number)
	}
	defaults := map[*string]string{
		&spec.BaseRef: r.defaultBranch, &spec.HeadRef: "request-" + strconv.Itoa(spec.Number),
		&spec.Title: "Pull request " + strconv.Itoa(spec.Number),
	}
	for field, v := range defaults {
		if *field == "" {
			*field = v
		}
	}
	if spec.BaseSHA == "" {
		spec.BaseSHA = r.branches[spec.BaseRef]
		if spec.BaseSHA == "" {
			spec.BaseSHA = SHA(org + "/" + repoName + "@" + spec.BaseRef)
		}
	}
	if spec.HeadSHA == "" {
		spec.HeadSHA = SHA(org + "/" + repoName + "#" + strconv.Itoa(spec.Number))
	}
	r.setBranch(spec.BaseRef, spec.BaseSHA)
	r.setBranch(spec.HeadRef, spec.HeadSHA)
	r.newPull(s.st, s.st.user(spec.Author), spec)
	return spec.Number
}

func (r *repo) newPull(st *state, author *user, spec PullRequest) *pull {
	now := time.Now().UTC().Truncate(time.Second)
	p := &pull{
		id: st.id(), number: spec.Number, title: spec.Title, body: spec.Body, user: author,
		state: "open", draft: spec.Draft, baseRef: spec.BaseRef, baseSHA: spec.BaseSHA,
		headRef: spec.HeadRef, headSHA: spec.HeadSHA, created: now, updated: now,
		maintainerCanModify: true, additions: 12, deletions: 0, changedFiles: 1, commitsIn: 1,
	}
	r.pulls[p.number] = p
	r.nextNumber = max(r.nextNumber, p.number+1)
	return p
}

// pullOf finds a pull request a test names, or fails the test.
func (s *Server) pullOf(org, repoName string, n int) (*repo, *pull) {
	s.t.Helper()
	r := s.st.repo(org, repoName)
	p := r.pulls[n]
	if p == nil {
		s.t.Fatalf("githubtest: %s/%s has no pull request #%d", org, repoName, n)
	}
	return r, p
}

// SetHead pushes sha to the pull request's head branch.
func (s *Server) SetHead(org, repoName string, n int, sha string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p := s.pullOf(org, repoName, n)
	p.headSHA = sha
	p.updated = time.Now().UTC().Truncate(time.Second)
	r.setBranch(p.headRef, sha)
}

// AddReview submits a review of the pull request by login in state
// (APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED) on commitID, and
// returns its id.
func (s *Server) AddReview(org, repoName string, n int, login, state, commitID string) int64 {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains([]string{"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"}, state) {
		s.t.Fatalf("githubtest: AddReview by %s: state %q is not APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED", login, state)
	}
	_, p := s.pullOf(org, repoName, n)
	rv := &review{id: s.st.id(), user: s.st.user(login), state: state, commitID: commitID, submitted: time.Now().UTC().Truncate(time.Second)}
	p.reviews = append(p.reviews, rv)
	return rv.id
}

// AddComment comments on the pull request as login and returns the
// comment's id.
func (s *Server) AddComment(org, repoName string, n int, login, body string) int64 {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p := s.pullOf(org, repoName, n)
	return r.newComment(s.st, p.number, s.st.user(login), body).id
}

func (r *repo) newComment(st *state, issue int, u *user, body string) *comment {
	now := time.Now().UTC().Truncate(time.Second)
	cm := &comment{id: st.id(), issue: issue, user: u, body: body, created: now, updated: now}
	r.comments[cm.id] = cm
	return cm
}

// MergePR merges the pull request as login, as if someone pressed the
// button, and returns the merge commit's id.
func (s *Server) MergePR(org, repoName string, n int, login string) string {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p := s.pullOf(org, repoName, n)
	return r.merge(p, s.st.user(login))
}

func (r *repo) merge(p *pull, by *user) string {
	now := time.Now().UTC().Truncate(time.Second)
	p.state, p.merged, p.mergedBy = "closed", true, by
	p.mergedAt, p.closedAt, p.updated = now, now, now
	p.mergeCommitSHA = SHA("merge " + p.headSHA + " into " + p.baseSHA)
	r.setBranch(p.baseRef, p.mergeCommitSHA)
	return p.mergeCommitSHA
}

// ClosePR closes the pull request without merging it.
func (s *Server) ClosePR(org, repoName string, n int) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p := s.pullOf(org, repoName, n)
	now := time.Now().UTC().Truncate(time.Second)
	p.state, p.closedAt, p.updated = "closed", now, now
}

// PullRequestState returns what became of the pull request.
func (s *Server) PullRequestState(org, repoName string, n int) PullRequestState {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p := s.pullOf(org, repoName, n)
	st := PullRequestState{State: p.state, Merged: p.merged, MergeCommitSHA: p.mergeCommitSHA, Title: p.title, Body: p.body, BaseRef: p.baseRef, HeadSHA: p.headSHA}
	if p.mergedBy != nil {
		st.MergedBy = p.mergedBy.login
	}
	return st
}

// Comments returns the comments on issue or pull request n, oldest
// first.
func (s *Server) Comments(org, repoName string, n int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, cm := range s.st.repo(org, repoName).issueComments(n) {
		out = append(out, Comment{ID: cm.id, User: cm.user.login, Body: cm.body, Edited: cm.edits > 0})
	}
	return out
}

func (r *repo) issueComments(n int) []*comment {
	var out []*comment
	for _, cm := range r.comments {
		if cm.issue == n {
			out = append(out, cm)
		}
	}
	slices.SortFunc(out, func(a, b *comment) int { return int(a.id - b.id) })
	return out
}

// Labels returns the names of the labels on issue or pull request n, in
// the order GitHub lists them (by name).
func (s *Server) Labels(org, repoName string, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.repo(org, repoName).pulls[n]
	if p == nil {
		return nil
	}
	out := []string{}
	for _, l := range p.labels {
		out = append(out, l.name)
	}
	return out
}

// AddLabel puts a label on issue or pull request n, creating it in the
// repository when it does not exist.
func (s *Server) AddLabel(org, repoName string, n int, name string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p := s.pullOf(org, repoName, n)
	r.addLabels(s.st, p, []string{name})
}

func (r *repo) addLabels(st *state, p *pull, names []string) {
	for _, name := range names {
		l := r.labels[strings.ToLower(name)]
		if l == nil {
			l = &label{id: st.id(), name: name, color: "ededed"}
			r.labels[strings.ToLower(name)] = l
		}
		if !slices.Contains(p.labels, l) {
			p.labels = append(p.labels, l)
		}
	}
	slices.SortFunc(p.labels, func(a, b *label) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
}

// CheckRuns returns the check runs on commit sha of org's repository,
// oldest first.
func (s *Server) CheckRuns(org, repoName, sha string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	for _, cr := range s.st.repo(org, repoName).checkRuns {
		if cr.headSHA == sha {
			out = append(out, CheckRun{
				ID: cr.id, Name: cr.name, HeadSHA: cr.headSHA, Status: cr.status, Conclusion: cr.conclusion,
				Title: cr.title, Summary: cr.summary, Text: cr.text, DetailsURL: cr.detailsURL, App: cr.app.login,
			})
		}
	}
	return out
}
