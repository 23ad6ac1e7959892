package validate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Sizes of the large synthetic org: the size the validator is budgeted
// for (~150 ms on two cores).
const (
	largePeople   = 10_000
	largeTeams    = 500
	largeSystems  = 1_000
	largeRequests = 100_000
	// Objects: 8k controls, 12k tests, 10k documents, 4k risk scenarios,
	// 4k risk tasks, 1k reports and 1k access reviews: 40k in all.
	largeControls = 8_000
)

// largeOrg builds a clean org of the budgeted size in memory.
func largeOrg() *model.Org {
	o := model.NewOrg()
	b := builder{o}
	pname := func(i int) string { return fmt.Sprintf("p%05d", i%largePeople) }
	// eligible returns a person who can act: every index not divisible by
	// 4 is a collaborator or above.
	eligible := func(i int) string { return pname(i - i%4 + 1) }
	b.add("gatehouse.yaml", &model.Config{
		Kind: model.KindConfig, Name: "acme",
		Integrations: []model.Integration{
			{Name: "github-org", Type: model.IntegrationGitHub, GitHub: &model.GitHubIntegration{Organization: "acme"}},
			{Name: "pg", Type: model.IntegrationPostgres, Postgres: &model.PostgresIntegration{Host: "db"}},
			{Name: "slack", Type: model.IntegrationSlack, Slack: &model.SlackIntegration{Workspace: "acme"}},
		},
		PolicyOwners: []string{eligible(1), "team:t000"},
	})
	b.add("roles/auditor.yaml", &model.Role{Kind: model.KindRole, Name: "auditor", Inherits: model.RoleCollaborator})
	roles := []string{"", model.RoleCollaborator, model.RoleEditor, "auditor", model.RoleCollaborator, model.RoleAdmin, model.RoleCollaborator, model.RoleViewOnlyAdmin}
	for i := range largePeople {
		p := &model.Person{Kind: model.KindPerson, Name: pname(i), Email: pname(i) + "@acme.test", GitHub: "gh-" + pname(i), Slack: "U" + pname(i)}
		p.Role = roles[i%len(roles)]
		if i%4 == 0 {
			p.Role = ""
		}
		if i > 0 {
			p.Manager = pname((i - 1) / 10)
		}
		b.add("people/"+p.Name+".yaml", p)
	}
	for t := range largeTeams {
		tm := &model.Team{Kind: model.KindTeam, Name: fmt.Sprintf("t%03d", t)}
		for k := range 20 {
			tm.Members = append(tm.Members, eligible(t*20*4+k*4))
		}
		tm.Admins = []string{eligible(t * 8), eligible(t*8 + 4)}
		b.add("teams/"+tm.Name+".yaml", tm)
	}
	integrations := []string{"", "github-org", "pg", "slack"}
	for s := range largeSystems {
		sys := &model.System{
			Kind: model.KindSystem, Name: fmt.Sprintf("s%04d", s),
			Integration:              integrations[s%len(integrations)],
			Approvers:                []string{eligible(s * 12), eligible(s*12 + 4), fmt.Sprintf("team:t%03d", s%largeTeams)},
			Admins:                   []string{eligible(s*12 + 8), fmt.Sprintf("team:t%03d", (s+1)%largeTeams)},
			RequireJustification:     s%3 == 0,
			AllowFreeformPermissions: s%5 == 0,
			AccessLevels: []model.AccessLevel{
				{Name: "read", Entitlement: "read"},
				{Name: "write", Entitlement: "write"},
				{Name: "admin", Entitlement: "admin", MaxDuration: dur("90d")},
			},
		}
		b.add("systems/"+sys.Name+".yaml", sys)
	}
	levels := []string{"read", "write", "admin"}
	for i := range largeRequests {
		s := i % largeSystems
		r := &model.AccessRequest{
			Kind: model.KindAccessRequest, Person: pname(i * 7), System: fmt.Sprintf("s%04d", s),
			Level: levels[(i/largeSystems)%len(levels)],
		}
		if s%3 == 0 {
			r.Justification = "on call for this system"
		}
		if s%5 == 0 && i%2 == 0 {
			r.Permissions = "read the billing schema"
		}
		if r.Level == "admin" {
			r.Expires = at(testNow.Add(time.Duration(1+i%80) * 24 * time.Hour))
		}
		b.add(fmt.Sprintf("access/%s/%s-%06d.yaml", r.System, r.Person, i), r)
	}
	for i := range largeControls {
		b.add(fmt.Sprintf("objects/controls/c%05d.yaml", i), &model.Control{Kind: model.KindControl, Name: fmt.Sprintf("C-%05d", i), Owner: eligible(i * 4)})
	}
	control := func(i int) string { return fmt.Sprintf("C-%05d", i%largeControls) }
	for i := range 12_000 {
		b.add(fmt.Sprintf("objects/tests/t%05d.yaml", i), &model.Test{Kind: model.KindTest, Name: fmt.Sprintf("T-%05d", i),
			Owner: eligible(i*4 + 1), Controls: []string{control(i), control(i + 1)}})
	}
	for i := range 10_000 {
		b.add(fmt.Sprintf("objects/documents/d%05d.yaml", i), &model.Document{Kind: model.KindDocument, Name: fmt.Sprintf("D-%05d", i),
			Owner: eligible(i*4 + 2), Controls: []string{control(i * 3)}})
	}
	for i := range 4_000 {
		b.add(fmt.Sprintf("objects/risks/r%05d.yaml", i), &model.RiskScenario{Kind: model.KindRiskScenario, Name: fmt.Sprintf("R-%05d", i), Owner: eligible(i * 8)})
		b.add(fmt.Sprintf("objects/risks/rt%05d.yaml", i), &model.RiskTask{Kind: model.KindRiskTask, Name: fmt.Sprintf("RT-%05d", i),
			Owner: eligible(i*8 + 4), RiskScenario: fmt.Sprintf("R-%05d", i)})
	}
	for i := range 1_000 {
		b.add(fmt.Sprintf("objects/reports/%04d.yaml", i), &model.Report{Kind: model.KindReport, Name: fmt.Sprintf("report-%04d", i),
			Viewers: []string{eligible(i * 4), eligible(i*4 + 400), eligible(i*4 + 800)}})
		rv := &model.AccessReview{Kind: model.KindAccessReview, Name: fmt.Sprintf("review-%04d", i)}
		for k := range 5 {
			rv.Systems = append(rv.Systems, model.ReviewSystem{System: fmt.Sprintf("s%04d", (i*5+k)%largeSystems),
				Reviewers: []string{eligible(i*20 + k*4), eligible(i*20 + k*4 + 2000)}})
		}
		b.add(fmt.Sprintf("objects/reviews/%04d.yaml", i), rv)
	}
	o.Policies = []model.PolicyFile{
		{Path: "policies/access.rego", Data: []byte("package gatehouse.org.access\n\ndeny contains msg if {\n\tinput.change.kind == \"AccessRequest\"\n\tmsg := \"no\"\n}\n")},
	}
	return o
}

// TestLargeOrgIsClean checks that the benchmark's org is valid, so the
// benchmark measures the clean path every CI run takes.
func TestLargeOrgIsClean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 150k-document org")
	}
	o := largeOrg()
	if got := o.Len(); got < 150_000 {
		t.Fatalf("large org has %d documents, want about 151k", got)
	}
	fs := Org(o, Options{Now: testNow})
	if len(fs) > 0 {
		var b strings.Builder
		for _, f := range fs[:min(len(fs), 10)] {
			b.WriteString("\n\t" + f.String())
		}
		t.Fatalf("large org has %d findings, first:%s", len(fs), b.String())
	}
}

func BenchmarkOrg(b *testing.B) {
	o := largeOrg()
	b.ReportAllocs()
	for b.Loop() {
		if fs := Org(o, Options{Now: testNow}); len(fs) != 0 {
			b.Fatalf("large org has %d findings; first: %s", len(fs), fs[0])
		}
	}
}
