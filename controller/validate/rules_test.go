package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var referenceCases = []testCase{
	{
		name:   "approver typo suggests the closest person",
		mutate: func(o *model.Org) { system(o, "github").Approvers[0] = "alcie" },
		want:   []string{`systems/github.yaml#approvers[0]: error unknown-person: approver "alcie" is not a person; did you mean "alice"?`},
	},
	{
		name:   "unknown team",
		mutate: func(o *model.Org) { system(o, "github").Approvers[1] = "team:platfrom" },
		want:   []string{`systems/github.yaml#approvers[1]: error unknown-team: approver "team:platfrom" names no team; did you mean "platform"?`},
	},
	{
		name: "request names no person and no system",
		mutate: func(o *model.Org) {
			r := request(o, "access/github/carol.yaml")
			r.Person, r.System = "zoe", "gitlab"
		},
		want: []string{
			`access/github/carol.yaml#person: error unknown-person: person "zoe" is not a person; name the Person the access is for`,
			`access/github/carol.yaml#system: error unknown-system: system "gitlab" is not a system; did you mean "github"?`,
		},
	},
	{
		name:   "unknown level lists the levels",
		mutate: func(o *model.Org) { request(o, "access/github/carol.yaml").Level = "superuser" },
		want:   []string{`access/github/carol.yaml#level: error unknown-level: unknown level "superuser" for system github; levels: member, admin`},
	},
	{
		name:   "unknown level suggests the closest level",
		mutate: func(o *model.Org) { request(o, "access/github/carol.yaml").Level = "admn" },
		want:   []string{`access/github/carol.yaml#level: error unknown-level: unknown level "admn" for system github; did you mean "admin"? levels: member, admin`},
	},
	{
		name:   "undeclared integration",
		mutate: func(o *model.Org) { system(o, "github").Integration = "github-orgs" },
		want:   []string{`systems/github.yaml#integration: error unknown-integration: integration "github-orgs" is not declared in gatehouse.yaml; did you mean "github-org"? declared: github-org, pg-prod`},
	},
	{
		name:   "unknown control",
		mutate: func(o *model.Org) { o.TestByName["T-1"].Controls[0] = "C-9" },
		want:   []string{`objects/t-1.yaml#controls[0]: error unknown-control: control "C-9" is not a Control; did you mean "C-1"?`},
	},
	{
		name:   "unknown risk scenario",
		mutate: func(o *model.Org) { o.RiskTaskByName["RT-1"].RiskScenario = "R-7" },
		want:   []string{`objects/rt-1.yaml#riskScenario: error unknown-risk-scenario: risk scenario "R-7" is not a RiskScenario; did you mean "R-1"?`},
	},
	{
		name:   "unknown org role",
		mutate: func(o *model.Org) { person(o, "carol").Role = "colaborator" },
		want:   []string{`people/carol.yaml#role: error unknown-role: role "colaborator" is neither a built-in nor a custom role; did you mean "collaborator"?`},
	},
	{
		name:   "trust role given as org role",
		mutate: func(o *model.Org) { person(o, "erin").Role = model.TrustAdmin },
		want:   []string{`people/erin.yaml#role: error unknown-role: role "trust-admin" is a trust role; set it as trustRole and choose an org-level role: employee, collaborator, editor, view-only-admin or admin`},
	},
	{
		name:   "org role given as trust role",
		mutate: func(o *model.Org) { person(o, "erin").TrustRole = model.RoleAdmin },
		want:   []string{`people/erin.yaml#trustRole: error unknown-role: trustRole "admin" is not a trust role; use trust-collaborator or trust-admin`},
	},
	{
		name:   "custom role inherits an unknown role",
		mutate: func(o *model.Org) { o.RoleByName["risk-manager"].Inherits = "colaborator" },
		want:   []string{`roles/risk-manager.yaml#inherits: error unknown-role: inherits "colaborator" is not a built-in role; did you mean "collaborator"?`},
	},
	{
		name: "custom role inherits a custom role",
		mutate: func(o *model.Org) {
			addDoc(o, "roles/auditor.yaml", &model.Role{Kind: model.KindRole, Name: "auditor", Inherits: "risk-manager"})
		},
		want: []string{`roles/auditor.yaml#inherits: error unknown-role: inherits "risk-manager" is not a built-in role; use employee, collaborator, editor, view-only-admin or admin`},
	},
	{
		name:   "custom role inherits nothing",
		mutate: func(o *model.Org) { o.RoleByName["risk-manager"].Inherits = "" },
		want:   []string{`roles/risk-manager.yaml#inherits: error unknown-role: role risk-manager inherits no role; set inherits to employee, collaborator, editor, view-only-admin or admin`},
	},
	{
		name:   "unknown manager",
		mutate: func(o *model.Org) { person(o, "carol").Manager = "bobb" },
		want:   []string{`people/carol.yaml#manager: error unknown-person: manager "bobb" is not a person; did you mean "bob"?`},
	},
	{
		name:   "owner must be a person",
		mutate: func(o *model.Org) { o.ControlByName["C-1"].Owner = "team:platform" },
		want:   []string{`objects/controls.yaml#owner: error unknown-person: owner "team:platform" must name a person; owners cannot be teams`},
	},
	{
		name: "report viewers and review systems and reviewers",
		mutate: func(o *model.Org) {
			o.ReportByName["soc2"].Viewers[1] = "bobby"
			rs := &o.AccessReviewByName["q3"].Systems[1]
			rs.System = "prod_db"
			rs.Reviewers[0] = "dna"
		},
		want: []string{
			`objects/q3.yaml#systems[1].system: error unknown-system: system "prod_db" is not a system; did you mean "prod-db"?`,
			`objects/q3.yaml#systems[1].reviewers[0]: error unknown-person: reviewer "dna" is not a person; add a Person named dna or fix the name`,
			`objects/soc2.yaml#viewers[1]: error unknown-person: viewer "bobby" is not a person; did you mean "bob"?`,
		},
	},
	{
		name:   "policy owner names no team",
		mutate: func(o *model.Org) { o.Config.PolicyOwners[1] = "team:secrity" },
		want:   []string{`gatehouse.yaml#policyOwners[1]: error unknown-team: policy owner "team:secrity" names no team; did you mean "security"?`},
	},
	{
		name:   "team member names no person",
		mutate: func(o *model.Org) { t := team(o, "platform"); t.Members = append(t.Members, "zed") },
		want:   []string{`teams/platform.yaml#members[2]: error unknown-person: member "zed" is not a person; add a Person named zed or fix the name`},
	},
	{
		name:   "teams cannot be team members",
		mutate: func(o *model.Org) { t := team(o, "platform"); t.Members = append(t.Members, "team:security") },
		want:   []string{`teams/platform.yaml#members[2]: error unknown-person: member "team:security" must name a person; team members cannot be teams`},
	},
}

