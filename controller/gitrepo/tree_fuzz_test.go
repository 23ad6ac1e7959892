package gitrepo

import (
	"io"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// encodeTree writes entries as Git stores a tree object.
func encodeTree(t testing.TB, entries []object.TreeEntry) []byte {
	t.Helper()
	obj := &plumbing.MemoryObject{}
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		t.Fatal(err)
	}
	r, err := obj.Reader()
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// FuzzParseTree checks the fast tree parser against go-git's decoder: it
// never panics, and whatever both accept they read alike.
func FuzzParseTree(f *testing.F) {
	f.Add(encodeTree(f, []object.TreeEntry{
		{Name: "access", Mode: filemode.Dir, Hash: plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")},
		{Name: "gatehouse.yaml", Mode: filemode.Regular, Hash: plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")},
		{Name: "link", Mode: filemode.Symlink, Hash: plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")},
	}))
	f.Add([]byte("100644 a\x00short"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := parseTree(data)
		if !ok {
			return
		}
		obj := &plumbing.MemoryObject{}
		obj.SetType(plumbing.TreeObject)
		if _, err := obj.Write(data); err != nil {
			t.Fatal(err)
		}
		var want object.Tree
		if err := want.Decode(obj); err != nil {
			return // go-git is stricter about some modes; both refuse or agree below
		}
		if !slices.Equal(got, want.Entries) {
			t.Fatalf("parseTree = %v, go-git = %v", got, want.Entries)
		}
	})
}
