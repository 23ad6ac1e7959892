package load

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

var scalarSamples = []string{
	"", "~", "a", "alice", "kind", "name", "person-00001", "github", "AC-2", "T-mfa",
	"true", "True", "TRUE", "false", "False", "null", "Null", "NULL", "yes", "no", "on", "off", "y", "n", "Y", "N",
	".inf", "-.inf", "+.Inf", ".nan", ".5", "-1", "+1", "0", "0x1F", "0o17", "1e3", "1_000", "12:30",
	"2026-01-01", "2026-12-31T00:00:00Z", "<<", "<", "@x", "`x", "!x", "&x", "*x", "%x", "|", ">", "_x", "é", "日本",
	"90d", "team:platform", "https://example.com", "-", "--", "-x",
}

// TestScalarTagAgreesWithTheResolver checks the shortcut in scalarTag
// against go.yaml.in/yaml/v3's own answer, for plain and quoted scalars.
func TestScalarTagAgreesWithTheResolver(t *testing.T) {
	for _, s := range scalarSamples {
		checkScalarTag(t, s)
	}
}

func FuzzScalarTag(f *testing.F) {
	for _, s := range scalarSamples {
		f.Add(s)
	}
	f.Fuzz(checkScalarTag)
}

func checkScalarTag(t *testing.T, s string) {
	for _, style := range []yaml.Style{0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle} {
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: s, Style: style}
		if got, want := scalarTag(n), n.ShortTag(); got != want {
			t.Errorf("scalarTag(%q, style %d) = %s, the resolver says %s", s, style, got, want)
		}
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: s, Tag: "!!binary"}
	if got, want := scalarTag(n), n.ShortTag(); got != want {
		t.Errorf("scalarTag(%q, !!binary) = %s, the resolver says %s", s, got, want)
	}
}