func TestReferences(t *testing.T) { runCases(t, referenceCases) }

var parentCases = []testCase{
	{
		name: "test mapped to a test",
		mutate: func(o *model.Org) {
			addDoc(o, "objects/t-2.yaml", &model.Test{Kind: model.KindTest, Name: "T-2", Owner: "bob", Controls: []string{"T-1"}})
		},
		want: []string{`objects/t-2.yaml#controls[0]: error wrong-parent-kind: T-1 is a Test, not a Control; controls must name controls`},
	},
	{
		name:   "document mapped to a risk scenario",
		mutate: func(o *model.Org) { o.DocumentByName["D-1"].Controls[1] = "R-1" },
		want:   []string{`objects/d-1.yaml#controls[1]: error wrong-parent-kind: R-1 is a RiskScenario, not a Control; controls must name controls`},
	},
	{
		name:   "risk task under a control",
		mutate: func(o *model.Org) { o.RiskTaskByName["RT-1"].RiskScenario = "C-1" },
		want:   []string{`objects/rt-1.yaml#riskScenario: error wrong-parent-kind: C-1 is a Control, not a RiskScenario; name the risk scenario this task treats`},
	},
}

func TestParentKinds(t *testing.T) { runCases(t, parentCases) }

var roleCases = []testCase{
	{
		name:   "employee approver",
		mutate: func(o *model.Org) { system(o, "github").Approvers[0] = "carol" },
		want:   []string{`systems/github.yaml#approvers[0]: error role-too-low: approver "carol" has role employee; approvers need collaborator or above: give carol the collaborator role or choose another approver`},
	},
	{
		name:   "employee in an approving team",
		mutate: func(o *model.Org) { t := team(o, "platform"); t.Members = append(t.Members, "carol") },
		want: []string{
			`systems/github.yaml#approvers[1]: error role-too-low: approver "team:platform" includes carol, who has role employee; approvers need collaborator or above: give carol the collaborator role or remove them from team platform`,
			`teams/platform.yaml#members[2]: error role-too-low: member "carol" has role employee; team members need collaborator or above: give carol the collaborator role or remove them from the team`,
		},
	},
	{
		name:   "custom role counts as the role it inherits",
		mutate: func(o *model.Org) { o.RoleByName["risk-manager"].Inherits = model.RoleEmployee },
		want: []string{
			`objects/controls2.yaml#owner: error role-too-low: owner "erin" has role risk-manager (inherits employee); owners need collaborator or above: give erin the collaborator role or choose another owner`,
			`objects/q3.yaml#systems[1].reviewers[1]: error role-too-low: reviewer "erin" has role risk-manager (inherits employee); reviewers need collaborator or above: give erin the collaborator role or choose another reviewer`,
			`objects/r-1.yaml#owner: error role-too-low: owner "erin" has role risk-manager (inherits employee); owners need collaborator or above: give erin the collaborator role or choose another owner`,
			`objects/rt-1.yaml#owner: error role-too-low: owner "erin" has role risk-manager (inherits employee); owners need collaborator or above: give erin the collaborator role or choose another owner`,
		},
	},
	{
		name: "employee admin, team admin, viewer and policy owner",
		mutate: func(o *model.Org) {
			s := system(o, "wiki")
			s.Admins = append(s.Admins, "carol")
			t := team(o, "platform")
			t.Admins = append(t.Admins, "carol")
			r := o.ReportByName["soc2"]
			r.Viewers = append(r.Viewers, "carol")
			o.Config.PolicyOwners = append(o.Config.PolicyOwners, "carol")
		},
		want: []string{
			`gatehouse.yaml#policyOwners[2]: error role-too-low: policy owner "carol" has role employee; policy owners need collaborator or above: give carol the collaborator role or choose another policy owner`,
			`objects/soc2.yaml#viewers[2]: error role-too-low: viewer "carol" has role employee; viewers need collaborator or above: give carol the collaborator role or remove them`,
			// A team's admins act for its team: entries as its members do.
			`systems/github.yaml#approvers[1]: error role-too-low: approver "team:platform" includes carol, who has role employee; approvers need collaborator or above: give carol the collaborator role or remove them from team platform`,
			`systems/wiki.yaml#admins[1]: error role-too-low: admin "carol" has role employee; system admins need collaborator or above: give carol the collaborator role or choose another admin`,
			`teams/platform.yaml#admins[1]: error role-too-low: team admin "carol" has role employee; team admins need collaborator or above: give carol the collaborator role or remove them from the team's admins`,
		},
	},
	{
		name:   "approver without a github login",
		mutate: func(o *model.Org) { person(o, "alice").GitHub = "" },
		want: []string{
			`gatehouse.yaml#policyOwners[0]: warning no-github-login: policy owner "alice" has no github login, so gatehouse cannot count their reviews; set github in their Person file`,
			`systems/github.yaml#approvers[0]: warning no-github-login: approver "alice" has no github login, so gatehouse cannot count their reviews; set github in their Person file`,
		},
	},
}

