package githubtest

import (
	"fmt"
	"strconv"
	"time"
)

// The objects below are GitHub's REST objects with the fields its OpenAPI
// description requires, spelt as GitHub spells them. Optional fields that
// go-github v62 does not model are left out, so that decoding with unknown
// fields disallowed stays a useful check.

// simpleUser is GitHub's simple-user.
type simpleUser struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	SiteAdmin         bool   `json:"site_admin"`
}

func userJSON(base string, u *user) simpleUser {
	api := base + "users/" + u.login
	return simpleUser{
		Login:             u.login,
		ID:                u.id,
		NodeID:            nodeID("U", u.id),
		AvatarURL:         "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(u.id, 10) + "?v=4",
		GravatarID:        "",
		URL:               api,
		HTMLURL:           "https://github.com/" + u.login,
		FollowersURL:      api + "/followers",
		FollowingURL:      api + "/following{/other_user}",
		GistsURL:          api + "/gists{/gist_id}",
		StarredURL:        api + "/starred{/owner}{/repo}",
		SubscriptionsURL:  api + "/subscriptions",
		OrganizationsURL:  api + "/orgs",
		ReposURL:          api + "/repos",
		EventsURL:         api + "/events{/privacy}",
		ReceivedEventsURL: api + "/received_events",
		Type:              "User",
		SiteAdmin:         false,
	}
}

func nodeID(prefix string, id int64) string { return fmt.Sprintf("%s_kgDO%08d", prefix, id) }

// collaboratorJSON is GitHub's collaborator: a user with the permissions
// they hold on a repository.
type collaboratorJSON struct {
	simpleUser
	Permissions map[string]bool `json:"permissions"`
	RoleName    string          `json:"role_name"`
}

func collaboratorOf(base string, u *user, permission string) collaboratorJSON {
	perms := map[string]bool{}
	for i, p := range Permissions {
		perms[p] = i <= permissionRank(permission)
	}
	return collaboratorJSON{simpleUser: userJSON(base, u), Permissions: perms, RoleName: roleName(permission)}
}

// roleName is the role GitHub reports for a repository permission:
// permission names from the write API (pull, push) become role names
// (read, write). No access is "none".
func roleName(permission string) string {
	switch permission {
	case "pull":
		return "read"
	case "push":
		return "write"
	case "":
		return "none"
	}
	return permission
}

// legacyPermission is the coarse permission of GitHub's permission
// endpoint: admin, write, read or none.
func legacyPermission(permission string) string {
	switch permission {
	case "admin":
		return "admin"
	case "maintain", "push":
		return "write"
	case "triage", "pull":
		return "read"
	}
	return "none"
}

// orgJSON is GitHub's organization-simple.
type orgJSON struct {
	Login            string  `json:"login"`
	ID               int64   `json:"id"`
	NodeID           string  `json:"node_id"`
	URL              string  `json:"url"`
	ReposURL         string  `json:"repos_url"`
	EventsURL        string  `json:"events_url"`
	HooksURL         string  `json:"hooks_url"`
	IssuesURL        string  `json:"issues_url"`
	MembersURL       string  `json:"members_url"`
	PublicMembersURL string  `json:"public_members_url"`
	AvatarURL        string  `json:"avatar_url"`
	Description      *string `json:"description"`
}

func orgOf(base string, o *org) orgJSON {
	api := base + "orgs/" + o.login
	return orgJSON{
		Login:            o.login,
		ID:               o.id,
		NodeID:           nodeID("O", o.id),
		URL:              api,
		ReposURL:         api + "/repos",
		EventsURL:        api + "/events",
		HooksURL:         api + "/hooks",
		IssuesURL:        api + "/issues",
		MembersURL:       api + "/members{/member}",
		PublicMembersURL: api + "/public_members{/member}",
		AvatarURL:        "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(o.id, 10) + "?v=4",
	}
}

// orgMembershipJSON is GitHub's org-membership.
type orgMembershipJSON struct {
	URL             string     `json:"url"`
	State           string     `json:"state"`
	Role            string     `json:"role"`
	OrganizationURL string     `json:"organization_url"`
	Organization    orgJSON    `json:"organization"`
	User            simpleUser `json:"user"`
}

func orgMembershipOf(base string, o *org, ms *membership) orgMembershipJSON {
	return orgMembershipJSON{
		URL:             base + "orgs/" + o.login + "/memberships/" + ms.user.login,
		State:           ms.state,
		Role:            ms.role,
		OrganizationURL: base + "orgs/" + o.login,
		Organization:    orgOf(base, o),
		User:            userJSON(base, ms.user),
	}
}

