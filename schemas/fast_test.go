package schemas

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// acmeDocs returns every document of examples/acme as JSON values, with
// its kind: the fast checks' realistic inputs.
func acmeDocs(t testing.TB) (kinds []string, docs []any) {
	t.Helper()
	root := filepath.Join("..", "examples", "acme")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, part := range strings.Split(string(data), "\n---\n") {
			js, err := yaml.YAMLToJSON([]byte(part))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			var doc map[string]any
			if err := json.Unmarshal(js, &doc); err != nil || doc == nil {
				continue
			}
			kind, _ := doc["kind"].(string)
			kinds, docs = append(kinds, kind), append(docs, doc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 50 {
		t.Fatalf("read %d documents of examples/acme, want the whole example", len(docs))
	}
	return kinds, docs
}

// FuzzFastCheck holds the fast checks to the schemas: whatever a fast
// check accepts, the full validator must accept too.
func FuzzFastCheck(f *testing.F) {
	set, err := compiled()
	if err != nil {
		f.Fatal(err)
	}
	kindIndex := map[string]int{}
	for i, k := range model.Kinds {
		kindIndex[k] = i
	}
	kinds, docs := acmeDocs(f)
	for i, doc := range docs {
		js, _ := json.Marshal(doc)
		f.Add(uint8(kindIndex[kinds[i]]), string(js))
	}
	for _, s := range []string{
		`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-02-30T00:00:00Z"}`,
		`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-12-31T00:00:00.5+02:00"}`,
		`{"kind":"Person","name":"alice","email":"alice@@example.com"}`,
		`{"kind":"Test","name":"T-1","controls":["AC-1","AC-1"]}`,
		`{"kind":"System","name":"db","accessLevels":[{"name":"read","maxDuration":"90d"}]}`,
	} {
		var doc map[string]any
		_ = json.Unmarshal([]byte(s), &doc)
		f.Add(uint8(kindIndex[doc["kind"].(string)]), s)
	}
	f.Fuzz(func(t *testing.T, k uint8, data string) {
		kind := model.Kinds[int(k)%len(model.Kinds)]
		fast := set.fast[kind]
		var doc any
		if fast == nil || json.Unmarshal([]byte(data), &doc) != nil {
			return
		}
		if !fast(doc) {
			return
		}
		if vs := set.validate(set.byKind[kind], kind, doc); len(vs) > 0 {
			t.Fatalf("the fast check of %s accepted what the schema refuses: %s: %v", kind, data, vs)
		}
	})
}

// TestFastCheckCoversTheBulkKinds keeps the fast path useful: every kind
// but Config (whose integration blocks use if/then) and Role (whose name
// uses not) has a fast check, and it accepts every document of the example
// organisation.
func TestFastCheckCoversTheBulkKinds(t *testing.T) {
	set, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range model.Kinds {
		if got, want := set.fast[kind] != nil, kind != model.KindConfig && kind != model.KindRole; got != want {
			t.Errorf("%s: has a fast check %v, want %v", kind, got, want)
		}
	}
	kinds, docs := acmeDocs(t)
	for i, doc := range docs {
		if fast := set.fast[kinds[i]]; fast != nil && !fast(doc) {
			t.Errorf("the fast check of %s refuses a document of examples/acme: %v", kinds[i], doc)
		}
	}
}

func TestFastCheckFallsBackOnAnythingUnusual(t *testing.T) {
	set, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc  string
		fast bool
	}{
		{`{"kind":"AccessRequest","person":"alice","system":"github","level":"admin"}`, true},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-12-31T00:00:00Z"}`, true},
		{`{"kind":"AccessRequest","person":"Alice","system":"github"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"2026-02-30T00:00:00Z"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","expires":"tomorrow"}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","justification":""}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","level":1}`, false},
		{`{"kind":"AccessRequest","person":"alice","system":"github","name":"x"}`, false},
		{`{"kind":"AccessRequest","system":"github"}`, false},
		{`{"kind":"Person","person":"alice","system":"github"}`, false},
		{`{"kind":"Person","name":"alice","email":"alice@example.com","role":"editor"}`, true},
		{`{"kind":"Person","name":"alice","email":"alice at example.com"}`, false},
		{`{"kind":"Person","name":"alice","role":"Superuser"}`, false},
		{`{"kind":"Person","name":"alice","status":["active"]}`, false},
		{`{"kind":"Test","name":"T-1","owner":"bob","controls":["AC-1","AC-2"]}`, true},
		{`{"kind":"Test","name":"T-1","controls":["AC-1","AC-1"]}`, false},
		{`{"kind":"Test","name":"T-1","controls":"AC-1"}`, false},
		{`{"kind":"Test","name":"T-1","title":""}`, false},
	} {
		var doc map[string]any
		if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
			t.Fatal(err)
		}
		kind := "AccessRequest"
		if strings.Contains(tc.doc, `"kind":"Person"`) {
			kind = "Person"
		} else if strings.Contains(tc.doc, `"kind":"Test"`) {
			kind = "Test"
		}
		if got := set.fast[kind](doc); got != tc.fast {
			t.Errorf("%s: fast %v, want %v", tc.doc, got, tc.fast)
		}
		if !tc.fast && len(Validate(kind, doc)) == 0 {
			t.Errorf("%s: a case the fast check refuses should be one the schema refuses too, to be a useful case", tc.doc)
		}
	}
}

// TestFastCheckRefusesWhatItDoesNotModel: a schema using any keyword the
// fast checks do not understand gets none, so the validator decides.
func TestFastCheckRefusesWhatItDoesNotModel(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		fast   bool
	}{
		{"modelled", `{"type":"object","additionalProperties":false,"required":["a"],"properties":{"a":{"type":"string","pattern":"^x","minLength":1},"b":{"type":"array","uniqueItems":true,"items":{"enum":["p","q"]}}}}`, true},
		{"ref", `{"$defs":{"s":{"type":"string"}},"type":"object","properties":{"a":{"$ref":"#/$defs/s"}}}`, true},
		{"minimum", `{"type":"object","properties":{"a":{"type":"integer","minimum":1}}}`, false},
		{"pattern properties", `{"type":"object","patternProperties":{"^x":{"type":"string"}}}`, false},
		{"if then", `{"type":"object","if":{"required":["a"]},"then":{"required":["b"]}}`, false},
		{"all of", `{"allOf":[{"type":"object"}]}`, false},
		{"additional properties schema", `{"type":"object","additionalProperties":{"type":"string"}}`, false},
		{"enum of objects", `{"enum":[{"a":1}]}`, false},
		{"regex format", `{"type":"string","format":"regex"}`, false},
		{"property names", `{"type":"object","propertyNames":{"pattern":"^a"}}`, false},
		{"older draft", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`, false},
		{"deep nesting inside", `{"properties":{"a":{"properties":{"b":{"not":{}}}}}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft2020)
			c.AssertFormat()
			if err := c.AddResource("mem://s.json", doc); err != nil {
				t.Fatal(err)
			}
			sch, err := c.Compile("mem://s.json")
			if err != nil {
				t.Fatal(err)
			}
			if got := newFastCheck(sch) != nil; got != tc.fast {
				t.Errorf("fast check derived: %v, want %v", got, tc.fast)
			}
		})
	}
}

func BenchmarkValidateFastPath(b *testing.B) {
	kinds, docs := acmeDocs(b)
	b.ReportAllocs()
	for b.Loop() {
		for i, doc := range docs {
			if vs := Validate(kinds[i], doc); len(vs) > 0 {
				b.Fatal(vs)
			}
		}
	}
}
