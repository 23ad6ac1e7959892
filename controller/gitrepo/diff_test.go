package gitrepo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

// lines returns a YAML document long enough for rename detection to see
// two versions that differ in one line as the same file.
func lines(kind, name string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kind: %s\nname: %s\n", kind, name)
	for i := range 8 {
		fmt.Fprintf(&b, "# line %d of the %s document, kept to give the file a body\n", i, name)
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return b.String()
}

func TestDiffDetectsEveryKindOfChangeInARealRepository(t *testing.T) {
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	base := gitrepotest.Commit(t, r, "base", gitrepotest.Text(map[string]string{
		"people/alice.yaml":   lines("Person", "alice"),
		"people/bob.yaml":     lines("Person", "bob"),
		"systems/github.yaml": lines("System", "github"),
		"access/x.yaml":       lines("AccessRequest", "x", "person: alice"),
		"README.md":           "unchanged\n",
	}))
	head := gitrepotest.Commit(t, r, "head", gitrepotest.Text(map[string]string{
		"people/alice.yaml": lines("Person", "alice", "role: admin"),
		"systems/gh.yaml":   lines("System", "github"),
		"access/y.yaml":     lines("AccessRequest", "x", "person: alice", "level: admin"),
		"teams/new.yaml":    lines("Team", "new"),
		"README.md":         "unchanged\n",
	}))
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	b, err := repo.Resolve(base.String())
	if err != nil {
		t.Fatal(err)
	}
	h, err := repo.Resolve(head.String())
	if err != nil {
		t.Fatal(err)
	}
	changes, err := repo.Diff(context.Background(), b, h)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, fmt.Sprintf("%s %s -> %s", c.Op, c.From.Path, c.To.Path))
		if c.Op != gitrepo.OpAdd && c.From.Hash.IsZero() || c.Op != gitrepo.OpDelete && c.To.Hash.IsZero() {
			t.Errorf("%+v lacks a blob hash", c)
		}
	}
	want := []string{
		"rename access/x.yaml -> access/y.yaml",
		"modify people/alice.yaml -> people/alice.yaml",
		"delete people/bob.yaml -> ",
		"rename systems/github.yaml -> systems/gh.yaml",
		"add  -> teams/new.yaml",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	same, err := repo.Diff(context.Background(), h, h)
	if err != nil || len(same) != 0 {
		t.Errorf("Diff of a commit with itself = %v, %v; want nothing", same, err)
	}
}
