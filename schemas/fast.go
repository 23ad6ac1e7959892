package schemas

import (
	"regexp"
	"time"
)

// Access requests are two thirds of a large access repo's documents, and
// their schema is small: conformsAccessRequest checks it directly, so that
// the general validator runs only for the requests it may have something
// to say about. It answers true only when the schema certainly accepts
// the document; anything unusual falls back to the full validation, which
// also writes the messages. A differential fuzz test holds the two to
// agreement.

var (
	lowerName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)
	levelName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	dateTime  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$`)
)

func conformsAccessRequest(doc any) bool {
	m, ok := doc.(map[string]any)
	if !ok {
		return false
	}
	str := func(k string) (string, bool) {
		s, ok := m[k].(string)
		return s, ok
	}
	if k, ok := str("kind"); !ok || k != "AccessRequest" {
		return false
	}
	for key, v := range m {
		s, ok := v.(string)
		if !ok {
			return false
		}
		switch key {
		case "kind":
		case "person", "system":
			if !lowerName.MatchString(s) {
				return false
			}
		case "level":
			if !levelName.MatchString(s) {
				return false
			}
		case "justification", "permissions":
			if s == "" {
				return false
			}
		case "expires":
			if !dateTime.MatchString(s) {
				return false
			}
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return false
			}
		default:
			return false
		}
	}
	_, hasPerson := m["person"]
	_, hasSystem := m["system"]
	return hasPerson && hasSystem
}
