package githubtest

import (
	"slices"
	"strings"
	"time"
)

// Roles and permissions as the REST API spells them.
const (
	RoleAdmin      = "admin"
	RoleMember     = "member"
	RoleMaintainer = "maintainer"

	StateActive  = "active"
	StatePending = "pending"
)

// Permissions lists the repository permissions from least to most.
var Permissions = []string{"pull", "triage", "push", "maintain", "admin"}

// state is the fake's organisations, users and their access.
type state struct {
	nextID int64
	users  map[string]*user
	orgs   map[string]*org
}

type user struct {
	id    int64
	login string
}

type org struct {
	id      int64
	login   string
	members map[string]*membership
	teams   map[string]*team
	repos   map[string]*repo
}

// membership is one user's place in an organisation or a team.
type membership struct {
	user  *user
	role  string
	state string
}

type team struct {
	id      int64
	name    string
	slug    string
	members map[string]*membership
}

type repo struct {
	id      int64
	name    string
	collabs map[string]*collaborator
	invites map[string]*invitation
	created time.Time

	// The pull-request side (pulls.go, issues.go, checks.go).
	defaultBranch string
	branches      map[string]string
	commits       map[string]bool
	pulls         map[int]*pull
	nextNumber    int
	comments      map[int64]*comment
	labels        map[string]*label
	checkRuns     []*checkRun
}

type collaborator struct {
	user       *user
	permission string
}

type invitation struct {
	id         int64
	invitee    *user
	permission string
	created    time.Time
}

func newState() *state {
	return &state{nextID: 1000, users: map[string]*user{}, orgs: map[string]*org{}}
}

func key(login string) string { return strings.ToLower(login) }

func (st *state) id() int64 { st.nextID++; return st.nextID }

func (st *state) user(login string) *user {
	if u := st.users[key(login)]; u != nil {
		return u
	}
	u := &user{id: st.id(), login: login}
	st.users[key(login)] = u
	return u
}

func (st *state) org(login string) *org {
	if o := st.orgs[key(login)]; o != nil {
		return o
	}
	o := &org{id: st.id(), login: login, members: map[string]*membership{}, teams: map[string]*team{}, repos: map[string]*repo{}}
	st.orgs[key(login)] = o
	return o
}

// sortedMembers returns a map's memberships in the order GitHub lists
// them, by user id.
func sortedMembers(m map[string]*membership) []*membership {
	out := make([]*membership, 0, len(m))
	for _, ms := range m {
		out = append(out, ms)
	}
	slices.SortFunc(out, func(a, b *membership) int { return int(a.user.id - b.user.id) })
	return out
}

func permissionRank(p string) int { return slices.Index(Permissions, p) }

// AddUser creates a GitHub account that belongs to no organisation yet.
func (s *Server) AddUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.user(login)
}

// AddOrg creates an organisation with no members.
func (s *Server) AddOrg(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.org(name)
}

// AddMember makes login an active member of org with role "admin" (an
// owner) or "member".
func (s *Server) AddMember(org, login, role string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if role != RoleAdmin && role != RoleMember {
		s.t.Fatalf("githubtest: AddMember %s to %s: role %q is not admin or member", login, org, role)
	}
	o := s.st.org(org)
	o.members[key(login)] = &membership{user: s.st.user(login), role: role, state: StateActive}
}

// AddTeam creates a team whose name and slug are slug.
func (s *Server) AddTeam(org, slug string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.team(org, slug)
}

func (st *state) team(org, slug string) *team {
	o := st.org(org)
	if t := o.teams[slug]; t != nil {
		return t
	}
	t := &team{id: st.id(), name: slug, slug: slug, members: map[string]*membership{}}
	o.teams[slug] = t
	return t
}

// AddTeamMember makes login an active member of the team with role
// "member" or "maintainer", and a member of org if it was not one.
func (s *Server) AddTeamMember(org, slug, login, role string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if role != RoleMember && role != RoleMaintainer {
		s.t.Fatalf("githubtest: AddTeamMember %s to %s/%s: role %q is not member or maintainer", login, org, slug, role)
	}
	u := s.st.user(login)
	o := s.st.org(org)
	if ms := o.members[key(login)]; ms == nil || ms.state != StateActive {
		o.members[key(login)] = &membership{user: u, role: RoleMember, state: StateActive}
	}
	s.st.team(org, slug).members[key(login)] = &membership{user: u, role: role, state: StateActive}
}

// AddRepo creates a private repository in org.
func (s *Server) AddRepo(org, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(org, name)
}

func (st *state) repo(org, name string) *repo {
	o := st.org(org)
	if r := o.repos[key(name)]; r != nil {
		return r
	}
	r := &repo{
		id: st.id(), name: name, collabs: map[string]*collaborator{}, invites: map[string]*invitation{}, created: time.Now(),
		defaultBranch: "main", branches: map[string]string{}, commits: map[string]bool{},
		pulls: map[int]*pull{}, nextNumber: 1, comments: map[int64]*comment{}, labels: map[string]*label{},
	}
	o.repos[key(name)] = r
	return r
}

// AddCollaborator gives login a direct permission (pull, triage, push,
// maintain or admin) on org's repository.
func (s *Server) AddCollaborator(org, repoName, login, permission string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if permissionRank(permission) < 0 {
		s.t.Fatalf("githubtest: AddCollaborator %s to %s/%s: permission %q is not one of %v", login, org, repoName, permission, Permissions)
	}
	s.st.repo(org, repoName).collabs[key(login)] = &collaborator{user: s.st.user(login), permission: permission}
}

// AcceptInvitations accepts every invitation login has: to organisations,
// to teams and to repositories.
func (s *Server) AcceptInvitations(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(login)
	for _, o := range s.st.orgs {
		if ms := o.members[k]; ms != nil {
			ms.state = StateActive
		}
		for _, t := range o.teams {
			if ms := t.members[k]; ms != nil {
				ms.state = StateActive
			}
		}
		for _, r := range o.repos {
			if inv := r.invites[k]; inv != nil {
				r.collabs[k] = &collaborator{user: inv.invitee, permission: inv.permission}
				delete(r.invites, k)
			}
		}
	}
}

// OrgRole returns login's role in org ("admin" or "member") and the
// membership's state ("active" or "pending"); both are empty when login
// is not a member.
func (s *Server) OrgRole(org, login string) (role, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ms := s.st.org(org).members[key(login)]; ms != nil {
		return ms.role, ms.state
	}
	return "", ""
}

// TeamRole returns login's role in the team ("member" or "maintainer")
// and the membership's state; both are empty when login is not in it.
func (s *Server) TeamRole(org, slug, login string) (role, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.st.org(org).teams[slug]; t != nil {
		if ms := t.members[key(login)]; ms != nil {
			return ms.role, ms.state
		}
	}
	return "", ""
}

// Collaborator returns login's direct permission on org's repository and
// the permission of a pending invitation; each is empty when absent.
func (s *Server) Collaborator(org, repoName, login string) (permission, invited string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.org(org).repos[key(repoName)]
	if r == nil {
		return "", ""
	}
	if c := r.collabs[key(login)]; c != nil {
		permission = c.permission
	}
	if inv := r.invites[key(login)]; inv != nil {
		invited = inv.permission
	}
	return permission, invited
}
