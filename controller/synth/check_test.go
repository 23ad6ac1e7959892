package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// problems checks the rules validation enforces, independently of the
// validate package, and returns one line per broken rule.
func problems(org *model.Org, now time.Time) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	staff := func(where, name string) {
		p := org.PersonByName[name]
		switch {
		case p == nil:
			bad("%s: unknown person %q", where, name)
		case !p.Active():
			bad("%s: %s is offboarded", where, name)
		case !holdsCollaborator(p.Role):
			bad("%s: %s holds %q, below collaborator", where, name, p.OrgRole())
		case p.GitHub == "":
			bad("%s: %s has no github login", where, name)
		}
	}
	staffOrTeam := func(where, ref string) {
		if team, ok := model.TeamRef(ref); ok {
			if org.TeamByName[team] == nil {
				bad("%s: unknown team %q", where, team)
			}
			return
		}
		staff(where, ref)
	}

	if org.Config == nil {
		bad("no Config")
	} else {
		if len(org.Config.PolicyOwners) == 0 {
			bad("Config: no policy owners")
		}
		for _, o := range org.Config.PolicyOwners {
			staffOrTeam("Config policyOwners", o)
		}
	}
	integrations := map[string]bool{}
	if org.Config != nil {
		for _, in := range org.Config.Integrations {
			integrations[in.Name] = true
		}
	}

	seen := map[string]map[string]string{"github": {}, "email": {}, "slack": {}}
	unique := func(field, value, who string) {
		v := strings.ToLower(value)
		if v == "" {
			return
		}
		if prev, ok := seen[field][v]; ok {
			bad("%s %q shared by %s and %s", field, value, prev, who)
		}
		seen[field][v] = who
	}
	for _, p := range org.People {
		unique("github", p.GitHub, p.Name)
		unique("email", p.Email, p.Name)
		unique("slack", p.Slack, p.Name)
		if r := p.OrgRole(); !holdsCollaborator(r) && r != model.RoleEmployee && org.RoleByName[r] == nil {
			bad("person %s: unknown role %q", p.Name, r)
		}
		if p.Manager != "" {
			m := org.PersonByName[p.Manager]
			if m == nil || !m.Active() {
				bad("person %s: manager %q is unknown or offboarded", p.Name, p.Manager)
			}
		}
		// Walking up the reporting line must end.
		cur, steps := p, 0
		for cur != nil && cur.Manager != "" && steps <= len(org.People) {
			cur, steps = org.PersonByName[cur.Manager], steps+1
		}
		if steps > len(org.People) {
			bad("person %s: managers form a cycle", p.Name)
		}
	}
	for _, t := range org.Teams {
		for _, m := range t.Members {
			staff("team "+t.Name+" members", m)
		}
		for _, a := range t.Admins {
			staff("team "+t.Name+" admins", a)
		}
	}
	for _, s := range org.Systems {
		if s.Integration != "" && !integrations[s.Integration] {
			bad("system %s: unknown integration %q", s.Name, s.Integration)
		}
		if s.IsRequestable() && (len(s.Approvers) == 0 || len(s.Admins) == 0) {
			bad("system %s: needs approvers and admins", s.Name)
		}
		for _, a := range s.Approvers {
			staffOrTeam("system "+s.Name+" approvers", a)
		}
		for _, a := range s.Admins {
			staffOrTeam("system "+s.Name+" admins", a)
		}
		levels := map[string]bool{}
		for _, l := range s.AccessLevels {
			if levels[l.Name] {
				bad("system %s: duplicate level %s", s.Name, l.Name)
			}
			levels[l.Name] = true
			if s.Integration != "" && l.Entitlement == "" {
				bad("system %s: level %s has no entitlement", s.Name, l.Name)
			}
		}
	}
	for _, r := range org.Requests {
		where := "request " + r.File
		if p := org.PersonByName[r.Person]; p == nil || !p.Active() {
			bad("%s: person %q is unknown or offboarded", where, r.Person)
		}
		s := org.SystemByName[r.System]
		if s == nil {
			bad("%s: unknown system %q", where, r.System)
			continue
		}
		if !s.IsRequestable() {
			bad("%s: system %s is not requestable", where, s.Name)
		}
		if s.RequireJustification && r.Justification == "" {
			bad("%s: missing justification", where)
		}
		if r.Permissions != "" && !s.AllowFreeformPermissions {
			bad("%s: freeform permissions not allowed", where)
		}
		l := s.Level(r.Level)
		if l == nil {
			bad("%s: unknown level %q", where, r.Level)
			continue
		}
		if r.Expires != nil && !r.Expires.After(now) {
			bad("%s: expired", where)
		}
		if l.MaxDuration != nil {
			if r.Expires == nil {
				bad("%s: no expires although level %s has maxDuration", where, l.Name)
			} else if r.Expires.After(now.Add(l.MaxDuration.Duration)) {
				bad("%s: expires %s later than %s from now", where, r.Expires, l.MaxDuration)
			}
		}
	}
	for _, c := range org.Controls {
		staff("control "+c.Name, c.Owner)
	}
	for _, t := range org.Tests {
		staff("test "+t.Name, t.Owner)
		for _, c := range t.Controls {
			if org.ControlByName[c] == nil {
				bad("test %s: unknown control %q", t.Name, c)
			}
		}
	}
	for _, d := range org.Documents {
		staff("document "+d.Name, d.Owner)
		if d.Restricted && org.PersonByName[d.Owner].OrgRole() != model.RoleAdmin {
			bad("document %s: restricted but owned by a non-admin", d.Name)
		}
		for _, c := range d.Controls {
			if org.ControlByName[c] == nil {
				bad("document %s: unknown control %q", d.Name, c)
			}
		}
	}
	for _, r := range org.RiskScenarios {
		staff("risk scenario "+r.Name, r.Owner)
	}
	for _, r := range org.RiskTasks {
		staff("risk task "+r.Name, r.Owner)
		if org.RiskScenarioByName[r.RiskScenario] == nil {
			bad("risk task %s: unknown risk scenario %q", r.Name, r.RiskScenario)
		}
	}
	for _, r := range org.Reports {
		for _, v := range r.Viewers {
			staff("report "+r.Name+" viewers", v)
		}
	}
	for _, r := range org.AccessReviews {
		if len(r.Systems) == 0 {
			bad("access review %s: no systems", r.Name)
		}
		for _, s := range r.Systems {
			if org.SystemByName[s.System] == nil {
				bad("access review %s: unknown system %q", r.Name, s.System)
			}
			for _, v := range s.Reviewers {
				staff("access review "+r.Name+" reviewers", v)
			}
		}
	}
	return out
}
