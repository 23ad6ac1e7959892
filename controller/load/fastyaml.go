package load

import (
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// fastParser reads the plain block style almost every access-repo file is
// written in (and the one gatehouse's own tools write) without the general
// YAML parser, whose per-file set-up dominates the cost of a small file:
//
//	kind: System
//	name: github
//	approvers:
//	  - alice
//	accessLevels:
//	  - name: read
//	    maxDuration: "90d"
//
// It accepts one document of block mappings and block sequences whose keys
// are simple names and whose values are plain scalars on one line or
// double- or single-quoted strings without escapes, plus comment and blank
// lines. It builds the same yaml.Node tree (kinds, values, styles, lines and
// columns) the YAML parser would; tags are left for Node.ShortTag to
// resolve, as the parser does. On anything else (flow collections, anchors,
// tags, multi-line or empty values, document markers, tabs, unusual
// characters, bad indentation) it gives up and the caller runs the YAML
// parser, so its answer, errors included, is always the YAML parser's.
//
// A fastParser is reused from file to file by one worker: the nodes of one
// parse live until the next.
type fastParser struct {
	src   string // the file's text from its first significant line
	base  int    // offset of src in the file
	lines []fastLine
	i     int // next line to consume

	nodes []yaml.Node
	kids  []*yaml.Node
	stack []*yaml.Node
}

// fastLine is one significant line: not blank, not only a comment.
type fastLine struct {
	start  int // offset of the line in src
	indent int // leading spaces
	end    int // offset after the last non-space byte
	number int // 1-based line number in the file
}

// parse returns the root node of data's one document, or false when data
// is outside the subset.
func (p *fastParser) parse(data []byte) (*yaml.Node, bool) {
	if p == nil || !p.split(data) || len(p.lines) == 0 || p.lines[0].indent != 0 {
		return nil, false
	}
	// Upper bound of the nodes: a line makes at most a sequence, a
	// mapping, a key and a value. The slab must not grow during the parse,
	// since nodes point into it.
	if need := 4*len(p.lines) + 1; cap(p.nodes) < need {
		p.nodes = make([]yaml.Node, 0, need)
	}
	if need := 4 * len(p.lines); cap(p.kids) < need {
		p.kids = make([]*yaml.Node, 0, need)
	}
	p.nodes, p.kids, p.stack, p.i = p.nodes[:0], p.kids[:0], p.stack[:0], 0
	root, ok := p.mapping(0, p.lines[0].start)
	if !ok || p.i != len(p.lines) {
		return nil, false
	}
	return root, true
}

// split records the significant lines of data and checks every byte: only
// printable characters the YAML parser reads the same way, no tabs or
// carriage returns.
func (p *fastParser) split(data []byte) bool {
	p.lines = p.lines[:0]
	first := -1
	number := 0
	for off := 0; off < len(data); {
		number++
		start := off
		indent := 0
		for off < len(data) && data[off] == ' ' {
			off++
			indent++
		}
		content := off
		end := off
		for off < len(data) && data[off] != '\n' {
			c := data[off]
			switch {
			case c >= 0x20 && c < 0x7f:
				off++
				if c != ' ' {
					end = off
				}
			case c >= 0x80:
				r, size := utf8.DecodeRune(data[off:])
				if r == utf8.RuneError || !fastPrintable(r) {
					return false
				}
				off += size
				end = off
			default:
				return false // tab, carriage return, control character
			}
		}
		off++ // the newline
		if content == end || data[content] == '#' {
			continue
		}
		if indent == 0 && end-content >= 3 {
			if s := string(data[content : content+3]); s == "---" || s == "..." {
				return false
			}
		}
		if first < 0 {
			first = start
		}
		p.lines = append(p.lines, fastLine{start: start, indent: indent, end: end, number: number})
	}
	if first < 0 {
		return true
	}
	p.base = first
	p.src = string(data[first:])
	for i := range p.lines {
		l := &p.lines[i]
		l.start -= first
		l.end -= first
	}
	return true
}

// fastPrintable reports a non-ASCII character the YAML parser reads as an
// ordinary printable character (not a line break, not a byte order mark).
func fastPrintable(r rune) bool {
	switch {
	case r == 0x2028 || r == 0x2029 || r == 0xFEFF:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD:
		return true
	}
	return false
}

func (p *fastParser) node(kind yaml.Kind, style yaml.Style, value string, line *fastLine, at int) *yaml.Node {
	p.nodes = append(p.nodes, yaml.Node{Kind: kind, Style: style, Value: value, Line: line.number, Column: at - line.start + 1})
	n := &p.nodes[len(p.nodes)-1]
	if kind == yaml.MappingNode {
		n.Tag = "!!map"
	} else if kind == yaml.SequenceNode {
		n.Tag = "!!seq"
	} else if style != 0 {
		n.Tag = "!!str"
	}
	return n
}

// children moves the nodes pushed on the stack since mark into n's content.
func (p *fastParser) children(n *yaml.Node, mark int) {
	start := len(p.kids)
	p.kids = append(p.kids, p.stack[mark:]...)
	n.Content = p.kids[start:len(p.kids):len(p.kids)]
	p.stack = p.stack[:mark]
}

// key reads a simple key at offset at of line l: a name followed by ":"
// and a space or the end of the line. It returns the key and the offset
// after the colon.
func (p *fastParser) key(l *fastLine, at int) (string, int, bool) {
	i := at
	for i < l.end && i-at <= 128 {
		c := p.src[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || (c == '-' || c == '.' || c == '/') && i > at {
			i++
			continue
		}
		break
	}
	if i == at || i >= l.end || p.src[i] != ':' || (i+1 < l.end && p.src[i+1] != ' ') {
		return "", 0, false
	}
	return p.src[at:i], i + 1, true
}

// mapping reads a block mapping whose keys are at column indent; the first
// key is at offset at of the current line (after "- " for a mapping in a
// sequence).
func (p *fastParser) mapping(indent, at int) (*yaml.Node, bool) {
	l := &p.lines[p.i]
	m := p.node(yaml.MappingNode, 0, "", l, at)
	mark := len(p.stack)
	for {
		key, after, ok := p.key(l, at)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, p.node(yaml.ScalarNode, 0, key, l, at))
		for after < l.end && p.src[after] == ' ' {
			after++
		}
		p.i++
		if after < l.end {
			v, ok := p.scalar(l, after)
			if !ok {
				return nil, false
			}
			p.stack = append(p.stack, v)
		} else {
			// A nested block: a mapping indented further, or a sequence
			// indented further or at the key's own column.
			if p.i == len(p.lines) {
				return nil, false // an empty value
			}
			next := &p.lines[p.i]
			var v *yaml.Node
			switch {
			case p.isItem(next) && next.indent >= indent:
				v, ok = p.sequence(next.indent)
			case next.indent > indent:
				v, ok = p.mapping(next.indent, next.start+next.indent)
			default:
				return nil, false // an empty value
			}
			if !ok {
				return nil, false
			}
			p.stack = append(p.stack, v)
		}
		if p.i == len(p.lines) {
			break
		}
		l = &p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || p.isItem(l) {
			return nil, false
		}
		at = l.start + l.indent
	}
	p.children(m, mark)
	return m, true
}

// isItem reports a line that starts a sequence entry ("- ").
func (p *fastParser) isItem(l *fastLine) bool {
	at := l.start + l.indent
	return p.src[at] == '-' && (at+1 == l.end || p.src[at+1] == ' ')
}

// sequence reads a block sequence whose dashes are at column indent.
func (p *fastParser) sequence(indent int) (*yaml.Node, bool) {
	l := &p.lines[p.i]
	s := p.node(yaml.SequenceNode, 0, "", l, l.start+indent)
	mark := len(p.stack)
	for {
		at := l.start + indent + 1
		for at < l.end && p.src[at] == ' ' {
			at++
		}
		if at >= l.end || p.src[at] == '-' {
			return nil, false // an empty or nested entry
		}
		var v *yaml.Node
		if _, _, isKey := p.key(l, at); isKey {
			var ok bool
			if v, ok = p.mapping(at-l.start, at); !ok {
				return nil, false
			}
		} else {
			var ok bool
			if v, ok = p.scalar(l, at); !ok {
				return nil, false
			}
			p.i++
		}
		p.stack = append(p.stack, v)
		if p.i == len(p.lines) {
			break
		}
		l = &p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, false
		}
		if !p.isItem(l) {
			break // the parent mapping's next key, checked there
		}
	}
	p.children(s, mark)
	return s, true
}

// scalar reads the value from offset at to the end of line l: a plain
// scalar or a quoted string without escapes. The caller checks that no
// continuation line follows.
func (p *fastParser) scalar(l *fastLine, at int) (*yaml.Node, bool) {
	text := p.src[at:l.end]
	switch c := text[0]; c {
	case '"', '\'':
		if len(text) < 2 || text[len(text)-1] != c {
			return nil, false
		}
		inner := text[1 : len(text)-1]
		for i := 0; i < len(inner); i++ {
			if inner[i] == c || inner[i] == '\\' && c == '"' {
				return nil, false
			}
		}
		style := yaml.DoubleQuotedStyle
		if c == '\'' {
			style = yaml.SingleQuotedStyle
		}
		return p.node(yaml.ScalarNode, style, inner, l, at), true
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '<':
		return nil, false
	}
	if text[len(text)-1] == ':' {
		return nil, false
	}
	for i := 1; i < len(text); i++ {
		if text[i] == ' ' && (text[i-1] == ':' || i+1 < len(text) && text[i+1] == '#') {
			return nil, false
		}
	}
	return p.node(yaml.ScalarNode, 0, text, l, at), true
}
