package reconcile

import (
	"context"
	"slices"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// engineFor returns the permission engine of org, built once per
// organisation the runner sees (the controller reconciles one commit many
// times).
func (r *Runner) engineFor(org *model.Org) *authz.Engine {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.engineOrg != org {
		r.engine, _ = authz.New(org)
		r.engineOrg = org
	}
	return r.engine
}

// recordRequests writes each request's lifecycle state after a run:
// provisioned, pending-provisioning (waiting on the system's admins, or on
// an integration to be configured), failed, held (unapproved-merge,
// expired), or revoked when its file is gone or its person offboarded.
func (r *Runner) recordRequests(ctx context.Context, org *model.Org, plan *Plan, res *Result, opts Options) error {
	admins := func(system string) []string {
		engine := r.engineFor(org)
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
	targets := make(map[string]*TargetPlan, len(plan.Targets))
	actions := map[Key]Action{}
	for i := range plan.Targets {
		tp := &plan.Targets[i]
		targets[tp.Target] = tp
		for _, a := range tp.Actions {
			actions[a.Key] = a
		}
	}
	for _, g := range plan.desired {
		o := outcome{state: StateProvisioned}
		a, acted := actions[g.Key]
		switch tp := targets[g.Target]; {
		case tp != nil && tp.Err != "":
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
	now := r.now()
	requests := org.Requests
	if plan.only != nil {
		requests = nil
		for path := range plan.only {
			if req := org.RequestByPath[path]; req != nil {
				requests = append(requests, req)
			}
		}
	}
	known := map[string]store.Request{}
	if plan.only != nil {
		for path := range plan.only {
			rec, ok, err := r.Store.Request(ctx, path)
			if err != nil {
				return err
			}
			if ok {
				known[path] = rec
			}
		}
	} else {
		all, err := r.Store.Requests(ctx, store.RequestFilter{})
		if err != nil {
			return err
		}
		for _, rec := range all {
			known[rec.Path] = rec
		}
	}
	// set writes a request's state when it differs from the store's: a
	// run that changes nothing writes nothing.
	set := func(rec store.Request) error {
		if old, ok := known[rec.Path]; ok && old.State == rec.State && old.Reason == rec.Reason && slices.Equal(old.WaitingOn, rec.WaitingOn) {
			return nil
		}
		changed, err := r.Store.SetRequest(ctx, rec)
		if err != nil || !changed || rec.State != StatePendingProvisioning || len(rec.WaitingOn) == 0 {
			return err
		}
		return r.Store.Audit(ctx, store.Event{Time: now, Actor: "gatehouse", Kind: "task-grant", Subject: rec.Path,
			Detail: map[string]string{"reason": rec.Reason, "system": rec.System, "person": rec.Person}})
	}
	for _, req := range requests {
		o, ok := out[req.File]
		if p := org.PersonByName[req.Person]; p != nil && !p.Active() {
			o, ok = outcome{state: StateRevoked, reason: req.Person + " is offboarded"}, true
		}
		if !ok {
			continue
		}
		if err := set(store.Request{Path: req.File, Person: req.Person, System: req.System, Level: req.Level,
			State: o.state, Reason: o.reason, WaitingOn: o.waiting, Since: now}); err != nil {
			return err
		}
	}
	for _, k := range known {
		if org.RequestByPath[k.Path] != nil || slices.Contains([]string{StateRevoked, store.StateDenied}, k.State) {
			continue
		}
		k.State, k.Reason, k.WaitingOn, k.Since = StateRevoked, "the request's file was removed from the default branch", nil, now
		if err := set(k); err != nil {
			return err
		}
	}
	return nil
}
