package githubtest

import (
	"net/http"
	"slices"
	"strings"
)

const (
	docListTeams         = "https://docs.github.com/rest/teams/teams#list-teams"
	docListTeamMembers   = "https://docs.github.com/rest/teams/members#list-team-members"
	docTeamMembership    = "https://docs.github.com/rest/teams/members#get-team-membership-for-a-user"
	docSetTeamMembership = "https://docs.github.com/rest/teams/members#add-or-update-team-membership-for-a-user"
)

func (s *Server) listTeams(c *call) reply {
	o := s.st.orgs[key(c.path("org"))]
	if o == nil {
		return notFound(docListTeams)
	}
	teams := make([]*team, 0, len(o.teams))
	for _, t := range o.teams {
		teams = append(teams, t)
	}
	slices.SortFunc(teams, func(a, b *team) int { return strings.Compare(a.slug, b.slug) })
	out := make([]teamJSON, 0, len(teams))
	for _, t := range teams {
		out = append(out, teamOf(c.url, o, t))
	}
	return page(c, out)
}

// team finds the team a request names, or answers 404.
func (s *Server) team(c *call, doc string) (*org, *team, reply) {
	o := s.st.orgs[key(c.path("org"))]
	if o == nil {
		return nil, nil, notFound(doc)
	}
	t := o.teams[c.path("team_slug")]
	if t == nil {
		return nil, nil, notFound(doc)
	}
	return o, t, reply{}
}

// listTeamMembers lists a team's active members, all of them or those of
// one role.
func (s *Server) listTeamMembers(c *call) reply {
	_, t, fail := s.team(c, docListTeamMembers)
	if t == nil {
		return fail
	}
	return listMembers(c, t.members, "Team", docListTeamMembers, RoleMember, RoleMaintainer)
}

func (s *Server) getTeamMembership(c *call) reply {
	o, t, fail := s.team(c, docTeamMembership)
	if t == nil {
		return fail
	}
	ms := t.members[key(c.path("username"))]
	if ms == nil {
		return notFound(docTeamMembership)
	}
	return ok(teamMembershipOf(c.url, o, t, ms))
}

// setTeamMembership adds a user to a team or changes their role. A user
// who is not an active member of the organisation is invited to it, and
// the team membership stays pending until they accept.
func (s *Server) setTeamMembership(c *call) reply {
	var in struct {
		Role string `json:"role"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docSetTeamMembership)
	}
	switch in.Role {
	case "":
		in.Role = RoleMember
	case RoleMember, RoleMaintainer:
	default:
		return invalid("TeamMember", "role", docSetTeamMembership)
	}
	o, t, fail := s.team(c, docSetTeamMembership)
	if t == nil {
		return fail
	}
	u := s.st.users[key(c.path("username"))]
	if u == nil {
		return notFound(docSetTeamMembership)
	}
	k := key(u.login)
	ms := t.members[k]
	if ms == nil {
		ms = &membership{user: u, state: StateActive}
		if om := o.members[k]; om == nil || om.state != StateActive {
			ms.state = StatePending
			if om == nil {
				o.members[k] = &membership{user: u, role: RoleMember, state: StatePending}
			}
		}
		t.members[k] = ms
	}
	ms.role = in.Role
	return ok(teamMembershipOf(c.url, o, t, ms))
}

// removeTeamMembership takes a user off a team; one who is not on it is
// answered as removed too.
func (s *Server) removeTeamMembership(c *call) reply {
	_, t, fail := s.team(c, docSetTeamMembership)
	if t == nil {
		return fail
	}
	delete(t.members, key(c.path("username")))
	return noContent()
}
