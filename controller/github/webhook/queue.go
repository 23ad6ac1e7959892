package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// DefaultQueueCapacity is the number of pending entries a Queue holds
// when NewQueue is given no capacity.
const DefaultQueueCapacity = 1000

// maxEventsPerEntry bounds the events kept for one pending entry. The
// work is level-triggered, so older events only add their delivery ids
// to the logs; the newest are kept.
const maxEventsPerEntry = 64

// ErrQueueFull is returned by Queue.Add when the queue holds its
// capacity of pending entries and the event's key is not among them.
var ErrQueueFull = errors.New("the webhook queue is full; retry later")

// ErrQueueClosed is returned by Queue.Add once the queue's Run has
// stopped.
var ErrQueueClosed = errors.New("the webhook queue is shut down")

// Queue is a bounded work queue of Events that coalesces per Key. Events
// for a key that is already pending join its entry instead of taking
// room; a key is handed to one worker at a time, and events that arrive
// while it is being handled make it run once more afterwards. Its
// methods are safe for concurrent use.
type Queue struct {
	capacity int

	mu   sync.Mutex
	cond sync.Cond
	// pending holds the events waiting per key, oldest first.
	pending map[Key][]Event
	// ready lists, first come first served, the pending keys that no
	// worker is handling.
	ready   []Key
	running map[Key]bool
	// reserved counts room held by Handler for events it is about to
	// add once their delivery is recorded.
	reserved int
	started  bool
	stopping bool
}

// NewQueue returns an empty queue that holds up to capacity pending
// entries (DefaultQueueCapacity when capacity is below 1).
func NewQueue(capacity int) *Queue {
	if capacity < 1 {
		capacity = DefaultQueueCapacity
	}
	q := &Queue{capacity: capacity, pending: map[Key][]Event{}, running: map[Key]bool{}}
	q.cond.L = &q.mu
	return q
}

// Add queues ev. It returns ErrQueueFull when the queue is full and ev
// cannot join a pending entry, and ErrQueueClosed after Run stopped.
func (q *Queue) Add(ev Event) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.admit(ev.Key()); err != nil {
		return err
	}
	q.push(ev)
	return nil
}

// Len returns the number of pending entries: keys with events waiting
// to be handled, including those whose key is being handled now.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// Run hands pending entries to workers goroutines, each calling fn with
// an entry's key and its events, oldest first (the last is the newest).
// It returns once ctx is done and the calls in progress have returned;
// those calls get a context that ctx's cancellation does not reach, so
// that work in flight finishes (fn bounds its own time). Entries still
// pending are left: the controller's resync at start-up covers them.
// Run is called once per queue.
func (q *Queue) Run(ctx context.Context, workers int, fn func(ctx context.Context, key Key, events []Event)) error {
	if workers < 1 {
		return fmt.Errorf("run the webhook queue: %d workers; give at least 1", workers)
	}
	q.mu.Lock()
	if q.started {
		q.mu.Unlock()
		return errors.New("run the webhook queue: it already ran; create a new queue with NewQueue")
	}
	q.started = true
	q.mu.Unlock()

	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.stopping = true
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	work := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				key, events, ok := q.next()
				if !ok {
					return
				}
				q.handle(work, key, events, fn)
			}
		})
	}
	wg.Wait()
	return nil
}

// handle runs fn for one entry and releases its key even if fn panics.
func (q *Queue) handle(ctx context.Context, key Key, events []Event, fn func(context.Context, Key, []Event)) {
	defer q.done(key)
	fn(ctx, key, events)
}

// next waits for a ready key and marks it running; ok is false once the
// queue is stopping.
func (q *Queue) next() (key Key, events []Event, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ready) == 0 && !q.stopping {
		q.cond.Wait()
	}
	if q.stopping {
		return Key{}, nil, false
	}
	key = q.ready[0]
	q.ready[0] = Key{}
	q.ready = q.ready[1:]
	events = q.pending[key]
	delete(q.pending, key)
	q.running[key] = true
	return key, events, true
}

// done releases a key after a worker handled it, making it ready again
// when events arrived meanwhile.
func (q *Queue) done(key Key) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.running, key)
	if _, ok := q.pending[key]; ok {
		q.ready = append(q.ready, key)
		q.cond.Signal()
	}
}

// admit reports whether an event with key k may be added. The caller
// holds q.mu.
func (q *Queue) admit(k Key) error {
	if q.stopping {
		return ErrQueueClosed
	}
	if _, ok := q.pending[k]; !ok && len(q.pending)+q.reserved >= q.capacity {
		return ErrQueueFull
	}
	return nil
}

// push adds ev to its key's entry. The caller holds q.mu.
func (q *Queue) push(ev Event) {
	k := ev.Key()
	events, ok := q.pending[k]
	if len(events) == maxEventsPerEntry {
		copy(events, events[1:])
		events = events[:len(events)-1]
	}
	q.pending[k] = append(events, ev)
	if !ok && !q.running[k] {
		q.ready = append(q.ready, k)
		q.cond.Signal()
	}
}

// reserve holds room for an event with key k, so that the Handler
// records a delivery as seen only once its event is sure to be queued
// (a delivery answered 503 must not count as a replay when GitHub sends
// it again). Each successful reserve is followed by commit or cancel.
func (q *Queue) reserve(k Key) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.admit(k); err != nil {
		return err
	}
	q.reserved++
	return nil
}

// commit adds ev in the room reserve held.
func (q *Queue) commit(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reserved--
	q.push(ev)
}

// cancel gives back the room reserve held.
func (q *Queue) cancel() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reserved--
}
