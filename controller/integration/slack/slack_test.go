package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

const (
	token    = "xoxp-1111-2222-3333-s3cr3tS1ackT0ken"
	tokenVar = "GATEHOUSE_SLACK_ACME_TOKEN"
)

// fastRetry keeps the retry tests to milliseconds.
var fastRetry = RetryPolicy{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, RateWaits: 3}

// People of the fake workspace.
const (
	alice   = "U0ALICE"  // admin
	bob     = "U0BOB"    // member
	carol   = "U0CAROL"  // owner
	paula   = "U0PAULA"  // primary owner
	dave    = "U0DAVE"   // deactivated
	gus     = "U0GUEST"  // multi-channel guest
	robot   = "U0ROBOT"  // a bot
	nobody  = "U0NOBODY" // unknown to Slack
	selfID  = slacktest.SelfID
	oncall  = "oncall"    // user group of alice and bob
	solo    = "solo"      // user group of carol alone
	retired = "retired"   // disabled user group of bob
	absent  = "no-such-1" // no user group
)

// setup starts the fake Slack with the people above and returns it with
// an integration of its workspace.
func setup(t *testing.T, workspace string) (*slacktest.Server, *Integration) {
	t.Helper()
	srv := slacktest.New(t, token)
	for _, u := range []slacktest.User{
		{ID: alice, Name: "alice", Email: "alice@acme.example", Admin: true},
		{ID: bob, Name: "bob", Email: "bob@acme.example"},
		{ID: carol, Name: "carol", Admin: true, Owner: true},
		{ID: paula, Name: "paula", Admin: true, Owner: true, PrimaryOwner: true},
		{ID: dave, Name: "dave", Email: "dave@acme.example", Deleted: true},
		{ID: gus, Name: "gus", Restricted: true},
		{ID: robot, Name: "deploybot", Bot: true},
	} {
		srv.AddUser(u)
	}
	srv.AddUserGroup(slacktest.UserGroup{Handle: oncall, Name: "On call", Users: []string{alice, bob}})
	srv.AddUserGroup(slacktest.UserGroup{Handle: solo, Name: "Solo", Users: []string{carol}})
	srv.AddUserGroup(slacktest.UserGroup{Handle: retired, Name: "Retired", Users: []string{bob}, Disabled: true})
	it, err := New(model.SlackIntegration{Workspace: workspace}, NewToken(token, tokenVar), WithAPIURL(srv.URL), WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	return srv, it
}

func TestListAgainstFakeSlackFollowsEveryPage(t *testing.T) {
	srv, it := setup(t, "acme")
	got, err := it.List(context.Background(), []string{Member, Admin})
	if err != nil {
		t.Fatal(err)
	}
	want := []reconcile.Account{
		{ID: alice, Entitlements: []string{Admin, Member, UserGroup(oncall)}},
		{ID: bob, Entitlements: []string{Member, UserGroup(oncall)}},
		{ID: carol, Entitlements: []string{Admin, Member, Owner, UserGroup(solo)}},
		{ID: gus, Entitlements: []string{Guest}},
		{ID: paula, Entitlements: []string{Admin, Member, Owner}},
	}
	if !slices.EqualFunc(got, want, func(a, b reconcile.Account) bool { return a.ID == b.ID && slices.Equal(a.Entitlements, b.Entitlements) }) {
		t.Errorf("List =\n%v\nwant (no bot, deleted user, Slackbot or token user; disabled groups left out)\n%v", got, want)
	}
	// Nine users, two a page.
	if n := srv.Calls("users.list"); n != 5 {
		t.Errorf("%d users.list calls, want 5 pages", n)
	}
	var cursors int
	for _, r := range srv.Requests() {
		if r.Method == "users.list" {
			if r.Form.Get("team_id") != slacktest.DefaultTeam.ID {
				t.Errorf("users.list with team_id %q, want the workspace's with an organisation's token", r.Form.Get("team_id"))
			}
			if r.Form.Get("cursor") != "" {
				cursors++
			}
		}
	}
	if cursors != 4 {
		t.Errorf("%d users.list calls sent a cursor, want 4", cursors)
	}
	if srv.Writes() != 0 {
		t.Errorf("List wrote %d times", srv.Writes())
	}
}

func TestListAgainstFakeSlackWithAWorkspaceToken(t *testing.T) {
	srv, it := setup(t, "acme")
	srv.SetOrgToken(false)
	srv.SetTeam(slacktest.Team{ID: "T0SOLO0001", Name: "Acme", Domain: "acme"})
	got, err := it.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Errorf("List = %v, want five people", got)
	}
	for _, r := range srv.Requests() {
		if r.Form.Has("team_id") {
			t.Errorf("%s named team_id %q with a workspace's token", r.Method, r.Form.Get("team_id"))
		}
	}
}

