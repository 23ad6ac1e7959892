package reconcile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// ManualPrefix starts the target name of a system without an integration:
// its admins provision it by hand, one task list per system.
const ManualPrefix = "manual/"

// Key names one entitlement of one account on one target: a Config
// integration, or ManualPrefix plus a system without one.
type Key struct {
	Target      string `json:"target"`
	Account     string `json:"account"`
	Entitlement string `json:"entitlement"`
}

func (k Key) String() string { return k.Target + ": " + k.Account + " " + k.Entitlement }

// Grant is one entitlement the default branch asks for, with the requests
// that ask for it: an entitlement two requests grant stays until the last
// of them ends.
type Grant struct {
	Key
	System   string   `json:"system"`
	Person   string   `json:"person"`
	Requests []string `json:"requests"`
}

// Held is a request the default branch holds that gatehouse does not
// provision, and why.
type Held struct {
	Request string `json:"request"`
	Person  string `json:"person"`
	System  string `json:"system"`
	// State is the request's lifecycle state: unapproved-merge, expired,
	// or failed when its person has no account on the target.
	State  string `json:"state"`
	Reason string `json:"reason"`
}

// Lifecycle states of a request (DESIGN.md).
const (
	StatePendingProvisioning = "pending-provisioning"
	StateProvisioned         = "provisioned"
	StateFailed              = "failed"
	StateUnapprovedMerge     = "unapproved-merge"
	StateRevoked             = "revoked"
	StateExpired             = "expired"
)

// Accounts maps a person to their account on a target; the reconciler
// asks the target's integration.
type Accounts func(target string, p *model.Person) (string, error)

// DesiredInput is what the desired state is computed from.
type DesiredInput struct {
	Org *model.Org
	Now time.Time
	// Approved reports whether a request reached the default branch with
	// an approved decision (S13); nil approves everything, as for an
	// access repo on a local path with no pull requests.
	Approved func(request string) bool
	// Account names a person's account on a target.
	Account Accounts
	// Only, when set, limits the result to these requests (an incremental
	// run after a merge).
	Only map[string]bool
}

// Desired returns the grants the default branch asks for: its access
// requests whose person is active, whose expires has not passed and which
// were approved, keyed by target, account and entitlement; and the
// requests it holds back.
func Desired(in DesiredInput) (map[Key]*Grant, []Held) {
	grants := map[Key]*Grant{}
	var held []Held
	requests := in.Org.Requests
	if in.Only != nil {
		requests = nil
		for path := range in.Only {
			if r := in.Org.RequestByPath[path]; r != nil {
				requests = append(requests, r)
			}
		}
	}
	for _, r := range requests {
		person := in.Org.PersonByName[r.Person]
		sys := in.Org.SystemByName[r.System]
		hold := func(state, format string, args ...any) {
			held = append(held, Held{Request: r.File, Person: r.Person, System: r.System, State: state, Reason: fmt.Sprintf(format, args...)})
		}
		switch {
		case person == nil || sys == nil:
			hold(StateFailed, "the request names an unknown person or system; gatehouse validate says which")
			continue
		case !person.Active():
			continue // offboarded: nothing is granted, everything held is revoked (S12)
		case r.Expired(in.Now):
			hold(StateExpired, "expired on %s; gatehouse revokes its grant; remove the file", r.Expires.UTC().Format(time.DateOnly))
			continue
		case in.Approved != nil && !in.Approved(r.File):
			hold(StateUnapprovedMerge, "reached the default branch without an approved decision; an eligible approver can /approve it on its pull request, or remove the file")
			continue
		}
		target := Target(sys)
		account, err := in.Account(target, person)
		if errors.Is(err, ErrNotConfigured) {
			hold(StatePendingProvisioning, "waits for integration %s, which is not configured", target)
			continue
		}
		if err != nil {
			hold(StateFailed, "%v", err)
			continue
		}
		k := Key{Target: target, Account: account, Entitlement: Entitlement(sys, r.Level)}
		g := grants[k]
		if g == nil {
			g = &Grant{Key: k, System: sys.Name, Person: person.Name}
			grants[k] = g
		}
		g.Requests = append(g.Requests, r.File)
	}
	for _, g := range grants {
		slices.Sort(g.Requests)
	}
	slices.SortFunc(held, func(a, b Held) int { return strings.Compare(a.Request, b.Request) })
	return grants, held
}

// Target names where a system's access is provisioned: its integration,
// or its own manual task list.
func Target(s *model.System) string {
	if s.Integration != "" {
		return s.Integration
	}
	return ManualPrefix + s.Name
}

// Entitlement is what a level of a system grants on its target: the
// level's entitlement, else the level's name, else "access" for a system
// without levels.
func Entitlement(s *model.System, level string) string {
	if l := s.Level(level); l != nil && l.Entitlement != "" {
		return l.Entitlement
	}
	if level != "" {
		return level
	}
	return "access"
}

// Scope lists, per target, the entitlements the organisation's systems
// map to: what each integration's List must report.
func Scope(org *model.Org) map[string][]string {
	out := map[string][]string{}
	for _, s := range org.Systems {
		t := Target(s)
		if len(s.AccessLevels) == 0 {
			out[t] = append(out[t], Entitlement(s, ""))
		}
		for _, l := range s.AccessLevels {
			out[t] = append(out[t], Entitlement(s, l.Name))
		}
	}
	for t, l := range out {
		slices.Sort(l)
		out[t] = slices.Compact(l)
	}
	return out
}
