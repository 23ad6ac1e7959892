package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/validate"
	"github.com/gatehouse-dev/gatehouse/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var testNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// tiny is small enough to read in a golden file and still has every kind.
var tiny = Size{Name: "tiny", People: 8, Teams: 2, Systems: 3, Requests: 6, Objects: 15}

func TestGenerateIsValid(t *testing.T) {
	tests := []struct {
		name string
		size Size
		seed int64
	}{
		{name: "small seed 1", size: Small, seed: 1},
		{name: "small seed 42", size: Small, seed: 42},
		{name: "medium", size: Medium, seed: 1},
		{name: "tiny", size: tiny, seed: 7},
		{name: "one person", size: Size{People: 1, Systems: 2, Requests: 5, Objects: 20}, seed: 3},
		{name: "nothing but people", size: Size{People: 30}, seed: 4},
		{name: "negative counts", size: Size{People: -5, Teams: -1, Systems: -1, Requests: -1, Objects: -1}, seed: 5},
		{name: "no risk scenarios", size: Size{People: 40, Systems: 4, Requests: 20, Objects: 3}, seed: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := Generate(tt.size, tt.seed, WithNow(testNow))
			for _, p := range problems(org, testNow) {
				t.Error(p)
			}
			// Valid when generated and still valid hours later, when
			// someone validates the written repo.
			for _, now := range []time.Time{testNow, testNow.Add(4 * time.Hour)} {
				for _, f := range validate.Org(org, validate.Options{Now: now}) {
					t.Errorf("validate at %s: %s", now.Format(time.Kitchen), f)
				}
			}
			org.Each(func(d model.Doc) {
				kind, name := d.KindName()
				for _, v := range schemas.Validate(kind, jsonValue(t, d)) {
					t.Errorf("%s %s breaks its schema: %s", kind, name, v)
				}
			})
		})
	}
}

func TestGenerateSizes(t *testing.T) {
	org := Generate(Small, 1, WithNow(testNow))
	got := map[string]int{
		"people": len(org.People), "teams": len(org.Teams), "systems": len(org.Systems),
		"requests": len(org.Requests),
		"objects": len(org.Controls) + len(org.Tests) + len(org.Documents) + len(org.RiskScenarios) +
			len(org.RiskTasks) + len(org.Reports) + len(org.AccessReviews),
	}
	want := map[string]int{"people": 100, "teams": 10, "systems": 20, "requests": 500, "objects": 400}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("small has %d %s, want %d", got[k], k, w)
		}
	}
	for kind, n := range map[string]int{
		"roles": len(org.Roles), "controls": len(org.Controls), "tests": len(org.Tests), "documents": len(org.Documents),
		"risk scenarios": len(org.RiskScenarios), "risk tasks": len(org.RiskTasks), "reports": len(org.Reports),
		"access reviews": len(org.AccessReviews), "policies": len(org.Policies),
	} {
		if n == 0 {
			t.Errorf("small has no %s", kind)
		}
	}
	if org.Config == nil || len(org.Config.Integrations) == 0 {
		t.Fatalf("small has no Config with integrations: %+v", org.Config)
	}
}

func TestSizeByName(t *testing.T) {
	for _, s := range Sizes {
		got, err := SizeByName(s.Name)
		if err != nil || got != s {
			t.Errorf("SizeByName(%q) = %v, %v", s.Name, got, err)
		}
	}
	if _, err := SizeByName("huge"); err == nil || !strings.Contains(err.Error(), "small, medium, large") {
		t.Errorf("SizeByName(huge) error = %v, want one listing the sizes", err)
	}
}

// TestGenerateIsRealistic checks the shapes benchmarks depend on: skewed
// request load, teams of varying size, people with several requests and
// a few offboarded people who hold nothing.
func TestGenerateIsRealistic(t *testing.T) {
	org := Generate(Medium, 1, WithNow(testNow))

	perSystem := map[string]int{}
	perPerson := map[string]int{}
	for _, r := range org.Requests {
		perSystem[r.System]++
		perPerson[r.Person]++
	}
	loads := sortedValues(perSystem)
	top, median := loads[len(loads)-1], loads[len(loads)/2]
	if top < 10*median || top < len(org.Requests)/50 {
		t.Errorf("busiest system has %d requests, median %d: want a few systems with many requests", top, median)
	}
	several := 0
	for _, n := range perPerson {
		if n >= 3 {
			several++
		}
	}
	if several < len(org.People)/2 {
		t.Errorf("%d people hold 3 or more requests, want at least half of %d", several, len(org.People))
	}
	var sizes []int
	for _, tm := range org.Teams {
		sizes = append(sizes, len(tm.Members))
	}
	slices.Sort(sizes)
	if sizes[len(sizes)-1] < 4*sizes[0] {
		t.Errorf("team sizes range %d..%d, want teams of varying size", sizes[0], sizes[len(sizes)-1])
	}

	var offboarded []string
	for _, p := range org.People {
		if !p.Active() {
			offboarded = append(offboarded, p.Name)
		}
	}
	if len(offboarded) < 2 || len(offboarded) > len(org.People)/50 {
		t.Errorf("%d offboarded people, want a few", len(offboarded))
	}
	for _, name := range offboarded {
		if perPerson[name] > 0 {
			t.Errorf("offboarded %s holds %d requests", name, perPerson[name])
		}
	}
	custom := 0
	for _, p := range org.People {
		if org.RoleByName[p.Role] != nil {
			custom++
		}
	}
	if custom == 0 {
		t.Error("nobody holds a custom role")
	}
}

