package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// fakeTarget is an integration whose accounts live in memory, optionally
// mirrored to a JSON file so that a second process sees them.
type fakeTarget struct {
	mu       sync.Mutex
	accounts map[string]map[string]bool
	calls    []string
	fail     map[string]int // account+entitlement -> failures left
	file     string
	// block, when set, is called before a grant of the named account and
	// may never return (to be killed there).
	block func(account string)
}

func newFakeTarget() *fakeTarget {
	return &fakeTarget{accounts: map[string]map[string]bool{}, fail: map[string]int{}}
}

func (f *fakeTarget) Capabilities() Capabilities {
	return Capabilities{List: true, Grant: true, Revoke: true}
}

func (f *fakeTarget) AccountFor(p *model.Person) (string, error) {
	if p.GitHub == "" {
		return "", fmt.Errorf("%s has no github login", p.Name)
	}
	return p.GitHub, nil
}

func (f *fakeTarget) List(context.Context, []string) ([]Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load()
	var out []Account
	for id, ents := range f.accounts {
		a := Account{ID: id}
		for e := range ents {
			a.Entitlements = append(a.Entitlements, e)
		}
		slices.Sort(a.Entitlements)
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int { return compare(a.ID, b.ID) })
	return out, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *fakeTarget) Grant(_ context.Context, account, entitlement string) error {
	if f.block != nil {
		f.block(account)
	}
	return f.change(OpGrant, account, entitlement)
}

func (f *fakeTarget) Revoke(_ context.Context, account, entitlement string) error {
	return f.change(OpRevoke, account, entitlement)
}

func (f *fakeTarget) change(op, account, entitlement string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load()
	f.calls = append(f.calls, op+" "+account+" "+entitlement)
	if n := f.fail[account+" "+entitlement]; n > 0 {
		f.fail[account+" "+entitlement] = n - 1
		return errors.New("the target is down")
	}
	if op == OpGrant {
		if f.accounts[account] == nil {
			f.accounts[account] = map[string]bool{}
		}
		f.accounts[account][entitlement] = true
	} else {
		delete(f.accounts[account], entitlement)
		if len(f.accounts[account]) == 0 {
			delete(f.accounts, account)
		}
	}
	f.save()
	return nil
}

func (f *fakeTarget) load() {
	if f.file == "" {
		return
	}
	if data, err := os.ReadFile(f.file); err == nil {
		_ = json.Unmarshal(data, &f.accounts)
	}
}

func (f *fakeTarget) save() {
	if f.file == "" {
		return
	}
	data, _ := json.Marshal(f.accounts)
	_ = os.WriteFile(f.file+".tmp", data, 0o644)
	_ = os.Rename(f.file+".tmp", f.file)
}