func TestGrantAndRevokeAdminAgainstFakeSlack(t *testing.T) {
	srv, it := setup(t, "acme")
	ctx := context.Background()
	steps := []struct {
		name       string
		op         func(context.Context, string, string) error
		wantAdmin  bool
		wantWrites int
	}{
		{name: "grant", op: it.Grant, wantAdmin: true, wantWrites: 1},
		{name: "grant again", op: it.Grant, wantAdmin: true, wantWrites: 1},
		{name: "revoke", op: it.Revoke, wantAdmin: false, wantWrites: 2},
		{name: "revoke again", op: it.Revoke, wantAdmin: false, wantWrites: 2},
	}
	for _, s := range steps {
		if err := s.op(ctx, bob, Admin); err != nil {
			t.Fatalf("%s Admin: %v", s.name, err)
		}
		u, _ := srv.User(bob)
		if u.Admin != s.wantAdmin || srv.Writes() != s.wantWrites {
			t.Errorf("after %s: admin %v with %d writes, want %v with %d", s.name, u.Admin, srv.Writes(), s.wantAdmin, s.wantWrites)
		}
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Method, "admin.users.") && (r.Form.Get("team_id") != slacktest.DefaultTeam.ID || r.Form.Get("user_id") != bob) {
			t.Errorf("%s with %v, want the workspace's team_id and bob's user_id", r.Method, r.Form)
		}
	}
}

func TestGrantMemberAgainstFakeSlack(t *testing.T) {
	for _, c := range []struct {
		name       string
		account    string
		wantErr    []string
		wantWrites int
	}{
		{name: "active member", account: bob},
		{name: "admin", account: alice},
		{name: "lower-case id", account: strings.ToLower(bob)},
		{name: "guest becomes a full member", account: gus, wantWrites: 1},
		{name: "deactivated", account: dave,
			wantErr: []string{"is deactivated in workspace acme", "cannot invite or reactivate", "invite dave@people.example to acme in Slack"}},
		{name: "unknown", account: nobody,
			wantErr: []string{"unknown to Slack", "check the `slack:` member id", "cannot invite or reactivate", "invite the person to acme"}},
		{name: "bot", account: robot, wantErr: []string{"is a bot"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, "acme")
			// The reconciler names the account through AccountFor, which
			// remembers the email an invitation needs.
			if _, err := it.AccountFor(&model.Person{Name: "dave", Slack: dave, Email: "dave@people.example"}); err != nil {
				t.Fatal(err)
			}
			err := it.Grant(context.Background(), c.account, Member)
			if srv.Writes() != c.wantWrites {
				t.Errorf("%d writes, want %d", srv.Writes(), c.wantWrites)
			}
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("Grant Member: %v", err)
				}
				if u, _ := srv.User(strings.ToUpper(c.account)); u.Restricted {
					t.Error("the guest is still a guest")
				}
				return
			}
			if err == nil {
				t.Fatal("Grant Member succeeded, want an error")
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Grant Member error = %v\nwant it to say %q", err, w)
				}
			}
			if c.account != robot && !errors.Is(err, ErrInviteByHand) {
				t.Errorf("Grant Member error does not wrap ErrInviteByHand: %v", err)
			}
		})
	}
}

