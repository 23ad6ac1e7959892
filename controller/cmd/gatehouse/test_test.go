package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Test durations vary from run to run; golden files hold placeholders.
var (
	textDuration = regexp.MustCompile(`\((\d+(\.\d+)?(ns|µs|ms|s|m|h))+\)`)
	jsonDuration = regexp.MustCompile(`"duration": \d+`)
)

// checkTestGolden is checkGolden for gatehouse test, with durations
// replaced by placeholders.
func checkTestGolden(t *testing.T, name string, args ...string) cliResult {
	t.Helper()
	r := gatehouse(t, args...)
	got := fmt.Sprintf("$ gatehouse %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(args, " "), r.stdout, r.stderr, r.code)
	got = textDuration.ReplaceAllString(got, "(DURATION)")
	got = jsonDuration.ReplaceAllString(got, `"duration": 0`)
	compareGolden(t, filepath.Join("testdata", "test", name+".golden"), got)
	return r
}

func TestTestGolden(t *testing.T) {
	repo := func(name string) string { return filepath.Join("testdata", "test", name) }
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"acme", []string{"test", "--repo", "../../../examples/acme"}, exitOK},
		{"verbose", []string{"test", "--repo", repo("repo"), "--verbose", "--run", "gatehouse.org"}, exitOK},
		{"json", []string{"test", "--repo", repo("repo"), "--format", "json", "--run", "gatehouse.org"}, exitOK},
		{"failing", []string{"test", "--repo", repo("failing")}, exitFailed},
		{"failing-json", []string{"test", "--repo", repo("failing"), "--format", "json", "--run", "gatehouse.org"}, exitFailed},
		{"failing-coverage", []string{"test", "--repo", repo("failing"), "--coverage"}, exitFailed},
		{"parse-error", []string{"test", "--repo", repo("parse-error")}, exitCouldNotRun},
		{"compile-error", []string{"test", "--repo", repo("compile-error")}, exitCouldNotRun},
		{"no-policies", []string{"test", "--repo", repo("no-policies")}, exitOK},
		{"no-match", []string{"test", "--repo", repo("repo"), "--run", "test_nothing_is_called_so"}, exitOK},
		{"bad-run", []string{"test", "--repo", repo("repo"), "--run", "test_("}, exitCouldNotRun},
		{"bad-format", []string{"test", "--repo", repo("repo"), "--format", "github"}, exitCouldNotRun},
		{"stray-argument", []string{"test", repo("repo")}, exitCouldNotRun},
		{"missing-repo", []string{"test", "--repo", repo("nowhere")}, exitCouldNotRun},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := checkTestGolden(t, tc.name, tc.args...); r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
		})
	}
}

// TestTestCoverage checks the shape of --coverage: OPA's JSON coverage
// report of the access repo's policy files, covered and not-covered
// ranges by file with line counts and percentages.
func TestTestCoverage(t *testing.T) {
	r := gatehouse(t, "test", "--repo", filepath.Join("testdata", "test", "repo"), "--coverage")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	type span struct {
		Start struct{ Row, Col int } `json:"start"`
		End   struct{ Row, Col int } `json:"end"`
	}
	var report struct {
		Files map[string]struct {
			Covered      []span  `json:"covered"`
			NotCovered   []span  `json:"not_covered"`
			CoveredLines int     `json:"covered_lines"`
			Coverage     float64 `json:"coverage"`
		} `json:"files"`
		CoveredLines    *int     `json:"covered_lines"`
		NotCoveredLines *int     `json:"not_covered_lines"`
		Coverage        *float64 `json:"coverage"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&report); err != nil {
		t.Fatalf("coverage report: %v\n%s", err, r.stdout)
	}
	if report.CoveredLines == nil || report.NotCoveredLines == nil || report.Coverage == nil {
		t.Fatalf("coverage report without totals:\n%s", r.stdout)
	}
	for name, f := range report.Files {
		if len(f.Covered) == 0 || f.CoveredLines == 0 || f.Coverage <= 0 {
			t.Errorf("%s: nothing covered: %+v", name, f)
		}
		for _, s := range f.Covered {
			if s.Start.Row == 0 || s.End.Row < s.Start.Row {
				t.Errorf("%s: bad range %+v", name, s)
			}
		}
	}
	files := slices.Sorted(maps.Keys(report.Files))
	if strings.Join(files, " ") != "policies/github.rego policies/github_test.rego" {
		t.Errorf("coverage of %v, want the repo's policy files, by repo-relative path", files)
	}
}

// TestTestAtRevision runs the tests of the access repo as committed: the
// example repo at HEAD of this project's own Git repository.
func TestTestAtRevision(t *testing.T) {
	r := gatehouse(t, "test", "--repo", filepath.Join("..", "..", "..", "examples", "acme"), "--rev", "HEAD", "--run", "gatehouse.org", "--verbose")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "\npolicies/") || !regexp.MustCompile(`\nPASS: \d+/\d+\n$`).MatchString(r.stdout) {
		t.Errorf("no test of the committed repo ran:\n%s", r.stdout)
	}
}