func sortedValues(m map[string]int) []int {
	var v []int
	for _, n := range m {
		v = append(v, n)
	}
	slices.Sort(v)
	return v
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := rendered(t, Generate(Small, 9, WithNow(testNow)))
	b := rendered(t, Generate(Small, 9, WithNow(testNow)))
	if !maps2Equal(a, b) {
		t.Fatal("two organisations generated with seed 9 differ")
	}
	c := rendered(t, Generate(Small, 10, WithNow(testNow)))
	if maps2Equal(a, c) {
		t.Fatal("seeds 9 and 10 generated the same organisation")
	}
	d := rendered(t, Generate(Small, 9, WithNow(testNow.AddDate(0, 0, 1))))
	if maps2Equal(a, d) {
		t.Fatal("a different Now generated the same expiry dates")
	}
}

func maps2Equal(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// rendered returns every file WriteDir would write, by path.
func rendered(t *testing.T, org *model.Org) map[string][]byte {
	t.Helper()
	files, err := collect(org)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := render(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f.path] = data
	}
	return out
}

// TestGolden pins the files of a tiny organisation: their layout, field
// order, modelines and quoting. Run with -update after a deliberate change.
func TestGolden(t *testing.T) {
	files := rendered(t, Generate(tiny, 1, WithNow(testNow)))
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var got bytes.Buffer
	for _, p := range paths {
		fmt.Fprintf(&got, "=== %s\n%s", p, files[p])
	}
	golden := filepath.Join("testdata", "tiny-seed1.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("generated files differ from %s; run go test -update if the change is deliberate, and bump Version\n%s", golden, firstDiff(got.String(), string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

func TestWriteDirRoundTrip(t *testing.T) {
	org := Generate(Small, 1, WithNow(testNow))
	dir := t.TempDir()
	var calls, last, total int
	err := WriteDir(context.Background(), org, dir, WithProgress(func(d, n int) { calls, last, total = calls+1, d, n }))
	if err != nil {
		t.Fatal(err)
	}
	if n := Files(org); calls == 0 || last != n || total != n {
		t.Errorf("progress ended at %d of %d after %d calls, want %d of %d", last, total, calls, n, n)
	}
	if got := countFiles(t, dir); got != Files(org) {
		t.Errorf("wrote %d files, want %d", got, Files(org))
	}
	src, err := load.DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, org, src)
}

func TestWriteGitRoundTrip(t *testing.T) {
	org := Generate(Small, 2, WithNow(testNow))
	dir := t.TempDir()
	hash, err := WriteGit(context.Background(), org, dir, WithCommitTime(testNow))
	if err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if head.Name() != plumbing.NewBranchReferenceName(Branch) || head.Hash() != hash {
		t.Fatalf("HEAD is %s at %s, want %s at %s", head.Name(), head.Hash(), Branch, hash)
	}

	src, err := load.RevSource(dir, Branch)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, org, src)

	// The same organisation and commit time give the same commit.
	again, err := WriteGit(context.Background(), org, t.TempDir(), WithCommitTime(testNow))
	if err != nil {
		t.Fatal(err)
	}
	if again != hash {
		t.Errorf("second commit is %s, want %s", again, hash)
	}

	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git not installed; skipping git fsck and git status")
		return
	}
	for _, args := range [][]string{{"fsck", "--strict"}, {"status", "--porcelain"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func TestWriteDirRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteDir(context.Background(), Generate(tiny, 1, WithNow(testNow)), dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("WriteDir into a non-empty folder: error = %v, want one saying it is not empty", err)
	}
	if _, err := WriteGit(context.Background(), Generate(tiny, 1, WithNow(testNow)), dir); err == nil {
		t.Fatal("WriteGit into a non-empty folder succeeded")
	}
}

func TestWriteDirRejectsBadPaths(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{name: "empty", file: "", want: "no file path"},
		{name: "absolute", file: "/etc/passwd", want: "must be relative"},
		{name: "escapes", file: "../outside.yaml", want: "must be relative"},
		{name: "into .git", file: ".git/config", want: "stay out of .git"},
		{name: "unclean", file: "people/./a.yaml", want: "must be relative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := model.NewOrg()
			org.Add(&model.Person{Meta: model.Meta{File: tt.file}, Kind: model.KindPerson, Name: "alice"})
			dir := t.TempDir()
			err := WriteDir(context.Background(), org, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteDir with file %q: error = %v, want one containing %q", tt.file, err, tt.want)
			}
			if n := countFiles(t, dir); n != 0 {
				t.Errorf("wrote %d files despite the error", n)
			}
		})
	}
	if err := WriteDir(context.Background(), nil, t.TempDir()); err == nil {
		t.Error("WriteDir(nil) succeeded")
	}
}

func TestWriteDirStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	err := WriteDir(ctx, Generate(Small, 1, WithNow(testNow)), dir)
	if err == nil {
		t.Fatal("WriteDir with a cancelled context succeeded")
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("wrote %d files after cancellation", n)
	}
}

func TestWriteDirMultiDocumentFile(t *testing.T) {
	org := model.NewOrg()
	org.Add(&model.Person{Meta: model.Meta{File: "people.yaml", Index: 1}, Kind: model.KindPerson, Name: "bob", Role: model.RoleAdmin})
	org.Add(&model.Person{Meta: model.Meta{File: "people.yaml", Index: 0}, Kind: model.KindPerson, Name: "alice"})
	org.Add(&model.Team{Meta: model.Meta{File: "mixed.yaml"}, Kind: model.KindTeam, Name: "ops", Members: []string{"bob"}})
	org.Add(&model.Role{Meta: model.Meta{File: "mixed.yaml", Index: 1}, Kind: model.KindRole, Name: "auditor", Inherits: model.RoleViewOnlyAdmin})
	dir := t.TempDir()
	if err := WriteDir(context.Background(), org, dir); err != nil {
		t.Fatal(err)
	}
	people, _ := os.ReadFile(filepath.Join(dir, "people.yaml"))
	want := "# yaml-language-server: $schema=" + SchemaURL(model.KindPerson) + "\nkind: Person\nname: alice\n---\nkind: Person\nname: bob\nrole: admin\n"
	if string(people) != want {
		t.Errorf("people.yaml =\n%s\nwant\n%s", people, want)
	}
	mixed, _ := os.ReadFile(filepath.Join(dir, "mixed.yaml"))
	if bytes.Contains(mixed, []byte("$schema")) {
		t.Errorf("a file with two kinds names one schema:\n%s", mixed)
	}
}

// closeSource releases a load.Source that holds descriptors when the test
// ends.
func closeSource(t *testing.T, src load.Source) {
	if c, ok := src.(io.Closer); ok {
		t.Cleanup(func() { c.Close() })
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonValue(t *testing.T, d model.Doc) any {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// diffOrgs compares two organisations document by document: the same
// documents in the same order, from the same files, with the same content.
func diffOrgs(t *testing.T, want, got *model.Org) []string {
	t.Helper()
	type entry struct {
		kind, name string
		meta       model.Meta
		content    string
	}
	list := func(o *model.Org) []entry {
		var out []entry
		o.Each(func(d model.Doc) {
			k, n := d.KindName()
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, entry{k, n, *d.Source(), string(b)})
		})
		return out
	}
	w, g := list(want), list(got)
	var diffs []string
	if len(w) != len(g) {
		diffs = append(diffs, fmt.Sprintf("loaded %d documents, want %d", len(g), len(w)))
	}
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			diffs = append(diffs, fmt.Sprintf("document %d:\n got %+v\nwant %+v", i, g[i], w[i]))
		}
		if len(diffs) > 5 {
			break
		}
	}
	if len(want.Policies) != len(got.Policies) {
		diffs = append(diffs, fmt.Sprintf("loaded %d policies, want %d", len(got.Policies), len(want.Policies)))
	} else {
		for i := range want.Policies {
			if want.Policies[i].Path != got.Policies[i].Path || !bytes.Equal(want.Policies[i].Data, got.Policies[i].Data) {
				diffs = append(diffs, fmt.Sprintf("policy %d: got %s, want %s", i, got.Policies[i].Path, want.Policies[i].Path))
			}
		}
	}
	return diffs
}

func TestCached(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, withGit := range []bool{false, true} {
		dir, err := Cached(context.Background(), tiny, 3, withGit)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := countFiles(t, dir), Files(Generate(tiny, 3, WithNow(CacheNow))); got != want {
			t.Errorf("cached folder holds %d files, want %d", got, want)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); (err == nil) != withGit {
			t.Errorf("git %v: .git present = %v", withGit, err == nil)
		}
		marker := filepath.Join(dir, "marker")
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := Cached(context.Background(), tiny, 3, withGit)
		if err != nil || again != dir {
			t.Fatalf("second Cached = %q, %v; want %q", again, err, dir)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Errorf("the cached folder was written again: %v", err)
		}
	}
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		if strings.Contains(e.Name(), ".partial-") {
			t.Errorf("left a partial folder behind: %s", e.Name())
		}
	}
}

// checkRoundTrip loads src and checks it holds exactly org, without
// findings.
func checkRoundTrip(t *testing.T, org *model.Org, src load.Source) {
	t.Helper()
	closeSource(t, src)
	loaded, findings, err := load.Load(context.Background(), src, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("loading %s: %s", src.Name(), f)
	}
	for _, d := range diffOrgs(t, org, loaded) {
		t.Error(d)
	}
}
