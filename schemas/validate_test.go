package schemas

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"sigs.k8s.io/yaml"
)

// decode turns a YAML document into JSON values, as the loader does.
func decode(t testing.TB, doc string) any {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("YAML to JSON: %v", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return v
}

// validDocs are documents of every kind that must pass: the smallest one
// and one that sets every field.
var validDocs = []struct {
	name, kind, doc string
}{
	{"config minimal", "Config", "kind: Config\nname: acme\n"},
	{"config full", "Config", `
kind: Config
name: acme
organization: Acme Corp
github: {repository: acme/access, defaultBranch: main}
integrations:
  - {name: github, type: github, prune: true, github: {organization: acme}}
  - name: prod-db
    type: postgres
    postgres: {host: db.internal, port: 5432, database: app, sslMode: verify-full, createRoles: true}
  - {name: slack, type: slack, slack: {workspace: acme}}
  - {name: hr, type: scim, scim: {baseURL: "https://hr.example.com/scim/v2"}}
  - {name: local-scim, type: scim, scim: {baseURL: "http://localhost:8080/scim"}}
policyOwners: [priya, team:security]
limits: {maxRevocations: 10, maxRevocationPercent: 20}
`},
	{"person minimal", "Person", "kind: Person\nname: alice\n"},
	{"person full", "Person", `
kind: Person
name: bob.smith
displayName: Bob Smith
email: bob@example.com
github: Bob-Smith
slack: U024BE7LH
role: risk-manager
trustRole: trust-admin
manager: alice
status: offboarded
`},
	{"team", "Team", "kind: Team\nname: platform\ndescription: Runs the platform\nmembers: [alice, bob]\nadmins: [alice]\n"},
	{"role", "Role", "kind: Role\nname: risk-manager\ninherits: collaborator\ndescription: Risk\npermissions: [view-risks]\n"},
	{"system minimal", "System", "kind: System\nname: github\n"},
	{"system full", "System", `
kind: System
name: github
description: Code
integration: github
requestable: false
approvers: [marcus, team:platform]
admins: [team:platform]
requireJustification: true
allowFreeformPermissions: true
accessLevels:
  - {name: member, description: Members, entitlement: member}
  - {name: Admin, entitlement: admin, maxDuration: 1d12h}
`},
	{"access request minimal", "AccessRequest", "kind: AccessRequest\nperson: alice\nsystem: github\n"},
	{"access request full", "AccessRequest", `
kind: AccessRequest
person: alice
system: github
level: admin
justification: On call
permissions: vault ops, read
expires: 2026-12-31T00:00:00Z
`},
	{"access request with offset", "AccessRequest", "kind: AccessRequest\nperson: alice\nsystem: github\nexpires: 2026-12-31T09:30:00+02:00\n"},
	{"control", "Control", "kind: Control\nname: AC-2\ntitle: Account management\ndescription: d\nowner: alice\n"},
	{"test", "Test", "kind: Test\nname: T-mfa\ntitle: MFA\nowner: bob\ncontrols: [AC-2, AC-3]\n"},
	{"document", "Document", "kind: Document\nname: D-1\ntitle: Policy\nowner: alice\ncontrols: [AC-2]\nrestricted: true\nrecurrence: 365d\n"},
	{"risk scenario", "RiskScenario", "kind: RiskScenario\nname: R-1\ntitle: t\nowner: alice\ncategory: access\n"},
	{"risk task", "RiskTask", "kind: RiskTask\nname: RT-1\nriskScenario: R-1\nowner: bob\ndue: 2026-03-31\n"},
	{"report", "Report", "kind: Report\nname: quarterly\ntitle: t\nviewers: [alice]\nschedule: monthly\n"},
	{"access review", "AccessReview", "kind: AccessReview\nname: 2026-q1\ndue: 2026-03-31\nsystems:\n  - system: github\n    reviewers: [alice]\n  - system: prod-db\n"},
	{"kind given in lower case", "person", "kind: Person\nname: alice\n"},
}

func TestValidateAcceptsValidDocuments(t *testing.T) {
	for _, tt := range validDocs {
		t.Run(tt.name, func(t *testing.T) {
			if vs := Validate(tt.kind, decode(t, tt.doc)); vs != nil {
				t.Errorf("Validate = %v, want none", vs)
			}
		})
	}
}

const nameRule = "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters"

func TestValidateReportsViolations(t *testing.T) {
	tests := []struct {
		name, kind, doc string
		want            []Violation
	}{
		// Config
		{"config without name", "Config", "kind: Config\n", []Violation{
			{"", RuleMissingField, `missing required field "name"`}}},
		{"integration without its block", "Config", "kind: Config\nname: acme\nintegrations: [{name: gh, type: github}]\n", []Violation{
			{"integrations[0]", RuleMissingField, `missing required field "github"; an integration of type github takes its settings in a github block and no other settings block`}}},
		{"integration with another type's block", "Config", "kind: Config\nname: acme\nintegrations: [{name: gh, type: github, github: {organization: acme}, postgres: {host: db}}]\n", []Violation{
			{"integrations[0].postgres", RuleInvalidValue, `field "postgres" is not allowed here; an integration of type github takes its settings in a github block and no other settings block`}}},
		{"secret in an integration", "Config", "kind: Config\nname: acme\nintegrations: [{name: db, type: postgres, postgres: {host: db, password: hunter2}}]\n", []Violation{
			{"integrations[0].postgres.password", RuleUnknownField, `unknown field "password" in integrations[0].postgres; secrets never go in the access repo: give them to the controller through its own configuration (environment or a file)`}}},
		{"unknown integration type", "Config", "kind: Config\nname: acme\nintegrations: [{name: dir, type: ldap}]\n", []Violation{
			{"integrations[0].type", RuleInvalidValue, `"ldap" is not one of github, postgres, slack, scim`}}},
		{"plain http SCIM", "Config", "kind: Config\nname: acme\nintegrations: [{name: hr, type: scim, scim: {baseURL: 'http://hr.example.com/scim'}}]\n", []Violation{
			{"integrations[0].scim.baseURL", RuleInvalidValue, `integrations[0].scim.baseURL "http://hr.example.com/scim" is invalid: the SCIM base URL must use https (plain http only for localhost), such as https://example.com/scim/v2`}}},
		{"postgres port out of range", "Config", "kind: Config\nname: acme\nintegrations: [{name: db, type: postgres, postgres: {host: db, port: 70000}}]\n", []Violation{
			{"integrations[0].postgres.port", RuleInvalidValue, `integrations[0].postgres.port must be at most 65535`}}},
		{"revocation percent over 100", "Config", "kind: Config\nname: acme\nlimits: {maxRevocationPercent: 150}\n", []Violation{
			{"limits.maxRevocationPercent", RuleInvalidValue, `limits.maxRevocationPercent must be at most 100`}}},
		{"repository without owner", "Config", "kind: Config\nname: acme\ngithub: {repository: access}\n", []Violation{
			{"github.repository", RuleInvalidValue, `github.repository "access" is invalid: the repository must be written owner/name, such as acme/access`}}},
		{"policy owner typo", "Config", "kind: Config\nname: acme\npolicyOwner: [priya]\n", []Violation{
			{"policyOwner", RuleUnknownField, `unknown field "policyOwner" in Config; did you mean "policyOwners"?`}}},

		// Person
		{"status not in enum", "Person", "kind: Person\nname: alice\nstatus: superuser\n", []Violation{
			{"status", RuleInvalidValue, `"superuser" is not one of active, offboarded`}}},
		{"trust role not in enum", "Person", "kind: Person\nname: alice\ntrustRole: admin\n", []Violation{
			{"trustRole", RuleInvalidValue, `"admin" is not one of trust-collaborator, trust-admin`}}},
		{"upper-case name", "Person", "kind: Person\nname: Alice\n", []Violation{
			{"name", RuleInvalidValue, `name "Alice" is invalid: a person's name ` + nameRule}}},
		{"bad email", "Person", "kind: Person\nname: alice\nemail: alice-at-example\n", []Violation{
			{"email", RuleInvalidValue, `email must be an email address such as alice@example.com`}}},
		{"bad GitHub login", "Person", "kind: Person\nname: alice\ngithub: alice--x\n", []Violation{
			{"github", RuleInvalidValue, `github "alice--x" is invalid: a GitHub login must be letters, digits and single hyphens, at most 39 characters, such as octocat`}}},
		{"field typo", "Person", "kind: Person\nname: alice\nemial: a@example.com\n", []Violation{
			{"emial", RuleUnknownField, `unknown field "emial" in Person; did you mean "email"?`}}},
		{"kind spelt in lower case", "Person", "kind: person\nname: alice\n", []Violation{
			{"kind", RuleInvalidValue, `kind must be "Person", not "person"`}}},
		{"several problems sorted by path", "Person", "kind: Person\nrole: Admin\nstatus: gone\nemail: 3\n", []Violation{
			{"", RuleMissingField, `missing required field "name"`},
			{"email", RuleWrongType, `email must be a string, not 3`},
			{"role", RuleInvalidValue, `role "Admin" is invalid: the role must be a built-in role (employee, collaborator, editor, view-only-admin, admin) or a custom Role's name, which is lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters`},
			{"status", RuleInvalidValue, `"gone" is not one of active, offboarded`}}},

		// Team
		{"member listed twice", "Team", "kind: Team\nname: platform\nmembers: [alice, bob, alice]\n", []Violation{
			{"members[2]", RuleInvalidValue, `members[2] repeats "alice" from members[0]; list each entry once`}}},
		{"team as a team member", "Team", "kind: Team\nname: platform\nmembers: ['team:sre']\n", []Violation{
			{"members[0]", RuleInvalidValue, `members[0] "team:sre" is invalid: a person's name ` + nameRule + ` (e.g. alice)`}}},
		{"members not a list", "Team", "kind: Team\nname: platform\nmembers: alice\n", []Violation{
			{"members", RuleWrongType, `members must be a list, not "alice"`}}},

		// Role
		{"custom role named like a built-in", "Role", "kind: Role\nname: admin\ninherits: editor\n", []Violation{
			{"name", RuleInvalidValue, `name "admin" is not allowed; a custom role cannot reuse a built-in role's name (employee, collaborator, editor, view-only-admin, admin); choose another name`}}},
		{"role without inherits", "Role", "kind: Role\nname: risk-manager\n", []Violation{
			{"", RuleMissingField, `missing required field "inherits"`}}},
		{"role inherits a custom role", "Role", "kind: Role\nname: risk-manager\ninherits: auditor\n", []Violation{
			{"inherits", RuleInvalidValue, `"auditor" is not one of employee, collaborator, editor, view-only-admin, admin`}}},

		// System
		{"approver typo", "System", "kind: System\nname: github\napprover: [alice]\n", []Violation{
			{"approver", RuleUnknownField, `unknown field "approver" in System; did you mean "approvers"?`}}},
		{"unknown field far from any", "Team", "kind: Team\nname: platform\nchannel: '#platform'\n", []Violation{
			{"channel", RuleUnknownField, `unknown field "channel" in Team; remove it or use one of admins, description, kind, members, name`}}},
		{"bad approver entry", "System", "kind: System\nname: github\napprovers: [alice, 'team:Platform']\n", []Violation{
			{"approvers[1]", RuleInvalidValue, `approvers[1] "team:Platform" is invalid: an entry must be a person's name or team:<name> (e.g. alice, team:platform); names are lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters`}}},
		{"duplicate admin", "System", "kind: System\nname: github\nadmins: ['team:platform', alice, 'team:platform']\n", []Violation{
			{"admins[2]", RuleInvalidValue, `admins[2] repeats "team:platform" from admins[0]; list each entry once`}}},
		{"bad max duration", "System", "kind: System\nname: github\naccessLevels: [{name: admin, maxDuration: 1y}]\n", []Violation{
			{"accessLevels[0].maxDuration", RuleInvalidValue, `accessLevels[0].maxDuration "1y" is invalid: a duration must be whole units of w (weeks), d (days), h (hours) or m (minutes), such as 90d, 2w, 12h or 1d12h`}}},
		{"access level typo and missing name", "System", "kind: System\nname: github\naccessLevels: [{name: member}, {entitlment: admin}]\n", []Violation{
			{"accessLevels[1]", RuleMissingField, `missing required field "name"`},
			{"accessLevels[1].entitlment", RuleUnknownField, `unknown field "entitlment" in accessLevels[1]; did you mean "entitlement"?`}}},
		{"requestable as a string", "System", "kind: System\nname: github\nrequestable: 'yes'\n", []Violation{
			{"requestable", RuleWrongType, `requestable must be true or false, not "yes"`}}},
		{"empty approvers value", "System", "kind: System\nname: github\napprovers:\n", []Violation{
			{"approvers", RuleWrongType, `approvers must be a list, not an empty value`}}},

		// AccessRequest
		{"request without system", "AccessRequest", "kind: AccessRequest\nperson: alice\n", []Violation{
			{"", RuleMissingField, `missing required field "system"`}}},
		{"request with a name", "AccessRequest", "kind: AccessRequest\nname: alice-admin\nperson: alice\nsystem: github\n", []Violation{
			{"name", RuleUnknownField, `unknown field "name" in AccessRequest; an AccessRequest is known by its file's path, so it has no name: remove it`}}},
		{"expires not a time", "AccessRequest", "kind: AccessRequest\nperson: alice\nsystem: github\nexpires: next friday\n", []Violation{
			{"expires", RuleInvalidValue, `expires must be an RFC 3339 time such as 2026-12-31T00:00:00Z`}}},
		{"expires a date only", "AccessRequest", "kind: AccessRequest\nperson: alice\nsystem: github\nexpires: 2026-12-31\n", []Violation{
			{"expires", RuleInvalidValue, `expires must be an RFC 3339 time such as 2026-12-31T00:00:00Z`}}},
		{"empty justification", "AccessRequest", "kind: AccessRequest\nperson: alice\nsystem: github\njustification: ''\n", []Violation{
			{"justification", RuleInvalidValue, `justification must not be empty; write a value or remove the field`}}},

		// Compliance objects
		{"control with upper-case owner", "Control", "kind: Control\nname: AC-2\nowner: Alice\n", []Violation{
			{"owner", RuleInvalidValue, `owner "Alice" is invalid: a person's name ` + nameRule + ` (e.g. alice)`}}},
		{"control id with a space", "Control", "kind: Control\nname: AC 2\n", []Violation{
			{"name", RuleInvalidValue, `name "AC 2" is invalid: a control id must be letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters (e.g. AC-2)`}}},
		{"test mapped twice to a control", "Test", "kind: Test\nname: T-1\ncontrols: [AC-2, AC-2]\n", []Violation{
			{"controls[1]", RuleInvalidValue, `controls[1] repeats "AC-2" from controls[0]; list each entry once`}}},
		{"test controls as a mapping", "Test", "kind: Test\nname: T-1\ncontrols: {AC-2: true}\n", []Violation{
			{"controls", RuleWrongType, `controls must be a list, not a mapping`}}},
		{"document recurrence in years", "Document", "kind: Document\nname: D-1\nrecurrence: 1y\n", []Violation{
			{"recurrence", RuleInvalidValue, `recurrence "1y" is invalid: a duration must be whole units of w (weeks), d (days), h (hours) or m (minutes), such as 90d, 2w, 12h or 1d12h`}}},
		{"document restricted as text", "Document", "kind: Document\nname: D-1\nrestricted: 'no'\n", []Violation{
			{"restricted", RuleWrongType, `restricted must be true or false, not "no"`}}},
		{"risk scenario typo", "RiskScenario", "kind: RiskScenario\nname: R-1\ncategroy: access\n", []Violation{
			{"categroy", RuleUnknownField, `unknown field "categroy" in RiskScenario; did you mean "category"?`}}},
		{"risk task without scenario", "RiskTask", "kind: RiskTask\nname: RT-1\n", []Violation{
			{"", RuleMissingField, `missing required field "riskScenario"`}}},
		{"risk task due not a date", "RiskTask", "kind: RiskTask\nname: RT-1\nriskScenario: R-1\ndue: 31/03/2026\n", []Violation{
			{"due", RuleInvalidValue, `due must be an RFC 3339 date such as 2026-03-31`}}},
		{"report viewer is a team", "Report", "kind: Report\nname: q\nviewers: ['team:security']\n", []Violation{
			{"viewers[0]", RuleInvalidValue, `viewers[0] "team:security" is invalid: a person's name ` + nameRule + ` (e.g. alice)`}}},
		{"report schedule empty", "Report", "kind: Report\nname: q\nschedule: ''\n", []Violation{
			{"schedule", RuleInvalidValue, `schedule must not be empty; write a value or remove the field`}}},
		{"access review without systems", "AccessReview", "kind: AccessReview\nname: q1\n", []Violation{
			{"", RuleMissingField, `missing required field "systems"`}}},
		{"access review of no system", "AccessReview", "kind: AccessReview\nname: q1\nsystems: []\n", []Violation{
			{"systems", RuleInvalidValue, `systems must list at least 1 entry`}}},
		{"access review entry problems", "AccessReview", "kind: AccessReview\nname: q1\nsystems: [{reviewer: [alice]}]\n", []Violation{
			{"systems[0]", RuleMissingField, `missing required field "system"`},
			{"systems[0].reviewer", RuleUnknownField, `unknown field "reviewer" in systems[0]; did you mean "reviewers"?`}}},

		// The document itself
		{"document is a list", "Person", "- alice\n", []Violation{
			{"", RuleWrongType, `the document must be a mapping, not a list`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.kind, decode(t, tt.doc))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate =\n%s\nwant\n%s", list(got), list(tt.want))
			}
		})
	}
}

