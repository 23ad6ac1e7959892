package reconcile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Operations of an Action.
const (
	OpGrant  = "grant"
	OpRevoke = "revoke"
)

// Default safety caps (S8) when the access repo's Config sets none.
const (
	DefaultMaxRevocations       = 10
	DefaultMaxRevocationPercent = 20
)

// Action is one change to one target.
type Action struct {
	Op string `json:"op"`
	Key
	System   string   `json:"system,omitempty"`
	Person   string   `json:"person,omitempty"`
	Requests []string `json:"requests,omitempty"`
	// Reason says why, in words: "access/github/alice.yaml",
	// "alice is offboarded", "drift (prune: true)".
	Reason string `json:"reason"`
	// Task marks an action a person does: a system without an integration
	// (or one that cannot do it itself) gets a task for its admins.
	Task bool `json:"task,omitempty"`
}

// Observed is what a target holds as the reconciler sees it.
type Observed struct {
	// Listed reports whether Accounts came from the target itself; when
	// false the target cannot list, and Managed stands in for it.
	Listed   bool
	Accounts []Account
	// Managed holds what gatehouse granted there and has not revoked.
	Managed map[Key]bool
	// Err is why the target could not be read (not configured, list
	// failed); its changes wait.
	Err error
}

// TargetPlan is the plan of one target.
type TargetPlan struct {
	Target  string   `json:"target"`
	Actions []Action `json:"actions"`
	// Adopt lists desired entitlements the target already has but
	// gatehouse has not recorded as its own: recorded, nothing done.
	Adopt []Key `json:"adopt,omitempty"`
	// Drift lists what the target holds that no request grants and
	// gatehouse did not grant: reported, revoked only with prune: true.
	Drift []Key `json:"drift,omitempty"`
	// Blocked says why the revocations were held back (S8), or why the
	// target was not planned at all.
	Blocked string `json:"blocked,omitempty"`
	Err     string `json:"error,omitempty"`
}

// Plan is what one reconcile run will do.
type Plan struct {
	Targets []TargetPlan `json:"targets"`
	Held    []Held       `json:"held"`

	desired map[Key]*Grant
	only    map[string]bool // the requests an incremental run is about
}

// PlanInput is what a plan is computed from.
type PlanInput struct {
	Org     *model.Org
	Desired map[Key]*Grant
	Held    []Held
	// Observed maps each target to what it holds.
	Observed map[string]Observed
	// Tasks reports whether a target's changes are done by hand.
	Tasks func(target string) bool
	// Account names a person's account on a target, to say whose access
	// a revocation ends.
	Account Accounts
	// People, when set, are the only people whose accounts the plan
	// revokes (an incremental run); nil means everyone.
	People []*model.Person
	// AllowRevocations overrides the safety cap once for up to this many
	// revocations per target (gatehouse reconcile --allow-revocations).
	AllowRevocations int
}

// MakePlan diffs desired against observed, target by target.
func MakePlan(in PlanInput) *Plan {
	byTarget := map[string][]*Grant{}
	for _, g := range in.Desired {
		byTarget[g.Target] = append(byTarget[g.Target], g)
	}
	targets := map[string]bool{}
	for t := range byTarget {
		targets[t] = true
	}
	for t := range in.Observed {
		targets[t] = true
	}
	p := &Plan{Held: in.Held, desired: in.Desired}
	if p.Held == nil {
		p.Held = []Held{}
	}
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for t := range targets {
			if !yield(t) {
				return
			}
		}
	}) {
		p.Targets = append(p.Targets, planTarget(in, t, byTarget[t]))
	}
	if p.Targets == nil {
		p.Targets = []TargetPlan{}
	}
	return p
}

