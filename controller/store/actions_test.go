package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func grantAction(account, entitlement string) Action {
	return Action{Integration: "github", System: "github", Account: account, Entitlement: entitlement,
		Op: OpGrant, Requests: []string{"requests/" + account + ".yaml"}, Reason: "approved request"}
}

func revokeAction(account, entitlement string) Action {
	a := grantAction(account, entitlement)
	a.Op, a.Reason = OpRevoke, "request removed"
	return a
}

func ids(list []Action) []int64 {
	out := []int64{}
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

func grants(list []Grant) []string {
	out := []string{}
	for _, g := range list {
		out = append(out, g.Integration+"/"+g.Account+"/"+g.Entitlement)
	}
	return out
}

func TestIntendAndFinish(t *testing.T) { forBackends(t, testIntendAndFinish) }

func testIntendAndFinish(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	a := grantAction("alice", "member")
	a.Requests = []string{"requests/b.yaml", "requests/a.yaml", "requests/a.yaml"}
	id, err := s.Intend(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 {
		t.Fatalf("Pending = %v, want the intended action", pending)
	}
	got := pending[0]
	want := Action{ID: id, Integration: "github", System: "github", Account: "alice", Entitlement: "member",
		Op: OpGrant, Requests: []string{"requests/a.yaml", "requests/b.yaml"}, Reason: "approved request",
		State: ActionIntended, IntendedAt: time.Date(2025, 3, 1, 9, 0, 1, 0, time.UTC)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Pending[0] =\n%+v\nwant\n%+v", got, want)
	}
	if m, _ := s.Managed(ctx, "github"); len(m) != 0 {
		t.Fatalf("an intended grant is already managed: %v", m)
	}

	if err := s.Finish(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Fatalf("Pending after Finish = %v, want none", p)
	}
	m, err := s.Managed(ctx, "github")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Grant{Integration: "github", System: "github", Account: "alice", Entitlement: "member",
		Since: time.Date(2025, 3, 1, 9, 0, 2, 0, time.UTC)}); len(m) != 1 || m[0] != want {
		t.Fatalf("Managed after a done grant = %v, want %v", m, want)
	}
	if err := s.Finish(ctx, id, nil); err == nil || !strings.Contains(err.Error(), "already done") {
		t.Fatalf("finishing a done action again: %v, want an error", err)
	}
}

func TestIntendRejectsIncompleteActions(t *testing.T) {
	forBackends(t, testIntendRejectsIncompleteActions)
}

func testIntendRejectsIncompleteActions(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	for _, tc := range []struct {
		name string
		edit func(*Action)
		want string
	}{
		{"unknown op", func(a *Action) { a.Op = "delete" }, "use one of: grant, revoke"},
		{"no account", func(a *Action) { a.Account = "" }, "needs an integration, an account and an entitlement"},
		{"no entitlement", func(a *Action) { a.Entitlement = "" }, "needs an integration, an account and an entitlement"},
		{"no integration", func(a *Action) { a.Integration = "" }, "needs an integration, an account and an entitlement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := grantAction("alice", "member")
			tc.edit(&a)
			if _, err := s.Intend(context.Background(), a); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Intend: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestJournal runs sequences of actions and checks what Pending, Failed
// and Managed say afterwards.
func TestJournal(t *testing.T) { forBackends(t, testJournal) }

func testJournal(t *testing.T, b backend) {
	boom := errors.New("github: 502 bad gateway")
	type step struct {
		action Action
		finish bool  // call Finish
		err    error // with this error
		retry  int   // or finish an earlier step's action again (1-based)
	}
	for _, tc := range []struct {
		name                   string
		steps                  []step
		pending, failed        []int64
		managed                []string
		attempts, lastAttempts int // of the last step's action
	}{
		{
			name:    "intended only",
			steps:   []step{{action: grantAction("alice", "member")}},
			pending: []int64{1}, failed: []int64{}, managed: []string{}, attempts: 0,
		},
		{
			name:    "done grant is managed",
			steps:   []step{{action: grantAction("alice", "member"), finish: true}},
			pending: []int64{}, failed: []int64{}, managed: []string{"github/alice/member"}, attempts: 1,
		},
		{
			name:    "failed grant is not managed and waits for a retry",
			steps:   []step{{action: grantAction("alice", "member"), finish: true, err: boom}},
			pending: []int64{}, failed: []int64{1}, managed: []string{}, attempts: 1,
		},
		{
			name: "retry of the same action that succeeds",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{retry: 1, err: boom},
				{retry: 1},
			},
			pending: []int64{}, failed: []int64{}, managed: []string{"github/alice/member"}, attempts: 3,
		},
		{
			name: "a later done action supersedes a failure",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{action: grantAction("alice", "member"), finish: true},
			},
			pending: []int64{}, failed: []int64{}, managed: []string{"github/alice/member"}, attempts: 1,
		},
		{
			name: "a later revocation supersedes a failed grant",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{action: revokeAction("alice", "member"), finish: true},
			},
			pending: []int64{}, failed: []int64{}, managed: []string{}, attempts: 1,
		},
		{
			name: "a later failure replaces an earlier one",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{action: grantAction("alice", "member"), finish: true, err: boom},
			},
			pending: []int64{}, failed: []int64{2}, managed: []string{}, attempts: 1,
		},
		{
			name: "a later intended action leaves the retry to Pending",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{action: grantAction("alice", "member")},
			},
			pending: []int64{2}, failed: []int64{}, managed: []string{}, attempts: 0,
		},
		{
			name: "failures on other keys stay",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true, err: boom},
				{action: grantAction("bob", "member"), finish: true},
				{action: grantAction("alice", "admin"), finish: true, err: boom},
			},
			pending: []int64{}, failed: []int64{1, 3}, managed: []string{"github/bob/member"}, attempts: 1,
		},
		{
			name: "done revocation removes the managed grant",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true},
				{action: grantAction("bob", "member"), finish: true},
				{action: revokeAction("alice", "member"), finish: true},
			},
			pending: []int64{}, failed: []int64{}, managed: []string{"github/bob/member"}, attempts: 1,
		},
		{
			name: "failed revocation keeps the managed grant",
			steps: []step{
				{action: grantAction("alice", "member"), finish: true},
				{action: revokeAction("alice", "member"), finish: true, err: boom},
			},
			pending: []int64{}, failed: []int64{2}, managed: []string{"github/alice/member"}, attempts: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTest(t, b)
			ctx := context.Background()
			var stepIDs []int64
			var last int64
			for _, st := range tc.steps {
				if st.retry > 0 {
					last = stepIDs[st.retry-1]
					if err := s.Finish(ctx, last, st.err); err != nil {
						t.Fatal(err)
					}
					continue
				}
				id, err := s.Intend(ctx, st.action)
				if err != nil {
					t.Fatal(err)
				}
				stepIDs, last = append(stepIDs, id), id
				if st.finish {
					if err := s.Finish(ctx, id, st.err); err != nil {
						t.Fatal(err)
					}
				}
			}
			pending, err := s.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			failed, err := s.Failed(ctx)
			if err != nil {
				t.Fatal(err)
			}
			managed, err := s.Managed(ctx, "github")
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(pending); !reflect.DeepEqual(got, tc.pending) {
				t.Errorf("Pending = %v, want %v", got, tc.pending)
			}
			if got := ids(failed); !reflect.DeepEqual(got, tc.failed) {
				t.Errorf("Failed = %v, want %v", got, tc.failed)
			}
			for _, f := range failed {
				if f.Error != boom.Error() || f.State != ActionFailed || f.FinishedAt.IsZero() {
					t.Errorf("failed action %+v lacks its error, state or time", f)
				}
			}
			if got := grants(managed); !reflect.DeepEqual(got, tc.managed) {
				t.Errorf("Managed = %v, want %v", got, tc.managed)
			}
			var attempts int
			if err := s.queryRow(context.Background(), `SELECT attempts FROM actions WHERE id = ?`, last).Scan(&attempts); err != nil {
				t.Fatal(err)
			}
			if attempts != tc.attempts {
				t.Errorf("attempts of action %d = %d, want %d", last, attempts, tc.attempts)
			}
		})
	}
}