func TestRevokeMemberAgainstFakeSlack(t *testing.T) {
	for _, c := range []struct {
		name        string
		account     string
		ent         string
		wantWrites  int
		wantDeleted bool
	}{
		{name: "member", account: bob, ent: Member, wantWrites: 1, wantDeleted: true},
		{name: "admin", account: alice, ent: Member, wantWrites: 1, wantDeleted: true},
		{name: "already deactivated", account: dave, ent: Member, wantDeleted: true},
		{name: "unknown", account: nobody, ent: Member},
		{name: "guest holds no Member", account: gus, ent: Member},
		{name: "guest", account: gus, ent: Guest, wantWrites: 1, wantDeleted: true},
		{name: "member holds no Guest", account: bob, ent: Guest},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, "acme")
			for range 2 {
				if err := it.Revoke(context.Background(), c.account, c.ent); err != nil {
					t.Fatalf("Revoke %s: %v", c.ent, err)
				}
			}
			u, _ := srv.User(c.account)
			if srv.Writes() != c.wantWrites || u.Deleted != c.wantDeleted {
				t.Errorf("after revoking twice: deleted %v with %d writes, want %v with %d", u.Deleted, srv.Writes(), c.wantDeleted, c.wantWrites)
			}
		})
	}
}

func TestUserGroupsAgainstFakeSlack(t *testing.T) {
	srv, it := setup(t, "acme")
	ctx := context.Background()
	steps := []struct {
		name       string
		op         func(context.Context, string, string) error
		account    string
		handle     string
		wantUsers  []string
		wantWrites int
	}{
		{name: "grant", op: it.Grant, account: carol, handle: oncall, wantUsers: []string{alice, bob, carol}, wantWrites: 1},
		{name: "grant again", op: it.Grant, account: carol, handle: oncall, wantUsers: []string{alice, bob, carol}, wantWrites: 1},
		{name: "revoke", op: it.Revoke, account: bob, handle: oncall, wantUsers: []string{alice, carol}, wantWrites: 2},
		{name: "revoke again", op: it.Revoke, account: bob, handle: oncall, wantUsers: []string{alice, carol}, wantWrites: 2},
		{name: "revoke from a disabled group", op: it.Revoke, account: bob, handle: retired, wantUsers: []string{bob}, wantWrites: 2},
		{name: "revoke from a missing group", op: it.Revoke, account: bob, handle: absent, wantWrites: 2},
	}
	for _, s := range steps {
		if err := s.op(ctx, s.account, UserGroup(s.handle)); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		g, _ := srv.UserGroup(s.handle)
		if !slices.Equal(g.Users, s.wantUsers) || srv.Writes() != s.wantWrites {
			t.Errorf("after %s: @%s holds %v with %d writes, want %v with %d", s.name, s.handle, g.Users, srv.Writes(), s.wantUsers, s.wantWrites)
		}
	}
	var updates []string
	for _, r := range srv.Requests() {
		if r.Method == "usergroups.users.update" {
			updates = append(updates, r.Form.Get("users"))
		}
	}
	if want := []string{alice + "," + bob + "," + carol, alice + "," + carol}; !slices.Equal(updates, want) {
		t.Errorf("usergroups.users.update sent users %q, want the full lists %q", updates, want)
	}
}

func TestUserGroupRefusalsAgainstFakeSlack(t *testing.T) {
	for _, c := range []struct {
		name    string
		op      string
		account string
		handle  string
		wantErr string
		is      error
	}{
		{name: "last member", op: "revoke", account: carol, handle: solo,
			wantErr: "is the only member of @solo, and the last member of a user group cannot be removed through the Slack API: remove them by hand in Slack or disable the group", is: ErrLastMember},
		{name: "unknown handle", op: "grant", account: bob, handle: absent,
			wantErr: "workspace acme has no user group @no-such-1: create it in Slack, or fix the entitlement usergroup:no-such-1"},
		{name: "disabled group", op: "grant", account: alice, handle: retired, wantErr: "@retired is disabled: enable it in Slack"},
		{name: "deactivated user", op: "grant", account: dave, handle: oncall, wantErr: "is deactivated", is: ErrInviteByHand},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, "acme")
			op := it.Grant
			if c.op == "revoke" {
				op = it.Revoke
			}
			err := op(context.Background(), c.account, UserGroup(c.handle))
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("%s %s: %v\nwant an error saying %q", c.op, UserGroup(c.handle), err, c.wantErr)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error does not wrap %v: %v", c.is, err)
			}
			if srv.Writes() != 0 {
				t.Errorf("%d writes, want none", srv.Writes())
			}
		})
	}
}

