package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	ghapi "github.com/gatehouse-dev/gatehouse/controller/github"
	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

const (
	org  = "acme"
	self = "gatehouse-bot"
)

// fastRetry keeps the tests' backoff short; rate-limit waits are as long
// as the fake asks.
var fastRetry = ghapi.RetryPolicy{Attempts: 3, Backoff: time.Millisecond, RateWaits: 3, Margin: 20 * time.Millisecond}

// setup starts a fake GitHub with the acme organisation (olivia and the
// controller's own account as owners, a platform team, an api
// repository) and an integration pointed at it through GITHUB_API_URL.
func setup(t *testing.T) (*githubtest.Server, *Integration) {
	t.Helper()
	srv := githubtest.NewServer(t)
	srv.AddMember(org, "olivia", githubtest.RoleAdmin)
	srv.AddMember(org, self, githubtest.RoleAdmin)
	srv.AddTeam(org, "platform")
	srv.AddRepo(org, "api")
	return srv, integrationFor(t, srv)
}

func integrationFor(t *testing.T, srv *githubtest.Server) *Integration {
	t.Helper()
	t.Setenv(EnvAPIURL, srv.URL)
	t.Setenv(EnvToken, "")
	client, err := ClientFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	g := New(model.GitHubIntegration{Organization: org}, client, self)
	g.retry = fastRetry
	return g
}

// held lists what account holds according to List.
func held(t *testing.T, g *Integration, account string, scope ...string) []string {
	t.Helper()
	accounts, err := g.List(context.Background(), scope)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, a := range accounts {
		if a.ID == account {
			return a.Entitlements
		}
	}
	return []string{}
}

func TestGrantAndRevokeAgainstFakeGitHubRoundTrip(t *testing.T) {
	member := func(srv *githubtest.Server) { srv.AddMember(org, "bob", githubtest.RoleMember) }
	outsider := func(srv *githubtest.Server) { srv.AddUser("bob") }
	tests := []struct {
		name        string
		setup       func(*githubtest.Server)
		ent         string
		wantGranted []string
		wantRevoked []string
	}{
		{"member, invited", outsider, "member", []string{"member"}, []string{}},
		{"owner", member, "admin", []string{"admin"}, []string{"member"}},
		{"team member", member, "team:platform", []string{"member", "team:platform"}, []string{"member"}},
		{"team maintainer", member, "team:platform:maintainer", []string{"member", "team:platform:maintainer"}, []string{"member", "team:platform"}},
		{"repo pull", member, "repo:api:pull", []string{"member", "repo:api:pull"}, []string{"member"}},
		{"repo triage", member, "repo:api:triage", []string{"member", "repo:api:triage"}, []string{"member"}},
		{"repo push", member, "repo:api:push", []string{"member", "repo:api:push"}, []string{"member"}},
		{"repo maintain", member, "repo:api:maintain", []string{"member", "repo:api:maintain"}, []string{"member"}},
		{"repo admin", member, "repo:api:admin", []string{"member", "repo:api:admin"}, []string{"member"}},
		{"outside collaborator, invited", outsider, "repo:api:push", []string{"repo:api:push"}, []string{}},
		{"team, invited to the organisation", outsider, "team:platform", []string{"member", "team:platform"}, []string{"member"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, g := setup(t)
			tc.setup(srv)
			ctx := context.Background()
			if err := g.Grant(ctx, "bob", tc.ent); err != nil {
				t.Fatalf("Grant: %v", err)
			}
			srv.AcceptInvitations("bob")
			if got := held(t, g, "bob", tc.ent); !slices.Equal(got, tc.wantGranted) {
				t.Errorf("after Grant bob holds %v, want %v", got, tc.wantGranted)
			}
			if err := g.Revoke(ctx, "bob", tc.ent); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			if got := held(t, g, "bob", tc.ent); !slices.Equal(got, tc.wantRevoked) {
				t.Errorf("after Revoke bob holds %v, want %v", got, tc.wantRevoked)
			}
		})
	}
}

