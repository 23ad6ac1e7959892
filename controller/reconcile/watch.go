package reconcile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Watcher reconciles an access repo kept on a local path: whenever its
// files change (fsnotify, debounced) and on an interval that heals
// anything missed. Every run reloads the repo, so changed policies apply
// at once. A change that touches only access requests is reconciled
// incrementally.
type Watcher struct {
	Runner *Runner
	// Dir is the access repo's folder.
	Dir string
	// Load reads the access repo afresh.
	Load func(ctx context.Context) (*model.Org, model.Findings, error)
	// Interval between full runs (default 5 minutes); Debounce gathers a
	// burst of file events into one run (default 500 ms).
	Interval, Debounce time.Duration
	// Options apply to every run (Only is set by the watcher).
	Options Options
	// Report receives each run's result, or why there was none.
	Report func(*Result, error)
}

// ErrInvalidRepo reports a run skipped because the access repo has
// errors: reconciling a repo whose broken files were left out would
// revoke what they grant.
var ErrInvalidRepo = errors.New("the access repo has errors; nothing was reconciled (gatehouse validate lists them)")

// Run reconciles once, then on every change and interval, until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	interval, debounce := w.Interval, w.Debounce
	if interval <= 0 {
		interval = 5 * time.Minute
	}
	if debounce <= 0 {
		debounce = 500 * time.Millisecond
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", w.Dir, err)
	}
	defer fw.Close()
	if err := w.addTree(fw, w.Dir); err != nil {
		return err
	}
	w.run(ctx, nil)

	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var fire <-chan time.Time
	var timer *time.Timer
	changed := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			w.run(ctx, nil)
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			rel, err := filepath.Rel(w.Dir, ev.Name)
			if err != nil || skipped(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					_ = w.addTree(fw, ev.Name)
				}
			}
			changed[filepath.ToSlash(rel)] = true
			if timer == nil {
				timer = time.NewTimer(debounce)
			} else {
				timer.Reset(debounce)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			w.run(ctx, changed)
			changed = map[string]bool{}
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			w.report(nil, fmt.Errorf("watch %s: %w; the next interval reconciles everything", w.Dir, err))
		}
	}
}

// run reloads the repo and reconciles: incrementally when every changed
// file is an access request (on disk now, or known to the store), fully
// otherwise.
func (w *Watcher) run(ctx context.Context, changed map[string]bool) {
	org, findings, err := w.Load(ctx)
	if err == nil && findings.Errors() > 0 {
		err = fmt.Errorf("%w: %d errors", ErrInvalidRepo, findings.Errors())
	}
	if err != nil {
		w.report(nil, err)
		return
	}
	opts := w.Options
	if len(changed) > 0 {
		opts.Only = map[string]bool{}
		for path := range changed {
			_, known, err := w.Runner.Store.Request(ctx, path)
			if err != nil || (org.RequestByPath[path] == nil && !known) {
				opts.Only = nil // not only requests: reconcile everything
				break
			}
			opts.Only[path] = true
		}
	}
	w.report(w.Runner.Reconcile(ctx, org, opts))
}

func (w *Watcher) report(res *Result, err error) {
	if w.Report != nil {
		w.Report(res, err)
	}
}

// addTree watches dir and every folder below it but dot-folders (.git).
func (w *Watcher) addTree(fw *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if rel, _ := filepath.Rel(w.Dir, path); rel != "." && skipped(rel) {
			return filepath.SkipDir
		}
		if err := fw.Add(path); err != nil {
			return fmt.Errorf("watch %s: %w", path, err)
		}
		return nil
	})
}

// skipped reports a path under a dot-folder or a dot-file: .git, editors'
// swap files.
func skipped(rel string) bool {
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") && part != "." && part != ".." {
			return true
		}
	}
	return false
}
