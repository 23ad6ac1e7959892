package authz

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Engine answers permission questions about one organisation. It is built
// once per model.Org by New and is safe for concurrent use; it never
// changes after New returns. The Org must not change either.
type Engine struct {
	org *model.Org

	// People are numbered in name order, so walking ids lists names
	// sorted.
	people       []person
	personNames  []string
	personByName map[string]int32
	// everyone lists every person id, in order.
	everyone []int32

	// roles holds the built-in roles first (indexed by builtin), then the
	// organisation's custom Roles.
	roles      []role
	roleByName map[string]int16

	obj [numKinds]objects
}

// person is what the hot path needs to know about a Person.
type person struct {
	role   int16
	trust  trust
	active bool
	// objRoles reports whether the person's org-level role lets them hold
	// object-level roles (collaborator or above).
	objRoles bool
}

// role is a built-in or custom org-level role, compiled.
type role struct {
	name string
	base builtin
	// def is the custom Role, nil for built-ins.
	def *model.Role
	// mask[k] is what the role grants on every object of kind k: the
	// base role's rights plus the custom permissions.
	mask [numKinds]uint64
	// extra[k] is what the custom permissions alone add.
	extra [numKinds]uint64
	// restricted is what the role keeps on a restricted Document.
	restricted uint64
}

// objects indexes the documents of one kind.
type objects struct {
	names  []string
	byName map[string]int32
	// owner[i] is the owner's person id, or -1 (owner kinds).
	owner []int32
	// parents[i] lists the indexes of the parent objects (kinds with a
	// parent kind), in the order the child names them.
	parents [][]int32
	// restricted[i] marks restricted Documents.
	restricted []bool
	// viewers[i] are a Report's viewers; for a System, its approvers,
	// teams expanded. Sorted person ids.
	viewers [][]int32
	// admins[i] are a System's admins, teams expanded. Sorted person ids.
	admins [][]int32
	// reviews[i] are an AccessReview's systems and their reviewers.
	reviews []review
}

type review struct {
	systems   []string
	reviewers [][]int32
}

// New builds an Engine for org. It fails when permissions cannot be
// decided exactly: a custom Role that inherits no built-in role or names
// a permission gatehouse does not grant, or a Person whose role or trust
// role is unknown. References that do not resolve (an owner who is not a
// person, a control a test maps to that does not exist) grant nothing;
// validation reports them.
func New(org *model.Org) (*Engine, error) {
	if tablesErr != nil {
		return nil, tablesErr
	}
	if org == nil {
		return nil, errors.New("authz: no organisation to build the permission engine from")
	}
	e := &Engine{org: org}
	if err := e.buildRoles(); err != nil {
		return nil, err
	}
	if err := e.buildPeople(); err != nil {
		return nil, err
	}
	e.buildObjects()
	return e, nil
}

// Org returns the organisation the engine answers about.
func (e *Engine) Org() *model.Org { return e.org }

func (e *Engine) buildRoles() error {
	e.roleByName = make(map[string]int16, int(numBuiltins)+len(e.org.Roles))
	for b := range numBuiltins {
		r := role{name: model.BuiltinRoles[b], base: b}
		for k := range numKinds {
			r.mask[k] = tables.kinds[k].by[b.holder()]
		}
		r.restricted = restrictedMask(b)
		e.roleByName[r.name] = int16(len(e.roles))
		e.roles = append(e.roles, r)
	}
	var errs []error
	for _, def := range e.org.Roles {
		r, fs := compileRole(def)
		for _, f := range fs {
			errs = append(errs, fmt.Errorf("authz: role %s (%s) %s: %s", def.Name, def.File, f.path, f.message))
		}
		if len(fs) > 0 {
			continue
		}
		if _, dup := e.roleByName[def.Name]; dup {
			errs = append(errs, fmt.Errorf("authz: role %s (%s) reuses a built-in role's name; rename it", def.Name, def.File))
			continue
		}
		e.roleByName[def.Name] = int16(len(e.roles))
		e.roles = append(e.roles, r)
	}
	return errors.Join(errs...)
}

// restrictedMask is what built-in role b keeps on a restricted Document.
func restrictedMask(b builtin) uint64 {
	kt := &tables.kinds[kDocument]
	if kt.restrictedKeep&(1<<b.holder()) == 0 {
		return 0
	}
	return kt.by[b.holder()]
}

// roleProblem is one thing wrong with a custom Role: the field path, a
// rule id and a message.
type roleProblem struct {
	path, rule, message string
}