// TestPruneJournalKeepsWhatARestartNeeds: pruning forgets old settled
// actions only; what a restart runs (intended actions), failures still to
// retry, recent actions and the managed grants all stay.
func TestPruneJournalKeepsWhatARestartNeeds(t *testing.T) {
	forBackends(t, testPruneJournalKeepsWhatARestartNeeds)
}

func testPruneJournalKeepsWhatARestartNeeds(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	boom := errors.New("github: 502 bad gateway")
	run := func(a Action, finish bool, err error) {
		t.Helper()
		id, ierr := s.Intend(ctx, a)
		if ierr != nil {
			t.Fatal(ierr)
		}
		if finish {
			if ferr := s.Finish(ctx, id, err); ferr != nil {
				t.Fatal(ferr)
			}
		}
	}
	run(grantAction("alice", "member"), true, nil)  // 1: done, old: pruned
	run(grantAction("bob", "member"), true, boom)   // 2: failed, superseded by 3: pruned
	run(grantAction("bob", "member"), true, nil)    // 3: done, old: pruned
	run(grantAction("carol", "member"), true, boom) // 4: failed, still to retry: kept
	run(grantAction("dave", "member"), false, nil)  // 5: intended: kept
	cutoff := s.now()
	run(grantAction("erin", "member"), true, nil) // 6: done after the cutoff: kept

	n, err := s.PruneJournal(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("pruned %d actions, want 3", n)
	}
	var left []int64
	rows, err := s.db.Query(`SELECT id FROM actions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		left = append(left, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []int64{4, 5, 6}; !reflect.DeepEqual(left, want) {
		t.Errorf("actions left = %v, want %v", left, want)
	}
	pending, _ := s.Pending(ctx)
	failed, _ := s.Failed(ctx)
	managed, _ := s.Managed(ctx, "github")
	if got := ids(pending); !reflect.DeepEqual(got, []int64{5}) {
		t.Errorf("Pending = %v, want [5]", got)
	}
	if got := ids(failed); !reflect.DeepEqual(got, []int64{4}) {
		t.Errorf("Failed = %v, want [4]", got)
	}
	if got, want := grants(managed), []string{"github/alice/member", "github/bob/member", "github/erin/member"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Managed = %v, want %v", got, want)
	}
	if n, err := s.PruneJournal(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v; want nothing left to prune", n, err)
	}
}

func TestManagedOutsideTheJournal(t *testing.T) { forBackends(t, testManagedOutsideTheJournal) }

func testManagedOutsideTheJournal(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	first := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, g := range []Grant{
		{Integration: "postgres", System: "db", Account: "carol", Entitlement: "app_readonly", Since: first},
		{Integration: "github", System: "github", Account: "bob", Entitlement: "member"},
		{Integration: "github", System: "github", Account: "alice", Entitlement: "team:platform:member"},
		{Integration: "github", System: "github", Account: "alice", Entitlement: "member"},
		// Recorded again later: keeps its first Since.
		{Integration: "postgres", System: "db", Account: "carol", Entitlement: "app_readonly"},
	} {
		if err := s.SetManaged(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetManaged(ctx, Grant{Integration: "github", Account: "x"}); err == nil {
		t.Error("SetManaged without an entitlement succeeded")
	}
	all, err := s.Managed(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"github/alice/member", "github/alice/team:platform:member", "github/bob/member", "postgres/carol/app_readonly"}
	if got := grants(all); !reflect.DeepEqual(got, want) {
		t.Fatalf("Managed(\"\") = %v, want %v", got, want)
	}
	if since := all[3].Since; !since.Equal(first) || since.Location() != time.UTC {
		t.Errorf("Since = %v, want the first record's time %v in UTC", since, first)
	}
	targets, err := s.ManagedTargets(ctx)
	if err != nil || !reflect.DeepEqual(targets, []string{"github", "postgres"}) {
		t.Errorf("ManagedTargets = %v, %v", targets, err)
	}
	if err := s.Unmanage(ctx, "postgres", "carol", "app_readonly"); err != nil {
		t.Fatal(err)
	}
	if err := s.Unmanage(ctx, "postgres", "carol", "app_readonly"); err != nil {
		t.Fatalf("forgetting a grant twice: %v", err)
	}
	if targets, _ := s.ManagedTargets(ctx); !reflect.DeepEqual(targets, []string{"github"}) {
		t.Errorf("ManagedTargets after Unmanage = %v, want [github]", targets)
	}
}

// TestIntentSurvivesClose is the crash-safety contract (S11) at its
// simplest: an action intended and never finished is pending after the
// store is reopened.
func TestIntentSurvivesClose(t *testing.T) { forBackends(t, testIntentSurvivesClose) }

func testIntentSurvivesClose(t *testing.T, b backend) {
	s, path := openTest(t, b)
	ctx := context.Background()
	done, _ := s.Intend(ctx, grantAction("bob", "member"))
	if err := s.Finish(ctx, done, nil); err != nil {
		t.Fatal(err)
	}
	id, err := s.Intend(ctx, revokeAction("alice", "admin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	pending, err := s2.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != id || pending[0].Op != OpRevoke || pending[0].Account != "alice" {
		t.Fatalf("Pending after reopening = %+v, want the unfinished revocation %d", pending, id)
	}
}

// TestIntentSurvivesKill kills a process holding the store open right
// after it recorded an intent: no Close, no deferred cleanup. It is
// SQLite's: on PostgreSQL the durability of a commit is the server's.
func TestIntentSurvivesKill(t *testing.T) {
	if path := os.Getenv("GATEHOUSE_STORE_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "gatehouse.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestIntentSurvivesKill$")
	cmd.Env = append(os.Environ(), "GATEHOUSE_STORE_CRASH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("child did not report its intent: %v", err)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(line), "intended "), 10, 64)
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != id || pending[0].Account != "alice" {
		t.Fatalf("Pending after the kill = %+v, want action %d", pending, id)
	}
}

// crashChild records an intent, says so, and waits to be killed.
func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	id, err := s.Intend(ctx, grantAction("alice", "admin"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("intended %d\n", id)
	time.Sleep(time.Minute)
	os.Exit(3)
}

// BenchmarkIntendFinish measures journaling one action: two committed
// transactions. On a file the fsyncs dominate; in memory what remains is
// the store's own cost.
func BenchmarkIntendFinish(b *testing.B) {
	ctx := context.Background()
	mem, err := OpenMemory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { mem.Close() })
	file, _ := openTest(b, sqliteBackend)
	for _, bc := range []struct {
		name string
		s    *Store
	}{{"file", file}, {"memory", mem}} {
		b.Run(bc.name, func(b *testing.B) {
			a := grantAction("alice", "member")
			b.ReportAllocs()
			for b.Loop() {
				id, err := bc.s.Intend(ctx, a)
				if err != nil {
					b.Fatal(err)
				}
				if err := bc.s.Finish(ctx, id, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestManagedByAccountsFindsOnePersonsGrantsEverywhere(t *testing.T) {
	forBackends(t, testManagedByAccountsFindsOnePersonsGrantsEverywhere)
}

func testManagedByAccountsFindsOnePersonsGrantsEverywhere(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := openTest(t, b)
	for _, g := range []Grant{
		{Integration: "gh", System: "github", Account: "alice-gh", Entitlement: "member"},
		{Integration: "manual/badge", System: "badge", Account: "alice", Entitlement: "visitor"},
		{Integration: "gh", System: "github", Account: "bob", Entitlement: "member"},
	} {
		if err := s.SetManaged(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ManagedByAccounts(ctx, []string{"alice", "alice-gh"})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range got {
		keys = append(keys, g.Integration+" "+g.Account+" "+g.Entitlement)
	}
	if want := []string{"gh alice-gh member", "manual/badge alice visitor"}; !slices.Equal(keys, want) {
		t.Errorf("ManagedByAccounts = %v, want %v", keys, want)
	}
	if none, err := s.ManagedByAccounts(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no accounts: %v %v", none, err)
	}
}
