package report

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func org() *model.Org {
	o := model.NewOrg()
	for _, p := range [][2]string{{"alice", "alice-gh"}, {"carol", "carol-gh"}, {"sam", "sam-gh"}, {"priya", ""}} {
		o.Add(&model.Person{Kind: model.KindPerson, Name: p[0], GitHub: p[1], Role: model.RoleCollaborator})
	}
	return o
}

func plan(approved bool) *decide.Plan {
	p := &decide.Plan{Base: "b1", Head: "h1", Approved: approved,
		Changes: []decide.Change{{ID: "access/github/sam-admin.yaml", Op: "add", Kind: "AccessRequest"}},
		Requirements: []decide.Requirement{
			{Change: "access/github/sam-admin.yaml", Rule: "approve-request", Count: 1, Eligible: []string{"carol", "priya"}, SatisfiedBy: []string{"carol"}, Satisfied: true},
			{Change: "access/github/sam-admin.yaml", Rule: "security-sign-off", Count: 1, Eligible: []string{"alice", "priya"}, SatisfiedBy: []string{}},
		},
		Routes: []decide.Route{{Change: "access/github/sam-admin.yaml", Op: "grant", System: "github", Person: "sam", Integration: "github"}},
	}
	if approved {
		p.Requirements[1].SatisfiedBy, p.Requirements[1].Satisfied = []string{"alice"}, true
	}
	return p
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

func TestCommentMentionsOnceAndStrikesWhatIsMet(t *testing.T) {
	in := Input{Plan: plan(false), Org: org(), PR: 7, Author: "sam-gh", State: StatePendingApproval, Stale: []string{"bob-gh"}}
	body, mentioned := Comment(in)
	golden(t, "pending", body)
	if !slices.Equal(mentioned, []string{"alice-gh"}) {
		t.Errorf("first version mentions %v, want [alice-gh] (priya has no login)", mentioned)
	}
	if !strings.HasPrefix(body, Marker) || !strings.Contains(body, "[Action Required] sam-gh requested access to github") {
		t.Errorf("no marker or seed 000 header:\n%s", body)
	}
	in.Mentioned = mentioned
	again, more := Comment(in)
	if len(more) != 0 || strings.Contains(again, "@alice-gh") || !strings.Contains(again, "alice-gh") {
		t.Errorf("an edit mentioned again (%v):\n%s", more, again)
	}
}

func TestCheckRunFailsClosed(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Input
		want string
	}{
		{"approved", Input{Plan: plan(true), Org: org(), State: StateApproved}, "success"},
		{"waiting", Input{Plan: plan(false), Org: org(), State: StatePendingApproval}, "action_required"},
		{"violations", Input{Plan: &decide.Plan{Violations: []decide.Violation{{Change: "x", Rule: "r", Message: "m"}}}, State: StatePendingApproval}, "failure"},
		{"S5 error", Input{Plan: plan(true), Err: errors.New("the policies do not compile"), State: StatePendingApproval}, "failure"},
		{"denied", Input{Plan: plan(true), State: StateDenied, DenyReason: "no"}, "failure"},
	} {
		if got, _, _ := CheckRun(tc.in, "md"); got != tc.want {
			t.Errorf("%s: conclusion %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCommentOfADenialAndOfAnError(t *testing.T) {
	denied, _ := Comment(Input{Plan: plan(false), Org: org(), PR: 7, Author: "sam-gh", State: StateDenied, DenyReason: "admin on github needs an incident"})
	golden(t, "denied", denied)
	failed, _ := Comment(Input{Plan: nil, Org: org(), PR: 7, Author: "sam-gh", State: StatePendingApproval, Err: errors.New("evaluate the policies: divide by zero")})
	golden(t, "error", failed)
}
