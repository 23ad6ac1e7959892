package authz

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
)

// policy is a Rego v1 policy of the kind an organisation writes: who must
// approve a change, asked of the engine instead of re-implemented.
const policy = `package gatehouse.org.test

may_reassign if gatehouse.can(input.person, "reassign-owner", input.object)

eligible := gatehouse.who_can("approve-request", input.system)

approvers_without_author := [p | some p in eligible; p != input.author]

deleters := gatehouse.who_can("delete", input.object)
`

func evalPolicy(t *testing.T, e *Engine, query string, input map[string]any) (rego.ResultSet, error) {
	t.Helper()
	opts := append([]func(*rego.Rego){
		rego.Query(query),
		rego.Module("policy.rego", policy),
		rego.Input(input),
	}, e.RegoOptions()...)
	pq, err := rego.New(opts...).PrepareForEval(context.Background())
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	return pq.Eval(context.Background(), rego.EvalInput(input))
}

func TestRegoBuiltins(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []struct {
		name  string
		query string
		input map[string]any
		want  any
	}{
		{"can allowed", "data.gatehouse.org.test.may_reassign", map[string]any{"person": "cora", "object": "Test/T-1"}, true},
		{"can denied is undefined", "x := object.get(data.gatehouse.org.test, \"may_reassign\", false)", map[string]any{"person": "tess", "object": "Test/T-1"}, false},
		{"who_can", "data.gatehouse.org.test.eligible", map[string]any{"system": "System/github"}, []any{"eddie", "pam", "pete"}},
		{"who_can filtered", "data.gatehouse.org.test.approvers_without_author", map[string]any{"system": "System/github", "author": "pam"}, []any{"eddie", "pete"}},
		{"can on any object", "data.gatehouse.org.test.may_reassign", map[string]any{"person": "eddie", "object": "Test/*"}, true},
		{"can on any object ignores parent owners", "x := object.get(data.gatehouse.org.test, \"may_reassign\", false)", map[string]any{"person": "cora", "object": "Test/*"}, false},
		{"who_can on any object", "data.gatehouse.org.test.deleters", map[string]any{"object": "Control/*"}, []any{"ada", "eddie"}},
		{"who_can on any system", "data.gatehouse.org.test.eligible", map[string]any{"system": "System/*"}, []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := evalPolicy(t, e, tt.query, tt.input)
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1: %v", len(rs), rs)
			}
			var got any
			if len(rs[0].Expressions) > 0 && len(rs[0].Bindings) == 0 {
				got = rs[0].Expressions[0].Value
			} else {
				got = rs[0].Bindings["x"]
			}
			if !equalJSON(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.query, got, tt.want)
			}
		})
	}
}

func equalJSON(a, b any) bool {
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok {
		return slices.Equal(as, bs)
	}
	return a == b
}

// TestRegoFailsClosed checks that an error inside a built-in stops the
// evaluation instead of reading as "no".
func TestRegoFailsClosed(t *testing.T) {
	e := newFixtureEngine(t)
	tests := []struct {
		name   string
		query  string
		input  map[string]any
		wantIn []string
	}{
		{"unknown person", "data.gatehouse.org.test.may_reassign", map[string]any{"person": "nobody", "object": "Test/T-1"},
			[]string{"policy.rego:3", "gatehouse.can: unknown person \"nobody\""}},
		{"unknown object", "data.gatehouse.org.test.eligible", map[string]any{"system": "System/githb"},
			[]string{"gatehouse.who_can: no System is called \"githb\"; did you mean System/github?"}},
		{"not a string", "data.gatehouse.org.test.may_reassign", map[string]any{"person": 42, "object": "Test/T-1"},
			[]string{"gatehouse.can: argument 1 must be a string, got number"}},
		{"any review with a system", "data.gatehouse.org.test.deleters", map[string]any{"object": "AccessReview/*/github"},
			[]string{"gatehouse.who_can: AccessReview/* is any access review as a whole"}},
		{"negated unknown", "not data.gatehouse.org.test.may_reassign", map[string]any{"person": "tess", "object": "Tset/T-1"},
			[]string{"unknown kind \"Tset\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := evalPolicy(t, e, tt.query, tt.input)
			if err == nil {
				t.Fatalf("eval succeeded with %v; want an error", rs)
			}
			for _, want := range tt.wantIn {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}
