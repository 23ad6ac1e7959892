package validate

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Options tune a validation run.
type Options struct {
	// Now is the time expiry is judged against; the zero value means
	// time.Now().
	Now time.Time
}

// Org checks org and returns its findings, sorted. It never fails: a nil
// Org yields no findings, and every problem it sees is a finding.
func Org(org *model.Org, opts Options) model.Findings {
	if org == nil {
		return nil
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := newChecker(org, now)
	c.checkConfig()
	c.checkPeople()
	c.checkRoles()
	c.checkRolePermissions()
	c.checkTeams()
	c.checkPolicyOwners()
	c.checkSystems()
	c.checkRequests()
	c.checkObjects()
	c.checkManagers()
	c.checkPolicies()
	c.reportOffboardedUses()
	c.locate()
	c.out.Sort()
	return c.out
}

// batchLocator is a Locator that answers many questions in one pass, as
// the loader's does.
type batchLocator interface {
	LocateAll(locs []model.Location) []model.Pos
}

// locate gives the findings reported at a field path their positions,
// all at once when the Locator can, so that a repo with thousands of
// findings reads each file once.
func (c *checker) locate() {
	if len(c.pending) == 0 {
		return
	}
	locs := make([]model.Location, len(c.pending))
	for i, p := range c.pending {
		locs[i] = p.loc
	}
	var positions []model.Pos
	if b, ok := c.org.Locator.(batchLocator); ok {
		positions = b.LocateAll(locs)
	} else {
		positions = make([]model.Pos, len(locs))
		for i, l := range locs {
			positions[i] = c.org.Locator.Locate(l.File, l.Index, l.Path)
		}
	}
	for i, p := range c.pending {
		c.out[p.finding].Line, c.out[p.finding].Column = positions[i].Line, positions[i].Column
	}
	c.pending = nil
}

// RequestChecker checks access requests against an organisation without
// checking the organisation itself: how gatehouse judges the requests a
// pull request adds or changes against its base commit, at a cost
// proportional to the requests. Build one per organisation and reuse it;
// it is safe for concurrent use.
type RequestChecker struct {
	base *checker
}

// NewRequestChecker prepares checks of requests against org.
func NewRequestChecker(org *model.Org) *RequestChecker {
	return &RequestChecker{base: newChecker(org, time.Time{})}
}

// Check returns the findings of the request rules (unknown-person,
// missing-justification, unknown-level, expired, ...) on reqs, sorted. The
// requests need not belong to the organisation: findings point at each
// request's own document, not at its fields.
func (rc *RequestChecker) Check(reqs []*model.AccessRequest, opts Options) model.Findings {
	c := *rc.base
	c.now, c.out, c.suggestions, c.noLocate = opts.Now, nil, nil, true
	if c.now.IsZero() {
		c.now = time.Now()
	}
	for _, r := range reqs {
		c.checkRequest(r)
	}
	c.out.Sort()
	return c.out
}

// Role ranks: employee is 0, collaborator 1 and so on up to admin, in the
// order of model.BuiltinRoles; rankUnknown marks a role gatehouse does not
// know, already reported as unknown-role, so no other rule piles on.
const (
	rankUnknown      = -1
	rankCollaborator = 1
)

// checker holds one run's state: the Org, what it precomputes once (each
// person's effective role rank, each team's members that cannot act) and
// the findings so far.
type checker struct {
	org *model.Org
	now time.Time
	out model.Findings

	// person maps a name to its index in org.People.
	person map[string]int32
	// rank is the effective org-role rank of org.People[i].
	rank []int8
	// team maps a name to its index in org.Teams; teams[i] is what a
	// team: entry needs to know about it.
	team  map[string]int32
	teams []teamInfo
	// offUses collects, per offboarded person, what they still hold, for
	// one finding on their own file per rule.
	offUses map[int32]*offUse
	// integration maps a Config integration's name to its index.
	integration map[string]int
	// levelIndex maps level names to their first index for levelsOf, a
	// system with too many levels to scan.
	levelsOf   *model.System
	levelIndex map[string]int
	// suggestions caches "did you mean" answers; suggestBudget caps the
	// scans over large name sets so a repo full of typos stays linear.
	suggestions   map[string]string
	suggestBudget int
	// noLocate keeps findings at the document's own position, for
	// documents that are not in org's files.
	noLocate bool
	// pending are the findings whose field positions locate still has to
	// look up.
	pending []pendingLocation
}

// pendingLocation is a finding (an index into out) waiting for the
// position of a field.
type pendingLocation struct {
	finding int
	loc     model.Location
}

// teamInfo is a team expanded once per run.
type teamInfo struct {
	// eligible counts members who can act: active, collaborator or above,
	// with a github login.
	eligible int
	// low and off are the members below collaborator and the offboarded
	// members, as indexes into org.People; nil for a healthy team.
	low, off []int32
}

// offUse is what an offboarded person still holds, by rule id.
type offUse struct {
	byRule map[string]*ruleUse
}

// ruleUse is what an offboarded person still holds under one rule: the
// subjects ("github", "Test/T-1") and the teams they hold some through.
type ruleUse struct {
	subjects, teams []string
}

func newChecker(org *model.Org, now time.Time) *checker {
	c := &checker{
		org:           org,
		now:           now,
		person:        make(map[string]int32, len(org.People)),
		rank:          make([]int8, len(org.People)),
		team:          make(map[string]int32, len(org.Teams)),
		teams:         make([]teamInfo, len(org.Teams)),
		suggestBudget: 200,
	}
	for i, p := range org.People {
		c.person[p.Name] = int32(i)
		c.rank[i] = int8(c.roleRank(p.OrgRole()))
	}
	for i, t := range org.Teams {
		c.team[t.Name] = int32(i)
	}
	return c
}

// roleRank returns the rank of an org-level role, resolving a custom role
// to the built-in role it inherits.
func (c *checker) roleRank(role string) int {
	if r := builtinRank(role); r >= 0 {
		return r
	}
	if cr, ok := c.org.RoleByName[role]; ok && cr != nil {
		return builtinRank(cr.Inherits)
	}
	return rankUnknown
}

// builtinRank returns the rank of a built-in org-level role, or
// rankUnknown.
func builtinRank(role string) int {
	switch role {
	case model.RoleEmployee:
		return 0
	case model.RoleCollaborator:
		return 1
	case model.RoleEditor:
		return 2
	case model.RoleViewOnlyAdmin:
		return 3
	case model.RoleAdmin:
		return 4
	}
	return rankUnknown
}

// canAct reports whether person i may approve, provision or own: active,
// collaborator or above, and known on GitHub (S4).
func (c *checker) canAct(i int32) bool {
	p := c.org.People[i]
	return p.Active() && c.rank[i] >= rankCollaborator && p.GitHub != ""
}

// report adds a finding of rule on the document at the field path. Its
// position is the document's own until locate asks the Locator, when the
// Org has one.
func (c *checker) report(doc *model.Meta, at path, rule, format string, args ...any) {
	pos := doc.Pos
	if c.org.Locator != nil && !c.noLocate {
		c.pending = append(c.pending, pendingLocation{finding: len(c.out), loc: model.Location{File: doc.File, Index: doc.Index, Path: at.String()}})
	}
	c.out = append(c.out, model.Finding{
		Severity: severity[rule],
		File:     doc.File,
		Line:     pos.Line,
		Column:   pos.Column,
		Rule:     rule,
		Message:  fmt.Sprintf(format, args...),
	})
}

// reportAt adds a finding at an explicit position, for files that are not
// documents (Rego policies, a missing gatehouse.yaml).
func (c *checker) reportAt(file string, pos model.Pos, rule, message string) {
	c.out = append(c.out, model.Finding{
		Severity: severity[rule], File: file, Line: pos.Line, Column: pos.Column,
		Rule: rule, Message: message,
	})
}

// path is a field path, field[i].sub[j] with negative indexes absent,
// kept in parts so that a clean document builds no string: String runs
// only when a finding is reported.
type path struct {
	field string
	i     int
	sub   string
	j     int
}

// field returns the path of a top-level field, e.g. "owner".
func field(name string) path { return path{field: name, i: -1, j: -1} }

// item returns the path of an element of a list field, e.g. "approvers[1]".
func item(name string, i int) path { return path{field: name, i: i, j: -1} }

// dot returns the path of a field of p's element: "accessLevels[0].name".
func (p path) dot(sub string) path {
	p.sub = sub
	return p
}

// at returns the path of an element of p's sub-field:
// "systems[0].reviewers[2]".
func (p path) at(j int) path {
	p.j = j
	return p
}

// String returns the path as the Locator takes it.
func (p path) String() string {
	var b strings.Builder
	b.WriteString(p.field)
	if p.i >= 0 {
		b.WriteString("[" + strconv.Itoa(p.i) + "]")
	}
	if p.sub != "" {
		b.WriteString("." + p.sub)
	}
	if p.j >= 0 {
		b.WriteString("[" + strconv.Itoa(p.j) + "]")
	}
	return b.String()
}

// suggest returns the candidate closest to name, or "" when none is
// close. Answers are cached per kind and name, and at most suggestBudget
// distinct names are looked up, so suggestions stay cheap however many
// references are wrong.
func (c *checker) suggest(kind, name string, candidates iter.Seq[string]) string {
	key := kind + "\x00" + name
	if s, ok := c.suggestions[key]; ok {
		return s
	}
	if c.suggestBudget <= 0 {
		return ""
	}
	c.suggestBudget--
	best := closest(name, candidates)
	if c.suggestions == nil {
		c.suggestions = map[string]string{}
	}
	c.suggestions[key] = best
	return best
}

// orElse returns `did you mean "s"?` when s is a suggestion, otherwise
// the advice given.
func orElse(suggestion, advice string) string {
	if suggestion != "" {
		return fmt.Sprintf("did you mean %q?", suggestion)
	}
	return advice
}

// closest returns the candidate nearest to name in edit distance, if it is
// near enough to be a plausible typo; a case-insensitive match wins.
func closest(name string, candidates iter.Seq[string]) string {
	if name == "" {
		return ""
	}
	limit := max(2, len(name)/3)
	if len(name) <= 3 {
		limit = 1
	}
	best, bestD := "", limit+1
	lower := strings.ToLower(name)
	for cand := range candidates {
		if cand == name {
			continue
		}
		if strings.EqualFold(cand, name) {
			return cand
		}
		if d := len(cand) - len(name); d > limit || -d > limit {
			continue
		}
		if d := levenshtein.ComputeDistance(lower, strings.ToLower(cand)); d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

// names yields the names of docs, for suggestions.
func names[T model.Doc](docs []T) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, d := range docs {
			if _, n := d.KindName(); !yield(n) {
				return
			}
		}
	}
}

// strs yields the strings of a slice, for suggestions.
func strs(s []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// list joins names for a message, capped so that a person who owns
// thousands of objects still gets a readable line.
func list(items []string) string {
	const max = 10
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}

// orList formats choices as "a, b or c" for messages.
func orList(items []string) string {
	switch len(items) {
	case 0:
		return "none"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
