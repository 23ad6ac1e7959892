package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// testNow is the Now of every test run.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// pathLocator is a fake Locator that hands out one line per distinct
// (document index, path), so a test can turn a finding's line back into
// the path the validator asked for.
type pathLocator struct {
	paths []string
	ids   map[string]int
}

func (l *pathLocator) Locate(file string, index int, path string) model.Pos {
	key := path
	if index > 0 {
		key = fmt.Sprintf("(%d)%s", index, path)
	}
	id, ok := l.ids[key]
	if !ok {
		l.paths = append(l.paths, key)
		id = len(l.paths)
		l.ids[key] = id
	}
	return model.Pos{Line: id, Column: 3}
}

// render formats findings as "file#path: severity rule: message", with
// the path recovered from the locator; findings the locator did not place
// (Rego files, a missing gatehouse.yaml) keep their own position.
func render(t *testing.T, loc *pathLocator, fs model.Findings) []string {
	t.Helper()
	var out []string
	for _, f := range fs {
		if f.Column != 3 || f.Line < 1 || f.Line > len(loc.paths) || strings.HasSuffix(f.File, ".rego") {
			out = append(out, f.String())
			continue
		}
		out = append(out, fmt.Sprintf("%s#%s: %s %s: %s", f.File, loc.paths[f.Line-1], f.Severity, f.Rule, f.Message))
	}
	return out
}

// builder adds documents to an Org with a File and Pos, as the loader does.
type builder struct{ o *model.Org }

func (b builder) add(file string, d model.Doc) {
	m := d.Source()
	m.File = file
	m.Pos = model.Pos{Line: 1, Column: 1}
	if prev := b.o.Add(d); prev != nil {
		panic(fmt.Sprintf("test org: %s added twice", file))
	}
}

