package gitrepo

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// packs reads whole, undeltified blobs straight from the repository's pack
// files, mapped into memory, with their indexes decoded once. go-git's
// reader seeks and reads the pack file a few times per object, which
// dominates reading the many small blobs of an access repo. Everything
// else (loose objects, deltas, other object types) is left to go-git.
// A packs is safe for concurrent use.
type packs struct {
	mu     sync.RWMutex
	list   []pack
	closed bool
}

type pack struct {
	idx  *idxfile.MemoryIndex
	data []byte
}

// openPacks maps the pack files of the object store in dir (a .git
// directory). Any failure leaves that pack to go-git.
func openPacks(dir string) *packs {
	p := &packs{}
	names, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "pack-*.idx"))
	if err != nil {
		return p
	}
	for _, name := range names {
		idx, err := readIndex(name)
		if err != nil {
			continue
		}
		data, err := mapFile(strings.TrimSuffix(name, ".idx") + ".pack")
		if err != nil || data == nil {
			continue
		}
		p.list = append(p.list, pack{idx: idx, data: data})
	}
	return p
}

func readIndex(name string) (*idxfile.MemoryIndex, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, err
	}
	return idx, nil
}

// close unmaps the packs; later reads fall through to go-git, which
// reports the closed repository.
func (p *packs) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, pk := range p.list {
		unmapFile(pk.data)
	}
	p.list = nil
}

// Pack object types.
const (
	objTree = 2
	objBlob = 3
)

var zlibReaders sync.Pool // of io.ReadCloser implementing zlib.Resetter

// readBlob returns the blob h when it is stored whole in one of the packs:
// its content, or with tooLarge its size alone. ok is false when go-git
// must answer.
func (p *packs) readBlob(h plumbing.Hash, max int64) (data []byte, size int64, tooLarge, ok bool) {
	return p.read(h, objBlob, max)
}

// readTree returns the tree object h when it is stored whole in one of
// the packs; ok is false when go-git must answer.
func (p *packs) readTree(h plumbing.Hash) (data []byte, ok bool) {
	data, _, _, ok = p.read(h, objTree, 0)
	return data, ok
}

// read returns the object h of pack type typ when it is stored whole (not
// as a delta) in one of the packs.
func (p *packs) read(h plumbing.Hash, typ int, max int64) (data []byte, size int64, tooLarge, ok bool) {
	if p == nil {
		return nil, 0, false, false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, pk := range p.list {
		off, err := pk.idx.FindOffset(h)
		if err != nil || off < 0 || off >= int64(len(pk.data)) {
			continue
		}
		t, size, n := objectHeader(pk.data[off:])
		if n == 0 || t != typ {
			return nil, 0, false, false
		}
		if max > 0 && size > max {
			return nil, size, true, true
		}
		// zlib inflates at most about 1032:1; a larger claimed size is a
		// damaged pack, which go-git reports properly.
		if rest := int64(len(pk.data)) - off - int64(n); size > rest*1032+64 {
			return nil, 0, false, false
		}
		data, err := inflate(pk.data[off+int64(n):], size)
		if err != nil {
			return nil, 0, false, false
		}
		return data, size, false, true
	}
	return nil, 0, false, false
}

// objectHeader decodes a pack object's type and inflated size; n is the
// header's length, 0 when it is malformed.
func objectHeader(b []byte) (typ int, size int64, n int) {
	if len(b) == 0 {
		return 0, 0, 0
	}
	c := b[0]
	typ, size, n = int(c>>4)&7, int64(c&15), 1
	for shift := 4; c&0x80 != 0; shift += 7 {
		if n >= len(b) || shift > 56 {
			return 0, 0, 0
		}
		c = b[n]
		n++
		size |= int64(c&0x7f) << shift
	}
	return typ, size, n
}

func inflate(src []byte, size int64) ([]byte, error) {
	var zr io.ReadCloser
	if v := zlibReaders.Get(); v != nil {
		zr = v.(io.ReadCloser)
		if err := zr.(zlib.Resetter).Reset(bytes.NewReader(src), nil); err != nil {
			return nil, err
		}
	} else {
		var err error
		if zr, err = zlib.NewReader(bytes.NewReader(src)); err != nil {
			return nil, err
		}
	}
	defer zlibReaders.Put(zr)
	data := make([]byte, size)
	if _, err := io.ReadFull(zr, data); err != nil {
		return nil, err
	}
	return data, nil
}
