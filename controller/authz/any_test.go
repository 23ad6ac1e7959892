package authz

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/schemas"
)

// newAnyFixtureEngine is the fixture plus audrey, whose custom role
// auditor adds a scoped and an unscoped permission:
//
//	audrey  auditor (inherits collaborator; Control:export, view-schedules)
func newAnyFixtureEngine(t *testing.T) *Engine {
	t.Helper()
	org := fixture(t)
	org.Add(&model.Role{Kind: model.KindRole, Name: "auditor", Inherits: "collaborator", Permissions: []string{"Control:export", "view-schedules"}})
	org.Add(&model.Person{Kind: model.KindPerson, Name: "audrey", Role: "auditor"})
	e, err := New(org)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAnyObject checks who may act on "Kind/*", any object of a kind, for
// every kind: org-level rights count (built-in and custom roles, trust
// roles, every active person), object-level ones never do. never lists
// people who may do the action on the existing object but must not on
// Kind/*: owners, a parent's owner, reviewers, viewers, a System's
// approvers and admins, the person themselves.
func TestAnyObject(t *testing.T) {
	e := newAnyFixtureEngine(t)
	allBut := func(out ...string) []string {
		return slices.DeleteFunc(slices.Clone(e.personNames), func(p string) bool { return slices.Contains(out, p) })
	}
	tests := []struct {
		object, action string
		want           []string
		existing       string
		never          []string
	}{
		{"Control/*", "view", []string{"ada", "eddie", "val", "vera"}, "Control/C-1", []string{"cora"}},
		{"Control/*", "comment", []string{"ada", "eddie"}, "Control/C-1", []string{"cora"}},
		{"Control/*", "delete", []string{"ada", "eddie"}, "", nil},
		{"Control/*", "export", []string{"ada", "audrey", "eddie"}, "", nil},
		{"control/*", "reassign-owner", []string{"ada", "eddie"}, "", nil},
		{"Test/*", "view", []string{"ada", "eddie", "val", "vera"}, "Test/T-1", []string{"cora", "tess"}},
		{"Test/*", "reassign-owner", []string{"ada", "eddie"}, "Test/T-1", []string{"cora"}},
		{"Document/*", "view", []string{"ada", "eddie", "val", "vera"}, "Document/D-1", []string{"cora", "dana"}},
		{"Document/*", "submit", []string{"ada", "eddie"}, "Document/D-secret", []string{"sara"}},
		{"RiskScenario/*", "edit-metadata", []string{"ada", "eddie", "lena"}, "RiskScenario/R-2", []string{"vera"}},
		{"RiskScenario/*", "archive", []string{"ada", "eddie", "lena"}, "", nil},
		{"RiskTask/*", "view", []string{"ada", "eddie", "lena", "val", "vera"}, "RiskTask/RT-1", []string{"raj", "rita"}},
		{"RiskTask/*", "complete", []string{"ada", "eddie"}, "RiskTask/RT-1", []string{"raj", "rita"}},
		{"AccessReview/*", "view", []string{"ada", "eddie", "val", "vera"}, "AccessReview/Q1/github", []string{"rev"}},
		{"AccessReview/*", "complete-review", []string{"ada", "eddie"}, "AccessReview/Q1/github", []string{"rev"}},
		{"AccessReview/Q1", "complete-review", []string{"ada", "eddie"}, "AccessReview/Q1/slack", []string{"ria"}},
		{"Report/*", "view", []string{"ada", "eddie", "val", "vera"}, "Report/REP-1", []string{"vic"}},
		{"Report/*", "view-schedules", []string{"ada", "audrey", "eddie", "val", "vera"}, "Report/REP-1", []string{"vic"}},
		{"Report/*", "share", []string{"ada", "eddie"}, "", nil},
		{"System/*", "request-access", allBut("wes"), "", nil},
		{"System/*", "approve-request", nil, "System/github", []string{"eddie", "pam", "pete"}},
		{"System/*", "provision", nil, "System/slack", []string{"ada"}},
		{"System/*", "configure", []string{"ada"}, "", nil},
		{"Person/*", "complete-personal-tasks", nil, "Person/emil", []string{"emil"}},
		{"Person/*", "configure", []string{"ada"}, "", nil},
		{"Team/*", "configure", []string{"ada"}, "", nil},
		{"Role/*", "configure", []string{"ada"}, "", nil},
		{"Config/*", "approve-answers", []string{"ada", "tara"}, "", nil},
		{"Config/*", "view-knowledge-base", []string{"ada", "hana", "tara", "val", "vera"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.object, func(t *testing.T) {
			got := checkWhoCan(t, e, tt.action, tt.object, tt.want)
			for _, p := range tt.never {
				if !e.Can(p, tt.action, tt.existing) {
					t.Errorf("Can(%s, %s, %s) = false: the case shows nothing unless %s holds the right there", p, tt.action, tt.existing, p)
				}
				if slices.Contains(got, p) {
					t.Errorf("%s may %s %s through %s", p, tt.action, tt.object, tt.existing)
				}
			}
		})
	}
}

// TestAnyObjectIsEveryObject checks that a right on Kind/* holds on every
// existing object of the kind that is not restricted: Kind/* keeps only
// the rights that do not depend on the object.
func TestAnyObjectIsEveryObject(t *testing.T) {
	e := newAnyFixtureEngine(t)
	for _, obj := range allObjects(e) {
		if obj == "Document/D-secret" {
			continue
		}
		kindName, _, _ := strings.Cut(obj, "/")
		for _, a := range Actions(kindName) {
			for _, p := range e.personNames {
				if e.Can(p, a, kindName+"/*") && !e.Can(p, a, obj) {
					t.Errorf("%s may %s %s/* but not %s", p, a, kindName, obj)
				}
			}
		}
	}
}

// TestAnyObjectNamedStar checks that "Kind/*" means any object even when
// an organisation built without the loader has a document named "*".
func TestAnyObjectNamedStar(t *testing.T) {
	org := fixture(t)
	org.Add(&model.Control{Kind: model.KindControl, Name: "*", Owner: "cora"})
	e, err := New(org)
	if err != nil {
		t.Fatal(err)
	}
	if e.Can("cora", "view", "Control/*") {
		t.Error(`the owner of a Control named "*" may view Control/*`)
	}
	d, err := e.Explain("cora", "view", "Control/*")
	if err != nil || d.Allowed || !strings.Contains(strings.Join(d.Reasons, "\n"), "Control/* is any Control") {
		t.Errorf("Explain(cora, view, Control/*) = %+v, %v; want a denial about any Control", d, err)
	}
}

// TestSchemasRejectStarName pins what the package doc promises: no
// document loaded from an access repo is named "*", so "Kind/*" cannot
// name one.
func TestSchemasRejectStarName(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(k, func(t *testing.T) {
			onName := func(name string) []schemas.Violation {
				vs := schemas.Validate(k, map[string]any{"kind": k, "name": name})
				return slices.DeleteFunc(vs, func(v schemas.Violation) bool { return v.Path != "name" })
			}
			if vs := onName("x1"); len(vs) != 0 {
				t.Fatalf("the schema rejects the name x1: %v", vs)
			}
			vs := onName("*")
			if len(vs) != 1 || vs[0].Rule != schemas.RuleInvalidValue {
				t.Errorf(`the schema's violations on the name "*" = %v, want one %s`, vs, schemas.RuleInvalidValue)
			}
		})
	}
}

// TestExplainAnyObjectGolden pins the wording of explanations on
// "Kind/*".
func TestExplainAnyObjectGolden(t *testing.T) {
	e := newAnyFixtureEngine(t)
	questions := [][3]string{
		{"eddie", "delete", "Control/*"},
		{"cora", "view", "Control/*"},
		{"emil", "view", "Control/*"},
		{"wes", "view", "Control/*"},
		{"audrey", "export", "Control/*"},
		{"cora", "reassign-owner", "Test/*"},
		{"eddie", "view", "Document/*"},
		{"sara", "view", "Document/*"},
		{"vera", "edit-metadata", "RiskScenario/*"},
		{"lena", "archive", "RiskScenario/*"},
		{"val", "view", "RiskTask/*"},
		{"rita", "reassign-owner", "RiskTask/*"},
		{"rev", "complete-review", "AccessReview/*"},
		{"vic", "view", "Report/*"},
		{"uma", "request-access", "System/*"},
		{"eddie", "approve-request", "System/*"},
		{"ada", "provision", "System/*"},
		{"ada", "configure", "System/*"},
		{"emil", "complete-personal-tasks", "Person/*"},
		{"ada", "configure", "Team/*"},
		{"eddie", "configure", "Role/*"},
		{"hana", "view-knowledge-base", "Config/*"},
	}
	golden(t, "explain-any.golden", explainTranscript(t, e, questions))
}