func dur(s string) *model.Duration {
	d, err := model.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func at(t time.Time) *time.Time { return &t }

// baseOrg returns a small, realistic org that validates clean: the start
// of every test case.
func baseOrg() *model.Org {
	o := model.NewOrg()
	b := builder{o}
	b.add("gatehouse.yaml", &model.Config{
		Kind: model.KindConfig, Name: "acme", Organization: "Acme",
		GitHub: &model.GitHubRepo{Repository: "acme/access"},
		Integrations: []model.Integration{
			{Name: "github-org", Type: model.IntegrationGitHub, GitHub: &model.GitHubIntegration{Organization: "acme"}},
			{Name: "pg-prod", Type: model.IntegrationPostgres, Postgres: &model.PostgresIntegration{Host: "db.acme.test"}},
		},
		PolicyOwners: []string{"alice", "team:security"},
	})
	for _, p := range []*model.Person{
		{Name: "alice", Role: model.RoleAdmin, GitHub: "alice-gh", Email: "alice@acme.test", Slack: "U01"},
		{Name: "bob", Role: model.RoleCollaborator, GitHub: "bob-gh", Email: "bob@acme.test", Manager: "alice"},
		{Name: "carol", GitHub: "carol-gh", Email: "carol@acme.test", Manager: "bob"},
		{Name: "dan", Role: model.RoleEditor, GitHub: "dan-gh", Email: "dan@acme.test", Manager: "alice"},
		{Name: "erin", Role: "risk-manager", GitHub: "erin-gh", Email: "erin@acme.test", Manager: "dan", TrustRole: model.TrustCollaborator},
		{Name: "frank", Role: model.RoleViewOnlyAdmin, GitHub: "frank-gh", Email: "frank@acme.test", Manager: "alice"},
	} {
		p.Kind = model.KindPerson
		b.add("people/"+p.Name+".yaml", p)
	}
	b.add("roles/risk-manager.yaml", &model.Role{Kind: model.KindRole, Name: "risk-manager", Inherits: model.RoleCollaborator, Permissions: []string{"RiskScenario:*", "RiskTask:*"}})
	b.add("teams/platform.yaml", &model.Team{Kind: model.KindTeam, Name: "platform", Members: []string{"bob", "dan"}, Admins: []string{"alice"}})
	b.add("teams/security.yaml", &model.Team{Kind: model.KindTeam, Name: "security", Members: []string{"alice", "frank"}})
	no := false
	for _, s := range []*model.System{
		{Name: "github", Integration: "github-org", Approvers: []string{"alice", "team:platform"}, Admins: []string{"bob"},
			AccessLevels: []model.AccessLevel{
				{Name: "member", Entitlement: "member"},
				{Name: "admin", Entitlement: "admin", MaxDuration: dur("30d")},
			}},
		{Name: "prod-db", Integration: "pg-prod", RequireJustification: true, Approvers: []string{"team:security"}, Admins: []string{"dan"},
			AccessLevels: []model.AccessLevel{
				{Name: "read", Entitlement: "pg_read"},
				{Name: "write", Entitlement: "pg_write", MaxDuration: dur("7d")},
			}},
		{Name: "wiki", AllowFreeformPermissions: true, Approvers: []string{"dan"}, Admins: []string{"dan"}},
		{Name: "legacy", Requestable: &no},
	} {
		s.Kind = model.KindSystem
		b.add("systems/"+s.Name+".yaml", s)
	}
	for _, r := range []*model.AccessRequest{
		{Person: "carol", System: "github", Level: "member"},
		{Person: "bob", System: "github", Level: "admin", Expires: at(testNow.Add(10 * 24 * time.Hour))},
		{Person: "dan", System: "prod-db", Level: "read", Justification: "on call for the payments database"},
		{Person: "erin", System: "wiki", Permissions: "edit the ENG space"},
	} {
		r.Kind = model.KindAccessRequest
		b.add("access/"+r.System+"/"+r.Person+".yaml", r)
	}
	b.add("objects/controls.yaml", &model.Control{Kind: model.KindControl, Name: "C-1", Owner: "bob"})
	b.add("objects/controls2.yaml", &model.Control{Kind: model.KindControl, Name: "C-2", Owner: "erin"})
	b.add("objects/t-1.yaml", &model.Test{Kind: model.KindTest, Name: "T-1", Owner: "dan", Controls: []string{"C-1"}})
	b.add("objects/d-1.yaml", &model.Document{Kind: model.KindDocument, Name: "D-1", Owner: "bob", Controls: []string{"C-1", "C-2"}})
	b.add("objects/r-1.yaml", &model.RiskScenario{Kind: model.KindRiskScenario, Name: "R-1", Owner: "erin"})
	b.add("objects/rt-1.yaml", &model.RiskTask{Kind: model.KindRiskTask, Name: "RT-1", Owner: "erin", RiskScenario: "R-1"})
	b.add("objects/soc2.yaml", &model.Report{Kind: model.KindReport, Name: "soc2", Viewers: []string{"frank", "bob"}})
	b.add("objects/q3.yaml", &model.AccessReview{Kind: model.KindAccessReview, Name: "q3", Systems: []model.ReviewSystem{
		{System: "github", Reviewers: []string{"bob"}},
		{System: "prod-db", Reviewers: []string{"dan", "erin"}},
	}})
	o.Policies = []model.PolicyFile{
		{Path: "policies/access.rego", Data: []byte("package gatehouse.org.access\n\ndeny contains msg if {\n\tinput.change.kind == \"AccessRequest\"\n\tmsg := \"no\"\n}\n")},
		{Path: "policies/access_test.rego", Data: []byte("package gatehouse.org.access_test\n\ntest_nothing if true\n")},
	}
	return o
}

// testCase builds an org from baseOrg, changes it and expects exactly
// these findings (rendered by render).
type testCase struct {
	name   string
	mutate func(o *model.Org)
	want   []string
}

func runCases(t *testing.T, cases []testCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, tc.mutate)
			want := slices.Clone(tc.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings differ\ngot:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}

// check validates baseOrg changed by mutate, with a path locator.
func check(t *testing.T, mutate func(o *model.Org)) []string {
	t.Helper()
	o := baseOrg()
	loc := &pathLocator{ids: map[string]int{}}
	o.Locator = loc
	if mutate != nil {
		mutate(o)
	}
	return render(t, loc, Org(o, Options{Now: testNow}))
}

// Helpers for mutations.
func person(o *model.Org, name string) *model.Person { return o.PersonByName[name] }
func system(o *model.Org, name string) *model.System { return o.SystemByName[name] }
func team(o *model.Org, name string) *model.Team     { return o.TeamByName[name] }
func request(o *model.Org, path string) *model.AccessRequest {
	return o.RequestByPath[path]
}
func addDoc(o *model.Org, file string, d model.Doc) { builder{o}.add(file, d) }

func TestValidOrgHasNoFindings(t *testing.T) {
	if got := check(t, nil); len(got) != 0 {
		t.Errorf("valid org has findings:\n\t%s", strings.Join(got, "\n\t"))
	}
}

func TestNilOrg(t *testing.T) {
	if got := Org(nil, Options{}); got != nil {
		t.Errorf("Org(nil) = %v, want no findings", got)
	}
}

// TestPositionsWithoutLocator checks that an Org built in memory (no
// Locator) gets each document's own position.
func TestPositionsWithoutLocator(t *testing.T) {
	o := baseOrg()
	s := system(o, "github")
	s.Pos = model.Pos{Line: 4, Column: 2}
	s.Approvers[0] = "alcie"
	got := Org(o, Options{Now: testNow})
	want := model.Findings{{
		Severity: sevError, File: "systems/github.yaml", Line: 4, Column: 2, Rule: ruleUnknownPerson,
		Message: `approver "alcie" is not a person; did you mean "alice"?`,
	}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLocatorGetsDocumentIndex checks that the document's index in a
// multi-document file reaches the Locator.
func TestLocatorGetsDocumentIndex(t *testing.T) {
	got := check(t, func(o *model.Org) {
		c := o.ControlByName["C-2"]
		c.Index = 2
		c.Owner = "nobody"
	})
	want := []string{`objects/controls2.yaml#(2)owner: error unknown-person: owner "nobody" is not a person; add a Person named nobody or fix the name`}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestZeroNowMeansNow checks that a zero Options.Now judges expiry
// against the clock.
func TestZeroNowMeansNow(t *testing.T) {
	o := baseOrg()
	r := request(o, "access/github/bob.yaml")
	r.Expires = at(time.Now().Add(-time.Hour))
	got := Org(o, Options{})
	if len(got) != 1 || got[0].Rule != ruleExpired {
		t.Errorf("got %v, want one %s finding", got, ruleExpired)
	}
}

// TestZeroValuesDoNotPanic checks that documents with every field empty,
// as a loader might pass on after reporting schema errors, give findings
// rather than a panic.
func TestZeroValuesDoNotPanic(t *testing.T) {
	o := baseOrg()
	b := builder{o}
	b.add("people/empty.yaml", &model.Person{})
	b.add("teams/empty.yaml", &model.Team{Members: []string{"", "team:"}})
	b.add("roles/empty.yaml", &model.Role{})
	b.add("systems/empty.yaml", &model.System{Integration: "x", AccessLevels: []model.AccessLevel{{}, {MaxDuration: &model.Duration{}}}, Approvers: []string{""}})
	b.add("access/empty.yaml", &model.AccessRequest{})
	b.add("access/empty-level.yaml", &model.AccessRequest{Person: "bob", System: "empty", Level: ""})
	b.add("objects/c.yaml", &model.Control{})
	b.add("objects/t.yaml", &model.Test{Controls: []string{""}})
	b.add("objects/d.yaml", &model.Document{Controls: []string{""}})
	b.add("objects/rs.yaml", &model.RiskScenario{})
	b.add("objects/rt.yaml", &model.RiskTask{})
	b.add("objects/r.yaml", &model.Report{Viewers: []string{""}})
	b.add("objects/ar.yaml", &model.AccessReview{Systems: []model.ReviewSystem{{}}})
	o.Config.Integrations = append(o.Config.Integrations, model.Integration{})
	o.Config.PolicyOwners = append(o.Config.PolicyOwners, "", "team:")
	o.Policies = append(o.Policies, model.PolicyFile{Path: "policies/nil.rego"})
	fs := Org(o, Options{Now: testNow})
	for _, want := range []string{
		`teams/empty.yaml:1:1: error unknown-person: member "" is empty; name a person or remove the entry`,
		`gatehouse.yaml:1:1: error unknown-person: policy owner "team:" is empty; name a person or a team:<name> or remove the entry`,
		`access/empty.yaml:1:1: error unknown-person: person "" is not a person; name the Person the access is for`,
	} {
		if !slices.ContainsFunc(fs, func(f model.Finding) bool { return f.String() == want }) {
			t.Errorf("missing finding %s", want)
		}
	}
	for _, f := range fs {
		if f.Rule == "" || f.Message == "" || f.File == "" {
			t.Errorf("finding without rule, message or file: %+v", f)
		}
		if _, ok := severity[f.Rule]; !ok {
			t.Errorf("finding of a rule missing from the catalogue: %v", f)
		}
	}
}
