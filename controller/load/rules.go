package load

import "strings"

// Rules of the findings the loader reports. The schema package reports
// unknown-field, wrong-type, missing-field and invalid-value too.
const (
	RuleYAMLSyntax       = "yaml-syntax"
	RuleDuplicateKey     = "duplicate-key"
	RuleYAMLAliasLimit   = "yaml-alias-limit"
	RuleYAMLTooDeep      = "yaml-too-deep"
	RuleUnsupportedTag   = "unsupported-tag"
	RuleInvalidKey       = "invalid-key"
	RuleNotAMapping      = "not-a-mapping"
	RuleMissingKind      = "missing-kind"
	RuleUnknownKind      = "unknown-kind"
	RuleMissingName      = "missing-name"
	RuleUnknownField     = "unknown-field"
	RuleWrongType        = "wrong-type"
	RuleInvalidValue     = "invalid-value"
	RuleFileTooLarge     = "file-too-large"
	RuleNotUTF8          = "not-utf8"
	RuleSymlinkEscape    = "symlink-escape"
	RuleBrokenSymlink    = "broken-symlink"
	RuleMultipleRequests = "multiple-requests"
	RuleDuplicateName    = "duplicate-name"
)

// closest returns the candidate nearest to s (case-insensitive edit
// distance), or "" when none is close enough to be a likely typo.
func closest(s string, candidates []string) string {
	ls := strings.ToLower(s)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(ls, strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(s)/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, by bytes (names
// here are ASCII). Inputs are bounded to keep it cheap on hostile text.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
