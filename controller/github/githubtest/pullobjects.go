package githubtest

import (
	"strconv"
	"strings"
	"time"
)

// The pull-request side's REST objects, with the fields GitHub's OpenAPI
// description requires (see objects.go).

func timeJSON(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// nullTime is a nullable date-time: null for the zero time.
func nullTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := timeJSON(t)
	return &s
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// repositoryOf is GitHub's repository, the full object a pull request's
// head and base carry.
func repositoryOf(base string, o *org, r *repo) map[string]any {
	m := minimalRepo(base, o, r)
	full := o.login + "/" + r.name
	open := 0
	for _, p := range r.pulls {
		if p.state == "open" {
			open++
		}
	}
	for k, v := range map[string]any{
		"clone_url": "https://github.com/" + full + ".git", "git_url": "git://github.com/" + full + ".git",
		"ssh_url": "git@github.com:" + full + ".git", "svn_url": "https://github.com/" + full, "mirror_url": nil,
		"homepage": nil, "language": nil, "license": nil, "default_branch": r.defaultBranch,
		"forks": 0, "forks_count": 0, "stargazers_count": 0, "watchers": 0, "watchers_count": 0, "size": 1,
		"open_issues": open, "open_issues_count": open,
		"has_issues": true, "has_projects": false, "has_wiki": false, "has_pages": false, "has_downloads": true,
		"archived": false, "disabled": false, "visibility": "private",
		"pushed_at": timeJSON(r.created), "created_at": timeJSON(r.created), "updated_at": timeJSON(r.created),
	} {
		m[k] = v
	}
	return m
}

// labelJSON is GitHub's label.
type labelJSON struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
}

func labelOf(base string, o *org, r *repo, l *label) labelJSON {
	return labelJSON{
		ID: l.id, NodeID: nodeID("LA", l.id), URL: base + "repos/" + o.login + "/" + r.name + "/labels/" + pathEscape(l.name),
		Name: l.name, Description: nullString(l.description), Color: l.color,
	}
}

func labelsOf(base string, o *org, r *repo, ls []*label) []labelJSON {
	out := make([]labelJSON, 0, len(ls))
	for _, l := range ls {
		out = append(out, labelOf(base, o, r, l))
	}
	return out
}

// pathEscape escapes a label's name as GitHub does in its URLs.
func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "/", "%2F", "?", "%3F", "#", "%23", ":", "%3A").Replace(s)
}

type linkJSON struct {
	Href string `json:"href"`
}

// branchJSON is a pull request's head or base.
type branchJSON struct {
	Label string         `json:"label"`
	Ref   string         `json:"ref"`
	Repo  map[string]any `json:"repo"`
	SHA   string         `json:"sha"`
	User  simpleUser     `json:"user"`
}

// pullSimpleJSON is GitHub's pull-request-simple, what lists answer.
type pullSimpleJSON struct {
	URL               string              `json:"url"`
	ID                int64               `json:"id"`
	NodeID            string              `json:"node_id"`
	HTMLURL           string              `json:"html_url"`
	DiffURL           string              `json:"diff_url"`
	PatchURL          string              `json:"patch_url"`
	IssueURL          string              `json:"issue_url"`
	CommitsURL        string              `json:"commits_url"`
	ReviewCommentsURL string              `json:"review_comments_url"`
	ReviewCommentURL  string              `json:"review_comment_url"`
	CommentsURL       string              `json:"comments_url"`
	StatusesURL       string              `json:"statuses_url"`
	Number            int                 `json:"number"`
	State             string              `json:"state"`
	Locked            bool                `json:"locked"`
	Title             string              `json:"title"`
	User              simpleUser          `json:"user"`
	Body              *string             `json:"body"`
	Labels            []labelJSON         `json:"labels"`
	Milestone         *struct{}           `json:"milestone"`
	ActiveLockReason  *string             `json:"active_lock_reason"`
	CreatedAt         string              `json:"created_at"`
	UpdatedAt         string              `json:"updated_at"`
	ClosedAt          *string             `json:"closed_at"`
	MergedAt          *string             `json:"merged_at"`
	MergeCommitSHA    *string             `json:"merge_commit_sha"`
	Assignee          *simpleUser         `json:"assignee"`
	Assignees         []simpleUser        `json:"assignees"`
	RequestedRevs     []simpleUser        `json:"requested_reviewers"`
	RequestedTeams    []teamJSON          `json:"requested_teams"`
	Head              branchJSON          `json:"head"`
	Base              branchJSON          `json:"base"`
	Links             map[string]linkJSON `json:"_links"`
	AuthorAssociation string              `json:"author_association"`
	AutoMerge         *struct{}           `json:"auto_merge"`
	Draft             bool                `json:"draft"`
}

