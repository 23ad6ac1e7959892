package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Option changes how Generate builds an organisation.
type Option func(*options)

type options struct {
	now time.Time
}

// WithNow sets the time requests' expiry dates and objects' due dates are
// measured from. Validate the organisation at that time or up to a few
// hours later: a request expires at most its level's maxDuration, and at
// least half of it, after Now. Without this option Generate uses the
// current time to the minute.
func WithNow(now time.Time) Option {
	return func(o *options) { o.now = now }
}

// DocPos is the position Generate records for every document: the writers
// put the schema modeline on line 1 and the document's first key on line 2.
var DocPos = model.Pos{Line: 2, Column: 1}

// Generate builds a valid, realistic organisation of the given size. The
// same size, seed and Now give the same organisation. Every document's
// Meta.File is the path WriteDir writes it to. Negative counts are taken as
// zero and an organisation always has at least one person, its admin.
func Generate(size Size, seed int64, opts ...Option) *model.Org {
	o := options{now: time.Now().UTC().Truncate(time.Minute)}
	for _, opt := range opts {
		opt(&o)
	}
	size.People = max(size.People, 1)
	size.Teams = max(size.Teams, 0)
	size.Systems = max(size.Systems, 0)
	size.Requests = max(size.Requests, 0)
	size.Objects = max(size.Objects, 0)

	g := &gen{
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		now:    o.now.UTC(),
		size:   size,
		org:    model.NewOrg(),
		logins: map[string]bool{},
		emails: map[string]bool{},
	}
	g.orgName = orgNames[g.rng.IntN(len(orgNames))]
	g.roles()
	g.people()
	g.teams()
	g.config()
	g.systems()
	g.requests()
	g.objects()
	g.policies()
	return g.finish()
}

type gen struct {
	rng     *rand.Rand
	now     time.Time
	size    Size
	org     *model.Org
	orgName struct{ slug, name string }

	personList []*model.Person
	// staff are the active people holding collaborator or above through a
	// built-in role: the only people who approve, administer or own.
	staff []*model.Person
	// staffWeight makes a few staff members own and approve much more than
	// the rest, as in real organisations.
	staffWeight *weighted
	admins      []*model.Person
	// requesters are the active people: anyone active may ask for access.
	requesters []*model.Person

	teamList []*model.Team
	roleList []*model.Role
	sysList  []*model.System
	reqList  []*model.AccessRequest

	controls  []*model.Control
	tests     []*model.Test
	documents []*model.Document
	scenarios []*model.RiskScenario
	tasks     []*model.RiskTask
	reports   []*model.Report
	reviews   []*model.AccessReview

	logins, emails map[string]bool
}

func meta(file string) model.Meta { return model.Meta{File: file, Pos: DocPos} }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// pick returns a random element of list.
func pick[T any](g *gen, list []T) T { return list[g.rng.IntN(len(list))] }

// distinct returns k distinct indices below n in random order.
func (g *gen) distinct(n, k int) []int {
	k = min(k, n)
	if k <= 0 {
		return nil
	}
	if k*4 > n {
		return g.rng.Perm(n)[:k]
	}
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for len(out) < k {
		i := g.rng.IntN(n)
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

// lognormal returns a positive weight; a large sigma gives a few very heavy
// items and a long tail of light ones.
func (g *gen) lognormal(mu, sigma float64) float64 {
	return math.Exp(mu + sigma*g.rng.NormFloat64())
}

// weighted draws indices with probability proportional to their weight.
type weighted struct {
	cum []float64
}

func newWeighted(weights []float64) *weighted {
	w := &weighted{cum: make([]float64, len(weights))}
	total := 0.0
	for i, x := range weights {
		total += x
		w.cum[i] = total
	}
	return w
}

func (w *weighted) draw(rng *rand.Rand) int {
	if len(w.cum) == 0 {
		return -1
	}
	x := rng.Float64() * w.cum[len(w.cum)-1]
	return min(sort.SearchFloat64s(w.cum, x), len(w.cum)-1)
}

// staffMember returns a staff member, favouring the heavy ones.
func (g *gen) staffMember() *model.Person { return g.staff[g.staffWeight.draw(g.rng)] }

// staffNames returns k distinct staff members' names, favouring the heavy
// ones.
func (g *gen) staffNames(k int) []string {
	k = min(k, len(g.staff))
	seen := map[string]bool{}
	var out []string
	for tries := 0; len(out) < k && tries < 20*k; tries++ {
		p := g.staffMember()
		if !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p.Name)
		}
	}
	return out
}

