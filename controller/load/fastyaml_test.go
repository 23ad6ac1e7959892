package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlRoot parses data with the YAML parser and returns its root when data
// is exactly one non-empty document.
func yamlRoot(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil || len(n.Content) == 0 {
		return nil, false
	}
	var rest yaml.Node
	if err := dec.Decode(&rest); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return n.Content[0], true
}

// sameTree reports the first difference between the fast parser's tree and
// the YAML parser's in what the loader reads of a node.
func sameTree(fast, slow *yaml.Node, at string) error {
	quoted := func(n *yaml.Node) bool { return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 }
	switch {
	case fast.Kind != slow.Kind:
		return fmt.Errorf("%s: kind %v, want %v", at, fast.Kind, slow.Kind)
	case fast.ShortTag() != slow.ShortTag():
		return fmt.Errorf("%s: tag %s, want %s", at, fast.ShortTag(), slow.ShortTag())
	case fast.Value != slow.Value:
		return fmt.Errorf("%s: value %q, want %q", at, fast.Value, slow.Value)
	case fast.Line != slow.Line || fast.Column != slow.Column:
		return fmt.Errorf("%s: at %d:%d, want %d:%d", at, fast.Line, fast.Column, slow.Line, slow.Column)
	case quoted(fast) != quoted(slow):
		return fmt.Errorf("%s: style %v, want %v", at, fast.Style, slow.Style)
	case fast.Alias != nil || slow.Alias != nil || fast.Anchor != slow.Anchor:
		return fmt.Errorf("%s: alias or anchor", at)
	case len(fast.Content) != len(slow.Content):
		return fmt.Errorf("%s: %d children, want %d", at, len(fast.Content), len(slow.Content))
	}
	for i := range fast.Content {
		if err := sameTree(fast.Content[i], slow.Content[i], fmt.Sprintf("%s/%d", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkFast fails when the fast parser accepts data and its tree differs
// from the YAML parser's, or when it accepts what the YAML parser rejects.
// It reports whether the fast parser accepted data.
func checkFast(t *testing.T, p *fastParser, data []byte) bool {
	t.Helper()
	fast, ok := p.parse(data)
	if !ok {
		return false
	}
	slow, ok := yamlRoot(data)
	if !ok {
		t.Fatalf("fast parser accepts what the YAML parser rejects or reads as several documents:\n%s", data)
	}
	if err := sameTree(fast, slow, "root"); err != nil {
		t.Fatalf("%v in:\n%s", err, data)
	}
	return true
}

func TestFastParser(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		accept bool // the fast parser must read it (else it may decline)
	}{
		{"flat", "kind: Person\nname: alice\nemail: alice@example.com\n", true},
		{"comment and blank lines", "# yaml-language-server: $schema=x\n\nkind: Team\n  # indented comment\nname: ops\n", true},
		{"no final newline", "kind: Team\nname: ops", true},
		{"trailing spaces", "kind: Team   \nname: ops \n", true},
		{"double-quoted", "kind: AccessRequest\nexpires: \"2027-01-01T00:00:00Z\"\nreason: \"\"\n", true},
		{"single-quoted", "kind: Team\nname: 'ops: team'\n", true},
		{"typed plain scalars", "a: 1\nb: true\nc: null\nd: ~\ne: 2026-01-01\nf: 1.5\ng: 0x1F\nh: .inf\n", true},
		{"typed keys", "1: a\ntrue: b\nnull: c\n", true},
		{"sequence indented", "approvers:\n  - alice\n  - bob\nadmins:\n  - carol\n", true},
		{"sequence at key column", "approvers:\n- alice\n- bob\nname: x\n", true},
		{"sequence of mappings", "accessLevels:\n  - name: read\n    maxDuration: 90d\n  - name: write\n    description: Read and write.\n", true},
		{"nested mapping", "settings:\n  github:\n    org: acme\n    team: ops\nname: x\n", true},
		{"mapping item sequence at its key column", "levels:\n  - name: a\n    grants:\n    - x\n    - y\n  - name: b\n", true},
		{"wide item", "list:\n  -   name: a\n      b: c\n", true},
		{"non-ASCII value", "displayName: Zoë Müller\nnote: 日本語\n", true},
		{"url and colon without space", "url: https://example.com/a:b\n", true},
		{"hash inside word", "name: a#b\n", true},
		{"duplicate keys", "name: a\nname: b\n", true},
		{"quotes inside plain", "title: Say \"hi\" now\n", true},

		{"comment after value", "name: a # comment\n", false},
		{"empty value", "name:\nkind: Team\n", false},
		{"empty value at end", "name:\n", false},
		{"flow sequence", "approvers: [alice, bob]\n", false},
		{"anchor and alias", "a: &x 1\nb: *x\n", false},
		{"tag", "a: !!str 1\n", false},
		{"literal block", "a: |\n  text\n", false},
		{"multi-line plain", "a: one\n  two\n", false},
		{"document marker", "---\na: 1\n", false},
		{"two documents", "a: 1\n---\nb: 2\n", false},
		{"tab", "a:\t1\n", false},
		{"carriage return", "a: 1\r\n", false},
		{"bad indentation", "a:\n    b: 1\n  c: 2\n", false},
		{"item after value", "a: 1\n- b\n", false},
		{"escape", "a: \"x\\ny\"\n", false},
		{"unterminated quote", "a: \"x\n", false},
		{"quoted key", "\"a\": 1\n", false},
		{"key with space", "a b: 1\n", false},
		{"colon space in value", "a: b: c\n", false},
		{"merge key", "<<: x\n", false},
		{"scalar document", "hello\n", false},
		{"sequence document", "- a\n- b\n", false},
		{"indented document", "  a: 1\n", false},
		{"only comments", "# nothing\n", false},
		{"empty entry", "a:\n  -\n  - b\n", false},
		{"nested entry", "a:\n  - - b\n", false},
		{"byte order mark", "\uFEFFa: 1\n", false},
		{"line separator", "a: x\u2028y\n", false},
		{"emoji", "a: \U0001F600\n", false},
	}
	var p fastParser
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkFast(t, &p, []byte(tt.in))
			if tt.accept && !got {
				t.Errorf("fast parser declined:\n%s", tt.in)
			}
			if !tt.accept && got {
				t.Errorf("fast parser accepted:\n%s", tt.in)
			}
		})
	}
}

// TestFastParserFiles runs the fast parser over every YAML file of the
// loader's test cases and of the examples, and checks that it reads the
// example repo entirely.
func TestFastParserFiles(t *testing.T) {
	var p fastParser
	for _, root := range []string{"testdata", filepath.Join("..", "..", "examples")} {
		accepted, total := 0, 0
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isYAML(path) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			total++
			if checkFast(t, &p, data) {
				accepted++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: fast parser read %d of %d files", root, accepted, total)
		if strings.HasSuffix(root, "examples") && accepted < total/2 {
			t.Errorf("%s: fast parser read only %d of %d files", root, accepted, total)
		}
	}
}

// FuzzFastParser checks that whatever the fast parser accepts, the YAML
// parser reads as the same tree.
func FuzzFastParser(f *testing.F) {
	for _, s := range []string{
		"kind: Person\nname: alice\n",
		"approvers:\n  - alice\n  - bob\n",
		"levels:\n- name: a\n  d: \"90d\"\n",
		"a:\n  b:\n    c: 'x'\n",
		"a: 1\nb: yes\nc: 0o17\n",
	} {
		f.Add([]byte(s))
	}
	var p fastParser
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, &p, data)
	})
}