func TestRoleTooLow(t *testing.T) { runCases(t, roleCases) }

var staffingCases = []testCase{
	{
		name:   "requestable system without approvers or admins",
		mutate: func(o *model.Org) { s := system(o, "wiki"); s.Approvers, s.Admins = nil, nil },
		want: []string{
			`systems/wiki.yaml#admins: error no-admin: wiki is requestable but has no admins; add an admin (collaborator or above) to provision access or set requestable: false`,
			`systems/wiki.yaml#approvers: error no-approver: wiki is requestable but has no approvers; add an approver (collaborator or above) or set requestable: false`,
		},
	},
	{
		name: "no approver can approve",
		mutate: func(o *model.Org) {
			addDoc(o, "teams/interns.yaml", &model.Team{Kind: model.KindTeam, Name: "interns", Members: []string{"carol"}})
			system(o, "prod-db").Approvers = []string{"team:interns"}
		},
		want: []string{
			`systems/prod-db.yaml#approvers: error no-approver: no approver of prod-db can approve (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/prod-db.yaml#approvers[0]: error role-too-low: approver "team:interns" includes carol, who has role employee; approvers need collaborator or above: give carol the collaborator role or remove them from team interns`,
			`teams/interns.yaml#members[0]: error role-too-low: member "carol" has role employee; team members need collaborator or above: give carol the collaborator role or remove them from the team`,
		},
	},
	{
		name:   "admin without a github login cannot provision",
		mutate: func(o *model.Org) { person(o, "dan").GitHub = "" },
		want: []string{
			`systems/prod-db.yaml#admins: error no-admin: no admin of prod-db can provision (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/prod-db.yaml#admins[0]: warning no-github-login: admin "dan" has no github login, so gatehouse cannot count their reviews; set github in their Person file`,
			`systems/wiki.yaml#admins: error no-admin: no admin of wiki can provision (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/wiki.yaml#admins[0]: warning no-github-login: admin "dan" has no github login, so gatehouse cannot count their reviews; set github in their Person file`,
			`systems/wiki.yaml#approvers: error no-approver: no approver of wiki can approve (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/wiki.yaml#approvers[0]: warning no-github-login: approver "dan" has no github login, so gatehouse cannot count their reviews; set github in their Person file`,
		},
	},
	{
		name:   "system that is not requestable needs neither",
		mutate: func(o *model.Org) { system(o, "legacy").Admins = []string{"bob"} },
	},
	{
		name: "duplicate level",
		mutate: func(o *model.Org) {
			s := system(o, "github")
			s.AccessLevels = append(s.AccessLevels, model.AccessLevel{Name: "member", Entitlement: "member"})
		},
		want: []string{`systems/github.yaml#accessLevels[2].name: error duplicate-level: access level "member" is already declared as accessLevels[0]; rename or remove one`},
	},
	{
		name: "duplicate level among many",
		mutate: func(o *model.Org) {
			s := system(o, "github")
			for i := range 18 {
				name := fmt.Sprintf("extra-%d", i)
				s.AccessLevels = append(s.AccessLevels, model.AccessLevel{Name: name, Entitlement: name})
			}
			s.AccessLevels = append(s.AccessLevels, model.AccessLevel{Name: "admin", Entitlement: "admin"})
		},
		want: []string{`systems/github.yaml#accessLevels[20].name: error duplicate-level: access level "admin" is already declared as accessLevels[1]; rename or remove one`},
	},
	{
		name:   "integrated level without entitlement",
		mutate: func(o *model.Org) { system(o, "github").AccessLevels[1].Entitlement = "" },
		want:   []string{`systems/github.yaml#accessLevels[1].entitlement: warning missing-entitlement: access level "admin" of github has no entitlement, so integration github-org cannot map it; set entitlement to the role the integration reports`},
	},
	{
		name: "manual system needs no entitlement",
		mutate: func(o *model.Org) {
			system(o, "wiki").AccessLevels = []model.AccessLevel{{Name: "editor"}}
			request(o, "access/wiki/erin.yaml").Level = "editor"
		},
	},
}