// pullJSON is GitHub's pull-request, what a single pull request answers.
type pullJSON struct {
	pullSimpleJSON
	Merged              bool        `json:"merged"`
	Mergeable           *bool       `json:"mergeable"`
	Rebaseable          *bool       `json:"rebaseable"`
	MergeableState      string      `json:"mergeable_state"`
	MergedBy            *simpleUser `json:"merged_by"`
	Comments            int         `json:"comments"`
	ReviewComments      int         `json:"review_comments"`
	MaintainerCanModify bool        `json:"maintainer_can_modify"`
	Commits             int         `json:"commits"`
	Additions           int         `json:"additions"`
	Deletions           int         `json:"deletions"`
	ChangedFiles        int         `json:"changed_files"`
}

func pullSimpleOf(base string, o *org, r *repo, p *pull) pullSimpleJSON {
	full := o.login + "/" + r.name
	api := base + "repos/" + full
	num := strconv.Itoa(p.number)
	html := "https://github.com/" + full + "/pull/" + num
	repoJSON := repositoryOf(base, o, r)
	owner := repoJSON["owner"].(simpleUser)
	branch := func(ref, sha string) branchJSON {
		return branchJSON{Label: o.login + ":" + ref, Ref: ref, Repo: repoJSON, SHA: sha, User: owner}
	}
	v := pullSimpleJSON{
		URL: api + "/pulls/" + num, ID: p.id, NodeID: nodeID("PR", p.id), HTMLURL: html,
		DiffURL: html + ".diff", PatchURL: html + ".patch", IssueURL: api + "/issues/" + num,
		CommitsURL: api + "/pulls/" + num + "/commits", ReviewCommentsURL: api + "/pulls/" + num + "/comments",
		ReviewCommentURL: api + "/pulls/comments{/number}", CommentsURL: api + "/issues/" + num + "/comments",
		StatusesURL: api + "/statuses/" + p.headSHA,
		Number:      p.number, State: p.state, Title: p.title, User: userJSON(base, p.user), Body: nullString(p.body),
		Labels: labelsOf(base, o, r, p.labels), CreatedAt: timeJSON(p.created), UpdatedAt: timeJSON(p.updated),
		ClosedAt: nullTime(p.closedAt), MergedAt: nullTime(p.mergedAt), MergeCommitSHA: nullString(p.mergeCommitSHA),
		Assignees: []simpleUser{}, RequestedRevs: []simpleUser{}, RequestedTeams: []teamJSON{},
		Head: branch(p.headRef, p.headSHA), Base: branch(p.baseRef, p.baseSHA),
		AuthorAssociation: associationOf(o, r, p.user), Draft: p.draft,
	}
	v.Links = map[string]linkJSON{
		"self": {v.URL}, "html": {html}, "issue": {v.IssueURL}, "comments": {v.CommentsURL},
		"review_comments": {v.ReviewCommentsURL}, "review_comment": {v.ReviewCommentURL},
		"commits": {v.CommitsURL}, "statuses": {v.StatusesURL},
	}
	return v
}

