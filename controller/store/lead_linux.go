package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// leadFile takes an exclusive flock on the lock file beside the SQLite
// database. The kernel drops it when the process ends, however it ends.
func (s *Store) leadFile(ctx context.Context) (<-chan struct{}, func(), error) {
	op := "take the leader lock " + s.lockPath
	f, err := os.OpenFile(s.lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w; check the state directory is writable", op, err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", op, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", op, ctx.Err())
		case <-time.After(s.leadRetry):
		}
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
			f.Close()
		})
	}
	// A lock on a local file is not lost while the process lives.
	return make(chan struct{}), release, nil
}
