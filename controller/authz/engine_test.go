package authz

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// allObjects lists every object of the fixture engine, sub-objects of
// access reviews included.
func allObjects(e *Engine) []string {
	var refs []string
	for k := range numKinds {
		ob := &e.obj[k]
		for i, n := range ob.names {
			refs = append(refs, fmt.Sprintf("%s/%s", k, n))
			if k == kAccessReview {
				for _, s := range ob.reviews[i].systems {
					refs = append(refs, fmt.Sprintf("%s/%s/%s", k, n, s))
				}
			}
		}
	}
	return refs
}

// anyObjects lists "Kind/*" for every kind.
func anyObjects() []string {
	var refs []string
	for _, k := range Kinds() {
		refs = append(refs, k+"/*")
	}
	return refs
}

// TestExplainAgreesWithCan asks every question the fixture allows, on
// every object and on any object of each kind, and checks that Explain,
// Check and Can give one answer, with reasons.
func TestExplainAgreesWithCan(t *testing.T) {
	e := newFixtureEngine(t)
	n := 0
	for _, obj := range append(allObjects(e), anyObjects()...) {
		kindName, _, _ := strings.Cut(obj, "/")
		for _, a := range Actions(kindName) {
			for _, p := range e.personNames {
				can := e.Can(p, a, obj)
				chk, err := e.Check(p, a, obj)
				if err != nil {
					t.Fatalf("Check(%s, %s, %s): %v", p, a, obj, err)
				}
				d, err := e.Explain(p, a, obj)
				if err != nil {
					t.Fatalf("Explain(%s, %s, %s): %v", p, a, obj, err)
				}
				if can != chk || can != d.Allowed {
					t.Errorf("%s %s %s: Can %v, Check %v, Explain %v (%q)", p, a, obj, can, chk, d.Allowed, d.Reasons)
				}
				if len(d.Reasons) == 0 {
					t.Errorf("%s %s %s: Explain gave no reason", p, a, obj)
				}
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("asked only %d questions", n)
	}
}

// TestWhoCanAgreesWithCan checks WhoCan against Can for every action on
// every object and on any object of each kind.
func TestWhoCanAgreesWithCan(t *testing.T) {
	e := newFixtureEngine(t)
	for _, obj := range append(allObjects(e), anyObjects()...) {
		kindName, _, _ := strings.Cut(obj, "/")
		for _, a := range Actions(kindName) {
			got, err := e.WhoCan(a, obj)
			if err != nil {
				t.Fatalf("WhoCan(%s, %s): %v", a, obj, err)
			}
			var want []string
			for _, p := range e.personNames {
				if e.Can(p, a, obj) {
					want = append(want, p)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("WhoCan(%s, %s) = %v, want %v", a, obj, got, want)
			}
		}
	}
}

func TestWhoCan(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []struct {
		action, object string
		want           []string
	}{
		// eddie by name; pete and pam through team:platform; emil (an
		// employee in the team) and wes (offboarded) do not count.
		{"approve-request", "System/github", []string{"eddie", "pam", "pete"}},
		{"provision", "System/github", []string{"pam", "pete"}},
		{"reassign-owner", "Test/T-1", []string{"ada", "cora", "eddie"}},
		{"view", "Document/D-secret", []string{"ada", "sara", "val", "vera"}},
		{"complete-review", "AccessReview/Q1/slack", []string{"ada", "eddie", "ria"}},
		{"approve-answers", "Config/acme", []string{"ada", "tara"}},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.object, func(t *testing.T) {
			checkWhoCan(t, e, tt.action, tt.object, tt.want)
		})
	}
}

// checkWhoCan checks that exactly the people want may do action on
// object, by WhoCan and by Can asked of every person, and returns
// WhoCan's answer.
func checkWhoCan(t *testing.T, e *Engine, action, object string, want []string) []string {
	t.Helper()
	got, err := e.WhoCan(action, object)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("WhoCan(%s, %s) = %v, want %v", action, object, got, want)
	}
	for _, p := range e.personNames {
		if allowed := slices.Contains(want, p); e.Can(p, action, object) != allowed {
			d, _ := e.Explain(p, action, object)
			t.Errorf("Can(%s, %s, %s) = %v, want %v; %q", p, action, object, !allowed, allowed, d.Reasons)
		}
	}
	return got
}

// TestExplainGolden pins the wording of explanations.
func TestExplainGolden(t *testing.T) {
	e := newFixtureEngine(t)
	questions := [][3]string{
		{"cora", "reassign-owner", "Test/T-1"},
		{"cora", "delete", "Test/T-1"},
		{"tess", "reassign-owner", "Test/T-1"},
		{"tess", "view", "Control/C-1"},
		{"rita", "reassign-owner", "RiskTask/RT-1"},
		{"vera", "edit-metadata", "RiskScenario/R-2"},
		{"val", "edit-metadata", "RiskScenario/R-1"},
		{"eddie", "view", "Document/D-secret"},
		{"cora", "view", "Document/D-secret"},
		{"sara", "submit", "Document/D-secret"},
		{"emil", "view", "Test/T-1"},
		{"enzo", "view", "Test/T-2"},
		{"wes", "view", "Test/T-3"},
		{"pam", "approve-request", "System/github"},
		{"emil", "approve-request", "System/github"},
		{"uma", "approve-request", "System/github"},
		{"ada", "configure", "System/github"},
		{"uma", "request-access", "System/github"},
		{"rev", "complete-review", "AccessReview/Q1/github"},
		{"rev", "complete-review", "AccessReview/Q1"},
		{"vic", "share", "Report/REP-1"},
		{"lena", "archive", "RiskScenario/R-1"},
		{"lena", "complete", "RiskTask/RT-1"},
		{"hana", "approve-answers", "Config/acme"},
		{"emil", "complete-personal-tasks", "Person/emil"},
	}
	golden(t, "explain.golden", explainTranscript(t, e, questions))
}

// explainTranscript asks Explain each question and writes the answers and
// their reasons, for a golden file.
func explainTranscript(t *testing.T, e *Engine, questions [][3]string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range questions {
		d, err := e.Explain(q[0], q[1], q[2])
		if err != nil {
			t.Fatalf("Explain%v: %v", q, err)
		}
		verdict := "denied"
		if d.Allowed {
			verdict = "allowed"
		}
		fmt.Fprintf(&b, "%s %s %s: %s\n", d.Person, d.Action, d.Object, verdict)
		for _, r := range d.Reasons {
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test -update to create it): %v", path, err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestUnknownNames(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []struct {
		name                   string
		person, action, object string
		wantErr                error
		wantSuggestion         string
		wantIn                 string
	}{
		{"person typo", "tes", "view", "Test/T-1", ErrUnknownPerson, "tess", `unknown person "tes"`},
		{"action typo", "tess", "veiw", "Test/T-1", ErrUnknownAction, "view", "its actions are view, create-task"},
		{"action of another kind", "tess", "approve-request", "Test/T-1", ErrUnknownAction, "", `unknown action "approve-request" for a Test`},
		{"object typo", "tess", "view", "Test/T-l", ErrUnknownObject, "Test/T-1", `no Test is called "T-l"`},
		{"kind typo", "tess", "view", "Tset/T-1", ErrUnknownObject, "Test/T-1", `unknown kind "Tset"`},
		{"no kind", "tess", "view", "T-1", ErrUnknownObject, "", "must be written Kind/name"},
		{"access request", "tess", "view", "AccessRequest/access/x.yaml", ErrUnknownObject, "", "ask about its system"},
		{"review system typo", "rev", "view", "AccessReview/Q1/githb", ErrUnknownObject, "AccessReview/Q1/github", "does not review system"},
		{"kind typo on any object", "ada", "view", "Tset/*", ErrUnknownObject, "Test/*", `unknown kind "Tset"`},
		{"action of another kind on any object", "ada", "approve-request", "Control/*", ErrUnknownAction, "", `unknown action "approve-request" for a Control`},
		{"wildcard inside a name", "ada", "view", "Test/T-*", ErrUnknownObject, "", "names have no wildcards; Test/* alone stands for any Test"},
		{"any review with a system", "ada", "view", "AccessReview/*/github", ErrUnknownObject, "", "AccessReview/* is any access review as a whole"},
		{"any system of a review", "ada", "view", "AccessReview/Q1/*", ErrUnknownObject, "", `does not review system "*"`},
		{"any access request", "ada", "view", "AccessRequest/*", ErrUnknownObject, "", "ask about its system"},
		{"no kind names the form", "tess", "view", "*", ErrUnknownObject, "", "Kind/* (any object of the kind)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Check(tt.person, tt.action, tt.object)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Check error = %v, want %v", err, tt.wantErr)
			}
			var ne *NameError
			if !errors.As(err, &ne) {
				t.Fatalf("Check error %T is not a *NameError", err)
			}
			if tt.wantSuggestion != "" && ne.Suggestion != tt.wantSuggestion {
				t.Errorf("suggestion = %q, want %q", ne.Suggestion, tt.wantSuggestion)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
			if e.Can(tt.person, tt.action, tt.object) {
				t.Errorf("Can allowed an unknown name")
			}
			if _, err := e.Explain(tt.person, tt.action, tt.object); !errors.Is(err, tt.wantErr) {
				t.Errorf("Explain error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := e.WhoCan("view", "Test/nope"); !errors.Is(err, ErrUnknownObject) {
		t.Errorf("WhoCan on an unknown object: %v", err)
	}
	if _, err := e.WhoCan("nope", "Test/T-1"); !errors.Is(err, ErrUnknownAction) {
		t.Errorf("WhoCan with an unknown action: %v", err)
	}
}

func TestCustomRolePermissions(t *testing.T) {
	tests := []struct {
		name        string
		inherits    string
		permissions []string
		wantErr     string // empty: New succeeds
	}{
		{"unscoped action", "collaborator", []string{"view"}, ""},
		{"scoped action", "collaborator", []string{"RiskScenario:edit-metadata"}, ""},
		{"scoped kind any case", "collaborator", []string{"riskscenario:edit-metadata"}, ""},
		{"whole kind", "employee", []string{"Control:*"}, ""},
		{"trust row", "collaborator", []string{"Config:view-knowledge-base"}, ""},
		{"unknown action", "collaborator", []string{"edit-metdata"}, `permission "edit-metdata" is not an action gatehouse knows; did you mean edit-metadata?`},
		{"unknown scoped action", "collaborator", []string{"Test:archive"}, `Test has no action "archive"`},
		{"unknown kind", "collaborator", []string{"Tests:view"}, `did you mean Test?`},
		{"admin-only action", "editor", []string{"configure"}, "cannot be granted by a role"},
		{"approval", "collaborator", []string{"System:approve-request"}, "cannot be granted by a role"},
		{"provision unscoped", "collaborator", []string{"provision"}, "cannot be granted by a role"},
		{"nothing grantable", "collaborator", []string{"System:*"}, "grants nothing"},
		{"unknown base", "superuser", nil, `inherits "superuser", which is not a built-in role`},
		{"no base", "", nil, "inherits no built-in role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := fixture(t)
			role := &model.Role{Kind: model.KindRole, Name: "custom", Inherits: tt.inherits, Permissions: tt.permissions,
				Meta: model.Meta{File: "roles/custom.yaml", Pos: model.Pos{Line: 1, Column: 1}}}
			org.Add(role)
			_, err := New(org)
			fs := RoleFindings(org)
			if tt.wantErr == "" {
				if err != nil || len(fs) != 0 {
					t.Fatalf("New = %v, RoleFindings = %v; want no error", err, fs)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, tt.wantErr) || fs[0].File != "roles/custom.yaml" || fs[0].Severity != model.SeverityError {
				t.Errorf("RoleFindings = %v, want one error finding containing %q", fs, tt.wantErr)
			}
		})
	}
}

// TestCustomRoleGrants checks what a custom role's permissions reach.
func TestCustomRoleGrants(t *testing.T) {
	org := fixture(t)
	org.Add(&model.Role{Kind: model.KindRole, Name: "auditor", Inherits: "collaborator", Permissions: []string{"view", "Control:export"}})
	org.Add(&model.Role{Kind: model.KindRole, Name: "super-editor", Inherits: "editor", Permissions: []string{"Document:*"}})
	org.Add(&model.Person{Kind: model.KindPerson, Name: "audrey", Role: "auditor"})
	org.Add(&model.Person{Kind: model.KindPerson, Name: "sue", Role: "super-editor"})
	e, err := New(org)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		person, action, object string
		want                   bool
	}{
		{"audrey", "view", "Control/C-1", true},
		{"audrey", "view", "Report/REP-1", true},
		{"audrey", "view", "AccessReview/Q1", true},
		{"audrey", "export", "Control/C-1", true},
		{"audrey", "export", "RiskTask/RT-1", false},
		{"audrey", "comment", "Control/C-1", false},
		{"audrey", "view", "Document/D-secret", false},
		{"audrey", "view-knowledge-base", "Config/acme", false},
		{"sue", "edit-details", "Document/D-1", true},
		{"sue", "view", "Document/D-secret", false},
		{"sue", "configure", "Config/acme", false},
	}
	for _, tt := range tests {
		if got := e.Can(tt.person, tt.action, tt.object); got != tt.want {
			d, _ := e.Explain(tt.person, tt.action, tt.object)
			t.Errorf("Can(%s, %s, %s) = %v, want %v; %q", tt.person, tt.action, tt.object, got, tt.want, d.Reasons)
		}
	}
}

func TestNewRejectsUnknownRoles(t *testing.T) {
	tests := []struct {
		name    string
		person  *model.Person
		wantErr string
	}{
		{"unknown role", &model.Person{Name: "x", Role: "risk-manger"}, `did you mean risk-manager?`},
		{"unknown trust role", &model.Person{Name: "x", TrustRole: "trust-owner"}, `trustRole "trust-owner"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := fixture(t)
			org.Add(tt.person)
			_, err := New(org)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
}

func TestEmptyOrg(t *testing.T) {
	e, err := New(model.NewOrg())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Check("a", "view", "Test/T-1"); !errors.Is(err, ErrUnknownPerson) {
		t.Errorf("Check on an empty org: %v", err)
	}
	if _, err := e.WhoCan("configure", "Config/acme"); !errors.Is(err, ErrUnknownObject) {
		t.Errorf("WhoCan on an org without Config: %v", err)
	}
	if _, err := e.WhoCan("view", "Control/C-1"); err == nil || !strings.Contains(err.Error(), "Control/* asks about any Control") {
		t.Errorf("WhoCan on a kind the org has none of: %v, want it to point at Control/*", err)
	}
	// Kind/* names a new object, so it resolves even when the base commit
	// has none of the kind.
	for _, obj := range anyObjects() {
		got, err := e.WhoCan(Actions(strings.TrimSuffix(obj, "/*"))[0], obj)
		if err != nil || got != nil {
			t.Errorf("WhoCan(%s) on an org without people = %v, %v; want nobody, no error", obj, got, err)
		}
	}
}

func TestCanDoesNotAllocate(t *testing.T) {
	e := newFixtureEngine(t)
	questions := [][3]string{
		{"cora", "reassign-owner", "Test/T-1"},
		{"uma", "view", "Document/D-secret"},
		{"rev", "complete-review", "accessreview/Q1/github"},
		{"pete", "approve-request", "System/github"},
		{"nobody", "view", "Test/T-1"},
		{"eddie", "delete", "control/*"},
		{"pete", "approve-request", "System/*"},
	}
	for _, q := range questions {
		if n := testing.AllocsPerRun(100, func() { e.Can(q[0], q[1], q[2]) }); n != 0 {
			t.Errorf("Can%v allocates %v times", q, n)
		}
	}
}

func TestTablesRejectBrokenData(t *testing.T) {
	if tablesErr != nil {
		t.Fatalf("embedded permissions.yaml: %v", tablesErr)
	}
	tests := []struct {
		name, from, to, wantErr string
	}{
		{"unknown holder", "[owner, editor, admin]   # renew", "[owner, editr, admin]   # renew", `unknown holder "editr"`},
		{"unknown kind", "  RiskTask:\n", "  RiskTsk:\n", `unknown kind "RiskTsk"`},
		{"unknown field", "    objectRole: viewer\n", "    objectRole: viewer\n    extra: 1\n", "extra"},
		{"bad parent extra", "parentOwnerExtra: [reassign-owner]\n    actions:\n      view:                           [owner, editor, view-only-admin, admin]\n      export", "parentOwnerExtra: [archive]\n    actions:\n      view:                           [owner, editor, view-only-admin, admin]\n      export", "parentOwnerExtra \"archive\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(string(permissionsYAML), tt.from, tt.to, 1)
			if data == string(permissionsYAML) {
				t.Fatalf("the replacement %q is not in permissions.yaml", tt.from)
			}
			_, err := compileTables([]byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("compileTables error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
