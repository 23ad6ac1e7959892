package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	ghapi "github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// Integration provisions one GitHub organisation.
type Integration struct {
	org    string
	client *gh.Client
	self   string
	retry  ghapi.RetryPolicy
}

var _ reconcile.Integration = (*Integration)(nil)

// New returns the integration of settings' organisation through client.
// self is the login of the account the client acts as (the token's user
// or the app's bot): it is never granted, revoked or listed. A nil client
// makes every call fail with reconcile.ErrNotConfigured.
func New(settings model.GitHubIntegration, client *gh.Client, self string) *Integration {
	return &Integration{org: settings.Organization, client: client, self: strings.ToLower(self), retry: ghapi.DefaultRetryPolicy}
}

// Capabilities reports that the integration lists, grants and revokes.
func (g *Integration) Capabilities() reconcile.Capabilities {
	return reconcile.Capabilities{List: true, Grant: true, Revoke: true}
}

// AccountFor returns the person's GitHub login, in lower case as GitHub
// compares logins.
func (g *Integration) AccountFor(p *model.Person) (string, error) {
	if p == nil {
		return "", errors.New("github: no person given")
	}
	if p.GitHub == "" {
		return "", fmt.Errorf("github: %s has no GitHub login: add `github: LOGIN` to %s", p.Name, p.Where())
	}
	return strings.ToLower(p.GitHub), nil
}

func (g *Integration) ready() error {
	if g.client == nil {
		return fmt.Errorf("github %s: %w: %w; set %s", g.org, reconcile.ErrNotConfigured, errNoClient, EnvToken)
	}
	if g.org == "" {
		return fmt.Errorf("github: %w: the integration names no organization; set github.organization in gatehouse.yaml", reconcile.ErrNotConfigured)
	}
	return nil
}

// List returns every member of the organisation with their role and team
// memberships, and the direct collaborators of the repositories the
// scope names (only those: listing every repository costs a call each)
// with their permission. The integration's own account is left out.
func (g *Integration) List(ctx context.Context, scope []string) ([]reconcile.Account, error) {
	if err := g.ready(); err != nil {
		return nil, err
	}
	held := map[string]map[string]bool{}
	add := func(users []*gh.User, ent string) {
		for _, u := range users {
			login := strings.ToLower(u.GetLogin())
			if held[login] == nil {
				held[login] = map[string]bool{}
			}
			held[login][ent] = true
		}
	}
	for _, role := range []string{RoleAdmin, RoleMember} {
		users, err := listAll(ctx, g, "the "+role+"s of "+g.org, func(o gh.ListOptions) ([]*gh.User, *gh.Response, error) {
			return g.client.Organizations.ListMembers(ctx, g.org, &gh.ListMembersOptions{Role: role, ListOptions: o})
		})
		if err != nil {
			return nil, err
		}
		add(users, role)
	}
	teams, err := listAll(ctx, g, "the teams of "+g.org, func(o gh.ListOptions) ([]*gh.Team, *gh.Response, error) {
		return g.client.Teams.ListTeams(ctx, g.org, &o)
	})
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		for _, role := range []string{RoleMaintainer, RoleMember} {
			ent := entitlement{kind: kindTeam, name: t.GetSlug(), role: role}
			users, err := listAll(ctx, g, "the "+role+"s of team "+t.GetSlug(), func(o gh.ListOptions) ([]*gh.User, *gh.Response, error) {
				return g.client.Teams.ListTeamMembersBySlug(ctx, g.org, t.GetSlug(), &gh.TeamListTeamMembersOptions{Role: role, ListOptions: o})
			})
			if err != nil {
				return nil, err
			}
			add(users, ent.String())
		}
	}
	for _, repo := range reposIn(scope) {
		users, err := listAll(ctx, g, "the collaborators of "+g.org+"/"+repo, func(o gh.ListOptions) ([]*gh.User, *gh.Response, error) {
			return g.client.Repositories.ListCollaborators(ctx, g.org, repo, &gh.ListCollaboratorsOptions{Affiliation: "direct", ListOptions: o})
		})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if p := permissionOfRole(u.GetRoleName()); p != "" {
				add([]*gh.User{u}, entitlement{kind: kindRepo, name: repo, role: p}.String())
			}
		}
	}
	delete(held, g.self)
	return reconcile.AccountsOf(held), nil
}

