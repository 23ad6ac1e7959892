package schemas

import (
	"reflect"
	"slices"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Nearly every document of a large access repo is small and plainly valid,
// and the general validator builds evaluation state for each one. A fast
// check, derived from a kind's compiled schema, tests the keywords the
// schemas use directly and answers true only when the schema certainly
// accepts the document. Anything it does not model (a keyword it does not
// know, a number, a reference cycle) makes it answer false, and the
// general validator decides and writes the messages. The checks call the
// compiled schema's own patterns and format functions, so they cannot
// drift from the schema files; FuzzFastCheck holds them to the validator.

// fastCheck reports whether a schema certainly accepts v.
type fastCheck func(v any) bool

// modelled names the fields of a compiled schema that fast checks
// understand, annotations included. A schema with any other field set gets
// no fast check, so a keyword added to a schema file (or a field added to
// the library) turns the fast path off rather than being ignored.
var modelled = map[string]bool{
	"DraftVersion": true, "Location": true, "ID": true, "Anchor": true,
	"Title": true, "Description": true, "Default": true, "Comment": true,
	"ReadOnly": true, "WriteOnly": true, "Examples": true, "Deprecated": true,
	"Types": true, "Const": true, "Enum": true, "Format": true, "Ref": true,
	"Required": true, "Properties": true, "AdditionalProperties": true,
	"Items2020": true, "UniqueItems": true, "MinItems": true, "MaxItems": true,
	"MinLength": true, "MaxLength": true, "Pattern": true,
}

// maxFastDepth bounds the nesting (and $ref chains) a fast check follows.
const maxFastDepth = 16

// newFastCheck derives the fast check of s, or returns nil when s uses
// anything the fast checks do not model.
func newFastCheck(s *jsonschema.Schema) fastCheck { return derive(s, 0) }

func derive(s *jsonschema.Schema, depth int) fastCheck {
	if s == nil || depth > maxFastDepth || s.DraftVersion < 2020 || !onlyModelled(s) {
		return nil
	}
	var parts []fastCheck
	if s.Types != nil && !s.Types.IsEmpty() {
		types := s.Types.ToStrings()
		parts = append(parts, func(v any) bool { return slices.Contains(types, jsonType(v)) })
	}
	if s.Const != nil {
		c := *s.Const
		if !isScalar(c) {
			return nil
		}
		parts = append(parts, func(v any) bool { return isScalar(v) && v == c })
	}
	if s.Enum != nil {
		values := s.Enum.Values
		if slices.ContainsFunc(values, func(x any) bool { return !isScalar(x) }) {
			return nil
		}
		parts = append(parts, func(v any) bool { return isScalar(v) && slices.Contains(values, v) })
	}
	if f := s.Format; f != nil {
		if f.Name == "regex" || f.Validate == nil {
			return nil // the validator may use its own regexp engine
		}
		parts = append(parts, func(v any) bool { return f.Validate(v) == nil })
	}
	if s.Ref != nil {
		ref := derive(s.Ref, depth+1)
		if ref == nil {
			return nil
		}
		parts = append(parts, ref)
	}
	if len(s.Required) > 0 || s.Properties != nil || s.AdditionalProperties != nil {
		c := objectCheck(s, depth)
		if c == nil {
			return nil
		}
		parts = append(parts, c)
	}
	if s.Items2020 != nil || s.UniqueItems || s.MinItems != nil || s.MaxItems != nil {
		c := arrayCheck(s, depth)
		if c == nil {
			return nil
		}
		parts = append(parts, c)
	}
	if s.MinLength != nil || s.MaxLength != nil || s.Pattern != nil {
		parts = append(parts, stringCheck(s))
	}
	return func(v any) bool {
		if jsonType(v) == "" {
			return false // numbers and anything unusual: the validator decides
		}
		for _, p := range parts {
			if !p(v) {
				return false
			}
		}
		return true
	}
}

func objectCheck(s *jsonschema.Schema, depth int) fastCheck {
	props := make(map[string]fastCheck, len(s.Properties))
	for name, p := range s.Properties {
		c := derive(p, depth+1)
		if c == nil {
			return nil
		}
		props[name] = c
	}
	closed := false
	switch ap := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		closed = !ap
	default:
		return nil
	}
	required := s.Required
	return func(v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return true // object keywords say nothing about other values
		}
		for _, r := range required {
			if _, ok := m[r]; !ok {
				return false
			}
		}
		for k, x := range m {
			c, ok := props[k]
			if !ok {
				if closed {
					return false
				}
				if jsonType(x) == "" {
					return false
				}
				continue
			}
			if !c(x) {
				return false
			}
		}
		return true
	}
}

func arrayCheck(s *jsonschema.Schema, depth int) fastCheck {
	var items fastCheck
	if s.Items2020 != nil {
		if items = derive(s.Items2020, depth+1); items == nil {
			return nil
		}
	}
	unique, minItems, maxItems := s.UniqueItems, s.MinItems, s.MaxItems
	return func(v any) bool {
		a, ok := v.([]any)
		if !ok {
			return true
		}
		if (minItems != nil && len(a) < *minItems) || (maxItems != nil && len(a) > *maxItems) {
			return false
		}
		for i, x := range a {
			if items != nil && !items(x) {
				return false
			}
			if !unique {
				continue
			}
			str, ok := x.(string)
			if !ok {
				return false // only strings are compared here
			}
			for _, y := range a[:i] {
				if y == str {
					return false
				}
			}
		}
		return true
	}
}

func stringCheck(s *jsonschema.Schema) fastCheck {
	minLen, maxLen := s.MinLength, s.MaxLength
	var pattern interface{ MatchString(string) bool }
	if s.Pattern != nil {
		pattern = s.Pattern
		if m := newClassMatcher(s.Pattern.String()); m != nil {
			pattern = m
		}
	}
	return func(v any) bool {
		str, ok := v.(string)
		if !ok {
			return true
		}
		if minLen != nil || maxLen != nil {
			n := utf8.RuneCountInString(str)
			if (minLen != nil && n < *minLen) || (maxLen != nil && n > *maxLen) {
				return false
			}
		}
		return pattern == nil || pattern.MatchString(str)
	}
}

// onlyModelled reports whether every exported field of s that is set is
// one the fast checks understand.
func onlyModelled(s *jsonschema.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && !modelled[f.Name] && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// jsonType names the JSON type of a decoded value the fast checks handle,
// or returns "" for numbers and anything else.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

// isScalar reports a string or a boolean: the values compared with == here.
func isScalar(v any) bool {
	switch v.(type) {
	case string, bool:
		return true
	}
	return false
}
