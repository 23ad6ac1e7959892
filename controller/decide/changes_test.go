package decide

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var baseFiles = map[string]string{
	"gatehouse.yaml":                 "kind: Config\nname: acme\npolicyOwners: [alice]\n",
	"people/alice.yaml":              "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
	"people/bob.yaml":                "kind: Person\nname: bob\nrole: collaborator\ngithub: bob\n",
	"systems/github.yaml":            "kind: System\nname: github\napprovers: [alice]\nadmins: [alice]\naccessLevels:\n  - name: member\n  - name: admin\n",
	"access/github/alice-admin.yaml": "kind: AccessRequest\nperson: alice\nsystem: github\nlevel: member\n",
	"teams/all.yaml":                 "kind: Team\nname: a\nmembers: [alice]\n---\nkind: Team\nname: b\nmembers: [bob]\n",
	"policies/p.rego":                "package gatehouse.org.p\n",
	"README.md":                      "the access repo\n",
}

// commitPair commits base, then base with edits applied (a value of ""
// deletes the file), and returns both commits resolved in repo.
func commitPair(t *testing.T, dir string, base map[string]string, edits gitrepotest.Files) (*gitrepo.Repo, *gitrepo.Commit, *gitrepo.Commit) {
	t.Helper()
	r := gitrepotest.Init(t, dir)
	b := gitrepotest.Commit(t, r, "base", gitrepotest.Text(base))
	head := gitrepotest.Text(base)
	for p, f := range edits {
		if f.Data == nil && f.Link == "" {
			delete(head, p)
			continue
		}
		head[p] = f
	}
	h := gitrepotest.Commit(t, r, "head", head)
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	bc, err := repo.Resolve(b.String())
	if err != nil {
		t.Fatal(err)
	}
	hc, err := repo.Resolve(h.String())
	if err != nil {
		t.Fatal(err)
	}
	return repo, bc, hc
}

// loadBase loads the access repo at dir as of commit c, which must be
// free of errors.
func loadBase(t *testing.T, dir string, c *gitrepo.Commit) *model.Org {
	t.Helper()
	src, err := load.RevSource(dir, c.Hash.String())
	if err != nil {
		t.Fatal(err)
	}
	org, fs, err := load.Load(context.Background(), src, load.Options{})
	if err != nil || fs.Errors() > 0 {
		t.Fatalf("load base: %v %v", err, fs)
	}
	return org
}

func text(s string) gitrepotest.File { return gitrepotest.File{Data: []byte(s)} }

var deleted = gitrepotest.File{}

func changesOf(t *testing.T, dir string, edits gitrepotest.Files) ([]Change, []string) {
	t.Helper()
	repo, base, head := commitPair(t, dir, baseFiles, edits)
	org := loadBase(t, dir, base)
	changes, findings, err := Changes(context.Background(), repo, base, head, org)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		line := fmt.Sprintf("%s %s %s %s", c.Op, c.Kind, c.ID, c.Path)
		if len(c.Fields) > 0 {
			line += " [" + strings.Join(c.Fields, ",") + "]"
		}
		if (c.Op == OpAdd) != (c.Before == nil) && c.Kind != KindPolicy || (c.Op == OpRemove) != (c.After == nil) && c.Kind != KindPolicy {
			t.Errorf("%s: before/after do not match the op", line)
		}
		got = append(got, line)
	}
	var fgot []string
	for _, f := range findings {
		fgot = append(fgot, f.File+" "+f.Rule)
	}
	return changes, append(got, fgot...)
}

