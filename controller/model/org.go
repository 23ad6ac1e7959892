package model

import "sort"

// Org is the whole content of an access repo at one revision.
//
// Each kind is kept twice: a slice in load order (files sorted by path,
// documents in file order) for deterministic iteration, and a map by name
// (by path for requests) for lookups. The loader fills both through Add.
type Org struct {
	// Config is gatehouse.yaml's Config, or nil when the repo has none.
	Config *Config

	People        []*Person
	Teams         []*Team
	Roles         []*Role
	Systems       []*System
	Requests      []*AccessRequest
	Controls      []*Control
	Tests         []*Test
	Documents     []*Document
	RiskScenarios []*RiskScenario
	RiskTasks     []*RiskTask
	Reports       []*Report
	AccessReviews []*AccessReview

	PersonByName       map[string]*Person
	TeamByName         map[string]*Team
	RoleByName         map[string]*Role
	SystemByName       map[string]*System
	RequestByPath      map[string]*AccessRequest
	ControlByName      map[string]*Control
	TestByName         map[string]*Test
	DocumentByName     map[string]*Document
	RiskScenarioByName map[string]*RiskScenario
	RiskTaskByName     map[string]*RiskTask
	ReportByName       map[string]*Report
	AccessReviewByName map[string]*AccessReview

	// Policies are the repo's Rego files under policies/, sorted by path.
	Policies []PolicyFile

	// Locator turns a document's field path into a position; nil when the
	// Org was built in memory, in which case findings point at the
	// document itself.
	Locator Locator
}

// PolicyFile is one Rego file of the access repo.
type PolicyFile struct {
	// Path is relative to the repository root, e.g. "policies/prod.rego".
	Path string
	Data []byte
}

// Locator finds a field inside a loaded document. Path uses dots and
// brackets: "approvers[1]", "accessLevels[0].maxDuration"; the empty path
// is the document itself. When the field is absent it returns the position
// of its closest present ancestor.
type Locator interface {
	Locate(file string, index int, path string) Pos
}

// Location names a field of a loaded document: its file, the document's
// index in the file and the field path, as Locator.Locate takes them.
type Location struct {
	File  string
	Index int
	Path  string
}

// NewOrg returns an empty Org ready for Add.
func NewOrg() *Org { return NewOrgSized(nil) }

// NewOrgSized returns an empty Org ready for Add with room for sizes[kind]
// documents of each kind, so that loading a large repo does not grow its
// indexes step by step.
func NewOrgSized(sizes map[string]int) *Org {
	return &Org{
		PersonByName:       make(map[string]*Person, sizes[KindPerson]),
		TeamByName:         make(map[string]*Team, sizes[KindTeam]),
		RoleByName:         make(map[string]*Role, sizes[KindRole]),
		SystemByName:       make(map[string]*System, sizes[KindSystem]),
		RequestByPath:      make(map[string]*AccessRequest, sizes[KindAccessRequest]),
		ControlByName:      make(map[string]*Control, sizes[KindControl]),
		TestByName:         make(map[string]*Test, sizes[KindTest]),
		DocumentByName:     make(map[string]*Document, sizes[KindDocument]),
		RiskScenarioByName: make(map[string]*RiskScenario, sizes[KindRiskScenario]),
		RiskTaskByName:     make(map[string]*RiskTask, sizes[KindRiskTask]),
		ReportByName:       make(map[string]*Report, sizes[KindReport]),
		AccessReviewByName: make(map[string]*AccessReview, sizes[KindAccessReview]),

		People:        sized[*Person](sizes[KindPerson]),
		Teams:         sized[*Team](sizes[KindTeam]),
		Roles:         sized[*Role](sizes[KindRole]),
		Systems:       sized[*System](sizes[KindSystem]),
		Requests:      sized[*AccessRequest](sizes[KindAccessRequest]),
		Controls:      sized[*Control](sizes[KindControl]),
		Tests:         sized[*Test](sizes[KindTest]),
		Documents:     sized[*Document](sizes[KindDocument]),
		RiskScenarios: sized[*RiskScenario](sizes[KindRiskScenario]),
		RiskTasks:     sized[*RiskTask](sizes[KindRiskTask]),
		Reports:       sized[*Report](sizes[KindReport]),
		AccessReviews: sized[*AccessReview](sizes[KindAccessReview]),
	}
}

