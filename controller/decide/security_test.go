package decide

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

const samMember = "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n"

// withPolicy returns orgFiles with one more policy file.
func withPolicy(path, src string) map[string]string {
	files := maps.Clone(orgFiles)
	files[path] = src
	return files
}

func TestS1HeadCannotChooseItsApprovers(t *testing.T) {
	// sam makes bob an approver of github in the same pull request that
	// requests github for sam; bob approves. On the base only carol
	// approves github, so the request still waits for her.
	p := decideEdits(t, map[string]string{
		"systems/github.yaml":           strings.Replace(orgFiles["systems/github.yaml"], "approvers: [carol]", "approvers: [carol, bob]", 1),
		"access/github/sam-member.yaml": samMember,
	}, Options{Author: "sam", ApprovedBy: []string{"bob"}})
	if p.Approved {
		t.Fatalf("approved with the head's approver list:\n%s", render(t, p))
	}
	reqs := requirements(p, "access/github/sam-member.yaml", "approve-request")
	if len(reqs) != 1 || !slices.Equal(reqs[0].Eligible, []string{"carol"}) || reqs[0].Satisfied {
		t.Errorf("approve-request = %+v, want eligible [carol] and not satisfied", reqs)
	}
}

func TestS1PoliciesComeFromTheBase(t *testing.T) {
	// The pull request rewrites the organisation's policy to waive every
	// request and requests access in the same breath; the policy owner
	// approves. The waiver exists only at the head, so it does not apply.
	waiveAll := acmePolicy + `
waivers contains {"change": c.id, "rule": "approve-request", "reason": "all requests are fine"} if {
	some c in input.changes
	c.kind == "AccessRequest"
}
`
	p := decideEdits(t, map[string]string{
		"policies/acme.rego":            waiveAll,
		"access/github/sam-member.yaml": samMember,
	}, Options{Author: "sam", ApprovedBy: []string{"priya"}})
	if p.Approved || len(p.Waived) != 0 {
		t.Fatalf("the head's policy applied:\n%s", render(t, p))
	}
	if reqs := requirements(p, "access/github/sam-member.yaml", "approve-request"); len(reqs) != 1 || reqs[0].Satisfied {
		t.Errorf("approve-request = %+v, want one, unsatisfied", reqs)
	}
	if len(p.Impact) == 0 {
		t.Error("the impact preview does not show that the new policy would waive live requests")
	}
}

