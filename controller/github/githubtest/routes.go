package githubtest

import "github.com/google/go-github/v62/github"

// route is one REST endpoint of the fake.
type route struct {
	// pattern is the method and path as GitHub documents them, in
	// net/http's pattern syntax.
	pattern string
	handle  func(*Server, *call) reply
	// result returns a new go-github value that a success body decodes
	// into; nil for endpoints that answer without a body.
	result func() any
	// unmodelled lists fields GitHub's description requires that
	// go-github v62 does not model; the decoding check drops them (from
	// the object, or from each element of a list) before decoding. A
	// dotted path ("head.repo.forks") names a nested field.
	unmodelled []string
}

func newOf[T any]() any { return new(T) }

// routes are the endpoints gatehouse calls. Keep them in the order of
// GitHub's REST reference: organisations, teams, repositories, pull
// requests, issues, checks.
var routes = []route{
	{pattern: "GET /orgs/{org}/members", handle: (*Server).listOrgMembers, result: newOf[[]*github.User]},
	{pattern: "GET /orgs/{org}/memberships/{username}", handle: (*Server).getOrgMembership, result: newOf[github.Membership]},
	{pattern: "PUT /orgs/{org}/memberships/{username}", handle: (*Server).setOrgMembership, result: newOf[github.Membership]},
	{pattern: "DELETE /orgs/{org}/memberships/{username}", handle: (*Server).removeOrgMembership},

	{pattern: "GET /orgs/{org}/teams", handle: (*Server).listTeams, result: newOf[[]*github.Team], unmodelled: []string{"type"}},
	{pattern: "GET /orgs/{org}/teams/{team_slug}/members", handle: (*Server).listTeamMembers, result: newOf[[]*github.User]},
	{pattern: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}", handle: (*Server).getTeamMembership, result: newOf[github.Membership]},
	{pattern: "PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", handle: (*Server).setTeamMembership, result: newOf[github.Membership]},
	{pattern: "DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}", handle: (*Server).removeTeamMembership},

	{pattern: "GET /repos/{owner}/{repo}/collaborators", handle: (*Server).listCollaborators, result: newOf[[]*github.User]},
	{pattern: "PUT /repos/{owner}/{repo}/collaborators/{username}", handle: (*Server).addCollaborator, result: newOf[github.CollaboratorInvitation], unmodelled: []string{"node_id"}},
	{pattern: "DELETE /repos/{owner}/{repo}/collaborators/{username}", handle: (*Server).removeCollaborator},
	{pattern: "GET /repos/{owner}/{repo}/collaborators/{username}/permission", handle: (*Server).getCollaboratorPermission, result: newOf[github.RepositoryPermissionLevel], unmodelled: []string{"role_name"}},

	{pattern: "GET /repos/{owner}/{repo}/pulls", handle: (*Server).listPulls, result: newOf[[]*github.PullRequest], unmodelled: []string{"head.repo.forks", "base.repo.forks"}},
	{pattern: "POST /repos/{owner}/{repo}/pulls", handle: (*Server).createPull, result: newOf[github.PullRequest], unmodelled: []string{"head.repo.forks", "base.repo.forks"}},
	{pattern: "GET /repos/{owner}/{repo}/pulls/{pull_number}", handle: (*Server).getPull, result: newOf[github.PullRequest], unmodelled: []string{"head.repo.forks", "base.repo.forks"}},
	{pattern: "PATCH /repos/{owner}/{repo}/pulls/{pull_number}", handle: (*Server).updatePull, result: newOf[github.PullRequest], unmodelled: []string{"head.repo.forks", "base.repo.forks"}},
	{pattern: "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", handle: (*Server).mergePull, result: newOf[github.PullRequestMergeResult]},
	{pattern: "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", handle: (*Server).listReviews, result: newOf[[]*github.PullRequestReview], unmodelled: []string{"_links"}},

	{pattern: "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", handle: (*Server).listComments, result: newOf[[]*github.IssueComment]},
	{pattern: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", handle: (*Server).createComment, result: newOf[github.IssueComment]},
	{pattern: "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", handle: (*Server).updateComment, result: newOf[github.IssueComment]},
	{pattern: "GET /repos/{owner}/{repo}/issues/{issue_number}/labels", handle: (*Server).listLabels, result: newOf[[]*github.Label]},
	{pattern: "POST /repos/{owner}/{repo}/issues/{issue_number}/labels", handle: (*Server).addLabels, result: newOf[[]*github.Label]},
	{pattern: "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", handle: (*Server).removeLabel, result: newOf[[]*github.Label]},

	{pattern: "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", handle: (*Server).listCheckRuns, result: newOf[github.ListCheckRunsResults]},
	{pattern: "POST /repos/{owner}/{repo}/check-runs", handle: (*Server).createCheckRun, result: newOf[github.CheckRun]},
	{pattern: "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", handle: (*Server).updateCheckRun, result: newOf[github.CheckRun]},
}
