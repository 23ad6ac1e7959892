package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

// acmePR commits examples/acme with baseEdits as the base and that with
// headEdits as the head of a pull request (an empty value removes a
// file), and returns the repository's folder and both commit ids.
func acmePR(t *testing.T, baseEdits, headEdits map[string]string) (dir, base, head string) {
	t.Helper()
	files := gitrepotest.Files{}
	root := filepath.Join("..", "..", "..", "examples", "acme")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = gitrepotest.File{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(edits map[string]string) {
		for p, s := range edits {
			if s == "" {
				delete(files, p)
			} else {
				files[p] = gitrepotest.File{Data: []byte(s)}
			}
		}
	}
	dir = t.TempDir()
	r := gitrepotest.Init(t, dir)
	apply(baseEdits)
	b := gitrepotest.Commit(t, r, "base", files)
	apply(headEdits)
	h := gitrepotest.Commit(t, r, "head", files)
	return dir, b.String(), h.String()
}

const yukiAdmin = `kind: AccessRequest
person: yuki
system: prod-db
level: admin
justification: Incident INC-231, the billing job is stuck on a lock.
expires: 2026-11-25T00:00:00Z
`

const zoeManager = `kind: AccessRequest
person: zoe
system: pagerduty
level: manager
`

func TestPlanGolden(t *testing.T) {
	now := "--now=2026-11-23T09:00:00Z"
	request := map[string]string{"access/prod-db/yuki-admin.yaml": yukiAdmin, "access/pagerduty/zoe-manager.yaml": zoeManager}
	tests := []struct {
		name            string
		baseEdits, head map[string]string
		args            []string
		code            int
	}{
		{"waiting", nil, request, []string{"--author", "ytanaka"}, exitFailed},
		{"waiting-fail-on-violations", nil, request, []string{"--author", "yuki", "--fail-on", "violations"}, exitOK},
		{"approved-markdown", nil, request, []string{"--author", "yuki", "--approved-by", "mbell,omar,sofia,ivan", "--format", "markdown"}, exitOK},
		{"self-approval-json", nil, map[string]string{"access/pagerduty/zoe-manager.yaml": zoeManager}, []string{"--author", "marcus", "--approved-by", "marcus,zoe", "--format", "json"}, exitFailed},
		{"violations", nil, map[string]string{"access/prod-db/yuki-admin.yaml": strings.Replace(yukiAdmin, "2026-11-25", "2027-02-01", 1)},
			[]string{"--author", "yuki", "--fail-on", "violations"}, exitFailed},
		{"policy-change-markdown", nil, map[string]string{"policies/expiry.rego": ""}, []string{"--author", "priya", "--approved-by", "priya", "--format", "markdown"}, exitFailed},
		{"broken-base-policy", map[string]string{"policies/broken.rego": "package gatehouse.org.broken\n\nviolations contains {\"change\": c.id, \"rule\": \"r\", \"message\": sprintf(\"%d\", [1 / 0])} if some c in input.changes\n"},
			request, []string{"--author", "yuki", "--approved-by", "mbell,omar,sofia,ivan"}, exitCouldNotRun},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, base, head := acmePR(t, tc.baseEdits, tc.head)
			args := append([]string{"plan", "--repo", dir, "--base", base, "--head", head, now}, tc.args...)
			r := gatehouse(t, args...)
			got := fmt.Sprintf("$ gatehouse %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(args, " "), r.stdout, r.stderr, r.code)
			got = strings.NewReplacer(dir, "REPO", base, "BASE", head, "HEAD", base[:7], "BASE", head[:7], "HEAD").Replace(got)
			compareGolden(t, filepath.Join("testdata", "plan", tc.name+".golden"), got)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d", r.code, tc.code)
			}
		})
	}
}

func TestPlanCannotRunWithoutItsRevisions(t *testing.T) {
	dir, base, _ := acmePR(t, nil, nil)
	for _, args := range [][]string{
		{"plan", "--repo", dir, "--base", base},
		{"plan", "--repo", dir, "--base", base, "--head", "no-such-branch"},
		{"plan", "--repo", dir, "--base", "nope", "--head", base},
		{"plan", "--repo", filepath.Join(dir, "missing"), "--base", "main", "--head", "main"},
		{"plan", "--repo", dir, "--base", base, "--head", base, "--fail-on", "sometimes"},
	} {
		r := gatehouse(t, args...)
		if r.code != exitCouldNotRun || r.stdout != "" || !strings.Contains(r.stderr, "gatehouse:") && r.stderr == "" {
			t.Errorf("gatehouse %v: exit %d, stdout %q, stderr %q; want exit 2 with an error only", args, r.code, r.stdout, r.stderr)
		}
	}
}
