package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// prEvent is event number seq for pull request pr of acme/access.
func prEvent(pr, seq int) Event {
	return Event{Kind: KindPullRequest, Action: "synchronize", Repo: "acme/access", PR: pr, DeliveryID: fmt.Sprintf("pr%d-%d", pr, seq)}
}

// recorder is a worker function that records its calls and fails the
// test when one key is handled by two workers at once.
type recorder struct {
	t     *testing.T
	delay time.Duration

	mu       sync.Mutex
	inFlight map[Key]bool
	calls    map[Key][][]Event
	seen     int
}

func newRecorder(t *testing.T, delay time.Duration) *recorder {
	return &recorder{t: t, delay: delay, inFlight: map[Key]bool{}, calls: map[Key][][]Event{}}
}

func (r *recorder) handle(_ context.Context, k Key, events []Event) {
	r.mu.Lock()
	if r.inFlight[k] {
		r.t.Errorf("%s handled by two workers at once", k)
	}
	r.inFlight[k] = true
	r.mu.Unlock()
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inFlight, k)
	r.calls[k] = append(r.calls[k], events)
	r.seen += len(events)
}

// waitFor polls cond until it holds or five seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// run starts q with workers and fn and returns a function that stops it
// and waits for Run to return.
func run(t *testing.T, q *Queue, workers int, fn func(context.Context, Key, []Event)) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, workers, fn) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(func() {
		if ctx.Err() == nil {
			stop()
		}
	})
	return stop
}

// TestQueue200EventsFor50PullRequests adds 200 events for 50 pull
// requests at once, then 200 more while the workers are busy: every
// event is handled exactly once, in order per pull request, coalesced,
// and no pull request is handled by two workers at once.
func TestQueue200EventsFor50PullRequests(t *testing.T) {
	const prs, perPR = 50, 4
	q := NewQueue(prs)
	var wg sync.WaitGroup
	for i := range prs * perPR {
		wg.Go(func() {
			if err := q.Add(prEvent(i%prs+1, i/prs)); err != nil {
				t.Errorf("Add: %v", err)
			}
		})
	}
	wg.Wait()
	if got := q.Len(); got != prs {
		t.Fatalf("Len after %d events for %d pull requests = %d, want %d", prs*perPR, prs, got, prs)
	}

	rec := newRecorder(t, time.Millisecond)
	stop := run(t, q, 4, rec.handle)
	handled := func(n int) func() bool {
		return func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return rec.seen == n }
	}
	waitFor(t, "the first 200 events", handled(prs*perPR))
	rec.mu.Lock()
	for pr := 1; pr <= prs; pr++ {
		calls := rec.calls[Key{Repo: "acme/access", PR: pr}]
		if len(calls) != 1 || len(calls[0]) != perPR {
			t.Errorf("PR %d: %d calls, want 1 call with all %d events", pr, len(calls), perPR)
		}
	}
	rec.calls = map[Key][][]Event{}
	rec.mu.Unlock()

	// One sender per pull request, each event while earlier ones may be
	// in a worker's hands.
	for pr := 1; pr <= prs; pr++ {
		wg.Go(func() {
			for seq := perPR; seq < 2*perPR; seq++ {
				if err := q.Add(prEvent(pr, seq)); err != nil {
					t.Errorf("Add: %v", err)
				}
				time.Sleep(time.Duration(pr%3) * time.Millisecond)
			}
		})
	}
	wg.Wait()
	waitFor(t, "the next 200 events", handled(2*prs*perPR))
	stop()

	for pr := 1; pr <= prs; pr++ {
		calls := rec.calls[Key{Repo: "acme/access", PR: pr}]
		if len(calls) == 0 || len(calls) > perPR {
			t.Errorf("PR %d: %d calls for %d events, want 1 to %d", pr, len(calls), perPR, perPR)
		}
		var got []string
		for _, events := range calls {
			for _, ev := range events {
				got = append(got, ev.DeliveryID)
			}
		}
		var want []string
		for seq := perPR; seq < 2*perPR; seq++ {
			want = append(want, prEvent(pr, seq).DeliveryID)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("PR %d: handled %v, want %v in that order", pr, got, want)
		}
	}
	if q.Len() != 0 {
		t.Errorf("Len after all was handled = %d, want 0", q.Len())
	}
}

