package synth

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// tricky are strings YAML would read as something else if written plain.
var tricky = []string{
	"", "plain", "true", "False", "yes", "No", "on", "OFF", "y", "n", "null", "~", "1.5", "42", "-7",
	"0x1f", "0o17", "0b101", "1e5", "1_000", "2026-01-31", "2026-01-31T09:00:00Z", "1:30", "90d", "1password",
	".inf", "a: b", "key:", "x #y", "# comment", " lead", "trail ", "multi\nline", "tab\there", "é accent",
	"<&>", "-dash", "- item", "? q", "@at", "`tick", "!tag", "*alias", "&anchor", "%pct", "{x}", "[x]",
	"|", ">", "'single'", `"double"`, "https://example.com/scim/v2", "a,b", "team:platform", "back\\slash",
	"\x00nul", "\u2028sep", "yes please", "Null island",
}

func TestScalarsRoundTrip(t *testing.T) {
	for _, s := range tricky {
		t.Run(s, func(t *testing.T) { roundTrip(t, s) })
	}
}

func FuzzScalarRoundTrip(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(roundTrip)
}

// roundTrip writes s into every kind of position a document has (a
// top-level value, a list item, a nested object) and checks that YAML
// reads the same document back.
func roundTrip(t *testing.T, s string) {
	doc := &model.System{
		Kind: model.KindSystem, Name: s, Description: s,
		Approvers:    []string{s, "x"},
		AccessLevels: []model.AccessLevel{{Name: s, Entitlement: s}, {Name: "b"}},
	}
	var buf bytes.Buffer
	if err := encodeDoc(&buf, doc); err != nil {
		t.Fatal(err)
	}
	var got any
	if err := yaml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("YAML does not parse: %v\n%s", err, buf.Bytes())
	}
	j, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(j, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalise(got), normalise(want)) {
		t.Fatalf("%q reads back differently:\n%s\ngot  %#v\nwant %#v", s, buf.Bytes(), got, want)
	}
}

// normalise turns YAML's and JSON's decodings into comparable values.
func normalise(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = normalise(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalise(x)
		}
		return out
	case int:
		return float64(v)
	}
	return v
}
