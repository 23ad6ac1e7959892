package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// maxDepth bounds the nesting of a document. Format v1 nests three deep;
// anything far deeper is an attack on the converter's stack, not data.
const maxDepth = 64

// problem is a finding without its file: a position, a rule and a message.
type problem struct {
	pos     model.Pos
	rule    string
	message string
}

// yamlDoc is one document of a YAML stream.
type yamlDoc struct {
	index int // position in the stream, empty documents included
	root  *yaml.Node
}

// parseStream splits data into its documents. A syntax error ends the
// stream: the documents before it are returned with the problem.
func parseStream(data []byte) (docs []yamlDoc, prob *problem) {
	defer func() {
		// The YAML parser recovers its own errors; anything else escaping
		// it is a bug there, and must not take the loader down with it.
		if r := recover(); r != nil {
			prob = &problem{rule: RuleYAMLSyntax, message: fmt.Sprintf("the YAML parser failed on this file (%v); simplify the syntax around its last edit", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, syntaxProblem(err)
		}
		if len(n.Content) == 0 {
			continue
		}
		docs = append(docs, yamlDoc{index: i, root: n.Content[0]})
	}
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxProblem(err error) *problem {
	msg := err.Error()
	p := &problem{rule: RuleYAMLSyntax}
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.pos = model.Pos{Line: line, Column: 1}
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	p.message = fmt.Sprintf("invalid YAML: %s; check the indentation and quoting here", msg)
	return p
}

// isEmpty reports a document with no content ("---" alone, or "~").
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func nodePos(n *yaml.Node) model.Pos { return model.Pos{Line: n.Line, Column: n.Column} }

// docPos is the position of a document's first key, or of the document
// itself when it is not a non-empty mapping.
func docPos(root *yaml.Node) model.Pos {
	if root.Kind == yaml.MappingNode && len(root.Content) > 0 {
		return nodePos(root.Content[0])
	}
	return nodePos(root)
}

// converter turns a YAML node tree into plain JSON values: map[string]any,
// []any, string, int64, float64, bool and nil.
type converter struct {
	// aliasBudget is how many more nodes may be produced through aliases.
	aliasBudget int
	inAlias     int
	aliasPos    model.Pos
	depth       int
	problems    []problem
	// fatal stops the conversion (alias bomb, runaway nesting).
	fatal bool
}

func newConverter(maxAliasNodes int) *converter {
	return &converter{aliasBudget: maxAliasNodes}
}

func (c *converter) fail(n *yaml.Node, rule, format string, args ...any) {
	c.problems = append(c.problems, problem{pos: nodePos(n), rule: rule, message: fmt.Sprintf(format, args...)})
}

func (c *converter) value(n *yaml.Node) any {
	if c.fatal {
		return nil
	}
	if c.inAlias > 0 {
		c.aliasBudget--
		if c.aliasBudget < 0 {
			c.fatal = true
			c.problems = append(c.problems, problem{pos: c.aliasPos, rule: RuleYAMLAliasLimit,
				message: "aliases here expand to too many values (a YAML bomb?); write the values out instead of nesting aliases"})
			return nil
		}
	}
	c.depth++
	v := c.node(n)
	c.depth--
	return v
}

// node converts n one level below value, which keeps count of the depth.
func (c *converter) node(n *yaml.Node) any {
	if c.depth > maxDepth {
		c.fatal = true
		c.fail(n, RuleYAMLTooDeep, "the document nests deeper than %d levels; format v1 needs no more than a few", maxDepth)
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0])
	case yaml.AliasNode:
		if n.Alias == nil {
			c.fail(n, RuleYAMLSyntax, "alias *%s has no anchor", n.Value)
			return nil
		}
		if c.inAlias == 0 {
			c.aliasPos = nodePos(n)
		}
		c.inAlias++
		v := c.value(n.Alias)
		c.inAlias--
		return v
	case yaml.MappingNode:
		return c.mapping(n)
	case yaml.SequenceNode:
		if t := n.ShortTag(); t != "!!seq" {
			c.fail(n, RuleUnsupportedTag, "tag %s is not supported; remove it and write a plain list", t)
			return nil
		}
		list := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			list = append(list, c.value(e))
		}
		return list
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	c.fail(n, RuleYAMLSyntax, "unexpected YAML node")
	return nil
}

func (c *converter) mapping(n *yaml.Node) any {
	if t := n.ShortTag(); t != "!!map" {
		c.fail(n, RuleUnsupportedTag, "tag %s is not supported; remove it and write a plain mapping", t)
		return nil
	}
	m := make(map[string]any, len(n.Content)/2)
	// first remembers where each key was first seen, for duplicate reports;
	// only built when a duplicate turns up.
	var first map[string]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.fail(k, RuleInvalidKey, "a key must be a plain string, not a %s; quote it or restructure the mapping", kindName(k))
			continue
		}
		switch t := scalarTag(k); t {
		case "!!str":
		case "!!merge":
			c.fail(k, RuleUnsupportedTag, "merge keys (<<) are not supported; write the fields out")
			continue
		case "!!int", "!!float", "!!bool", "!!null", "!!timestamp":
			c.fail(k, RuleInvalidKey, "key %s is not a string; quote it (\"%s\") if it is meant as a name", k.Value, k.Value)
			continue
		default:
			c.fail(k, RuleUnsupportedTag, "tag %s is not supported on a key; remove it", t)
			continue
		}
		if _, dup := m[k.Value]; dup {
			if first == nil {
				first = make(map[string]*yaml.Node)
				for j := 0; j < i; j += 2 {
					if kk := n.Content[j]; kk.Kind == yaml.ScalarNode {
						if _, seen := first[kk.Value]; !seen {
							first[kk.Value] = kk
						}
					}
				}
			}
			line := 0
			if f := first[k.Value]; f != nil {
				line = f.Line
			}
			c.fail(k, RuleDuplicateKey, "duplicate key %q (first on line %d); remove one of them", k.Value, line)
			continue
		}
		val := c.value(v)
		if c.fatal {
			return nil
		}
		m[k.Value] = val
		if first != nil {
			first[k.Value] = k
		}
	}
	return m
}