var customRoles = []model.Role{
	{
		Name:        "risk-manager",
		Description: "Runs the risk register: assesses and approves risk scenarios across the organisation.",
		Inherits:    model.RoleEditor,
		Permissions: []string{"complete-assessment", "approve-assessment", "edit-category", "edit-metadata"},
	},
	{
		Name:        "auditor",
		Description: "External auditor: sees everything and exports evidence, changes nothing.",
		Inherits:    model.RoleViewOnlyAdmin,
		Permissions: []string{"export", "export-evidence", "download-results"},
	},
}

func (g *gen) roles() {
	for _, r := range customRoles {
		r.Meta = meta("roles/" + r.Name + ".yaml")
		r.Kind = model.KindRole
		r.Permissions = slices.Clone(r.Permissions)
		g.roleList = append(g.roleList, &r)
	}
}

func (g *gen) people() {
	n := g.size.People
	names := map[string]bool{}
	offboarded := 0
	if n >= 20 {
		offboarded = max(2, n/250)
	}
	offIdx := map[int]bool{}
	for _, i := range g.distinct(n-2, offboarded) {
		offIdx[i+2] = true // the first two people, the admins, stay
	}
	for i := range n {
		first, last := pick(g, firstNames), pick(g, lastNames)
		name := first + "-" + last
		for k := 2; names[name]; k++ {
			name = fmt.Sprintf("%s-%s-%d", first, last, k)
		}
		names[name] = true
		p := &model.Person{
			Meta:        meta("people/" + name + ".yaml"),
			Kind:        model.KindPerson,
			Name:        name,
			DisplayName: titleCase(first) + " " + titleCase(strings.ReplaceAll(last, "-", " ")),
			Email:       g.unique(g.emails, first+"."+last, "@"+g.orgName.slug+".example"),
			GitHub:      g.unique(g.logins, g.login(first, last), ""),
			Slack:       fmt.Sprintf("U%02d%s%05d", g.rng.IntN(10), strings.ToUpper(g.orgName.slug[:3]), i),
		}
		switch r := g.rng.Float64(); {
		case i < 2 || r < 0.01:
			p.Role = model.RoleAdmin
			if g.chance(0.5) {
				p.TrustRole = model.TrustAdmin
			}
		case r < 0.03:
			p.Role = model.RoleViewOnlyAdmin
		case r < 0.09:
			p.Role = model.RoleEditor
		case r < 0.45:
			p.Role = model.RoleCollaborator
			if g.chance(0.05) {
				p.TrustRole = model.TrustCollaborator
			}
		case r < 0.46:
			p.Role = pick(g, g.roleList).Name
		}
		if offIdx[i] {
			p.Status = model.StatusOffboarded
			p.Role, p.TrustRole = "", ""
		}
		// A manager is an active staff member who joined earlier, so
		// the reporting lines form a tree.
		if len(g.staff) > 0 {
			p.Manager = g.staff[g.rng.IntN(len(g.staff))].Name
		}
		g.personList = append(g.personList, p)
		if p.Active() {
			g.requesters = append(g.requesters, p)
			if holdsCollaborator(p.Role) {
				g.staff = append(g.staff, p)
			}
			if p.Role == model.RoleAdmin {
				g.admins = append(g.admins, p)
			}
		}
	}
	w := make([]float64, len(g.staff))
	for i := range w {
		w[i] = g.lognormal(0, 1)
	}
	g.staffWeight = newWeighted(w)
}

func holdsCollaborator(role string) bool {
	switch role {
	case model.RoleCollaborator, model.RoleEditor, model.RoleViewOnlyAdmin, model.RoleAdmin:
		return true
	}
	return false
}

func (g *gen) login(first, last string) string {
	switch g.rng.IntN(3) {
	case 0:
		return first[:1] + strings.ReplaceAll(last, "-", "")
	case 1:
		return first + "-" + last
	default:
		return first + strings.ReplaceAll(last, "-", "")[:min(3, len(strings.ReplaceAll(last, "-", "")))]
	}
}

