package schemas

import (
	"regexp/syntax"
	"unicode/utf8"
)

// classMatcher matches the shape of pattern most names in the schemas
// have, ^[first][rest]{min,max}$ over ASCII classes, with two table
// lookups per byte instead of a regular expression engine's run: a name
// is checked for every document of a large access repo. FuzzClassMatcher
// holds it to the regexp package on the schemas' own patterns.
type classMatcher struct {
	first, rest [128]bool
	min, max    int
}

// newClassMatcher returns the matcher of expr, or nil when expr has
// another shape (the caller then uses the regular expression).
func newClassMatcher(expr string) *classMatcher {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}

	if re.Op != syntax.OpConcat || len(re.Sub) != 4 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[3].Op != syntax.OpEndText {
		return nil
	}
	m := &classMatcher{}
	if !asciiClass(re.Sub[1], &m.first) {
		return nil
	}
	rep := re.Sub[2]
	switch rep.Op {
	case syntax.OpRepeat:
		m.min, m.max = rep.Min, rep.Max
	case syntax.OpStar:
		m.min, m.max = 0, -1
	case syntax.OpPlus:
		m.min, m.max = 1, -1
	default:
		return nil
	}
	if m.max < -1 || len(rep.Sub) != 1 || !asciiClass(rep.Sub[0], &m.rest) {
		return nil
	}
	return m
}

// asciiClass fills set with the characters of a character class made of
// ASCII ranges; false for anything else.
func asciiClass(re *syntax.Regexp, set *[128]bool) bool {
	switch re.Op {
	case syntax.OpCharClass:
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Flags&syntax.FoldCase != 0 {
			return false
		}
		re = &syntax.Regexp{Op: syntax.OpCharClass, Rune: []rune{re.Rune[0], re.Rune[0]}}
	default:
		return false
	}
	for i := 0; i+1 < len(re.Rune); i += 2 {
		lo, hi := re.Rune[i], re.Rune[i+1]
		if lo < 0 || hi >= utf8.RuneSelf || lo > hi {
			return false
		}
		for c := lo; c <= hi; c++ {
			set[c] = true
		}
	}
	return true
}

// MatchString reports whether s matches.
func (m *classMatcher) MatchString(s string) bool {
	if len(s) == 0 || s[0] >= utf8.RuneSelf || !m.first[s[0]] {
		return false
	}
	n := len(s) - 1
	if n < m.min || (m.max >= 0 && n > m.max) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !m.rest[c] {
			return false
		}
	}
	return true
}
