package decide

import (
	"context"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/load"
)

// Bases loads the access repo at base commits, once per commit: every
// open pull request against the same base shares one load, which is what
// keeps deciding a pull request proportional to its change rather than to
// the organisation. It keeps the most recently used commits. Bases is safe
// for concurrent use; concurrent loads of one commit share a single read.
type Bases struct {
	repoDir string
	max     int

	mu    sync.Mutex
	byRev map[plumbing.Hash]*baseEntry
	order []plumbing.Hash // least recently used first
}

type baseEntry struct {
	once sync.Once
	base *Base
	err  error
}

// NewBases returns a cache of the access repo at repoDir (a Git checkout,
// or a folder of one) that keeps up to size base commits (at least 1).
func NewBases(repoDir string, size int) *Bases {
	return &Bases{repoDir: repoDir, max: max(size, 1), byRev: map[plumbing.Hash]*baseEntry{}}
}

// Load returns the access repo at commit prepared for deciding (NewBase),
// loading it on first use. The Base is shared: callers must not modify
// its Org. A failed load is not kept, so a later call tries again.
func (b *Bases) Load(ctx context.Context, commit plumbing.Hash) (*Base, error) {
	b.mu.Lock()
	e, ok := b.byRev[commit]
	if !ok {
		e = &baseEntry{}
		b.byRev[commit] = e
	}
	b.touch(commit)
	b.mu.Unlock()

	e.once.Do(func() {
		src, err := load.RevSource(b.repoDir, commit.String())
		if err != nil {
			e.err = err
			return
		}
		org, findings, err := load.Load(ctx, src, load.Options{})
		if err != nil {
			e.err = err
			return
		}
		e.base, e.err = NewBase(ctx, org, findings)
	})
	if e.err != nil {
		b.mu.Lock()
		if b.byRev[commit] == e {
			delete(b.byRev, commit)
			b.order = remove(b.order, commit)
		}
		b.mu.Unlock()
	}
	return e.base, e.err
}

// touch marks commit as the most recently used and evicts the least
// recently used commits beyond max. The caller holds b.mu.
func (b *Bases) touch(commit plumbing.Hash) {
	b.order = append(remove(b.order, commit), commit)
	for len(b.order) > b.max {
		delete(b.byRev, b.order[0])
		b.order = b.order[1:]
	}
}

func remove(list []plumbing.Hash, h plumbing.Hash) []plumbing.Hash {
	for i, x := range list {
		if x == h {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}
