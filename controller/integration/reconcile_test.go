// Package integration_test reconciles an organisation end to end through
// the real integrations: the GitHub one against the fake GitHub, the
// PostgreSQL one against a real server the tests start, the SCIM and
// Slack ones against their fakes.
package integration_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
	"github.com/gatehouse-dev/gatehouse/controller/integration/github"
	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres"
	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres/pgtest"
	"github.com/gatehouse-dev/gatehouse/controller/integration/scim"
	"github.com/gatehouse-dev/gatehouse/controller/integration/scim/scimtest"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// org is acme with one integrated system per integration and requests
// built from "person system level" specs.
func org(pg model.PostgresIntegration, requests ...[3]string) *model.Org {
	o := model.NewOrg()
	pg.CreateRoles = true
	o.Add(&model.Config{Kind: model.KindConfig, Name: "acme", Integrations: []model.Integration{
		{Name: "gh", Type: model.IntegrationGitHub, GitHub: &model.GitHubIntegration{Organization: "acme"}},
		{Name: "pg", Type: model.IntegrationPostgres, Postgres: &pg},
	}})
	for _, p := range []string{"alice", "bob"} {
		o.Add(&model.Person{Kind: model.KindPerson, Name: p, GitHub: p, Role: model.RoleCollaborator})
	}
	o.Add(&model.System{Kind: model.KindSystem, Name: "github", Integration: "gh", AccessLevels: []model.AccessLevel{{Name: "member", Entitlement: "member"}}})
	o.Add(&model.System{Kind: model.KindSystem, Name: "db", Integration: "pg", AccessLevels: []model.AccessLevel{{Name: "read", Entitlement: "e2e_read"}}})
	for _, r := range requests {
		req := &model.AccessRequest{Kind: model.KindAccessRequest, Person: r[0], System: r[1], Level: r[2]}
		req.File = "access/" + r[1] + "/" + r[0] + ".yaml"
		o.Add(req)
	}
	return o
}

