package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/go-git/go-git/v5/plumbing"
)

type fixture struct {
	dir           string
	first, second plumbing.Hash
	firstFiles    gitrepotest.Files
	secondFiles   gitrepotest.Files
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	f := fixture{dir: dir}
	f.firstFiles = gitrepotest.Text(map[string]string{
		"gatehouse.yaml":      "kind: Config\nname: acme\n",
		"people/alice.yaml":   "kind: Person\nname: alice\n",
		"teams/platform.yaml": "kind: Team\nname: platform\n",
	})
	f.first = gitrepotest.Commit(t, r, "first", f.firstFiles)
	gitrepotest.Tag(t, r, "v1", f.first)
	f.secondFiles = gitrepotest.Files{
		"gatehouse.yaml":      {Data: []byte("kind: Config\nname: acme\n")},
		"people/alice.yaml":   {Data: []byte("kind: Person\nname: alice\nrole: admin\n")},
		"people/bob.yaml":     {Data: []byte("kind: Person\nname: bob\n")},
		"people/current.yaml": {Link: "bob.yaml"},
		"a-b/x.yaml":          {Data: []byte("x: 1\n")},
	}
	f.second = gitrepotest.Commit(t, r, "second", f.secondFiles)
	gitrepotest.Ref(t, r, "refs/remotes/origin/main", f.first)
	return f
}

func TestResolve(t *testing.T) {
	f := newFixture(t)
	// Open from a subdirectory: the repository is found upward.
	sub := filepath.Join(f.dir, "people")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(sub)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	tests := []struct {
		rev  string
		want plumbing.Hash
	}{
		{"HEAD", f.second},
		{"master", f.second},
		{"refs/heads/master", f.second},
		{"v1", f.first},
		{"HEAD~1", f.first},
		{"master^", f.first},
		{"origin/main", f.first},
		{f.first.String(), f.first},
		{f.second.String()[:10], f.second},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			c, err := repo.Resolve(tt.rev)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.rev, err)
			}
			if c.Hash != tt.want {
				t.Errorf("Resolve(%q) = %s, want %s", tt.rev, c.Hash, tt.want)
			}
		})
	}
}

func TestResolveUnknown(t *testing.T) {
	f := newFixture(t)
	repo, err := gitrepo.Open(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	for _, rev := range []string{"nope", "HEAD~5", "deadbeef", "v2"} {
		t.Run(rev, func(t *testing.T) {
			_, err := repo.Resolve(rev)
			if err == nil {
				t.Fatalf("Resolve(%q) succeeded", rev)
			}
			if !errors.Is(err, gitrepo.ErrUnknownRevision) {
				t.Errorf("error %v does not wrap ErrUnknownRevision", err)
			}
			for _, want := range []string{fmt.Sprintf("unknown revision %q", rev), "try a branch, tag or commit SHA"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestOpenNotARepo(t *testing.T) {
	_, err := gitrepo.Open(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "no .git found") {
		t.Fatalf("Open(empty dir) error = %v, want a hint that no .git was found", err)
	}
}

func TestFilesAndReadBlob(t *testing.T) {
	f := newFixture(t)
	repo, files := openHead(t, f.dir)
	var got []string
	for _, fl := range files {
		got = append(got, fmt.Sprintf("%s link=%v", fl.Path, fl.IsSymlink()))
	}
	want := []string{
		"a-b/x.yaml link=false",
		"gatehouse.yaml link=false",
		"people/alice.yaml link=false",
		"people/bob.yaml link=false",
		"people/current.yaml link=true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Files =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, fl := range files {
		data, size, err := repo.ReadBlob(fl.Hash, 0)
		if err != nil {
			t.Fatalf("ReadBlob(%s): %v", fl.Path, err)
		}
		want := f.secondFiles[fl.Path]
		wantData := string(want.Data)
		if want.Link != "" {
			wantData = want.Link
		}
		if string(data) != wantData || size != int64(len(wantData)) {
			t.Errorf("ReadBlob(%s) = %q (%d bytes), want %q", fl.Path, data, size, wantData)
		}
	}
	_, size, err := repo.ReadBlob(files[2].Hash, 10)
	if !errors.Is(err, gitrepo.ErrTooLarge) || size != int64(len(f.secondFiles["people/alice.yaml"].Data)) {
		t.Errorf("ReadBlob over the limit: size %d, err %v; want ErrTooLarge with the size", size, err)
	}
}

func TestFilesCancelled(t *testing.T) {
	f := newFixture(t)
	repo, err := gitrepo.Open(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := repo.Files(ctx, c); !errors.Is(err, context.Canceled) {
		t.Fatalf("Files with a cancelled context: err = %v, want context.Canceled", err)
	}
}

// TestConcurrentReads reads every blob from many goroutines at once; run
// with -race it shows the handle pool keeps go-git's storage unshared.
func TestConcurrentReads(t *testing.T) {
	dir := t.TempDir()
	r := gitrepotest.Init(t, dir)
	files := gitrepotest.Files{}
	for i := range 200 {
		files[fmt.Sprintf("people/p%03d.yaml", i)] = gitrepotest.File{Data: []byte(fmt.Sprintf("kind: Person\nname: p%03d\n", i))}
	}
	gitrepotest.Commit(t, r, "people", files)
	repo, list := openHead(t, dir)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(list); i += 8 {
				data, _, err := repo.ReadBlob(list[i].Hash, 0)
				if err != nil {
					errs <- err
					return
				}
				if want := string(files[list[i].Path].Data); string(data) != want {
					errs <- fmt.Errorf("%s: got %q, want %q", list[i].Path, data, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// openHead opens the repository at dir and lists the files of HEAD.
func openHead(t *testing.T, dir string) (*gitrepo.Repo, []gitrepo.File) {
	t.Helper()
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	files, err := repo.Files(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return repo, files
}
