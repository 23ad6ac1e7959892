package schemas

import (
	"regexp"
	"testing"
)

// namePatterns are the shapes classMatcher takes over, from the schemas,
// and ones it must refuse.
var namePatterns = []struct {
	expr    string
	matcher bool
}{
	{`^[a-z0-9][a-z0-9._-]{0,62}$`, true},
	{`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`, true},
	{`^[a-z][a-z-]*$`, true},
	{`^x[0-9]+$`, true},
	{`^(team:)?[a-z0-9][a-z0-9._-]{0,62}$`, false},
	{`^([0-9]+[wdhm])+$`, false},
	{`^[a-z0-9][a-z0-9._-]{0,62}`, false},
	{`[a-z0-9][a-z0-9._-]{0,62}$`, false},
	{`^[é][a-z]*$`, false},
	{`^(?i)[a-z][a-z]*$`, false}, // folding adds non-ASCII letters (ſ, K)
}

func TestClassMatcherTakesTheSchemasNamePatterns(t *testing.T) {
	for _, tc := range namePatterns {
		if got := newClassMatcher(tc.expr) != nil; got != tc.matcher {
			t.Errorf("%s: matcher %v, want %v", tc.expr, got, tc.matcher)
		}
	}
	set, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	// The names of every kind go through it: the schemas' own patterns.
	if newClassMatcher(set.byKind["Person"].Properties["name"].Pattern.String()) == nil {
		t.Error("a person's name pattern is not taken over")
	}
}

// FuzzClassMatcher holds the matcher to the regexp package.
func FuzzClassMatcher(f *testing.F) {
	for _, s := range []string{"alice", "Alice", "a", "", "a.b-c_d", "-a", "a b", "é", "a\n", "\na", "x" + string(make([]byte, 70))} {
		f.Add(s)
	}
	type pair struct {
		re *regexp.Regexp
		m  *classMatcher
	}
	var pairs []pair
	for _, tc := range namePatterns {
		if m := newClassMatcher(tc.expr); m != nil {
			pairs = append(pairs, pair{regexp.MustCompile(tc.expr), m})
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range pairs {
			if got, want := p.m.MatchString(s), p.re.MatchString(s); got != want {
				t.Fatalf("%s on %q: matcher %v, regexp %v", p.re, s, got, want)
			}
		}
	})
}
