package decide

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testNow is the time every plan test decides at.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// orgFiles is the base commit of the plan tests: a small organisation
// with one policy of its own.
var orgFiles = map[string]string{
	"gatehouse.yaml": `kind: Config
name: acme
policyOwners: [priya]
integrations:
  - name: github
    type: github
    github: {organization: acme}
`,
	"people/alice.yaml":   "kind: Person\nname: alice\nrole: admin\ngithub: alice-gh\n",
	"people/bob.yaml":     "kind: Person\nname: bob\nrole: collaborator\ngithub: bob\n",
	"people/carol.yaml":   "kind: Person\nname: carol\nrole: collaborator\ngithub: carol\n",
	"people/dave.yaml":    "kind: Person\nname: dave\ngithub: dave\n",
	"people/erin.yaml":    "kind: Person\nname: erin\nrole: collaborator\ngithub: erin\nstatus: offboarded\n",
	"people/priya.yaml":   "kind: Person\nname: priya\nrole: collaborator\ngithub: priya\n",
	"people/sam.yaml":     "kind: Person\nname: sam\nrole: collaborator\ngithub: sam\n",
	"teams/security.yaml": "kind: Team\nname: security\nmembers: [sam, priya]\n",
	"systems/github.yaml": `kind: System
name: github
integration: github
approvers: [carol]
admins: [alice]
accessLevels:
  - name: member
    entitlement: member
  - name: admin
    entitlement: admin
`,
	"systems/badge.yaml": `kind: System
name: badge
approvers: [bob]
admins: [bob]
requireJustification: true
accessLevels:
  - name: visitor
  - name: staff
`,
	"objects/controls.yaml":          "kind: Control\nname: C-1\ntitle: Access is reviewed\nowner: carol\n",
	"objects/tests.yaml":             "kind: Test\nname: T-1\ntitle: Reviews happen\nowner: bob\ncontrols: [C-1]\n",
	"access/github/bob-member.yaml":  "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n",
	"access/badge/dave-visitor.yaml": "kind: AccessRequest\nperson: dave\nsystem: badge\nlevel: visitor\njustification: interviews\n",
	"policies/acme.rego":             acmePolicy,
}

const acmePolicy = `package gatehouse.org.acme

# Admin on github also needs the security team.
requirements contains {"change": c.id, "rule": "security-sign-off", "count": 1, "eligible": data.gatehouse.base.teams.security.members} if {
	some c in input.changes
	c.kind == "AccessRequest"
	c.op in {"add", "modify"}
	c.after.system == "github"
	c.after.level == "admin"
}

# No grant beyond 30 days.
violations contains {"change": c.id, "rule": "at-most-30-days", "message": "expires is more than 30 days away"} if {
	some c in input.changes
	c.kind == "AccessRequest"
	c.after.expires
	time.parse_rfc3339_ns(c.after.expires) > time.now_ns() + ((((30 * 24) * 60) * 60) * 1000000000)
}

# Visitors' badges need no approval.
waivers contains {"change": c.id, "rule": "approve-request", "reason": "visitor badges are low risk"} if {
	some c in input.changes
	c.kind == "AccessRequest"
	c.op == "add"
	c.after.system == "badge"
	c.after.level == "visitor"
}
`

// decideEdits commits orgFiles and then orgFiles with edits applied (an
// empty value removes the file) and decides the pull request between them.
func decideEdits(t *testing.T, edits map[string]string, opts Options) *Plan {
	t.Helper()
	p, err := tryDecide(t, orgFiles, edits, opts)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	return p
}

func tryDecide(t *testing.T, base, edits map[string]string, opts Options) (*Plan, error) {
	t.Helper()
	dir := t.TempDir()
	files := gitrepotest.Files{}
	for path, s := range edits {
		if s == "" {
			files[path] = deleted
		} else {
			files[path] = text(s)
		}
	}
	repo, bc, hc := commitPair(t, dir, base, files)
	b, err := NewBase(context.Background(), loadBase(t, dir, bc), nil)
	if err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	return Decide(context.Background(), b, repo, bc, hc, opts)
}