// unique returns base+suffix, numbering base until the result is not in
// seen, and records it.
func (g *gen) unique(seen map[string]bool, base, suffix string) string {
	v := base + suffix
	for k := 2; seen[v]; k++ {
		v = fmt.Sprintf("%s%d%s", base, k, suffix)
	}
	seen[v] = true
	return v
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

func (g *gen) teams() {
	var names []string
	for _, a := range teamAreas {
		for _, s := range teamSuffixes {
			names = append(names, a+s)
		}
	}
	// Plain area names first, so small organisations get "payments" rather
	// than "payments-apac".
	order := g.rng.Perm(len(names))
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(min(a%len(teamSuffixes), 1), min(b%len(teamSuffixes), 1))
	})
	for i := range g.size.Teams {
		var name, area, suffix string
		if i < len(order) {
			name = names[order[i]]
			area, suffix = teamAreas[order[i]/len(teamSuffixes)], teamSuffixes[order[i]%len(teamSuffixes)]
		} else {
			j := order[i%len(order)]
			area, suffix = teamAreas[j/len(teamSuffixes)], teamSuffixes[j%len(teamSuffixes)]
			name = fmt.Sprintf("%s-%d", names[j], i/len(order)+1)
		}
		size := int(g.lognormal(2.0, 0.8))
		size = max(2, min(size, 80, len(g.staff)))
		members := make([]string, 0, size)
		for _, k := range g.distinct(len(g.staff), size) {
			members = append(members, g.staff[k].Name)
		}
		admins := members[:min(len(members), 1+g.rng.IntN(2))]
		g.teamList = append(g.teamList, &model.Team{
			Meta:        meta("teams/" + name + ".yaml"),
			Kind:        model.KindTeam,
			Name:        name,
			Description: fmt.Sprintf("The team that %s %s.", teamFunctions[suffix], strings.ReplaceAll(area, "-", " ")),
			Members:     members,
			Admins:      slices.Clone(admins),
		})
	}
}

// integration names used by the system templates.
const (
	intGitHub = "github"
	intSlack  = "slack"
	intSCIM   = "okta-scim"
)

var postgresIntegrations = []string{"pg-core", "pg-billing", "pg-analytics"}

func (g *gen) config() {
	slug := g.orgName.slug
	integrations := []model.Integration{
		{Name: intGitHub, Type: model.IntegrationGitHub, GitHub: &model.GitHubIntegration{Organization: slug}},
		{Name: intSlack, Type: model.IntegrationSlack, Slack: &model.SlackIntegration{Workspace: slug}},
		{Name: intSCIM, Type: model.IntegrationSCIM, Prune: true, SCIM: &model.SCIMIntegration{BaseURL: "https://" + slug + ".okta.example/scim/v2"}},
	}
	for _, name := range postgresIntegrations {
		integrations = append(integrations, model.Integration{
			Name: name, Type: model.IntegrationPostgres,
			Postgres: &model.PostgresIntegration{
				Host: strings.TrimPrefix(name, "pg-") + ".db." + slug + ".internal", Port: 5432,
				Database: "app", SSLMode: "verify-full",
			},
		})
	}
	owners := []string{g.admins[0].Name}
	if len(g.teamList) > 0 {
		owners = append(owners, model.TeamRefPrefix+g.teamList[0].Name)
	}
	g.org.Config = &model.Config{
		Meta:         meta("gatehouse.yaml"),
		Kind:         model.KindConfig,
		Name:         slug,
		Organization: g.orgName.name,
		GitHub:       &model.GitHubRepo{Repository: slug + "/access", DefaultBranch: "main"},
		Integrations: integrations,
		PolicyOwners: owners,
		Limits:       &model.Limits{MaxRevocations: 25, MaxRevocationPercent: 10},
	}
}

type levelTemplate struct {
	name, description, entitlement, maxDuration string
}