// TestQueueRunsAKeyOnceAtATime holds a worker on a pull request while
// an event for it arrives: the other idle workers must leave it alone,
// and it runs again once the first call returns.
func TestQueueRunsAKeyOnceAtATime(t *testing.T) {
	q := NewQueue(10)
	release := make(chan struct{})
	calls := make(chan []Event, 10)
	run(t, q, 4, func(_ context.Context, _ Key, events []Event) {
		calls <- events
		if events[0].DeliveryID == "pr1-0" {
			<-release
		}
	})
	if err := q.Add(prEvent(1, 0)); err != nil {
		t.Fatal(err)
	}
	first := <-calls
	if err := q.Add(prEvent(1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := q.Add(prEvent(2, 0)); err != nil {
		t.Fatal(err)
	}
	if other := <-calls; other[0].PR != 2 {
		t.Fatalf("while PR 1 is handled, another worker took %v, want PR 2", other)
	}
	select {
	case again := <-calls:
		t.Fatalf("PR 1 handled again while its first call runs: %v", again)
	case <-time.After(50 * time.Millisecond):
	}
	if q.Len() != 1 {
		t.Errorf("Len with PR 1's second event waiting = %d, want 1", q.Len())
	}
	close(release)
	select {
	case again := <-calls:
		if len(again) != 1 || again[0].DeliveryID != "pr1-1" {
			t.Errorf("PR 1's second call got %v, want the event that arrived during the first (%v)", again, first)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event that arrived while PR 1 was handled was lost")
	}
}

// TestQueueBounds checks capacity, coalescing and the reservation the
// Handler takes before it records a delivery.
func TestQueueBounds(t *testing.T) {
	push := func(id string) Event {
		return Event{Kind: KindPush, Repo: "acme/access", Ref: "refs/heads/main", DeliveryID: id}
	}
	q := NewQueue(2)
	steps := []struct {
		name string
		do   func() error
		want error
		len  int
	}{
		{"a first pull request", func() error { return q.Add(prEvent(1, 0)) }, nil, 1},
		{"a push", func() error { return q.Add(push("p0")) }, nil, 2},
		{"a third key when full", func() error { return q.Add(prEvent(2, 0)) }, ErrQueueFull, 2},
		{"the pending pull request again when full", func() error { return q.Add(prEvent(1, 1)) }, nil, 2},
		{"another push when full joins the first", func() error { return q.Add(push("p1")) }, nil, 2},
		{"reserve for a pending key when full", func() error { return q.reserve(Key{Repo: "acme/access", PR: 1}) }, nil, 2},
		{"reserve for a new key when full", func() error { return q.reserve(Key{Repo: "acme/access", PR: 3}) }, ErrQueueFull, 2},
		{"commit the reservation", func() error { q.commit(prEvent(1, 2)); return nil }, nil, 2},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) {
			t.Errorf("%s: %v, want %v", st.name, err, st.want)
		}
		if got := q.Len(); got != st.len {
			t.Errorf("%s: Len = %d, want %d", st.name, got, st.len)
		}
	}
	if got := len(q.pending[Key{Repo: "acme/access", PR: 1}]); got != 3 {
		t.Errorf("PR 1 holds %d events, want 3", got)
	}
	if got := len(q.pending[Key{Repo: "acme/access"}]); got != 2 {
		t.Errorf("the resync entry holds %d pushes, want 2", got)
	}

	// A reservation holds room until it is given back.
	q = NewQueue(1)
	if err := q.reserve(Key{Repo: "acme/access", PR: 1}); err != nil {
		t.Fatal(err)
	}
	if err := q.Add(prEvent(2, 0)); !errors.Is(err, ErrQueueFull) {
		t.Errorf("Add while the only room is reserved: %v, want ErrQueueFull", err)
	}
	q.cancel()
	if err := q.Add(prEvent(2, 0)); err != nil {
		t.Errorf("Add after the reservation was cancelled: %v", err)
	}
}

func TestQueueKeepsTheNewestEvents(t *testing.T) {
	q := NewQueue(1)
	for seq := range 3 * maxEventsPerEntry {
		if err := q.Add(prEvent(1, seq)); err != nil {
			t.Fatal(err)
		}
	}
	events := q.pending[Key{Repo: "acme/access", PR: 1}]
	if len(events) != maxEventsPerEntry {
		t.Fatalf("entry holds %d events, want %d", len(events), maxEventsPerEntry)
	}
	if first, last := events[0].DeliveryID, events[len(events)-1].DeliveryID; first != prEvent(1, 2*maxEventsPerEntry).DeliveryID || last != prEvent(1, 3*maxEventsPerEntry-1).DeliveryID {
		t.Errorf("entry holds %s..%s, want the newest %d", first, last, maxEventsPerEntry)
	}
}

// TestQueueShutdownFinishesInFlightWork cancels Run's context while a
// worker is busy: Run waits for it, its context stays usable, and the
// queue takes no more events.
func TestQueueShutdownFinishesInFlightWork(t *testing.T) {
	q := NewQueue(10)
	started, release := make(chan struct{}), make(chan struct{})
	var workErr error
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- q.Run(ctx, 1, func(ctx context.Context, _ Key, _ []Event) {
			close(started)
			<-release
			workErr = ctx.Err()
		})
	}()
	if err := q.Add(prEvent(1, 0)); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := q.Add(prEvent(2, 0)); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a worker was busy")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if workErr != nil {
		t.Errorf("the work in flight saw its context end: %v", workErr)
	}
	if err := q.Add(prEvent(3, 0)); !errors.Is(err, ErrQueueClosed) {
		t.Errorf("Add after shutdown: %v, want ErrQueueClosed", err)
	}
	if q.Len() != 1 {
		t.Errorf("Len after shutdown = %d, want the 1 entry never started", q.Len())
	}
	if err := q.Run(context.Background(), 1, nil); err == nil {
		t.Error("a second Run succeeded")
	}
}

func TestQueueRunNeedsAWorker(t *testing.T) {
	if err := NewQueue(1).Run(context.Background(), 0, nil); err == nil {
		t.Error("Run with no workers succeeded")
	}
}

func TestEventKey(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
		all  bool
	}{
		{Event{Kind: KindPullRequest, Repo: "acme/access", PR: 7}, "acme/access#7", false},
		{Event{Kind: KindComment, Repo: "acme/access", PR: 7}, "acme/access#7", false},
		{Event{Kind: KindPush, Repo: "acme/access", PR: 7}, "acme/access (all pull requests)", true},
	}
	for _, tc := range tests {
		k := tc.ev.Key()
		if k.String() != tc.want || k.All() != tc.all {
			t.Errorf("%s event: key %s (all %v), want %s (all %v)", tc.ev.Kind, k, k.All(), tc.want, tc.all)
		}
	}
}
