package githubtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-github/v62/github"
)

// openapiVersion pins the version of @octokit/openapi, GitHub's own
// description of its REST API, that the fake is checked against.
const openapiVersion = "23.0.2"

// githubSpec is GitHub's description, loaded once per test binary.
var githubSpec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadGitHubSpec loads api.github.com.json of @octokit/openapi, which
// NPMPackage installs into a cache directory (never into the
// repository); without npm the test is skipped, unless CI is set.
func loadGitHubSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	file := filepath.Join(NPMPackage(t, "@octokit/openapi", openapiVersion), "generated", "api.github.com.json")
	githubSpec.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(file)
		if err != nil {
			githubSpec.err = fmt.Errorf("load %s: %w", file, err)
			return
		}
		// doc.Validate is skipped on purpose: GitHub's description has
		// conflicting paths that the router does not mind.
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			githubSpec.err = fmt.Errorf("route %s: %w", file, err)
			return
		}
		githubSpec.doc, githubSpec.router = doc, router
	})
	if githubSpec.err != nil {
		t.Fatal(githubSpec.err)
	}
	return githubSpec.doc, githubSpec.router
}

// checkExchange checks one response of the fake against GitHub's
// description, GitHub's rate-limit headers and go-github's types.
func checkExchange(doc *openapi3.T, router routers.Router, byPattern map[string]*route, ex Exchange) error {
	var problems []error
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used"} {
		if _, err := strconv.ParseInt(ex.Header.Get(h), 10, 64); err != nil {
			problems = append(problems, fmt.Errorf("header %s is %q, not a number", h, ex.Header.Get(h)))
		}
	}
	if ex.Header.Get("X-RateLimit-Resource") == "" {
		problems = append(problems, errors.New("no X-RateLimit-Resource header"))
	}
	req := httptest.NewRequest(ex.Request.Method, "https://api.github.com"+(&url.URL{Path: ex.Request.Path}).EscapedPath()+"?"+ex.Request.Query.Encode(), bytes.NewReader(ex.Request.Body))
	rt, params, err := router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("GitHub documents no %s %s: %w", ex.Request.Method, ex.Request.Path, err)
	}
	if got, want := ex.Request.Method+" "+rt.Path, ex.Request.Route; got != want {
		problems = append(problems, fmt.Errorf("GitHub's route is %s, the fake's %s", got, want))
	}
	status := ex.Request.Status
	documented := rt.Operation.Responses.Status(status) != nil
	switch {
	case documented:
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt},
			Status:                 status,
			Header:                 ex.Header,
			Options: &openapi3filter.Options{
				IncludeResponseStatus:   true,
				SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
			},
		}
		in.SetBodyBytes(ex.Body)
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			problems = append(problems, err)
		}
	case status == http.StatusNotModified:
		// Conditional requests are documented for every endpoint at once.
		if len(ex.Body) != 0 {
			problems = append(problems, errors.New("304 with a body"))
		}
	case status >= 400:
		// A status GitHub can answer on any endpoint (404 for an unknown
		// organisation, 401, 429, 5xx): the body must be basic-error.
		var v any
		if err := json.Unmarshal(ex.Body, &v); err != nil {
			problems = append(problems, fmt.Errorf("error body is not JSON: %w", err))
		} else if err := doc.Components.Schemas["basic-error"].Value.VisitJSON(v, openapi3.DisableSchemaErrorDetails()); err != nil {
			problems = append(problems, fmt.Errorf("error body is not a basic-error: %w", err))
		}
	default:
		problems = append(problems, fmt.Errorf("status %d is not documented", status))
	}
	if err := checkDecodes(byPattern[ex.Request.Route], status, ex.Body); err != nil {
		problems = append(problems, err)
	}
	if err := errors.Join(problems...); err != nil {
		return fmt.Errorf("%s %s → %d: %w", ex.Request.Method, ex.Request.Path, status, err)
	}
	return nil
}

// checkDecodes decodes a body into go-github's type for it with unknown
// fields disallowed: GitHub's schemas allow unknown fields, so a
// misspelt optional field would pass the description alone.
func checkDecodes(rt *route, status int, body []byte) error {
	if len(body) == 0 || status == http.StatusNotModified {
		return nil
	}
	var target any
	var drop []string
	switch {
	case status >= 400:
		target = new(github.ErrorResponse)
	case rt == nil || rt.result == nil:
		return fmt.Errorf("a body on an endpoint that has none: %s", body)
	default:
		target, drop = rt.result(), rt.unmodelled
	}
	if len(drop) > 0 {
		var err error
		if body, err = dropFields(body, drop); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return fmt.Errorf("decode into go-github's %T: %w", target, err)
	}
	return nil
}