func TestGrantAndRevokeAgainstFakeGitHubAreIdempotent(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*githubtest.Server)
		op    string
		ent   string
		want  []string
	}{
		{"grant member to a member", func(s *githubtest.Server) { s.AddMember(org, "bob", "member") }, "grant", "member", []string{"member"}},
		{"grant member to an owner keeps the owner", func(s *githubtest.Server) { s.AddMember(org, "bob", "admin") }, "grant", "member", []string{"admin"}},
		{"grant a team to its maintainer keeps the maintainer", func(s *githubtest.Server) { s.AddTeamMember(org, "platform", "bob", "maintainer") }, "grant", "team:platform", []string{"member", "team:platform:maintainer"}},
		{"grant a team to its member", func(s *githubtest.Server) { s.AddTeamMember(org, "platform", "bob", "member") }, "grant", "team:platform", []string{"member", "team:platform"}},
		{"grant push to a repo admin keeps admin", func(s *githubtest.Server) { s.AddCollaborator(org, "api", "bob", "admin") }, "grant", "repo:api:push", []string{"repo:api:admin"}},
		{"grant push to a pusher", func(s *githubtest.Server) { s.AddCollaborator(org, "api", "bob", "push") }, "grant", "repo:api:push", []string{"repo:api:push"}},
		{"revoke member from a non-member", func(s *githubtest.Server) { s.AddUser("bob") }, "revoke", "member", []string{}},
		{"revoke member from an owner keeps the owner", func(s *githubtest.Server) { s.AddMember(org, "bob", "admin") }, "revoke", "member", []string{"admin"}},
		{"revoke admin from a member", func(s *githubtest.Server) { s.AddMember(org, "bob", "member") }, "revoke", "admin", []string{"member"}},
		{"revoke a team from a non-member", func(s *githubtest.Server) { s.AddMember(org, "bob", "member") }, "revoke", "team:platform", []string{"member"}},
		{"revoke a team from its maintainer keeps the maintainer", func(s *githubtest.Server) { s.AddTeamMember(org, "platform", "bob", "maintainer") }, "revoke", "team:platform", []string{"member", "team:platform:maintainer"}},
		{"revoke maintainer from a team member", func(s *githubtest.Server) { s.AddTeamMember(org, "platform", "bob", "member") }, "revoke", "team:platform:maintainer", []string{"member", "team:platform"}},
		{"revoke push from a repo admin keeps admin", func(s *githubtest.Server) { s.AddCollaborator(org, "api", "bob", "admin") }, "revoke", "repo:api:push", []string{"repo:api:admin"}},
		{"revoke push from a puller keeps pull", func(s *githubtest.Server) { s.AddCollaborator(org, "api", "bob", "pull") }, "revoke", "repo:api:push", []string{"repo:api:pull"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, g := setup(t)
			tc.setup(srv)
			op := g.Grant
			if tc.op == "revoke" {
				op = g.Revoke
			}
			for i := range 2 {
				if err := op(context.Background(), "bob", tc.ent); err != nil {
					t.Fatalf("%s %s, time %d: %v", tc.op, tc.ent, i+1, err)
				}
			}
			if w := srv.Writes(); len(w) != 0 {
				t.Errorf("%s %s wrote %d times, want none: first %s %s", tc.op, tc.ent, len(w), w[0].Method, w[0].Path)
			}
			if got := held(t, g, "bob", "repo:api:pull"); !slices.Equal(got, tc.want) {
				t.Errorf("bob holds %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGrantAgainstFakeGitHubTwiceWritesOnce(t *testing.T) {
	for _, ent := range []string{"member", "team:platform", "repo:api:push"} {
		t.Run(ent, func(t *testing.T) {
			srv, g := setup(t)
			srv.AddMember(org, "bob", "member")
			if ent == "member" {
				srv.AddUser("carol")
			}
			account := map[bool]string{true: "carol", false: "bob"}[ent == "member"]
			for range 2 {
				if err := g.Grant(context.Background(), account, ent); err != nil {
					t.Fatal(err)
				}
				srv.AcceptInvitations(account)
			}
			if w := srv.Writes(); len(w) != 1 {
				t.Errorf("two grants of %s wrote %d times, want once", ent, len(w))
			}
		})
	}
}

func TestListAgainstFakeGitHubFollowsEveryPage(t *testing.T) {
	srv, g := setup(t)
	for i := range 248 {
		login := fmt.Sprintf("user%03d", i)
		srv.AddMember(org, login, githubtest.RoleMember)
		switch {
		case i < 5:
			srv.AddTeamMember(org, "platform", login, githubtest.RoleMaintainer)
		case i < 120:
			srv.AddTeamMember(org, "platform", login, githubtest.RoleMember)
		}
		if i >= 100 {
			srv.AddCollaborator(org, "api", login, "push")
		}
	}
	srv.AddRepo(org, "other")
	srv.AddCollaborator(org, "other", "user000", "admin")
	accounts, err := g.List(context.Background(), []string{"repo:api:push", "team:platform"})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 249 {
		t.Errorf("List returned %d accounts, want 249 (248 members and olivia, not gatehouse's own)", len(accounts))
	}
	want := map[string][]string{
		"olivia":  {"admin"},
		"user000": {"member", "team:platform:maintainer"},
		"user099": {"member", "team:platform"},
		"user119": {"member", "repo:api:push", "team:platform"},
		"user120": {"member", "repo:api:push"},
		"user247": {"member", "repo:api:push"},
	}
	for _, a := range accounts {
		if w, ok := want[a.ID]; ok && !slices.Equal(a.Entitlements, w) {
			t.Errorf("%s holds %v, want %v", a.ID, a.Entitlements, w)
		}
		if a.ID == self {
			t.Errorf("List reported gatehouse's own account")
		}
	}
	calls := map[string]int{
		// role=admin: one page; role=member: 248 in three pages of 100.
		"GET /orgs/{org}/members": 4,
		"GET /orgs/{org}/teams":   1,
		// maintainers: one page; members: 115 in two.
		"GET /orgs/{org}/teams/{team_slug}/members": 3,
		// 148 direct collaborators of api, in two pages; none of other.
		"GET /repos/{owner}/{repo}/collaborators": 2,
		"": 10,
	}
	for route, n := range calls {
		if got := srv.Calls(route); got != n {
			t.Errorf("%q called %d times, want %d", route, got, n)
		}
	}
}

func TestListAgainstFakeGitHubSendsConditionalRequests(t *testing.T) {
	srv, g := setup(t)
	srv.AddTeamMember(org, "platform", "bob", githubtest.RoleMaintainer)
	srv.AddCollaborator(org, "api", "bob", "triage")
	scope := []string{"repo:api:triage"}
	first, err := g.List(context.Background(), scope)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetLog()
	second, err := g.List(context.Background(), scope)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("the cached list differs:\n%v\n%v", first, second)
	}
	for _, r := range srv.Requests() {
		if r.Status != http.StatusNotModified {
			t.Errorf("%s %s answered %d, want 304 for an unchanged list", r.Method, r.Path, r.Status)
		}
	}
	// A change is seen at once.
	srv.AddCollaborator(org, "api", "carol", "admin")
	if got := held(t, g, "carol", scope...); !slices.Equal(got, []string{"repo:api:admin"}) {
		t.Errorf("after a change carol holds %v", got)
	}
}

func TestAgainstFakeGitHubWaitsOutRateLimits(t *testing.T) {
	tests := []struct {
		name   string
		limit  func(*githubtest.Server)
		status int
	}{
		{"primary, 403", func(s *githubtest.Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusForbidden) }, 403},
		{"primary, 429", func(s *githubtest.Server) { s.ExhaustRateLimit(300*time.Millisecond, http.StatusTooManyRequests) }, 429},
		{"secondary, Retry-After", func(s *githubtest.Server) { s.SecondaryRateLimit(300 * time.Millisecond) }, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, g := setup(t)
			srv.AddMember(org, "bob", "member")
			tc.limit(srv)
			if err := g.Grant(context.Background(), "bob", "team:platform"); err != nil {
				t.Fatalf("Grant while rate limited: %v", err)
			}
			log := srv.Requests()
			if log[0].Status != tc.status {
				t.Errorf("first answer %d, want %d", log[0].Status, tc.status)
			}
			var refused int
			for _, r := range log {
				if r.Status == tc.status {
					refused++
				}
			}
			if refused != 1 {
				t.Errorf("%d requests were refused, want 1: the integration must wait for the reset before asking again", refused)
			}
			if role, _ := srv.TeamRole(org, "platform", "bob"); role != githubtest.RoleMember {
				t.Errorf("bob's team role is %q after the wait", role)
			}
		})
	}
}

func TestAgainstFakeGitHubStopsWaitingAtTheDeadline(t *testing.T) {
	srv, g := setup(t)
	srv.ExhaustRateLimit(time.Hour, http.StatusForbidden)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := g.List(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "rate limit") || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("List under an hour's rate limit: %v; want a rate-limit error naming the deadline", err)
	}
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Errorf("List took %s to give up: it should not sleep when the reset is past the deadline", d)
	}
	if n := srv.Calls(""); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestAgainstFakeGitHubRetriesServerErrors(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		wantErr   bool
		wantCalls int
	}{
		{"two 502s then success", 2, false, 3},
		{"failing throughout", 10, true, fastRetry.Attempts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, g := setup(t)
			srv.AddMember(org, "bob", "member")
			srv.FailNext(tc.failures, http.StatusBadGateway)
			err := g.Grant(context.Background(), "bob", "team:platform:maintainer")
			if (err != nil) != tc.wantErr {
				t.Fatalf("Grant: %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "gave up after") {
				t.Errorf("error %q does not say it gave up", err)
			}
			if n := srv.Calls(""); n != tc.wantCalls {
				t.Errorf("%d calls, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestRevokeAgainstFakeGitHubKeepsTheLastOwner(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddMember(org, "olivia", githubtest.RoleAdmin)
	srv.AddMember(org, self, githubtest.RoleMember)
	g := integrationFor(t, srv)
	ctx := context.Background()
	err := g.Revoke(ctx, "olivia", "admin")
	if !errors.Is(err, reconcile.ErrProtected) || !strings.Contains(err.Error(), "last owner") {
		t.Fatalf("revoking the last owner: %v, want ErrProtected naming the last owner", err)
	}
	if err := g.Revoke(ctx, "olivia", "member"); err != nil {
		t.Fatalf("revoking member from the last owner: %v", err)
	}
	if w := srv.Writes(); len(w) != 0 {
		t.Errorf("%d writes, want none: %v", len(w), w)
	}
	if role, _ := srv.OrgRole(org, "olivia"); role != githubtest.RoleAdmin {
		t.Fatalf("olivia is %q, want still admin", role)
	}
	// With a second owner, olivia can step down.
	srv.AddMember(org, "carol", githubtest.RoleAdmin)
	if err := g.Revoke(ctx, "olivia", "admin"); err != nil {
		t.Fatalf("revoking one of two owners: %v", err)
	}
	if role, _ := srv.OrgRole(org, "olivia"); role != githubtest.RoleMember {
		t.Errorf("olivia is %q, want member", role)
	}
}

func TestAgainstFakeGitHubNeverTouchesItsOwnAccount(t *testing.T) {
	srv, g := setup(t)
	ctx := context.Background()
	for _, account := range []string{self, "GateHouse-Bot"} {
		for _, ent := range []string{"member", "admin", "team:platform", "repo:api:push"} {
			if err := g.Grant(ctx, account, ent); !errors.Is(err, reconcile.ErrProtected) {
				t.Errorf("Grant %s to %s: %v, want ErrProtected", ent, account, err)
			}
			if err := g.Revoke(ctx, account, ent); !errors.Is(err, reconcile.ErrProtected) {
				t.Errorf("Revoke %s from %s: %v, want ErrProtected", ent, account, err)
			}
		}
	}
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d API calls about gatehouse's own account, want none", n)
	}
	if got := held(t, g, self); len(got) != 0 {
		t.Errorf("List reports gatehouse's own account with %v", got)
	}
}

func TestS9AgainstFakeGitHubNeverLeaksTheToken(t *testing.T) {
	const token = "ghp_S3cr3tT0kenThatMustNeverBeSeen0123456789"
	srv := githubtest.NewServer(t)
	srv.AddMember(org, "olivia", githubtest.RoleAdmin)
	srv.AddMember(org, "bob", githubtest.RoleMember)
	srv.AddTeam(org, "platform")
	t.Setenv(EnvAPIURL, srv.URL)
	t.Setenv(EnvToken, token)
	client, err := ClientFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	g := New(model.GitHubIntegration{Organization: org}, client, self)
	g.retry = fastRetry
	ctx := context.Background()

	srv.RequireToken(token)
	if err := g.Grant(ctx, "bob", "team:platform"); err != nil {
		t.Fatalf("Grant with the right token: %v", err)
	}
	var errs []error
	collect := func() {
		_, err := g.List(ctx, []string{"repo:api:push"})
		errs = append(errs, err, g.Grant(ctx, "bob", "admin"), g.Revoke(ctx, "bob", "team:platform"))
	}
	srv.RequireToken("another-token")
	collect()
	srv.FailNext(100, http.StatusInternalServerError)
	collect()
	srv.Close()
	collect()
	t.Setenv(EnvAPIURL, "https://x-access-token:"+token+"@ghe.example.com/api/v3")
	_, err = ClientFromEnv()
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("error %d: want an error", i)
			continue
		}
		if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v", err), token) {
			t.Errorf("error %d shows the token: %v", i, err)
		}
	}
}

