package reconcile

import (
	"context"
	"slices"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// recordRequests writes each request's lifecycle state after a run:
// provisioned, pending-provisioning (waiting on the system's admins, or on
// an integration to be configured), failed, held (unapproved-merge,
// expired), or revoked when its file is gone or its person offboarded.
func (r *Runner) recordRequests(ctx context.Context, org *model.Org, plan *Plan, res *Result, opts Options) error {
	engine, _ := authz.New(org)
	admins := func(system string) []string {
		if engine == nil {
			return nil
		}
		names, _ := engine.WhoCan("provision", "System/"+system)
		return names
	}
	type outcome struct {
		state, reason string
		waiting       []string
	}
	out := map[string]outcome{}
	for _, h := range plan.Held {
		out[h.Request] = outcome{state: h.State, reason: h.Reason}
	}
	for _, tp := range plan.Targets {
		actions := map[Key]Action{}
		for _, a := range tp.Actions {
			actions[a.Key] = a
		}
		for _, g := range plan.desired {
			if g.Target != tp.Target {
				continue
			}
			o := outcome{state: StateProvisioned}
			a, acted := actions[g.Key]
			switch {
			case tp.Err != "":
				o = outcome{state: StatePendingProvisioning, reason: tp.Err}
			case acted && a.Task:
				o = outcome{state: StatePendingProvisioning, reason: "[Action Required] Provision " + g.System + " (" + g.Entitlement + ") for " + g.Person, waiting: admins(g.System)}
			case acted && res.failures[g.Key] != "":
				o = outcome{state: StateFailed, reason: res.failures[g.Key]}
			}
			for _, path := range g.Requests {
				out[path] = o
			}
		}
	}
	now := r.now()
	for _, req := range org.Requests {
		if opts.Only != nil && !opts.Only[req.File] {
			continue
		}
		o, ok := out[req.File]
		if p := org.PersonByName[req.Person]; p != nil && !p.Active() {
			o, ok = outcome{state: StateRevoked, reason: req.Person + " is offboarded"}, true
		}
		if !ok {
			continue
		}
		if _, err := r.Store.SetRequest(ctx, store.Request{Path: req.File, Person: req.Person, System: req.System, Level: req.Level,
			State: o.state, Reason: o.reason, WaitingOn: o.waiting, Since: now}); err != nil {
			return err
		}
	}
	if opts.Only != nil {
		return nil
	}
	known, err := r.Store.Requests(ctx, store.RequestFilter{})
	if err != nil {
		return err
	}
	for _, k := range known {
		if org.RequestByPath[k.Path] != nil || slices.Contains([]string{StateRevoked, store.StateDenied}, k.State) {
			continue
		}
		k.State, k.Reason, k.WaitingOn, k.Since = StateRevoked, "the request's file was removed from the default branch", nil, now
		if _, err := r.Store.SetRequest(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
