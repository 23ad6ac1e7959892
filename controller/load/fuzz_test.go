package load

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// memSource is an in-memory Source for fuzzing.
type memSource map[string][]byte

func (m memSource) Name() string { return "memory" }

func (m memSource) List(context.Context) ([]Entry, error) {
	var es []Entry
	for p := range m {
		es = append(es, Entry{Path: p})
	}
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return es, nil
}

func (m memSource) ReadFile(_ context.Context, p string, max int64, buf []byte) ([]byte, error) {
	data, ok := m[p]
	if !ok {
		return nil, fs.ErrNotExist
	}
	if max > 0 && int64(len(data)) > max {
		return nil, &TooLargeError{Path: p, Size: int64(len(data)), Limit: max}
	}
	return append(buf[:0], data...), nil
}

// FuzzLoad feeds arbitrary bytes as two files of an access repo: nothing
// may panic, every finding must name a file and a rule, and the Locator
// must answer for every document loaded.
func FuzzLoad(f *testing.F) {
	_ = filepath.WalkDir("testdata/cases", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			if data, err := os.ReadFile(p); err == nil && len(data) < 4096 {
				f.Add(data, []byte("kind: Person\nname: alice\n"), "approvers[0]")
			}
		}
		return nil
	})
	f.Add([]byte("a: &a [*a]\n"), []byte("kind: Team\nname: t\nmembers: &m [a]\nadmins: *m\n"), "members[0]")
	f.Fuzz(func(t *testing.T, a, b []byte, path string) {
		src := memSource{"people/a.yaml": a, "teams/b.yml": b}
		org, findings, err := Load(context.Background(), src, Options{MaxFileSize: 64 << 10})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		for _, fd := range findings {
			if fd.File == "" || fd.Rule == "" || fd.Message == "" || fd.Severity != model.SeverityError {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
		org.Each(func(d model.Doc) {
			m := d.Source()
			if got := org.Locator.Locate(m.File, m.Index, ""); got != m.Pos {
				t.Fatalf("Locate(%s#%d) = %+v, want the document's position %+v", m.File, m.Index, got, m.Pos)
			}
			org.Locator.Locate(m.File, m.Index, path)
		})
	})
}
