package decide

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/validate"
)

// SourceBuiltin is the Source of what gatehouse itself decides: its
// built-in library and the policy-owner rule.
const SourceBuiltin = "gatehouse"

// Rules gatehouse itself applies, whatever the policies say.
const (
	// RulePolicyOwner: a change to policies/ or to the Config needs a
	// policy owner (S7); nothing waives it.
	RulePolicyOwner = "policy-owner"
	// RulePolicyError: a policy produced something the decision contract
	// does not allow; the pull request cannot be approved until it is
	// fixed.
	RulePolicyError = "policy-error"
	// RuleExpiresPast: an added or changed request whose expires has
	// already passed.
	RuleExpiresPast = "expires-past"
)

// Options are what a decision needs besides the two commits: who is
// asking and who approved.
type Options struct {
	// Author and LastPusher are the pull request's author and the person
	// who pushed its head, as person names or GitHub logins; their
	// approvals never count (S2).
	Author, LastPusher string
	// ApprovedBy lists who approved, as person names or GitHub logins.
	ApprovedBy []string
	// Now is the time policies and expiry see; zero means time.Now().
	Now time.Time
	// LoginsOnly reads Author, LastPusher and ApprovedBy as GitHub
	// logins only, as the controller must (S4); the command line also
	// takes person names.
	LoginsOnly bool
}

// Plan is the decision on one pull request: what it changes, what each
// change needs, what forbids it, who provisions it, and whether the
// approvals given suffice.
type Plan struct {
	Base         string        `json:"base"`
	Head         string        `json:"head"`
	Changes      []Change      `json:"changes"`
	Requirements []Requirement `json:"requirements"`
	Violations   []Violation   `json:"violations"`
	Routes       []Route       `json:"routes"`
	Waived       []Waiver      `json:"waived"`
	Approvals    []Approval    `json:"approvals"`
	// Impact lists the live requests whose outcome the pull request's
	// policy changes would change; only when it changes policies.
	Impact   []Impact `json:"impact,omitempty"`
	Warnings []string `json:"warnings"`
	Approved bool     `json:"approved"`
}

// Requirement is one approval a change needs: Count distinct people of
// Eligible. Eligible holds only the people whose approval would count:
// on the base commit, active, collaborator or above, and neither the
// author, the last pusher nor the person a request is for.
type Requirement struct {
	Change      string   `json:"change"`
	Rule        string   `json:"rule"`
	Count       int      `json:"count"`
	Eligible    []string `json:"eligible"`
	SatisfiedBy []string `json:"satisfiedBy"`
	Satisfied   bool     `json:"satisfied"`
	// Source is "gatehouse" or the organisation's policy package.
	Source string `json:"source"`
	// Action and Object say what the permission engine was asked, for
	// built-in requirements.
	Action string `json:"action,omitempty"`
	Object string `json:"object,omitempty"`
}

