package schemas

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var modeline = regexp.MustCompile(`^# yaml-language-server: \$schema=(\S+)$`)
var kindLine = regexp.MustCompile(`(?m)^kind:\s*(\S+)\s*$`)

// TestExamplesHaveModelines checks that every YAML file of the bundled
// examples starts with a yaml-language-server modeline naming an existing
// schema of its kind (or the any-kind schema for files that mix kinds), so
// editors complete and check them.
func TestExamplesHaveModelines(t *testing.T) {
	root := filepath.Join("..", "examples")
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(string(data), "\n")
		m := modeline.FindStringSubmatch(strings.TrimRight(first, "\r"))
		if m == nil {
			t.Errorf("%s: first line is not a modeline: %q", path, first)
			return nil
		}
		target := filepath.Join(filepath.Dir(path), filepath.FromSlash(m[1]))
		if _, err := os.Stat(target); err != nil {
			t.Errorf("%s: modeline names %s, which does not exist", path, m[1])
			return nil
		}
		kinds := map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			if k := kindLine.FindStringSubmatch(sc.Text()); k != nil {
				kinds[k[1]] = true
			}
		}
		want := AnyKindFile
		if len(kinds) == 1 {
			for k := range kinds {
				if filepath.Base(target) != AnyKindFile {
					want = File(k)
				}
			}
		}
		if got := filepath.Base(target); got != want {
			t.Errorf("%s: modeline names %s, want %s", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no example YAML files found")
	}
}
