package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDevSynthValidates generates a small organisation, as a directory and
// as a Git repository, and validates both clean with the same binary.
func TestDevSynthValidates(t *testing.T) {
	for _, git := range []bool{false, true} {
		name := "dir"
		if git {
			name = "git"
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "org")
			args := []string{"dev", "synth", "--size", "small", "--out", out, "--seed", "7"}
			if git {
				args = append(args, "--git")
			}
			r := gatehouse(t, args...)
			if r.code != exitOK {
				t.Fatalf("dev synth: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !regexp.MustCompile(`(?m)^\s*people\s+100\b`).MatchString(r.stdout) {
				t.Errorf("summary does not count the people:\n%s", r.stdout)
			}
			validateArgs := []string{"validate", "--repo", out}
			if git {
				validateArgs = append(validateArgs, "--rev", "main")
			}
			r = gatehouse(t, validateArgs...)
			if r.code != exitOK || !strings.HasSuffix(strings.TrimSpace(r.stderr), "no problems") {
				t.Errorf("validate of the generated org: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
	if r := gatehouse(t, "dev", "synth", "--size", "huge", "--out", t.TempDir()); r.code != exitCouldNotRun {
		t.Errorf("unknown size: exit %d, want %d", r.code, exitCouldNotRun)
	}
}