func TestSystemStaffing(t *testing.T) { runCases(t, staffingCases) }

var offboardedCases = []testCase{
	{
		name:   "offboarded approver and admin, directly and through a team",
		mutate: func(o *model.Org) { person(o, "dan").Status = model.StatusOffboarded },
		want: []string{
			`access/prod-db/dan.yaml#person: warning offboarded-requester: dan is offboarded; gatehouse revokes this grant; remove the file`,
			`objects/q3.yaml#systems[1].reviewers[0]: warning offboarded-reviewer: reviewer "dan" is offboarded; assign an active collaborator`,
			`objects/t-1.yaml#owner: warning offboarded-owner: owner "dan" is offboarded; assign an active collaborator`,
			`people/dan.yaml#status: error offboarded-admin: dan is offboarded but is still an admin of prod-db, wiki; reassign them`,
			`people/dan.yaml#status: error offboarded-approver: dan is offboarded but still approves github, wiki; reassign them and remove them from team platform`,
			`people/dan.yaml#status: warning offboarded-owner: dan is offboarded but still owns Test/T-1; reassign them`,
			`people/dan.yaml#status: warning offboarded-reviewer: dan is offboarded but still reviews prod-db in AccessReview/q3; reassign them`,
			`people/erin.yaml#manager: warning offboarded-manager: manager "dan" is offboarded; set erin's manager to an active person`,
			`systems/github.yaml#approvers[1]: error offboarded-approver: approver "team:platform" includes dan, who is offboarded; remove dan from team platform`,
			`systems/prod-db.yaml#admins: error no-admin: no admin of prod-db can provision (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/prod-db.yaml#admins[0]: error offboarded-admin: admin "dan" is offboarded; reassign provisioning to an active collaborator`,
			`systems/wiki.yaml#admins: error no-admin: no admin of wiki can provision (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/wiki.yaml#admins[0]: error offboarded-admin: admin "dan" is offboarded; reassign provisioning to an active collaborator`,
			`systems/wiki.yaml#approvers: error no-approver: no approver of wiki can approve (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above`,
			`systems/wiki.yaml#approvers[0]: error offboarded-approver: approver "dan" is offboarded; reassign their approvals to an active collaborator`,
			`teams/platform.yaml#members[1]: warning offboarded-member: member "dan" is offboarded; remove them from the team`,
		},
	},
	{
		name:   "offboarded policy owner and viewer",
		mutate: func(o *model.Org) { person(o, "frank").Status = model.StatusOffboarded },
		want: []string{
			`gatehouse.yaml#policyOwners[1]: error offboarded-policy-owner: policy owner "team:security" includes frank, who is offboarded; remove frank from team security`,
			`objects/soc2.yaml#viewers[0]: warning offboarded-viewer: viewer "frank" is offboarded; remove them`,
			`people/frank.yaml#status: error offboarded-approver: frank is offboarded but still approves prod-db; reassign them and remove them from team security`,
			`people/frank.yaml#status: error offboarded-policy-owner: frank is offboarded but is still a policy owner in gatehouse.yaml; reassign them and remove them from team security`,
			`people/frank.yaml#status: warning offboarded-viewer: frank is offboarded but still views Report/soc2; reassign them`,
			`systems/prod-db.yaml#approvers[0]: error offboarded-approver: approver "team:security" includes frank, who is offboarded; remove frank from team security`,
			`teams/security.yaml#members[1]: warning offboarded-member: member "frank" is offboarded; remove them from the team`,
		},
	},
	{
		name: "offboarded team admin",
		mutate: func(o *model.Org) {
			addDoc(o, "people/gus.yaml", &model.Person{Kind: model.KindPerson, Name: "gus", Role: model.RoleCollaborator, Status: model.StatusOffboarded})
			t := team(o, "platform")
			t.Admins = append(t.Admins, "gus")
		},
		want: []string{
			`people/gus.yaml#status: error offboarded-approver: gus is offboarded but still approves github; reassign them and remove them from team platform`,
			`systems/github.yaml#approvers[1]: error offboarded-approver: approver "team:platform" includes gus, who is offboarded; remove gus from team platform`,
			`teams/platform.yaml#admins[1]: warning offboarded-member: team admin "gus" is offboarded; remove them from the team's admins`,
		},
	},
}

