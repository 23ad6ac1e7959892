package githubtest

import (
	"net/http"
	"slices"
)

const (
	docListMembers      = "https://docs.github.com/rest/orgs/members#list-organization-members"
	docOrgMembership    = "https://docs.github.com/rest/orgs/members#get-organization-membership-for-a-user"
	docSetOrgMembership = "https://docs.github.com/rest/orgs/members#set-organization-membership-for-a-user"
	docRemoveMembership = "https://docs.github.com/rest/orgs/members#remove-organization-membership-for-a-user"
)

// listOrgMembers lists an organisation's active members, all of them or
// those of one role.
func (s *Server) listOrgMembers(c *call) reply {
	o := s.st.orgs[key(c.path("org"))]
	if o == nil {
		return notFound(docListMembers)
	}
	return listMembers(c, o.members, "Organization", docListMembers, RoleAdmin, RoleMember)
}

// listMembers answers a page of the active memberships of m: all, or
// those of the role the request's role parameter names, one of roles.
func listMembers(c *call, m map[string]*membership, resource, doc string, roles ...string) reply {
	role := c.r.URL.Query().Get("role")
	switch {
	case role == "" || role == "all":
		role = ""
	case !slices.Contains(roles, role):
		return invalid(resource, "role", doc)
	}
	var out []simpleUser
	for _, ms := range sortedMembers(m) {
		if ms.state == StateActive && (role == "" || ms.role == role) {
			out = append(out, userJSON(c.url, ms.user))
		}
	}
	return page(c, out)
}

func (s *Server) getOrgMembership(c *call) reply {
	o := s.st.orgs[key(c.path("org"))]
	if o == nil {
		return notFound(docOrgMembership)
	}
	ms := o.members[key(c.path("username"))]
	if ms == nil {
		return notFound(docOrgMembership)
	}
	return ok(orgMembershipOf(c.url, o, ms))
}

// setOrgMembership changes a member's role, or invites a user who is not
// a member yet: the membership stays pending until they accept.
func (s *Server) setOrgMembership(c *call) reply {
	var in struct {
		Role string `json:"role"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docSetOrgMembership)
	}
	switch in.Role {
	case "":
		in.Role = RoleMember
	case RoleAdmin, RoleMember:
	default:
		return invalid("Membership", "role", docSetOrgMembership)
	}
	o := s.st.orgs[key(c.path("org"))]
	u := s.st.users[key(c.path("username"))]
	if o == nil || u == nil {
		return notFound(docSetOrgMembership)
	}
	ms := o.members[key(u.login)]
	if ms == nil {
		ms = &membership{user: u, state: StatePending}
		o.members[key(u.login)] = ms
	}
	ms.role = in.Role
	return ok(orgMembershipOf(c.url, o, ms))
}

// removeOrgMembership removes a member or cancels an invitation; the user
// leaves every team and loses direct access to the organisation's
// repositories with it.
func (s *Server) removeOrgMembership(c *call) reply {
	o := s.st.orgs[key(c.path("org"))]
	if o == nil {
		return notFound(docRemoveMembership)
	}
	k := key(c.path("username"))
	if o.members[k] == nil {
		return notFound(docRemoveMembership)
	}
	delete(o.members, k)
	for _, t := range o.teams {
		delete(t.members, k)
	}
	for _, r := range o.repos {
		delete(r.collabs, k)
		delete(r.invites, k)
	}
	return noContent()
}
