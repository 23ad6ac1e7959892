package reconcile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for path, data := range files {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWatcherReconcilesWhenTheRepoChanges(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"gatehouse.yaml":                  "kind: Config\nname: acme\nintegrations:\n  - name: gh\n    type: github\n    github: {organization: acme}\n",
		"people/alice.yaml":               "kind: Person\nname: alice\nrole: admin\ngithub: alice-gh\n",
		"people/bob.yaml":                 "kind: Person\nname: bob\nrole: collaborator\ngithub: bob-gh\n",
		"systems/github.yaml":             "kind: System\nname: github\nintegration: gh\napprovers: [alice]\nadmins: [alice]\naccessLevels:\n  - name: member\n",
		"access/github/alice-member.yaml": "kind: AccessRequest\nperson: alice\nsystem: github\nlevel: member\n",
	})
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	results := make(chan error, 10)
	var last *Result
	w := &Watcher{
		Runner:   runner(st, gh),
		Dir:      dir,
		Load:     func(ctx context.Context) (*model.Org, model.Findings, error) { return load.Open(ctx, dir, "") },
		Interval: time.Hour,
		Debounce: 50 * time.Millisecond,
		Report: func(r *Result, err error) {
			last = r
			results <- err
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	next := func() error {
		t.Helper()
		select {
		case err := <-results:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("no reconcile run")
			return nil
		}
	}

	if err := next(); err != nil || !gh.has("alice-gh", "member") {
		t.Fatalf("first run: %v, target %v", err, gh.accounts)
	}
	// A new request file: reconciled on its own.
	writeFiles(t, dir, map[string]string{"access/github/bob-member.yaml": "kind: AccessRequest\nperson: bob\nsystem: github\nlevel: member\n"})
	if err := next(); err != nil || !gh.has("bob-gh", "member") || last.Plan.only == nil {
		t.Fatalf("after a new request: %v, target %v, incremental %v", err, gh.accounts, last != nil && last.Plan.only != nil)
	}
	// A broken file: nothing is reconciled, so nothing it grants is lost.
	writeFiles(t, dir, map[string]string{"access/github/bob-member.yaml": "kind: AccessRequest\nperson: bob\nsystem: [github\n"})
	if err := next(); !errors.Is(err, ErrInvalidRepo) || !gh.has("bob-gh", "member") {
		t.Fatalf("after a broken file: %v, target %v", err, gh.accounts)
	}
	// The file removed: its grant is revoked.
	if err := os.Remove(filepath.Join(dir, "access/github/bob-member.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := next(); err != nil || gh.has("bob-gh", "member") {
		t.Fatalf("after removal: %v, target %v", err, gh.accounts)
	}
}
