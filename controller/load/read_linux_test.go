//go:build linux

package load

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFastReaderBothReadModes reads the same files with and without whole
// reads (short read ends the file, or only a read of 0 does): both return
// every byte, and both refuse a file over the limit.
func TestFastReaderBothReadModes(t *testing.T) {
	dir := t.TempDir()
	const limit = 32 << 10
	sizes := []int{0, 1, 512, 513, 16<<10 + 1, limit, limit + 1}
	if err := os.MkdirAll(filepath.Join(dir, "access", "github"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range sizes {
		if err := os.WriteFile(filepath.Join(dir, "access", "github", sizeName(n)), content(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, whole := range []bool{false, true} {
		r := newFastReader(dir)
		if r == nil {
			t.Fatal("no fast reader for a plain directory")
		}
		r.wholeReads = whole
		var buf []byte
		for _, n := range sizes {
			data, size, tooLarge, ok := r.read("access/github/"+sizeName(n), limit, buf)
			if !ok {
				t.Fatalf("whole reads %v, %d bytes: the fast path gave up", whole, n)
			}
			if tooLarge != (n > limit) || (tooLarge && size != int64(n)) {
				t.Errorf("whole reads %v, %d bytes: tooLarge %v size %d", whole, n, tooLarge, size)
			}
			if !tooLarge && !bytes.Equal(data, content(n)) {
				t.Errorf("whole reads %v, %d bytes: read %d bytes that differ from the file", whole, n, len(data))
			}
			if data != nil {
				buf = data[:0]
			}
		}
		r.close()
	}
}

// TestWholeReadsOnlyOnLocalFilesystems: the reader trusts short reads on
// the temporary directory exactly when its filesystem is a local one.
func TestWholeReadsOnlyOnLocalFilesystems(t *testing.T) {
	dir := t.TempDir()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	r := newFastReader(dir)
	defer r.close()
	local := map[int64]bool{unix.EXT4_SUPER_MAGIC: true, unix.XFS_SUPER_MAGIC: true, unix.BTRFS_SUPER_MAGIC: true, unix.TMPFS_MAGIC: true, unix.F2FS_SUPER_MAGIC: true}
	if r.wholeReads != local[int64(st.Type)] {
		t.Errorf("filesystem %#x: whole reads %v", st.Type, r.wholeReads)
	}
	for _, magic := range []int64{unix.NFS_SUPER_MAGIC, unix.FUSE_SUPER_MAGIC, unix.SMB2_SUPER_MAGIC, unix.OVERLAYFS_SUPER_MAGIC} {
		if wholeReadFS(magic) {
			t.Errorf("filesystem %#x: whole reads trusted", magic)
		}
	}
}
