package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestS10BadInputHasPositionsAndNothingIsHalfApplied checks security
// invariant S10 on every bad-input case of testdata/cases: each finding
// names an existing file and a line and column inside it, and nothing
// panics (FuzzLoad covers arbitrary input; the golden cases check that a
// document with an error never reaches the Org).
func TestS10BadInputHasFileLineColumn(t *testing.T) {
	cases, err := filepath.Glob("testdata/cases/*")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, dir := range cases {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			src, err := DirSource(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, findings, err := Load(context.Background(), src, Options{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			for _, f := range findings {
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.File)))
				if err != nil {
					t.Errorf("%s: finding names a file that does not exist: %v", f, err)
					continue
				}
				if f.Rule == RuleFileTooLarge {
					continue // the file is not read, so it has no lines to point at
				}
				if f.Line < 1 || f.Column < 1 {
					t.Errorf("%s: finding has no line and column", f)
					continue
				}
				if lines := countLines(data); f.Line > lines {
					t.Errorf("%s: line %d is past the end of the file (%d lines)", f, f.Line, lines)
				}
			}
		})
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d cases checked; testdata/cases has gone missing", checked)
	}
}

func countLines(data []byte) int {
	n := 1
	for _, b := range data {
		if b == '\n' {
			n++
		}
	}
	return n
}
