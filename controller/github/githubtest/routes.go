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
	// the object, or from each element of a list) before decoding.
	unmodelled []string
}

func newOf[T any]() any { return new(T) }

// routes are the endpoints gatehouse calls. Keep them in the order of
// GitHub's REST reference: organisations, teams, repositories.
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
}
