// Package requesttest sets up clones of an access repo for tests of
// gatehouse request: an isolated Git configuration with a given user, and
// a bare repository as the clone's origin.
package requesttest

import (
	"os/exec"
	"path/filepath"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// IsolateGit makes only the repositories' own Git configuration count for
// the rest of the test (no user or system configuration) and unsets
// GITHUB_TOKEN.
func IsolateGit(tb testing.TB) {
	tb.Helper()
	home := tb.TempDir()
	tb.Setenv("HOME", home)
	tb.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	tb.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	tb.Setenv("GITHUB_TOKEN", "")
}

// SetUser sets user.name and user.email in r's own configuration.
func SetUser(tb testing.TB, r *git.Repository, name, email string) {
	tb.Helper()
	cfg, err := r.Config()
	if err != nil {
		tb.Fatal(err)
	}
	cfg.User.Name, cfg.User.Email = name, email
	if err := r.SetConfig(cfg); err != nil {
		tb.Fatal(err)
	}
}

// Origin creates a bare repository as r's remote origin (a file:// URL)
// and pushes branch to it; it returns the bare repository's folder, or
// "" when git is not installed (go-git's file transport runs
// git-receive-pack).
func Origin(tb testing.TB, r *git.Repository, branch string) string {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		return ""
	}
	dir := filepath.Join(tb.TempDir(), "access.git")
	if _, err := git.PlainInit(dir, true); err != nil {
		tb.Fatal(err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"file://" + dir}}); err != nil {
		tb.Fatal(err)
	}
	ref := "refs/heads/" + branch
	if err := r.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec(ref + ":" + ref)}}); err != nil {
		tb.Fatalf("push %s to the origin: %v", branch, err)
	}
	return dir
}
