package github

import (
	"fmt"
	"slices"
	"strings"
)

// Organisation roles, team roles and repository permissions as GitHub's
// REST API spells them.
const (
	RoleMember     = "member"
	RoleAdmin      = "admin"
	RoleMaintainer = "maintainer"
)

// Permissions are the repository permissions from least to most.
var Permissions = []string{"pull", "triage", "push", "maintain", "admin"}

// Kinds of entitlement.
const (
	kindOrg  = "org"
	kindTeam = "team"
	kindRepo = "repo"
)

// entitlement is one parsed entitlement string.
type entitlement struct {
	kind string
	// name is the team's slug or the repository's name.
	name string
	// role is the organisation role (member, admin), the team role
	// (member, maintainer) or the repository permission.
	role string
}

// errUnknownEntitlement says which forms exist.
const entitlementForms = `member, admin, team:<slug>, team:<slug>:maintainer or repo:<name>:<pull|triage|push|maintain|admin>`

func parseEntitlement(s string) (entitlement, error) {
	parts := strings.Split(s, ":")
	switch {
	case len(parts) == 1 && (s == RoleMember || s == RoleAdmin):
		return entitlement{kind: kindOrg, role: s}, nil
	case parts[0] == "team" && len(parts) == 2 && parts[1] != "":
		return entitlement{kind: kindTeam, name: parts[1], role: RoleMember}, nil
	case parts[0] == "team" && len(parts) == 3 && parts[1] != "" && parts[2] == RoleMaintainer:
		return entitlement{kind: kindTeam, name: parts[1], role: RoleMaintainer}, nil
	case parts[0] == "repo" && len(parts) == 3 && parts[1] != "" && slices.Contains(Permissions, parts[2]):
		return entitlement{kind: kindRepo, name: parts[1], role: parts[2]}, nil
	}
	return entitlement{}, fmt.Errorf("unknown GitHub entitlement %q: use %s", s, entitlementForms)
}

func (e entitlement) String() string {
	switch e.kind {
	case kindTeam:
		if e.role == RoleMaintainer {
			return "team:" + e.name + ":" + RoleMaintainer
		}
		return "team:" + e.name
	case kindRepo:
		return "repo:" + e.name + ":" + e.role
	}
	return e.role
}

// permissionRank orders repository permissions; -1 is no access.
func permissionRank(p string) int { return slices.Index(Permissions, p) }

// permissionOfRole turns the role name GitHub reports (read, write, ...)
// into the permission the write API takes (pull, push, ...); "" for no
// access or a custom role.
func permissionOfRole(role string) string {
	switch role {
	case "read":
		return "pull"
	case "write":
		return "push"
	case "triage", "maintain", "admin":
		return role
	}
	return ""
}

// reposIn returns the repositories the scope's entitlements name, sorted
// and once each.
func reposIn(scope []string) []string {
	var repos []string
	for _, s := range scope {
		if e, err := parseEntitlement(s); err == nil && e.kind == kindRepo && !slices.Contains(repos, e.name) {
			repos = append(repos, e.name)
		}
	}
	slices.Sort(repos)
	return repos
}
