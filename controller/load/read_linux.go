//go:build linux

package load

import (
	"path"
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

	mu   sync.Mutex
	dirs map[string]int // directory (slash path) -> open descriptor
}

// maxDirFDs bounds the directory descriptors kept open; directories past
// it are resolved per file.
const maxDirFDs = 4096

var beneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

func newFastReader(dir string) *fastReader {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	return &fastReader{dirfd: fd, dirs: map[string]int{}}
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
			return unix.Openat(dfd, name, flags, 0)
		}
	}
	return unix.Openat2(r.dirfd, p, &unix.OpenHow{Flags: flags, Resolve: uint64(beneath)})
}

// read appends the file at p to buf[:0], or reports it tooLarge. ok is false when the fast path
// cannot answer (an old kernel, a link, any error): the caller then reads
// through os.Root, which gives the proper error.
func (r *fastReader) read(p string, max int64, buf []byte) (data []byte, size int64, tooLarge, ok bool) {
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
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, 0, false, false
	}
	if max > 0 && st.Size > max {
		return nil, st.Size, true, true
	}
	n := int(st.Size)
	if cap(buf) < n {
		buf = make([]byte, 0, n+512)
	}
	buf = buf[:n]
	for off := 0; off < n; {
		m, err := unix.Read(fd, buf[off:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || m == 0 {
			return nil, 0, false, false
		}
		off += m
	}
	return buf, st.Size, false, true
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