func TestOffboarded(t *testing.T) { runCases(t, offboardedCases) }

var requestCases = []testCase{
	{
		name:   "missing justification",
		mutate: func(o *model.Org) { request(o, "access/prod-db/dan.yaml").Justification = "  " },
		want:   []string{`access/prod-db/dan.yaml#justification: error missing-justification: prod-db requires a justification; add justification: why you need this access`},
	},
	{
		name:   "missing level",
		mutate: func(o *model.Org) { request(o, "access/github/carol.yaml").Level = "" },
		want:   []string{`access/github/carol.yaml#level: error missing-level: github has access levels; set level to one of: member, admin`},
	},
	{
		name:   "level on a system without levels",
		mutate: func(o *model.Org) { request(o, "access/wiki/erin.yaml").Level = "editor" },
		want:   []string{`access/wiki/erin.yaml#level: error unexpected-level: wiki has no access levels; remove level "editor"`},
	},
	{
		name:   "freeform permissions where the system has levels instead",
		mutate: func(o *model.Org) { request(o, "access/github/carol.yaml").Permissions = "org owner" },
		want:   []string{`access/github/carol.yaml#permissions: error freeform-not-allowed: github does not take freeform permissions; remove permissions and choose a level: member, admin`},
	},
	{
		name: "freeform permissions on a plain system",
		mutate: func(o *model.Org) {
			addDoc(o, "systems/vpn.yaml", &model.System{Kind: model.KindSystem, Name: "vpn", Approvers: []string{"alice"}, Admins: []string{"bob"}})
			addDoc(o, "access/vpn/bob.yaml", &model.AccessRequest{Kind: model.KindAccessRequest, Person: "bob", System: "vpn", Permissions: "split tunnel"})
		},
		want: []string{`access/vpn/bob.yaml#permissions: error freeform-not-allowed: vpn does not take freeform permissions; remove permissions`},
	},
	{
		name: "system that is not requestable",
		mutate: func(o *model.Org) {
			addDoc(o, "access/legacy/bob.yaml", &model.AccessRequest{Kind: model.KindAccessRequest, Person: "bob", System: "legacy", Level: "x"})
		},
		want: []string{`access/legacy/bob.yaml#system: error not-requestable: legacy is not requestable; remove this request or set requestable: true on the system`},
	},
	{
		name:   "level with maxDuration needs expires",
		mutate: func(o *model.Org) { request(o, "access/github/bob.yaml").Expires = nil },
		want:   []string{`access/github/bob.yaml#expires: error missing-expiry: level admin of github lasts at most 30d; set expires no later than 2026-12-23T09:00:00Z`},
	},
	{
		name: "expires beyond maxDuration",
		mutate: func(o *model.Org) {
			request(o, "access/github/bob.yaml").Expires = at(testNow.Add(31 * 24 * time.Hour))
		},
		want: []string{`access/github/bob.yaml#expires: error expires-too-long: expires 2026-12-24T09:00:00Z is more than 30d from now, the most level admin of github allows; set expires no later than 2026-12-23T09:00:00Z`},
	},
	{
		name: "expires exactly at maxDuration",
		mutate: func(o *model.Org) {
			request(o, "access/github/bob.yaml").Expires = at(testNow.Add(30 * 24 * time.Hour))
		},
	},
	{
		name: "expired request is only a warning",
		mutate: func(o *model.Org) {
			request(o, "access/github/bob.yaml").Expires = at(time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC))
		},
		want: []string{`access/github/bob.yaml#expires: warning expired-request: expired on 2026-01-31; gatehouse revokes its grant; remove the file`},
	},
	{
		name:   "request expiring now has expired",
		mutate: func(o *model.Org) { request(o, "access/github/carol.yaml").Expires = at(testNow) },
		want:   []string{`access/github/carol.yaml#expires: warning expired-request: expired on 2026-11-23; gatehouse revokes its grant; remove the file`},
	},
}

