package githubtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// npmInstalls remembers, per package and version, what installing it
// gave, so that a test binary asks npm at most once.
var npmInstalls = struct {
	sync.Mutex
	byPackage map[string]*npmInstall
}{byPackage: map[string]*npmInstall{}}

type npmInstall struct {
	once sync.Once
	dir  string
	// unreachable says why npm or its registry could not be used.
	unreachable string
	err         error
}

// NPMPackage returns the directory of the npm package name at version
// (pin it), for tests that check gatehouse against files GitHub
// publishes there, such as its OpenAPI description or its example
// webhook payloads. The package is installed with npm once into a
// cache directory under os.UserCacheDir, never into the repository,
// and reused by later runs. When npm or its registry cannot be used the
// test is skipped, unless the environment variable CI is set: there the
// check must run, and the test fails.
func NPMPackage(t testing.TB, name, version string) string {
	t.Helper()
	key := name + "@" + version
	npmInstalls.Lock()
	in, ok := npmInstalls.byPackage[key]
	if !ok {
		in = &npmInstall{}
		npmInstalls.byPackage[key] = in
	}
	npmInstalls.Unlock()
	in.once.Do(func() { in.dir, in.unreachable, in.err = installNPM(name, version) })
	if in.unreachable != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("npm package %s is needed in CI: %s", key, in.unreachable)
		}
		t.Skipf("skipping: npm package %s is not available: %s (set CI to make this a failure)", key, in.unreachable)
	}
	if in.err != nil {
		t.Fatal(in.err)
	}
	return in.dir
}

// installNPM returns the directory of the installed package, installing
// it first when the cache does not hold it. unreachable is set when npm
// or its registry cannot be used; err when the cache cannot be written.
func installNPM(name, version string) (dir, unreachable string, err error) {
	root, err := os.UserCacheDir()
	if err != nil {
		root = os.TempDir()
	}
	prefix := filepath.Join(root, "gatehouse", "npm", strings.ReplaceAll(strings.TrimPrefix(name, "@"), "/", "-")+"-"+version)
	dir = filepath.Join(prefix, "node_modules", filepath.FromSlash(name))
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
		return dir, "", nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", "npm is not installed", nil
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return "", "", fmt.Errorf("create the npm cache %s: %w", prefix, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(prefix), ".install-")
	if err != nil {
		return "", "", fmt.Errorf("create the npm cache %s: %w", prefix, err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--no-save", name+"@"+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Sprintf("npm install %s@%s failed: %v: %s", name, version, err, lastLines(out, 5)), nil
	}
	// Another test binary may have installed it meanwhile: either copy
	// will do.
	if err := os.Rename(tmp, prefix); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "package.json")); statErr != nil {
			return "", "", fmt.Errorf("move the npm install into %s: %w", prefix, err)
		}
	}
	return dir, "", nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