// systemTemplates give each kind of system its integration and levels,
// least privileged first.
var systemTemplates = map[string]struct {
	integrations []string
	levels       []levelTemplate
}{
	"github": {[]string{intGitHub}, []levelTemplate{
		{"read", "Clone and open issues.", "read", ""},
		{"write", "Push branches and merge approved pull requests.", "write", "365d"},
		{"maintain", "Manage issues, releases and settings short of admin.", "maintain", "90d"},
		{"admin", "Full control, including branch protection.", "admin", "7d"},
	}},
	"slack": {[]string{intSlack}, []levelTemplate{
		{"member", "A full member of the workspace.", "member", ""},
		{"guest", "A single-channel guest.", "single_channel_guest", "90d"},
		{"admin", "Workspace admin.", "admin", "30d"},
	}},
	"postgres": {postgresIntegrations, []levelTemplate{
		{"readonly", "SELECT on the application schemas.", "app_readonly", "90d"},
		{"readwrite", "Read and write application data.", "app_readwrite", "30d"},
		{"admin", "Owner of the application schemas.", "app_admin", "12h"},
	}},
	"aws": {nil, []levelTemplate{
		{"read-only", "View resources, no data access.", "ReadOnlyAccess", "180d"},
		{"power-user", "Everything but IAM.", "PowerUserAccess", "30d"},
		{"admin", "Break-glass administrator.", "AdministratorAccess", "1d"},
	}},
	"saas": {[]string{intSCIM}, []levelTemplate{
		{"user", "A standard seat.", "User", ""},
		{"admin", "Manages the application's settings and users.", "Admin", "30d"},
	}},
	"manual": {nil, []levelTemplate{
		{"viewer", "Read-only access.", "", "180d"},
		{"editor", "Change data and settings.", "", "30d"},
		{"admin", "Full control.", "", "7d"},
	}},
}

func (g *gen) systems() {
	type spec struct{ name, description, template string }
	var specs []spec
	for _, s := range wellKnownSystems {
		specs = append(specs, spec(s))
	}
	var composed []spec
	for _, a := range teamAreas {
		for _, c := range systemComponents {
			for _, e := range environments {
				composed = append(composed, spec{
					name:        a + "-" + c.name + "-" + e,
					description: fmt.Sprintf("The %s %s in %s.", strings.ReplaceAll(a, "-", " "), c.name, e),
					template:    c.template,
				})
			}
		}
	}
	for _, i := range g.rng.Perm(len(composed)) {
		specs = append(specs, composed[i])
	}
	for i := range g.size.Systems {
		sp := specs[i%len(specs)]
		if i >= len(specs) {
			sp.name = fmt.Sprintf("%s-%d", sp.name, i/len(specs)+1)
		}
		tmpl := systemTemplates[sp.template]
		s := &model.System{
			Meta:                     meta("systems/" + sp.name + ".yaml"),
			Kind:                     model.KindSystem,
			Name:                     sp.name,
			Description:              sp.description,
			Approvers:                g.refs(1+g.rng.IntN(3), 0.3),
			Admins:                   g.refs(1+g.rng.IntN(2), 0.2),
			RequireJustification:     g.chance(0.4),
			AllowFreeformPermissions: g.chance(0.15),
		}
		if len(tmpl.integrations) > 0 && (i < len(wellKnownSystems) || g.chance(0.7)) {
			s.Integration = pick(g, tmpl.integrations)
		}
		if i >= 5 && g.chance(0.03) {
			s.Requestable = new(false)
		}
		levels := tmpl.levels
		if i >= len(wellKnownSystems) && len(levels) > 2 && g.chance(0.3) {
			levels = levels[:len(levels)-1]
		}
		for _, l := range levels {
			lvl := model.AccessLevel{Name: l.name, Description: l.description, Entitlement: l.entitlement}
			if l.maxDuration != "" {
				d, err := model.ParseDuration(l.maxDuration)
				if err == nil {
					lvl.MaxDuration = &d
				}
			}
			s.AccessLevels = append(s.AccessLevels, lvl)
		}
		g.sysList = append(g.sysList, s)
	}
}