// setup starts the fake GitHub and prepares the PostgreSQL server: a
// writable login, and a read-only one that fails on any write.
func setup(t *testing.T) (*githubtest.Server, *pgtest.Server) {
	t.Helper()
	fake := githubtest.NewServer(t)
	fake.AddOrg("acme")
	for _, u := range []string{"root", "alice", "bob", "gatehouse-bot"} {
		fake.AddUser(u)
	}
	fake.AddMember("acme", "root", "admin")
	fake.AddMember("acme", "gatehouse-bot", "admin")
	srv := pgtest.Get(t)
	ctx := context.Background()
	_ = srv.Exec(ctx, "DROP ROLE IF EXISTS alice", "DROP ROLE IF EXISTS bob", "DROP ROLE IF EXISTS e2e_read",
		"DROP ROLE IF EXISTS e2e_writer", "DROP ROLE IF EXISTS e2e_reader")
	if err := srv.Exec(ctx, "CREATE ROLE e2e_read",
		"CREATE ROLE e2e_writer LOGIN CREATEROLE PASSWORD 'writer-pw'",
		"CREATE ROLE e2e_reader LOGIN CREATEROLE PASSWORD 'reader-pw'",
		"ALTER ROLE e2e_reader SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	return fake, srv
}

func runner(t *testing.T, fake *githubtest.Server, srv *pgtest.Server, pgUser, pgPassword string) *reconcile.Runner {
	t.Helper()
	client := gh.NewClient(nil)
	client.BaseURL = mustURL(t, fake.URL)
	settings := srv.Settings()
	settings.CreateRoles = true
	pg, err := postgres.New(context.Background(), settings, postgres.Credentials{User: pgUser, Password: pgPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Close)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &reconcile.Runner{Store: st, Attempts: 2, Backoff: time.Millisecond, Integrations: map[string]reconcile.Integration{
		"gh": github.New(model.GitHubIntegration{Organization: "acme"}, client, "gatehouse-bot"),
		"pg": pg,
	}}
}

func TestDryRunWritesNothingAgainstFakeGitHubAndRealPostgres(t *testing.T) {
	fake, srv := setup(t)
	fake.FailOnWrite(t)
	// The PostgreSQL login is read-only: any write would fail the run.
	r := runner(t, fake, srv, "e2e_reader", "reader-pw")
	res, err := r.Reconcile(context.Background(), org(srv.Settings(), [3]string{"alice", "github", "member"}, [3]string{"alice", "db", "read"}),
		reconcile.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Plan.Counts(); c.Grants != 2 || res.Done+res.Failed != 0 {
		t.Fatalf("dry run planned %+v and did %d/%d", c, res.Done, res.Failed)
	}
	if w := fake.Writes(); len(w) != 0 {
		t.Errorf("the dry run wrote to GitHub: %v", w)
	}
}

func TestReconcileGrantsAndRevokesAgainstFakeGitHubAndRealPostgres(t *testing.T) {
	fake, srv := setup(t)
	r := runner(t, fake, srv, "e2e_writer", "writer-pw")
	ctx := context.Background()
	res, err := r.Reconcile(ctx, org(srv.Settings(), [3]string{"alice", "github", "member"}, [3]string{"alice", "db", "read"}), reconcile.Options{})
	if err != nil || res.Done != 2 || res.Failed != 0 {
		t.Fatalf("first run: %+v %v", res, err)
	}
	if role, _ := fake.OrgRole("acme", "alice"); role != "member" {
		t.Errorf("alice's GitHub role is %q, want member", role)
	}
	if !holds(t, r, "pg", "alice", "e2e_read") {
		t.Error("alice does not hold e2e_read on PostgreSQL")
	}
	// Everything removed: both grants revoked.
	res, err = r.Reconcile(ctx, org(srv.Settings()), reconcile.Options{})
	if err != nil || res.Done != 2 || res.Failed != 0 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if role, _ := fake.OrgRole("acme", "alice"); role != "" {
		t.Errorf("alice is still a member of acme (%q)", role)
	}
	if holds(t, r, "pg", "alice", "e2e_read") {
		t.Error("alice still holds e2e_read")
	}
}

func holds(t *testing.T, r *reconcile.Runner, target, account, entitlement string) bool {
	t.Helper()
	accounts, err := r.Integrations[target].List(context.Background(), []string{entitlement})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.ID == account && slices.Contains(a.Entitlements, entitlement) {
			return true
		}
	}
	return false
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestReconcileGrantsAndRevokesAgainstFakeSCIMAndFakeSlack runs the
// reconciler through the SCIM and Slack integrations: a SCIM group
// membership (creating the missing user), Slack admin rights and a Slack
// user group are granted, then revoked when the requests are removed.
func TestReconcileGrantsAndRevokesAgainstFakeSCIMAndFakeSlack(t *testing.T) {
	ctx := context.Background()
	hr := scimtest.New(t, "scim-token")
	hr.AddGroup("Employees")
	sl := slacktest.New(t, "slack-token")
	sl.AddUser(slacktest.User{ID: "U0ALICE", Name: "alice", Email: "alice@acme.example"})
	sl.AddUserGroup(slacktest.UserGroup{Handle: "oncall", Name: "On call", Users: []string{"U0BOB"}})
	sl.AddUser(slacktest.User{ID: "U0BOB", Name: "bob", Email: "bob@acme.example"})

	scimIt, err := scim.New(model.SCIMIntegration{BaseURL: hr.URL}, scim.NewToken("scim-token", "test"),
		scim.WithRetry(scim.RetryPolicy{Attempts: 2, Backoff: time.Millisecond, MaxWait: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	slackIt, err := slack.New(model.SlackIntegration{Workspace: "acme"}, slack.NewToken("slack-token", "test"), slack.WithAPIURL(sl.URL))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	r := &reconcile.Runner{Store: st, Attempts: 2, Backoff: time.Millisecond,
		Integrations: map[string]reconcile.Integration{"hr": scimIt, "sl": slackIt}}

	orgWith := func(requests ...[3]string) *model.Org {
		o := model.NewOrg()
		// Two small fakes: every revocation is a large share of their
		// accounts, so the cap (S8, tested elsewhere) is lifted here.
		o.Add(&model.Config{Kind: model.KindConfig, Name: "acme", Limits: &model.Limits{MaxRevocationPercent: 100}, Integrations: []model.Integration{
			{Name: "hr", Type: model.IntegrationSCIM, SCIM: &model.SCIMIntegration{BaseURL: hr.URL}},
			{Name: "sl", Type: model.IntegrationSlack, Slack: &model.SlackIntegration{Workspace: "acme"}},
		}})
		o.Add(&model.Person{Kind: model.KindPerson, Name: "alice", Email: "Alice@acme.example", Slack: "U0ALICE", Role: model.RoleCollaborator})
		o.Add(&model.System{Kind: model.KindSystem, Name: "hr-portal", Integration: "hr",
			AccessLevels: []model.AccessLevel{{Name: "employee", Entitlement: "Employees"}}})
		o.Add(&model.System{Kind: model.KindSystem, Name: "slack", Integration: "sl", AccessLevels: []model.AccessLevel{
			{Name: "admin", Entitlement: slack.Admin}, {Name: "oncall", Entitlement: slack.UserGroup("oncall")}}})
		for _, q := range requests {
			req := &model.AccessRequest{Kind: model.KindAccessRequest, Person: q[0], System: q[1], Level: q[2]}
			req.File = "access/" + q[1] + "/" + q[0] + "-" + q[2] + ".yaml"
			o.Add(req)
		}
		return o
	}

	res, err := r.Reconcile(ctx, orgWith([3]string{"alice", "hr-portal", "employee"}, [3]string{"alice", "slack", "admin"},
		[3]string{"alice", "slack", "oncall"}), reconcile.Options{})
	if err != nil || res.Done != 3 || res.Failed != 0 {
		t.Fatalf("first run: %+v %v", res, err)
	}
	if _, ok := hr.User("alice@acme.example"); !ok {
		t.Error("the SCIM user was not created")
	}
	if m := hr.Members("Employees"); !slices.Contains(m, "alice@acme.example") {
		t.Errorf("Employees members = %v, want alice", m)
	}
	if u, _ := sl.User("U0ALICE"); !u.Admin {
		t.Error("alice is not a Slack admin")
	}
	if g, _ := sl.UserGroup("oncall"); !slices.Contains(g.Users, "U0ALICE") {
		t.Errorf("oncall = %v, want alice in it", g.Users)
	}

	res, err = r.Reconcile(ctx, orgWith(), reconcile.Options{})
	if err != nil || res.Done != 3 || res.Failed != 0 {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if m := hr.Members("Employees"); slices.Contains(m, "alice@acme.example") {
		t.Errorf("alice is still in Employees: %v", m)
	}
	if u, _ := sl.User("U0ALICE"); u.Admin || u.Deleted {
		t.Errorf("alice after the revocations: %+v, want a regular member", u)
	}
	if g, _ := sl.UserGroup("oncall"); !slices.Equal(g.Users, []string{"U0BOB"}) {
		t.Errorf("oncall = %v, want only bob", g.Users)
	}
}
