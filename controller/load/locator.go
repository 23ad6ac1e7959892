package load

import (
	"context"
	"sync"
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
	for _, d := range l.docs(file) {
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
	readPath := file
	if p, ok := l.links[file]; ok {
		readPath = p
	}
	data, err := l.src.ReadFile(context.Background(), readPath, l.opts.MaxFileSize, nil)
	var docs []yamlDoc
	if err == nil && utf8.Valid(data) {
		docs, _ = parseStream(data)
	}
	if len(l.cache) == locatorCacheSize {
		l.cache = l.cache[1:]
	}
	l.cache = append(l.cache, cachedFile{file: file, docs: docs})
	return docs
}
