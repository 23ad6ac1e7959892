package load

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// TestDecoder exercises the decoder directly: the schemas catch most of
// these first, but the decoder must stand on its own (and never panic).
func TestDecoder(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		in      map[string]any
		want    model.Doc
		wantErr string // "path rule: message fragment"
	}{
		{
			name: "system",
			kind: model.KindSystem,
			in: map[string]any{"kind": "System", "name": "gh", "requestable": false, "approvers": []any{"a", "team:t"},
				"accessLevels": []any{map[string]any{"name": "m", "maxDuration": "1d12h"}}},
			want: &model.System{Kind: "System", Name: "gh", Requestable: new(false), Approvers: []string{"a", "team:t"},
				AccessLevels: []model.AccessLevel{{Name: "m", MaxDuration: &model.Duration{Duration: 36 * time.Hour, Text: "1d12h"}}}},
		},
		{
			name: "request with expiry",
			kind: model.KindAccessRequest,
			in:   map[string]any{"kind": "AccessRequest", "person": "a", "system": "s", "expires": "2026-12-31T00:00:00Z", "level": nil},
			want: &model.AccessRequest{Kind: "AccessRequest", Person: "a", System: "s", Expires: new(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))},
		},
		{
			name: "config numbers",
			kind: model.KindConfig,
			in: map[string]any{"kind": "Config", "name": "c", "limits": map[string]any{"maxRevocations": int64(5), "maxRevocationPercent": float64(10)},
				"integrations": []any{map[string]any{"name": "pg", "type": "postgres", "postgres": map[string]any{"host": "db", "port": int64(5432)}}}},
			want: &model.Config{Kind: "Config", Name: "c", Limits: &model.Limits{MaxRevocations: 5, MaxRevocationPercent: 10},
				Integrations: []model.Integration{{Name: "pg", Type: "postgres", Postgres: &model.PostgresIntegration{Host: "db", Port: 5432}}}},
		},
		{name: "unknown field", kind: model.KindSystem, in: map[string]any{"approver": []any{}},
			wantErr: `approver unknown-field: unknown field "approver" in System; did you mean "approvers"?`},
		{name: "nested unknown field", kind: model.KindSystem, in: map[string]any{"accessLevels": []any{map[string]any{"maxDuraton": "1d"}}},
			wantErr: `accessLevels[0].maxDuraton unknown-field: unknown field "maxDuraton" in accessLevels[0] of System; did you mean "maxDuration"?`},
		{name: "unknown field, no suggestion", kind: model.KindTeam, in: map[string]any{"zzzzzzzz": 1},
			wantErr: `zzzzzzzz unknown-field: unknown field "zzzzzzzz" in Team; fields: admins, description, kind, members, name`},
		{name: "string for list", kind: model.KindSystem, in: map[string]any{"approvers": "alice"},
			wantErr: `approvers wrong-type: approvers of System must be a list, not the string "alice"`},
		{name: "list for string", kind: model.KindPerson, in: map[string]any{"name": []any{"a"}},
			wantErr: `name wrong-type: name of Person must be a string, not a list`},
		{name: "string for bool", kind: model.KindSystem, in: map[string]any{"requireJustification": "yes"},
			wantErr: `requireJustification wrong-type: requireJustification of System must be true or false, not the string "yes"`},
		{name: "fraction for int", kind: model.KindConfig, in: map[string]any{"limits": map[string]any{"maxRevocations": 2.5}},
			wantErr: `limits.maxRevocations invalid-value: limits.maxRevocations of Config: 2.5 is not a whole number`},
		{name: "huge int", kind: model.KindConfig, in: map[string]any{"limits": map[string]any{"maxRevocations": 1e300}},
			wantErr: `limits.maxRevocations invalid-value: limits.maxRevocations of Config: 1e+300 is not a whole number`},
		{name: "bad duration", kind: model.KindDocument, in: map[string]any{"recurrence": "1y"},
			wantErr: `recurrence invalid-value: recurrence of Document: invalid duration "1y"`},
		{name: "number for duration", kind: model.KindDocument, in: map[string]any{"recurrence": int64(90)},
			wantErr: `recurrence wrong-type: recurrence of Document must be a duration such as "90d", not the number 90`},
		{name: "bad time", kind: model.KindAccessRequest, in: map[string]any{"expires": "2026-12-31"},
			wantErr: `expires invalid-value: expires of AccessRequest: "2026-12-31" is not an RFC 3339 time`},
		{name: "mapping for struct list", kind: model.KindAccessReview, in: map[string]any{"systems": map[string]any{}},
			wantErr: `systems wrong-type: systems of AccessReview must be a list, not a mapping`},
		{name: "string for struct", kind: model.KindAccessReview, in: map[string]any{"systems": []any{"github"}},
			wantErr: `systems[0] wrong-type: systems[0] of AccessReview must be a mapping, not the string "github"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := newDoc(tt.kind)
			d := decoder{kind: tt.kind}
			d.decode(reflect.ValueOf(doc).Elem(), tt.in, "")
			if tt.wantErr == "" {
				if len(d.errs) > 0 {
					t.Fatalf("errors: %+v", d.errs)
				}
				if !reflect.DeepEqual(doc, tt.want) {
					t.Errorf("decoded %+v, want %+v", doc, tt.want)
				}
				return
			}
			if len(d.errs) != 1 {
				t.Fatalf("errors = %+v, want one", d.errs)
			}
			e := d.errs[0]
			if got := e.path + " " + e.rule + ": " + e.message; !strings.HasPrefix(got, tt.wantErr) {
				t.Errorf("error = %q, want it to start with %q", got, tt.wantErr)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sytem", "System"},
		{"accessrequest", "AccessRequest"},
		{"PERSON", "Person"},
		{"Widget", ""},
		{"", ""},
		{strings.Repeat("x", 500), ""},
	}
	for _, tt := range tests {
		if got := closest(tt.in, model.Kinds); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