// compileRole compiles a custom Role, or reports what is wrong with it.
func compileRole(def *model.Role) (role, []roleProblem) {
	r := role{name: def.Name, def: def}
	var fs []roleProblem
	b := slices.Index(model.BuiltinRoles, def.Inherits)
	if b < 0 {
		msg := fmt.Sprintf("inherits %q, which is not a built-in role; use one of %s", def.Inherits, strings.Join(model.BuiltinRoles, ", "))
		if def.Inherits == "" {
			msg = "inherits no built-in role; set inherits to one of " + strings.Join(model.BuiltinRoles, ", ")
		}
		fs = append(fs, roleProblem{path: "inherits", rule: "role-inherits", message: msg})
	} else {
		r.base = builtin(b)
	}
	for i, p := range def.Permissions {
		m, err := parsePermission(p)
		if err != nil {
			fs = append(fs, roleProblem{path: fmt.Sprintf("permissions[%d]", i), rule: "role-permission", message: err.Error()})
			continue
		}
		for k := range numKinds {
			r.extra[k] |= m[k]
		}
	}
	for k := range numKinds {
		r.mask[k] = tables.kinds[k].by[r.base.holder()] | r.extra[k]
	}
	r.restricted = restrictedMask(r.base)
	return r, fs
}

// parsePermission reads one entry of a Role's permissions: "action",
// "Kind:action" or "Kind:*", and returns the rights it grants per kind.
func parsePermission(p string) ([numKinds]uint64, error) {
	var m [numKinds]uint64
	kindPart, action, scoped := strings.Cut(p, ":")
	if !scoped {
		action = p
		known := false
		for k := range numKinds {
			kt := &tables.kinds[k]
			bit, ok := kt.index[action]
			if !ok {
				continue
			}
			known = true
			if kt.grantable&(1<<bit) != 0 {
				m[k] |= 1 << bit
			}
		}
		if !known {
			return m, fmt.Errorf("permission %q is not an action gatehouse knows; did you mean %s? (write action, Kind:action or Kind:*)", p, closest(action, tables.allActions))
		}
		if m == ([numKinds]uint64{}) {
			return m, fmt.Errorf("permission %q cannot be granted by a role: %s comes only from the admin role or from a System's approvers and admins", p, action)
		}
		return m, nil
	}
	k, ok := kindOf(kindPart)
	if !ok {
		return m, fmt.Errorf("permission %q names kind %q, which has no actions; did you mean %s?", p, kindPart, closest(kindPart, kindNames[:]))
	}
	kt := &tables.kinds[k]
	if action == "*" {
		if kt.grantable == 0 {
			return m, fmt.Errorf("permission %q grants nothing: no action on %s can be granted by a role", p, k)
		}
		m[k] = kt.grantable
		return m, nil
	}
	bit, ok := kt.index[action]
	if !ok {
		return m, fmt.Errorf("permission %q: %s has no action %q; did you mean %s:%s?", p, k, action, k, closest(action, kt.actions))
	}
	if kt.grantable&(1<<bit) == 0 {
		return m, fmt.Errorf("permission %q cannot be granted by a role: %s on %s comes only from the admin role or from a System's approvers and admins", p, action, k)
	}
	m[k] = 1 << bit
	return m, nil
}

// RoleFindings checks the custom Roles of org the way New does and returns
// what is wrong as findings with positions, for validation to report.
func RoleFindings(org *model.Org) model.Findings {
	var out model.Findings
	if tablesErr != nil || org == nil {
		return out
	}
	for _, def := range org.Roles {
		_, fs := compileRole(def)
		for _, f := range fs {
			pos := def.Pos
			if org.Locator != nil {
				pos = org.Locator.Locate(def.File, def.Index, f.path)
			}
			out = append(out, model.Finding{
				Severity: model.SeverityError,
				File:     def.File,
				Line:     pos.Line,
				Column:   pos.Column,
				Rule:     f.rule,
				Message:  fmt.Sprintf("role %s: %s", def.Name, f.message),
			})
		}
	}
	out.Sort()
	return out
}

