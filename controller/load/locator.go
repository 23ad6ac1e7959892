package load

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// locatorCacheSize is how many parsed files the Locator keeps. Findings
// cluster in few files, and each file is small.
const locatorCacheSize = 8

// locator implements model.Locator by re-reading and re-parsing the file
// asked about, so a loaded Org holds no YAML trees.
type locator struct {
	src   Source
	links map[string]string // a link's path -> the path of its content
	opts  Options

	mu    sync.Mutex
	cache []cachedFile // most recently used last
}

type cachedFile struct {
	file string
	docs []yamlDoc
}

// Locate returns the position of path in the document index of file, or
// of its closest present ancestor; the zero Pos when the file cannot be
// read or parsed any more.
func (l *locator) Locate(file string, index int, path string) model.Pos {
	return locateIn(l.docs(file), index, path)
}

func locateIn(docs []yamlDoc, index int, path string) model.Pos {
	for _, d := range docs {
		if d.index == index && !isEmpty(d.root) {
			return locate(d.root, path)
		}
	}
	return model.Pos{}
}

func (l *locator) docs(file string) []yamlDoc {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, c := range l.cache {
		if c.file == file {
			l.cache = append(append(l.cache[:i:i], l.cache[i+1:]...), c)
			return c.docs
		}
	}
	docs, _ := l.read(file, nil, nil)
	if len(l.cache) == locatorCacheSize {
		l.cache = l.cache[1:]
	}
	l.cache = append(l.cache, cachedFile{file: file, docs: docs})
	return docs
}

// read parses file again. fast, when not nil, parses files in its subset
// (its nodes live until its next parse); buf is a read buffer to reuse.
func (l *locator) read(file string, fast *fastParser, buf []byte) ([]yamlDoc, []byte) {
	readPath := file
	if p, ok := l.links[file]; ok {
		readPath = p
	}
	data, err := l.src.ReadFile(context.Background(), readPath, l.opts.MaxFileSize, buf)
	if err != nil || !utf8.Valid(data) {
		return nil, buf
	}
	if root, ok := fast.parse(data); ok {
		return []yamlDoc{{index: 0, root: root}}, data
	}
	docs, _ := parseStream(data)
	return docs, data
}

// LocateAll returns the position of every location, in order, as Locate
// would. It reads each file once, several files at a time: a validation
// with a finding in every request file locates them all in one pass.
func (l *locator) LocateAll(locs []model.Location) []model.Pos {
	out := make([]model.Pos, len(locs))
	order := make([]int, len(locs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(locs[a].File, locs[b].File) })
	var files [][]int // indexes into locs, one group per file
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && locs[order[end]].File == locs[order[start]].File {
			end++
		}
		files = append(files, order[start:end])
		start = end
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(l.opts.Workers, len(files)) {
		wg.Go(func() {
			var (
				fast fastParser
				buf  []byte
				docs []yamlDoc
			)
			for {
				g := int(next.Add(1) - 1)
				if g >= len(files) {
					return
				}
				docs, buf = l.read(locs[files[g][0]].File, &fast, buf)
				buf = buf[:0]
				for _, i := range files[g] {
					out[i] = locateIn(docs, locs[i].Index, locs[i].Path)
				}
			}
		})
	}
	wg.Wait()
	return out
}