// TestChangesInARealRepository covers every kind of change at once: an
// added and a modified request, a removed person, a person whose file was
// renamed and edited, a team moved to its own file and a comment-only edit
// (no change for either), policy files, a file outside format v1
// (README.md) and a head file with an error.
func TestChangesInARealRepository(t *testing.T) {
	_, got := changesOf(t, t.TempDir(), gitrepotest.Files{
		"access/github/carol-member.yaml": text("kind: AccessRequest\nperson: carol\nsystem: github\nlevel: member\n"),
		"access/github/alice-admin.yaml":  text("kind: AccessRequest\nperson: alice\nsystem: github\nlevel: admin\n"),
		"people/bob.yaml":                 deleted,
		"systems/github.yaml":             text("# who approves github\n" + baseFiles["systems/github.yaml"]),
		"teams/all.yaml":                  text("kind: Team\nname: a\nmembers: [alice]\n"),
		"teams/b.yaml":                    text("kind: Team\nname: b\nmembers: [bob]\n"),
		"people/alice.yaml":               deleted,
		"people/alice-smith.yaml":         text("kind: Person\nname: alice\nrole: editor\ngithub: alice\n"),
		"policies/p.rego":                 text("package gatehouse.org.p\n\nx := 1\n"),
		"policies/new.rego":               text("package gatehouse.org.n\n"),
		"README.md":                       text("changed\n"),
		"people/dan.yaml":                 text("kind: Person\nname: dan\nnickname: d\n"),
	})
	want := []string{
		"modify AccessRequest access/github/alice-admin.yaml access/github/alice-admin.yaml [level]",
		"add AccessRequest access/github/carol-member.yaml access/github/carol-member.yaml",
		"modify Person Person/alice people/alice-smith.yaml [role]",
		"remove Person Person/bob people/bob.yaml",
		"add Policy policies/new.rego policies/new.rego",
		"modify Policy policies/p.rego policies/p.rego",
		"people/dan.yaml unknown-field",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestChangesRenamedRequestIsANewRequest(t *testing.T) {
	_, got := changesOf(t, t.TempDir(), gitrepotest.Files{
		"access/github/alice-admin.yaml":  deleted,
		"access/github/alice-member.yaml": text(baseFiles["access/github/alice-admin.yaml"]),
	})
	want := []string{
		"remove AccessRequest access/github/alice-admin.yaml access/github/alice-admin.yaml",
		"add AccessRequest access/github/alice-member.yaml access/github/alice-member.yaml",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestChangesRefuseSymlinks(t *testing.T) {
	dir := t.TempDir()
	repo, base, head := commitPair(t, dir, baseFiles, gitrepotest.Files{
		"people/link.yaml": {Link: "alice.yaml"},
	})
	org := loadBase(t, dir, base)
	if _, _, err := Changes(context.Background(), repo, base, head, org); !errors.Is(err, ErrSymlinkChange) {
		t.Errorf("Changes with a new symbolic link: err = %v, want ErrSymlinkChange", err)
	}
}

// TestChangesOfAnAccessRepoInAFolder reads only the access repo's folder
// of a larger Git repository, with paths relative to that folder.
func TestChangesOfAnAccessRepoInAFolder(t *testing.T) {
	top := t.TempDir()
	base := map[string]string{"ci/people/x.yaml": "kind: Person\nname: x\n"}
	for p, s := range baseFiles {
		base["access-repo/"+p] = s
	}
	_, bc, hc := commitPair(t, top, base, gitrepotest.Files{
		"ci/people/y.yaml":                          text("kind: Person\nname: y\n"),
		"access-repo/access/github/bob-member.yaml": text("kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n"),
	})
	gitrepotest.WriteDir(t, top, gitrepotest.Text(base))
	dir := top + "/access-repo"
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	org := loadBase(t, dir, bc)
	changes, findings, err := Changes(context.Background(), repo, bc, hc, org)
	if err != nil || len(findings) > 0 {
		t.Fatal(err, findings)
	}
	if len(changes) != 1 || changes[0].ID != "access/github/bob-member.yaml" || changes[0].Op != OpAdd {
		t.Errorf("changes = %+v, want only the added request, named inside the folder", changes)
	}
}

func TestChangesOfABranchBehindItsBaseAreItsOwn(t *testing.T) {
	// The pull request forked before main gained bob's request; its
	// changes are its own request only, not the removal of bob's.
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	fork := gitrepotest.Commit(t, r, "fork", gitrepotest.Text(baseFiles))
	prFiles := gitrepotest.Text(baseFiles)
	prFiles["access/github/alice-member.yaml"] = text("kind: AccessRequest\nperson: alice\nsystem: github\nlevel: member\n")
	head := gitrepotest.Commit(t, r, "pull request", prFiles)
	head2, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	gitrepotest.Ref(t, r, head2.Name().String(), fork)
	mainFiles := gitrepotest.Text(baseFiles)
	mainFiles["access/github/bob-member.yaml"] = text("kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n")
	base := gitrepotest.Commit(t, r, "main moves on", mainFiles)

	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	bc, err := repo.Resolve(base.String())
	if err != nil {
		t.Fatal(err)
	}
	hc, err := repo.Resolve(head.String())
	if err != nil {
		t.Fatal(err)
	}
	changes, _, err := Changes(context.Background(), repo, bc, hc, loadBase(t, dir, bc))
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].ID != "access/github/alice-member.yaml" || changes[0].Op != OpAdd {
		t.Fatalf("changes = %+v, want only the addition of alice's request", changes)
	}
}
