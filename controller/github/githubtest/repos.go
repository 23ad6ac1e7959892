package githubtest

import (
	"net/http"
	"slices"
	"time"
)

const (
	docListCollaborators = "https://docs.github.com/rest/collaborators/collaborators#list-repository-collaborators"
	docAddCollaborator   = "https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator"
	docPermission        = "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user"
)

// inviterLogin is the account the fake names as the sender of
// invitations.
const inviterLogin = "ghost"

func (s *Server) repo(c *call, doc string) (*org, *repo, reply) {
	o := s.st.orgs[key(c.path("owner"))]
	if o == nil {
		return nil, nil, notFound(doc)
	}
	r := o.repos[key(c.path("repo"))]
	if r == nil {
		return nil, nil, notFound(doc)
	}
	return o, r, reply{}
}

// effective is a user's permission on a repository: the direct one, or
// admin for an organisation owner.
func effective(o *org, r *repo, k string) string {
	if ms := o.members[k]; ms != nil && ms.state == StateActive && ms.role == RoleAdmin {
		return "admin"
	}
	if c := r.collabs[k]; c != nil {
		return c.permission
	}
	return ""
}

// listCollaborators lists a repository's collaborators: direct ones,
// outside ones (direct but not members), or all (direct ones and the
// organisation's owners, who administer every repository).
func (s *Server) listCollaborators(c *call) reply {
	o, r, fail := s.repo(c, docListCollaborators)
	if r == nil {
		return fail
	}
	aff := c.r.URL.Query().Get("affiliation")
	if !slices.Contains([]string{"", "all", "direct", "outside"}, aff) {
		return invalid("Repository", "affiliation", docListCollaborators)
	}
	users := map[string]*user{}
	for k, cb := range r.collabs {
		if aff == "outside" {
			if ms := o.members[k]; ms != nil && ms.state == StateActive {
				continue
			}
		}
		users[k] = cb.user
	}
	if aff == "" || aff == "all" {
		for k, ms := range o.members {
			if ms.state == StateActive && ms.role == RoleAdmin {
				users[k] = ms.user
			}
		}
	}
	keys := make([]string, 0, len(users))
	for k := range users {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return int(users[a].id - users[b].id) })
	out := make([]collaboratorJSON, 0, len(keys))
	for _, k := range keys {
		perm := ""
		if cb := r.collabs[k]; cb != nil {
			perm = cb.permission
		}
		if aff == "" || aff == "all" {
			perm = effective(o, r, k)
		}
		out = append(out, collaboratorOf(c.url, users[k], perm))
	}
	return page(c, out)
}

// addCollaborator sets a direct permission: at once for members of the
// organisation and existing collaborators (204), through an invitation
// for anyone else (201).
func (s *Server) addCollaborator(c *call) reply {
	var in struct {
		Permission string `json:"permission"`
	}
	if err := c.decode(&in); err != nil {
		return apiError(http.StatusBadRequest, err.Error(), docAddCollaborator)
	}
	if in.Permission == "" {
		in.Permission = "push"
	}
	if permissionRank(in.Permission) < 0 {
		return invalid("Repository", "permission", docAddCollaborator)
	}
	o, r, fail := s.repo(c, docAddCollaborator)
	if r == nil {
		return fail
	}
	u := s.st.users[key(c.path("username"))]
	if u == nil {
		return notFound(docAddCollaborator)
	}
	k := key(u.login)
	if ms := o.members[k]; r.collabs[k] != nil || ms != nil && ms.state == StateActive {
		r.collabs[k] = &collaborator{user: u, permission: in.Permission}
		return noContent()
	}
	inv := r.invites[k]
	if inv == nil {
		inv = &invitation{id: s.st.id(), invitee: u, created: time.Now()}
		r.invites[k] = inv
	}
	inv.permission = in.Permission
	return reply{status: http.StatusCreated, body: invitationOf(c.url, o, r, inv, s.st.user(inviterLogin))}
}

// removeCollaborator removes a direct collaborator or cancels their
// invitation; removing someone who is neither succeeds too.
func (s *Server) removeCollaborator(c *call) reply {
	_, r, fail := s.repo(c, docAddCollaborator)
	if r == nil {
		return fail
	}
	k := key(c.path("username"))
	delete(r.collabs, k)
	delete(r.invites, k)
	return noContent()
}

// getCollaboratorPermission reports a user's effective permission on a
// repository, "none" for a user without access.
func (s *Server) getCollaboratorPermission(c *call) reply {
	o, r, fail := s.repo(c, docPermission)
	if r == nil {
		return fail
	}
	u := s.st.users[key(c.path("username"))]
	if u == nil {
		return notFound(docPermission)
	}
	perm := effective(o, r, key(u.login))
	return ok(permissionJSON{Permission: legacyPermission(perm), RoleName: roleName(perm), User: collaboratorOf(c.url, u, perm)})
}
