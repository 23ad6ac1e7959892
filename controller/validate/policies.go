package validate

import (
	"errors"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// orgPackagePrefix is what every org policy's package path starts with;
// the built-in library owns gatehouse.lib.
const orgPackagePrefix = "data.gatehouse.org."

// noModule is the message for a Rego file without a module.
const noModule = "the file holds no Rego module; start it with a package declaration such as package gatehouse.org.access"

// checkPolicies parses every org Rego file, tests included, as Rego v1 and
// checks its package.
func (c *checker) checkPolicies() {
	for _, f := range c.org.Policies {
		mod, err := ast.ParseModuleWithOpts(f.Path, string(f.Data), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			c.reportRegoErrors(f.Path, err)
			continue
		}
		if mod == nil || mod.Package == nil {
			c.reportAt(f.Path, model.Pos{}, ruleRegoSyntax, noModule)
			continue
		}
		if path := mod.Package.Path.String(); !strings.HasPrefix(path, orgPackagePrefix) {
			c.reportAt(f.Path, locPos(mod.Package.Location), ruleRegoPackage,
				"package "+strings.TrimPrefix(path, "data.")+" is outside gatehouse.org; org policies must use a package under gatehouse.org., e.g. package gatehouse.org.access")
		}
	}
}

// reportRegoErrors reports each parser error at its line and column.
func (c *checker) reportRegoErrors(file string, err error) {
	var errs ast.Errors
	var one *ast.Error
	switch {
	case errors.As(err, &errs):
	case errors.As(err, &one):
		errs = ast.Errors{one}
	default:
		c.reportAt(file, model.Pos{}, ruleRegoSyntax, "cannot parse as Rego v1: "+err.Error())
		return
	}
	for _, e := range errs {
		if e.Message == "empty module" {
			c.reportAt(file, model.Pos{}, ruleRegoSyntax, noModule)
			continue
		}
		c.reportAt(file, locPos(e.Location), ruleRegoSyntax, e.Message+"; fix the Rego (it must parse as Rego v1, as opa check --v1-compatible does)")
	}
}

// locPos converts an OPA location to a position.
func locPos(l *ast.Location) model.Pos {
	if l == nil {
		return model.Pos{}
	}
	return model.Pos{Line: l.Row, Column: l.Col}
}
