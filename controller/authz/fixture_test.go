package authz

import (
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// fixture is a small organisation in which every subject of seed 001's
// tables appears once:
//
//	cora  collaborator, owner of Control/C-1 (parent of Test/T-1, Document/D-1, Document/D-secret)
//	tess  collaborator, owner of Test/T-1
//	dana  collaborator, owner of Document/D-1
//	sara  collaborator, owner of restricted Document/D-secret
//	rita  collaborator, owner of RiskScenario/R-1 (parent of RiskTask/RT-1)
//	raj   collaborator, owner of RiskTask/RT-1
//	rev   collaborator, reviewer of system github in AccessReview/Q1
//	ria   collaborator, reviewer of system slack in AccessReview/Q1
//	vic   collaborator, viewer of Report/REP-1
//	uma   collaborator, nothing assigned
//	emil  employee, nothing assigned
//	enzo  employee, named owner of Test/T-2 (employees hold no object roles)
//	eddie editor, val view-only-admin, ada admin
//	vera  view-only-admin, owner of RiskScenario/R-2 (seed 001's FAQ)
//	wes   collaborator, offboarded, owner of Test/T-3 and approver of github
//	lena  custom role risk-manager (inherits collaborator; RiskScenario:*, RiskTask:view)
//	hana  trust-collaborator, tara trust-admin (both employees)
//	pete  collaborator, member of team platform; pam collaborator, its admin
func fixture(t testing.TB) *model.Org {
	t.Helper()
	org := model.NewOrg()
	add := func(d model.Doc) {
		if prev := org.Add(d); prev != nil {
			t.Fatalf("fixture adds %v twice", d)
		}
	}
	add(&model.Config{Kind: model.KindConfig, Name: "acme"})
	people := []struct{ name, role, trust, status string }{
		{"cora", "collaborator", "", ""},
		{"tess", "collaborator", "", ""},
		{"dana", "collaborator", "", ""},
		{"sara", "collaborator", "", ""},
		{"rita", "collaborator", "", ""},
		{"raj", "collaborator", "", ""},
		{"rev", "collaborator", "", ""},
		{"ria", "collaborator", "", ""},
		{"vic", "collaborator", "", ""},
		{"uma", "collaborator", "", ""},
		{"emil", "", "", ""},
		{"enzo", "employee", "", ""},
		{"eddie", "editor", "", ""},
		{"val", "view-only-admin", "", ""},
		{"ada", "admin", "", ""},
		{"vera", "view-only-admin", "", ""},
		{"wes", "collaborator", "", "offboarded"},
		{"lena", "risk-manager", "", ""},
		{"hana", "", "trust-collaborator", ""},
		{"tara", "", "trust-admin", ""},
		{"pete", "collaborator", "", ""},
		{"pam", "collaborator", "", ""},
	}
	for _, p := range people {
		add(&model.Person{Kind: model.KindPerson, Name: p.name, Role: p.role, TrustRole: p.trust, Status: p.status})
	}
	add(&model.Role{Kind: model.KindRole, Name: "risk-manager", Inherits: "collaborator", Permissions: []string{"RiskScenario:*", "RiskTask:view"}})
	add(&model.Team{Kind: model.KindTeam, Name: "platform", Members: []string{"pete", "emil"}, Admins: []string{"pam"}})
	add(&model.System{Kind: model.KindSystem, Name: "github", Approvers: []string{"eddie", "team:platform", "wes"}, Admins: []string{"team:platform"}})
	add(&model.System{Kind: model.KindSystem, Name: "slack", Approvers: []string{"ada"}, Admins: []string{"ada"}})
	add(&model.Control{Kind: model.KindControl, Name: "C-1", Owner: "cora"})
	add(&model.Control{Kind: model.KindControl, Name: "C-2", Owner: "uma-not-a-person"})
	add(&model.Test{Kind: model.KindTest, Name: "T-1", Owner: "tess", Controls: []string{"C-1"}})
	add(&model.Test{Kind: model.KindTest, Name: "T-2", Owner: "enzo", Controls: []string{"C-2"}})
	add(&model.Test{Kind: model.KindTest, Name: "T-3", Owner: "wes"})
	add(&model.Document{Kind: model.KindDocument, Name: "D-1", Owner: "dana", Controls: []string{"C-1"}})
	add(&model.Document{Kind: model.KindDocument, Name: "D-secret", Owner: "sara", Controls: []string{"C-1"}, Restricted: true})
	add(&model.RiskScenario{Kind: model.KindRiskScenario, Name: "R-1", Owner: "rita"})
	add(&model.RiskScenario{Kind: model.KindRiskScenario, Name: "R-2", Owner: "vera"})
	add(&model.RiskTask{Kind: model.KindRiskTask, Name: "RT-1", Owner: "raj", RiskScenario: "R-1"})
	add(&model.Report{Kind: model.KindReport, Name: "REP-1", Viewers: []string{"vic"}})
	add(&model.AccessReview{Kind: model.KindAccessReview, Name: "Q1", Systems: []model.ReviewSystem{
		{System: "github", Reviewers: []string{"rev"}},
		{System: "slack", Reviewers: []string{"ria"}},
	}})
	return org
}

func newFixtureEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(fixture(t))
	if err != nil {
		t.Fatalf("New(fixture): %v", err)
	}
	return e
}
