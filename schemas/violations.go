package schemas

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// located is a violation with the instance location it came from, kept
// for sorting.
type located struct {
	loc []string
	v   Violation
}

// validate runs sch over doc and flattens the error tree.
func (s *schemaSet) validate(sch *jsonschema.Schema, kindName string, doc any) []Violation {
	err := sch.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []Violation{{Rule: RuleInvalidValue, Message: fmt.Sprintf("could not check the %s against its schema: %v", kindName, err)}}
	}
	c := converter{set: s, doc: doc, kind: kindName}
	out := c.collect(verr, nil)
	slices.SortFunc(out, func(a, b located) int {
		return cmp.Or(compareLoc(a.loc, b.loc), cmp.Compare(a.v.Rule, b.v.Rule), cmp.Compare(a.v.Message, b.v.Message))
	})
	vs := make([]Violation, 0, len(out))
	for _, l := range out {
		vs = append(vs, l.v)
	}
	return slices.Compact(vs)
}

// compareLoc orders instance locations token by token, array indexes
// numerically, so approvers[2] comes before approvers[10].
func compareLoc(a, b []string) int {
	for i := range min(len(a), len(b)) {
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		if errX == nil && errY == nil {
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

type converter struct {
	set  *schemaSet
	doc  any
	kind string
}

// collect flattens e: the library's umbrella errors (the schema, a group,
// allOf, $ref) only carry causes; everything else is one real problem.
func (c *converter) collect(e *jsonschema.ValidationError, out []located) []located {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, cause := range e.Causes {
			out = c.collect(cause, out)
		}
		return out
	case *kind.AnyOf:
		return append(out, c.bestBranch(e)...)
	case *kind.OneOf:
		if k.Subschemas == nil {
			return append(out, c.bestBranch(e)...)
		}
	}
	return append(out, c.leaf(e)...)
}

// bestBranch reports the alternative of a failed anyOf/oneOf that came
// closest to matching: the one with the fewest problems.
func (c *converter) bestBranch(e *jsonschema.ValidationError) []located {
	var best []located
	for _, cause := range e.Causes {
		got := c.collect(cause, nil)
		if len(got) > 0 && (best == nil || len(got) < len(best)) {
			best = got
		}
	}
	if best == nil {
		return c.leaf(e)
	}
	return best
}

var printer = message.NewPrinter(language.English)

// leaf turns one real problem into violations; a missing or unknown field
// error names several fields at once and becomes one violation per field.
func (c *converter) leaf(e *jsonschema.ValidationError) []located {
	loc := e.InstanceLocation
	path := c.path(loc)
	subject := path
	if subject == "" {
		subject = "the document"
	}
	one := func(rule, msg string) []located {
		return []located{{loc: loc, v: Violation{Path: path, Rule: rule, Message: msg}}}
	}
	n := c.set.node(e.SchemaURL)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		var out []located
		for _, p := range k.Properties {
			l := append(slices.Clip(loc), p)
			out = append(out, located{loc: l, v: Violation{Path: c.path(l), Rule: RuleUnknownField, Message: c.unknownField(p, path, n.props)}})
		}
		return out
	case *kind.Required:
		var out []located
		for _, p := range k.Missing {
			out = append(out, located{loc: loc, v: Violation{Path: path, Rule: RuleMissingField,
				Message: withHint(fmt.Sprintf("missing required field %q", p), n.errorMessage)}})
		}
		return out
	case *kind.Type:
		return one(RuleWrongType, fmt.Sprintf("%s must be %s, not %s", subject, typeNames(k.Want), display(c.value(loc))))
	case *kind.InvalidJsonValue:
		if _, ok := k.Value.(time.Time); ok {
			return one(RuleWrongType, fmt.Sprintf("%s holds a decoded YAML timestamp; pass documents to Validate as JSON values, with timestamps kept as the strings written", subject))
		}
		return one(RuleWrongType, fmt.Sprintf("%s holds a value of Go type %T that gatehouse cannot check; write a string, number, true/false, list or mapping", subject, k.Value))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return one(RuleInvalidValue, fmt.Sprintf("%s is not one of %s", display(k.Got), strings.Join(want, ", ")))
	case *kind.Const:
		return one(RuleInvalidValue, fmt.Sprintf("%s must be %s, not %s", subject, display(k.Want), display(k.Got)))
	case *kind.Format:
		return one(RuleInvalidValue, fmt.Sprintf("%s must be %s", subject, formatName(k.Want)))
	case *kind.Pattern:
		if n.patternErrorMessage != "" {
			return one(RuleInvalidValue, fmt.Sprintf("%s %s is invalid: %s", subject, display(k.Got), n.patternErrorMessage))
		}
		return one(RuleInvalidValue, fmt.Sprintf("%s %s does not match %s", subject, display(k.Got), k.Want))
	case *kind.MinLength:
		if k.Want == 1 {
			return one(RuleInvalidValue, fmt.Sprintf("%s must not be empty; write a value or remove the field", subject))
		}
		return one(RuleInvalidValue, fmt.Sprintf("%s must be at least %d characters long", subject, k.Want))
	case *kind.MaxLength:
		return one(RuleInvalidValue, fmt.Sprintf("%s must be at most %d characters long", subject, k.Want))
	case *kind.MinItems:
		return one(RuleInvalidValue, fmt.Sprintf("%s must list at least %d %s", subject, k.Want, plural(k.Want, "entry", "entries")))
	case *kind.MaxItems:
		return one(RuleInvalidValue, fmt.Sprintf("%s must list at most %d %s", subject, k.Want, plural(k.Want, "entry", "entries")))
	case *kind.UniqueItems:
		first := append(slices.Clip(loc), strconv.Itoa(k.Duplicates[0]))
		dup := append(slices.Clip(loc), strconv.Itoa(k.Duplicates[1]))
		return []located{{loc: dup, v: Violation{Path: c.path(dup), Rule: RuleInvalidValue, Message: fmt.Sprintf(
			"%s repeats %s from %s; list each entry once", c.path(dup), display(c.value(dup)), c.path(first))}}}
	case *kind.Minimum:
		return one(RuleInvalidValue, fmt.Sprintf("%s must be at least %s", subject, k.Want.RatString()))
	case *kind.Maximum:
		return one(RuleInvalidValue, fmt.Sprintf("%s must be at most %s", subject, k.Want.RatString()))
	case *kind.Not:
		return one(RuleInvalidValue, withHint(fmt.Sprintf("%s %s is not allowed", subject, display(c.value(loc))), n.errorMessage))
	case *kind.FalseSchema:
		// A false schema forbids its field; the message lives on the
		// schema that holds it (…/then for …/then/properties/postgres).
		hint := ""
		if i := strings.LastIndex(e.SchemaURL, "/properties/"); i >= 0 {
			hint = c.set.node(e.SchemaURL[:i]).errorMessage
		}
		field := subject
		if len(loc) > 0 {
			field = strconv.Quote(loc[len(loc)-1])
		}
		return one(RuleInvalidValue, withHint(fmt.Sprintf("field %s is not allowed here", field), hint))
	}
	return one(RuleInvalidValue, fmt.Sprintf("%s: %s", subject, e.ErrorKind.LocalizedString(printer)))
}

func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return msg + "; " + hint
}

