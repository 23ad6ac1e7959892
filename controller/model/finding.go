package model

import (
	"cmp"
	"fmt"
	"slices"
)

// Pos is a position in a file: 1-based line and column. The zero Pos means
// "the whole file".
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Severities of a finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Finding is one problem found in an access repo, with its position, like
// go/scanner.Error with a severity and a rule id.
type Finding struct {
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	// Rule is a stable kebab-case id, e.g. "unknown-person".
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String formats the finding as "file:line:col: severity rule: message".
func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	if loc == "" {
		return fmt.Sprintf("%s %s: %s", f.Severity, f.Rule, f.Message)
	}
	return fmt.Sprintf("%s: %s %s: %s", loc, f.Severity, f.Rule, f.Message)
}

// Findings is a list of findings; Sort orders it by file, line, column,
// rule and message.
type Findings []Finding

// Sort orders the findings by position, then rule and message, and drops
// exact duplicates.
func (fs *Findings) Sort() {
	slices.SortFunc(*fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Severity, b.Severity),
		)
	})
	*fs = slices.Compact(*fs)
}

// Errors returns the number of findings of severity error.
func (fs Findings) Errors() int {
	n := 0
	for _, f := range fs {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Warnings returns the number of findings of severity warning.
func (fs Findings) Warnings() int { return len(fs) - fs.Errors() }