// refs returns k distinct approver or admin entries: staff members, and
// with probability teamShare per entry a team.
func (g *gen) refs(k int, teamShare float64) []string {
	seen := map[string]bool{}
	var out []string
	for tries := 0; len(out) < k && tries < 20*k; tries++ {
		var ref string
		if len(g.teamList) > 0 && g.chance(teamShare) {
			ref = model.TeamRefPrefix + pick(g, g.teamList).Name
		} else {
			ref = g.staffMember().Name
		}
		if !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	return out
}

func (g *gen) requests() {
	var systems []*model.System
	var sw []float64
	for _, s := range g.sysList {
		if s.IsRequestable() {
			systems = append(systems, s)
			sw = append(sw, g.lognormal(0, 1.4))
		}
	}
	if len(systems) == 0 || len(g.requesters) == 0 {
		return
	}
	pw := make([]float64, len(g.requesters))
	for i := range pw {
		pw[i] = g.lognormal(0, 0.9)
	}
	sysDraw, personDraw := newWeighted(sw), newWeighted(pw)
	counter := map[string]int{}
	for range g.size.Requests {
		s := systems[sysDraw.draw(g.rng)]
		p := g.requesters[personDraw.draw(g.rng)]
		lw := make([]float64, len(s.AccessLevels))
		for i := range lw {
			lw[i] = 1 / math.Pow(float64(i+1), 1.5)
		}
		lvl := &s.AccessLevels[newWeighted(lw).draw(g.rng)]
		key := s.Name + "/" + p.Name + "-" + lvl.Name
		counter[key]++
		r := &model.AccessRequest{
			Meta:   meta(fmt.Sprintf("access/%s-%d.yaml", key, counter[key])),
			Kind:   model.KindAccessRequest,
			Person: p.Name,
			System: s.Name,
			Level:  lvl.Name,
		}
		if s.RequireJustification || g.chance(0.3) {
			r.Justification = g.fill(pick(g, justifications))
		}
		if s.AllowFreeformPermissions && g.chance(0.6) {
			r.Permissions = g.fill(pick(g, freeformPermissions))
		}
		r.Expires = g.expiry(lvl)
		g.reqList = append(g.reqList, r)
	}
}

// fill completes a template with a team name or a ticket number.
func (g *gen) fill(tmpl string) string {
	switch {
	case strings.Contains(tmpl, "%s"):
		word := pick(g, teamAreas)
		if len(g.teamList) > 0 {
			word = pick(g, g.teamList).Name
		}
		return fmt.Sprintf(tmpl, word)
	case strings.Contains(tmpl, "%d"):
		return fmt.Sprintf(tmpl, 1000+g.rng.IntN(9000))
	}
	return tmpl
}

// expiry returns a request's expiry: between half the level's
// maximum duration and all of it from now, in whole hours where the
// maximum allows; requests for levels without a maximum mostly do not
// expire.
func (g *gen) expiry(lvl *model.AccessLevel) *time.Time {
	var t time.Time
	switch {
	case lvl.MaxDuration != nil:
		hours := int(lvl.MaxDuration.Duration / time.Hour)
		if hours < 1 {
			t = g.now.Add(lvl.MaxDuration.Duration)
			break
		}
		// At least half the maximum ahead, so that a repo
		// generated now still validates without expired requests hours
		// later.
		lo := max(1, hours/2)
		t = g.now.Add(time.Duration(lo+g.rng.IntN(hours-lo+1)) * time.Hour)
	case g.chance(0.25):
		t = g.now.Add(time.Duration(30+g.rng.IntN(336)) * 24 * time.Hour)
	default:
		return nil
	}
	return &t
}

// objectShares split Size.Objects between the object kinds.
var objectShares = []struct {
	kind  string
	share float64
}{
	{model.KindControl, 0.15}, {model.KindTest, 0.30}, {model.KindDocument, 0.25},
	{model.KindRiskScenario, 0.10}, {model.KindRiskTask, 0.15}, {model.KindReport, 0.03},
	{model.KindAccessReview, 0.02},
}

func (g *gen) objects() {
	counts := map[string]int{}
	left := g.size.Objects
	for _, s := range objectShares {
		n := min(left, int(math.Round(float64(g.size.Objects)*s.share)))
		counts[s.kind] = n
		left -= n
	}
	counts[model.KindTest] += left
	if len(g.sysList) == 0 {
		counts[model.KindControl] += counts[model.KindAccessReview]
		counts[model.KindAccessReview] = 0
	}
	if counts[model.KindRiskScenario] == 0 {
		counts[model.KindRiskScenario] = counts[model.KindRiskTask]
		counts[model.KindRiskTask] = 0
	}
	due := func(maxDays int) string {
		return g.now.AddDate(0, 0, 7+g.rng.IntN(maxDays)).Format(time.DateOnly)
	}
	for i := range counts[model.KindControl] {
		name := fmt.Sprintf("ctl-%04d", i+1)
		g.controls = append(g.controls, &model.Control{
			Meta: meta("objects/controls/" + name + ".yaml"), Kind: model.KindControl, Name: name,
			Title: pick(g, controlThemes), Owner: g.staffMember().Name,
		})
	}
	controlNames := func(k int) []string {
		var out []string
		for _, i := range g.distinct(len(g.controls), k) {
			out = append(out, g.controls[i].Name)
		}
		return out
	}
	for i := range counts[model.KindTest] {
		name := fmt.Sprintf("tst-%05d", i+1)
		g.tests = append(g.tests, &model.Test{
			Meta: meta("objects/tests/" + name + ".yaml"), Kind: model.KindTest, Name: name,
			Title: g.fillSystem(pick(g, testThemes)), Owner: g.staffMember().Name,
			Controls: controlNames(1 + g.rng.IntN(3)),
		})
	}
	for i := range counts[model.KindDocument] {
		name := fmt.Sprintf("doc-%05d", i+1)
		d := &model.Document{
			Meta: meta("objects/documents/" + name + ".yaml"), Kind: model.KindDocument, Name: name,
			Title: pick(g, documentThemes), Owner: g.staffMember().Name,
			Controls: controlNames(1 + g.rng.IntN(2)),
		}
		if g.chance(0.1) {
			// Restricted documents are admin-only, so an admin owns them.
			d.Restricted = true
			d.Owner = pick(g, g.admins).Name
		}
		if g.chance(0.6) {
			rec := pick(g, []string{"365d", "90d"})
			if v, err := model.ParseDuration(rec); err == nil {
				d.Recurrence = &v
			}
		}
		g.documents = append(g.documents, d)
	}
	for i := range counts[model.KindRiskScenario] {
		name := fmt.Sprintf("risk-%04d", i+1)
		t := pick(g, riskThemes)
		g.scenarios = append(g.scenarios, &model.RiskScenario{
			Meta: meta("objects/risks/" + name + ".yaml"), Kind: model.KindRiskScenario, Name: name,
			Title: t.title, Category: t.category, Owner: g.staffMember().Name,
		})
	}
	for i := range counts[model.KindRiskTask] {
		name := fmt.Sprintf("rtask-%05d", i+1)
		g.tasks = append(g.tasks, &model.RiskTask{
			Meta: meta("objects/risk-tasks/" + name + ".yaml"), Kind: model.KindRiskTask, Name: name,
			Title: pick(g, riskTaskThemes), Owner: g.staffMember().Name,
			RiskScenario: pick(g, g.scenarios).Name, Due: due(180),
		})
	}
	for i := range counts[model.KindReport] {
		name := fmt.Sprintf("rpt-%03d", i+1)
		t := pick(g, reportThemes)
		g.reports = append(g.reports, &model.Report{
			Meta: meta("objects/reports/" + name + ".yaml"), Kind: model.KindReport, Name: name,
			Title: t.title, Schedule: t.schedule, Viewers: g.staffNames(1 + g.rng.IntN(5)),
		})
	}
	for i := range counts[model.KindAccessReview] {
		name := fmt.Sprintf("review-%03d", i+1)
		r := &model.AccessReview{
			Meta: meta("objects/reviews/" + name + ".yaml"), Kind: model.KindAccessReview, Name: name,
			Title: fmt.Sprintf("Access review %d", i+1), Due: due(90),
		}
		for _, k := range g.distinct(len(g.sysList), 2+g.rng.IntN(7)) {
			r.Systems = append(r.Systems, model.ReviewSystem{System: g.sysList[k].Name, Reviewers: g.staffNames(1 + g.rng.IntN(2))})
		}
		g.reviews = append(g.reviews, r)
	}
}

func (g *gen) fillSystem(tmpl string) string {
	if len(g.sysList) == 0 {
		return fmt.Sprintf(tmpl, "every system")
	}
	return fmt.Sprintf(tmpl, pick(g, g.sysList).Name)
}

// finish sorts every kind by file, as the loader orders documents, and
// files them into the Org.
func (g *gen) finish() *model.Org {
	o := g.org
	addSorted(o, g.personList)
	addSorted(o, g.teamList)
	addSorted(o, g.roleList)
	addSorted(o, g.sysList)
	addSorted(o, g.reqList)
	addSorted(o, g.controls)
	addSorted(o, g.tests)
	addSorted(o, g.documents)
	addSorted(o, g.scenarios)
	addSorted(o, g.tasks)
	addSorted(o, g.reports)
	addSorted(o, g.reviews)
	return o
}

func addSorted[T model.Doc](o *model.Org, docs []T) {
	slices.SortFunc(docs, func(a, b T) int { return cmp.Compare(a.Source().File, b.Source().File) })
	for _, d := range docs {
		o.Add(d)
	}
}