func TestAgainstFakeSlackProtectsOwnersAndItsOwnUser(t *testing.T) {
	for _, c := range []struct {
		name, op, account, ent string
	}{
		{name: "own user: Member", op: "revoke", account: selfID, ent: Member},
		{name: "own user: Admin", op: "revoke", account: selfID, ent: Admin},
		{name: "own user: user group", op: "revoke", account: selfID, ent: UserGroup(oncall)},
		{name: "own user joins a group", op: "grant", account: selfID, ent: UserGroup(oncall)},
		{name: "primary owner: Member", op: "revoke", account: paula, ent: Member},
		{name: "primary owner: Admin", op: "revoke", account: paula, ent: Admin},
		{name: "primary owner: user group", op: "revoke", account: paula, ent: UserGroup(oncall)},
		{name: "owner: Owner", op: "revoke", account: carol, ent: Owner},
		{name: "owner: Admin", op: "revoke", account: carol, ent: Admin},
		{name: "owner: Member", op: "revoke", account: carol, ent: Member},
		{name: "make an owner", op: "grant", account: bob, ent: Owner},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, "acme")
			op := it.Grant
			if c.op == "revoke" {
				op = it.Revoke
			}
			err := op(context.Background(), c.account, c.ent)
			if !errors.Is(err, reconcile.ErrProtected) {
				t.Fatalf("%s %s on %s = %v, want reconcile.ErrProtected", c.op, c.ent, c.account, err)
			}
			if srv.Writes() != 0 {
				t.Errorf("%d writes, want none", srv.Writes())
			}
		})
	}
	t.Run("held already is success", func(t *testing.T) {
		srv, it := setup(t, "acme")
		for _, g := range [][2]string{{selfID, Admin}, {selfID, Member}, {carol, Owner}, {paula, Admin}, {gus, Guest}} {
			if err := it.Grant(context.Background(), g[0], g[1]); err != nil {
				t.Errorf("Grant %s to %s, who holds it: %v", g[1], g[0], err)
			}
		}
		if srv.Writes() != 0 {
			t.Errorf("%d writes, want none", srv.Writes())
		}
	})
}

func TestAgainstFakeSlackChecksTheWorkspace(t *testing.T) {
	for _, c := range []struct {
		name      string
		workspace string
		orgToken  bool
		wantErr   string
	}{
		{name: "subdomain, workspace token", workspace: "acme"},
		{name: "team id, workspace token", workspace: slacktest.DefaultTeam.ID},
		{name: "host name, workspace token", workspace: "https://acme.slack.com/"},
		{name: "subdomain, org token", workspace: "acme", orgToken: true},
		{name: "team id, org token", workspace: slacktest.DefaultTeam.ID, orgToken: true},
		{name: "another workspace, workspace token", workspace: "globex",
			wantErr: "the token belongs to workspace acme (T0ACME0001), not globex: set GATEHOUSE_SLACK_ACME_TOKEN to a token of globex, or fix slack.workspace in gatehouse.yaml"},
		{name: "another team id, workspace token", workspace: "T0GLOBEX01", wantErr: "the token belongs to workspace acme (T0ACME0001), not T0GLOBEX01"},
		{name: "another workspace, org token", workspace: "globex", orgToken: true,
			wantErr: "the token belongs to the Enterprise Grid organisation Acme Corp (E0ACME0001), which has no workspace globex"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, c.workspace)
			srv.SetOrgToken(c.orgToken)
			ctx := context.Background()
			_, err := it.List(ctx, nil)
			gerr := it.Grant(ctx, bob, Admin)
			rerr := it.Revoke(ctx, alice, Admin)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				return
			}
			for _, err := range []error{err, gerr, rerr} {
				if !errors.Is(err, ErrWrongWorkspace) || !strings.Contains(err.Error(), c.wantErr) {
					t.Errorf("error = %v\nwant ErrWrongWorkspace saying %q", err, c.wantErr)
				}
			}
			for _, m := range []string{"users.list", "users.info", "usergroups.list"} {
				if n := srv.Calls(m); n != 0 {
					t.Errorf("%d %s calls on the wrong workspace, want none", n, m)
				}
			}
			if srv.Writes() != 0 {
				t.Errorf("%d writes on the wrong workspace", srv.Writes())
			}
		})
	}
}

