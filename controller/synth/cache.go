package synth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Version changes whenever Generate or the writers change what they write
// for a given size and seed, so that cached organisations are rebuilt.
const Version = 2

// CacheNow is the Now of cached organisations: fixed, so that a cache
// stays the same organisation whatever day it is read.
var CacheNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Cached returns a folder under os.TempDir() holding the organisation of
// size and seed (generated with CacheNow), writing it on first use:
// benchmarks share it across runs instead of writing 150,000 files each
// time. With git the folder is a Git repository with the organisation
// committed on Branch. The folder is complete or absent: it is written
// under another name and renamed into place.
func Cached(ctx context.Context, size Size, seed int64, git bool) (string, error) {
	name := fmt.Sprintf("gatehouse-bench-%s-%d-v%d", size.Name, seed, Version)
	if size.Name == "" {
		name = fmt.Sprintf("gatehouse-bench-%dp-%ds-%dr-%do-%dt-%d-v%d", size.People, size.Systems, size.Requests, size.Objects, size.Teams, seed, Version)
	}
	if git {
		name += "-git"
	}
	dir := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), name+".partial-")
	if err != nil {
		return "", fmt.Errorf("cache synthetic organisation: %w", err)
	}
	org := Generate(size, seed, WithNow(CacheNow))
	if git {
		_, err = WriteGit(ctx, org, tmp, WithCommitTime(CacheNow))
	} else {
		err = WriteDir(ctx, org, tmp)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("cache synthetic organisation in %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		// Another process may have cached it meanwhile.
		if _, statErr := os.Stat(dir); statErr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("cache synthetic organisation in %s: %w", dir, err)
	}
	return dir, nil
}
