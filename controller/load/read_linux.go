//go:build linux

package load

import (
	"path"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// fastReader reads files below a directory with openat2, which resolves the
// whole path in one system call and lets the kernel refuse any path that
// leaves the directory or goes through a symbolic link. It saves os.Root's
// per-component walk and os.File's set-up, which dominate reading many
// small files. Directories are opened once the same way and files opened
// by name beneath them, so the kernel resolves one component per file.
type fastReader struct {
	dirfd    int
	disabled atomic.Bool
	// wholeReads is set when the root is on a filesystem whose reads of a
	// regular file stop short only at its end; files are then opened on
	// the root's own mount only, and a short read ends the file.
	wholeReads bool

	mu   sync.Mutex
	dirs map[string]int // directory (slash path) -> open descriptor
}

// maxDirFDs bounds the directory descriptors kept open; directories past
// it are resolved per file.
const maxDirFDs = 4096

// beneath keeps a path below the root, off links and on the root's mount.
var beneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV

func newFastReader(dir string) *fastReader {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	var st unix.Statfs_t
	whole := unix.Fstatfs(fd, &st) == nil && wholeReadFS(st.Type)
	return &fastReader{dirfd: fd, dirs: map[string]int{}, wholeReads: whole}
}

// wholeReadFS reports a local disk or memory filesystem, whose read of a
// regular file returns fewer bytes than asked only at the end of the file
// (signals do not interrupt it). Network and FUSE filesystems may stop
// short anywhere, so files there are read until read returns 0.
func wholeReadFS(magic int64) bool {
	switch magic {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.TMPFS_MAGIC, unix.F2FS_SUPER_MAGIC:
		return true
	}
	return false
}

// dirFD returns a descriptor of the directory dir below the root, opened
// once without following links; false when there is none to be had.
func (r *fastReader) dirFD(dir string) (int, bool) {
	if dir == "." {
		return r.dirfd, true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if fd, ok := r.dirs[dir]; ok {
		return fd, true
	}
	if len(r.dirs) >= maxDirFDs {
		return -1, false
	}
	fd, err := unix.Openat2(r.dirfd, dir, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: uint64(beneath),
	})
	if err != nil {
		return -1, false
	}
	r.dirs[dir] = fd
	return fd, true
}

// open opens the regular file p without following a link anywhere on its
// way and without leaving the root.
func (r *fastReader) open(p string) (int, error) {
	const flags = unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK
	dir, name := path.Split(p)
	if dir = path.Clean(dir); name != "" && name != "." && name != ".." {
		if dfd, ok := r.dirFD(dir); ok {
			if r.wholeReads {
				// A file bind-mounted from elsewhere is refused here and
				// read the slow way.
				return unix.Openat2(dfd, name, &unix.OpenHow{Flags: flags, Resolve: uint64(beneath)})
			}
			return unix.Openat(dfd, name, flags, 0)
		}
	}
	return unix.Openat2(r.dirfd, p, &unix.OpenHow{Flags: flags, Resolve: uint64(beneath)})
}

// read appends the file at p to buf[:0], or reports it tooLarge. ok is
// false when the fast path cannot answer (an old kernel, a link, a
// directory, any error): the caller then reads through os.Root, which
// gives the proper error.
//
// It never asks for the size first: a system call per file costs as much
// as the read itself. It reads until read returns 0, or, on a filesystem
// with whole reads, until a read returns less than asked. The limit bounds
// what is read from anything that is not a regular file (the listing saw
// one; the flags keep a FIFO from blocking). Only a file over the limit is
// stat'ed, for its size in the message.
func (r *fastReader) read(p string, limit int64, buf []byte) (data []byte, size int64, tooLarge, ok bool) {
	if r == nil || r.disabled.Load() {
		return nil, 0, false, false
	}
	fd, err := r.open(p)
	if err != nil {
		if err == unix.ENOSYS || err == unix.EPERM {
			r.disabled.Store(true) // no openat2 here (old kernel, seccomp)
		}
		return nil, 0, false, false
	}
	defer unix.Close(fd)
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(512, len(buf)))
		}
		want := cap(buf) - len(buf)
		m, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, false, false
		}
		if m == 0 {
			return buf, int64(len(buf)), false, true
		}
		buf = buf[:len(buf)+m]
		if limit > 0 && int64(len(buf)) > limit {
			size := int64(len(buf))
			var st unix.Stat_t
			if unix.Fstat(fd, &st) == nil && st.Size > size {
				size = st.Size
			}
			return nil, size, true, true
		}
		if r.wholeReads && m < want {
			return buf, int64(len(buf)), false, true
		}
	}
}

func (r *fastReader) close() {
	if r != nil {
		r.mu.Lock()
		for _, fd := range r.dirs {
			_ = unix.Close(fd)
		}
		r.dirs = nil
		r.mu.Unlock()
		_ = unix.Close(r.dirfd)
	}
}
