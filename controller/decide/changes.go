// Package decide turns a pull request's base and head into what must
// happen before it may merge. This file holds its first step: the
// document-level changes between the two commits.
package decide

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Operations of a Change.
const (
	OpAdd    = "add"
	OpModify = "modify"
	OpRemove = "remove"
)

// KindPolicy is the Kind of a change to a Rego file under policies/.
const KindPolicy = "Policy"

// Change is one document a pull request adds, modifies or removes, or one
// of the access repo's Rego policy files.
type Change struct {
	// ID names the document whatever file holds it: "Kind/name", or the
	// file's path for an AccessRequest (its id) and for a policy file.
	ID   string `json:"id"`
	Op   string `json:"op"`
	Kind string `json:"kind"`
	// Path is the file at the head, or at the base for a removal.
	Path string `json:"path"`
	// Before is the document at the base (nil for an add), After at the
	// head (nil for a remove); both nil for a policy file.
	Before model.Doc `json:"-"`
	After  model.Doc `json:"-"`
	// Fields lists the top-level fields whose values differ, sorted, for a
	// modify.
	Fields []string `json:"fields,omitempty"`
	// Policy is a policy file's content at the head (nil for a remove).
	Policy []byte `json:"-"`
}

// ErrSymlinkChange reports a pull request that adds or changes a symbolic
// link among the access repo's documents or policies: what such a file
// means depends on its target, so the change is refused rather than
// guessed at.
var ErrSymlinkChange = errors.New("a pull request may not add or change symbolic links among the access repo's documents or policies; commit the file itself")

// Changes lists the document-level changes from base to head of the
// access repo in repo (its Prefix folder, when the access repo is a folder
// of the Git repository). baseOrg is the access repo loaded at base; only
// the files the diff touches are read at head. Findings are the problems
// of the changed head files (a document with an error has no After and
// its change is not listed, so a caller must treat any error finding as a
// failed decision). The result is sorted by path, then id.
//
// The files compared are those the pull request changed since it forked
// from base (git diff base...head), so a branch behind its base does not
// undo what the base gained meanwhile; their before documents are the
// base's. Without a common ancestor (a shallow clone) every difference
// between the two trees counts, which can only ask for more approval.
func Changes(ctx context.Context, repo *gitrepo.Repo, base, head *gitrepo.Commit, baseOrg *model.Org) ([]Change, model.Findings, error) {
	return changes(ctx, repo, base, head, &fileIndex{org: baseOrg})
}

// Changes is the package-level Changes with this base's documents, whose
// index by file is built once per base.
func (b *Base) Changes(ctx context.Context, repo *gitrepo.Repo, base, head *gitrepo.Commit) ([]Change, model.Findings, error) {
	return changes(ctx, repo, base, head, b.byFile)
}

// fileIndex finds the base's documents by file: requests, two thirds of a
// large organisation, through the Org's own map, everything else through
// an index built on first use.
type fileIndex struct {
	org   *model.Org
	once  sync.Once
	other map[string][]model.Doc
}

func (x *fileIndex) docs(file string) []model.Doc {
	x.once.Do(func() {
		x.other = map[string][]model.Doc{}
		x.org.Each(func(d model.Doc) {
			if _, ok := d.(*model.AccessRequest); !ok {
				x.other[d.Source().File] = append(x.other[d.Source().File], d)
			}
		})
	})
	out := x.other[file]
	if r := x.org.RequestByPath[file]; r != nil {
		out = append(slices.Clip(out), r)
	}
	return out
}

