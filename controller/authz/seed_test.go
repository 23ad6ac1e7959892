package authz

import (
	"slices"
	"testing"
)

// seedTables mirrors seed 001's object-level tables with DESIGN.md's
// action ids, written out here rather than read from permissions.yaml so
// that the test checks the data file.
var seedTables = []struct {
	kind   string
	object string
	// has are the ✓ rows of the object role (plus view, which every object
	// role implies); hasNot the ✗ rows.
	has, hasNot []string
	// owner holds the object role on object.
	owner string
	// parentOwner owns the object's parent; for kinds without a parent it
	// holds a related object role (a child's owner, another system in the
	// same review, an unrelated control) and must get nothing.
	parentOwner string
	inherits    bool
}{
	{
		kind: "Control", object: "Control/C-1", owner: "cora", parentOwner: "tess",
		has: []string{"view", "comment"},
		hasNot: []string{"reassign-owner", "add-custom-document", "modify-test-document-mappings",
			"modify-risk-mappings", "modify-framework-mappings", "export", "export-evidence", "delete"},
	},
	{
		kind: "Test", object: "Test/T-1", owner: "tess", parentOwner: "cora", inherits: true,
		has: []string{"view", "create-task", "comment", "download-results"},
		hasNot: []string{"unlink-task", "manage-subscriptions", "delete", "deactivate", "reassign-owner",
			"modify-control-mappings", "modify-audit-mappings"},
	},
	{
		kind: "Document", object: "Document/D-1", owner: "dana", parentOwner: "cora", inherits: true,
		has: []string{"view", "submit", "create-task", "delete-prior-versions", "comment"},
		hasNot: []string{"edit-details", "mark-sensitive", "unlink-task", "assign-approver", "delete",
			"reassign-owner", "modify-control-mappings", "modify-audit-mappings", "edit-recurrence"},
	},
	{
		kind: "RiskScenario", object: "RiskScenario/R-1", owner: "rita", parentOwner: "raj",
		has: []string{"view", "edit-category", "edit-metadata", "complete-assessment", "create-task",
			"edit-tasks", "approve-assessment"},
		hasNot: []string{"reassign-owner", "modify-control-mappings", "mark-sensitive", "archive"},
	},
	{
		kind: "RiskTask", object: "RiskTask/RT-1", owner: "raj", parentOwner: "rita", inherits: true,
		has:    []string{"view", "export", "add-notes", "complete"},
		hasNot: []string{"delete", "reassign-owner", "change-due-date"},
	},
	{
		kind: "AccessReview", object: "AccessReview/Q1/github", owner: "rev", parentOwner: "ria",
		has:    []string{"view", "complete-review", "create-notes", "change-account-owners"},
		hasNot: []string{"remove-system", "reassign-owner"},
	},
	{
		kind: "Report", object: "Report/REP-1", owner: "vic", parentOwner: "cora",
		has:    []string{"view", "view-schedules"},
		hasNot: []string{"share", "edit"},
	},
}

// viewActions are the rights a view-only admin holds on every object.
var viewActions = []string{"view", "view-schedules"}

func TestSeedObjectTables(t *testing.T) {
	e := newFixtureEngine(t)
	for _, tab := range seedTables {
		all := append(slices.Clone(tab.has), tab.hasNot...)
		subjects := []struct {
			who  string
			name string
			want func(action string, has bool) bool
		}{
			{"owner", tab.owner, func(_ string, has bool) bool { return has }},
			{"parent owner", tab.parentOwner, func(a string, has bool) bool {
				return tab.inherits && (has || a == "reassign-owner")
			}},
			{"unrelated collaborator", "uma", func(string, bool) bool { return false }},
			{"employee", "emil", func(string, bool) bool { return false }},
			{"editor", "eddie", func(string, bool) bool { return true }},
			{"view-only admin", "val", func(a string, _ bool) bool { return slices.Contains(viewActions, a) }},
			{"admin", "ada", func(string, bool) bool { return true }},
		}
		for _, s := range subjects {
			for _, a := range all {
				has := slices.Contains(tab.has, a)
				want := s.want(a, has)
				mark := "✗"
				if has {
					mark = "✓"
				}
				t.Run(tab.kind+"/"+s.who+"/"+mark+a, func(t *testing.T) {
					got, err := e.Check(s.name, a, tab.object)
					if err != nil {
						t.Fatalf("Check(%s, %s, %s): %v", s.name, a, tab.object, err)
					}
					if got != want {
						d, _ := e.Explain(s.name, a, tab.object)
						t.Errorf("Check(%s, %s, %s) = %v, want %v; reasons: %q", s.name, a, tab.object, got, want, d.Reasons)
					}
				})
			}
		}
	}
}