// Violation is a reason the pull request may not merge as it is.
type Violation struct {
	Change  string `json:"change"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Source  string `json:"source"`
}

// Route says who provisions an access change after the merge: the
// system's integration, or its admins by hand.
type Route struct {
	Change      string   `json:"change"`
	Op          string   `json:"op"` // grant or revoke
	System      string   `json:"system"`
	Person      string   `json:"person"`
	Integration string   `json:"integration,omitempty"`
	Admins      []string `json:"admins,omitempty"`
}

// Waiver is a built-in requirement an organisation policy waived.
type Waiver struct {
	Change string `json:"change"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// Approval is one approval given, and whether it names someone on the
// base commit.
type Approval struct {
	Given  string `json:"given"`
	Person string `json:"person,omitempty"`
	// Ignored says why the approval counts for nothing, if it does not.
	Ignored string `json:"ignored,omitempty"`
}

// Decide decides the pull request from base to head of the access repo
// in repo, with b the access repo at base (see Bases). An error means no
// decision: the caller must treat it as "not approved" (S5).
func Decide(ctx context.Context, b *Base, repo *gitrepo.Repo, base, head *gitrepo.Commit, opts Options) (*Plan, error) {
	changes, parseFindings, err := b.Changes(ctx, repo, base, head)
	if err != nil {
		return nil, err
	}
	return DecideChanges(ctx, b, base, head, changes, parseFindings, opts)
}

// DecideChanges is Decide on the changes b.Changes returned for base and
// head, for a caller that needs them too (the controller digests them for
// approvals) and should not diff twice.
func DecideChanges(ctx context.Context, b *Base, base, head *gitrepo.Commit, changes []Change, parseFindings model.Findings, opts Options) (*Plan, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	p := &Plan{Base: base.Hash.String(), Head: head.Hash.String(), Changes: changes}
	if p.Changes == nil {
		p.Changes = []Change{}
	}
	p.addFindings(b.checkDocuments(changes, parseFindings, opts.Now), changes)

	set := b.policy
	if hasPolicyChange(changes) {
		headSet, err := b.compile(ctx, headPolicies(b.Org.Policies, changes))
		if err != nil {
			p.Violations = append(p.Violations, Violation{Change: firstPolicyChange(changes), Rule: RulePolicyError, Source: SourceBuiltin,
				Message: fmt.Sprintf("the policies of this pull request do not compile: %v; run gatehouse test to see why", err)})
		} else if p.Impact, err = b.impact(ctx, set, headSet, opts.Now); err != nil {
			return nil, err
		}
	}
	if err := p.evaluate(ctx, b, set, opts.Now); err != nil {
		return nil, err
	}
	p.addPolicyOwners(b)
	p.satisfy(b, opts)
	p.sort()
	return p, nil
}

// checkDocuments validates what the pull request adds and changes.
// Requests alone are checked against the base (their person and system
// are unchanged); anything else validates the whole head organisation and
// keeps the findings the base does not have, so a change that breaks a
// reference elsewhere is caught too.
func (b *Base) checkDocuments(changes []Change, parsed model.Findings, now time.Time) model.Findings {
	out := slices.Clone(parsed)
	var reqs []*model.AccessRequest
	structural := false
	for _, c := range changes {
		switch {
		case c.Kind == model.KindAccessRequest && c.After != nil:
			reqs = append(reqs, c.After.(*model.AccessRequest))
		case c.Kind != model.KindAccessRequest:
			structural = true
		}
	}
	if !structural {
		return append(out, b.requests.Check(reqs, validate.Options{Now: now})...)
	}
	headOrg := applyChanges(b.Org, changes)
	old := map[string]bool{}
	for _, f := range b.validation() {
		old[findingKey(f)] = true
	}
	for _, f := range validate.Org(headOrg, validate.Options{Now: now}) {
		if !old[findingKey(f)] {
			out = append(out, f)
		}
	}
	return out
}

func findingKey(f model.Finding) string { return f.File + "\x00" + f.Rule + "\x00" + f.Message }

// applyChanges returns the head organisation: base with the changed
// documents and policy files replaced. Positions are the documents' own
// (no Locator): the head's files are not on disk.
func applyChanges(base *model.Org, changes []Change) *model.Org {
	drop := map[string]bool{}
	for _, c := range changes {
		if c.Before != nil {
			drop[id(c.Before)] = true
		}
	}
	org := model.NewOrg()
	base.Each(func(d model.Doc) {
		if !drop[id(d)] {
			org.Add(d)
		}
	})
	for _, c := range changes {
		if c.After != nil {
			org.Add(c.After)
		}
	}
	org.Policies = headPolicies(base.Policies, changes)
	return org
}

// headPolicies returns the policy files at the head: base's with the
// pull request's policy changes applied.
func headPolicies(base []model.PolicyFile, changes []Change) []model.PolicyFile {
	byPath := map[string][]byte{}
	for _, f := range base {
		byPath[f.Path] = f.Data
	}
	for _, c := range changes {
		if c.Kind != KindPolicy {
			continue
		}
		if c.Op == OpRemove {
			delete(byPath, c.Path)
		} else {
			byPath[c.Path] = c.Policy
		}
	}
	out := make([]model.PolicyFile, 0, len(byPath))
	for path, data := range byPath {
		out = append(out, model.PolicyFile{Path: path, Data: data})
	}
	slices.SortFunc(out, func(a, b model.PolicyFile) int { return strings.Compare(a.Path, b.Path) })
	return out
}

func hasPolicyChange(changes []Change) bool { return firstPolicyChange(changes) != "" }

func firstPolicyChange(changes []Change) string {
	for _, c := range changes {
		if c.Kind == KindPolicy {
			return c.ID
		}
	}
	return ""
}

// addFindings turns the errors among findings into violations of the
// change whose file they are in (or of the file itself), and an expiry
// already past on an added or changed request into a violation too; other
// warnings become warnings of the plan.
func (p *Plan) addFindings(findings model.Findings, changes []Change) {
	changeOf := map[string]string{}
	requestFiles := map[string]bool{}
	for _, c := range changes {
		if _, ok := changeOf[c.Path]; !ok {
			changeOf[c.Path] = c.ID
		}
		if c.Kind == model.KindAccessRequest && c.After != nil {
			requestFiles[c.Path] = true
		}
	}
	for _, f := range findings {
		change, ok := changeOf[f.File]
		if !ok {
			change = f.File
		}
		switch {
		case f.Severity == model.SeverityError:
			p.Violations = append(p.Violations, Violation{Change: change, Rule: f.Rule, Message: f.Message, Source: SourceBuiltin})
		case f.Rule == validate.RuleExpiredRequest && requestFiles[f.File]:
			p.Violations = append(p.Violations, Violation{Change: change, Rule: RuleExpiresPast, Source: SourceBuiltin,
				Message: "expires has already passed: set a later expires, or drop the change"})
		default:
			p.Warnings = append(p.Warnings, f.String())
		}
	}
}

// evaluate runs the policies on the changes and merges their decisions
// into the plan.
func (p *Plan) evaluate(ctx context.Context, b *Base, set *policySet, now time.Time) error {
	input, err := b.input(p.Changes)
	if err != nil {
		return err
	}
	d, err := set.decide(ctx, input, now)
	if err != nil {
		return err
	}
	p.Requirements = d.requirements
	p.Violations = append(p.Violations, d.violations...)
	p.Routes = d.routes
	p.applyWaivers(d.waivers)
	return nil
}

// decision is what the policies decided on one input, before waivers.
type decision struct {
	requirements []Requirement
	violations   []Violation
	routes       []Route
	waivers      []Waiver
}

// decide evaluates the policy set; output that breaks the decision
// contract becomes a policy-error violation, never a silent pass.
func (s *policySet) decide(ctx context.Context, input ast.Value, now time.Time) (*decision, error) {
	rs, err := s.eval(ctx, input, now)
	if err != nil {
		return nil, fmt.Errorf("evaluate the policies: %w; fix the policy on the base branch first (gatehouse test runs its tests)", err)
	}
	if len(rs) != 1 {
		return nil, errors.New("evaluate the policies: the decision query returned no result")
	}
	raw, ok := rs[0].Bindings["decision"].(map[string]any)
	if !ok {
		return nil, errors.New("evaluate the policies: the decision query returned no decision")
	}
	d := &decision{}
	lib, _ := raw["lib"].(map[string]any)
	if err := d.read(lib, SourceBuiltin); err != nil {
		return nil, fmt.Errorf("the built-in policy library broke its contract: %w", err)
	}
	org, _ := raw["org"].(map[string]any)
	for _, pkg := range s.packages {
		name := strings.TrimPrefix(pkg, "data.")
		out, _ := org[name].(map[string]any)
		if err := d.read(out, name); err != nil {
			d.violations = append(d.violations, Violation{Change: "policies/", Rule: RulePolicyError, Source: name,
				Message: fmt.Sprintf("policy package %s: %v; fix the policy (gatehouse test runs its tests)", name, err)})
		}
	}
	return d, nil
}

// read adds one package's requirements, violations, waivers and routes,
// checking each against the decision contract.
func (d *decision) read(out map[string]any, source string) error {
	var errs []error
	for _, x := range list(out["requirements"]) {
		r, err := readRequirement(x)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.Source = source
		d.requirements = append(d.requirements, r)
	}
	for _, x := range list(out["violations"]) {
		f, err := record(x, "violation", "change", "rule", "message")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d.violations = append(d.violations, Violation{Change: f[0], Rule: f[1], Message: f[2], Source: source})
	}
	for _, x := range list(out["waivers"]) {
		f, err := record(x, "waiver", "change", "rule", "reason")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d.waivers = append(d.waivers, Waiver{Change: f[0], Rule: f[1], Reason: f[2], Source: source})
	}
	for _, x := range list(out["routes"]) {
		m, _ := x.(map[string]any)
		r := Route{Change: str(m, "change"), Op: str(m, "op"), System: str(m, "system"), Person: str(m, "person"), Integration: str(m, "integration")}
		r.Admins, _ = stringList(m["admins"])
		d.routes = append(d.routes, r)
	}
	return errors.Join(errs...)
}

// record reads the three string fields a policy's output record of kind
// what must have.
func record(x any, what string, a, b, c string) ([3]string, error) {
	m, _ := x.(map[string]any)
	out := [3]string{str(m, a), str(m, b), str(m, c)}
	if out[0] == "" || out[1] == "" || out[2] == "" {
		return out, fmt.Errorf("a %s needs %s, %s and %s strings, got %v", what, a, b, c, x)
	}
	return out, nil
}

func readRequirement(x any) (Requirement, error) {
	m, _ := x.(map[string]any)
	r := Requirement{Change: str(m, "change"), Rule: str(m, "rule"), Action: str(m, "action"), Object: str(m, "object")}
	n, ok := m["count"].(json.Number)
	count, err := n.Int64()
	eligible, okEligible := stringList(m["eligible"])
	switch {
	case r.Change == "" || r.Rule == "":
		return r, fmt.Errorf("a requirement needs change and rule strings, got %v", x)
	case !ok || err != nil || count < 1 || count > 1000:
		return r, fmt.Errorf("requirement %s on %s needs a whole count from 1 to 1000, got %v", r.Rule, r.Change, m["count"])
	case !okEligible:
		return r, fmt.Errorf("requirement %s on %s needs eligible as a list of person names, got %v", r.Rule, r.Change, m["eligible"])
	}
	r.Count, r.Eligible = int(count), eligible
	return r, nil
}

// applyWaivers removes the built-in requirements that organisation
// policies waive. Only requirements of AccessRequest changes can be
// waived, never the policy-owner rule (S7); other waivers are reported
// and ignored.
func (p *Plan) applyWaivers(waivers []Waiver) {
	kindOf := map[string]string{}
	for _, c := range p.Changes {
		kindOf[c.ID] = c.Kind
	}
	for _, w := range waivers {
		if kindOf[w.Change] != model.KindAccessRequest || w.Rule == RulePolicyOwner {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: waiver of %s on %s ignored: only built-in requirements of access requests can be waived", w.Source, w.Rule, w.Change))
			continue
		}
		n := len(p.Requirements)
		p.Requirements = slices.DeleteFunc(p.Requirements, func(r Requirement) bool {
			return r.Source == SourceBuiltin && r.Change == w.Change && r.Rule == w.Rule
		})
		if len(p.Requirements) < n {
			p.Waived = append(p.Waived, w)
		} else {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: waiver of %s on %s matches no built-in requirement; check the rule's name", w.Source, w.Rule, w.Change))
		}
	}
}

// addPolicyOwners adds, in Go rather than Rego so that no policy can
// touch it, the policy-owner requirement of every change to the policies
// or the Config (S7). Without policyOwners on the base, org admins own the
// policies.
func (p *Plan) addPolicyOwners(b *Base) {
	var owners []string
	if cfg := b.Org.Config; cfg != nil && len(cfg.PolicyOwners) > 0 {
		owners = b.expand(cfg.PolicyOwners)
	} else {
		owners, _ = b.engine.WhoCan("configure", "Config/*")
	}
	for _, c := range p.Changes {
		if c.Kind == KindPolicy || c.Kind == model.KindConfig {
			p.Requirements = append(p.Requirements, Requirement{Change: c.ID, Rule: RulePolicyOwner, Count: 1,
				Eligible: slices.Clone(owners), Source: SourceBuiltin})
		}
	}
}

// expand resolves person names and team:<name> entries on the base.
func (b *Base) expand(entries []string) []string {
	var out []string
	for _, e := range entries {
		if team, ok := strings.CutPrefix(e, "team:"); ok {
			if t := b.Org.TeamByName[team]; t != nil {
				out = append(out, t.Members...)
				out = append(out, t.Admins...)
			}
			continue
		}
		out = append(out, e)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
