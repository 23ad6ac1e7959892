// Package load reads an access repo (format v1) into a model.Org, from a
// directory on disk or from a Git revision read straight from the object
// store. Both sources produce the identical Org.
//
// Loading is strict: every problem in the content (bad YAML, duplicate
// keys, unknown kinds or fields, wrong types, oversized or non-UTF-8 files,
// symbolic links out of the repo, duplicate names) becomes a
// model.Finding with a file, line and column, and a document with an error
// is left out of the Org, so nothing is half-applied. Only a load that
// cannot run at all (a missing directory, an unknown revision, an I/O
// failure) returns an error.
//
// Files are read and parsed by a bounded pool of workers; the Org's slices
// are nevertheless in path order, then document order, whatever the
// parallelism. No YAML trees are kept after loading: the Org's Locator
// re-reads the one file it is asked about.
package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/schemas"
)

// Options tune a load. The zero value is the default.
type Options struct {
	// MaxFileSize is the largest file read, in bytes; larger files are
	// reported as file-too-large. Default 1 MiB.
	MaxFileSize int64
	// MaxAliasNodes bounds how many values YAML aliases may expand to in
	// one document. Default 1000.
	MaxAliasNodes int
	// Workers is the number of files read and parsed at once. Default
	// GOMAXPROCS.
	Workers int
}

