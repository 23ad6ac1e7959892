package load

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

// TestRevSourceOfASubdirectory loads an access repo kept in a folder of a
// larger Git repository: from a revision, only that folder's files are
// read, named relative to it, exactly as from the directory.
func TestRevSourceOfASubdirectory(t *testing.T) {
	top := t.TempDir()
	files := gitrepotest.Text(map[string]string{
		"access-repo/people/alice.yaml": "kind: Person\nname: alice\nrole: admin\ngithub: alice\n",
		"access-repo/teams/ops.yaml":    "kind: Team\nname: ops\nmembers: [alice]\n",
		"ci/config.yaml":                "not: gatehouse\n",
		"people/alice.yaml":             "kind: Person\nname: alice\nrole: employee\n",
	})
	repo := gitrepotest.Init(t, top)
	gitrepotest.Commit(t, repo, "access repo in a folder", files)
	gitrepotest.WriteDir(t, top, files)
	dir := filepath.Join(top, "access-repo")

	rev, err := RevSource(dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	fromRev, findings, err := Load(context.Background(), rev, Options{})
	if err != nil || len(findings) != 0 {
		t.Fatalf("Load from the revision: %v %v", err, findings)
	}
	src, err := DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	fromDir, _, err := Load(context.Background(), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromRev.People) != 1 || fromRev.People[0].File != "people/alice.yaml" || fromRev.People[0].Role != "admin" {
		t.Fatalf("people from the revision = %+v, want only access-repo/people/alice.yaml as people/alice.yaml", fromRev.People)
	}
	if len(fromRev.Teams) != len(fromDir.Teams) || len(fromRev.People) != len(fromDir.People) {
		t.Errorf("revision and directory differ: %d/%d teams, %d/%d people", len(fromRev.Teams), len(fromDir.Teams), len(fromRev.People), len(fromDir.People))
	}
}
