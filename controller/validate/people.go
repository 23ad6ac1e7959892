package validate

import (
	"slices"
	"strings"
	"unicode"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// use describes a field that names people, and what holding it takes.
type use struct {
	noun   string // "approver"
	plural string // "approvers"
	// offRule is the rule for an offboarded holder.
	offRule string
	// offFix says what to do about an offboarded holder.
	offFix string
	// lowFix says what to do about a holder below collaborator.
	lowFix string
	// teams allows team:<name> entries.
	teams bool
	// github warns when a direct holder has no github login (S4: their
	// reviews could never count).
	github bool
	// aggregate reports offboarded holders once more on their own Person
	// file, listing every subject they still hold.
	aggregate bool
}

var (
	useApprover = &use{noun: "approver", plural: "approvers", offRule: ruleOffApprover,
		offFix: "reassign their approvals to an active collaborator", lowFix: "choose another approver",
		teams: true, github: true, aggregate: true}
	useAdmin = &use{noun: "admin", plural: "system admins", offRule: ruleOffAdmin,
		offFix: "reassign provisioning to an active collaborator", lowFix: "choose another admin",
		teams: true, github: true, aggregate: true}
	usePolicyOwner = &use{noun: "policy owner", plural: "policy owners", offRule: ruleOffPolicyOwner,
		offFix: "choose an active policy owner", lowFix: "choose another policy owner",
		teams: true, github: true, aggregate: true}
	useOwner = &use{noun: "owner", plural: "owners", offRule: ruleOffOwner,
		offFix: "assign an active collaborator", lowFix: "choose another owner", aggregate: true}
	useReviewer = &use{noun: "reviewer", plural: "reviewers", offRule: ruleOffReviewer,
		offFix: "assign an active collaborator", lowFix: "choose another reviewer", aggregate: true}
	useViewer = &use{noun: "viewer", plural: "viewers", offRule: ruleOffViewer,
		offFix: "remove them", lowFix: "remove them", aggregate: true}
	useMember = &use{noun: "member", plural: "team members", offRule: ruleOffMember,
		offFix: "remove them from the team", lowFix: "remove them from the team"}
	useTeamAdmin = &use{noun: "team admin", plural: "team admins", offRule: ruleOffMember,
		offFix: "remove them from the team's admins", lowFix: "remove them from the team's admins"}
)

// subject is what a reference is about ("github", "Test/T-1", "github in
// AccessReview/q3"), kept in parts so that a clean reference builds no
// string.
type subject struct{ kind, name, inKind, inName string }

func (s subject) String() string {
	out := s.name
	if s.kind != "" {
		out = s.kind + "/" + s.name
	}
	if s.inName != "" {
		out += " in " + s.inKind + "/" + s.inName
	}
	return out
}

// checkRef checks one entry of a field that names people (or teams, where
// u allows them) and reports whether it names someone who can act.
func (c *checker) checkRef(doc *model.Meta, at path, entry string, u *use, subj subject) bool {
	if entry == "" || entry == model.TeamRefPrefix {
		what := "a person"
		if u.teams {
			what = "a person or a team:<name>"
		}
		c.report(doc, at, ruleUnknownPerson, "%s %q is empty; name %s or remove the entry", u.noun, entry, what)
		return false
	}
	if tn, ok := model.TeamRef(entry); ok {
		if !u.teams {
			c.report(doc, at, ruleUnknownPerson, "%s %q must name a person; %s cannot be teams", u.noun, entry, u.plural)
			return false
		}
		ti, ok := c.team[tn]
		if !ok {
			c.report(doc, at, ruleUnknownTeam, "%s %q names no team; %s", u.noun, entry,
				orElse(c.suggest(model.KindTeam, tn, names(c.org.Teams)), "add a Team named "+tn+" or fix the name"))
			return false
		}
		info := &c.teams[ti]
		for _, m := range info.low {
			p := c.org.People[m]
			c.report(doc, at, ruleRoleTooLow, "%s %q includes %s, who has role %s; %s need collaborator or above: give %s the collaborator role or remove them from team %s",
				u.noun, entry, p.Name, c.roleText(p), u.plural, p.Name, tn)
		}
		for _, m := range info.off {
			p := c.org.People[m]
			c.report(doc, at, u.offRule, "%s %q includes %s, who is offboarded; remove %s from team %s", u.noun, entry, p.Name, p.Name, tn)
			if u.aggregate {
				c.noteOffboarded(m, u.offRule, subj, tn)
			}
		}
		return info.eligible > 0
	}
	pi, ok := c.person[entry]
	if !ok {
		c.report(doc, at, ruleUnknownPerson, "%s %q is not a person; %s", u.noun, entry,
			orElse(c.suggest(model.KindPerson, entry, names(c.org.People)), "add a Person named "+entry+" or fix the name"))
		return false
	}
	p := c.org.People[pi]
	if r := c.rank[pi]; r != rankUnknown && r < rankCollaborator {
		c.report(doc, at, ruleRoleTooLow, "%s %q has role %s; %s need collaborator or above: give %s the collaborator role or %s",
			u.noun, entry, c.roleText(p), u.plural, p.Name, u.lowFix)
	}
	if !p.Active() {
		c.report(doc, at, u.offRule, "%s %q is offboarded; %s", u.noun, entry, u.offFix)
		if u.aggregate {
			c.noteOffboarded(pi, u.offRule, subj, "")
		}
	} else if u.github && p.GitHub == "" {
		c.report(doc, at, ruleNoGitHub, "%s %q has no github login, so gatehouse cannot count their reviews; set github in their Person file", u.noun, entry)
	}
	return c.canAct(pi)
}

// roleText names a person's role for messages: "employee", or
// "intern (inherits employee)" for a custom role.
func (c *checker) roleText(p *model.Person) string {
	role := p.OrgRole()
	if builtinRank(role) != rankUnknown {
		return role
	}
	if r, ok := c.org.RoleByName[role]; ok && r != nil {
		return role + " (inherits " + r.Inherits + ")"
	}
	return role
}

// noteOffboarded records that offboarded person i still holds subj under
// rule, through team when team is not empty.
func (c *checker) noteOffboarded(i int32, rule string, subj subject, team string) {
	if c.offUses == nil {
		c.offUses = map[int32]*offUse{}
	}
	u := c.offUses[i]
	if u == nil {
		u = &offUse{byRule: map[string]*ruleUse{}}
		c.offUses[i] = u
	}
	ru := u.byRule[rule]
	if ru == nil {
		ru = &ruleUse{}
		u.byRule[rule] = ru
	}
	ru.subjects = append(ru.subjects, subj.String())
	if team != "" {
		ru.teams = append(ru.teams, team)
	}
}

// offTemplates phrase what an offboarded person still holds, per rule.
var offTemplates = map[string]string{
	ruleOffApprover:    "still approves",
	ruleOffAdmin:       "is still an admin of",
	ruleOffPolicyOwner: "is still a policy owner in",
	ruleOffOwner:       "still owns",
	ruleOffReviewer:    "still reviews",
	ruleOffViewer:      "still views",
}

// reportOffboardedUses reports, on each offboarded person's own file, one
// finding per rule listing everything they still hold, so that offboarding
// someone shows at once what to reassign (seed 000).
func (c *checker) reportOffboardedUses() {
	for i, p := range c.org.People {
		u := c.offUses[int32(i)]
		if u == nil {
			continue
		}
		for _, r := range rules {
			ru := u.byRule[r.ID]
			if ru == nil {
				continue
			}
			subjects := sortedSet(ru.subjects)
			teams := sortedSet(ru.teams)
			fix := "reassign them"
			if len(teams) > 0 {
				fix += " and remove them from team " + strings.Join(teams, ", ")
			}
			c.report(&p.Meta, field("status"), r.ID, "%s is offboarded but %s %s; %s", p.Name, offTemplates[r.ID], list(subjects), fix)
		}
	}
}

// checkPeople checks each person's roles, manager reference and that
// logins and addresses are unique.
func (c *checker) checkPeople() {
	people := c.org.People
	github := make(map[string]int32, len(people))
	email := make(map[string]int32, len(people))
	slack := make(map[string]int32, len(people))
	githubKeys := foldedKeys(people, func(p *model.Person) string { return p.GitHub })
	emailKeys := foldedKeys(people, func(p *model.Person) string { return p.Email })
	slackKeys := foldedKeys(people, func(p *model.Person) string { return p.Slack })
	for i, p := range people {
		doc := &p.Meta
		c.checkPersonRole(p)
		if p.TrustRole != "" && p.TrustRole != model.TrustCollaborator && p.TrustRole != model.TrustAdmin {
			c.report(doc, field("trustRole"), ruleUnknownRole, "trustRole %q is not a trust role; use %s or %s", p.TrustRole, model.TrustCollaborator, model.TrustAdmin)
		}
		c.unique(github, int32(i), githubKeys[i], p.GitHub, "github", ruleDupGitHub, "github login")
		c.unique(email, int32(i), emailKeys[i], p.Email, "email", ruleDupEmail, "email")
		c.unique(slack, int32(i), slackKeys[i], p.Slack, "slack", ruleDupSlack, "slack id")
		switch m := p.Manager; {
		case m == "":
		case m == p.Name:
			c.report(doc, field("manager"), ruleManagerCycle, "%s is their own manager; set manager to someone else or remove it", p.Name)
		default:
			mi, ok := c.person[m]
			if !ok {
				c.report(doc, field("manager"), ruleUnknownPerson, "manager %q is not a person; %s", m,
					orElse(c.suggest(model.KindPerson, m, names(c.org.People)), "add a Person named "+m+" or fix the name"))
			} else if p.Active() && !c.org.People[mi].Active() {
				c.report(doc, field("manager"), ruleOffManager, "manager %q is offboarded; set %s's manager to an active person", m, p.Name)
			}
		}
	}
}

// unique reports person i when the folded key of value already belongs to
// an earlier person.
func (c *checker) unique(seen map[string]int32, i int32, key, value, name, rule, what string) {
	if value == "" {
		return
	}
	if j, ok := seen[key]; ok {
		other := c.org.People[j]
		c.report(&c.org.People[i].Meta, field(name), rule, "%s %q is also %s's (%s); each person needs their own %s",
			what, value, other.Name, other.File, what)
		return
	}
	seen[key] = i
}

// foldedKeys returns the lower-case form of each person's value, all
// sharing one allocation, so that comparing thousands of logins
// case-insensitively allocates nothing per person.
func foldedKeys(people []*model.Person, value func(*model.Person) string) []string {
	total := 0
	for _, p := range people {
		total += len(value(p))
	}
	var b strings.Builder
	b.Grow(total)
	ends := make([]int, len(people))
	for i, p := range people {
		for _, r := range value(p) {
			b.WriteRune(unicode.ToLower(r))
		}
		ends[i] = b.Len()
	}
	all := b.String()
	keys := make([]string, len(people))
	start := 0
	for i, end := range ends {
		keys[i] = all[start:end]
		start = end
	}
	return keys
}

// checkPersonRole checks a person's org-level role.
func (c *checker) checkPersonRole(p *model.Person) {
	role := p.Role
	if role == "" || builtinRank(role) != rankUnknown {
		return
	}
	if role == model.TrustCollaborator || role == model.TrustAdmin {
		c.report(&p.Meta, field("role"), ruleUnknownRole, "role %q is a trust role; set it as trustRole and choose an org-level role: %s",
			role, orList(model.BuiltinRoles))
		return
	}
	if r, ok := c.org.RoleByName[role]; ok && r != nil {
		return
	}
	c.report(&p.Meta, field("role"), ruleUnknownRole, "role %q is neither a built-in nor a custom role; %s", role,
		orElse(c.suggest(model.KindRole, role, c.roleNames()), "use "+orList(model.BuiltinRoles)+" or define a Role named "+role))
}

// roleNames yields built-in and custom role names.
func (c *checker) roleNames() func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, r := range model.BuiltinRoles {
			if !yield(r) {
				return
			}
		}
		for _, r := range c.org.Roles {
			if !yield(r.Name) {
				return
			}
		}
	}
}