func (c *converter) scalar(n *yaml.Node) any {
	switch t := scalarTag(n); t {
	case "!!str", "!!timestamp":
		// Timestamps stay text: the schema checks their format, and the
		// model parses the one field that is a time.
		return n.Value
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int":
		s := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
			return f
		}
		c.fail(n, RuleInvalidValue, "number %s is out of range", n.Value)
		return nil
	case "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			c.fail(n, RuleInvalidValue, "%s is not a finite number; write a plain number, or quote it for text", n.Value)
			return nil
		}
		return f
	default:
		c.fail(n, RuleUnsupportedTag, "tag %s is not supported; format v1 holds plain strings, numbers, booleans, lists and mappings", t)
		return nil
	}
}

// scalarTag returns n.ShortTag() for a scalar, answering the common case
// without the YAML resolver: an untagged scalar that is quoted, or plain
// and starting with a character that can begin nothing but a string, is
// a string. Every other scalar goes to the resolver. The set of such
// characters mirrors go.yaml.in/yaml/v3's resolve table (digits, signs,
// '.', '~' and the first letters of true, false, null, .inf and .nan
// variants need resolving); TestScalarTagAgreesWithTheResolver checks it.
func scalarTag(n *yaml.Node) string {
	if n.Tag == "" && n.Kind == yaml.ScalarNode {
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return "!!str"
		}
		if n.Value != "" && !strings.ContainsRune("+-0123456789.~yYnNtTfFoO<", rune(n.Value[0])) && n.Value[0] < 0x80 {
			return "!!str"
		}
	}
	return n.ShortTag()
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

// locate returns the position of the node at path inside root ("approvers[1]",
// "accessLevels[0].maxDuration"), or of its closest present ancestor. A
// final key designates the key itself, so "unknown field" findings point
// at the field's name.
func locate(root *yaml.Node, p string) model.Pos {
	cur := deref(root)
	if cur == nil {
		return model.Pos{}
	}
	best := docPos(root)
	for p != "" {
		var key string
		idx := -1
		switch {
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return best
			}
			n, err := strconv.Atoi(p[1:end])
			if err != nil {
				return best
			}
			idx, p = n, p[end+1:]
		default:
			if p[0] == '.' {
				p = p[1:]
			}
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			key, p = p[:end], p[end:]
		}
		last := p == ""
		if idx >= 0 {
			if cur.Kind != yaml.SequenceNode || idx >= len(cur.Content) {
				return best
			}
			cur = deref(cur.Content[idx])
			if cur == nil {
				return best
			}
			best = nodePos(cur)
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return best
		}
		found := false
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if k := cur.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
				if last {
					return nodePos(k)
				}
				cur = deref(cur.Content[i+1])
				if cur == nil {
					return best
				}
				best = nodePos(cur)
				found = true
				break
			}
		}
		if !found {
			return best
		}
	}
	return best
}

// deref follows aliases, a bounded number of times.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// badUTF8 returns the position of the first byte of data that is not valid
// UTF-8; the column counts characters.
func badUTF8(data []byte) model.Pos {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return model.Pos{Line: line, Column: col}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return model.Pos{Line: line, Column: col}
}
