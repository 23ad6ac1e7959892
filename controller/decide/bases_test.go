package decide

import (
	"context"
	"sync"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

func TestBasesLoadEachCommitOnceAndEvictTheOldest(t *testing.T) {
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	c1 := gitrepotest.Commit(t, r, "one", gitrepotest.Text(map[string]string{"people/a.yaml": "kind: Person\nname: a\n"}))
	c2 := gitrepotest.Commit(t, r, "two", gitrepotest.Text(map[string]string{"people/b.yaml": "kind: Person\nname: b\n"}))
	c3 := gitrepotest.Commit(t, r, "three", gitrepotest.Text(map[string]string{"people/c.yaml": "kind: Person\nname: c\n"}))
	bases := NewBases(dir, 2)
	ctx := context.Background()

	// Concurrent loads of one commit share one Org.
	orgs := make([]*model.Org, 8)
	var wg sync.WaitGroup
	for i := range orgs {
		wg.Go(func() {
			b, err := bases.Load(ctx, c1)
			if err != nil {
				t.Error(err)
				return
			}
			orgs[i] = b.Org
		})
	}
	wg.Wait()
	for _, o := range orgs {
		if o != orgs[0] || o == nil || o.PersonByName["a"] == nil {
			t.Fatalf("concurrent loads of one commit returned different or wrong Orgs")
		}
	}
	two, err := bases.Load(ctx, c2)
	if err != nil || two.Org.PersonByName["b"] == nil || two.Org == orgs[0] {
		t.Fatalf("second commit: %v", err)
	}
	if again, _ := bases.Load(ctx, c1); again.Org != orgs[0] {
		t.Error("a cached commit was loaded again")
	}
	// c2 is now the least recently used; a third commit evicts it.
	if _, err := bases.Load(ctx, c3); err != nil {
		t.Fatal(err)
	}
	if again, _ := bases.Load(ctx, c1); again.Org != orgs[0] {
		t.Error("the most recently used commit was evicted")
	}
	if again, _ := bases.Load(ctx, c2); again == two {
		t.Error("the least recently used commit was kept beyond the size")
	}
}

func TestBasesDoNotKeepFailures(t *testing.T) {
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	c := gitrepotest.Commit(t, r, "one", gitrepotest.Text(map[string]string{"people/a.yaml": "kind: Person\nname: a\n"}))
	bases := NewBases(dir, 4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bases.Load(ctx, c); err == nil {
		t.Fatal("a load with a cancelled context succeeded")
	}
	if b, err := bases.Load(context.Background(), c); err != nil || b.Org.PersonByName["a"] == nil {
		t.Errorf("a failed load was kept: %v", err)
	}
}
