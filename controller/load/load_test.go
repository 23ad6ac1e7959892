package load

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenOptions keep test inputs small: the too-large case is 10 KiB.
var goldenOptions = Options{MaxFileSize: 8 << 10}

// render prints what a load produced: its findings, then every document
// added (kind, name, file, index, position), then the policies.
func render(org *model.Org, findings model.Findings) string {
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintln(&b, f)
	}
	b.WriteString("-- documents --\n")
	org.Each(func(d model.Doc) {
		kind, name := d.KindName()
		m := d.Source()
		fmt.Fprintf(&b, "%s %s %s#%d %d:%d\n", kind, name, m.File, m.Index, m.Pos.Line, m.Pos.Column)
	})
	for _, p := range org.Policies {
		fmt.Fprintf(&b, "policy %s %d bytes\n", p.Path, len(p.Data))
	}
	return b.String()
}

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// readTree reads a directory into gitrepotest.Files, links included.
func readTree(t testing.TB, dir string) gitrepotest.Files {
	t.Helper()
	files := gitrepotest.Files{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			files[rel] = gitrepotest.File{Link: filepath.ToSlash(target)}
			return err
		}
		data, err := os.ReadFile(p)
		files[rel] = gitrepotest.File{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// commitDir commits the files of dir into a new Git repository and returns
// the repository's directory.
func commitDir(t testing.TB, dir string) string {
	t.Helper()
	repoDir := t.TempDir()
	r := gitrepotest.Init(t, repoDir)
	gitrepotest.Commit(t, r, "access repo", readTree(t, dir))
	return repoDir
}

func loadDir(t testing.TB, dir string, opts Options) (*model.Org, model.Findings) {
	t.Helper()
	src, err := DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	org, findings, err := Load(context.Background(), src, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return org, findings
}

func loadRev(t testing.TB, repoDir, rev string, opts Options) (*model.Org, model.Findings) {
	t.Helper()
	src, err := RevSource(repoDir, rev)
	if err != nil {
		t.Fatal(err)
	}
	org, findings, err := Load(context.Background(), src, opts)
	if err != nil {
		t.Fatalf("Load(%s@%s): %v", repoDir, rev, err)
	}
	return org, findings
}

// TestGolden loads each testdata/cases/NAME directory and compares the
// findings and documents with testdata/cases/NAME.golden. The same files
// committed to Git must load identically.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata/cases", d.Name())
			org, findings := loadDir(t, dir, goldenOptions)
			got := render(org, findings)
			checkGolden(t, dir+".golden", got)
			for _, f := range findings {
				if f.File == "" || f.Rule == "" || f.Severity != model.SeverityError || f.Message == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}

			revOrg, revFindings := loadRev(t, commitDir(t, dir), "HEAD", goldenOptions)
			if revGot := render(revOrg, revFindings); revGot != got {
				t.Errorf("the Git revision loads differently from the directory\nrev:\n%s\ndir:\n%s", revGot, got)
			}
		})
	}
}