// sized returns a slice with room for n elements, or nil for none.
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// Add files a document under its kind and returns the document already
// known under the same kind and name, if any, in which case d is not
// added. Callers add documents in load order.
func (o *Org) Add(d Doc) (existing Doc) {
	switch v := d.(type) {
	case *Config:
		if o.Config != nil {
			return o.Config
		}
		o.Config = v
	case *Person:
		return add(&o.People, o.PersonByName, v.Name, v)
	case *Team:
		return add(&o.Teams, o.TeamByName, v.Name, v)
	case *Role:
		return add(&o.Roles, o.RoleByName, v.Name, v)
	case *System:
		return add(&o.Systems, o.SystemByName, v.Name, v)
	case *AccessRequest:
		return add(&o.Requests, o.RequestByPath, v.File, v)
	case *Control:
		return add(&o.Controls, o.ControlByName, v.Name, v)
	case *Test:
		return add(&o.Tests, o.TestByName, v.Name, v)
	case *Document:
		return add(&o.Documents, o.DocumentByName, v.Name, v)
	case *RiskScenario:
		return add(&o.RiskScenarios, o.RiskScenarioByName, v.Name, v)
	case *RiskTask:
		return add(&o.RiskTasks, o.RiskTaskByName, v.Name, v)
	case *Report:
		return add(&o.Reports, o.ReportByName, v.Name, v)
	case *AccessReview:
		return add(&o.AccessReviews, o.AccessReviewByName, v.Name, v)
	}
	return nil
}

func add[T Doc](list *[]T, byName map[string]T, name string, d T) Doc {
	if prev, ok := byName[name]; ok {
		return prev
	}
	byName[name] = d
	*list = append(*list, d)
	return nil
}

// Lookup returns the document of kind called name (a path for
// AccessRequest), or nil. Kind must be spelled canonically.
func (o *Org) Lookup(kind, name string) Doc {
	var d Doc
	var ok bool
	switch kind {
	case KindConfig:
		if o.Config != nil && o.Config.Name == name {
			return o.Config
		}
		return nil
	case KindPerson:
		d, ok = lookup(o.PersonByName, name)
	case KindTeam:
		d, ok = lookup(o.TeamByName, name)
	case KindRole:
		d, ok = lookup(o.RoleByName, name)
	case KindSystem:
		d, ok = lookup(o.SystemByName, name)
	case KindAccessRequest:
		d, ok = lookup(o.RequestByPath, name)
	case KindControl:
		d, ok = lookup(o.ControlByName, name)
	case KindTest:
		d, ok = lookup(o.TestByName, name)
	case KindDocument:
		d, ok = lookup(o.DocumentByName, name)
	case KindRiskScenario:
		d, ok = lookup(o.RiskScenarioByName, name)
	case KindRiskTask:
		d, ok = lookup(o.RiskTaskByName, name)
	case KindReport:
		d, ok = lookup(o.ReportByName, name)
	case KindAccessReview:
		d, ok = lookup(o.AccessReviewByName, name)
	}
	if !ok {
		return nil
	}
	return d
}

func lookup[T Doc](m map[string]T, name string) (Doc, bool) {
	v, ok := m[name]
	return v, ok
}

// Names returns the sorted names of the documents of kind, for
// suggestions in error messages.
func (o *Org) Names(kind string) []string {
	var names []string
	o.Each(func(d Doc) {
		if k, n := d.KindName(); k == kind {
			names = append(names, n)
		}
	})
	sort.Strings(names)
	return names
}

// Each calls fn for every document, kind by kind in the order of Kinds and
// in load order within a kind.
func (o *Org) Each(fn func(Doc)) {
	if o.Config != nil {
		fn(o.Config)
	}
	each(o.People, fn)
	each(o.Teams, fn)
	each(o.Roles, fn)
	each(o.Systems, fn)
	each(o.Requests, fn)
	each(o.Controls, fn)
	each(o.Tests, fn)
	each(o.Documents, fn)
	each(o.RiskScenarios, fn)
	each(o.RiskTasks, fn)
	each(o.Reports, fn)
	each(o.AccessReviews, fn)
}

func each[T Doc](list []T, fn func(Doc)) {
	for _, d := range list {
		fn(d)
	}
}

// Len returns the number of documents in the Org.
func (o *Org) Len() int {
	n := 0
	o.Each(func(Doc) { n++ })
	return n
}
