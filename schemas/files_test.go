package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// modelTypes maps each kind to the Go struct the loader decodes it into.
var modelTypes = map[string]reflect.Type{
	model.KindConfig:        reflect.TypeFor[model.Config](),
	model.KindPerson:        reflect.TypeFor[model.Person](),
	model.KindTeam:          reflect.TypeFor[model.Team](),
	model.KindRole:          reflect.TypeFor[model.Role](),
	model.KindSystem:        reflect.TypeFor[model.System](),
	model.KindAccessRequest: reflect.TypeFor[model.AccessRequest](),
	model.KindControl:       reflect.TypeFor[model.Control](),
	model.KindTest:          reflect.TypeFor[model.Test](),
	model.KindDocument:      reflect.TypeFor[model.Document](),
	model.KindRiskScenario:  reflect.TypeFor[model.RiskScenario](),
	model.KindRiskTask:      reflect.TypeFor[model.RiskTask](),
	model.KindReport:        reflect.TypeFor[model.Report](),
	model.KindAccessReview:  reflect.TypeFor[model.AccessReview](),
}

// rawSchema reads and decodes one embedded schema file.
func rawSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := FS.ReadFile(name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return v
}

func TestEveryKindHasASchemaFile(t *testing.T) {
	if len(modelTypes) != len(model.Kinds) {
		t.Fatalf("modelTypes covers %d kinds, model.Kinds has %d", len(modelTypes), len(model.Kinds))
	}
	names, err := fs.Glob(FS, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{AnyKindFile}
	for _, k := range model.Kinds {
		want = append(want, File(k))
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("embedded files = %v, want %v", names, want)
	}
}

func TestFile(t *testing.T) {
	tests := []struct{ kind, want string }{
		{"Person", "person.schema.json"},
		{"riskscenario", "riskscenario.schema.json"},
		{"AccessRequest", "accessrequest.schema.json"},
		{"Widget", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := File(tt.kind); got != tt.want {
			t.Errorf("File(%q) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

// TestSchemasMatchModel walks each model struct and its schema together:
// every json field is a property of the same type and vice versa, and the
// schema requires exactly the fields without omitempty.
func TestSchemasMatchModel(t *testing.T) {
	for _, kind := range model.Kinds {
		t.Run(kind, func(t *testing.T) {
			root := rawSchema(t, File(kind))
			compareStruct(t, kind, modelTypes[kind], root, root)
		})
	}
}

var (
	durationType = reflect.TypeFor[model.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

func compareStruct(t *testing.T, where string, typ reflect.Type, sch, root map[string]any) {
	t.Helper()
	sch = resolveRef(t, sch, root)
	if sch["type"] != "object" {
		t.Errorf("%s: schema type is %v, want object", where, sch["type"])
	}
	if sch["additionalProperties"] != false {
		t.Errorf("%s: schema does not set additionalProperties: false", where)
	}
	props, _ := sch["properties"].(map[string]any)
	required := map[string]bool{}
	if req, ok := sch["required"].([]any); ok {
		for _, r := range req {
			required[r.(string)] = true
		}
	}
	seen := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if tag == "" {
			t.Errorf("%s.%s: Go field has no json tag", where, f.Name)
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omitempty := slices.Contains(strings.Split(opts, ","), "omitempty")
		seen[name] = true
		fw := where + "." + name
		p, ok := props[name].(map[string]any)
		if !ok {
			t.Errorf("%s: Go field %s has no schema property", fw, f.Name)
			continue
		}
		if required[name] == omitempty {
			t.Errorf("%s: schema required = %v, but Go omitempty = %v", fw, required[name], omitempty)
		}
		compareType(t, fw, f.Type, p, root)
	}
	for name := range props {
		if !seen[name] {
			t.Errorf("%s.%s: schema property has no Go field", where, name)
		}
	}
	for name := range required {
		if !seen[name] {
			t.Errorf("%s: schema requires %q, which has no Go field", where, name)
		}
	}
}

func compareType(t *testing.T, where string, typ reflect.Type, sch, root map[string]any) {
	t.Helper()
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	sch = resolveRef(t, sch, root)
	want := ""
	switch {
	case typ == durationType || typ == timeType:
		want = "string"
	case typ.Kind() == reflect.String:
		want = "string"
	case typ.Kind() == reflect.Bool:
		want = "boolean"
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		want = "integer"
	case typ.Kind() == reflect.Slice:
		want = "array"
	case typ.Kind() == reflect.Struct:
		compareStruct(t, where, typ, sch, root)
		return
	default:
		t.Errorf("%s: Go type %v has no JSON Schema counterpart in this test", where, typ)
		return
	}
	if sch["type"] != want {
		t.Errorf("%s: schema type %v, want %s (Go %v)", where, sch["type"], want, typ)
		return
	}
	if want == "array" {
		items, ok := sch["items"].(map[string]any)
		if !ok {
			t.Errorf("%s: array schema has no items schema", where)
			return
		}
		compareType(t, where+"[]", typ.Elem(), items, root)
	}
	if typ == durationType && sch["pattern"] != model.DurationPattern {
		t.Errorf("%s: duration pattern %v, want model.DurationPattern %s", where, sch["pattern"], model.DurationPattern)
	}
	if typ == timeType && sch["format"] != "date-time" {
		t.Errorf("%s: time format %v, want date-time", where, sch["format"])
	}
}

// resolveRef follows a local "#/$defs/name" reference.
func resolveRef(t *testing.T, sch, root map[string]any) map[string]any {
	t.Helper()
	ref, ok := sch["$ref"].(string)
	if !ok {
		return sch
	}
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		t.Fatalf("unexpected $ref %q: only #/$defs/... is used within a kind's schema", ref)
	}
	defs, _ := root["$defs"].(map[string]any)
	def, ok := defs[name].(map[string]any)
	if !ok {
		t.Fatalf("$ref %q: no such definition", ref)
	}
	return def
}

// TestSchemaFilesAreValid checks each file against the draft 2020-12
// meta-schema, its $id and $schema, and the documentation editors show.
func TestSchemaFilesAreValid(t *testing.T) {
	c := jsonschema.NewCompiler()
	meta, err := c.Compile("https://json-schema.org/draft/2020-12/schema")
	if err != nil {
		t.Fatalf("compile the draft 2020-12 meta-schema: %v", err)
	}
	names, _ := fs.Glob(FS, "*.json")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, _ := FS.ReadFile(name)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := meta.Validate(doc); err != nil {
				t.Errorf("not a valid draft 2020-12 schema: %v", err)
			}
			raw := rawSchema(t, name)
			if got := raw["$schema"]; got != "https://json-schema.org/draft/2020-12/schema" {
				t.Errorf("$schema = %v", got)
			}
			if got, want := raw["$id"], BaseURL+name; got != want {
				t.Errorf("$id = %v, want %s", got, want)
			}
			for _, key := range []string{"title", "description", "markdownDescription"} {
				if s, _ := raw[key].(string); s == "" {
					t.Errorf("the schema has no %s", key)
				}
			}
			checkDocumented(t, "#", raw)
		})
	}
}

// checkDocumented requires a description on every property and
// definition, and a patternErrorMessage (what editors and Validate show)
// beside every pattern.
func checkDocumented(t *testing.T, ptr string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["pattern"]; ok {
			if s, _ := v["patternErrorMessage"].(string); s == "" {
				t.Errorf("%s: pattern without patternErrorMessage", ptr)
			}
		}
		for _, key := range []string{"properties", "$defs"} {
			m, _ := v[key].(map[string]any)
			for name, p := range m {
				if p == false {
					continue // a forbidden field
				}
				if inCondition(ptr) {
					continue // if/then restate properties; their documentation is on the main schema
				}
				ps, _ := p.(map[string]any)
				if s, _ := ps["description"].(string); s == "" {
					t.Errorf("%s/%s/%s: no description", ptr, key, name)
				}
			}
		}
		for k, child := range v {
			checkDocumented(t, ptr+"/"+k, child)
		}
	case []any:
		for i, child := range v {
			checkDocumented(t, fmt.Sprintf("%s/%d", ptr, i), child)
		}
	}
}

func inCondition(ptr string) bool {
	return strings.Contains(ptr, "/if") || strings.Contains(ptr, "/then")
}

// TestSchemaExamplesValidate checks that the examples editors offer are
// themselves valid.
func TestSchemaExamplesValidate(t *testing.T) {
	for _, kind := range model.Kinds {
		raw := rawSchema(t, File(kind))
		examples, _ := raw["examples"].([]any)
		if len(examples) == 0 {
			t.Errorf("%s: no examples", kind)
		}
		for i, ex := range examples {
			doc := normalize(ex)
			if vs := Validate(kind, doc); vs != nil {
				t.Errorf("%s example %d: %v", kind, i, vs)
			}
		}
	}
}

// normalize turns json.Number into float64, as a YAML loader would give.
func normalize(v any) any {
	data, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}