func list(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  {%q, %q, %q}\n", v.Path, v.Rule, v.Message)
	}
	return b.String()
}

func TestValidateUnknownKind(t *testing.T) {
	tests := []struct {
		kind string
		want Violation
	}{
		{"Sytem", Violation{"kind", RuleInvalidValue, `unknown kind "Sytem"; did you mean "System"?`}},
		{"Widget", Violation{"kind", RuleInvalidValue, `unknown kind "Widget"; use one of ` + strings.Join(model.Kinds, ", ")}},
		{"", Violation{"", RuleMissingField, `missing required field "kind"; set it to one of ` + strings.Join(model.Kinds, ", ")}},
	}
	for _, tt := range tests {
		got := Validate(tt.kind, map[string]any{"kind": tt.kind})
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("Validate(%q) = %v, want [%v]", tt.kind, got, tt.want)
		}
	}
}

// TestValidateGoValues covers values a YAML decoder may hand over without
// a JSON round trip: integers of Go types, and values JSON has no type for.
func TestValidateGoValues(t *testing.T) {
	doc := map[string]any{"kind": "Config", "name": "acme", "limits": map[string]any{"maxRevocations": int64(10), "maxRevocationPercent": 20}}
	if vs := Validate("Config", doc); vs != nil {
		t.Errorf("Go integers: %v", vs)
	}
	doc = map[string]any{"kind": "Person", "name": "alice", "manager": struct{}{}}
	want := []Violation{{"manager", RuleWrongType, "manager holds a value of Go type struct {} that gatehouse cannot check; write a string, number, true/false, list or mapping"}}
	if got := Validate("Person", doc); !slices.Equal(got, want) {
		t.Errorf("Validate = %v, want %v", got, want)
	}
	doc = map[string]any{"kind": "AccessRequest", "person": "alice", "system": "github", "expires": time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	want = []Violation{{"expires", RuleWrongType, "expires holds a decoded YAML timestamp; pass documents to Validate as JSON values, with timestamps kept as the strings written"}}
	if got := Validate("AccessRequest", doc); !slices.Equal(got, want) {
		t.Errorf("Validate = %v, want %v", got, want)
	}
}

// TestAnyKindSchema checks gatehouse.schema.json: it dispatches on kind to
// the kind's own schema, and rejects what no kind accepts.
func TestAnyKindSchema(t *testing.T) {
	set, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range validDocs {
		if vs := set.validate(set.any, "document", decode(t, tt.doc)); vs != nil {
			t.Errorf("%s: %v", tt.name, vs)
		}
	}
	tests := []struct {
		name, doc string
		want      []Violation
	}{
		{"dispatches to the kind's schema", "kind: System\nname: github\napprover: [alice]\n", []Violation{
			{"approver", RuleUnknownField, `unknown field "approver" in document; did you mean "approvers"?`}}},
		{"unknown kind", "kind: Widget\nname: w\n", []Violation{
			{"kind", RuleInvalidValue, `"Widget" is not one of ` + strings.Join(model.Kinds, ", ")}}},
		{"no kind", "name: w\n", []Violation{
			{"", RuleMissingField, `missing required field "kind"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := set.validate(set.any, "document", decode(t, tt.doc))
			if !slices.Equal(got, tt.want) {
				t.Errorf("validate =\n%s\nwant\n%s", list(got), list(tt.want))
			}
		})
	}
}

// TestValidateConcurrently runs Validate from several goroutines; under
// -race it shows that the compiled schemas are shared safely.
func TestValidateConcurrently(t *testing.T) {
	doc := decode(t, "kind: System\nname: github\napprover: [alice]\napprovers: [Bob]\n")
	want := Validate("System", doc)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := Validate("System", doc); !slices.Equal(got, want) {
					t.Errorf("concurrent Validate = %v, want %v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

var simpleKey = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// FuzzValidate feeds arbitrary JSON to every kind's schema: Validate must
// not panic, must use only the four rules, and must give paths that exist
// in the document.
func FuzzValidate(f *testing.F) {
	for _, d := range validDocs {
		data, _ := yaml.YAMLToJSON([]byte(d.doc))
		f.Add(string(data))
	}
	f.Add(`{"kind":"System","approvers":[1,null,{"a":[]}],"accessLevels":[[]]}`)
	f.Add(`{"kind":"Config","integrations":[{"type":"scim","scim":null,"github":{}}]}`)
	f.Add(`[[[[]]]]`)
	f.Fuzz(func(t *testing.T, s string) {
		var doc any
		if json.Unmarshal([]byte(s), &doc) != nil {
			return
		}
		for _, kind := range model.Kinds {
			for _, v := range Validate(kind, doc) {
				switch v.Rule {
				case RuleUnknownField, RuleWrongType, RuleMissingField, RuleInvalidValue:
				default:
					t.Fatalf("%s: rule %q", kind, v.Rule)
				}
				if v.Message == "" || strings.Contains(v.Message, "could not check") {
					t.Fatalf("%s: message %q", kind, v.Message)
				}
				if simpleKeys(doc) && !pathExists(doc, v.Path) {
					t.Fatalf("%s: path %q of %v is not in the document", kind, v.Path, v)
				}
			}
		}
	})
}

func simpleKeys(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if !simpleKey.MatchString(k) || !simpleKeys(c) {
				return false
			}
		}
	case []any:
		for _, c := range v {
			if !simpleKeys(c) {
				return false
			}
		}
	}
	return true
}

// pathExists reports whether a Violation path such as "a[1].b" names a
// value in doc.
func pathExists(doc any, path string) bool {
	cur := doc
	for _, part := range strings.Split(strings.ReplaceAll(path, "[", ".["), ".") {
		switch {
		case part == "":
		case strings.HasPrefix(part, "["):
			arr, ok := cur.([]any)
			i, err := strconv.Atoi(strings.Trim(part, "[]"))
			if !ok || err != nil || i < 0 || i >= len(arr) {
				return false
			}
			cur = arr[i]
		default:
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			if cur, ok = m[part]; !ok {
				return false
			}
		}
	}
	return true
}

func TestPathExists(t *testing.T) {
	doc := decode(t, "a: [{b: 1}]\n")
	for path, want := range map[string]bool{"": true, "a": true, "a[0].b": true, "a[1]": false, "a.b": false, "c": false} {
		if got := pathExists(doc, path); got != want {
			t.Errorf("pathExists(%q) = %v, want %v", path, got, want)
		}
	}
}

// Benchmarks use documents of the size the acme example holds.
var benchDocs = map[string]string{
	"AccessRequest": "kind: AccessRequest\nperson: alice\nsystem: github\nlevel: admin\njustification: On call for the 2026-07 release\nexpires: 2026-12-31T00:00:00Z\n",
	"Person":        "kind: Person\nname: alice\ndisplayName: Alice Example\nemail: alice@example.com\ngithub: alice-ex\nslack: U024BE7LH\nrole: collaborator\nmanager: marcus\n",
	"System": `
kind: System
name: github
description: Source code, pull requests and CI in the acme GitHub organisation
integration: github
approvers: [marcus, team:platform]
admins: [team:platform]
requireJustification: true
accessLevels:
  - {name: member, description: Organisation member, entitlement: member}
  - {name: maintainer, description: Team maintainer, entitlement: maintainer, maxDuration: 90d}
  - {name: owner, description: Organisation owner, entitlement: admin, maxDuration: 7d}
`,
}

func BenchmarkValidate(b *testing.B) {
	for _, kind := range []string{"AccessRequest", "Person", "System"} {
		doc := decode(b, benchDocs[kind])
		if vs := Validate(kind, doc); vs != nil {
			b.Fatalf("%s: %v", kind, vs)
		}
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Validate(kind, doc)
			}
		})
		b.Run(kind+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					Validate(kind, doc)
				}
			})
		})
	}
	doc := decode(b, "kind: System\nname: github\napprover: [alice]\napprovers: [Bob, Bob]\naccessLevels: [{name: x, maxDuration: 1y}]\n")
	b.Run("System/invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Validate("System", doc)
		}
	})
}