func TestAgainstFakeSlackChecksTheTokenOnce(t *testing.T) {
	srv, it := setup(t, "acme")
	ctx := context.Background()
	for range 3 {
		if err := it.Grant(ctx, bob, Member); err != nil {
			t.Fatal(err)
		}
	}
	if a, ti := srv.Calls("auth.test"), srv.Calls("team.info"); a != 1 || ti != 1 {
		t.Errorf("%d auth.test and %d team.info calls, want one each", a, ti)
	}
}

func TestAgainstFakeSlackWaitsOutRateLimits(t *testing.T) {
	srv, it := setup(t, "acme")
	var waits []time.Duration
	it.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	srv.RateLimitNext(2, 7)
	if err := it.Grant(context.Background(), bob, Admin); err != nil {
		t.Fatalf("Grant after two 429s: %v", err)
	}
	if want := []time.Duration{7 * time.Second, 7 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waited %v, want Retry-After's %v", waits, want)
	}
	if u, _ := srv.User(bob); !u.Admin {
		t.Error("bob is no admin after the rate limit passed")
	}

	waits = nil
	srv.RateLimitNext(10, 1)
	err := it.Grant(context.Background(), alice, Member)
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusTooManyRequests || !strings.Contains(err.Error(), "after 3 rate-limit waits") {
		t.Errorf("Grant under a lasting rate limit = %v, want a 429 StatusError after 3 waits", err)
	}
	if len(waits) != fastRetry.RateWaits {
		t.Errorf("waited %d times, want %d", len(waits), fastRetry.RateWaits)
	}
}

func TestAgainstFakeSlackRefusesLongRateLimitWaits(t *testing.T) {
	srv, it := setup(t, "acme")
	it.retry.MaxRateWait = 10 * time.Second
	it.sleep = func(context.Context, time.Duration) error {
		t.Error("waited out a Retry-After longer than MaxRateWait")
		return nil
	}
	srv.RateLimitNext(1, 3600)
	_, err := it.List(context.Background(), nil)
	var se *StatusError
	if !errors.As(err, &se) || se.RetryAfter != time.Hour || !strings.Contains(err.Error(), "asks to wait 1h0m0s, longer than gatehouse waits") {
		t.Errorf("List = %v, want a 429 StatusError that names the hour Slack asks for", err)
	}
}

