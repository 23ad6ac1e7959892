package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDirSourceReadsWholeFilesOfEverySize reads files around the read
// buffer's growth steps and the size limit through a directory source:
// each comes back whole, and one byte over the limit is refused with the
// file's real size.
func TestDirSourceReadsWholeFilesOfEverySize(t *testing.T) {
	dir := t.TempDir()
	const limit = 64 << 10
	sizes := []int{0, 1, 511, 512, 513, 1024, 16<<10 - 1, 16 << 10, 16<<10 + 1, limit - 1, limit, limit + 1, 3 * limit}
	for _, n := range sizes {
		if err := os.WriteFile(filepath.Join(dir, sizeName(n)), content(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.(interface{ Close() error }).Close() })
	var buf []byte // reused, as the loader's workers do
	for _, n := range sizes {
		data, err := src.ReadFile(context.Background(), sizeName(n), limit, buf)
		if n > limit {
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Size != int64(n) || tl.Limit != limit {
				t.Errorf("%d bytes: err %v, want a TooLargeError of size %d", n, err, n)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(data, content(n)) {
			t.Errorf("%d bytes: read %d bytes that differ from the file", n, len(data))
		}
		buf = data[:0]
	}
}

func sizeName(n int) string { return fmt.Sprintf("f%d.yaml", n) }

func content(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i*7%26)
	}
	return b
}