func pullOf(base string, o *org, r *repo, p *pull) pullJSON {
	v := pullJSON{
		pullSimpleJSON: pullSimpleOf(base, o, r, p),
		Merged:         p.merged, MergeableState: "clean", MaintainerCanModify: p.maintainerCanModify,
		Commits: p.commitsIn, Additions: p.additions, Deletions: p.deletions, ChangedFiles: p.changedFiles,
	}
	if p.state == "open" {
		yes := true
		v.Mergeable, v.Rebaseable = &yes, &yes
		if p.draft {
			v.MergeableState = "draft"
		}
	} else {
		v.MergeableState = "unknown"
	}
	if p.mergedBy != nil {
		u := userJSON(base, p.mergedBy)
		v.MergedBy = &u
	}
	for _, cm := range r.comments {
		if cm.issue == p.number {
			v.Comments++
		}
	}
	return v
}

// associationOf is how a user relates to the repository, as GitHub
// reports it on pull requests, reviews and comments.
func associationOf(o *org, r *repo, u *user) string {
	k := key(u.login)
	switch ms := o.members[k]; {
	case ms != nil && ms.state == StateActive && ms.role == RoleAdmin:
		return "OWNER"
	case ms != nil && ms.state == StateActive:
		return "MEMBER"
	case r.collabs[k] != nil:
		return "COLLABORATOR"
	}
	return "NONE"
}

// reviewJSON is GitHub's pull-request-review.
type reviewJSON struct {
	ID                int64               `json:"id"`
	NodeID            string              `json:"node_id"`
	User              simpleUser          `json:"user"`
	Body              string              `json:"body"`
	State             string              `json:"state"`
	HTMLURL           string              `json:"html_url"`
	PullRequestURL    string              `json:"pull_request_url"`
	Links             map[string]linkJSON `json:"_links"`
	SubmittedAt       string              `json:"submitted_at"`
	CommitID          *string             `json:"commit_id"`
	AuthorAssociation string              `json:"author_association"`
}

func reviewOf(base string, o *org, r *repo, p *pull, rv *review) reviewJSON {
	num := strconv.Itoa(p.number)
	html := "https://github.com/" + o.login + "/" + r.name + "/pull/" + num + "#pullrequestreview-" + strconv.FormatInt(rv.id, 10)
	prURL := base + "repos/" + o.login + "/" + r.name + "/pulls/" + num
	return reviewJSON{
		ID: rv.id, NodeID: nodeID("PRR", rv.id), User: userJSON(base, rv.user), Body: rv.body, State: rv.state,
		HTMLURL: html, PullRequestURL: prURL,
		Links:       map[string]linkJSON{"html": {html}, "pull_request": {prURL}},
		SubmittedAt: timeJSON(rv.submitted), CommitID: nullString(rv.commitID),
		AuthorAssociation: associationOf(o, r, rv.user),
	}
}

// commentJSON is GitHub's issue-comment.
type commentJSON struct {
	ID                int64      `json:"id"`
	NodeID            string     `json:"node_id"`
	URL               string     `json:"url"`
	Body              string     `json:"body"`
	HTMLURL           string     `json:"html_url"`
	User              simpleUser `json:"user"`
	CreatedAt         string     `json:"created_at"`
	UpdatedAt         string     `json:"updated_at"`
	IssueURL          string     `json:"issue_url"`
	AuthorAssociation string     `json:"author_association"`
}

func commentOf(base string, o *org, r *repo, cm *comment) commentJSON {
	full := o.login + "/" + r.name
	id := strconv.FormatInt(cm.id, 10)
	return commentJSON{
		ID: cm.id, NodeID: nodeID("IC", cm.id), URL: base + "repos/" + full + "/issues/comments/" + id, Body: cm.body,
		HTMLURL: "https://github.com/" + full + "/pull/" + strconv.Itoa(cm.issue) + "#issuecomment-" + id,
		User:    userJSON(base, cm.user), CreatedAt: timeJSON(cm.created), UpdatedAt: timeJSON(cm.updated),
		IssueURL: base + "repos/" + full + "/issues/" + strconv.Itoa(cm.issue), AuthorAssociation: associationOf(o, r, cm.user),
	}
}