func TestAgainstFakeSlackStopsWaitingAtTheDeadline(t *testing.T) {
	srv, it := setup(t, "acme")
	srv.RateLimitNext(1, 60)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := it.List(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "outlast the deadline") {
		t.Errorf("List = %v, want it to give up a wait past the deadline", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("List took %s, want it to fail at once", d)
	}
}

func TestAgainstFakeSlackRetriesServerErrors(t *testing.T) {
	srv, it := setup(t, "acme")
	if _, err := it.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(2, http.StatusServiceUnavailable)
	if err := it.Grant(context.Background(), bob, Admin); err != nil {
		t.Fatalf("Grant after two 503s: %v", err)
	}
	before := srv.Calls("users.info")
	srv.FailNext(10, http.StatusBadGateway)
	err := it.Grant(context.Background(), alice, Member)
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadGateway || !strings.Contains(err.Error(), "Slack may be down") {
		t.Errorf("Grant against a failing Slack = %v, want a 502 StatusError that says Slack may be down", err)
	}
	if n := srv.Calls("users.info") - before; n != fastRetry.Attempts {
		t.Errorf("%d users.info attempts, want %d", n, fastRetry.Attempts)
	}
}

func TestAgainstFakeSlackNeverRetriesOKFalse(t *testing.T) {
	srv, it := setup(t, "acme")
	srv.FailMethod("users.list", "internal_error")
	_, err := it.List(context.Background(), nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "internal_error" || apiErr.Method != "users.list" {
		t.Fatalf("List = %v, want the APIError internal_error of users.list", err)
	}
	if n := srv.Calls("users.list"); n != 1 {
		t.Errorf("%d users.list calls, want 1: an ok:false answer is never retried", n)
	}
}

func TestAgainstFakeSlackExplainsAPIErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		arrange func(*slacktest.Server, *Integration)
		op      func(context.Context, *Integration) error
		want    []string
	}{
		{name: "missing scope names it",
			arrange: func(s *slacktest.Server, _ *Integration) { s.RemoveScope("usergroups:write") },
			op:      func(ctx context.Context, it *Integration) error { return it.Grant(ctx, carol, UserGroup(oncall)) },
			want: []string{`usergroups.users.update: Slack answered "missing_scope"`, "the token lacks the scope usergroups:write",
				"add usergroups:write to the Slack app's user token scopes", "update the token in " + tokenVar}},
		{name: "wrong token names the variable",
			arrange: func(_ *slacktest.Server, it *Integration) { it.token = NewToken("xoxp-another-token", tokenVar) },
			op:      func(ctx context.Context, it *Integration) error { _, err := it.List(ctx, nil); return err },
			want:    []string{`auth.test: Slack answered "invalid_auth"`, "Slack does not accept the token in " + tokenVar}},
		{name: "admin API needs an org token",
			arrange: func(s *slacktest.Server, _ *Integration) { s.SetOrgToken(false) },
			op:      func(ctx context.Context, it *Integration) error { return it.Grant(ctx, bob, Admin) },
			want:    []string{`"not_allowed_token_type"`, "Enterprise Grid org owner or admin", "admin.users:write", tokenVar}},
		{name: "admin API needs Enterprise Grid",
			arrange: func(s *slacktest.Server, _ *Integration) {
				s.SetOrgToken(false)
				s.SetTeam(slacktest.Team{ID: "T0ACME0001", Name: "Acme", Domain: "acme"})
			},
			op:   func(ctx context.Context, it *Integration) error { return it.Revoke(ctx, bob, Member) },
			want: []string{`"not_an_enterprise"`, "only Enterprise Grid organisations have", "change Admin and Member by hand"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, it := setup(t, "acme")
			c.arrange(srv, it)
			err := c.op(context.Background(), it)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v\nwant it to say %q", err, w)
				}
			}
		})
	}
}

