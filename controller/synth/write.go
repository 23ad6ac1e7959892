package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/schemas"
)

// SchemaBaseURL is where the modelines of written files point editors for
// each kind's JSON Schema: SchemaBaseURL + "person.schema.json".
const SchemaBaseURL = "https://raw.githubusercontent.com/gatehouse-dev/gatehouse/main/schemas/"

// SchemaURL returns the URL of kind's JSON Schema.
func SchemaURL(kind string) string {
	return SchemaBaseURL + schemas.File(kind)
}

// WriteOption changes how WriteDir and WriteGit write an organisation.
type WriteOption func(*writeOptions)

type writeOptions struct {
	progress   func(done, total int)
	commitTime time.Time
}

// WithProgress has the writers report how many files of the total they
// have written, about ten times a second and once at the end. Calls come
// from one goroutine at a time.
func WithProgress(fn func(done, total int)) WriteOption {
	return func(o *writeOptions) { o.progress = fn }
}

// WithCommitTime sets WriteGit's commit author and committer time, which
// makes the commit hash reproducible; without it WriteGit uses the
// current time.
func WithCommitTime(t time.Time) WriteOption {
	return func(o *writeOptions) { o.commitTime = t }
}

// file is one file of the access repo to write: the documents that share
// its path, in index order, or the raw bytes of a policy.
type file struct {
	path string
	docs []model.Doc
	raw  []byte
}

// Files returns the number of files WriteDir writes for org, or 0 when
// org cannot be written (WriteDir says why).
func Files(org *model.Org) int {
	fs, err := collect(org)
	if err != nil {
		return 0
	}
	return len(fs)
}

// collect groups org's documents and policies by file and checks that
// every path is a clean relative path inside the repository.
func collect(org *model.Org) ([]file, error) {
	if org == nil {
		return nil, errors.New("write access repo: no organisation given")
	}
	byPath := map[string]int{}
	var files []file
	var errs []error
	org.Each(func(d model.Doc) {
		m := d.Source()
		if err := checkPath(m.File); err != nil {
			kind, name := d.KindName()
			errs = append(errs, fmt.Errorf("write %s %q: %w", kind, name, err))
			return
		}
		i, ok := byPath[m.File]
		if !ok {
			i = len(files)
			byPath[m.File] = i
			files = append(files, file{path: m.File})
		}
		files[i].docs = append(files[i].docs, d)
	})
	for _, p := range org.Policies {
		if err := checkPath(p.Path); err != nil {
			errs = append(errs, fmt.Errorf("write policy: %w", err))
			continue
		}
		if _, ok := byPath[p.Path]; ok {
			errs = append(errs, fmt.Errorf("write policy %s: a document has the same path; give one of them another", p.Path))
			continue
		}
		byPath[p.Path] = len(files)
		files = append(files, file{path: p.Path, raw: p.Data})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i := range files {
		slices.SortStableFunc(files[i].docs, func(a, b model.Doc) int { return a.Source().Index - b.Source().Index })
	}
	return files, nil
}

func checkPath(p string) error {
	if p == "" {
		return errors.New("the document has no file path (Meta.File); set it to where it belongs, e.g. people/alice.yaml")
	}
	if !fs.ValidPath(p) || p == "." || strings.HasPrefix(p, ".git/") || p == ".git" {
		return fmt.Errorf("path %q must be relative, clean, use forward slashes and stay out of .git", p)
	}
	return nil
}

// render encodes a file's documents as YAML in the order of the model's
// fields, with a schema modeline when every document has the same kind.
func render(f file) ([]byte, error) {
	if f.docs == nil {
		return f.raw, nil
	}
	var buf bytes.Buffer
	kind, _ := f.docs[0].KindName()
	same := true
	for _, d := range f.docs[1:] {
		if k, _ := d.KindName(); k != kind {
			same = false
		}
	}
	if same {
		fmt.Fprintf(&buf, "# yaml-language-server: $schema=%s\n", SchemaURL(kind))
	}
	for i, d := range f.docs {
		if i > 0 {
			buf.WriteString("---\n")
		}
		if err := encodeDoc(&buf, d); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return buf.Bytes(), nil
}

// encodeDoc marshals d through its JSON tags, the field names of format
// v1, and re-emits the JSON as block-style YAML in the struct's field
// order (kind and name first; sigs.k8s.io/yaml would sort the keys). The
// JSON is converted token by token rather than through a YAML parser and
// emitter, which is about ten times faster and matters at 150,000 files.
func encodeDoc(buf *bytes.Buffer, d model.Doc) error {
	j, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := jsonToYAML(buf, j); err != nil {
		return fmt.Errorf("encode as YAML: %w", err)
	}
	return nil
}

// jsonToYAML writes the JSON object j as block-style YAML with two-space
// indentation.
func jsonToYAML(buf *bytes.Buffer, j []byte) error {
	w := yamlWriter{dec: json.NewDecoder(bytes.NewReader(j)), buf: buf}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("a document must be an object, not %v", tok)
	}
	if !w.dec.More() {
		_, err := w.dec.Token()
		buf.WriteString("{}\n")
		return err
	}
	return w.mapping(0, false)
}

type yamlWriter struct {
	dec *json.Decoder
	buf *bytes.Buffer
}

func (w *yamlWriter) indent(n int) {
	for range n {
		w.buf.WriteByte(' ')
	}
}

// mapping writes the members of an object whose '{' has been read, up to
// and including its '}'. With inline the first key goes on the current
// line, after a sequence's "- ".
func (w *yamlWriter) mapping(indent int, inline bool) error {
	for first := true; w.dec.More(); first = false {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", tok)
		}
		if !first || !inline {
			w.indent(indent)
		}
		w.scalar(key)
		w.buf.WriteByte(':')
		if err := w.value(indent, false); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// sequence writes the elements of an array whose '[' has been read, up to
// and including its ']'.
func (w *yamlWriter) sequence(indent int) error {
	for w.dec.More() {
		w.indent(indent)
		w.buf.WriteByte('-')
		if err := w.value(indent+2, true); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// value reads one value and writes it after a key's colon or, with
// inSeq, a sequence's dash: scalars and the first key of an object on the
// same line, other collections below at indent.
func (w *yamlWriter) value(indent int, inSeq bool) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		if !w.dec.More() {
			w.buf.WriteString(" {}\n")
			_, err := w.dec.Token()
			return err
		}
		if inSeq {
			w.buf.WriteByte(' ')
			return w.mapping(indent, true)
		}
		w.buf.WriteByte('\n')
		return w.mapping(indent+2, false)
	case json.Delim('['):
		if !w.dec.More() {
			w.buf.WriteString(" []\n")
			_, err := w.dec.Token()
			return err
		}
		w.buf.WriteByte('\n')
		if inSeq {
			return w.sequence(indent)
		}
		return w.sequence(indent + 2)
	}
	w.buf.WriteByte(' ')
	switch v := tok.(type) {
	case string:
		w.scalar(v)
	case json.Number:
		w.buf.WriteString(v.String())
	case bool:
		w.buf.WriteString(strconv.FormatBool(v))
	case nil:
		w.buf.WriteString("null")
	default:
		return fmt.Errorf("unexpected JSON token %v", tok)
	}
	w.buf.WriteByte('\n')
	return nil
}

// scalar writes s plain when YAML reads it back as the same string, and
// double-quoted otherwise, escaping what YAML does not allow as itself.
func (w *yamlWriter) scalar(s string) {
	if plainSafe(s) {
		w.buf.WriteString(s)
		return
	}
	w.buf.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			w.buf.WriteByte('\\')
			w.buf.WriteRune(r)
		case r == '\n':
			w.buf.WriteString(`\n`)
		case r == '\t':
			w.buf.WriteString(`\t`)
		case yamlPrintable(r):
			w.buf.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(w.buf, `\u%04X`, r)
		default:
			fmt.Fprintf(w.buf, `\U%08X`, r)
		}
	}
	w.buf.WriteByte('"')
}

