package authz

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"
)

// Names of the Rego built-in functions RegoOptions registers.
const (
	RegoCan    = "gatehouse.can"
	RegoWhoCan = "gatehouse.who_can"
)

// RegoOptions returns rego.New options that register the engine's
// built-ins, so that policies ask the engine instead of re-implementing
// the permission model:
//
//	gatehouse.can(person, action, object)  -> boolean
//	gatehouse.who_can(action, object)      -> array of person names, sorted
//
// Arguments are strings, objects written "Kind/name", or "Kind/*" for any
// object of the kind (a document a pull request adds: org-level rights
// only, see the package doc). An unknown person,
// action or object, or an argument that is not a string, halts the
// evaluation with an error: a policy cannot mistake a typo for "no" and
// carry on (fail closed, S5).
func (e *Engine) RegoOptions() []func(*rego.Rego) {
	return []func(*rego.Rego){
		rego.Function3(&rego.Function{
			Name:        RegoCan,
			Description: "Reports whether a person may do an action on an object (Kind/name, or Kind/* for any object of the kind), as gatehouse's permission engine decides.",
			Decl:        types.NewFunction(types.Args(types.Named("person", types.S), types.Named("action", types.S), types.Named("object", types.S)), types.Named("allowed", types.B)),
			Memoize:     true,
		}, func(_ rego.BuiltinContext, a, b, c *ast.Term) (*ast.Term, error) {
			person, action, object, err := regoStrings3(a, b, c)
			if err != nil {
				return nil, err
			}
			ok, err := e.Check(person, action, object)
			if err != nil {
				return nil, rego.NewHaltError(err)
			}
			return ast.BooleanTerm(ok), nil
		}),
		rego.Function2(&rego.Function{
			Name:        RegoWhoCan,
			Description: "Returns the sorted names of the people who may do an action on an object (Kind/name, or Kind/* for any object of the kind).",
			Decl:        types.NewFunction(types.Args(types.Named("action", types.S), types.Named("object", types.S)), types.Named("people", types.NewArray(nil, types.S))),
			Memoize:     true,
		}, func(_ rego.BuiltinContext, a, b *ast.Term) (*ast.Term, error) {
			action, object, _, err := regoStrings3(a, b, nil)
			if err != nil {
				return nil, err
			}
			names, err := e.WhoCan(action, object)
			if err != nil {
				return nil, rego.NewHaltError(err)
			}
			terms := make([]*ast.Term, len(names))
			for i, n := range names {
				terms[i] = ast.StringTerm(n)
			}
			return ast.ArrayTerm(terms...), nil
		}),
	}
}

// regoStrings3 reads up to three string arguments; c may be nil.
func regoStrings3(a, b, c *ast.Term) (string, string, string, error) {
	var out [3]string
	for i, t := range []*ast.Term{a, b, c} {
		if t == nil {
			continue
		}
		s, ok := t.Value.(ast.String)
		if !ok {
			return "", "", "", rego.NewHaltError(fmt.Errorf("argument %d must be a string, got %s", i+1, ast.ValueName(t.Value)))
		}
		out[i] = string(s)
	}
	return out[0], out[1], out[2], nil
}
