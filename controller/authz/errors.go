package authz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Sentinel errors for names the engine does not know; a *NameError wraps
// one of them, so callers check with errors.Is and read the suggestion
// with errors.As.
var (
	// ErrUnknownPerson means no Person has the name.
	ErrUnknownPerson = errors.New("unknown person")
	// ErrUnknownAction means the action id is not one of the object's
	// kind (DESIGN.md's action table).
	ErrUnknownAction = errors.New("unknown action")
	// ErrUnknownObject means the object reference is malformed, names a
	// kind without actions or names no document of its kind.
	ErrUnknownObject = errors.New("unknown object")
)

// NameError reports a person, action or object the engine does not know,
// with the closest valid name when there is one.
type NameError struct {
	// Err is ErrUnknownPerson, ErrUnknownAction or ErrUnknownObject.
	Err error
	// Name is the name as given.
	Name string
	// Suggestion is the closest valid name, or empty.
	Suggestion string
	// Detail says what was wrong and what is valid, without the
	// suggestion, e.g. `no Test is called "T-mfa"`.
	Detail string
}

// Error formats the error as a sentence that ends with the suggestion.
func (e *NameError) Error() string {
	var b strings.Builder
	b.WriteString(e.Detail)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, "; did you mean %s?", e.Suggestion)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *NameError) Unwrap() error { return e.Err }

// closest returns the candidate nearest to name by edit distance, or ""
// when there are no candidates. Ties go to the earlier candidate, so a
// sorted list gives a stable answer.
func closest(name string, candidates []string) string {
	best, bestD := "", -1
	lower := strings.ToLower(name)
	for _, c := range candidates {
		d := levenshtein.ComputeDistance(lower, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