func TestRequests(t *testing.T) { runCases(t, requestCases) }

var uniquenessCases = []testCase{
	{
		name:   "github logins compare case-insensitively",
		mutate: func(o *model.Org) { person(o, "bob").GitHub = "Alice-GH" },
		want:   []string{`people/bob.yaml#github: error duplicate-github: github login "Alice-GH" is also alice's (people/alice.yaml); each person needs their own github login`},
	},
	{
		name:   "emails compare case-insensitively",
		mutate: func(o *model.Org) { person(o, "carol").Email = "DAN@acme.test" },
		want:   []string{`people/dan.yaml#email: error duplicate-email: email "dan@acme.test" is also carol's (people/carol.yaml); each person needs their own email`},
	},
	{
		name:   "slack ids",
		mutate: func(o *model.Org) { person(o, "frank").Slack = "u01" },
		want:   []string{`people/frank.yaml#slack: error duplicate-slack: slack id "u01" is also alice's (people/alice.yaml); each person needs their own slack id`},
	},
	{
		name: "custom role shadows a built-in role",
		mutate: func(o *model.Org) {
			addDoc(o, "roles/admin.yaml", &model.Role{Kind: model.KindRole, Name: model.RoleAdmin, Inherits: model.RoleAdmin})
		},
		want: []string{`roles/admin.yaml#name: error role-shadows-builtin: custom role "admin" has the name of the built-in role admin; rename it`},
	},
	{
		name: "custom role shadows a trust role",
		mutate: func(o *model.Org) {
			addDoc(o, "roles/trust-admin.yaml", &model.Role{Kind: model.KindRole, Name: model.TrustAdmin, Inherits: model.RoleCollaborator})
		},
		want: []string{`roles/trust-admin.yaml#name: error role-shadows-builtin: custom role "trust-admin" has the name of the trust role trust-admin; rename it`},
	},
	{
		name: "custom role grants what no custom role may hold",
		mutate: func(o *model.Org) {
			addDoc(o, "roles/gatekeeper.yaml", &model.Role{Kind: model.KindRole, Name: "gatekeeper", Inherits: model.RoleCollaborator,
				Permissions: []string{"view", "approve-request", "fly"}})
		},
		want: []string{
			`roles/gatekeeper.yaml#permissions[1]: error role-permission: role gatekeeper: permission "approve-request" cannot be granted by a role: approve-request comes only from the admin role or from a System's approvers and admins`,
			`roles/gatekeeper.yaml#permissions[2]: error role-permission: role gatekeeper: permission "fly" is not an action gatehouse knows; did you mean edit? (write action, Kind:action or Kind:*)`,
		},
	},
}

