package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

// TestPackedBlobs reads every blob of a packed repository through the
// mapped packs and checks content, size and the size limit against go-git.
func TestPackedBlobs(t *testing.T) {
	dir := t.TempDir()
	g := gitrepotest.Init(t, dir)
	files := gitrepotest.Files{}
	for i := range 40 {
		// Distinct contents, some long enough to compress.
		files[fmt.Sprintf("people/p%02d.yaml", i)] = gitrepotest.File{Data: []byte(fmt.Sprintf(
			"kind: Person\nname: p%02d\ndisplayName: %s\n", i, bytes.Repeat([]byte{'a' + byte(i%26)}, i*20)))}
	}
	files["people/link.yaml"] = gitrepotest.File{Link: "p01.yaml"}
	gitrepotest.Commit(t, g, "people", files)
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("packing needs the git command, which is not installed")
	}
	if out, err := exec.Command(gitBin, "-C", dir, "repack", "-a", "-d", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git repack: %v\n%s", err, out)
	}

	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	list, err := repo.Files(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	fast := 0
	for _, f := range list {
		want := string(files[f.Path].Data)
		if files[f.Path].Link != "" {
			want = files[f.Path].Link
		}
		data, size, err := repo.ReadBlob(f.Hash, 0)
		if err != nil || string(data) != want || size != int64(len(want)) {
			t.Errorf("ReadBlob(%s) = %q, %d, %v; want %q", f.Path, data, size, err, want)
		}
		if _, _, _, ok := repo.packs.readBlob(f.Hash, 0); ok {
			fast++
		}
		if _, size, err := repo.ReadBlob(f.Hash, 5); !errors.Is(err, ErrTooLarge) || size != int64(len(want)) {
			t.Errorf("ReadBlob(%s) over the limit: size %d, err %v; want ErrTooLarge with the size", f.Path, size, err)
		}
	}
	if fast == 0 {
		t.Errorf("no blob of %d was read from the mapped pack", len(list))
	}
	t.Logf("%d of %d blobs read from the mapped pack", fast, len(list))

	if err := repo.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := repo.ReadBlob(list[0].Hash, 0); err == nil {
		t.Error("ReadBlob after Close succeeded")
	}
}