func (f *fakeTarget) has(account, entitlement string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load()
	return f.accounts[account][entitlement]
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func runner(st *store.Store, gh *fakeTarget) *Runner {
	return &Runner{Store: st, Integrations: map[string]Integration{"gh": gh}, Attempts: 3, Backoff: time.Millisecond,
		Now: func() time.Time { return now }}
}

func TestRunnerGrantsThenRevokesAndRecordsTheLifecycle(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	r := runner(st, gh)

	org := testOrg("alice github member", "bob badge visitor")
	res, err := r.Reconcile(ctx, org, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 1 || res.Tasks != 1 || !gh.has("alice-gh", "member") {
		t.Fatalf("first run: %+v, target %v", res, gh.accounts)
	}
	for path, want := range map[string]string{"access/github/alice-0.yaml": StateProvisioned, "access/badge/bob-1.yaml": StatePendingProvisioning} {
		got, ok, err := st.Request(ctx, path)
		if err != nil || !ok || got.State != want {
			t.Errorf("%s: state %q, want %q (%v)", path, got.State, want, err)
		}
	}

	// A second run changes nothing: level-triggered and idempotent.
	gh.calls = nil
	if res, err = r.Reconcile(ctx, org, Options{}); err != nil || res.Done != 0 || len(gh.calls) != 0 {
		t.Fatalf("second run acted again: %+v %v %v", res, gh.calls, err)
	}

	// The request is removed: its grant is revoked and the request too.
	org = testOrg("bob badge visitor")
	if res, err = r.Reconcile(ctx, org, Options{}); err != nil || res.Done != 1 || gh.has("alice-gh", "member") {
		t.Fatalf("after removal: %+v %v %v", res, gh.accounts, err)
	}
	if got, _, _ := st.Request(ctx, "access/github/alice-0.yaml"); got.State != StateRevoked {
		t.Errorf("removed request is %q, want revoked", got.State)
	}
}

func TestRunnerRetriesAndIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	gh.fail["alice-gh member"] = 2 // fails twice, then works
	gh.fail["bob-gh member"] = 10  // never works in this run
	r := runner(st, gh)
	res, err := r.Reconcile(ctx, testOrg("alice github member", "bob github member"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 1 || res.Failed != 1 || !gh.has("alice-gh", "member") {
		t.Fatalf("result %+v, target %v", res, gh.accounts)
	}
	if got, _, _ := st.Request(ctx, "access/github/bob-1.yaml"); got.State != StateFailed {
		t.Errorf("bob's request is %q, want failed", got.State)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	st := openStore(t, path)
	gh := newFakeTarget()
	r := runner(st, gh)
	res, err := r.Reconcile(ctx, testOrg("alice github member"), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Plan.Counts(); c.Grants != 1 || len(gh.calls) != 0 {
		t.Fatalf("dry run: plan %+v, calls %v", c, gh.calls)
	}
	if reqs, _ := st.Requests(ctx, store.RequestFilter{}); len(reqs) != 0 {
		t.Errorf("a dry run wrote request states: %v", reqs)
	}
	if pending, _ := st.Pending(ctx); len(pending) != 0 {
		t.Errorf("a dry run journaled actions: %v", pending)
	}
}

func TestS13UnapprovedMergeIsHeld(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	r := runner(st, gh)
	org := testOrg("alice github member", "bob github member")
	if err := st.RecordDecision(ctx, store.Decision{PR: 7, Head: "abc", MergeCommit: "def", Approved: true,
		Approvers: []string{"carol"}, Requests: []string{"access/github/bob-1.yaml"}, At: now}); err != nil {
		t.Fatal(err)
	}
	res, err := r.Reconcile(ctx, org, Options{RequireApproval: true})
	if err != nil {
		t.Fatal(err)
	}
	if gh.has("alice-gh", "member") || !gh.has("bob-gh", "member") || res.Done != 1 {
		t.Fatalf("provisioned without approval: %v (%+v)", gh.accounts, res)
	}
	if got, _, _ := st.Request(ctx, "access/github/alice-0.yaml"); got.State != StateUnapprovedMerge {
		t.Errorf("alice's request is %q, want unapproved-merge", got.State)
	}
}

func TestS8OverrideIsAudited(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	r := runner(st, gh)
	var reqs []string
	for i := range 12 {
		name := fmt.Sprintf("p%02d", i)
		reqs = append(reqs, name+" github member")
	}
	org := testOrg()
	for i := range 12 {
		org.Add(&model.Person{Kind: model.KindPerson, Name: fmt.Sprintf("p%02d", i), GitHub: fmt.Sprintf("p%02d-gh", i), Role: model.RoleCollaborator})
	}
	full := testOrg()
	for _, p := range org.People {
		if full.PersonByName[p.Name] == nil {
			full.Add(p)
		}
	}
	for i, spec := range reqs {
		full.Add(&model.AccessRequest{Kind: model.KindAccessRequest, Person: spec[:3], System: "github", Level: "member", Meta: model.Meta{File: fmt.Sprintf("access/github/%d.yaml", i)}})
	}
	if _, err := r.Reconcile(ctx, full, Options{}); err != nil {
		t.Fatal(err)
	}
	// Every request removed at once: twelve revocations, over the cap.
	res, err := r.Reconcile(ctx, org, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Counts().Blocked != 1 || res.Done != 0 || !gh.has("p00-gh", "member") {
		t.Fatalf("the cap did not stop the mass revocation: %+v", res)
	}
	res, err = r.Reconcile(ctx, org, Options{AllowRevocations: 12, Actor: "priya"})
	if err != nil || res.Done != 12 || gh.has("p00-gh", "member") {
		t.Fatalf("the override did not apply: %+v %v", res, err)
	}
	events, err := st.AuditLog(ctx, store.AuditQuery{Kind: "override"})
	if err != nil || len(events) != 1 || events[0].Actor != "priya" {
		t.Errorf("the override is not on the record: %+v %v", events, err)
	}
}

// TestS11CrashMidRunConverges kills a reconcile process while an action
// is in flight, then runs again on the same store and target: everything
// is granted exactly once, nothing is lost, and the journal holds no
// action left intended.
func TestS11CrashMidRunConverges(t *testing.T) {
	if os.Getenv("GATEHOUSE_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestS11CrashMidRunConverges$")
	cmd.Env = append(os.Environ(), "GATEHOUSE_CRASH_CHILD="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "in-flight")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the child never reached the action to be killed in")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	st := openStore(t, filepath.Join(dir, "state.db"))
	pending, err := st.Pending(context.Background())
	if err != nil || len(pending) != 1 || pending[0].Account != "carol-gh" {
		t.Fatalf("after the crash the journal should hold carol's grant as intended: %+v %v", pending, err)
	}
	gh := newFakeTarget()
	gh.file = filepath.Join(dir, "target.json")
	res, err := runner(st, gh).Reconcile(context.Background(), testOrg("alice github member", "bob github member", "carol github member"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Recovered != 1 {
		t.Errorf("recovered %d actions, want 1", res.Recovered)
	}
	for _, a := range []string{"alice-gh", "bob-gh", "carol-gh"} {
		if !gh.has(a, "member") {
			t.Errorf("%s was lost", a)
		}
	}
	if pending, _ := st.Pending(context.Background()); len(pending) != 0 {
		t.Errorf("actions still intended: %+v", pending)
	}
	// Nothing doubled: no action ran again once the grant was recorded.
	if res.Done != 0 {
		t.Errorf("the second run granted %d entitlements again", res.Done)
	}
}

// crashChild reconciles alice, bob and carol and blocks inside carol's
// grant, after saying so, until the parent kills it.
func crashChild() {
	dir := os.Getenv("GATEHOUSE_CRASH_CHILD")
	st, err := store.Open(context.Background(), filepath.Join(dir, "state.db"))
	if err != nil {
		panic(err)
	}
	gh := newFakeTarget()
	gh.file = filepath.Join(dir, "target.json")
	gh.block = func(account string) {
		if account == "carol-gh" {
			_ = os.WriteFile(filepath.Join(dir, "in-flight"), nil, 0o644)
			select {}
		}
	}
	r := &Runner{Store: st, Integrations: map[string]Integration{"gh": gh}, Attempts: 1, Now: func() time.Time { return now }}
	_, _ = r.Reconcile(context.Background(), testOrg("alice github member", "bob github member", "carol github member"), Options{})
}

func TestIncrementalRunAfterAMergeMatchesAFullRun(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
	gh := newFakeTarget()
	r := runner(st, gh)
	// alice holds member twice (two requests), bob once; carol has none.
	if _, err := r.Reconcile(ctx, testOrg("alice github member", "alice github also-member", "bob github member", "bob badge visitor"), Options{}); err != nil {
		t.Fatal(err)
	}
	// The merge removes one of alice's two requests, bob's github request,
	// and adds carol's; only those files are reconciled.
	org := testOrg("alice github member", "bob badge visitor", "carol github maintainer")
	// testOrg names files by position; rename to keep the untouched ones.
	rename := map[string]string{"access/badge/bob-1.yaml": "access/badge/bob-3.yaml"}
	for old, new := range rename {
		req := org.RequestByPath[old]
		delete(org.RequestByPath, old)
		req.File = new
		org.RequestByPath[new] = req
	}
	carol := org.RequestByPath["access/github/carol-2.yaml"]
	delete(org.RequestByPath, carol.File)
	carol.File = "access/github/carol-9.yaml"
	org.RequestByPath[carol.File] = carol
	only := map[string]bool{"access/github/alice-1.yaml": true, "access/github/bob-2.yaml": true, "access/github/carol-9.yaml": true}
	res, err := r.Reconcile(ctx, org, Options{Only: only})
	if err != nil {
		t.Fatal(err)
	}
	if !gh.has("alice-gh", "member") || gh.has("bob-gh", "member") || !gh.has("carol-gh", "team:platform:maintainer") {
		t.Fatalf("incremental run left %v (%+v)", gh.accounts, res)
	}
	for path, want := range map[string]string{"access/github/bob-2.yaml": StateRevoked, "access/github/carol-9.yaml": StateProvisioned, "access/github/alice-1.yaml": StateRevoked} {
		if got, _, _ := st.Request(ctx, path); got.State != want {
			t.Errorf("%s is %q, want %q", path, got.State, want)
		}
	}
	// A full run afterwards finds nothing left to do.
	gh.calls = nil
	full, err := r.Reconcile(ctx, org, Options{})
	if err != nil || full.Done != 0 || len(gh.calls) != 0 {
		t.Errorf("a full run after the incremental one still acted: %+v %v %v", full, gh.calls, err)
	}
}

func TestS12AccessIsRevokedOnRemovalExpiryAndOffboarding(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after *model.Org
	}{
		{"removal", testOrg()},
		{"expiry", testOrg("bob github member expired")},
		{"offboarding", func() *model.Org {
			o := testOrg("bob github member")
			o.PersonByName["bob"].Status = model.StatusOffboarded
			return o
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
			gh := newFakeTarget()
			r := runner(st, gh)
			if _, err := r.Reconcile(ctx, testOrg("bob github member"), Options{}); err != nil || !gh.has("bob-gh", "member") {
				t.Fatalf("grant: %v %v", err, gh.accounts)
			}
			res, err := r.Reconcile(ctx, tc.after, Options{})
			if err != nil || res.Done != 1 || gh.has("bob-gh", "member") {
				t.Fatalf("bob kept his access after %s: %+v %v %v", tc.name, res, err, gh.accounts)
			}
		})
	}
}