func TestUniqueness(t *testing.T) { runCases(t, uniquenessCases) }

var configCases = []testCase{
	{
		name:   "no Config",
		mutate: func(o *model.Org) { o.Config = nil },
		want: []string{
			`gatehouse.yaml: warning missing-config: the repo has no Config, so only org admins can approve policy changes; add gatehouse.yaml with kind: Config and policyOwners`,
			`systems/github.yaml#integration: error unknown-integration: integration "github-org" is not declared because the repo has no Config; add it to gatehouse.yaml or remove the field to provision by hand`,
			`systems/prod-db.yaml#integration: error unknown-integration: integration "pg-prod" is not declared because the repo has no Config; add it to gatehouse.yaml or remove the field to provision by hand`,
		},
	},
	{
		name: "duplicate integration name",
		mutate: func(o *model.Org) {
			o.Config.Integrations = append(o.Config.Integrations, model.Integration{Name: "pg-prod", Type: model.IntegrationPostgres, Postgres: &model.PostgresIntegration{Host: "db2"}})
		},
		want: []string{`gatehouse.yaml#integrations[2].name: error duplicate-integration: integration name "pg-prod" is already used by integrations[1]; rename one`},
	},
	{
		name:   "settings block of another type",
		mutate: func(o *model.Org) { o.Config.Integrations[1].Type = model.IntegrationSlack },
		want: []string{
			`gatehouse.yaml#integrations[1]: error integration-settings: integration "pg-prod" has type slack but no slack settings; add a slack: block`,
			`gatehouse.yaml#integrations[1].postgres: error integration-settings: integration "pg-prod" has type slack but postgres settings; remove the postgres: block or change the type`,
		},
	},
	{
		name: "unknown integration type",
		mutate: func(o *model.Org) {
			o.Config.Integrations = append(o.Config.Integrations, model.Integration{Name: "ldap", Type: "ldap"})
		},
		want: []string{`gatehouse.yaml#integrations[2].type: error integration-settings: integration "ldap" has unknown type "ldap"; use github, postgres, slack or scim`},
	},
	{
		name:   "no policy owner",
		mutate: func(o *model.Org) { o.Config.PolicyOwners = nil },
		want:   []string{`gatehouse.yaml#policyOwners: warning no-policy-owner: no policy owner can approve changes to policies/ or gatehouse.yaml, so only org admins can; add an active collaborator or above with a github login to policyOwners`},
	},
}

func TestConfig(t *testing.T) { runCases(t, configCases) }

var managerCases = []testCase{
	{
		name:   "own manager",
		mutate: func(o *model.Org) { person(o, "carol").Manager = "carol" },
		want:   []string{`people/carol.yaml#manager: warning manager-cycle: carol is their own manager; set manager to someone else or remove it`},
	},
	{
		name:   "cycle reported once, from the first name",
		mutate: func(o *model.Org) { person(o, "alice").Manager = "erin" },
		want:   []string{`people/alice.yaml#manager: warning manager-cycle: managers form a cycle: alice → erin → dan → alice; change one of these managers`},
	},
	{
		name: "offboarded person under an offboarded manager",
		mutate: func(o *model.Org) {
			addDoc(o, "people/gus.yaml", &model.Person{Kind: model.KindPerson, Name: "gus", Manager: "hal", Status: model.StatusOffboarded})
			addDoc(o, "people/hal.yaml", &model.Person{Kind: model.KindPerson, Name: "hal", Status: model.StatusOffboarded})
		},
	},
}

func TestManagers(t *testing.T) { runCases(t, managerCases) }