// teamJSON is GitHub's team.
type teamJSON struct {
	ID              int64   `json:"id"`
	NodeID          string  `json:"node_id"`
	URL             string  `json:"url"`
	HTMLURL         string  `json:"html_url"`
	Name            string  `json:"name"`
	Slug            string  `json:"slug"`
	Description     *string `json:"description"`
	Privacy         string  `json:"privacy"`
	Permission      string  `json:"permission"`
	MembersURL      string  `json:"members_url"`
	RepositoriesURL string  `json:"repositories_url"`
	Parent          *string `json:"parent"`
	// Type is required by GitHub's description and not modelled by
	// go-github v62 (see the route's unmodelled fields).
	Type string `json:"type"`
}

func teamOf(base string, o *org, t *team) teamJSON {
	api := base + "organizations/" + strconv.FormatInt(o.id, 10) + "/team/" + strconv.FormatInt(t.id, 10)
	return teamJSON{
		ID:              t.id,
		NodeID:          nodeID("T", t.id),
		URL:             api,
		HTMLURL:         "https://github.com/orgs/" + o.login + "/teams/" + t.slug,
		Name:            t.name,
		Slug:            t.slug,
		Privacy:         "closed",
		Permission:      "pull",
		MembersURL:      api + "/members{/member}",
		RepositoriesURL: api + "/repos",
		Type:            "organization",
	}
}

// teamMembershipJSON is GitHub's team-membership.
type teamMembershipJSON struct {
	URL   string `json:"url"`
	Role  string `json:"role"`
	State string `json:"state"`
}

func teamMembershipOf(base string, o *org, t *team, ms *membership) teamMembershipJSON {
	return teamMembershipJSON{
		URL:   base + "organizations/" + strconv.FormatInt(o.id, 10) + "/team/" + strconv.FormatInt(t.id, 10) + "/memberships/" + ms.user.login,
		Role:  ms.role,
		State: ms.state,
	}
}

// permissionJSON is GitHub's repository-collaborator-permission.
type permissionJSON struct {
	Permission string           `json:"permission"`
	RoleName   string           `json:"role_name"`
	User       collaboratorJSON `json:"user"`
}

// invitationJSON is GitHub's repository-invitation.
type invitationJSON struct {
	ID          int64          `json:"id"`
	NodeID      string         `json:"node_id"`
	Repository  map[string]any `json:"repository"`
	Invitee     simpleUser     `json:"invitee"`
	Inviter     simpleUser     `json:"inviter"`
	Permissions string         `json:"permissions"`
	CreatedAt   string         `json:"created_at"`
	URL         string         `json:"url"`
	HTMLURL     string         `json:"html_url"`
}

func invitationOf(base string, o *org, r *repo, inv *invitation, inviter *user) invitationJSON {
	return invitationJSON{
		ID:          inv.id,
		NodeID:      nodeID("RI", inv.id),
		Repository:  minimalRepo(base, o, r),
		Invitee:     userJSON(base, inv.invitee),
		Inviter:     userJSON(base, inviter),
		Permissions: roleName(inv.permission),
		CreatedAt:   inv.created.UTC().Format(time.RFC3339),
		URL:         base + "user/repository_invitations/" + strconv.FormatInt(inv.id, 10),
		HTMLURL:     "https://github.com/" + o.login + "/" + r.name + "/invitations",
	}
}

// minimalRepo is GitHub's minimal-repository, with its owner, an
// organisation, as a simple-user of type Organization.
func minimalRepo(base string, o *org, r *repo) map[string]any {
	full := o.login + "/" + r.name
	api := base + "repos/" + full
	owner := userJSON(base, &user{id: o.id, login: o.login})
	owner.Type = "Organization"
	owner.URL = base + "users/" + o.login
	m := map[string]any{
		"id": r.id, "node_id": nodeID("R", r.id), "name": r.name, "full_name": full,
		"owner": owner, "private": true, "fork": false, "description": nil,
		"html_url": "https://github.com/" + full, "url": api,
	}
	for field, suffix := range map[string]string{
		"archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
		"blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
		"collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
		"commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
		"contents_url": "/contents/{+path}", "contributors_url": "/contributors",
		"deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events",
		"forks_url": "/forks", "git_commits_url": "/git/commits{/sha}", "git_refs_url": "/git/refs{/sha}",
		"git_tags_url": "/git/tags{/sha}", "hooks_url": "/hooks", "issue_comment_url": "/issues/comments{/number}",
		"issue_events_url": "/issues/events{/number}", "issues_url": "/issues{/number}", "keys_url": "/keys{/key_id}",
		"labels_url": "/labels{/name}", "languages_url": "/languages", "merges_url": "/merges",
		"milestones_url": "/milestones{/number}", "notifications_url": "/notifications{?since,all,participating}",
		"pulls_url": "/pulls{/number}", "releases_url": "/releases{/id}", "stargazers_url": "/stargazers",
		"statuses_url": "/statuses/{sha}", "subscribers_url": "/subscribers", "subscription_url": "/subscription",
		"tags_url": "/tags", "teams_url": "/teams", "trees_url": "/git/trees{/sha}",
	} {
		m[field] = api + suffix
	}
	return m
}