func TestAgainstBrokenAnswers(t *testing.T) {
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{name: "not JSON", handler: func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>hello</html>") },
			want: "the answer is not Slack Web API JSON; check that " + EnvAPIURL},
		{name: "too large", handler: func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"ok":true,"x":"`+strings.Repeat("a", maxBody)+`"}`)
		}, want: "the answer is larger than 10 MiB"},
		{name: "not found", handler: func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) },
			want: "HTTP 404 Not Found; check that " + EnvAPIURL},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			t.Cleanup(srv.Close)
			it, err := New(model.SlackIntegration{Workspace: "acme"}, NewToken(token, tokenVar), WithAPIURL(srv.URL), WithRetry(fastRetry))
			if err != nil {
				t.Fatal(err)
			}
			_, err = it.List(context.Background(), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("List = %v, want an error saying %q", err, c.want)
			}
		})
	}
}

func TestAccountFor(t *testing.T) {
	var it Integration
	for _, c := range []struct {
		name    string
		person  model.Person
		want    string
		wantErr string
	}{
		{name: "member id", person: model.Person{Name: "alice", Slack: "U04ACME0010"}, want: "U04ACME0010"},
		{name: "lower case", person: model.Person{Name: "alice", Slack: "u04acme0010"}, want: "U04ACME0010"},
		{name: "grid id", person: model.Person{Name: "alice", Slack: "W012A3CDE"}, want: "W012A3CDE"},
		{name: "none", person: model.Person{Name: "bob", Meta: model.Meta{File: "people/bob.yaml"}},
			wantErr: "slack: bob has no Slack member id: add `slack: U…` to people/bob.yaml"},
		{name: "none, no file", person: model.Person{Name: "bob"}, wantErr: "add `slack: U…` to their person document"},
		{name: "a handle", person: model.Person{Name: "bob", Slack: "@bob"}, wantErr: `bob's slack "@bob" in their person document is not a Slack member id`},
		{name: "a channel", person: model.Person{Name: "bob", Slack: "C0123456"}, wantErr: "is not a Slack member id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := it.AccountFor(&c.person)
			if c.wantErr == "" {
				if err != nil || got != c.want {
					t.Fatalf("AccountFor = %q, %v; want %q", got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("AccountFor = %q, %v; want an error saying %q", got, err, c.wantErr)
			}
		})
	}
}

func TestCapabilities(t *testing.T) {
	var it Integration
	if got := it.Capabilities(); got != (reconcile.Capabilities{List: true, Grant: true, Revoke: true}) {
		t.Errorf("Capabilities = %+v, want list, grant and revoke", got)
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, c := range []struct {
		name      string
		workspace string
		token     Token
		opts      []Option
		wantErr   string
		is        error
	}{
		{name: "no workspace", token: NewToken(token, tokenVar), wantErr: "set slack.workspace in gatehouse.yaml"},
		{name: "no token", workspace: "acme", wantErr: "no token", is: reconcile.ErrNotConfigured},
		{name: "relative URL", workspace: "acme", token: NewToken(token, tokenVar), opts: []Option{WithAPIURL("slack.com/api")}, wantErr: "set " + EnvAPIURL},
		{name: "URL with the token", workspace: "acme", token: NewToken(token, tokenVar), opts: []Option{WithAPIURL("ftp://" + token + "@x/")}, wantErr: "not an absolute http(s) URL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(model.SlackIntegration{Workspace: c.workspace}, c.token, c.opts...)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("New = %v, want an error saying %q", err, c.wantErr)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("New error does not wrap %v: %v", c.is, err)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("New error shows the token: %v", err)
			}
		})
	}
}

func TestZeroIntegrationIsNotConfigured(t *testing.T) {
	var it Integration
	_, err := it.List(context.Background(), nil)
	errs := []error{err, it.Grant(context.Background(), bob, Member), it.Revoke(context.Background(), bob, Member)}
	for _, err := range errs {
		if !errors.Is(err, reconcile.ErrNotConfigured) {
			t.Errorf("zero Integration: %v, want reconcile.ErrNotConfigured", err)
		}
	}
}

func TestUnknownEntitlements(t *testing.T) {
	srv, it := setup(t, "acme")
	for _, ent := range []string{"member", "admin", "usergroup:", "usergroup:@oncall", "usergroup:a,b", "team:x"} {
		for _, op := range []func(context.Context, string, string) error{it.Grant, it.Revoke} {
			err := op(context.Background(), bob, ent)
			if err == nil || !strings.Contains(err.Error(), "unknown entitlement") || !strings.Contains(err.Error(), "entitlements: Member, Admin, Owner, Guest, usergroup:<handle>") {
				t.Errorf("entitlement %q: %v, want an error listing the entitlements", ent, err)
			}
		}
	}
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d calls for unknown entitlements, want none", n)
	}
}
