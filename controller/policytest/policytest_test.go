package policytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/policies"
)

// orgYAML is a small organisation: an approver and an employee of one
// system.
const orgYAML = `kind: Config
name: acme
---
kind: Person
name: ada
role: admin
---
kind: Person
name: cora
role: collaborator
---
kind: Person
name: emil
---
kind: System
name: github
approvers: [cora]
admins: [ada]
accessLevels:
  - name: member
`

const policy = `package gatehouse.org.github

requirements contains {"change": change.id, "rule": "admins", "count": 1, "eligible": gatehouse.who_can("provision", "System/github")} if {
	some change in input.changes
	change.after.system == "github"
}

unused if input.never
`

const policyTests = `package gatehouse.org.github_test

import data.gatehouse.org.github

change := {"id": "a.yaml", "after": {"system": "github"}}

test_admins_from_the_repo if {
	some r in github.requirements with input as {"changes": [change]}
	r.eligible == ["ada"]
}

test_can_from_the_repo if {
	gatehouse.can("cora", "approve-request", "System/github")
	not gatehouse.can("emil", "approve-request", "System/github")
}

test_mocked_engine if {
	some r in github.requirements with input as {"changes": [change]} with gatehouse.who_can as ["zed"]
	r.eligible == ["zed"]
}
`

// openOrg writes files (path -> content) as an access repo and loads it.
func openOrg(t *testing.T, files map[string]string) *model.Org {
	t.Helper()
	dir := t.TempDir()
	files["gatehouse.yaml"] = orgYAML
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	org, findings, err := load.Open(context.Background(), dir, "")
	if err != nil || findings.Errors() > 0 {
		t.Fatalf("load the test repo: %v %v", err, findings)
	}
	return org
}

func run(t *testing.T, opts Options) Result {
	t.Helper()
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// outcomes maps each test's file and name to PASS, FAIL or ERROR.
func outcomes(res Result) map[string]string {
	out := map[string]string{}
	for _, r := range res.Tests {
		o := "PASS"
		switch {
		case r.Error != nil:
			o = "ERROR"
		case r.Fail:
			o = "FAIL"
		}
		out[r.Location.File+" "+r.Name] = o
	}
	return out
}

func TestRunOrgTestsWithLibrary(t *testing.T) {
	org := openOrg(t, map[string]string{"policies/github.rego": policy, "policies/github_test.rego": policyTests})
	res := run(t, Options{Org: org})
	if !res.Passed() {
		t.Fatalf("tests failed: %v", outcomes(res))
	}
	if res.OrgFiles != 2 || res.OrgTests != 3 {
		t.Errorf("OrgFiles, OrgTests = %d, %d; want 2, 3", res.OrgFiles, res.OrgTests)
	}
	libFiles, err := policies.Files(true)
	if err != nil {
		t.Fatal(err)
	}
	var lib int
	for i, r := range res.Tests {
		if _, ok := libFiles[r.Location.File]; ok {
			lib++
		}
		if i > 0 && compareResults(res.Tests[i-1], r) > 0 {
			t.Errorf("results out of order: %s before %s", res.Tests[i-1].Name, r.Name)
		}
	}
	if lib == 0 || lib != len(res.Tests)-res.OrgTests {
		t.Errorf("%d library tests of %d, want all but the %d of the repo", lib, len(res.Tests), res.OrgTests)
	}
}

func TestRunReportsFailuresAndErrors(t *testing.T) {
	failing := `package gatehouse.org.bad_test

test_passes if true

test_fails if 1 == 2

test_unknown_object_errors if gatehouse.who_can("provision", "System/gitlab") == []
`
	res := run(t, Options{Org: openOrg(t, map[string]string{"policies/bad_test.rego": failing})})
	if res.Passed() {
		t.Fatal("Passed() with a failing test")
	}
	got := outcomes(res)
	for name, want := range map[string]string{"test_passes": "PASS", "test_fails": "FAIL", "test_unknown_object_errors": "ERROR"} {
		if o := got["policies/bad_test.rego "+name]; o != want {
			t.Errorf("%s: %s, want %s", name, o, want)
		}
	}
}

func TestRunWithoutPolicies(t *testing.T) {
	res := run(t, Options{Org: openOrg(t, map[string]string{})})
	if res.OrgFiles != 0 || res.OrgTests != 0 {
		t.Errorf("OrgFiles, OrgTests = %d, %d; want 0, 0", res.OrgFiles, res.OrgTests)
	}
	if len(res.Tests) == 0 || !res.Passed() {
		t.Errorf("the library's tests should run and pass: %v", outcomes(res))
	}
}

func TestRunFilter(t *testing.T) {
	org := openOrg(t, map[string]string{"policies/github.rego": policy, "policies/github_test.rego": policyTests})
	res := run(t, Options{Org: org, Run: `github_test\.test_(can|mocked)`})
	got := outcomes(res)
	if len(got) != 2 || got["policies/github_test.rego test_can_from_the_repo"] != "PASS" || got["policies/github_test.rego test_mocked_engine"] != "PASS" {
		t.Errorf("--run ran %v", got)
	}
	if _, err := Run(context.Background(), Options{Org: org, Run: "test_("}); err == nil || !strings.Contains(err.Error(), "not a regular expression") {
		t.Errorf("a bad --run: error %v", err)
	}
}

func TestRunCompileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      model.Finding
	}{
		{
			name: "parse error",
			src:  "package gatehouse.org.broken\n\nallow if {\n\tinput.user ==\n}\n",
			want: model.Finding{File: "policies/broken.rego", Line: 5, Column: 1, Rule: "rego_parse_error"},
		},
		{
			name: "Rego v0 syntax",
			src:  "package gatehouse.org.broken\n\nallow { true }\n",
			want: model.Finding{File: "policies/broken.rego", Line: 3, Column: 1, Rule: "rego_parse_error"},
		},
		{
			name: "unknown function",
			src:  "package gatehouse.org.broken\n\nallow if gatehouse.can_maybe(\"ada\")\n",
			want: model.Finding{File: "policies/broken.rego", Line: 3, Column: 10, Rule: "rego_type_error"},
		},
		{
			name: "empty file",
			src:  "# nothing yet\n",
			want: model.Finding{File: "policies/broken.rego", Rule: "rego_parse_error"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), Options{Org: openOrg(t, map[string]string{"policies/broken.rego": tc.src})})
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *CompileError", err)
			}
			f := ce.Findings[0]
			if f.File != tc.want.File || f.Line != tc.want.Line || f.Column != tc.want.Column || f.Rule != tc.want.Rule || f.Severity != model.SeverityError {
				t.Errorf("finding %+v, want %s:%d:%d %s", f, tc.want.File, tc.want.Line, tc.want.Column, tc.want.Rule)
			}
		})
	}
}