// secretWords mark a field name that looks like it holds a secret.
var secretWords = []string{"password", "passwd", "secret", "token", "apikey", "api_key", "privatekey", "private_key", "credential"}

// unknownField says what to do about field p, unknown in the object at
// path whose known fields are props.
func (c *converter) unknownField(p, path string, props []string) string {
	where := path
	if where == "" {
		where = c.kind
	}
	msg := fmt.Sprintf("unknown field %q in %s", p, where)
	lower := strings.ToLower(p)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return msg + "; secrets never go in the access repo: give them to the controller through its own configuration (environment or a file)"
		}
	}
	if path == "" && p == "name" && c.kind == model.KindAccessRequest {
		return msg + "; an AccessRequest is known by its file's path, so it has no name: remove it"
	}
	if s := closest(p, props); s != "" {
		return fmt.Sprintf("%s; did you mean %q?", msg, s)
	}
	if len(props) == 0 {
		return msg + "; remove it"
	}
	return fmt.Sprintf("%s; remove it or use one of %s", msg, strings.Join(props, ", "))
}

// closest returns the candidate nearest to s by edit distance (ignoring
// case), or "" when none is close enough to be a likely typo: one edit for
// short words, two (a swapped pair of letters) or a third of the length
// for longer ones, at most three.
func closest(s string, candidates []string) string {
	limit := 1
	if len(s) > 3 {
		limit = min(max(len(s)/3, 2), 3)
	}
	best, bestDist := "", limit+1
	for _, cand := range candidates {
		d := levenshtein.ComputeDistance(strings.ToLower(s), strings.ToLower(cand))
		if d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

// path formats an instance location as "accessLevels[0].maxDuration",
// telling list indexes from mapping keys by walking doc.
func (c *converter) path(loc []string) string {
	var b strings.Builder
	cur := c.doc
	for _, tok := range loc {
		switch v := cur.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			cur = nil
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(v) {
				cur = v[i]
			}
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
			cur = nil
			if m, ok := v.(map[string]any); ok {
				cur = m[tok]
			}
		}
	}
	return b.String()
}

// value returns the value at loc in the document, or nil.
func (c *converter) value(loc []string) any {
	cur := c.doc
	for _, tok := range loc {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// typeNames describes JSON types in the words of a YAML author.
func typeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "object":
			names[i] = "a mapping"
		case "array":
			names[i] = "a list"
		case "string":
			names[i] = "a string"
		case "integer":
			names[i] = "a whole number"
		case "number":
			names[i] = "a number"
		case "boolean":
			names[i] = "true or false"
		case "null":
			names[i] = "empty"
		default:
			names[i] = t
		}
	}
	return strings.Join(names, " or ")
}

// display shows a value in a message: scalars as written, lists and
// mappings by what they are.
func display(v any) string {
	switch v := v.(type) {
	case nil:
		return "an empty value"
	case string:
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		return strconv.Quote(v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	default:
		return fmt.Sprint(v)
	}
}

// formatName explains a format keyword with an example.
func formatName(f string) string {
	switch f {
	case "date-time":
		return "an RFC 3339 time such as 2026-12-31T00:00:00Z"
	case "date":
		return "an RFC 3339 date such as 2026-03-31"
	case "email":
		return "an email address such as alice@example.com"
	case "uri":
		return "an absolute URL such as https://example.com/scim/v2"
	}
	return "a valid " + f
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