// listAll follows every page of a list.
func listAll[T any](ctx context.Context, g *Integration, what string, list func(gh.ListOptions) ([]T, *gh.Response, error)) ([]T, error) {
	all, err := ghapi.ListAll(ctx, g.retry, list)
	if err != nil {
		return nil, fmt.Errorf("github %s: list %s: %w", g.org, what, err)
	}
	return all, nil
}

// Grant gives account the entitlement. Holding it, or a higher level of
// it, is success and changes nothing; a user who is not a member yet is
// invited.
func (g *Integration) Grant(ctx context.Context, account, ent string) error {
	e, err := g.check(account, ent, "grant")
	if err != nil {
		return err
	}
	account = strings.ToLower(account)
	switch {
	case e.kind == kindOrg && e.role == RoleMember:
		role, _, err := g.orgRole(ctx, account)
		if err != nil || role != "" {
			return g.wrap("grant", ent, account, err)
		}
		return g.wrap("grant", ent, account, g.setOrgRole(ctx, account, RoleMember))
	case e.kind == kindOrg:
		return g.wrap("grant", ent, account, g.setOrgRole(ctx, account, RoleAdmin))
	case e.kind == kindTeam && e.role == RoleMember:
		role, err := g.teamRole(ctx, e.name, account)
		if err != nil || role != "" {
			return g.wrap("grant", ent, account, err)
		}
		return g.wrap("grant", ent, account, g.setTeamRole(ctx, e.name, account, RoleMember))
	case e.kind == kindTeam:
		return g.wrap("grant", ent, account, g.setTeamRole(ctx, e.name, account, RoleMaintainer))
	default:
		have, err := g.permission(ctx, e.name, account)
		if err != nil || permissionRank(have) >= permissionRank(e.role) {
			return g.wrap("grant", ent, account, err)
		}
		_, err = g.do(ctx, func() (*gh.Response, error) {
			_, resp, err := g.client.Repositories.AddCollaborator(ctx, g.org, e.name, account, &gh.RepositoryAddCollaboratorOptions{Permission: e.role})
			return resp, err
		})
		return g.wrap("grant", ent, account, err)
	}
}

// Revoke takes the entitlement from account. Not holding it, or holding
// a higher level of it, is success and changes nothing. Demoting the
// organisation's last owner is refused with reconcile.ErrProtected.
func (g *Integration) Revoke(ctx context.Context, account, ent string) error {
	e, err := g.check(account, ent, "revoke")
	if err != nil {
		return err
	}
	account = strings.ToLower(account)
	switch e.kind {
	case kindOrg:
		role, state, err := g.orgRole(ctx, account)
		switch {
		case err != nil:
		case e.role == RoleMember && role == RoleMember:
			_, err = g.do(ctx, func() (*gh.Response, error) {
				return absentIsDone(g.client.Organizations.RemoveOrgMembership(ctx, account, g.org))
			})
		case e.role == RoleAdmin && role == RoleAdmin:
			if state == "active" {
				if err := g.keepAnOwner(ctx, account); err != nil {
					return err
				}
			}
			err = g.setOrgRole(ctx, account, RoleMember)
		}
		return g.wrap("revoke", ent, account, err)
	case kindTeam:
		role, err := g.teamRole(ctx, e.name, account)
		switch {
		case err != nil || role != e.role:
		case role == RoleMaintainer:
			err = g.setTeamRole(ctx, e.name, account, RoleMember)
		default:
			_, err = g.do(ctx, func() (*gh.Response, error) {
				return absentIsDone(g.client.Teams.RemoveTeamMembershipBySlug(ctx, g.org, e.name, account))
			})
		}
		return g.wrap("revoke", ent, account, err)
	default:
		have, err := g.permission(ctx, e.name, account)
		// A pending invitation shows as no access: removing cancels it.
		if err == nil && (have == e.role || have == "") {
			_, err = g.do(ctx, func() (*gh.Response, error) {
				return g.client.Repositories.RemoveCollaborator(ctx, g.org, e.name, account)
			})
		}
		return g.wrap("revoke", ent, account, err)
	}
}

// check refuses what no call may do: an unconfigured integration, an
// unknown entitlement, the integration's own account.
func (g *Integration) check(account, ent, op string) (entitlement, error) {
	if err := g.ready(); err != nil {
		return entitlement{}, err
	}
	e, err := parseEntitlement(ent)
	if err != nil {
		return entitlement{}, fmt.Errorf("github %s: %s %s: %w", g.org, op, account, err)
	}
	if account == "" {
		return entitlement{}, fmt.Errorf("github %s: %s %s: no account given", g.org, op, ent)
	}
	if g.self != "" && strings.EqualFold(account, g.self) {
		return entitlement{}, fmt.Errorf("github %s: %s %s on %s, gatehouse's own account: %w", g.org, op, ent, account, reconcile.ErrProtected)
	}
	return e, nil
}