func planTarget(in PlanInput, target string, desired []*Grant) TargetPlan {
	tp := TargetPlan{Target: target, Actions: []Action{}}
	obs, ok := in.Observed[target]
	if !ok || obs.Err != nil {
		if obs.Err != nil {
			tp.Err = obs.Err.Error()
		} else {
			tp.Err = "not observed"
		}
		return tp
	}
	present := map[Key]bool{}
	if obs.Listed {
		for _, a := range obs.Accounts {
			for _, e := range a.Entitlements {
				present[Key{Target: target, Account: a.ID, Entitlement: e}] = true
			}
		}
	} else {
		for k := range obs.Managed {
			present[k] = true
		}
	}
	task := in.Tasks != nil && in.Tasks(target)
	want := map[Key]bool{}
	for _, g := range desired {
		want[g.Key] = true
		switch {
		case !present[g.Key]:
			tp.Actions = append(tp.Actions, Action{Op: OpGrant, Key: g.Key, System: g.System, Person: g.Person,
				Requests: g.Requests, Reason: strings.Join(g.Requests, ", "), Task: task})
		case !obs.Managed[g.Key]:
			tp.Adopt = append(tp.Adopt, g.Key)
		}
	}
	var revokes []Action
	for k := range obs.Managed {
		if !want[k] {
			revokes = append(revokes, Action{Op: OpRevoke, Key: k, Task: task, Reason: "no request grants it any more"})
		}
	}
	if obs.Listed {
		prune := false
		if it := integrationOf(in.Org, target); it != nil {
			prune = it.Prune
		}
		for k := range present {
			if want[k] || obs.Managed[k] {
				continue
			}
			tp.Drift = append(tp.Drift, k)
			if prune {
				revokes = append(revokes, Action{Op: OpRevoke, Key: k, Task: task, Reason: "drift: no request grants it (prune: true)"})
			}
		}
	}
	explainRevocations(in, target, revokes)
	if n := len(revokes); n > 0 && !task {
		if why := capExceeded(in.Org, n, accountCount(obs), in.AllowRevocations); why != "" {
			tp.Blocked = why
			revokes = nil
		}
	}
	tp.Actions = append(tp.Actions, revokes...)
	slices.SortFunc(tp.Actions, func(a, b Action) int {
		return strings.Compare(a.Op+"\x00"+a.Account+"\x00"+a.Entitlement, b.Op+"\x00"+b.Account+"\x00"+b.Entitlement)
	})
	sortKeys(tp.Adopt)
	sortKeys(tp.Drift)
	return tp
}

func sortKeys(l []Key) {
	slices.SortFunc(l, func(a, b Key) int {
		return strings.Compare(a.Account+"\x00"+a.Entitlement, b.Account+"\x00"+b.Entitlement)
	})
}

// explainRevocations names, where it can, the person behind each revoked
// account and why their access ends (S12): offboarded, expired, or the
// request removed.
func explainRevocations(in PlanInput, target string, revokes []Action) {
	if len(revokes) == 0 || in.Org == nil {
		return
	}
	expired := map[string]bool{}
	for _, h := range in.Held {
		if s := in.Org.SystemByName[h.System]; s != nil && h.State == StateExpired {
			expired[h.Person+"\x00"+Target(s)] = true
		}
	}
	// A manual target's accounts are person names; an integration's need
	// the reverse of its account mapping, built once for the target.
	var byAccount map[string]*model.Person
	personOf := func(account string) *model.Person {
		if strings.HasPrefix(target, ManualPrefix) {
			return in.Org.PersonByName[account]
		}
		if byAccount == nil {
			byAccount = map[string]*model.Person{}
			people := in.People
			if people == nil {
				people = in.Org.People
			}
			for _, p := range people {
				if in.Account == nil {
					break
				}
				if a, err := in.Account(target, p); err == nil && a != "" {
					byAccount[strings.ToLower(a)] = p
				}
			}
		}
		return byAccount[strings.ToLower(account)]
	}
	for i := range revokes {
		r := &revokes[i]
		p := personOf(r.Account)
		if p == nil {
			continue
		}
		r.Person = p.Name
		switch {
		case !p.Active():
			r.Reason = p.Name + " is offboarded"
		case expired[p.Name+"\x00"+target]:
			r.Reason = "the request expired"
		}
	}
}

// capExceeded returns why n revocations on a target of accounts accounts
// exceed the Config's limits (S8), or "" when they do not or an override
// allows them.
func capExceeded(org *model.Org, n, accounts, allow int) string {
	if allow >= n {
		return ""
	}
	max, pct := DefaultMaxRevocations, DefaultMaxRevocationPercent
	if org != nil && org.Config != nil && org.Config.Limits != nil {
		if l := org.Config.Limits; l.MaxRevocations > 0 {
			max = l.MaxRevocations
		}
		if l := org.Config.Limits; l.MaxRevocationPercent > 0 {
			pct = l.MaxRevocationPercent
		}
	}
	switch {
	case n > max:
		return fmt.Sprintf("%d revocations exceed the limit of %d per run (limits.maxRevocations); check the access repo, then run gatehouse reconcile --allow-revocations %d once", n, max, n)
	case n > 1 && accounts > 0 && n*100 > pct*accounts:
		return fmt.Sprintf("%d revocations are more than %d%% of the %d accounts (limits.maxRevocationPercent); check the access repo, then run gatehouse reconcile --allow-revocations %d once", n, pct, accounts, n)
	}
	return ""
}

// accountCount counts the accounts a target holds.
func accountCount(obs Observed) int {
	if obs.Listed {
		return len(obs.Accounts)
	}
	seen := map[string]bool{}
	for k := range obs.Managed {
		seen[k.Account] = true
	}
	return len(seen)
}

// integrationOf returns the Config integration a target names, or nil for
// a manual target.
func integrationOf(org *model.Org, target string) *model.Integration {
	if org == nil || org.Config == nil {
		return nil
	}
	for i := range org.Config.Integrations {
		if org.Config.Integrations[i].Name == target {
			return &org.Config.Integrations[i]
		}
	}
	return nil
}
