package authz

import (
	"fmt"
	"slices"
	"strings"
)

// objRef is a resolved object: a kind, the object's index among the
// documents of its kind (anyObject for "Kind/*") and, for a system within
// an access review, the system's index within the review (-1 otherwise).
type objRef struct {
	k   kind
	idx int32
	sub int32
}

// anyObject is the idx of "Kind/*": any object of the kind, one that no
// one holds an object-level role on yet, such as a document a pull
// request adds.
const anyObject int32 = -1

// anyName is the name part of "Kind/*". No document can be named so: the
// schemas' name patterns start with a letter or a digit.
const anyName = "*"

// isAny reports whether o is "Kind/*".
func (o objRef) isAny() bool { return o.idx == anyObject }

// Can reports whether person may do action on object ("Kind/name", kind
// in any case: "Test/T-1", "riskscenario/R-1", "AccessReview/q1/github"
// for one system within an access review, "Control/*" for any Control).
// On "Kind/*" only grants that do not depend on a particular object
// count: the org-level role and its permissions, trust roles and what
// every active person may do. Unknown names are a "no"; use Check to tell
// them apart. Can does not allocate.
func (e *Engine) Can(person, action, object string) bool {
	p, ok := e.personByName[person]
	if !ok {
		return false
	}
	o, ok := e.lookupObject(object)
	if !ok {
		return false
	}
	bit, ok := tables.kinds[o.k].index[action]
	if !ok {
		return false
	}
	return e.can(p, bit, o)
}

// Check is Can that reports an unknown person, action or object as a
// *NameError wrapping ErrUnknownPerson, ErrUnknownAction or
// ErrUnknownObject, with the closest valid name.
func (e *Engine) Check(person, action, object string) (bool, error) {
	p, bit, o, err := e.resolve(person, action, object)
	if err != nil {
		return false, err
	}
	return e.can(p, bit, o), nil
}

// can is the decision itself, on resolved ids. It must agree with explain.
func (e *Engine) can(p int32, bit uint8, o objRef) bool {
	pp := &e.people[p]
	if !pp.active {
		return false
	}
	m := uint64(1) << bit
	kt := &tables.kinds[o.k]
	ob := &e.obj[o.k]
	r := &e.roles[pp.role]

	keep, orgMask := ^uint32(0), r.mask[o.k]
	restricted := kt.restrictable && !o.isAny() && ob.restricted[o.idx]
	if restricted {
		keep, orgMask = kt.restrictedKeep, r.restricted
	}
	if orgMask&m != 0 {
		return true
	}
	if pp.trust != noTrust {
		h := pp.trust.holder()
		if keep&(1<<h) != 0 && kt.by[h]&m != 0 {
			return true
		}
	}
	if kt.by[hAnyActive]&m != 0 && keep&(1<<hAnyActive) != 0 {
		return true
	}
	if o.isAny() {
		// Everything below is held on a particular object.
		return false
	}
	if kt.by[hSelf]&m != 0 && o.k == kPerson && o.idx == p {
		return true
	}
	if !pp.objRoles {
		return false
	}
	if kt.by[hApprovers]&m != 0 && o.k == kSystem && has(ob.viewers[o.idx], p) {
		return true
	}
	if kt.by[hAdmins]&m != 0 && o.k == kSystem && has(ob.admins[o.idx], p) {
		return true
	}
	if kt.by[hObjectRole]&m != 0 && keep&(1<<hObjectRole) != 0 && e.holdsObjectRole(p, o) {
		return true
	}
	if kt.hasParent && !restricted && (kt.by[hObjectRole]|kt.parentExtra)&m != 0 {
		owners := e.obj[kt.parent].owner
		for _, par := range ob.parents[o.idx] {
			if owners[par] == p {
				return true
			}
		}
	}
	return false
}

// holdsObjectRole reports whether p holds the object-level role of o's
// kind on o itself (ignoring whether p's org role allows object roles).
func (e *Engine) holdsObjectRole(p int32, o objRef) bool {
	if o.isAny() {
		return false
	}
	ob := &e.obj[o.k]
	switch {
	case ob.owner != nil:
		return ob.owner[o.idx] == p
	case o.k == kReport:
		return has(ob.viewers[o.idx], p)
	case o.k == kAccessReview:
		return o.sub >= 0 && has(ob.reviews[o.idx].reviewers[o.sub], p)
	}
	return false
}

func has(sorted []int32, p int32) bool {
	_, ok := slices.BinarySearch(sorted, p)
	return ok
}

