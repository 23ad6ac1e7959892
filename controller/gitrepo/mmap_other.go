//go:build !unix

package gitrepo

// mapFile maps nothing where mmap is not available: go-git reads every
// object.
func mapFile(string) ([]byte, error) { return nil, nil }

func unmapFile([]byte) {}