// checkRoles checks custom roles: no shadowing of built-in or trust roles,
// and inherits naming a built-in role.
func (c *checker) checkRoles() {
	for _, r := range c.org.Roles {
		doc := &r.Meta
		switch {
		case builtinRank(r.Name) != rankUnknown:
			c.report(doc, field("name"), ruleShadowsBuiltin, "custom role %q has the name of the built-in role %s; rename it", r.Name, r.Name)
		case r.Name == model.TrustCollaborator || r.Name == model.TrustAdmin:
			c.report(doc, field("name"), ruleShadowsBuiltin, "custom role %q has the name of the trust role %s; rename it", r.Name, r.Name)
		}
		switch {
		case builtinRank(r.Inherits) != rankUnknown:
		case r.Inherits == "":
			c.report(doc, field("inherits"), ruleUnknownRole, "role %s inherits no role; set inherits to %s", r.Name, orList(model.BuiltinRoles))
		default:
			c.report(doc, field("inherits"), ruleUnknownRole, "inherits %q is not a built-in role; %s", r.Inherits,
				orElse(c.suggest("builtin-role", r.Inherits, strs(model.BuiltinRoles)), "use "+orList(model.BuiltinRoles)))
		}
	}
}

// checkRolePermissions reports the permissions of custom roles that the
// permission engine cannot grant. The engine owns the action ids, so it
// owns this check; inherits is checked by checkRoles.
func (c *checker) checkRolePermissions() {
	for _, f := range authz.RoleFindings(c.org) {
		if f.Rule == ruleRolePermission {
			c.out = append(c.out, f)
		}
	}
}