func TestRunNeedsAnOrg(t *testing.T) {
	if _, err := Run(context.Background(), Options{}); err == nil {
		t.Error("Run without an Org succeeded")
	}
}

func TestCoverage(t *testing.T) {
	org := openOrg(t, map[string]string{"policies/github.rego": policy, "policies/github_test.rego": policyTests})
	res := run(t, Options{Org: org, Coverage: true})
	c := res.Coverage
	if c == nil {
		t.Fatal("no coverage report")
	}
	if len(c.Files) != 2 || c.Files["policies/github.rego"] == nil || c.Files["policies/github_test.rego"] == nil {
		t.Fatalf("coverage of %d files, want the repo's two", len(c.Files))
	}
	// The rule unused is never evaluated: line 8 of the policy.
	if !c.IsCovered("policies/github.rego", 3) || c.IsCovered("policies/github.rego", 8) {
		t.Errorf("policy lines 3 and 8 covered: %v, %v; want true, false", c.IsCovered("policies/github.rego", 3), c.IsCovered("policies/github.rego", 8))
	}
	var covered, notCovered int
	for _, f := range c.Files {
		covered += f.CoveredLines
		notCovered += f.NotCoveredLines
	}
	if c.CoveredLines != covered || c.NotCoveredLines != notCovered || c.Coverage <= 0 || c.Coverage >= 100 {
		t.Errorf("totals %d/%d %.1f%%, files add up to %d/%d", c.CoveredLines, c.NotCoveredLines, c.Coverage, covered, notCovered)
	}
}

func TestReport(t *testing.T) {
	org := openOrg(t, map[string]string{"policies/github.rego": policy, "policies/github_test.rego": policyTests})
	res := run(t, Options{Org: org, Run: "github_test"})
	var text bytes.Buffer
	if err := res.Report(&text, FormatText); err != nil {
		t.Fatal(err)
	}
	if text.String() != "PASS: 3/3\n" {
		t.Errorf("text report %q, want PASS: 3/3", text.String())
	}
	var js bytes.Buffer
	if err := res.Report(&js, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var got []tester.Result
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, js.String())
	}
	if len(got) != 3 || got[0].Location.File != "policies/github_test.rego" || got[0].Name != "test_admins_from_the_repo" {
		t.Errorf("JSON report %s", js.String())
	}
	if err := res.Report(&js, "xml"); err == nil {
		t.Error("Report in an unknown format succeeded")
	}
}