func (e *Engine) buildPeople() error {
	n := len(e.org.People)
	e.personNames = make([]string, 0, n)
	for _, p := range e.org.People {
		e.personNames = append(e.personNames, p.Name)
	}
	slices.Sort(e.personNames)
	e.personByName = make(map[string]int32, n)
	for i, name := range e.personNames {
		e.personByName[name] = int32(i)
	}
	e.people = make([]person, n)
	e.everyone = make([]int32, n)
	for i := range e.everyone {
		e.everyone[i] = int32(i)
	}
	var errs []error
	roleNames := func() []string {
		names := make([]string, 0, len(e.roles))
		for _, r := range e.roles {
			names = append(names, r.name)
		}
		return names
	}
	for _, p := range e.org.People {
		id := e.personByName[p.Name]
		ri, ok := e.roleByName[p.OrgRole()]
		if !ok {
			errs = append(errs, fmt.Errorf("authz: person %s (%s) has role %q, which is neither built in nor a Role of the repo; did you mean %s?", p.Name, p.File, p.Role, closest(p.Role, roleNames())))
			continue
		}
		t := noTrust
		switch p.TrustRole {
		case "":
		case model.TrustCollaborator:
			t = tTrustCollaborator
		case model.TrustAdmin:
			t = tTrustAdmin
		default:
			errs = append(errs, fmt.Errorf("authz: person %s (%s) has trustRole %q; use %s or %s", p.Name, p.File, p.TrustRole, model.TrustCollaborator, model.TrustAdmin))
			continue
		}
		e.people[id] = person{
			role:     ri,
			trust:    t,
			active:   p.Active(),
			objRoles: e.roles[ri].base >= bCollaborator,
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) buildObjects() {
	o := e.org
	names := func(k kind, n int, name func(i int) string) *objects {
		ob := &e.obj[k]
		ob.names = make([]string, n)
		ob.byName = make(map[string]int32, n)
		for i := range n {
			ob.names[i] = name(i)
			ob.byName[ob.names[i]] = int32(i)
		}
		return ob
	}
	owners := func(ob *objects, n int, owner func(i int) string) {
		ob.owner = make([]int32, n)
		for i := range n {
			ob.owner[i] = e.personID(owner(i))
		}
	}
	parentsOf := func(parent kind, names []string) []int32 {
		var ids []int32
		for _, n := range names {
			if id, ok := e.obj[parent].byName[n]; ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids
	}

	ob := names(kControl, len(o.Controls), func(i int) string { return o.Controls[i].Name })
	owners(ob, len(o.Controls), func(i int) string { return o.Controls[i].Owner })
	ob = names(kRiskScenario, len(o.RiskScenarios), func(i int) string { return o.RiskScenarios[i].Name })
	owners(ob, len(o.RiskScenarios), func(i int) string { return o.RiskScenarios[i].Owner })

	ob = names(kTest, len(o.Tests), func(i int) string { return o.Tests[i].Name })
	owners(ob, len(o.Tests), func(i int) string { return o.Tests[i].Owner })
	ob.parents = make([][]int32, len(o.Tests))
	for i, t := range o.Tests {
		ob.parents[i] = parentsOf(kControl, t.Controls)
	}

	ob = names(kDocument, len(o.Documents), func(i int) string { return o.Documents[i].Name })
	owners(ob, len(o.Documents), func(i int) string { return o.Documents[i].Owner })
	ob.parents = make([][]int32, len(o.Documents))
	ob.restricted = make([]bool, len(o.Documents))
	for i, d := range o.Documents {
		ob.parents[i] = parentsOf(kControl, d.Controls)
		ob.restricted[i] = d.Restricted
	}

	ob = names(kRiskTask, len(o.RiskTasks), func(i int) string { return o.RiskTasks[i].Name })
	owners(ob, len(o.RiskTasks), func(i int) string { return o.RiskTasks[i].Owner })
	ob.parents = make([][]int32, len(o.RiskTasks))
	for i, t := range o.RiskTasks {
		ob.parents[i] = parentsOf(kRiskScenario, []string{t.RiskScenario})
	}

	ob = names(kReport, len(o.Reports), func(i int) string { return o.Reports[i].Name })
	ob.viewers = make([][]int32, len(o.Reports))
	for i, r := range o.Reports {
		ob.viewers[i] = e.personIDs(r.Viewers, nil)
	}

	ob = names(kAccessReview, len(o.AccessReviews), func(i int) string { return o.AccessReviews[i].Name })
	ob.reviews = make([]review, len(o.AccessReviews))
	for i, r := range o.AccessReviews {
		rv := review{systems: make([]string, len(r.Systems)), reviewers: make([][]int32, len(r.Systems))}
		for j, s := range r.Systems {
			rv.systems[j] = s.System
			rv.reviewers[j] = e.personIDs(s.Reviewers, nil)
		}
		ob.reviews[i] = rv
	}

	teams := make(map[string][]string, len(o.Teams))
	for _, t := range o.Teams {
		teams[t.Name] = append(slices.Clip(t.Members), t.Admins...)
	}
	ob = names(kSystem, len(o.Systems), func(i int) string { return o.Systems[i].Name })
	ob.viewers = make([][]int32, len(o.Systems))
	ob.admins = make([][]int32, len(o.Systems))
	for i, s := range o.Systems {
		ob.viewers[i] = e.personIDs(s.Approvers, teams)
		ob.admins[i] = e.personIDs(s.Admins, teams)
	}

	names(kPerson, len(e.personNames), func(i int) string { return e.personNames[i] })
	names(kTeam, len(o.Teams), func(i int) string { return o.Teams[i].Name })
	names(kRole, len(o.Roles), func(i int) string { return o.Roles[i].Name })
	if o.Config != nil {
		names(kConfig, 1, func(int) string { return o.Config.Name })
	} else {
		names(kConfig, 0, nil)
	}
}

// personID returns the id of the person called name, or -1.
func (e *Engine) personID(name string) int32 {
	if id, ok := e.personByName[name]; ok {
		return id
	}
	return -1
}

// personIDs resolves a list of person names, and team:<name> entries when
// teams is given, to sorted, distinct person ids; names that resolve to
// nobody are left out.
func (e *Engine) personIDs(entries []string, teams map[string][]string) []int32 {
	ids := make([]int32, 0, len(entries))
	for _, entry := range entries {
		if team, ok := model.TeamRef(entry); ok && teams != nil {
			for _, m := range teams[team] {
				if id := e.personID(m); id >= 0 {
					ids = append(ids, id)
				}
			}
			continue
		}
		if id := e.personID(entry); id >= 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
