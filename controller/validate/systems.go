package validate

import (
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// checkConfig checks gatehouse.yaml's integrations and indexes them for
// the systems that name them. Policy owners are checked after the teams
// are expanded, in checkPolicyOwners.
func (c *checker) checkConfig() {
	cfg := c.org.Config
	if cfg == nil {
		c.reportAt("gatehouse.yaml", model.Pos{}, ruleMissingConfig,
			"the repo has no Config, so only org admins can approve policy changes; add gatehouse.yaml with kind: Config and policyOwners")
		return
	}
	doc := &cfg.Meta
	c.integration = make(map[string]int, len(cfg.Integrations))
	for i := range cfg.Integrations {
		in := &cfg.Integrations[i]
		if j, ok := c.integration[in.Name]; ok {
			c.report(doc, item("integrations", i).dot("name"), ruleDupIntegration,
				"integration name %q is already used by integrations[%d]; rename one", in.Name, j)
		} else {
			c.integration[in.Name] = i
		}
		c.checkIntegrationSettings(doc, i, in)
	}
}

// integrationTypes lists the integration types gatehouse provisions.
var integrationTypes = []string{model.IntegrationGitHub, model.IntegrationPostgres, model.IntegrationSlack, model.IntegrationSCIM}

// checkIntegrationSettings checks that exactly the settings block of an
// integration's type is present.
func (c *checker) checkIntegrationSettings(doc *model.Meta, i int, in *model.Integration) {
	path := item("integrations", i)
	blocks := []struct {
		typ string
		set bool
	}{
		{model.IntegrationGitHub, in.GitHub != nil},
		{model.IntegrationPostgres, in.Postgres != nil},
		{model.IntegrationSlack, in.Slack != nil},
		{model.IntegrationSCIM, in.SCIM != nil},
	}
	known := false
	for _, b := range blocks {
		switch {
		case b.typ == in.Type && !b.set:
			c.report(doc, path, ruleIntegrationBlock, "integration %q has type %s but no %s settings; add a %s: block", in.Name, in.Type, b.typ, b.typ)
		case b.typ != in.Type && b.set:
			c.report(doc, path.dot(b.typ), ruleIntegrationBlock, "integration %q has type %s but %s settings; remove the %s: block or change the type", in.Name, in.Type, b.typ, b.typ)
		}
		known = known || b.typ == in.Type
	}
	if !known {
		c.report(doc, path.dot("type"), ruleIntegrationBlock, "integration %q has unknown type %q; use %s", in.Name, in.Type, orList(integrationTypes))
	}
}

// checkPolicyOwners checks the Config's policy owners (S7: they approve
// every change to policies/ and gatehouse.yaml).
func (c *checker) checkPolicyOwners() {
	cfg := c.org.Config
	if cfg == nil {
		return
	}
	eligible := 0
	subj := subject{name: cfg.File}
	for i, o := range cfg.PolicyOwners {
		if c.checkRef(&cfg.Meta, item("policyOwners", i), o, usePolicyOwner, subj) {
			eligible++
		}
	}
	if eligible == 0 {
		c.report(&cfg.Meta, field("policyOwners"), ruleNoPolicyOwner,
			"no policy owner can approve changes to policies/ or %s, so only org admins can; add an active collaborator or above with a github login to policyOwners", cfg.File)
	}
}

// checkSystems checks each system's integration, access levels, approvers
// and admins.
func (c *checker) checkSystems() {
	for _, s := range c.org.Systems {
		doc := &s.Meta
		if s.Integration != "" {
			c.checkIntegrationRef(s)
		}
		for i := range s.AccessLevels {
			l := &s.AccessLevels[i]
			if j := c.earlierLevel(s, i); j >= 0 {
				c.report(doc, item("accessLevels", i).dot("name"), ruleDupLevel,
					"access level %q is already declared as accessLevels[%d]; rename or remove one", l.Name, j)
			}
			if s.Integration != "" && l.Entitlement == "" {
				c.report(doc, item("accessLevels", i).dot("entitlement"), ruleMissingEntit,
					"access level %q of %s has no entitlement, so integration %s cannot map it; set entitlement to the role the integration reports",
					l.Name, s.Name, s.Integration)
			}
		}
		subj := subject{name: s.Name}
		approvers, admins := 0, 0
		for i, a := range s.Approvers {
			if c.checkRef(doc, item("approvers", i), a, useApprover, subj) {
				approvers++
			}
		}
		for i, a := range s.Admins {
			if c.checkRef(doc, item("admins", i), a, useAdmin, subj) {
				admins++
			}
		}
		if !s.IsRequestable() {
			continue
		}
		switch {
		case len(s.Approvers) == 0:
			c.report(doc, field("approvers"), ruleNoApprover, "%s is requestable but has no approvers; add an approver (collaborator or above) or set requestable: false", s.Name)
		case approvers == 0:
			c.report(doc, field("approvers"), ruleNoApprover, "no approver of %s can approve (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above", s.Name)
		}
		switch {
		case len(s.Admins) == 0:
			c.report(doc, field("admins"), ruleNoAdmin, "%s is requestable but has no admins; add an admin (collaborator or above) to provision access or set requestable: false", s.Name)
		case admins == 0:
			c.report(doc, field("admins"), ruleNoAdmin, "no admin of %s can provision (each is unknown, offboarded, below collaborator or without a github login); add an active collaborator or above", s.Name)
		}
	}
}

// earlierLevel returns the index of an access level of s declared before
// level i under the same name, or -1. Systems have a handful of levels, so
// a scan is cheapest; a system with very many gets a map built once.
func (c *checker) earlierLevel(s *model.System, i int) int {
	const scanMax = 16
	levels := s.AccessLevels
	if len(levels) <= scanMax {
		for j := range i {
			if levels[j].Name == levels[i].Name {
				return j
			}
		}
		return -1
	}
	if c.levelsOf != s {
		c.levelsOf = s
		c.levelIndex = make(map[string]int, len(levels))
		for j := len(levels) - 1; j >= 0; j-- {
			c.levelIndex[levels[j].Name] = j
		}
	}
	if j := c.levelIndex[levels[i].Name]; j < i {
		return j
	}
	return -1
}

// checkIntegrationRef checks that a system's integration is declared in
// the Config.
func (c *checker) checkIntegrationRef(s *model.System) {
	cfg := c.org.Config
	if cfg == nil {
		c.report(&s.Meta, field("integration"), ruleUnknownIntegration,
			"integration %q is not declared because the repo has no Config; add it to gatehouse.yaml or remove the field to provision by hand", s.Integration)
		return
	}
	if _, ok := c.integration[s.Integration]; ok {
		return
	}
	declared := make([]string, 0, len(cfg.Integrations))
	for _, in := range cfg.Integrations {
		declared = append(declared, in.Name)
	}
	advice := "declared: " + strings.Join(declared, ", ")
	if len(declared) == 0 {
		advice = "gatehouse.yaml declares no integrations; add one or remove the field to provision by hand"
	}
	if sug := c.suggest("integration", s.Integration, strs(declared)); sug != "" {
		advice = orElse(sug, "") + " " + advice
	}
	c.report(&s.Meta, field("integration"), ruleUnknownIntegration, "integration %q is not declared in %s; %s", s.Integration, cfg.File, advice)
}

// checkRequests checks every access request against its person and
// system. It is the hot loop: a clean request allocates nothing.
func (c *checker) checkRequests() {
	for _, r := range c.org.Requests {
		c.checkRequest(r)
	}
}

func (c *checker) checkRequest(r *model.AccessRequest) {
	doc := &r.Meta
	if pi, ok := c.person[r.Person]; !ok || r.Person == "" {
		c.report(doc, field("person"), ruleUnknownPerson, "person %q is not a person; %s", r.Person,
			orElse(c.suggest(model.KindPerson, r.Person, names(c.org.People)), "name the Person the access is for"))
	} else if !c.org.People[pi].Active() {
		c.report(doc, field("person"), ruleOffRequester, "%s is offboarded; gatehouse revokes this grant; remove the file", r.Person)
	}
	s, ok := c.org.SystemByName[r.System]
	if !ok || s == nil || r.System == "" {
		c.report(doc, field("system"), ruleUnknownSystem, "system %q is not a system; %s", r.System,
			orElse(c.suggest(model.KindSystem, r.System, names(c.org.Systems)), "name a System in systems/"))
		return
	}
	if !s.IsRequestable() {
		c.report(doc, field("system"), ruleNotRequestable, "%s is not requestable; remove this request or set requestable: true on the system", s.Name)
		return
	}
	if s.RequireJustification && strings.TrimSpace(r.Justification) == "" {
		c.report(doc, field("justification"), ruleMissingJust, "%s requires a justification; add justification: why you need this access", s.Name)
	}
	if r.Permissions != "" && !s.AllowFreeformPermissions {
		if len(s.AccessLevels) > 0 {
			c.report(doc, field("permissions"), ruleFreeform, "%s does not take freeform permissions; remove permissions and choose a level: %s", s.Name, levelNames(s))
		} else {
			c.report(doc, field("permissions"), ruleFreeform, "%s does not take freeform permissions; remove permissions", s.Name)
		}
	}
	var level *model.AccessLevel
	switch {
	case len(s.AccessLevels) == 0:
		if r.Level != "" {
			c.report(doc, field("level"), ruleUnexpectedLevel, "%s has no access levels; remove level %q", s.Name, r.Level)
		}
	case r.Level == "":
		c.report(doc, field("level"), ruleMissingLevel, "%s has access levels; set level to one of: %s", s.Name, levelNames(s))
	default:
		if level = s.Level(r.Level); level == nil {
			msg := "levels: " + levelNames(s)
			if sug := c.suggest("level\x00"+s.Name, r.Level, levelSeq(s)); sug != "" {
				msg = orElse(sug, "") + " " + msg
			}
			c.report(doc, field("level"), ruleUnknownLevel, "unknown level %q for system %s; %s", r.Level, s.Name, msg)
		}
	}
	c.checkExpiry(r, s, level)
}

// checkExpiry checks a request's expiry against now and its level's
// maxDuration. An expired request is only a warning: time passing must
// never turn the default branch red by itself.
func (c *checker) checkExpiry(r *model.AccessRequest, s *model.System, level *model.AccessLevel) {
	doc := &r.Meta
	if r.Expired(c.now) {
		c.report(doc, field("expires"), ruleExpired, "expired on %s; gatehouse revokes its grant; remove the file", r.Expires.UTC().Format(time.DateOnly))
		return
	}
	if level == nil || level.MaxDuration == nil || level.MaxDuration.Duration <= 0 {
		return
	}
	max := level.MaxDuration.Duration
	latest := func() string { return c.now.Add(max).UTC().Truncate(time.Second).Format(time.RFC3339) }
	switch {
	case r.Expires == nil:
		c.report(doc, field("expires"), ruleMissingExpiry, "level %s of %s lasts at most %s; set expires no later than %s",
			level.Name, s.Name, durText(level.MaxDuration), latest())
	case r.Expires.Sub(c.now) > max:
		c.report(doc, field("expires"), ruleExpiresTooLong, "expires %s is more than %s from now, the most level %s of %s allows; set expires no later than %s",
			r.Expires.UTC().Format(time.RFC3339), durText(level.MaxDuration), level.Name, s.Name, latest())
	}
}

// levelNames lists a system's access levels for messages.
func levelNames(s *model.System) string {
	var b strings.Builder
	for i := range s.AccessLevels {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.AccessLevels[i].Name)
	}
	return b.String()
}

// levelSeq yields a system's access level names, for suggestions.
func levelSeq(s *model.System) func(func(string) bool) {
	return func(yield func(string) bool) {
		for i := range s.AccessLevels {
			if !yield(s.AccessLevels[i].Name) {
				return
			}
		}
	}
}

// durText returns a duration as written, or as Go prints it when it was
// built in memory without its text.
func durText(d *model.Duration) string {
	if d.Text != "" {
		return d.Text
	}
	return d.Duration.String()
}
