package validate

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite doc.go's rule list and golden files in testdata/")

// ruleListItem is how doc.go lists one rule.
func ruleListItem(r Rule) string {
	return "//   - " + r.ID + " (" + r.Severity + "): " + r.Description
}

// TestDocListsRules keeps the rule list in doc.go in step with Rules();
// go test -update rewrites it.
func TestDocListsRules(t *testing.T) {
	data, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	first, last := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "//   - ") {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatal("doc.go has no rule list (lines starting with \"//   - \")")
	}
	var want []string
	for _, r := range Rules() {
		want = append(want, ruleListItem(r))
	}
	got := lines[first : last+1]
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	if *update {
		out := append(append(append([]string{}, lines[:first]...), want...), lines[last+1:]...)
		if err := os.WriteFile("doc.go", []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("doc.go's rule list is out of date; run go test ./controller/validate -run TestDocListsRules -update\ngot:\n%s\nwant:\n%s",
		strings.Join(got, "\n"), strings.Join(want, "\n"))
}

// TestRulesWellFormed checks the catalogue: unique kebab-case ids, a
// known severity and a description for each.
func TestRulesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.ID == "" || strings.ToLower(r.ID) != r.ID || strings.ContainsAny(r.ID, " _") {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if r.Severity != sevError && r.Severity != sevWarning {
			t.Errorf("rule %s has severity %q", r.ID, r.Severity)
		}
		if r.Description == "" {
			t.Errorf("rule %s has no description", r.ID)
		}
	}
	rs := Rules()
	rs[0].ID = "changed"
	if Rules()[0].ID == "changed" {
		t.Error("Rules returns the catalogue itself; callers could change it")
	}
}
