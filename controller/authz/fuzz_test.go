package authz

import (
	"errors"
	"testing"
)

// FuzzCheck asks the engine arbitrary questions: it must never panic,
// Can, Check and Explain must agree, and every failure must be a
// *NameError.
func FuzzCheck(f *testing.F) {
	e := newFixtureEngine(f)
	seeds := [][3]string{
		{"cora", "reassign-owner", "Test/T-1"},
		{"rev", "view", "AccessReview/Q1/github"},
		{"rev", "view", "AccessReview/Q1/"},
		{"rev", "view", "accessreview//github"},
		{"", "", ""},
		{"ada", "configure", "/"},
		{"ada", "configure", "Config/acme/x"},
		{"emil", "complete-personal-tasks", "person/emil"},
		{"eddie", "delete", "Control/*"},
		{"rev", "complete-review", "AccessReview/*"},
		{"rev", "complete-review", "AccessReview/*/github"},
		{"rev", "complete-review", "AccessReview/Q1/*"},
		{"pete", "approve-request", "system/*"},
		{"emil", "complete-personal-tasks", "Person/*"},
		{"sara", "view", "Document/*"},
		{"ada", "view", "Test/T-*"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, person, action, object string) {
		can := e.Can(person, action, object)
		chk, err := e.Check(person, action, object)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) {
				t.Fatalf("Check error %T is not a *NameError: %v", err, err)
			}
			if can {
				t.Fatalf("Can allowed what Check rejects: %v", err)
			}
			return
		}
		d, err := e.Explain(person, action, object)
		if err != nil {
			t.Fatalf("Explain failed where Check did not: %v", err)
		}
		if can != chk || can != d.Allowed || len(d.Reasons) == 0 {
			t.Fatalf("Can %v, Check %v, Explain %v %q", can, chk, d.Allowed, d.Reasons)
		}
		if _, err := e.WhoCan(action, object); err != nil {
			t.Fatalf("WhoCan failed where Check did not: %v", err)
		}
	})
}

// FuzzPermission parses arbitrary custom-role permissions: never a panic,
// and a permission that parses grants only grantable rights.
func FuzzPermission(f *testing.F) {
	for _, s := range []string{"view", "RiskScenario:*", "Test:archive", ":", "*", "System:*", "Config:view-knowledge-base", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		m, err := parsePermission(p)
		if err != nil {
			return
		}
		for k := range numKinds {
			if m[k]&^tables.kinds[k].grantable != 0 {
				t.Fatalf("permission %q grants %v on %s beyond what roles may grant", p, maskActions(&tables.kinds[k], m[k]), k)
			}
		}
	})
}