// changes is Changes with the base's documents indexed by file.
func changes(ctx context.Context, repo *gitrepo.Repo, base, head *gitrepo.Commit, byFile *fileIndex) ([]Change, model.Findings, error) {
	from := base
	if mb, err := repo.MergeBase(base, head); err == nil && mb != nil {
		from = mb
	}
	diff, err := repo.Diff(ctx, from, head)
	if err != nil {
		return nil, nil, err
	}
	prefix := repo.Prefix()
	if prefix != "" {
		prefix += "/"
	}
	rel := func(f gitrepo.File) (string, bool) {
		if f.Path == "" {
			return "", false
		}
		return strings.CutPrefix(f.Path, prefix)
	}

	var (
		before, after []model.Doc
		policies      []Change
		findings      model.Findings
	)
	for _, c := range diff {
		from, fromOK := rel(c.From)
		to, toOK := rel(c.To)
		if fromOK && load.IsDocumentFile(from) {
			before = append(before, byFile.docs(from)...)
		}
		if fromOK && load.IsPolicyFile(from) && (!toOK || to != from) {
			policies = append(policies, Change{ID: from, Op: OpRemove, Kind: KindPolicy, Path: from})
		}
		if !toOK || !(load.IsDocumentFile(to) || load.IsPolicyFile(to)) {
			continue
		}
		if c.To.IsSymlink() {
			return nil, nil, fmt.Errorf("%s: %w", to, ErrSymlinkChange)
		}
		data, size, err := repo.ReadBlob(c.To.Hash, load.DefaultMaxFileSize)
		if err == nil && load.IsPolicyFile(to) {
			op := OpAdd
			if fromOK && from == to {
				op = OpModify
			}
			policies = append(policies, Change{ID: to, Op: op, Kind: KindPolicy, Path: to, Policy: data})
			continue
		}
		if errors.Is(err, gitrepo.ErrTooLarge) {
			findings = append(findings, model.Finding{Severity: model.SeverityError, File: to, Rule: load.RuleFileTooLarge,
				Message: fmt.Sprintf("file is %d bytes, over the limit of %d; split it into smaller files", size, load.DefaultMaxFileSize)})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read %s at %s: %w", to, head.Hash, err)
		}
		docs, fs := load.ParseFile(to, data, load.Options{})
		findings = append(findings, fs...)
		after = append(after, docs...)
	}

	changes := append(pair(before, after), policies...)
	slices.SortFunc(changes, func(a, b Change) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	changes = slices.CompactFunc(changes, func(a, b Change) bool { return a.ID == b.ID && a.Op == b.Op })
	findings.Sort()
	return changes, findings, nil
}

// id names a document independently of the file that holds it.
func id(d model.Doc) string {
	kind, name := d.KindName()
	if kind == model.KindAccessRequest {
		return name
	}
	return kind + "/" + name
}

// pair matches the documents of the changed files at base and head by id:
// a document on both sides with other content is modified, on one side
// only added or removed. A document that only moved between files, or
// whose file changed only in comments, is no change.
func pair(before, after []model.Doc) []Change {
	old := make(map[string]model.Doc, len(before))
	for _, d := range before {
		old[id(d)] = d
	}
	var out []Change
	seen := map[string]bool{}
	for _, d := range after {
		key := id(d)
		if seen[key] {
			continue // a duplicate name: the full head load reports it
		}
		seen[key] = true
		kind, _ := d.KindName()
		prev, ok := old[key]
		if !ok {
			out = append(out, Change{ID: key, Op: OpAdd, Kind: kind, Path: d.Source().File, After: d})
			continue
		}
		if fields := changedFields(prev, d); len(fields) > 0 {
			out = append(out, Change{ID: key, Op: OpModify, Kind: kind, Path: d.Source().File, Before: prev, After: d, Fields: fields})
		}
	}
	for _, d := range before {
		key := id(d)
		if !seen[key] {
			kind, _ := d.KindName()
			out = append(out, Change{ID: key, Op: OpRemove, Kind: kind, Path: d.Source().File, Before: d})
			seen[key] = true
		}
	}
	return out
}

// changedFields compares two documents field by field, as format v1
// writes them.
func changedFields(a, b model.Doc) []string {
	fa, fb := fields(a), fields(b)
	var out []string
	for k, va := range fa {
		if vb, ok := fb[k]; !ok || !bytes.Equal(va, vb) {
			out = append(out, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func fields(d model.Doc) map[string]json.RawMessage {
	data, err := json.Marshal(d)
	if err != nil {
		// Model types always marshal; should one ever fail, every field
		// counts as changed, which asks for more approval, never less.
		return map[string]json.RawMessage{"?": json.RawMessage(err.Error())}
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(data, &m)
	return m
}