// checkTeams checks members and admins and expands each team once for
// the team: entries that name it. A team: entry stands for the team's
// members and its admins alike, as in authz.
func (c *checker) checkTeams() {
	for ti, t := range c.org.Teams {
		doc := &t.Meta
		subj := subject{kind: model.KindTeam, name: t.Name}
		info := &c.teams[ti]
		expand := func(list string, names []string, u *use) {
			for i, m := range names {
				if c.checkRef(doc, item(list, i), m, u, subj) {
					info.eligible++
				}
				pi, ok := c.person[m]
				if !ok || slices.Contains(info.low, pi) || slices.Contains(info.off, pi) {
					continue
				}
				if r := c.rank[pi]; r != rankUnknown && r < rankCollaborator {
					info.low = append(info.low, pi)
				}
				if !c.org.People[pi].Active() {
					info.off = append(info.off, pi)
				}
			}
		}
		expand("members", t.Members, useMember)
		expand("admins", t.Admins, useTeamAdmin)
	}
}

// checkManagers reports manager cycles longer than one (a self-manager is
// reported by checkPeople), once per cycle, on the member whose name sorts
// first. Each person has at most one manager, so one walk per person with
// colouring finds every cycle in linear time.
func (c *checker) checkManagers() {
	const (
		unseen = iota
		onPath
		done
	)
	people := c.org.People
	state := make([]uint8, len(people))
	var path []int32
	for start := range people {
		path = path[:0]
		i := int32(start)
		for state[i] == unseen {
			state[i] = onPath
			path = append(path, i)
			m, ok := c.person[people[i].Manager]
			if !ok || m == i {
				break
			}
			i = m
		}
		if state[i] == onPath && len(path) > 0 {
			if at := slices.Index(path, i); at >= 0 && len(path)-at > 1 {
				c.reportCycle(path[at:])
			}
		}
		for _, j := range path {
			state[j] = done
		}
	}
}

// reportCycle reports one manager cycle, given in manager order.
func (c *checker) reportCycle(cycle []int32) {
	people := c.org.People
	first := 0
	for k, i := range cycle {
		if people[i].Name < people[cycle[first]].Name {
			first = k
		}
	}
	chain := make([]string, 0, len(cycle)+1)
	for k := range cycle {
		chain = append(chain, people[cycle[(first+k)%len(cycle)]].Name)
	}
	chain = append(chain, chain[0])
	p := people[cycle[first]]
	c.report(&p.Meta, field("manager"), ruleManagerCycle, "managers form a cycle: %s; change one of these managers", strings.Join(chain, " → "))
}

// sortedSet sorts s and drops repeats.
func sortedSet(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