// Defaults of Options.
const (
	DefaultMaxFileSize   = 1 << 20
	DefaultMaxAliasNodes = 1000
)

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxAliasNodes <= 0 {
		o.MaxAliasNodes = DefaultMaxAliasNodes
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Open loads the access repo for the CLI: the directory repoDir when rev is
// empty, else the revision rev of the Git repository at repoDir.
func Open(ctx context.Context, repoDir, rev string) (*model.Org, model.Findings, error) {
	var (
		src Source
		err error
	)
	if rev == "" {
		src, err = DirSource(repoDir)
	} else {
		src, err = RevSource(repoDir, rev)
	}
	if err != nil {
		return nil, nil, err
	}
	defer batchGC()()
	return Load(ctx, src, Options{})
}

// Garbage collector settings for the duration of Open. A load allocates
// about twenty times the Org it keeps (YAML trees, JSON values) in small
// short-lived pieces; with the default GOGC=100 the collector runs dozens of
// times over a heap that is mostly garbage. A higher percentage with a
// memory limit keeps the peak bounded (the large synthetic organisation
// keeps about 90 MB) while collecting a few times only.
const (
	batchGCPercent   = 400
	batchMemoryLimit = 300 << 20
)

// batchGC applies the batch settings unless the user chose their own with
// GOGC or GOMEMLIMIT, and returns the function that restores the previous
// ones.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(batchGCPercent)
	limit := debug.SetMemoryLimit(batchMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// task is one file to read: a YAML file or a Rego policy.
type task struct {
	path     string // the file's own path: documents and findings name it
	readPath string // where its content is: differs for a symbolic link
	policy   bool
	// prob, when set, is a problem found without reading (a bad link).
	prob *problem
}

// result is what one task produced.
type result struct {
	docs     []model.Doc
	problems []problem
	policy   []byte
}

// Load reads every document of the access repo. err is non-nil only when
// the load could not run (missing directory, unknown revision, I/O
// failure); problems in the content are findings. A document with an error
// finding is not added to the Org (nothing half-applied); the rest is.
func Load(ctx context.Context, src Source, opts Options) (*model.Org, model.Findings, error) {
	opts = opts.withDefaults()
	entries, err := src.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	tasks, links := plan(entries)

	results := make([]result, len(tasks))
	if err := run(ctx, src, opts, tasks, results); err != nil {
		return nil, nil, err
	}

	sizes := map[string]int{}
	for i := range results {
		for _, d := range results[i].docs {
			kind, _ := d.KindName()
			sizes[kind]++
		}
	}
	org := model.NewOrgSized(sizes)
	var findings model.Findings
	for i, t := range tasks {
		r := &results[i]
		if t.policy {
			for _, p := range r.problems {
				findings = append(findings, finding(t.path, p))
			}
			if r.policy != nil {
				org.Policies = append(org.Policies, model.PolicyFile{Path: t.path, Data: r.policy})
			}
			continue
		}
		docs, fs := fileDocs(t.path, r)
		findings = append(findings, fs...)
		for _, d := range docs {
			if prev := org.Add(d); prev != nil {
				findings = append(findings, finding(t.path, duplicate(d, prev)))
			}
		}
	}
	org.Locator = &locator{src: src, links: links, opts: opts}
	findings.Sort()
	return org, findings, nil
}

// fileDocs returns the documents of one parsed file that may join an Org,
// and the file's findings: its parse problems, and every AccessRequest
// after the first (a request's id is its file's path).
func fileDocs(path string, r *result) ([]model.Doc, model.Findings) {
	var findings model.Findings
	for _, p := range r.problems {
		findings = append(findings, finding(path, p))
	}
	docs := make([]model.Doc, 0, len(r.docs))
	requests := 0
	for _, d := range r.docs {
		if _, ok := d.(*model.AccessRequest); ok {
			requests++
			if requests > 1 {
				findings = append(findings, finding(path, problem{pos: d.Source().Pos, rule: RuleMultipleRequests,
					message: "a file holds one AccessRequest (its path is the request's id); move this one to a file of its own"}))
				continue
			}
		}
		docs = append(docs, d)
	}
	return docs, findings
}

// ParseFile reads the documents of one access-repo file, given its path
// relative to the repo root and its content, with every check Load makes
// on a single file (Load's cross-file checks, such as duplicate names, are
// the caller's). A document with an error is left out. It serves callers
// that read only the files a change touches.
func ParseFile(path string, data []byte, opts Options) ([]model.Doc, model.Findings) {
	opts = opts.withDefaults()
	if int64(len(data)) > opts.MaxFileSize {
		return nil, model.Findings{finding(path, tooLarge(int64(len(data)), opts.MaxFileSize))}
	}
	r := parseFile(path, data, opts, nil)
	return fileDocs(path, &r)
}

// IsDocumentFile reports whether Load reads the file at p (a slash path
// relative to the repo root) for documents: a .yaml or .yml file outside
// dot-directories.
func IsDocumentFile(p string) bool { return isYAML(p) && !hasDotComponent(p) }

// IsPolicyFile reports whether p is one of the access repo's Rego policies.
func IsPolicyFile(p string) bool { return isPolicy(p) && !hasDotComponent(p) }

func duplicate(d, prev model.Doc) problem {
	kind, name := d.KindName()
	pm, m := prev.Source(), d.Source()
	msg := fmt.Sprintf("%s %q in %s is already defined in %s:%d:%d (line %d); rename or remove one of them",
		kind, name, m.File, pm.File, pm.Pos.Line, pm.Pos.Column, pm.Pos.Line)
	if kind == model.KindConfig {
		msg = fmt.Sprintf("a second Config in %s: the Config is already defined in %s:%d:%d (line %d); an access repo has one Config, in gatehouse.yaml",
			m.File, pm.File, pm.Pos.Line, pm.Pos.Column, pm.Pos.Line)
	}
	return problem{pos: m.Pos, rule: RuleDuplicateName, message: msg}
}

func finding(file string, p problem) model.Finding {
	return model.Finding{Severity: model.SeverityError, File: file, Line: p.pos.Line, Column: p.pos.Column, Rule: p.rule, Message: p.message}
}

// isYAML reports whether the loader reads p as YAML documents.
func isYAML(p string) bool { return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") }

// isPolicy reports whether p is one of the repo's Rego policies.
func isPolicy(p string) bool {
	return strings.HasPrefix(p, "policies/") && strings.HasSuffix(p, ".rego")
}

// maxLinkHops bounds chains of symbolic links (and so link loops).
const maxLinkHops = 8

// plan picks the files to read and resolves symbolic links among the
// entries. It returns the tasks in path order and, for the Locator, where
// each linked file's content lives.
func plan(entries []Entry) ([]task, map[string]string) {
	byPath := make(map[string]*Entry)
	for i := range entries {
		if e := &entries[i]; e.IsLink {
			byPath[e.Path] = e
		}
	}
	regular := func(p string) (*Entry, bool) {
		if e, ok := byPath[p]; ok {
			return e, true
		}
		// Regular files are not in byPath (to keep the map small); search
		// the sorted entries.
		i, ok := searchEntries(entries, p)
		if !ok {
			return nil, false
		}
		return &entries[i], true
	}
	tasks := make([]task, 0, len(entries))
	links := map[string]string{}
	for _, e := range entries {
		if hasDotComponent(e.Path) {
			continue
		}
		t := task{path: e.Path, readPath: e.Path}
		switch {
		case isPolicy(e.Path):
			t.policy = true
		case isYAML(e.Path):
		default:
			continue
		}
		if e.IsLink {
			t.readPath, t.prob = follow(e, regular)
			if t.prob == nil {
				links[e.Path] = t.readPath
			}
		}
		tasks = append(tasks, t)
	}
	return tasks, links
}

// follow resolves the symbolic link e to the regular file it designates.
func follow(e Entry, lookup func(string) (*Entry, bool)) (string, *problem) {
	cur := e
	for range maxLinkHops {
		target, ok := resolveLink(cur.Path, cur.Link)
		if !ok {
			return "", &problem{rule: RuleSymlinkEscape, message: fmt.Sprintf("symbolic link to %q leaves the repository; gatehouse reads only files inside the access repo: copy the file in", e.Link)}
		}
		next, found := lookup(target)
		if !found || hasDotComponent(target) {
			return "", &problem{rule: RuleBrokenSymlink, message: fmt.Sprintf("symbolic link points to %q, which is not a file of the repository (links to directories and dot-directories are not followed); fix or remove the link", target)}
		}
		if !next.IsLink {
			return target, nil
		}
		cur = *next
	}
	return "", &problem{rule: RuleBrokenSymlink, message: fmt.Sprintf("symbolic link %q goes through more than %d links (a loop?); point it at the file directly", e.Link, maxLinkHops)}
}

func searchEntries(entries []Entry, p string) (int, bool) {
	lo, hi := 0, len(entries)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if entries[m].Path < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(entries) && entries[lo].Path == p
}

// run reads and parses the tasks with a bounded pool of workers, each
// result landing at its task's index.
func run(ctx context.Context, src Source, opts Options, tasks []task, results []result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	workers := min(opts.Workers, max(1, len(tasks)))
	for range workers {
		wg.Go(func() {
			w := &worker{buf: make([]byte, 0, 16<<10)}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(tasks) {
					return
				}
				if err := ctx.Err(); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				var err error
				results[i], err = w.process(ctx, src, opts, &tasks[i])
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("load %s: %w", src.Name(), firstErr)
	}
	return nil
}

// worker is what one of run's goroutines reuses from file to file.
type worker struct {
	buf  []byte // the read buffer
	fast fastParser
}

// process reads and parses one file.
func (w *worker) process(ctx context.Context, src Source, opts Options, t *task) (result, error) {
	if t.prob != nil {
		return result{problems: []problem{*t.prob}}, nil
	}
	data, err := src.ReadFile(ctx, t.readPath, opts.MaxFileSize, w.buf)
	if tl, ok := errors.AsType[*TooLargeError](err); ok {
		return result{problems: []problem{tooLarge(tl.Size, tl.Limit)}}, nil
	}
	if err != nil {
		return result{}, err
	}
	if cap(data) > cap(w.buf) {
		w.buf = data[:0]
	}
	if t.policy {
		return result{policy: bytes.Clone(data)}, nil
	}
	return parseFile(t.path, data, opts, &w.fast), nil
}

func tooLarge(n, limit int64) problem {
	return problem{rule: RuleFileTooLarge, message: fmt.Sprintf(
		"file is %s, over the limit of %s; split it into smaller files", size(n), size(limit))}
}

func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// parseFile turns a YAML file into documents, or problems.
// fast, when not nil, reads the file when it is in its subset.
func parseFile(path string, data []byte, opts Options, fast *fastParser) result {
	var r result
	if !utf8.Valid(data) {
		r.problems = append(r.problems, problem{pos: badUTF8(data), rule: RuleNotUTF8,
			message: "the file is not valid UTF-8 (first bad byte here); save it as UTF-8"})
		return r
	}
	var (
		docs []yamlDoc
		prob *problem
	)
	if root, ok := fast.parse(data); ok {
		docs = []yamlDoc{{index: 0, root: root}}
	} else {
		docs, prob = parseStream(data)
	}
	for _, yd := range docs {
		d, probs := checkDoc(path, yd, opts)
		r.problems = append(r.problems, probs...)
		if d != nil {
			r.docs = append(r.docs, d)
		}
	}
	if prob != nil {
		r.problems = append(r.problems, *prob)
	}
	return r
}

// checkDoc converts, checks and decodes one document. It returns the
// document, or nil and the problems that keep it out of the Org.
func checkDoc(path string, yd yamlDoc, opts Options) (model.Doc, []problem) {
	root := yd.root
	if isEmpty(root) {
		return nil, nil
	}
	conv := newConverter(opts.MaxAliasNodes)
	v := conv.value(root)
	if len(conv.problems) > 0 {
		return nil, conv.problems
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, []problem{{pos: nodePos(root), rule: RuleNotAMapping,
			message: fmt.Sprintf("a document must be a mapping with kind: and its fields, not a %s", kindName(root))}}
	}
	kind, ok := m["kind"].(string)
	if !ok || kind == "" {
		msg := "document has no kind; add kind: with one of "
		if k, has := m["kind"]; has && k != nil && k != "" {
			msg = fmt.Sprintf("kind must be a kind's name, not %s; write one of ", describe(k))
		}
		return nil, []problem{{pos: locate(root, "kind"), rule: RuleMissingKind, message: msg + strings.Join(model.Kinds, ", ")}}
	}
	if !isKind(kind) {
		msg := fmt.Sprintf("unknown kind %q", kind)
		if s := closest(kind, model.Kinds); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += "; kinds: " + strings.Join(model.Kinds, ", ")
		}
		return nil, []problem{{pos: locate(root, "kind"), rule: RuleUnknownKind, message: msg}}
	}
	if model.NeedsName(kind) {
		if n, has := m["name"]; !has || n == nil || n == "" {
			return nil, []problem{{pos: locate(root, "name"), rule: RuleMissingName,
				message: fmt.Sprintf("%s has no name; add name: with its id, which references to it use", kind)}}
		}
	}
	if vs := schemas.Validate(kind, m); len(vs) > 0 {
		probs := make([]problem, len(vs))
		for i, v := range vs {
			probs[i] = problem{pos: locate(root, v.Path), rule: v.Rule, message: v.Message}
		}
		return nil, probs
	}
	doc := newDoc(kind)
	dec := decoder{kind: kind}
	dec.decode(reflect.ValueOf(doc).Elem(), m, "")
	if len(dec.errs) > 0 {
		probs := make([]problem, len(dec.errs))
		for i, e := range dec.errs {
			probs[i] = problem{pos: locate(root, e.path), rule: e.rule, message: e.message}
		}
		return nil, probs
	}
	meta := doc.Source()
	meta.File, meta.Index, meta.Pos = path, yd.index, docPos(root)
	return doc, nil
}

func isKind(s string) bool {
	for _, k := range model.Kinds {
		if k == s {
			return true
		}
	}
	return false
}