func TestS2SelfApprovalNeverCounts(t *testing.T) {
	carolMember := "kind: AccessRequest\nperson: carol\nsystem: github\nlevel: member\n"
	cases := []struct {
		name  string
		edits map[string]string
		opts  Options
	}{
		// carol is github's only approver: she may not approve her own
		// pull request, a pull request she pushed to, or access for
		// herself.
		{"author", map[string]string{"access/github/sam-member.yaml": samMember},
			Options{Author: "carol", ApprovedBy: []string{"carol"}}},
		{"author by GitHub login", map[string]string{"access/github/sam-member.yaml": samMember},
			Options{Author: "Carol", ApprovedBy: []string{"carol"}}},
		{"last pusher", map[string]string{"access/github/sam-member.yaml": samMember},
			Options{Author: "sam", LastPusher: "carol", ApprovedBy: []string{"carol"}}},
		{"the request's person", map[string]string{"access/github/carol-member.yaml": carolMember},
			Options{Author: "sam", ApprovedBy: []string{"carol"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := decideEdits(t, tc.edits, tc.opts)
			if p.Approved {
				t.Fatalf("self-approval counted:\n%s", render(t, p))
			}
			for _, r := range p.Requirements {
				if slices.Contains(r.Eligible, "carol") || slices.Contains(r.SatisfiedBy, "carol") {
					t.Errorf("carol is eligible for %s on %s", r.Rule, r.Change)
				}
			}
		})
	}
}

func TestS4OnlyActiveMappedCollaboratorsCount(t *testing.T) {
	// An organisation policy names anyone it likes; only people on the
	// base who are active and collaborator or above can satisfy it.
	base := withPolicy("policies/extra.rego", `package gatehouse.org.extra

requirements contains {"change": c.id, "rule": "anyone-listed", "count": 1, "eligible": ["dave", "erin", "zed"]} if {
	some c in input.changes
}
`)
	for _, approver := range []string{"dave", "erin", "zed", "nobody-on-github"} {
		t.Run(approver, func(t *testing.T) {
			p, err := tryDecide(t, base, map[string]string{"access/github/sam-member.yaml": samMember},
				Options{Author: "sam", ApprovedBy: []string{"carol", approver}})
			if err != nil {
				t.Fatal(err)
			}
			r := requirements(p, "access/github/sam-member.yaml", "anyone-listed")
			if len(r) != 1 || len(r[0].Eligible) != 0 || r[0].Satisfied || p.Approved {
				t.Fatalf("%s counted, or an ineligible person was listed:\n%s", approver, render(t, p))
			}
			if a := p.Approvals[1]; a.Ignored == "" {
				t.Errorf("approval by %s not reported as ignored: %+v", approver, a)
			}
		})
	}
}

func TestS5EvaluationErrorsFailClosed(t *testing.T) {
	cases := []struct {
		name, policy string
		wantErr      bool // no decision at all; otherwise a policy-error violation
	}{
		{"runtime error", `package gatehouse.org.broken

violations contains {"change": c.id, "rule": "r", "message": sprintf("%d", [1 / 0])} if some c in input.changes
`, true},
		{"conflicting values", `package gatehouse.org.broken

limit := 1 if input.changes
limit := 2 if input.changes

violations contains {"change": c.id, "rule": "r", "message": "too many"} if {
	some c in input.changes
	limit > 5
}
`, true},
		{"unknown object asked of the engine", `package gatehouse.org.broken

requirements contains {"change": c.id, "rule": "r", "count": 1, "eligible": gatehouse.who_can("approve-request", "System/nope")} if some c in input.changes
`, true},
		{"requirement without a count", `package gatehouse.org.broken

requirements contains {"change": c.id, "rule": "r", "eligible": ["carol"]} if some c in input.changes
`, false},
		{"requirement with eligible as a string", `package gatehouse.org.broken

requirements contains {"change": c.id, "rule": "r", "count": 1, "eligible": "carol"} if some c in input.changes
`, false},
		{"violation without a message", `package gatehouse.org.broken

violations contains {"change": c.id, "rule": "r"} if some c in input.changes
`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tryDecide(t, withPolicy("policies/broken.rego", tc.policy),
				map[string]string{"access/github/sam-member.yaml": samMember},
				Options{Author: "sam", ApprovedBy: []string{"carol"}})
			if tc.wantErr {
				if err == nil {
					t.Fatalf("a failing policy produced a decision:\n%s", render(t, p))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Approved || !hasViolation(p, RulePolicyError) {
				t.Fatalf("a policy breaking the contract did not block the pull request:\n%s", render(t, p))
			}
		})
	}
}

func TestS7PolicyChangesNeedAPolicyOwner(t *testing.T) {
	// The organisation's base policy tries to waive the policy-owner
	// rule; gatehouse ignores it and says so.
	base := withPolicy("policies/waive.rego", `package gatehouse.org.waive

waivers contains {"change": c.id, "rule": rule, "reason": "we trust admins"} if {
	some c in input.changes
	some rule in ["policy-owner", "configure"]
}
`)
	cases := []struct {
		name     string
		edits    map[string]string
		approver string
		approved bool
	}{
		{"policy file approved by an admin", map[string]string{"policies/new.rego": "package gatehouse.org.new\n"}, "alice", false},
		{"policy file approved by the policy owner", map[string]string{"policies/new.rego": "package gatehouse.org.new\n"}, "priya", true},
		{"policy removed, approved by an admin", map[string]string{"policies/acme.rego": ""}, "alice", false},
		{"gatehouse.yaml approved by an admin", map[string]string{"gatehouse.yaml": strings.Replace(orgFiles["gatehouse.yaml"], "[priya]", "[priya, alice]", 1)}, "alice", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tryDecide(t, base, tc.edits, Options{Author: "sam", ApprovedBy: []string{tc.approver}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Approved != tc.approved {
				t.Fatalf("approved = %v, want %v:\n%s", p.Approved, tc.approved, render(t, p))
			}
			if len(p.Waived) != 0 {
				t.Errorf("a waiver applied to a policy or Config change: %+v", p.Waived)
			}
			found := false
			for _, r := range p.Requirements {
				found = found || r.Rule == RulePolicyOwner
			}
			if !found {
				t.Errorf("no policy-owner requirement:\n%s", render(t, p))
			}
		})
	}
}

func TestImpactPreviewListsRequestsDecidedDifferently(t *testing.T) {
	stricter := acmePolicy + `
requirements contains {"change": c.id, "rule": "security-for-all", "count": 1, "eligible": data.gatehouse.base.teams.security.members} if {
	some c in input.changes
	c.kind == "AccessRequest"
	c.after.system == "github"
}
`
	p := decideEdits(t, map[string]string{"policies/acme.rego": stricter}, Options{Author: "sam", ApprovedBy: []string{"priya"}})
	if len(p.Impact) != 1 || p.Impact[0].Request != "access/github/bob-member.yaml" {
		t.Fatalf("impact = %+v, want bob's github membership only", p.Impact)
	}
	if !strings.Contains(p.Impact[0].After, "security-for-all") || strings.Contains(p.Impact[0].Before, "security-for-all") {
		t.Errorf("impact does not say what changes: %+v", p.Impact[0])
	}
	checkPlanGolden(t, "impact preview", p)
}

func TestPolicyThatDoesNotCompileIsAViolation(t *testing.T) {
	p := decideEdits(t, map[string]string{"policies/acme.rego": "package gatehouse.org.acme\n\nallow if {\n"},
		Options{Author: "sam", ApprovedBy: []string{"priya"}})
	if p.Approved || !hasViolation(p, RulePolicyError) {
		t.Fatalf("a policy that does not compile was not a violation:\n%s", render(t, p))
	}
}

func TestS7PoliciesOutsideGatehouseOrgAreRefused(t *testing.T) {
	// A file in gatehouse's own library package would merge into the
	// built-in rules, where its requirements would pass for built-in ones.
	intruder := "package gatehouse.lib.decision\n\nrequirements contains {\"change\": \"x\", \"rule\": \"r\", \"count\": 1, \"eligible\": []} if false\n"
	if _, err := tryDecide(t, withPolicy("policies/intruder.rego", intruder), map[string]string{"access/github/sam-member.yaml": samMember},
		Options{Author: "sam", ApprovedBy: []string{"carol"}}); err == nil || !strings.Contains(err.Error(), "outside gatehouse.org") {
		t.Errorf("a base policy in gatehouse.lib decided: %v", err)
	}
	p := decideEdits(t, map[string]string{"policies/intruder.rego": intruder}, Options{Author: "sam", ApprovedBy: []string{"priya"}})
	if p.Approved || !hasViolation(p, RulePolicyError) {
		t.Errorf("a pull request adding a policy in gatehouse.lib was not refused:\n%s", render(t, p))
	}
}

func TestS4GitHubLoginsNeverPassForAnotherPersonsName(t *testing.T) {
	// mallory's GitHub login is "carol", the name of github's approver,
	// whose own login is "carol-gh". Approvals from GitHub are logins: the
	// login "carol" is mallory, who may not approve github.
	base := maps.Clone(orgFiles)
	base["people/carol.yaml"] = "kind: Person\nname: carol\nrole: collaborator\ngithub: carol-gh\n"
	base["people/mallory.yaml"] = "kind: Person\nname: mallory\nrole: collaborator\ngithub: carol\n"
	p, err := tryDecide(t, base, map[string]string{"access/github/sam-member.yaml": samMember},
		Options{Author: "sam", ApprovedBy: []string{"carol"}, LoginsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Approved {
		t.Fatalf("the login carol counted as the person carol:\n%s", render(t, p))
	}
	p, err = tryDecide(t, base, map[string]string{"access/github/sam-member.yaml": samMember},
		Options{Author: "sam", ApprovedBy: []string{"carol-gh"}, LoginsOnly: true})
	if err != nil || !p.Approved {
		t.Fatalf("carol's own login did not count: %v\n%s", err, render(t, p))
	}
}