// dropFields removes fields from a JSON object, or from each object of a
// JSON list; a dotted path names a field of a nested object (or of each
// object of a nested list).
func dropFields(body []byte, fields []string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	for _, f := range fields {
		dropPath(v, strings.Split(f, "."))
	}
	return json.Marshal(v)
}

func dropPath(v any, path []string) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			dropPath(e, path)
		}
	case map[string]any:
		if len(path) == 1 {
			delete(v, path[0])
			return
		}
		dropPath(v[path[0]], path[1:])
	}
}

// TestFakeGitHubMatchesOpenAPI drives every endpoint of the fake, with
// successes, GitHub's errors, pagination, rate limits and conditional
// requests, and checks every response it gives.
func TestFakeGitHubMatchesOpenAPI(t *testing.T) {
	doc, router := loadGitHubSpec(t)
	byPattern := map[string]*route{}
	for i := range routes {
		byPattern[routes[i].pattern] = &routes[i]
	}
	s := NewServer(t)
	var mu sync.Mutex
	var problems []error
	succeeded := map[string]bool{}
	s.OnResponse(func(ex Exchange) {
		err := checkExchange(doc, router, byPattern, ex)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			problems = append(problems, err)
		}
		if ex.Request.Status < 300 {
			succeeded[ex.Request.Route] = true
		}
	})
	s.AddMember("acme", "olivia", RoleAdmin)
	for i := range 5 {
		s.AddMember("acme", fmt.Sprintf("member%d", i), RoleMember)
	}
	s.AddTeamMember("acme", "platform", "member1", RoleMaintainer)
	s.AddTeamMember("acme", "platform", "member2", RoleMember)
	s.AddTeam("acme", "security")
	s.AddRepo("acme", "api")
	s.AddCollaborator("acme", "api", "member3", "maintain")
	s.AddUser("outsider")
	s.AddUser("newcomer")
	for i := 1; i <= 3; i++ {
		s.AddPullRequest("acme", "access", PullRequest{Author: "member0", Title: fmt.Sprintf("Request %d", i), Body: "Access, please."})
	}
	s.AddReview("acme", "access", 1, "olivia", "APPROVED", SHA("acme/access#1"))
	s.AddReview("acme", "access", 1, "member1", "CHANGES_REQUESTED", SHA("acme/access#1"))
	s.AddReview("acme", "access", 1, "member2", "COMMENTED", "")
	firstComment := s.AddComment("acme", "access", 1, "member1", "/approve")
	s.AddComment("acme", "access", 1, "outsider", "me too")
	s.AddComment("acme", "access", 1, "olivia", "/deny not needed")
	s.AddLabel("acme", "access", 1, "team:platform")
	s.AddLabel("acme", "access", 1, "access:pending-approval")
	s.SetBranch("acme", "access", "new-request", SHA("new-request"))
	head1 := SHA("acme/access#1")

	ctx := context.Background()
	c := newClient(t, s)
	perPage := github.ListOptions{PerPage: 2}
	calls := []struct {
		name string
		do   func(c *github.Client) (*github.Response, error)
		want int
	}{
		{"list members, first page", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.ListMembers(ctx, "acme", &github.ListMembersOptions{ListOptions: perPage})
			return r, err
		}, 200},
		{"list members, last page", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.ListMembers(ctx, "acme", &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 2, Page: 3}})
			return r, err
		}, 200},
		{"list owners", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.ListMembers(ctx, "acme", &github.ListMembersOptions{Role: "admin"})
			return r, err
		}, 200},
		{"list members with an unknown role", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.ListMembers(ctx, "acme", &github.ListMembersOptions{Role: "owner"})
			return r, err
		}, 422},
		{"list members of an unknown organisation", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.ListMembers(ctx, "nope", nil)
			return r, err
		}, 404},
		{"get membership", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.GetOrgMembership(ctx, "olivia", "acme")
			return r, err
		}, 200},
		{"get a missing membership", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.GetOrgMembership(ctx, "outsider", "acme")
			return r, err
		}, 404},
		{"invite to the organisation", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.EditOrgMembership(ctx, "newcomer", "acme", &github.Membership{Role: github.String("member")})
			return r, err
		}, 200},
		{"promote to owner", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.EditOrgMembership(ctx, "member0", "acme", &github.Membership{Role: github.String("admin")})
			return r, err
		}, 200},
		{"set an unknown role", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Organizations.EditOrgMembership(ctx, "member0", "acme", &github.Membership{Role: github.String("owner")})
			return r, err
		}, 422},
		{"remove from the organisation", func(c *github.Client) (*github.Response, error) {
			return c.Organizations.RemoveOrgMembership(ctx, "member4", "acme")
		}, 204},
		{"remove a non-member", func(c *github.Client) (*github.Response, error) {
			return c.Organizations.RemoveOrgMembership(ctx, "outsider", "acme")
		}, 404},
		{"list teams", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.ListTeams(ctx, "acme", &perPage)
			return r, err
		}, 200},
		{"list team maintainers", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.ListTeamMembersBySlug(ctx, "acme", "platform", &github.TeamListTeamMembersOptions{Role: "maintainer"})
			return r, err
		}, 200},
		{"list members of an unknown team", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.ListTeamMembersBySlug(ctx, "acme", "nope", nil)
			return r, err
		}, 404},
		{"get team membership", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.GetTeamMembershipBySlug(ctx, "acme", "platform", "member1")
			return r, err
		}, 200},
		{"get a missing team membership", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.GetTeamMembershipBySlug(ctx, "acme", "security", "member1")
			return r, err
		}, 404},
		{"make a team maintainer", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.AddTeamMembershipBySlug(ctx, "acme", "security", "member2", &github.TeamAddTeamMembershipOptions{Role: "maintainer"})
			return r, err
		}, 200},
		{"add an outsider to a team", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Teams.AddTeamMembershipBySlug(ctx, "acme", "security", "outsider", nil)
			return r, err
		}, 200},
		{"remove from a team", func(c *github.Client) (*github.Response, error) {
			return c.Teams.RemoveTeamMembershipBySlug(ctx, "acme", "platform", "member2")
		}, 204},
		{"list direct collaborators", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.ListCollaborators(ctx, "acme", "api", &github.ListCollaboratorsOptions{Affiliation: "direct"})
			return r, err
		}, 200},
		{"list all collaborators", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.ListCollaborators(ctx, "acme", "api", nil)
			return r, err
		}, 200},
		{"list collaborators of an unknown repository", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.ListCollaborators(ctx, "acme", "nope", nil)
			return r, err
		}, 404},
		{"add a member as collaborator", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.AddCollaborator(ctx, "acme", "api", "member1", &github.RepositoryAddCollaboratorOptions{Permission: "triage"})
			return r, err
		}, 204},
		{"invite an outside collaborator", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.AddCollaborator(ctx, "acme", "api", "newcomer", &github.RepositoryAddCollaboratorOptions{Permission: "push"})
			return r, err
		}, 201},
		{"add with an unknown permission", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.AddCollaborator(ctx, "acme", "api", "member1", &github.RepositoryAddCollaboratorOptions{Permission: "write"})
			return r, err
		}, 422},
		{"remove a collaborator", func(c *github.Client) (*github.Response, error) {
			return c.Repositories.RemoveCollaborator(ctx, "acme", "api", "member3")
		}, 204},
		{"get a permission", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.GetPermissionLevel(ctx, "acme", "api", "member1")
			return r, err
		}, 200},
		{"get no permission", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.GetPermissionLevel(ctx, "acme", "api", "outsider")
			return r, err
		}, 200},
		{"get the permission of an unknown user", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Repositories.GetPermissionLevel(ctx, "acme", "api", "nobody")
			return r, err
		}, 404},

		{"list open pull requests, first page", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.List(ctx, "acme", "access", &github.PullRequestListOptions{ListOptions: perPage})
			return r, err
		}, 200},
		{"list pull requests by head", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.List(ctx, "acme", "access", &github.PullRequestListOptions{State: "all", Head: "acme:request-2", Base: "main"})
			return r, err
		}, 200},
		{"list pull requests in an unknown state", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.List(ctx, "acme", "access", &github.PullRequestListOptions{State: "merged"})
			return r, err
		}, 422},
		{"list pull requests of an unknown repository", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.List(ctx, "acme", "nope", nil)
			return r, err
		}, 404},
		{"get a pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Get(ctx, "acme", "access", 1)
			return r, err
		}, 200},
		{"get an unknown pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Get(ctx, "acme", "access", 99)
			return r, err
		}, 404},
		{"list reviews", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.ListReviews(ctx, "acme", "access", 1, &perPage)
			return r, err
		}, 200},
		{"list reviews of an unknown pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.ListReviews(ctx, "acme", "access", 99, nil)
			return r, err
		}, 404},
		{"list comments, first page", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.ListComments(ctx, "acme", "access", 1, &github.IssueListCommentsOptions{ListOptions: perPage})
			return r, err
		}, 200},
		{"list comments of an unknown issue", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.ListComments(ctx, "acme", "access", 99, nil)
			return r, err
		}, 404},
		{"comment", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.CreateComment(ctx, "acme", "access", 1, &github.IssueComment{Body: github.String("<!-- gatehouse:summary -->\nPending")})
			return r, err
		}, 201},
		{"comment with no body", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.CreateComment(ctx, "acme", "access", 1, &github.IssueComment{})
			return r, err
		}, 422},
		{"edit a comment", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.EditComment(ctx, "acme", "access", firstComment, &github.IssueComment{Body: github.String("/approve cancel")})
			return r, err
		}, 200},
		{"edit an unknown comment", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.EditComment(ctx, "acme", "access", 1, &github.IssueComment{Body: github.String("x")})
			return r, err
		}, 404},
		{"list labels", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.ListLabelsByIssue(ctx, "acme", "access", 1, &perPage)
			return r, err
		}, 200},
		{"add labels", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.AddLabelsToIssue(ctx, "acme", "access", 1, []string{"access:approved", "needs review"})
			return r, err
		}, 200},
		{"add no labels", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Issues.AddLabelsToIssue(ctx, "acme", "access", 1, []string{})
			return r, err
		}, 422},
		{"remove a label", func(c *github.Client) (*github.Response, error) {
			return c.Issues.RemoveLabelForIssue(ctx, "acme", "access", 1, "access:pending-approval")
		}, 200},
		{"remove a label with a space", func(c *github.Client) (*github.Response, error) {
			return c.Issues.RemoveLabelForIssue(ctx, "acme", "access", 1, "needs review")
		}, 200},
		{"remove a label the issue does not have", func(c *github.Client) (*github.Response, error) {
			return c.Issues.RemoveLabelForIssue(ctx, "acme", "access", 1, "access:denied")
		}, 404},
		{"create a check run", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.CreateCheckRun(ctx, "acme", "access", github.CreateCheckRunOptions{
				Name: "gatehouse", HeadSHA: head1, Conclusion: github.String("failure"),
				Output: &github.CheckRunOutput{Title: github.String("Not approved"), Summary: github.String("carol must approve"), Text: github.String("details")},
			})
			return r, err
		}, 201},
		{"create a queued check run", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.CreateCheckRun(ctx, "acme", "access", github.CreateCheckRunOptions{Name: "lint", HeadSHA: head1, DetailsURL: github.String("https://gatehouse.example.com/pr/1")})
			return r, err
		}, 201},
		{"create a check run on an unknown commit", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.CreateCheckRun(ctx, "acme", "access", github.CreateCheckRunOptions{Name: "gatehouse", HeadSHA: SHA("nowhere")})
			return r, err
		}, 422},
		{"list check runs by name", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.ListCheckRunsForRef(ctx, "acme", "access", head1, &github.ListCheckRunsOptions{CheckName: github.String("gatehouse"), ListOptions: github.ListOptions{PerPage: 100}})
			return r, err
		}, 200},
		{"list check runs of a branch, first page", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.ListCheckRunsForRef(ctx, "acme", "access", "request-1", &github.ListCheckRunsOptions{Filter: github.String("all"), ListOptions: github.ListOptions{PerPage: 1}})
			return r, err
		}, 200},
		{"list check runs of an unknown commit", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.ListCheckRunsForRef(ctx, "acme", "access", SHA("nowhere"), nil)
			return r, err
		}, 422},
		{"update a check run", func(c *github.Client) (*github.Response, error) {
			runs := s.CheckRuns("acme", "access", head1)
			_, r, err := c.Checks.UpdateCheckRun(ctx, "acme", "access", runs[0].ID, github.UpdateCheckRunOptions{
				Name: "gatehouse", Conclusion: github.String("success"),
				Output: &github.CheckRunOutput{Title: github.String("Approved"), Summary: github.String("approved by carol")},
			})
			return r, err
		}, 200},
		{"update a check run with an unknown conclusion", func(c *github.Client) (*github.Response, error) {
			runs := s.CheckRuns("acme", "access", head1)
			_, r, err := c.Checks.UpdateCheckRun(ctx, "acme", "access", runs[0].ID, github.UpdateCheckRunOptions{Name: "gatehouse", Conclusion: github.String("approved")})
			return r, err
		}, 422},
		{"update an unknown check run", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.Checks.UpdateCheckRun(ctx, "acme", "access", 1, github.UpdateCheckRunOptions{Name: "gatehouse"})
			return r, err
		}, 404},
		{"open a pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Create(ctx, "acme", "access", &github.NewPullRequest{Title: github.String("Access for bob"), Head: github.String("new-request"), Base: github.String("main"), Body: github.String("Please.")})
			return r, err
		}, 201},
		{"open a pull request twice", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Create(ctx, "acme", "access", &github.NewPullRequest{Title: github.String("Again"), Head: github.String("acme:new-request"), Base: github.String("main")})
			return r, err
		}, 422},
		{"open a pull request from an unknown branch", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Create(ctx, "acme", "access", &github.NewPullRequest{Title: github.String("Nothing"), Head: github.String("nope"), Base: github.String("main")})
			return r, err
		}, 422},
		{"merge at a stale head", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Merge(ctx, "acme", "access", 2, "", &github.PullRequestOptions{SHA: SHA("stale")})
			return r, err
		}, 409},
		{"merge", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Merge(ctx, "acme", "access", 2, "", &github.PullRequestOptions{SHA: SHA("acme/access#2"), MergeMethod: "squash"})
			return r, err
		}, 200},
		{"merge a merged pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Merge(ctx, "acme", "access", 2, "", nil)
			return r, err
		}, 405},
		{"close a pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Edit(ctx, "acme", "access", 3, &github.PullRequest{State: github.String("closed")})
			return r, err
		}, 200},
		{"reopen a merged pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Edit(ctx, "acme", "access", 2, &github.PullRequest{State: github.String("open")})
			return r, err
		}, 422},
		{"list closed pull requests", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.List(ctx, "acme", "access", &github.PullRequestListOptions{State: "closed"})
			return r, err
		}, 200},
		{"get a merged pull request", func(c *github.Client) (*github.Response, error) {
			_, r, err := c.PullRequests.Get(ctx, "acme", "access", 2)
			return r, err
		}, 200},
	}
	for _, tc := range calls {
		r, _ := tc.do(c)
		if r == nil || r.StatusCode != tc.want {
			t.Errorf("%s: status %v, want %d", tc.name, statusOf(r), tc.want)
		}
	}

	// Faults, on a fresh client each, since go-github remembers limits.
	faults := []struct {
		name  string
		setup func()
		want  int
	}{
		{"server error", func() { s.FailNext(1, http.StatusInternalServerError) }, 500},
		{"unavailable", func() { s.FailNext(1, http.StatusServiceUnavailable) }, 503},
		{"primary rate limit, 403", func() { s.ExhaustRateLimit(time.Hour, http.StatusForbidden) }, 403},
		{"primary rate limit, 429", func() { s.ExhaustRateLimit(time.Hour, http.StatusTooManyRequests) }, 429},
		{"secondary rate limit", func() { s.SecondaryRateLimit(time.Hour) }, 403},
		{"bad credentials", func() { s.RequireToken("the-token") }, 401},
	}
	for _, f := range faults {
		f.setup()
		_, r, _ := newClient(t, s).Organizations.ListMembers(ctx, "acme", nil)
		if r == nil || r.StatusCode != f.want {
			t.Errorf("%s: status %v, want %d", f.name, statusOf(r), f.want)
		}
		s.ClearRateLimits()
		s.RequireToken("")
	}

	// A conditional request answers 304 when nothing changed.
	get := func(etag string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"orgs/acme/teams", nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get(get("").Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request: status %d, want 304", r.StatusCode)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, err := range problems {
		t.Error(err)
	}
	for _, rt := range routes {
		if !succeeded[rt.pattern] {
			t.Errorf("no test call answered %s with success: add one above", rt.pattern)
		}
	}
}

func newClient(t *testing.T, s *Server) *github.Client {
	t.Helper()
	c := github.NewClient(nil)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

func statusOf(r *github.Response) any {
	if r == nil {
		return "no response"
	}
	return r.StatusCode
}
