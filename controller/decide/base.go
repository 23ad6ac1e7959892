package decide

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/validate"
	"github.com/gatehouse-dev/gatehouse/policies"
)

// Base is everything that decides a pull request, read from its base
// commit (S1): the organisation, the permission engine over it, the
// organisation's policies with the built-in library, prepared once, and
// the store that serves the base documents to them. A Base is shared by
// every pull request against its commit and is safe for concurrent use.
type Base struct {
	// Org is the access repo at the base commit; Findings are its load
	// and validation problems.
	Org      *model.Org
	Findings model.Findings

	engine   *authz.Engine
	store    *baseStore
	requests *validate.RequestChecker
	policy   *policySet

	validateOnce sync.Once
	validated    model.Findings

	rank   map[string]int           // person name -> org-role rank, for eligibility
	byFile *fileIndex               // the base's documents by file, for Changes
	logins map[string]*model.Person // lower-case GitHub login -> person
}

// NewBase prepares org, the access repo at a base commit, for deciding
// pull requests. An organisation the permission engine or the policy
// compiler rejects cannot decide anything: the error says what to fix.
func NewBase(ctx context.Context, org *model.Org, findings model.Findings) (*Base, error) {
	engine, err := authz.New(org)
	if err != nil {
		return nil, fmt.Errorf("permission engine on the base commit: %w", err)
	}
	b := &Base{
		Org:      org,
		Findings: findings,
		engine:   engine,
		store:    newBaseStore(org),
		requests: validate.NewRequestChecker(org),
		rank:     make(map[string]int, len(org.People)),
		byFile:   &fileIndex{org: org},
		logins:   make(map[string]*model.Person, len(org.People)),
	}
	for _, p := range org.People {
		b.rank[p.Name] = roleRank(org, p.OrgRole())
		if p.GitHub != "" {
			b.logins[strings.ToLower(p.GitHub)] = p
		}
	}
	b.policy, err = b.compile(ctx, org.Policies)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Engine returns the permission engine of the base commit.
func (b *Base) Engine() *authz.Engine { return b.engine }

// validation returns the findings of validating the base organisation,
// computed on first use: only pull requests that change more than access
// requests need them.
func (b *Base) validation() model.Findings {
	b.validateOnce.Do(func() { b.validated = validate.Org(b.Org, validate.Options{}) })
	return b.validated
}

// policySet is a compiled set of policies: the built-in library and an
// organisation's policies, with the query that collects their decisions.
type policySet struct {
	query    rego.PreparedEvalQuery
	packages []string // the organisation's packages, sorted
}

// orgModules parses an organisation's policy files (tests left out) as
// Rego v1.
func orgModules(files []model.PolicyFile) (map[string]*ast.Module, error) {
	out := map[string]*ast.Module{}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "_test.rego") {
			continue
		}
		m, err := ast.ParseModuleWithOpts(f.Path, string(f.Data), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parse policy %s: %w", f.Path, err)
		}
		// A package outside gatehouse.org would merge into gatehouse's own
		// library, where its requirements would pass for built-in ones.
		if pkg := m.Package.Path.String(); !strings.HasPrefix(pkg, "data.gatehouse.org.") {
			return nil, fmt.Errorf("policy %s: package %s is outside gatehouse.org; name it gatehouse.org.<something>", f.Path, strings.TrimPrefix(pkg, "data."))
		}
		out[f.Path] = m
	}
	return out, nil
}

// compile prepares the decision query over the built-in library and
// files, an organisation's policies, with the base commit's engine and
// documents.
func (b *Base) compile(ctx context.Context, files []model.PolicyFile) (*policySet, error) {
	modules, err := orgModules(files)
	if err != nil {
		return nil, err
	}
	lib, err := policies.Files(false)
	if err != nil {
		return nil, fmt.Errorf("read the built-in policy library: %w", err)
	}
	opts := []func(*rego.Rego){
		rego.Store(b.store),
		rego.StrictBuiltinErrors(true),
		rego.SetRegoVersion(ast.RegoV1),
	}
	for path, src := range lib {
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parse the built-in policy %s: %w", path, err)
		}
		opts = append(opts, rego.ParsedModule(m))
	}
	set := &policySet{}
	seen := map[string]bool{}
	for _, m := range modules {
		opts = append(opts, rego.ParsedModule(m))
		pkg := m.Package.Path.String()
		if !seen[pkg] {
			seen[pkg] = true
			set.packages = append(set.packages, pkg)
		}
	}
	sort.Strings(set.packages)
	opts = append(opts, rego.Query(decisionQuery(set.packages)))
	opts = append(opts, b.engine.RegoOptions()...)
	set.query, err = rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("compile the policies: %w", err)
	}
	return set, nil
}

// decisionQuery collects the built-in library's decisions and those of
// each organisation package: a package that defines none of requirements,
// violations or waivers contributes empty lists.
func decisionQuery(packages []string) string {
	var b strings.Builder
	b.WriteString(`decision := {"lib": {"requirements": ` + policies.DecisionPackage + `.requirements, "violations": ` +
		policies.DecisionPackage + `.violations, "routes": ` + policies.DecisionPackage + `.routes}, "org": {`)
	for i, pkg := range packages {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: {", strings.TrimPrefix(pkg, "data."))
		for j, set := range []string{"requirements", "violations", "waivers"} {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: [x | some x in %s.%s]", set, pkg, set)
		}
		b.WriteString("}")
	}
	b.WriteString("}}")
	return b.String()
}

// eval runs the decision query on input at now.
func (s *policySet) eval(ctx context.Context, input ast.Value, now time.Time) (rego.ResultSet, error) {
	return s.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalTime(now))
}

// roleRank returns the rank of an org-level role among the built-in
// roles (employee 0 ... admin 4), resolving a custom role to the role it
// inherits; -1 for a role gatehouse does not know.
func roleRank(org *model.Org, role string) int {
	if r, ok := org.RoleByName[role]; ok && r != nil && slices.Index(model.BuiltinRoles, role) < 0 {
		role = r.Inherits
	}
	return slices.Index(model.BuiltinRoles, role)
}
