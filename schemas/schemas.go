// Package schemas embeds the JSON Schemas (draft 2020-12) of every kind of
// the access-repo format v1 and validates decoded documents against them.
//
// The same files serve editors (through a yaml-language-server modeline,
// see README.md) and gatehouse itself: Validate turns the schema library's
// error tree into flat Violations, one per real problem, each with the
// field path the loader turns into a line and column.
package schemas

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FS holds the schema files: one <lower-case kind>.schema.json per kind and
// gatehouse.schema.json for documents of any kind.
//
//go:embed *.json
var FS embed.FS

// BaseURL is where the schema files are published; each file's $id is
// BaseURL followed by its name.
const BaseURL = "https://raw.githubusercontent.com/gatehouse-dev/gatehouse/main/schemas/"

// AnyKindFile is the schema that accepts a document of any kind by
// dispatching on its kind, for files that mix kinds.
const AnyKindFile = "gatehouse.schema.json"

// Rule ids of a Violation.
const (
	// RuleUnknownField is a field the kind does not have.
	RuleUnknownField = "unknown-field"
	// RuleWrongType is a value of the wrong JSON type (a string where a
	// list belongs).
	RuleWrongType = "wrong-type"
	// RuleMissingField is a required field that is absent.
	RuleMissingField = "missing-field"
	// RuleInvalidValue is a value of the right type that the schema does
	// not accept: not in an enum, not matching a pattern or format, a
	// repeated list entry, a forbidden settings block.
	RuleInvalidValue = "invalid-value"
)

// Violation is one way a document breaks its kind's schema.
type Violation struct {
	// Path locates the offending value: "approvers[1]",
	// "accessLevels[0].maxDuration"; empty for the document itself. An
	// unknown field's path is the field itself; a missing field's path is
	// the object that lacks it.
	Path string
	// Rule is unknown-field, wrong-type, missing-field or invalid-value.
	Rule string
	// Message says what is wrong and what to do about it.
	Message string
}

// String formats the violation as "path: rule: message", or
// "rule: message" for the document itself.
func (v Violation) String() string {
	if v.Path == "" {
		return v.Rule + ": " + v.Message
	}
	return v.Path + ": " + v.Rule + ": " + v.Message
}

// File returns the name of the schema file of kind ("person.schema.json"
// for "Person"; the kind is matched case-insensitively), or "" when kind is
// not a kind of format v1.
func File(kind string) string {
	k, ok := model.CanonicalKind(kind)
	if !ok {
		return ""
	}
	return strings.ToLower(k) + ".schema.json"
}

// Validate checks doc, a document decoded to JSON values (map[string]any,
// []any, string, float64 or any Go integer, bool, nil; timestamps kept as
// the strings written), against the schema of kind (matched
// case-insensitively). It returns nil when the document conforms,
// and otherwise one Violation per problem, sorted by path. An unknown kind
// is a single violation. Validate is safe for concurrent use.
func Validate(kind string, doc any) (vs []Violation) {
	set, err := compiled()
	if err != nil {
		// The embedded schemas are checked by this package's tests; should
		// they ever fail to compile, every document fails closed.
		return []Violation{{Rule: RuleInvalidValue, Message: err.Error()}}
	}
	canonical, ok := model.CanonicalKind(kind)
	if !ok {
		return []Violation{unknownKind(kind)}
	}
	defer func() {
		if r := recover(); r != nil {
			vs = []Violation{{Rule: RuleInvalidValue, Message: fmt.Sprintf(
				"could not check the %s against its schema (%v); please report this to the gatehouse maintainers", canonical, r)}}
		}
	}()
	if fast := set.fast[canonical]; fast != nil && fast(doc) {
		return nil
	}
	return set.validate(set.byKind[canonical], canonical, doc)
}

func unknownKind(kind string) Violation {
	if kind == "" {
		return Violation{Rule: RuleMissingField, Message: fmt.Sprintf(
			"missing required field \"kind\"; set it to one of %s", strings.Join(model.Kinds, ", "))}
	}
	msg := fmt.Sprintf("unknown kind %q", kind)
	if s := closest(kind, model.Kinds); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; use one of " + strings.Join(model.Kinds, ", ")
	}
	return Violation{Path: "kind", Rule: RuleInvalidValue, Message: msg}
}

// schemaSet is every schema compiled once, with what the messages need
// from the raw files (titles, property names, editor messages) indexed by
// schema location.
type schemaSet struct {
	byKind map[string]*jsonschema.Schema
	fast   map[string]fastCheck // by kind; none for a kind whose schema they do not model
	any    *jsonschema.Schema
	nodes  map[string]*node
}

// node is what Validate's messages use of one schema object.
type node struct {
	props               []string
	errorMessage        string
	patternErrorMessage string
}

var compiled = sync.OnceValues(compile)

func compile() (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	set := &schemaSet{byKind: map[string]*jsonschema.Schema{}, fast: map[string]fastCheck{}, nodes: map[string]*node{}}
	files, err := fs.Glob(FS, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list embedded schemas: %w", err)
	}
	for _, name := range files {
		data, err := FS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", name, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse schema %s: %w", name, err)
		}
		if err := c.AddResource(BaseURL+name, doc); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", name, err)
		}
		index(set.nodes, BaseURL+name+"#", doc)
	}
	for _, kind := range model.Kinds {
		sch, err := c.Compile(BaseURL + File(kind))
		if err != nil {
			return nil, fmt.Errorf("compile schema of %s: %w", kind, err)
		}
		set.byKind[kind] = sch
		if fast := newFastCheck(sch); fast != nil {
			set.fast[kind] = fast
		}
	}
	if set.any, err = c.Compile(BaseURL + AnyKindFile); err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", AnyKindFile, err)
	}
	return set, nil
}

// index records every schema object of a raw schema file under the
// location the compiler gives it: the file's URL, "#", and the JSON
// pointer with each token escaped as in RFC 6901 and then as a URL path
// segment.
func index(nodes map[string]*node, loc string, v any) {
	switch v := v.(type) {
	case map[string]any:
		n := &node{}
		if props, ok := v["properties"].(map[string]any); ok {
			for p := range props {
				n.props = append(n.props, p)
			}
			slices.Sort(n.props)
		}
		n.errorMessage, _ = v["errorMessage"].(string)
		n.patternErrorMessage, _ = v["patternErrorMessage"].(string)
		nodes[loc] = n
		for k, child := range v {
			index(nodes, loc+"/"+pointerToken(k), child)
		}
	case []any:
		for i, child := range v {
			index(nodes, fmt.Sprintf("%s/%d", loc, i), child)
		}
	}
}

func pointerToken(tok string) string {
	tok = strings.ReplaceAll(tok, "~", "~0")
	tok = strings.ReplaceAll(tok, "/", "~1")
	return url.PathEscape(tok)
}

// node returns what the index holds for the schema at loc, never nil.
func (s *schemaSet) node(loc string) *node {
	if n, ok := s.nodes[loc]; ok {
		return n
	}
	return &node{}
}
