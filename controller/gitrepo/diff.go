package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Op is what a change does to a file.
type Op string

// The operations of a Change.
const (
	OpAdd    Op = "add"
	OpModify Op = "modify"
	OpDelete Op = "delete"
	// OpRename moves a file, possibly changing its content as well.
	OpRename Op = "rename"
)

// Change is one file that differs between two commits. From is the file
// at the base (zero for an add), To the file at the head (zero for a
// delete).
type Change struct {
	Op   Op
	From File
	To   File
}

// Path returns the file's path at the head, or at the base for a delete.
func (c Change) Path() string {
	if c.Op == OpDelete {
		return c.From.Path
	}
	return c.To.Path
}

// renameScore is the similarity, in percent, from which a deleted and an
// added file count as one renamed file (git's default is 50).
const renameScore = 60

// maxRenameCandidates bounds the similarity search: beyond this many
// deleted or added files, only exact renames are detected (the search is
// quadratic; an access pull request touches a handful of files).
const maxRenameCandidates = 100

// Diff lists the files that differ between base and head, with renames
// detected, sorted by path. Paths are those of Files; only regular files
// and symbolic links are listed (submodules and mode-only changes of
// directories are not files).
//
// It descends only into subtrees whose hashes differ, so its cost follows
// the change, not the repository: go-git's DiffTree decodes every sibling
// of a changed directory, a thousand trees for one new access request
// among a thousand systems.
func (r *Repo) Diff(ctx context.Context, base, head *Commit) ([]Change, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var added, deleted []File
	var out []Change
	err := r.diffTrees(ctx, base.TreeHash, head.TreeHash, "", func(from, to File) {
		switch {
		case from.Path == "":
			added = append(added, to)
		case to.Path == "":
			deleted = append(deleted, from)
		default:
			out = append(out, Change{Op: OpModify, From: from, To: to})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s in %s: %w", short(base), short(head), r.path, err)
	}
	out = append(out, r.pairRenames(added, deleted)...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path() < out[j].Path() })
	return out, nil
}

// diffTrees reports the files that differ between two trees (either may
// be the zero hash, for none) under dir. The caller holds r.mu.
func (r *Repo) diffTrees(ctx context.Context, a, b plumbing.Hash, dir string, report func(from, to File)) error {
	if a == b {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ea, err := r.entries(a)
	if err != nil {
		return err
	}
	eb, err := r.entries(b)
	if err != nil {
		return err
	}
	// Both lists are in Git's tree order; walk them side by side.
	for i, j := 0, 0; i < len(ea) || j < len(eb); {
		var x, y *object.TreeEntry
		switch c := compareEntries(ea, eb, i, j); {
		case c < 0:
			x = &ea[i]
			i++
		case c > 0:
			y = &eb[j]
			j++
		default:
			x, y = &ea[i], &eb[j]
			i++
			j++
		}
		if x != nil && y != nil && x.Hash == y.Hash && x.Mode == y.Mode {
			continue
		}
		var subA, subB plumbing.Hash
		var fa, fb File
		if x != nil {
			if x.Mode == filemode.Dir {
				subA = x.Hash
			} else if isFile(x.Mode) {
				fa = File{Path: path.Join(dir, x.Name), Mode: x.Mode, Hash: x.Hash}
			}
		}
		if y != nil {
			if y.Mode == filemode.Dir {
				subB = y.Hash
			} else if isFile(y.Mode) {
				fb = File{Path: path.Join(dir, y.Name), Mode: y.Mode, Hash: y.Hash}
			}
		}
		if !subA.IsZero() || !subB.IsZero() {
			name := y
			if x != nil {
				name = x
			}
			if err := r.diffTrees(ctx, subA, subB, path.Join(dir, name.Name), report); err != nil {
				return err
			}
		}
		switch {
		case fa.Path != "" && fb.Path != "":
			report(fa, fb)
		case fa.Path != "":
			report(fa, File{})
		case fb.Path != "":
			report(File{}, fb)
		}
	}
	return nil
}

// compareEntries orders a[i] and b[j] by name, an exhausted list last; a
// file and a directory of one name are the same entry.
func compareEntries(a, b []object.TreeEntry, i, j int) int {
	switch {
	case i >= len(a):
		return 1
	case j >= len(b):
		return -1
	}
	return strings.Compare(treeKey(a[i]), treeKey(b[j]))
}

// treeKey is an entry's name as Git orders it: a directory's as if it
// ended in a slash.
func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// entries returns a tree's entries in Git's order; none for the zero
// hash.
func (r *Repo) entries(h plumbing.Hash) ([]object.TreeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	if data, ok := r.openPacks().readTree(h); ok {
		if entries, ok := parseTree(data); ok {
			return entries, nil
		}
	}
	t, err := r.main.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	return t.Entries, nil
}

// pairRenames turns a deleted and an added file into one rename when
// their content is identical, or similar enough (renameScore) when there
// are few candidates; the rest stay adds and deletes. The caller holds
// r.mu.
func (r *Repo) pairRenames(added, deleted []File) []Change {
	var out []Change
	used := make([]bool, len(added))
	byHash := map[plumbing.Hash][]int{}
	for i, a := range added {
		byHash[a.Hash] = append(byHash[a.Hash], i)
	}
	var left []File
	for _, d := range deleted {
		matched := false
		for _, i := range byHash[d.Hash] {
			if !used[i] {
				used[i], matched = true, true
				out = append(out, Change{Op: OpRename, From: d, To: added[i]})
				break
			}
		}
		if !matched {
			left = append(left, d)
		}
	}
	if len(left) <= maxRenameCandidates && len(added) <= maxRenameCandidates {
		for _, d := range left {
			best, bestScore := -1, renameScore-1
			for i, a := range added {
				if used[i] {
					continue
				}
				if s := r.similarity(d.Hash, a.Hash); s > bestScore {
					best, bestScore = i, s
				}
			}
			if best >= 0 {
				used[best] = true
				out = append(out, Change{Op: OpRename, From: d, To: added[best]})
				continue
			}
			out = append(out, Change{Op: OpDelete, From: d})
		}
	} else {
		for _, d := range left {
			out = append(out, Change{Op: OpDelete, From: d})
		}
	}
	for i, a := range added {
		if !used[i] {
			out = append(out, Change{Op: OpAdd, To: a})
		}
	}
	return out
}

// similarity scores two blobs from 0 to 100 as git does in spirit: the
// share of lines they have in common. Unreadable or large blobs score 0.
func (r *Repo) similarity(a, b plumbing.Hash) int {
	const max = 1 << 20
	da, _, err := r.ReadBlob(a, max)
	if err != nil {
		return 0
	}
	db, _, err := r.ReadBlob(b, max)
	if err != nil {
		return 0
	}
	la, lb := strings.Split(string(da), "\n"), strings.Split(string(db), "\n")
	count := map[string]int{}
	for _, l := range la {
		count[l]++
	}
	common := 0
	for _, l := range lb {
		if count[l] > 0 {
			count[l]--
			common++
		}
	}
	return 200 * common / (len(la) + len(lb))
}

func isFile(m filemode.FileMode) bool {
	switch m {
	case filemode.Regular, filemode.Deprecated, filemode.Executable, filemode.Symlink:
		return true
	}
	return false
}

func short(c *Commit) string { return c.Hash.String()[:7] }

// parseTree decodes a tree object's content: entries of "<octal mode>
// <name>\x00<20-byte hash>". ok is false for anything malformed, which
// go-git then reads and reports.
func parseTree(data []byte) ([]object.TreeEntry, bool) {
	var m []object.TreeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp <= 0 {
			return nil, false
		}
		mode, err := filemode.New(string(data[:sp]))
		if err != nil || mode.IsMalformed() || mode == filemode.Empty {
			return nil, false
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul <= 0 || len(data) < nul+1+20 {
			return nil, false
		}
		name := string(data[:nul])
		var h plumbing.Hash
		copy(h[:], data[nul+1:nul+21])
		m = append(m, object.TreeEntry{Name: name, Mode: mode, Hash: h})
		data = data[nul+21:]
	}
	return m, true
}