// yamlPrintable reports whether r may appear as itself inside a
// double-quoted YAML scalar: YAML's printable set without its line
// breaks.
func yamlPrintable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e:
		return true
	case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// plainSafe reports whether s can be written as a plain YAML scalar and
// still read back as this string. It is deliberately conservative: a
// string that could be read as a number, timestamp, boolean or null, or
// that holds characters with a meaning in YAML, is quoted.
func plainSafe(s string) bool {
	if s == "" || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	switch c := s[0]; {
	case isLetter(c):
	case c >= '0' && c <= '9':
		// "90d" and "1password" are strings; "1e5", "0x1f", "2026-01-31"
		// and "1:30" are not.
		if len(s) > 1 && strings.ContainsRune("xXoObB", rune(s[1])) || strings.ContainsAny(s, "-:. _") ||
			!strings.ContainsFunc(s, func(r rune) bool { return r < 128 && isLetter(byte(r)) && r != 'e' && r != 'E' }) {
			return false
		}
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c), c >= '0' && c <= '9':
		case c == ':':
			if s[i+1] == ' ' {
				return false
			}
		case strings.IndexByte(" ._/@+,()'-", c) >= 0:
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null":
		return false
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// WriteDir writes org into dir as an access repo, one file per document at
// its Meta.File and the policies at their paths. Dir must be empty or not
// exist yet. Files are written in parallel.
func WriteDir(ctx context.Context, org *model.Org, dir string, opts ...WriteOption) error {
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	files, err := collect(org)
	if err != nil {
		return err
	}
	return writeFiles(ctx, dir, files, o.progress, nil)
}

// writeFiles writes files under dir with a pool of workers; after, when
// set, is called by the worker with each file's index and bytes once the
// file is on disk.
func writeFiles(ctx context.Context, dir string, files []file, progress func(done, total int), after func(i int, data []byte) error) error {
	if err := prepareDir(dir, files); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var next, done atomic.Int64
	stopProgress := reportProgress(progress, &done, len(files))
	workers := max(2, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				data, err := render(files[i])
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, filepath.FromSlash(files[i].path)), data, 0o644)
					if err != nil {
						err = fmt.Errorf("write access repo file: %w", err)
					}
				}
				if err == nil && after != nil {
					err = after(i, data)
				}
				if err != nil {
					cancel(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	stopProgress()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// prepareDir creates dir and every folder the files go in, refusing a dir
// that already holds something: mixing a generated organisation with
// other files would make a different organisation.
func prepareDir(dir string, files []file) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write access repo to %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("write access repo to %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("write access repo to %s: the folder is not empty; choose a new or empty folder", dir)
	}
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[path.Dir(f.path)] = true
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	slices.Sort(sorted)
	for _, d := range sorted {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return fmt.Errorf("write access repo to %s: %w", dir, err)
		}
	}
	return nil
}

// reportProgress calls fn with the count of written files about ten times
// a second until the returned stop function is called, which reports the
// final count.
func reportProgress(fn func(done, total int), done *atomic.Int64, total int) (stop func()) {
	if fn == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				fn(int(done.Load()), total)
			}
		}
	})
	return func() {
		close(quit)
		wg.Wait()
		fn(int(done.Load()), total)
	}
}