func policy(path, src string) func(o *model.Org) {
	return func(o *model.Org) {
		for i := range o.Policies {
			if o.Policies[i].Path == path {
				o.Policies[i].Data = []byte(src)
				return
			}
		}
		o.Policies = append(o.Policies, model.PolicyFile{Path: path, Data: []byte(src)})
	}
}

var policyCases = []testCase{
	{
		name:   "rego v0 rule body without if",
		mutate: policy("policies/access.rego", "package gatehouse.org.access\n\nallow {\n\ttrue\n}\n"),
		want:   []string{"policies/access.rego:3:1: error rego-syntax: `if` keyword is required before rule body; fix the Rego (it must parse as Rego v1, as opa check --v1-compatible does)"},
	},
	{
		name:   "syntax error in a test file",
		mutate: policy("policies/access_test.rego", "package gatehouse.org.access_test\n\ntest_x if {\n\tinput.x ==\n}\n"),
		want:   []string{"policies/access_test.rego:5:1: error rego-syntax: unexpected } token; fix the Rego (it must parse as Rego v1, as opa check --v1-compatible does)"},
	},
	{
		name:   "package outside gatehouse.org",
		mutate: policy("policies/access.rego", "package gatehouse.lib.access\n\ndeny contains \"x\" if false\n"),
		want:   []string{"policies/access.rego:1:1: error rego-package: package gatehouse.lib.access is outside gatehouse.org; org policies must use a package under gatehouse.org., e.g. package gatehouse.org.access"},
	},
	{
		name:   "empty file",
		mutate: policy("policies/empty.rego", "# nothing yet\n"),
		want:   []string{"policies/empty.rego: error rego-syntax: the file holds no Rego module; start it with a package declaration such as package gatehouse.org.access"},
	},
}

func TestPolicies(t *testing.T) { runCases(t, policyCases) }

// TestEveryRuleIsExercised checks that each rule in the catalogue is
// reported by at least one case above, and that no case reports a rule
// the catalogue lacks.
func TestEveryRuleIsExercised(t *testing.T) {
	seen := map[string]bool{}
	for _, cases := range [][]testCase{referenceCases, parentCases, roleCases, staffingCases, offboardedCases,
		requestCases, uniquenessCases, configCases, managerCases, policyCases} {
		for _, tc := range cases {
			o := baseOrg()
			tc.mutate(o)
			for _, f := range Org(o, Options{Now: testNow}) {
				seen[f.Rule] = true
			}
		}
	}
	for _, r := range Rules() {
		if !seen[r.ID] {
			t.Errorf("rule %s is never reported by a test case", r.ID)
		}
		delete(seen, r.ID)
	}
	for id := range seen {
		t.Errorf("rule %s is reported but missing from Rules()", id)
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"alice", "bob", "prod-db", "C-1", "C-2"}
	tests := []struct{ in, want string }{
		{"alcie", "alice"},
		{"ALICE", "alice"},
		{"bob", ""},
		{"bbo", ""},
		{"bobb", "bob"},
		{"prod_db", "prod-db"},
		{"C-9", "C-1"},
		{"zed", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := closest(tt.in, slices.Values(cands)); got != tt.want {
				t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestList(t *testing.T) {
	var items []string
	for i := range 12 {
		items = append(items, string(rune('a'+i)))
	}
	if got, want := list(items[:3]), "a, b, c"; got != want {
		t.Errorf("list = %q, want %q", got, want)
	}
	if got, want := list(items), "a, b, c, d, e, f, g, h, i, j and 2 more"; got != want {
		t.Errorf("list = %q, want %q", got, want)
	}
}

// TestSuggestionBudget checks that a repo full of distinct typos stops
// looking for suggestions after the budget, keeping validation linear.
func TestSuggestionBudget(t *testing.T) {
	o := baseOrg()
	b := builder{o}
	for i := range 300 {
		name := "alic" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		b.add("access/x/"+name+".yaml", &model.AccessRequest{Kind: model.KindAccessRequest, Person: name, System: "wiki"})
	}
	suggested := 0
	for _, f := range Org(o, Options{Now: testNow}) {
		if f.Rule == ruleUnknownPerson && strings.Contains(f.Message, "did you mean") {
			suggested++
		}
	}
	if suggested != 200 {
		t.Errorf("%d unknown people got a suggestion, want the budget of 200", suggested)
	}
}