func (g *Integration) wrap(op, ent, account string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("github %s: %s %s on %s: %w", g.org, op, ent, account, err)
}

// keepAnOwner refuses to demote account when it is the last owner.
func (g *Integration) keepAnOwner(ctx context.Context, account string) error {
	// Two owners settle it: one page of two.
	owners, _, err := fetch(ctx, g, func() ([]*gh.User, *gh.Response, error) {
		return g.client.Organizations.ListMembers(ctx, g.org, &gh.ListMembersOptions{Role: RoleAdmin, ListOptions: gh.ListOptions{PerPage: 2}})
	})
	if err != nil {
		return g.wrap("revoke", RoleAdmin, account, fmt.Errorf("count the owners: %w", err))
	}
	if len(owners) < 2 {
		return fmt.Errorf("github %s: revoke admin on %s, the organisation's last owner: make someone else an owner first: %w", g.org, account, reconcile.ErrProtected)
	}
	return nil
}

// orgRole returns account's organisation role and membership state, or
// "" when it is not a member or invited.
func (g *Integration) orgRole(ctx context.Context, account string) (role, state string, err error) {
	m, _, err := fetch(ctx, g, func() (*gh.Membership, *gh.Response, error) {
		return g.client.Organizations.GetOrgMembership(ctx, account, g.org)
	})
	if isNotFound(err) {
		return "", "", nil
	}
	return m.GetRole(), m.GetState(), err
}

func (g *Integration) setOrgRole(ctx context.Context, account, role string) error {
	_, err := g.do(ctx, func() (*gh.Response, error) {
		_, resp, err := g.client.Organizations.EditOrgMembership(ctx, account, g.org, &gh.Membership{Role: gh.String(role)})
		return resp, err
	})
	return err
}

// teamRole returns account's role in the team, pending or active, or ""
// when it is not on it.
func (g *Integration) teamRole(ctx context.Context, slug, account string) (string, error) {
	m, _, err := fetch(ctx, g, func() (*gh.Membership, *gh.Response, error) {
		return g.client.Teams.GetTeamMembershipBySlug(ctx, g.org, slug, account)
	})
	if isNotFound(err) {
		return "", nil
	}
	return m.GetRole(), err
}

func (g *Integration) setTeamRole(ctx context.Context, slug, account, role string) error {
	_, err := g.do(ctx, func() (*gh.Response, error) {
		_, resp, err := g.client.Teams.AddTeamMembershipBySlug(ctx, g.org, slug, account, &gh.TeamAddTeamMembershipOptions{Role: role})
		return resp, err
	})
	return err
}

// permission returns account's effective permission on the repository,
// "" for none.
func (g *Integration) permission(ctx context.Context, repo, account string) (string, error) {
	level, _, err := fetch(ctx, g, func() (*gh.RepositoryPermissionLevel, *gh.Response, error) {
		return g.client.Repositories.GetPermissionLevel(ctx, g.org, repo, account)
	})
	if err != nil {
		if isNotFound(err) {
			return "", fmt.Errorf("%s/%s or the GitHub account %s does not exist: check the repository's name and the person's login: %w", g.org, repo, account, err)
		}
		return "", err
	}
	return permissionOfRole(level.GetUser().GetRoleName()), nil
}

// fetch makes one call that returns a value, through do.
func fetch[T any](ctx context.Context, g *Integration, call func() (T, *gh.Response, error)) (T, *gh.Response, error) {
	return ghapi.Fetch(ctx, g.retry, call)
}

// do makes one API call, waiting out rate limits and retrying 5xx answers
// and network errors as the policy allows.
func (g *Integration) do(ctx context.Context, call func() (*gh.Response, error)) (*gh.Response, error) {
	return g.retry.Do(ctx, call)
}

// absentIsDone turns the 404 of removing what is not there into success.
func absentIsDone(resp *gh.Response, err error) (*gh.Response, error) {
	if isNotFound(err) {
		return resp, nil
	}
	return resp, err
}

func isNotFound(err error) bool { return ghapi.IsNotFound(err) }