func TestDryRunAgainstFakeGitHubNeverWrites(t *testing.T) {
	srv, g := setup(t)
	srv.AddTeamMember(org, "platform", "bob", githubtest.RoleMaintainer)
	srv.AddCollaborator(org, "api", "carol", "maintain")
	srv.FailOnWrite(t)
	accounts, err := g.List(context.Background(), []string{"repo:api:maintain", "team:platform", "member"})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 3 {
		t.Errorf("List: %v, want olivia, bob and carol", accounts)
	}
	if srv.Calls("") == 0 {
		t.Error("the dry run made no call at all: the write guard proved nothing")
	}
}

func TestAccountForNamesThePersonWithoutALogin(t *testing.T) {
	g := New(model.GitHubIntegration{Organization: org}, nil, self)
	tests := []struct {
		name    string
		person  *model.Person
		want    string
		wantErr string
	}{
		{"login", &model.Person{Name: "alice", GitHub: "Alice-GH"}, "alice-gh", ""},
		{"no login", &model.Person{Name: "bob", Meta: model.Meta{File: "people/bob.yaml"}}, "", "bob has no GitHub login: add `github: LOGIN` to people/bob.yaml"},
		{"no person", nil, "", "no person"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.AccountFor(tc.person)
			if got != tc.want || (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("AccountFor = %q, %v; want %q, %q", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestAgainstFakeGitHubRefusesUnknownEntitlements(t *testing.T) {
	srv, g := setup(t)
	for _, ent := range []string{"owner", "maintainer", "push", "team:", "team:platform:admin", "repo:api", "repo:api:write", "repo::push", "member:x"} {
		err := g.Grant(context.Background(), "bob", ent)
		if err == nil || !strings.Contains(err.Error(), "unknown GitHub entitlement") || !strings.Contains(err.Error(), "team:<slug>:maintainer") {
			t.Errorf("Grant %q: %v, want an error listing the forms", ent, err)
		}
	}
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d calls for unknown entitlements, want none", n)
	}
}

func TestGitHubIntegrationNotConfigured(t *testing.T) {
	t.Setenv(EnvToken, "")
	t.Setenv(EnvAPIURL, "")
	if _, err := ClientFromEnv(); !errors.Is(err, reconcile.ErrNotConfigured) || !strings.Contains(err.Error(), EnvToken) {
		t.Errorf("ClientFromEnv without credentials: %v, want ErrNotConfigured naming %s", err, EnvToken)
	}
	g := New(model.GitHubIntegration{Organization: org}, nil, self)
	if _, err := g.List(context.Background(), nil); !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Errorf("List without a client: %v, want ErrNotConfigured", err)
	}
	if err := g.Grant(context.Background(), "bob", "member"); !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Errorf("Grant without a client: %v, want ErrNotConfigured", err)
	}
}
