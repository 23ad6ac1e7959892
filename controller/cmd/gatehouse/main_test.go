package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// cliResult is what one gatehouse invocation printed and returned.
type cliResult struct {
	stdout, stderr string
	code           int
}

// gatehouse runs the CLI in-process with args.
func gatehouse(t *testing.T, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// checkGolden runs the CLI with args and compares the transcript (command,
// stdout, stderr, exit status) with testdata/<dir>/<name>.golden; -update
// rewrites it.
func checkGolden(t *testing.T, dir, name string, args ...string) cliResult {
	t.Helper()
	r := gatehouse(t, args...)
	got := fmt.Sprintf("$ gatehouse %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(args, " "), r.stdout, r.stderr, r.code)
	compareGolden(t, filepath.Join("testdata", dir, name+".golden"), got)
	return r
}

// compareGolden compares got with the golden file at path; -update
// rewrites it.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test -update to create it): %v", path, err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n--- got\n%s--- want\n%s", path, got, want)
	}
}