// lookupObject resolves "Kind/name" and "Kind/*" without allocating.
func (e *Engine) lookupObject(ref string) (objRef, bool) {
	kindPart, name, ok := strings.Cut(ref, "/")
	if !ok {
		return objRef{}, false
	}
	k, ok := kindOf(kindPart)
	if !ok {
		return objRef{}, false
	}
	if name == anyName {
		return objRef{k: k, idx: anyObject, sub: -1}, true
	}
	sub := int32(-1)
	var system string
	if k == kAccessReview {
		name, system, ok = strings.Cut(name, "/")
	}
	idx, found := e.obj[k].byName[name]
	if !found {
		return objRef{}, false
	}
	if ok && k == kAccessReview {
		sub = int32(slices.Index(e.obj[k].reviews[idx].systems, system))
		if sub < 0 {
			return objRef{}, false
		}
	}
	return objRef{k: k, idx: idx, sub: sub}, true
}

// resolve turns names into ids, or returns a *NameError.
func (e *Engine) resolve(person, action, object string) (int32, uint8, objRef, error) {
	p, ok := e.personByName[person]
	if !ok {
		return 0, 0, objRef{}, &NameError{
			Err: ErrUnknownPerson, Name: person,
			Detail:     fmt.Sprintf("unknown person %q: no Person has that name", person),
			Suggestion: closest(person, e.personNames),
		}
	}
	o, err := e.resolveObject(object)
	if err != nil {
		return 0, 0, objRef{}, err
	}
	bit, err := actionBit(o.k, action)
	if err != nil {
		return 0, 0, objRef{}, err
	}
	return p, bit, o, nil
}

func actionBit(k kind, action string) (uint8, error) {
	kt := &tables.kinds[k]
	if bit, ok := kt.index[action]; ok {
		return bit, nil
	}
	return 0, &NameError{
		Err: ErrUnknownAction, Name: action,
		Detail:     fmt.Sprintf("unknown action %q for a %s: its actions are %s", action, k, strings.Join(kt.actions, ", ")),
		Suggestion: closest(action, kt.actions),
	}
}

// resolveObject resolves "Kind/name", or returns a *NameError that says
// what is wrong and suggests the closest name.
func (e *Engine) resolveObject(ref string) (objRef, error) {
	if o, ok := e.lookupObject(ref); ok {
		return o, nil
	}
	unknown := func(detail, suggestion string) error {
		return &NameError{Err: ErrUnknownObject, Name: ref, Detail: detail, Suggestion: suggestion}
	}
	kindPart, name, ok := strings.Cut(ref, "/")
	if !ok {
		return objRef{}, unknown(fmt.Sprintf("object %q must be written Kind/name or Kind/* (any object of the kind), e.g. Test/T-1, System/github or Control/*", ref), "")
	}
	k, ok := kindOf(kindPart)
	if !ok {
		detail := fmt.Sprintf("unknown kind %q in %q: kinds with actions are %s", kindPart, ref, strings.Join(kindNames[:], ", "))
		if strings.EqualFold(kindPart, "AccessRequest") {
			detail = fmt.Sprintf("an AccessRequest has no actions of its own in %q: ask about its system, e.g. approve-request on System/<name>", ref)
			return objRef{}, unknown(detail, "")
		}
		return objRef{}, unknown(detail, closest(kindPart, kindNames[:])+"/"+name)
	}
	ob := &e.obj[k]
	if k == kAccessReview {
		review, system, sub := strings.Cut(name, "/")
		if review == anyName && sub {
			return objRef{}, unknown(fmt.Sprintf("%s/* is any access review as a whole, with no systems of its own: a system within one is %s/<review>/<system>", k, k), "")
		}
		if idx, found := ob.byName[review]; found && sub {
			systems := ob.reviews[idx].systems
			return objRef{}, unknown(fmt.Sprintf("AccessReview %s does not review system %q", review, system),
				fmt.Sprintf("%s/%s/%s", k, review, closest(system, systems)))
		}
		name = review
	}
	if strings.Contains(name, anyName) {
		return objRef{}, unknown(fmt.Sprintf("no %s is called %q: names have no wildcards; %s/* alone stands for any %s", k, name, k, k), "")
	}
	if len(ob.names) == 0 {
		return objRef{}, unknown(fmt.Sprintf("no %s is called %q: the repo has no %s documents (%s/* asks about any %s)", k, name, k, k, k), "")
	}
	return objRef{}, unknown(fmt.Sprintf("no %s is called %q", k, name), fmt.Sprintf("%s/%s", k, closest(name, ob.names)))
}

// Kinds returns the kinds that carry actions, in format v1's spelling.
func Kinds() []string { return slices.Clone(kindNames[:]) }

// Actions returns the action ids of kind (any case), in the order of
// DESIGN.md's table, or nil for a kind without actions.
func Actions(kind string) []string {
	k, ok := kindOf(kind)
	if !ok || tablesErr != nil {
		return nil
	}
	return slices.Clone(tables.kinds[k].actions)
}