// TestGoldenHasEveryRule guards the golden cases against losing a rule.
func TestGoldenHasEveryRule(t *testing.T) {
	var all strings.Builder
	goldens, _ := filepath.Glob("testdata/*.golden")
	cases, _ := filepath.Glob("testdata/cases/*.golden")
	for _, g := range append(goldens, cases...) {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, rule := range []string{
		RuleYAMLSyntax, RuleDuplicateKey, RuleYAMLAliasLimit, RuleYAMLTooDeep, RuleUnsupportedTag,
		RuleInvalidKey, RuleNotAMapping, RuleMissingKind, RuleUnknownKind, RuleMissingName,
		RuleUnknownField, RuleWrongType, RuleInvalidValue, RuleFileTooLarge, RuleNotUTF8,
		RuleSymlinkEscape, RuleBrokenSymlink, RuleMultipleRequests, RuleDuplicateName,
	} {
		if !strings.Contains(all.String(), " error "+rule+": ") {
			t.Errorf("no golden case reports %s", rule)
		}
	}
}

// symlinkTree is an access repo with every kind of symbolic link.
func symlinkTree(outside string) gitrepotest.Files {
	return gitrepotest.Files{
		"people/alice.yaml":         {Data: []byte("kind: Person\nname: alice\n")},
		"people/current.yaml":       {Link: "alice.yaml"},
		"people/chain.yaml":         {Link: "../links/to-alice.yaml"},
		"links/to-alice.yaml":       {Link: "../people/alice.yaml"},
		"people/escape.yaml":        {Link: "../../outside.yaml"},
		"people/absolute.yaml":      {Link: outside},
		"people/broken.yaml":        {Link: "nobody.yaml"},
		"people/dir.yaml":           {Link: "../teams"},
		"people/loop-a.yaml":        {Link: "loop-b.yaml"},
		"people/loop-b.yaml":        {Link: "loop-a.yaml"},
		"people/hidden.yaml":        {Link: "../.secret/p.yaml"},
		"teams/t.yaml":              {Data: []byte("kind: Team\nname: t\n")},
		"teams-link":                {Link: "teams"},
		".secret/p.yaml":            {Data: []byte("kind: Person\nname: secret\n")},
		"policies/main.rego":        {Data: []byte("package gatehouse.org.main\n")},
		"policies/linked.rego":      {Link: "main.rego"},
		"policies/escape.rego":      {Link: "../../../etc/passwd"},
		"access/github/alice.yaml":  {Data: []byte("kind: AccessRequest\nperson: alice\nsystem: github\n")},
		"access/github/linked.yaml": {Link: "alice.yaml"},
	}
}

// TestSymlinks checks that links inside the repo are read as their
// targets, and that links out of it are reported and never read, from a
// directory and from Git alike.
func TestSymlinks(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside.yaml")
	if err := os.WriteFile(outside, []byte("kind: Person\nname: intruder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "repo", "access")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := symlinkTree(outside)
	gitrepotest.WriteDir(t, dir, files)

	org, findings := loadDir(t, dir, goldenOptions)
	got := strings.ReplaceAll(render(org, findings), outside, "OUTSIDE")
	checkGolden(t, "testdata/symlinks.golden", got)
	if strings.Contains(got, "intruder") {
		t.Error("a file outside the repository was read")
	}

	repoDir := t.TempDir()
	r := gitrepotest.Init(t, repoDir)
	gitrepotest.Commit(t, r, "links", files)
	revOrg, revFindings := loadRev(t, repoDir, "HEAD", goldenOptions)
	if revGot := strings.ReplaceAll(render(revOrg, revFindings), outside, "OUTSIDE"); revGot != got {
		t.Errorf("the Git revision loads links differently\nrev:\n%s\ndir:\n%s", revGot, got)
	}
}

// realisticRepo is a small but complete access repo.
func realisticRepo(t testing.TB) gitrepotest.Files {
	t.Helper()
	files := readTree(t, "testdata/cases/valid")
	for i := range 30 {
		files[fmt.Sprintf("people/p%02d.yaml", i)] = gitrepotest.File{Data: fmt.Appendf(nil,
			"kind: Person\nname: p%02d\nemail: p%02d@acme.example\nrole: collaborator\n", i, i)}
		files[fmt.Sprintf("access/github/p%02d.yaml", i)] = gitrepotest.File{Data: fmt.Appendf(nil,
			"kind: AccessRequest\nperson: p%02d\nsystem: github\nlevel: member\nexpires: 2026-12-31T00:00:00Z\n", i)}
	}
	return files
}

// stripLocator returns the Org without its Locator, which holds the source
// and so always differs between sources.
func stripLocator(o *model.Org) model.Org {
	c := *o
	c.Locator = nil
	return c
}

// TestDirAndRevisionAgree loads one repo from its working tree and from
// its commit, then changes the working tree: the revision keeps loading
// what was committed.
func TestDirAndRevisionAgree(t *testing.T) {
	dir := t.TempDir()
	files := realisticRepo(t)
	gitrepotest.WriteDir(t, dir, files)
	r := gitrepotest.Init(t, dir)
	commit := gitrepotest.Commit(t, r, "access repo", files)

	dirOrg, dirFindings := loadDir(t, dir, Options{})
	revOrg, revFindings := loadRev(t, dir, "HEAD", Options{})
	if len(dirFindings) != 0 || len(revFindings) != 0 {
		t.Fatalf("findings on a valid repo: dir %v, rev %v", dirFindings, revFindings)
	}
	// testdata/cases/valid holds 14 documents; 30 people and 30 requests.
	if want := 14 + 30*2; dirOrg.Len() != want {
		t.Errorf("loaded %d documents, want %d", dirOrg.Len(), want)
	}
	if !reflect.DeepEqual(stripLocator(dirOrg), stripLocator(revOrg)) {
		t.Fatalf("directory and revision differ:\ndir:\n%s\nrev:\n%s", render(dirOrg, nil), render(revOrg, nil))
	}

	// Change the working tree: edit, add and remove files.
	gitrepotest.WriteDir(t, dir, gitrepotest.Text(map[string]string{
		"people/p00.yaml": "kind: Person\nname: p00\nrole: admin\n",
		"people/new.yaml": "kind: Person\nname: new\n",
	}))
	if err := os.Remove(filepath.Join(dir, "people", "p01.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{"HEAD", "master", commit.String()} {
		again, _ := loadRev(t, dir, rev, Options{})
		if !reflect.DeepEqual(stripLocator(again), stripLocator(revOrg)) {
			t.Errorf("revision %s changed with the working tree", rev)
		}
	}
	changed, _ := loadDir(t, dir, Options{})
	if changed.PersonByName["new"] == nil || changed.PersonByName["p01"] != nil || changed.PersonByName["p00"].Role != "admin" {
		t.Errorf("the directory load does not show the working tree's changes")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	files := realisticRepo(t)
	gitrepotest.WriteDir(t, dir, files)
	r := gitrepotest.Init(t, dir)
	gitrepotest.Commit(t, r, "access repo", files)

	tests := []struct {
		name, dir, rev string
		wantErr        string
	}{
		{name: "directory", dir: dir},
		{name: "revision", dir: dir, rev: "HEAD"},
		{name: "missing directory", dir: filepath.Join(dir, "nope"), wantErr: "pass --repo"},
		{name: "file, not directory", dir: filepath.Join(dir, "gatehouse.yaml"), wantErr: "not a directory"},
		{name: "unknown revision", dir: dir, rev: "nope", wantErr: `unknown revision "nope"`},
		{name: "not a git repository", dir: t.TempDir(), rev: "HEAD", wantErr: "no .git found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, findings, err := Open(context.Background(), tt.dir, tt.rev)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(findings) != 0 || org.Len() == 0 {
				t.Fatalf("Open = %d documents, %v, %v", org.Len(), findings, err)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	gitrepotest.WriteDir(t, dir, realisticRepo(t))
	src, err := DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, src, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load with a cancelled context: err = %v, want context.Canceled", err)
	}
}

// TestDefaultSizeLimit checks the 1 MiB default.
func TestDefaultSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := "kind: Person\nname: big\ndisplayName: " + strings.Repeat("x", 1<<20) + "\n"
	gitrepotest.WriteDir(t, dir, gitrepotest.Text(map[string]string{"people/big.yaml": big, "people/ok.yaml": "kind: Person\nname: ok\n"}))
	org, findings := loadDir(t, dir, Options{})
	if len(findings) != 1 || findings[0].Rule != RuleFileTooLarge || findings[0].File != "people/big.yaml" {
		t.Fatalf("findings = %v, want one file-too-large on people/big.yaml", findings)
	}
	if org.Len() != 1 {
		t.Errorf("loaded %d documents, want 1", org.Len())
	}
}

func TestLocator(t *testing.T) {
	dir := t.TempDir()
	gitrepotest.WriteDir(t, dir, gitrepotest.Files{
		"systems/github.yaml": {Data: []byte(`kind: System
name: github
approvers:
  - alice
  - team:platform
accessLevels:
  - name: member
    maxDuration: 90d
  - {name: admin, maxDuration: 1d}
`)},
		"objects/all.yaml": {Data: []byte(`kind: Control
name: C-1
---
---
kind: Test
name: T-1
controls:
  - C-1
`)},
		"systems/link.yaml": {Link: "github.yaml"},
	})
	org, findings := loadDir(t, dir, Options{})
	if len(findings) != 1 || findings[0].Rule != RuleDuplicateName {
		t.Fatalf("findings = %v, want only the linked System's duplicate", findings)
	}
	loc := org.Locator
	tests := []struct {
		file  string
		index int
		path  string
		want  model.Pos
	}{
		{"systems/github.yaml", 0, "", model.Pos{Line: 1, Column: 1}},
		{"systems/github.yaml", 0, "name", model.Pos{Line: 2, Column: 1}},
		{"systems/github.yaml", 0, "approvers[0]", model.Pos{Line: 4, Column: 5}},
		{"systems/github.yaml", 0, "approvers[1]", model.Pos{Line: 5, Column: 5}},
		{"systems/github.yaml", 0, "approvers[7]", model.Pos{Line: 4, Column: 3}},
		{"systems/github.yaml", 0, "accessLevels[0].maxDuration", model.Pos{Line: 8, Column: 5}},
		{"systems/github.yaml", 0, "accessLevels[1].maxDuration", model.Pos{Line: 9, Column: 19}},
		{"systems/github.yaml", 0, "accessLevels[1].entitlement", model.Pos{Line: 9, Column: 5}},
		{"systems/github.yaml", 0, "admins", model.Pos{Line: 1, Column: 1}},
		{"systems/github.yaml", 0, "name.first", model.Pos{Line: 2, Column: 7}},
		{"systems/github.yaml", 0, "approvers[x", model.Pos{Line: 4, Column: 3}},
		{"systems/link.yaml", 0, "approvers[1]", model.Pos{Line: 5, Column: 5}},
		{"objects/all.yaml", 2, "controls[0]", model.Pos{Line: 8, Column: 5}},
		{"objects/all.yaml", 2, "", model.Pos{Line: 5, Column: 1}},
		{"objects/all.yaml", 1, "", model.Pos{}},
		{"objects/missing.yaml", 0, "", model.Pos{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s#%d/%s", tt.file, tt.index, tt.path), func(t *testing.T) {
			if got := loc.Locate(tt.file, tt.index, tt.path); got != tt.want {
				t.Errorf("Locate = %+v, want %+v", got, tt.want)
			}
		})
	}
	// LocateAll answers the same, in the order asked, whatever the order
	// of the files.
	batch := loc.(interface {
		LocateAll([]model.Location) []model.Pos
	})
	var locs []model.Location
	for i := len(tests) - 1; i >= 0; i-- {
		locs = append(locs, model.Location{File: tests[i].file, Index: tests[i].index, Path: tests[i].path})
	}
	got := batch.LocateAll(locs)
	for i, l := range locs {
		if want := tests[len(tests)-1-i].want; got[i] != want {
			t.Errorf("LocateAll: %s#%d/%s = %+v, want %+v", l.File, l.Index, l.Path, got[i], want)
		}
	}
	// Documents carry the index the Locator expects.
	if tst := org.TestByName["T-1"]; tst == nil || tst.Index != 2 || tst.Pos != (model.Pos{Line: 5, Column: 1}) {
		t.Errorf("Test T-1 meta = %+v", tst)
	}
}

// TestLocatorCache re-reads files when they fall out of the cache.
func TestLocatorCache(t *testing.T) {
	dir := t.TempDir()
	files := gitrepotest.Files{}
	for i := range locatorCacheSize * 2 {
		files[fmt.Sprintf("people/p%02d.yaml", i)] = gitrepotest.File{Data: fmt.Appendf(nil, "# comment\n%skind: Person\nname: p%02d\n", strings.Repeat("\n", i), i)}
	}
	gitrepotest.WriteDir(t, dir, files)
	org, _ := loadDir(t, dir, Options{})
	for round := range 2 {
		for i := range locatorCacheSize * 2 {
			got := org.Locator.Locate(fmt.Sprintf("people/p%02d.yaml", i), 0, "name")
			if want := (model.Pos{Line: 3 + i, Column: 1}); got != want {
				t.Errorf("round %d: Locate(p%02d) = %+v, want %+v", round, i, got, want)
			}
		}
	}
}
