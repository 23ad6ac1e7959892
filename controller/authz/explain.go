package authz

import (
	"fmt"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Decision is an answer with its reasons.
type Decision struct {
	Person string `json:"person"`
	Action string `json:"action"`
	// Object is the object as gatehouse spells it: "Test/T-1".
	Object  string `json:"object"`
	Allowed bool   `json:"allowed"`
	// Reasons explain the answer, one chain of facts each. When Allowed,
	// every grant that applies is listed (permissions are additive); when
	// not, why each source of the right does not give it.
	Reasons []string `json:"reasons"`
}

// Explain answers like Check and says why. Its Allowed always equals
// Check's answer.
func (e *Engine) Explain(person, action, object string) (Decision, error) {
	p, bit, o, err := e.resolve(person, action, object)
	if err != nil {
		return Decision{}, err
	}
	return e.explain(p, bit, o), nil
}

// explainer collects the reasons of one decision.
type explainer struct {
	e       *Engine
	p       int32
	name    string
	action  string
	m       uint64
	o       objRef
	obj     string
	kt      *kindTable
	yes, no []string
}

func (x *explainer) grant(format string, args ...any) {
	x.yes = append(x.yes, fmt.Sprintf(format, args...))
}

func (x *explainer) deny(format string, args ...any) {
	x.no = append(x.no, fmt.Sprintf(format, args...))
}

func (e *Engine) explain(p int32, bit uint8, o objRef) Decision {
	kt := &tables.kinds[o.k]
	x := &explainer{e: e, p: p, name: e.personNames[p], action: kt.actions[bit], m: 1 << bit, o: o, obj: e.objectName(o), kt: kt}
	d := Decision{Person: x.name, Action: x.action, Object: x.obj}
	pp := &e.people[p]
	if !pp.active {
		d.Reasons = []string{fmt.Sprintf("%s is offboarded: offboarded people can do nothing", x.name)}
		return d
	}
	restricted := kt.restrictable && !o.isAny() && e.obj[o.k].restricted[o.idx]
	x.orgRole(restricted)
	x.trustRole(restricted)
	x.everyone()
	if !o.isAny() {
		x.systemLists()
		x.objectRole(restricted)
		x.parentOwner(restricted)
	}
	d.Allowed = len(x.yes) > 0
	if d.Allowed {
		d.Reasons = x.yes
	} else {
		d.Reasons = x.no
		if len(d.Reasons) == 0 {
			d.Reasons = []string{fmt.Sprintf("nothing grants %s on %s", x.action, x.obj)}
		}
	}
	if o.isAny() {
		d.Reasons = append(d.Reasons, anyObjectNote(o.k))
	}
	return d
}

// anyObjectNote says why only org-level rights decide on "Kind/*": it is
// no object in particular, so no object-level fact holds on it.
func anyObjectNote(k kind) string {
	kt := &tables.kinds[k]
	what := ""
	switch {
	case k == kSystem:
		what = ", one with no approvers or admins yet"
	case k == kPerson:
		what = ", no one in particular"
	case kt.objectRole == "owner" && kt.hasParent:
		what = fmt.Sprintf(", one that no one owns and no %s passes rights to yet", kt.parent)
	case kt.objectRole == "owner":
		what = ", one no one owns yet"
	case k == kAccessReview:
		what = ", one whose systems no one reviews yet"
	case kt.objectRole != "":
		what = fmt.Sprintf(", one no one is a %s of yet", kt.objectRole)
	}
	if kt.restrictable {
		what += ", taken as not restricted"
	}
	return fmt.Sprintf("only org-level rights count: %s/%s is any %s%s", k, anyName, k, what)
}

// objectName spells a resolved object.
func (e *Engine) objectName(o objRef) string {
	if o.isAny() {
		return fmt.Sprintf("%s/%s", o.k, anyName)
	}
	ob := &e.obj[o.k]
	if o.sub >= 0 {
		return fmt.Sprintf("%s/%s/%s", o.k, ob.names[o.idx], ob.reviews[o.idx].systems[o.sub])
	}
	return fmt.Sprintf("%s/%s", o.k, ob.names[o.idx])
}

// roleNoun is how explanations name a built-in role: singular with its
// article, and plural.
var roleNoun = [numBuiltins][2]string{
	bEmployee:      {"an employee", "employees"},
	bCollaborator:  {"a collaborator", "collaborators"},
	bEditor:        {"an editor", "editors"},
	bViewOnlyAdmin: {"a view-only admin", "view-only admins"},
	bAdmin:         {"an admin", "admins"},
}

func (x *explainer) orgRole(restricted bool) {
	r := &x.e.roles[x.e.people[x.p].role]
	base := tables.kinds[x.o.k].by[r.base.holder()]
	who := fmt.Sprintf("%s is %s", x.name, roleNoun[r.base][0])
	if r.def != nil {
		who = fmt.Sprintf("%s has role %s, which inherits %s", x.name, r.name, r.base.name())
	}
	plural := roleNoun[r.base][1]
	switch {
	case restricted && r.restricted&x.m != 0:
		x.grant("%s: %s may %s on every %s, restricted ones included", who, plural, x.action, x.o.k)
	case restricted && base&x.m != 0:
		x.deny("%s is restricted (admin-only): %s's rights do not reach it", x.obj, roleNoun[r.base][0])
	case base&x.m != 0:
		x.grant("%s: %s may %s on every %s", who, plural, x.action, x.o.k)
	case base == 0:
		x.deny("%s: the role itself grants nothing on %s", who, x.o.k.a())
	default:
		x.deny("%s: %s may not %s on %s", who, plural, x.action, x.o.k.a())
	}
	if r.def == nil {
		return
	}
	switch {
	case r.extra[x.o.k]&x.m == 0:
		if len(r.def.Permissions) > 0 {
			x.deny("role %s's permissions do not grant %s on %s", r.name, x.action, x.o.k.a())
		}
	case restricted:
		x.deny("%s is restricted (admin-only): role %s's permissions do not reach it", x.obj, r.name)
	default:
		x.grant("%s has role %s, whose permissions grant %s on every %s", x.name, r.name, x.action, x.o.k)
	}
}

// a returns the kind with its indefinite article: "a Test", "an
// AccessReview".
func (k kind) a() string {
	if strings.ContainsRune("AEIOU", rune(kindNames[k][0])) {
		return "an " + kindNames[k]
	}
	return "a " + kindNames[k]
}

func (b builtin) name() string { return model.BuiltinRoles[b] }

func (x *explainer) trustRole(restricted bool) {
	trustHolders := x.kt.by[hTrustCollaborator] | x.kt.by[hTrustAdmin]
	if trustHolders&x.m == 0 {
		return
	}
	t := x.e.people[x.p].trust
	switch {
	case t == noTrust:
		x.deny("%s holds no trust role (trust-collaborator or trust-admin)", x.name)
	case restricted && x.kt.restrictedKeep&(1<<t.holder()) == 0:
		x.deny("%s is restricted (admin-only): trust roles do not reach it", x.obj)
	case x.kt.by[t.holder()]&x.m != 0:
		x.grant("%s is a %s: the trust role may %s", x.name, holderNames[t.holder()], x.action)
	default:
		x.deny("%s is a %s: the trust role may not %s", x.name, holderNames[t.holder()], x.action)
	}
}

func (x *explainer) everyone() {
	if x.kt.by[hAnyActive]&x.m != 0 {
		x.grant("%s is active: every active person may %s on %s", x.name, x.action, x.o.k.a())
	}
	if x.kt.by[hSelf]&x.m != 0 {
		switch {
		case x.o.isAny():
			x.deny("%s is each person's own, on their own Person/<name>", x.action)
		case x.o.k == kPerson && x.o.idx == x.p:
			x.grant("%s is %s: everyone may %s for themselves", x.name, x.obj, x.action)
		default:
			x.deny("%s is not %s: only that person may %s", x.name, x.obj, x.action)
		}
	}
}

func (x *explainer) systemLists() {
	if x.o.k != kSystem || x.o.isAny() {
		return
	}
	sys := x.e.org.Systems[x.o.idx]
	ob := &x.e.obj[kSystem]
	lists := []struct {
		h       holder
		noun    string
		entries []string
		ids     []int32
	}{
		{hApprovers, "approver", sys.Approvers, ob.viewers[x.o.idx]},
		{hAdmins, "admin", sys.Admins, ob.admins[x.o.idx]},
	}
	for _, l := range lists {
		if x.kt.by[l.h]&x.m == 0 {
			continue
		}
		if !has(l.ids, x.p) {
			listed := "nobody"
			if len(l.entries) > 0 {
				listed = strings.Join(l.entries, ", ")
			}
			x.deny("%s is not an %s of %s (%ss: %s)", x.name, l.noun, x.obj, l.noun, listed)
			continue
		}
		via := x.e.listedVia(l.entries, x.name)
		if !x.e.people[x.p].objRoles {
			x.deny("%s is listed as an %s of %s (%s) but is %s: only collaborators and above count", x.name, l.noun, x.obj, via, roleNoun[x.e.roles[x.e.people[x.p].role].base][0])
			continue
		}
		x.grant("%s is an %s of %s (%s)", x.name, l.noun, x.obj, via)
	}
}

// listedVia says how name appears in an approver or admin list: directly
// or through which teams.
func (e *Engine) listedVia(entries []string, name string) string {
	var via []string
	for _, entry := range entries {
		if team, ok := model.TeamRef(entry); ok {
			if t := e.org.TeamByName[team]; t != nil && (contains(t.Members, name) || contains(t.Admins, name)) {
				role := "a member"
				if !contains(t.Members, name) {
					role = "an admin"
				}
				via = append(via, fmt.Sprintf("through %s, as %s", entry, role))
			}
			continue
		}
		if entry == name {
			via = append(via, "listed by name")
		}
	}
	return strings.Join(via, "; ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// objectRoleNoun names the object role of kind k on o: "owner of
// Test/T-1", "reviewer of system github in AccessReview/q1".
func (x *explainer) objectRoleOn() string {
	if x.o.k == kAccessReview {
		ob := &x.e.obj[kAccessReview]
		return fmt.Sprintf("reviewer of system %s in AccessReview/%s", ob.reviews[x.o.idx].systems[x.o.sub], ob.names[x.o.idx])
	}
	return fmt.Sprintf("%s of %s", x.kt.objectRole, x.obj)
}

func (x *explainer) objectRole(restricted bool) {
	if x.kt.objectRole == "" || x.o.isAny() {
		return
	}
	if x.o.k == kAccessReview && x.o.sub < 0 {
		if x.kt.by[hObjectRole]&x.m != 0 {
			x.deny("reviewers act on one system within %s (%s/<system>), not on the whole review", x.obj, x.obj)
		}
		return
	}
	holds := x.e.holdsObjectRole(x.p, x.o)
	pp := &x.e.people[x.p]
	switch {
	case !holds:
		if x.kt.by[hObjectRole]&x.m != 0 {
			x.deny("%s is not %s (%s)", x.name, x.objectRoleOn(), x.e.objectRoleHolders(x.o))
		}
	case !pp.objRoles:
		x.deny("%s is named %s but is %s: only collaborators and above hold object roles", x.name, x.objectRoleOn(), roleNoun[x.e.roles[pp.role].base][0])
	case x.kt.by[hObjectRole]&x.m == 0:
		x.deny("%s is %s: %s's %s may not %s", x.name, x.objectRoleOn(), x.o.k.a(), x.kt.objectRole, x.action)
	case restricted && x.kt.restrictedKeep&(1<<hObjectRole) == 0:
		x.deny("%s is restricted (admin-only): its %s's rights do not reach it", x.obj, x.kt.objectRole)
	default:
		x.grant("%s is %s: %s's %s may %s", x.name, x.objectRoleOn(), x.o.k.a(), x.kt.objectRole, x.action)
	}
}

// objectRoleHolders says who holds o's object role, for denials.
func (e *Engine) objectRoleHolders(o objRef) string {
	ob := &e.obj[o.k]
	kt := &tables.kinds[o.k]
	var ids []int32
	switch {
	case o.isAny():
	case ob.owner != nil:
		if ob.owner[o.idx] >= 0 {
			ids = []int32{ob.owner[o.idx]}
		}
	case o.k == kReport:
		ids = ob.viewers[o.idx]
	case o.k == kAccessReview && o.sub >= 0:
		ids = ob.reviews[o.idx].reviewers[o.sub]
	}
	if len(ids) == 0 {
		return fmt.Sprintf("it has no %s", kt.objectRole)
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = e.personNames[id]
	}
	label := kt.objectRole
	if len(ids) > 1 {
		label += "s"
	}
	return label + ": " + strings.Join(names, ", ")
}

func (x *explainer) parentOwner(restricted bool) {
	if !x.kt.hasParent || x.o.isAny() {
		return
	}
	inheritable := x.kt.by[hObjectRole] | x.kt.parentExtra
	parents := x.e.obj[x.o.k].parents[x.o.idx]
	pk := x.kt.parent
	owners := x.e.obj[pk].owner
	verb := "maps"
	if pk == kRiskScenario {
		verb = "has"
	}
	rights := x.kt.objectRole + " rights"
	if x.kt.parentExtra != 0 {
		rights += " plus " + strings.Join(maskActions(x.kt, x.kt.parentExtra), ", ")
	}
	var owned []string
	for _, par := range parents {
		if owners[par] == x.p {
			owned = append(owned, fmt.Sprintf("%s/%s", pk, x.e.obj[pk].names[par]))
		}
	}
	switch {
	case len(owned) == 0:
		if inheritable&x.m == 0 {
			return
		}
		if len(parents) == 0 {
			x.deny("%s belongs to no %s whose owner could pass rights down", x.obj, pk)
			return
		}
		x.deny("%s owns no %s that %s %s", x.name, pk, verb, x.obj)
	case !x.e.people[x.p].objRoles:
		x.deny("%s is named owner of %s but is %s: only collaborators and above hold object roles", x.name, strings.Join(owned, ", "), roleNoun[x.e.roles[x.e.people[x.p].role].base][0])
	case restricted:
		x.deny("%s is owner of %s, but %s is restricted (admin-only): rights do not flow into it", x.name, strings.Join(owned, ", "), x.obj)
	case inheritable&x.m == 0:
		x.deny("%s is owner of %s, which %s %s → %s, and %s is not among them", x.name, strings.Join(owned, ", "), verb, x.obj, rights, x.action)
	default:
		for _, par := range owned {
			x.grant("%s is owner of %s, which %s %s → %s", x.name, par, verb, x.obj, rights)
		}
	}
}

// maskActions lists the actions of a mask in table order.
func maskActions(kt *kindTable, m uint64) []string {
	var out []string
	for i, a := range kt.actions {
		if m&(1<<i) != 0 {
			out = append(out, a)
		}
	}
	return out
}