func TestPlan(t *testing.T) {
	cases := []struct {
		name     string
		edits    map[string]string
		opts     Options
		approved bool
	}{
		{"request waits for the system's approver",
			map[string]string{"access/github/sam-member.yaml": "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n"},
			Options{Author: "sam"}, false},
		{"request approved by the system's approver",
			map[string]string{"access/github/sam-member.yaml": "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n"},
			Options{Author: "sam", ApprovedBy: []string{"carol"}}, true},
		{"approval by GitHub login",
			map[string]string{"access/github/sam-member.yaml": "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\n"},
			Options{Author: "sam", ApprovedBy: []string{"@Carol"}}, true},
		{"admin level needs the security team as well",
			map[string]string{"access/github/bob-admin.yaml": "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: admin\n"},
			Options{Author: "bob", ApprovedBy: []string{"carol"}}, false},
		{"admin level with both stages",
			map[string]string{"access/github/bob-admin.yaml": "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: admin\n"},
			Options{Author: "bob", ApprovedBy: []string{"carol", "sam"}}, true},
		{"waived visitor badge needs no approval",
			map[string]string{"access/badge/sam-visitor.yaml": "kind: AccessRequest\nperson: sam\nsystem: badge\nlevel: visitor\njustification: a visit\n"},
			Options{Author: "sam"}, true},
		{"staff badge is not waived",
			map[string]string{"access/badge/sam-staff.yaml": "kind: AccessRequest\nperson: sam\nsystem: badge\nlevel: staff\njustification: new hire\n"},
			Options{Author: "sam"}, false},
		{"missing justification and unknown level are violations",
			map[string]string{"access/badge/sam-x.yaml": "kind: AccessRequest\nperson: sam\nsystem: badge\nlevel: vistor\n"},
			Options{Author: "sam", ApprovedBy: []string{"bob"}}, false},
		{"org policy violation: expiry too far",
			map[string]string{"access/github/sam-member.yaml": "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\nexpires: 2027-06-01T00:00:00Z\n"},
			Options{Author: "sam", ApprovedBy: []string{"carol"}}, false},
		{"expires already past is a violation",
			map[string]string{"access/github/sam-member.yaml": "kind: AccessRequest\nperson: sam\nsystem: github\nlevel: member\nexpires: 2026-11-01T00:00:00Z\n"},
			Options{Author: "sam", ApprovedBy: []string{"carol"}}, false},
		{"removing a request: its person may consent",
			map[string]string{"access/github/bob-member.yaml": ""},
			Options{Author: "alice", ApprovedBy: []string{"bob"}}, true},
		{"level change needs approval",
			map[string]string{"access/github/bob-member.yaml": "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: admin\n"},
			Options{Author: "bob"}, false},
		{"owner change needs reassign-owner",
			map[string]string{"objects/tests.yaml": "kind: Test\nname: T-1\ntitle: Reviews happen\nowner: sam\ncontrols: [C-1]\n"},
			Options{Author: "bob", ApprovedBy: []string{"carol"}}, true},
		{"system change needs configure and a broken reference is a violation",
			map[string]string{"systems/github.yaml": strings.Replace(orgFiles["systems/github.yaml"], "approvers: [carol]", "approvers: [carl]", 1)},
			Options{Author: "carol", ApprovedBy: []string{"alice-gh"}}, false},
		{"removing a person others depend on is a violation",
			map[string]string{"people/carol.yaml": ""},
			Options{Author: "alice"}, false},
		{"a change to policies needs a policy owner",
			map[string]string{"policies/extra.rego": "package gatehouse.org.extra\n"},
			Options{Author: "alice", ApprovedBy: []string{"priya"}}, true},
		{"a new control needs an editor or admin",
			map[string]string{"objects/c2.yaml": "kind: Control\nname: C-2\ntitle: Keys rotate\nowner: carol\n"},
			Options{Author: "carol", ApprovedBy: []string{"alice"}}, true},
		{"comments only: nothing changes",
			map[string]string{"access/github/bob-member.yaml": "# bob's membership\nkind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n"},
			Options{Author: "bob"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := decideEdits(t, tc.edits, tc.opts)
			if p.Approved != tc.approved {
				t.Errorf("approved = %v, want %v\n%s", p.Approved, tc.approved, render(t, p))
			}
			checkPlanGolden(t, tc.name, p)
		})
	}
}

// render is the plan's text form with its commit ids blanked, which
// change with every run.
func render(t *testing.T, p *Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := p.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return strings.Replace(b.String(), short(p.Base)+".."+short(p.Head), "BASE..HEAD", 1)
}

func checkPlanGolden(t *testing.T, name string, p *Plan) {
	t.Helper()
	file := filepath.Join("testdata", "plan", strings.ReplaceAll(name, " ", "_")+".txt")
	got := render(t, p)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("plan differs from %s (go test -update rewrites it):\n--- got\n%s--- want\n%s", file, got, want)
	}
}

// requirement returns the requirements of change with rule.
func requirements(p *Plan, change, rule string) []Requirement {
	var out []Requirement
	for _, r := range p.Requirements {
		if r.Change == change && r.Rule == rule {
			out = append(out, r)
		}
	}
	return out
}

func hasViolation(p *Plan, rule string) bool {
	return slices.ContainsFunc(p.Violations, func(v Violation) bool { return v.Rule == rule })
}
