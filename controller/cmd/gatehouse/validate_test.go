package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// now pins expiry so the golden files do not change as time passes.
const now = "--now=2026-11-23T00:00:00Z"

const broken = "testdata/validate/broken"

// TestValidateGolden checks validate's output in every format against
// testdata/validate/<name>.golden.
func TestValidateGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"acme-text", []string{"validate", "--repo", "../../../examples/acme", now}},
		{"broken-text", []string{"validate", "--repo", broken, now}},
		{"broken-json", []string{"validate", "--repo", broken, "--format", "json", now}},
		{"broken-github", []string{"validate", "--repo", broken, "--format", "github", now}},
		{"missing-repo", []string{"validate", "--repo", "testdata/validate/no-such-repo"}},
		{"bad-format", []string{"validate", "--repo", broken, "--format", "yaml"}},
		{"bad-now", []string{"validate", "--repo", broken, "--now", "yesterday"}},
		{"stray-argument", []string{"validate", broken}},
		{"no-documents", []string{"validate", "--repo", "testdata/validate/broken/people/empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GITHUB_STEP_SUMMARY", "")
			checkGolden(t, "validate", tt.name, tt.args...)
		})
	}
}

// TestValidateExitCodes checks the CLI contract directly: 0 clean or
// warnings only, 1 errors, 2 could not run.
func TestValidateExitCodes(t *testing.T) {
	warningsOnly := t.TempDir()
	gitrepotest.WriteDir(t, warningsOnly, gitrepotest.Text(map[string]string{
		"people/alice.yaml": "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	}))
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"validate", "--repo", "../../../examples/acme", now}, exitOK},
		{"warnings only", []string{"validate", "--repo", warningsOnly}, exitOK},
		{"errors", []string{"validate", "--repo", broken, now}, exitFailed},
		{"no such directory", []string{"validate", "--repo", filepath.Join(t.TempDir(), "missing")}, exitCouldNotRun},
		{"not a git repository", []string{"validate", "--repo", warningsOnly, "--rev", "main"}, exitCouldNotRun},
		{"unknown format", []string{"validate", "--repo", broken, "--format", "xml"}, exitCouldNotRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := gatehouse(t, tt.args...); r.code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

// TestValidateRevision validates a committed revision, not the working
// tree: the committed tree has an error the working tree has fixed.
func TestValidateRevision(t *testing.T) {
	dir := t.TempDir()
	repo := gitrepotest.Init(t, dir)
	bad := gitrepotest.Text(map[string]string{
		"people/alice.yaml": "kind: Person\nname: alice\nrole: admin\ngithub: alice\nteam: x\n",
	})
	gitrepotest.Commit(t, repo, "add alice", bad)
	gitrepotest.WriteDir(t, dir, gitrepotest.Text(map[string]string{
		"people/alice.yaml": "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	}))

	r := gatehouse(t, "validate", "--repo", dir, "--rev", "HEAD", "--format", "json")
	if r.code != exitFailed {
		t.Fatalf("validate --rev HEAD: exit %d, want %d; stderr %s", r.code, exitFailed, r.stderr)
	}
	var got struct{ Findings model.Findings }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	var errs model.Findings
	for _, f := range got.Findings {
		if f.Severity == model.SeverityError {
			errs = append(errs, f)
		}
	}
	if len(errs) != 1 || errs[0].Rule != "unknown-field" || errs[0].Line != 5 {
		t.Errorf("errors = %+v, want one unknown-field on line 5", errs)
	}
	if r := gatehouse(t, "validate", "--repo", dir); r.code != exitOK {
		t.Errorf("validate of the fixed working tree: exit %d; %s%s", r.code, r.stdout, r.stderr)
	}
	r = gatehouse(t, "validate", "--repo", dir, "--rev", "no-such-branch")
	if r.code != exitCouldNotRun || !strings.Contains(r.stderr, "no-such-branch") {
		t.Errorf("unknown revision: exit %d, stderr %q; want exit 2 naming the revision", r.code, r.stderr)
	}
}

// TestValidateJSONContract checks the JSON shape of the CLI contract:
// {"findings":[{"severity","file","line","column","rule","message"}]},
// with an empty list (not null) when the repo is clean.
func TestValidateJSONContract(t *testing.T) {
	r := gatehouse(t, "validate", "--repo", "../../../examples/acme", "--format", "json", now)
	if strings.TrimSpace(r.stdout) != `{
  "findings": []
}` {
		t.Errorf("clean repo JSON = %s", r.stdout)
	}
	r = gatehouse(t, "validate", "--repo", broken, "--format", "json", now)
	var raw map[string][]map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range raw["findings"] {
		for _, k := range []string{"severity", "file", "line", "column", "rule", "message"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %v lacks %q", f, k)
			}
		}
		if len(f) != 6 {
			t.Errorf("finding %v has fields beyond the contract", f)
		}
	}
}

// TestValidateGitHubStepSummary checks that the github format also writes
// a summary table to the job's step summary.
func TestValidateGitHubStepSummary(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	if r := gatehouse(t, "validate", "--repo", broken, "--format", "github", now); r.code != exitFailed {
		t.Fatalf("exit %d, want %d", r.code, exitFailed)
	}
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "validate", "step-summary.golden"), string(got))
}

func TestEscapeWorkflowCommands(t *testing.T) {
	tests := []struct{ in, data, property string }{
		{"plain", "plain", "plain"},
		{"50% done", "50%25 done", "50%25 done"},
		{"a\nb\r", "a%0Ab%0D", "a%0Ab%0D"},
		{"file:1,2", "file:1,2", "file%3A1%2C2"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}