// TestSeedTablesCoverData checks that the seed tables above and the data
// file list the same actions, so no row escapes the test.
func TestSeedTablesCoverData(t *testing.T) {
	for _, tab := range seedTables {
		want := append(slices.Clone(tab.has), tab.hasNot...)
		slices.Sort(want)
		got := Actions(tab.kind)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("Actions(%s) = %v, seed 001 lists %v", tab.kind, got, want)
		}
	}
}

func TestRestrictedDocument(t *testing.T) {
	e := newFixtureEngine(t)
	const doc = "Document/D-secret"
	ownerHas := []string{"view", "submit", "create-task", "delete-prior-versions", "comment"}
	for _, a := range Actions("Document") {
		tests := []struct {
			who, name string
			want      bool
		}{
			{"admin", "ada", true},
			{"view-only admin", "val", a == "view"},
			{"editor", "eddie", false},
			{"own owner", "sara", slices.Contains(ownerHas, a)},
			{"control owner", "cora", false},
			{"owner of a sibling", "dana", false},
			{"collaborator", "uma", false},
		}
		for _, tt := range tests {
			t.Run(tt.who+"/"+a, func(t *testing.T) {
				if got := e.Can(tt.name, a, doc); got != tt.want {
					d, _ := e.Explain(tt.name, a, doc)
					t.Errorf("Can(%s, %s, %s) = %v, want %v; reasons: %q", tt.name, a, doc, got, tt.want, d.Reasons)
				}
			})
		}
	}
}

// TestSeedFAQ covers the questions seed 001 answers.
func TestSeedFAQ(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []canCase{
		// A view-only admin who owns a risk scenario may edit it; the
		// more permissive right wins.
		{"view-only admin owner edits metadata", "vera", "edit-metadata", "RiskScenario/R-2", true},
		{"view-only admin owner approves assessment", "vera", "approve-assessment", "RiskScenario/R-2", true},
		{"view-only admin owner cannot archive", "vera", "archive", "RiskScenario/R-2", false},
		{"view-only admin does not edit others' scenarios", "vera", "edit-metadata", "RiskScenario/R-1", false},
		// A collaborator sees only assigned objects and mapped children.
		{"collaborator sees own control", "cora", "view", "Control/C-1", true},
		{"collaborator sees mapped test", "cora", "view", "Test/T-1", true},
		{"collaborator sees mapped document", "cora", "view", "Document/D-1", true},
		{"collaborator does not see unmapped test", "cora", "view", "Test/T-2", false},
		{"collaborator does not see other control", "cora", "view", "Control/C-2", false},
		{"collaborator does not see risks", "cora", "view", "RiskScenario/R-1", false},
		{"collaborator does not see reports", "cora", "view", "Report/REP-1", false},
		{"test owner does not see its control", "tess", "view", "Control/C-1", false},
		{"test owner does not see sibling document", "tess", "view", "Document/D-1", false},
		{"risk task owner does not see its scenario", "raj", "view", "RiskScenario/R-1", false},
		{"reviewer does not act on the whole review", "rev", "view", "AccessReview/Q1", false},
		{"reviewer does not act on the reviewed system", "rev", "configure", "System/github", false},
		// Control owners may reassign the owners of mapped children.
		{"control owner reassigns test owner", "cora", "reassign-owner", "Test/T-1", true},
		{"control owner does not reassign own control", "cora", "reassign-owner", "Control/C-1", false},
		{"scenario owner reassigns task owner", "rita", "reassign-owner", "RiskTask/RT-1", true},
		{"scenario owner cannot change due date", "rita", "change-due-date", "RiskTask/RT-1", false},
		// Employees hold no object roles, even when named owner.
		{"employee named owner", "enzo", "view", "Test/T-2", false},
		// Offboarded people can do nothing.
		{"offboarded owner", "wes", "view", "Test/T-3", false},
		{"offboarded requests access", "wes", "request-access", "System/slack", false},
		{"offboarded approver", "wes", "approve-request", "System/github", false},
		// Custom roles add to the inherited role.
		{"custom role scoped kind", "lena", "archive", "RiskScenario/R-1", true},
		{"custom role scoped action", "lena", "view", "RiskTask/RT-1", true},
		{"custom role not beyond its scope", "lena", "complete", "RiskTask/RT-1", false},
		{"custom role not on other kinds", "lena", "view", "Control/C-1", false},
	}
	runCanCases(t, e, tests)
}