// checkRunJSON is GitHub's check-run.
type checkRunJSON struct {
	ID           int64            `json:"id"`
	HeadSHA      string           `json:"head_sha"`
	NodeID       string           `json:"node_id"`
	ExternalID   *string          `json:"external_id"`
	URL          string           `json:"url"`
	HTMLURL      *string          `json:"html_url"`
	DetailsURL   *string          `json:"details_url"`
	Status       string           `json:"status"`
	Conclusion   *string          `json:"conclusion"`
	StartedAt    *string          `json:"started_at"`
	CompletedAt  *string          `json:"completed_at"`
	Output       checkOutputJSON  `json:"output"`
	Name         string           `json:"name"`
	CheckSuite   *checkSuiteJSON  `json:"check_suite"`
	App          *struct{}        `json:"app"`
	PullRequests []pullMinimalRef `json:"pull_requests"`
}

type checkOutputJSON struct {
	Title            *string `json:"title"`
	Summary          *string `json:"summary"`
	Text             *string `json:"text"`
	AnnotationsCount int     `json:"annotations_count"`
	AnnotationsURL   string  `json:"annotations_url"`
}

type checkSuiteJSON struct {
	ID int64 `json:"id"`
}

// pullMinimalRef is GitHub's pull-request-minimal.
type pullMinimalRef struct {
	ID     int64         `json:"id"`
	Number int           `json:"number"`
	URL    string        `json:"url"`
	Head   minimalBranch `json:"head"`
	Base   minimalBranch `json:"base"`
}

type minimalBranch struct {
	Ref  string         `json:"ref"`
	SHA  string         `json:"sha"`
	Repo minimalRepoRef `json:"repo"`
}

type minimalRepoRef struct {
	ID   int64  `json:"id"`
	URL  string `json:"url"`
	Name string `json:"name"`
}

func checkRunOf(base string, o *org, r *repo, cr *checkRun) checkRunJSON {
	full := o.login + "/" + r.name
	api := base + "repos/" + full + "/check-runs/" + strconv.FormatInt(cr.id, 10)
	html := "https://github.com/" + full + "/runs/" + strconv.FormatInt(cr.id, 10)
	v := checkRunJSON{
		ID: cr.id, HeadSHA: cr.headSHA, NodeID: nodeID("CR", cr.id), ExternalID: nullString(cr.externalID),
		URL: api, HTMLURL: &html, DetailsURL: nullString(cr.detailsURL), Status: cr.status,
		Conclusion: nullString(cr.conclusion), StartedAt: nullTime(cr.started), CompletedAt: nullTime(cr.completed),
		Output: checkOutputJSON{
			Title: nullString(cr.title), Summary: nullString(cr.summary), Text: nullString(cr.text),
			AnnotationsURL: api + "/annotations",
		},
		Name: cr.name, CheckSuite: &checkSuiteJSON{ID: cr.id + 1},
		PullRequests: []pullMinimalRef{},
	}
	ref := minimalRepoRef{ID: r.id, URL: base + "repos/" + full, Name: r.name}
	for _, p := range sortedPulls(r) {
		if p.state == "open" && p.headSHA == cr.headSHA {
			v.PullRequests = append(v.PullRequests, pullMinimalRef{
				ID: p.id, Number: p.number, URL: base + "repos/" + full + "/pulls/" + strconv.Itoa(p.number),
				Head: minimalBranch{Ref: p.headRef, SHA: p.headSHA, Repo: ref},
				Base: minimalBranch{Ref: p.baseRef, SHA: p.baseSHA, Repo: ref},
			})
		}
	}
	return v
}
