package server

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadConfig checks that no configuration file makes the loader
// panic, and that whatever it accepts passes Check.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{"listen: 0.0.0.0:9000\n", "reconcile:\n  interval: 1m\n", "log: {level: loud}\n", "repo: [\n", "github:\n  autoMerge: true\n"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(p, func(string) string { return "" })
		if err == nil && c.Check() != nil {
			t.Fatalf("accepted a configuration Check refuses: %v", c.Check())
		}
	})
}