func TestSystemsConfigAndPeople(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []canCase{
		{"employee requests access", "emil", "request-access", "System/github", true},
		{"approver by name", "eddie", "approve-request", "System/github", true},
		{"approver through team membership", "pete", "approve-request", "System/github", true},
		{"approver through team admin", "pam", "approve-request", "System/github", true},
		{"employee team member does not count", "emil", "approve-request", "System/github", false},
		{"org admin is not an approver by role", "ada", "approve-request", "System/github", false},
		{"org admin approves where listed", "ada", "approve-request", "System/slack", true},
		{"system admin through team provisions", "pete", "provision", "System/github", true},
		{"approver by name does not provision", "eddie", "provision", "System/github", false},
		{"admin configures system", "ada", "configure", "System/github", true},
		{"editor does not configure system", "eddie", "configure", "System/github", false},
		{"system admin does not configure", "pete", "configure", "System/github", false},
		{"admin configures settings", "ada", "configure", "Config/acme", true},
		{"editor does not configure settings", "eddie", "configure", "Config/acme", false},
		{"admin configures a person", "ada", "configure", "Person/uma", true},
		{"admin configures a team", "ada", "configure", "team/platform", true},
		{"admin configures a role", "ada", "configure", "Role/risk-manager", true},
		{"editor does not configure a role", "eddie", "configure", "Role/risk-manager", false},
		{"own personal tasks", "emil", "complete-personal-tasks", "Person/emil", true},
		{"someone else's personal tasks", "ada", "complete-personal-tasks", "Person/emil", false},
		{"trust collaborator views knowledge base", "hana", "view-knowledge-base", "Config/acme", true},
		{"trust collaborator edits questionnaires", "hana", "edit-questionnaires", "Config/acme", true},
		{"trust collaborator does not approve answers", "hana", "approve-answers", "Config/acme", false},
		{"trust admin edits trust center", "tara", "edit-trust-center", "Config/acme", true},
		{"trust admin does not configure settings", "tara", "configure", "Config/acme", false},
		{"view-only admin views trust center", "val", "view-trust-center", "Config/acme", true},
		{"view-only admin does not edit knowledge base", "val", "edit-knowledge-base", "Config/acme", false},
		{"editor holds no trust rows", "eddie", "view-knowledge-base", "Config/acme", false},
		{"admin holds trust rows", "ada", "approve-questionnaires", "Config/acme", true},
		{"kind in any case", "tess", "download-results", "TEST/T-1", true},
	}
	runCanCases(t, e, tests)
}

// canCase is one question to the engine and its expected answer.
type canCase struct {
	name                   string
	person, action, object string
	want                   bool
}

// runCanCases checks each case with Check and, on a wrong answer, shows
// the engine's explanation.
func runCanCases(t *testing.T, e *Engine, tests []canCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Check(tt.person, tt.action, tt.object)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				d, _ := e.Explain(tt.person, tt.action, tt.object)
				t.Errorf("Check(%s, %s, %s) = %v, want %v; reasons: %q", tt.person, tt.action, tt.object, got, tt.want, d.Reasons)
			}
		})
	}
}
