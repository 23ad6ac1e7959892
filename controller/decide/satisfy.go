package decide

import (
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// PersonByLogin resolves a GitHub login alone (case-insensitively), for
// approvals that come from GitHub: a login that happens to equal another
// person's name is that login's person, never the other (S4).
func (b *Base) PersonByLogin(login string) *model.Person {
	return b.logins[strings.ToLower(strings.TrimPrefix(login, "@"))]
}

// Person resolves a person name or GitHub login on the base commit; a
// login matches case-insensitively, as GitHub's do.
func (b *Base) Person(nameOrLogin string) *model.Person {
	if p := b.Org.PersonByName[nameOrLogin]; p != nil {
		return p
	}
	return b.logins[strings.ToLower(strings.TrimPrefix(nameOrLogin, "@"))]
}

// counts reports whether a person's approval can count at all (S4):
// active and collaborator or above on the base commit.
func (b *Base) counts(name string) bool {
	p := b.Org.PersonByName[name]
	return p != nil && p.Active() && b.rank[name] >= 1
}

// satisfy narrows each requirement to the people whose approval counts,
// matches the approvals given against it and decides the plan.
func (p *Plan) satisfy(b *Base, opts Options) {
	resolve := b.Person
	if opts.LoginsOnly {
		resolve = b.PersonByLogin
	}
	excluded := map[string]bool{}
	for _, who := range []string{opts.Author, opts.LastPusher} {
		if who == "" {
			continue
		}
		if person := resolve(who); person != nil {
			excluded[person.Name] = true
		}
	}
	approvers := map[string]bool{}
	p.Approvals = []Approval{}
	for _, given := range opts.ApprovedBy {
		a := Approval{Given: given}
		switch person := resolve(given); {
		case person == nil:
			a.Ignored = "not a person on the base commit (S4)"
		case excluded[person.Name]:
			a.Person, a.Ignored = person.Name, "the pull request's author or last pusher (S2)"
		case !person.Active():
			a.Person, a.Ignored = person.Name, "offboarded (S4)"
		case !b.counts(person.Name):
			a.Person, a.Ignored = person.Name, "below collaborator (S4)"
		default:
			a.Person = person.Name
			approvers[person.Name] = true
		}
		p.Approvals = append(p.Approvals, a)
	}

	subjects := map[string][]string{}
	for _, c := range p.Changes {
		if c.Kind != model.KindAccessRequest || c.After == nil {
			continue // removing a request: its person may consent
		}
		subjects[c.ID] = append(subjects[c.ID], c.After.(*model.AccessRequest).Person)
		if c.Before != nil {
			subjects[c.ID] = append(subjects[c.ID], c.Before.(*model.AccessRequest).Person)
		}
	}
	p.Approved = len(p.Violations) == 0
	for i := range p.Requirements {
		r := &p.Requirements[i]
		eligible := []string{}
		for _, name := range r.Eligible {
			if b.counts(name) && !excluded[name] && !slices.Contains(subjects[r.Change], name) {
				eligible = append(eligible, name)
			}
		}
		slices.Sort(eligible)
		r.Eligible = slices.Compact(eligible)
		r.SatisfiedBy = []string{}
		for _, name := range r.Eligible {
			if approvers[name] {
				r.SatisfiedBy = append(r.SatisfiedBy, name)
			}
		}
		r.Satisfied = len(r.SatisfiedBy) >= r.Count
		p.Approved = p.Approved && r.Satisfied
	}
}

// sort orders every list of the plan for stable output.
func (p *Plan) sort() {
	slices.SortFunc(p.Requirements, func(a, b Requirement) int {
		return compareAll(a.Change, b.Change, a.Source, b.Source, a.Rule, b.Rule, a.Object, b.Object)
	})
	p.Requirements = slices.CompactFunc(p.Requirements, func(a, b Requirement) bool {
		return a.Change == b.Change && a.Source == b.Source && a.Rule == b.Rule && a.Object == b.Object &&
			a.Count == b.Count && slices.Equal(a.Eligible, b.Eligible)
	})
	slices.SortFunc(p.Violations, func(a, b Violation) int {
		return compareAll(a.Change, b.Change, a.Rule, b.Rule, a.Message, b.Message)
	})
	p.Violations = slices.Compact(p.Violations)
	slices.SortFunc(p.Routes, func(a, b Route) int { return compareAll(a.Change, b.Change, a.Op, b.Op) })
	slices.SortFunc(p.Waived, func(a, b Waiver) int { return compareAll(a.Change, b.Change, a.Rule, b.Rule, a.Source, b.Source) })
	slices.Sort(p.Warnings)
	p.Warnings = slices.Compact(p.Warnings)
	if p.Requirements == nil {
		p.Requirements = []Requirement{}
	}
	if p.Violations == nil {
		p.Violations = []Violation{}
	}
	if p.Routes == nil {
		p.Routes = []Route{}
	}
	if p.Waived == nil {
		p.Waived = []Waiver{}
	}
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
}

// compareAll compares pairs of strings in order: a[0] with a[1], then
// a[2] with a[3], and so on.
func compareAll(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// input builds the policies' input from the changes: before documents
// come converted from the base store, after documents are converted here.
func (b *Base) input(changes []Change) (ast.Value, error) {
	terms := make([]*ast.Term, 0, len(changes))
	for _, c := range changes {
		obj := [][2]*ast.Term{
			ast.Item(ast.StringTerm("id"), ast.StringTerm(c.ID)),
			ast.Item(ast.StringTerm("op"), ast.StringTerm(c.Op)),
			ast.Item(ast.StringTerm("kind"), ast.StringTerm(c.Kind)),
			ast.Item(ast.StringTerm("path"), ast.StringTerm(c.Path)),
		}
		fields := make([]*ast.Term, len(c.Fields))
		for i, f := range c.Fields {
			fields[i] = ast.StringTerm(f)
		}
		obj = append(obj, ast.Item(ast.StringTerm("fields"), ast.ArrayTerm(fields...)))
		if c.Before != nil {
			v, err := b.store.value(c.Before)
			if err != nil {
				return nil, err
			}
			obj = append(obj, ast.Item(ast.StringTerm("before"), ast.NewTerm(v)))
		}
		if c.After != nil {
			v, err := docValue(c.After)
			if err != nil {
				return nil, err
			}
			obj = append(obj, ast.Item(ast.StringTerm("after"), ast.NewTerm(v)))
		}
		terms = append(terms, ast.ObjectTerm(obj...))
	}
	return ast.NewObject(ast.Item(ast.StringTerm("changes"), ast.ArrayTerm(terms...))), nil
}

// list, str and stringList read the JSON-shaped values of a result set.
func list(x any) []any {
	l, _ := x.([]any)
	return l
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func stringList(x any) ([]string, bool) {
	l, ok := x.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
