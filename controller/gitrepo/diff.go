package gitrepo

import (
	"context"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"
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

// Diff lists the files that differ between base and head, with renames
// detected, sorted by path. Paths are those of Files; only regular files
// and symbolic links are listed (submodules and mode-only changes of
// directories are not files).
func (r *Repo) Diff(ctx context.Context, base, head *Commit) ([]Change, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	from, err := r.main.TreeObject(base.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s in %s: read base tree: %w", short(base), short(head), r.path, err)
	}
	to, err := r.main.TreeObject(head.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s in %s: read head tree: %w", short(base), short(head), r.path, err)
	}
	changes, err := object.DiffTreeWithOptions(ctx, from, to, &object.DiffTreeOptions{
		DetectRenames:    true,
		RenameScore:      renameScore,
		RenameLimit:      0, // no limit: an access repo's changes are small
		OnlyExactRenames: false,
	})
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s in %s: %w", short(base), short(head), r.path, err)
	}
	out := make([]Change, 0, len(changes))
	for _, ch := range changes {
		action, err := ch.Action()
		if err != nil {
			return nil, fmt.Errorf("diff %s..%s in %s: %w", short(base), short(head), r.path, err)
		}
		c := Change{From: file(ch.From), To: file(ch.To)}
		switch {
		case action == merkletrie.Insert:
			c.Op = OpAdd
		case action == merkletrie.Delete:
			c.Op = OpDelete
		case c.From.Path != c.To.Path:
			c.Op = OpRename
		default:
			c.Op = OpModify
		}
		if !isFile(c.From.Mode) && !isFile(c.To.Mode) {
			continue
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path() < out[j].Path() })
	return out, nil
}

func file(e object.ChangeEntry) File {
	if e.Name == "" {
		return File{}
	}
	return File{Path: e.Name, Mode: e.TreeEntry.Mode, Hash: e.TreeEntry.Hash}
}

func isFile(m filemode.FileMode) bool {
	switch m {
	case filemode.Regular, filemode.Deprecated, filemode.Executable, filemode.Symlink:
		return true
	}
	return false
}

func short(c *Commit) string { return c.Hash.String()[:7] }
