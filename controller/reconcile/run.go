package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

// Runner reconciles an organisation into its targets. Each run reads the
// desired state and the targets afresh (level-triggered): a missed or
// repeated trigger is harmless.
type Runner struct {
	// Store keeps the journal of actions (S11), what gatehouse manages,
	// the requests' lifecycle, the audit log and the catalogue.
	Store *store.Store
	// Integrations maps a Config integration's name to its
	// implementation; a name missing here is not configured, and its
	// changes wait. Manual targets need no entry.
	Integrations map[string]Integration
	// NotConfigured says, per integration name, what to set to configure
	// it; reported once per run.
	NotConfigured map[string]error
	// Log receives one line per action and per target problem.
	Log *slog.Logger
	// Attempts and Backoff bound the retries of a failing action.
	Attempts int
	Backoff  time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu        sync.Mutex
	engineOrg *model.Org
	engine    *authz.Engine
}

// Options tune one run.
type Options struct {
	// DryRun plans and reports without changing any target or the store.
	DryRun bool
	// AllowRevocations overrides the revocation cap (S8) for this run,
	// recorded in the audit log with Actor.
	AllowRevocations int
	// Actor is who asked for the run, for the audit log.
	Actor string
	// RequireApproval holds requests without an approved decision in the
	// store (S13): on when the access repo's pull requests are decided
	// by gatehouse on GitHub.
	RequireApproval bool
	// Only limits the run to these requests (an incremental run after a
	// merge); nil reconciles everything.
	Only map[string]bool
}

// Result is what a run planned and did.
type Result struct {
	Plan *Plan `json:"plan"`
	// Done, Failed and Tasks count the actions applied, failed and handed
	// to admins; Recovered counts actions of an interrupted run finished.
	Done      int `json:"done"`
	Failed    int `json:"failed"`
	Tasks     int `json:"tasks"`
	Recovered int `json:"recovered"`
	// Errors are the failures, one line each.
	Errors []string `json:"errors,omitempty"`

	failures map[Key]string
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// account names a person's account on a target.
func (r *Runner) account(target string, p *model.Person) (string, error) {
	if strings.HasPrefix(target, ManualPrefix) {
		return p.Name, nil
	}
	it, ok := r.Integrations[target]
	if !ok {
		if why := r.NotConfigured[target]; why != nil {
			return "", fmt.Errorf("integration %s waits: %w", target, why)
		}
		return "", fmt.Errorf("%w: integration %s is not set up in this controller", ErrNotConfigured, target)
	}
	return it.AccountFor(p)
}

// tasks reports whether a target's changes are done by hand.
func (r *Runner) tasks(target string) bool {
	if strings.HasPrefix(target, ManualPrefix) {
		return true
	}
	it, ok := r.Integrations[target]
	return ok && !it.Capabilities().Grant
}

// Reconcile plans and, unless opts.DryRun, applies: first it finishes the
// actions an interrupted run recorded but did not complete (S11), then it
// reads desired and actual state and acts on the difference.
func (r *Runner) Reconcile(ctx context.Context, org *model.Org, opts Options) (*Result, error) {
	res := &Result{failures: map[Key]string{}}
	if !opts.DryRun {
		n, err := r.recover(ctx)
		if err != nil {
			return nil, err
		}
		res.Recovered = n
	}
	plan, err := r.Plan(ctx, org, opts)
	if err != nil {
		return nil, err
	}
	res.Plan = plan
	if opts.DryRun {
		return res, nil
	}
	if opts.AllowRevocations > 0 {
		if err := r.Store.Audit(ctx, store.Event{Time: r.now(), Actor: opts.Actor, Kind: "override", Subject: "revocation cap",
			Detail: map[string]string{"allowRevocations": fmt.Sprint(opts.AllowRevocations)}}); err != nil {
			return nil, err
		}
	}
	r.apply(ctx, plan, opts, res)
	if err := r.recordRequests(ctx, org, plan, res, opts); err != nil {
		return res, err
	}
	return res, nil
}

// Plan reads desired state and every target, and diffs them.
func (r *Runner) Plan(ctx context.Context, org *model.Org, opts Options) (*Plan, error) {
	in := DesiredInput{Org: org, Now: r.now(), Account: r.account}
	var people []*model.Person
	if opts.Only != nil {
		var err error
		if in.Only, people, err = r.expand(ctx, org, opts.Only); err != nil {
			return nil, err
		}
	}
	if opts.RequireApproval {
		in.Approved = func(path string) bool {
			d, ok, err := r.Store.DecisionForRequest(ctx, path)
			return err == nil && ok && d.Approved
		}
	}
	desired, held := Desired(in)
	var observed map[string]Observed
	var err error
	if opts.Only != nil {
		observed, err = r.observePeople(ctx, org, people, desired)
	} else {
		observed, err = r.observe(ctx, org, desired, opts)
	}
	if err != nil {
		return nil, err
	}
	p := MakePlan(PlanInput{Org: org, Desired: desired, Held: held, Observed: observed, People: people,
		Tasks: r.tasks, Account: r.account, AllowRevocations: opts.AllowRevocations})
	p.only = in.Only
	return p, nil
}

// expand widens the requests a merge changed to every request of the
// people they are for (known to the org or, for removed files, to the
// store), so that an entitlement another of their requests grants is not
// revoked; and returns those people.
func (r *Runner) expand(ctx context.Context, org *model.Org, changed map[string]bool) (map[string]bool, []*model.Person, error) {
	only := map[string]bool{}
	names := map[string]bool{}
	for path := range changed {
		only[path] = true
		if req := org.RequestByPath[path]; req != nil {
			names[req.Person] = true
		}
		rec, ok, err := r.Store.Request(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			names[rec.Person] = true
		}
	}
	var people []*model.Person
	for name := range names {
		recs, err := r.Store.Requests(ctx, store.RequestFilter{Person: name})
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range recs {
			only[rec.Path] = true
		}
		if p := org.PersonByName[name]; p != nil {
			people = append(people, p)
		}
	}
	return only, people, nil
}

// observePeople reads, from the store alone, what gatehouse holds for the
// accounts of people on every target: an incremental run's view, whose
// cost follows the people a merge touched. Drift is a full run's job.
func (r *Runner) observePeople(ctx context.Context, org *model.Org, people []*model.Person, desired map[Key]*Grant) (map[string]Observed, error) {
	out := map[string]Observed{}
	ensure := func(target string) Observed {
		o, ok := out[target]
		if !ok {
			o = Observed{Managed: map[Key]bool{}}
			if !strings.HasPrefix(target, ManualPrefix) {
				if _, configured := r.Integrations[target]; !configured {
					o.Err = r.NotConfigured[target]
					if o.Err == nil {
						o.Err = fmt.Errorf("%w: integration %s is not set up in this controller", ErrNotConfigured, target)
					}
				}
			}
			out[target] = o
		}
		return o
	}
	for k := range desired {
		ensure(k.Target)
	}
	owner := map[string]map[string]bool{} // account -> targets where it is one of people's
	for _, p := range people {
		add := func(target, account string) {
			if owner[account] == nil {
				owner[account] = map[string]bool{}
			}
			owner[account][target] = true
		}
		add("", p.Name)
		if org.Config != nil {
			for _, in := range org.Config.Integrations {
				if a, err := r.account(in.Name, p); err == nil {
					add(in.Name, a)
				}
			}
		}
	}
	accounts := make([]string, 0, len(owner))
	for a := range owner {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts)
	grants, err := r.Store.ManagedByAccounts(ctx, accounts)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		manual := strings.HasPrefix(g.Integration, ManualPrefix)
		if !owner[g.Account][g.Integration] && !(manual && owner[g.Account][""]) {
			continue // someone else's account of the same name elsewhere
		}
		o := ensure(g.Integration)
		o.Managed[Key{Target: g.Integration, Account: g.Account, Entitlement: g.Entitlement}] = true
	}
	return out, nil
}

// observe reads what each target holds: integrations that can list are
// asked, the rest are known from the store. An incremental run reads the
// store only, so its cost follows the change, not the organisation.
func (r *Runner) observe(ctx context.Context, org *model.Org, desired map[Key]*Grant, opts Options) (map[string]Observed, error) {
	scope := Scope(org)
	targets := map[string]bool{}
	for t := range scope {
		targets[t] = true
	}
	managedTargets, err := r.Store.ManagedTargets(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range managedTargets {
		targets[t] = true
	}
	out := map[string]Observed{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for t := range targets {
		wg.Go(func() {
			obs, err := r.observeTarget(ctx, t, scope[t], desired, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[t] = obs
		})
	}
	wg.Wait()
	return out, firstErr
}

func (r *Runner) observeTarget(ctx context.Context, target string, scope []string, desired map[Key]*Grant, opts Options) (Observed, error) {
	grants, err := r.Store.Managed(ctx, target)
	if err != nil {
		return Observed{}, err
	}
	obs := Observed{Managed: make(map[Key]bool, len(grants))}
	for _, g := range grants {
		obs.Managed[Key{Target: target, Account: g.Account, Entitlement: g.Entitlement}] = true
	}
	if strings.HasPrefix(target, ManualPrefix) {
		return obs, nil
	}
	it, ok := r.Integrations[target]
	if !ok {
		obs.Err = r.NotConfigured[target]
		if obs.Err == nil {
			obs.Err = fmt.Errorf("%w: integration %s is not set up in this controller", ErrNotConfigured, target)
		}
		return obs, nil
	}
	if !it.Capabilities().List {
		return obs, nil
	}
	accounts, err := it.List(ctx, scope)
	if err != nil {
		obs.Err = fmt.Errorf("list accounts of %s: %w", target, err)
		return obs, nil
	}
	obs.Listed, obs.Accounts = true, accounts
	if !opts.DryRun {
		snap := make([]store.Account, len(accounts))
		for i, a := range accounts {
			snap[i] = store.Account{ID: a.ID, Entitlements: a.Entitlements}
		}
		if err := r.Store.SaveSnapshot(ctx, target, r.now(), snap); err != nil {
			return obs, err
		}
	}
	return obs, nil
}

// apply runs the plan's actions, targets in parallel (one target's
// failure never blocks another), each action journaled before and after
// (S11).
func (r *Runner) apply(ctx context.Context, plan *Plan, opts Options, res *Result) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range plan.Targets {
		tp := &plan.Targets[i]
		wg.Go(func() {
			for _, k := range tp.Adopt {
				if err := r.Store.SetManaged(ctx, store.Grant{Integration: k.Target, Account: k.Account, Entitlement: k.Entitlement, Since: r.now()}); err != nil {
					mu.Lock()
					res.Errors = append(res.Errors, err.Error())
					mu.Unlock()
				}
			}
			for _, a := range tp.Actions {
				err := r.act(ctx, a, opts)
				mu.Lock()
				switch {
				case a.Task:
					res.Tasks++
				case err != nil:
					res.Failed++
					res.Errors = append(res.Errors, fmt.Sprintf("%s %s: %v", a.Op, a.Key, err))
					res.failures[a.Key] = err.Error()
				default:
					res.Done++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(res.Errors)
}

// act applies one action: a task is recorded for the admins; anything
// else is journaled as intended, run with retries, and journaled as done
// or failed.
func (r *Runner) act(ctx context.Context, a Action, opts Options) error {
	if a.Task {
		if a.Op == OpGrant {
			return nil // recorded with the request's pending-provisioning state
		}
		// A revocation task stays open until an admin marks it done; say
		// so once, not on every run.
		prev, err := r.Store.AuditLog(ctx, store.AuditQuery{Kind: "task-revoke", Subject: a.Key.String(), Limit: 1})
		if err != nil || len(prev) > 0 {
			return err
		}
		return r.Store.Audit(ctx, store.Event{Time: r.now(), Actor: "gatehouse", Kind: "task-revoke", Subject: a.Key.String(),
			Detail: map[string]string{"reason": a.Reason, "system": a.System, "person": a.Person}})
	}
	id, err := r.Store.Intend(ctx, store.Action{Integration: a.Target, System: a.System, Account: a.Account,
		Entitlement: a.Entitlement, Op: a.Op, Requests: a.Requests, Reason: a.Reason})
	if err != nil {
		return err
	}
	err = r.call(ctx, a)
	if ferr := r.Store.Finish(ctx, id, err); ferr != nil {
		return errors.Join(err, ferr)
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelError
	}
	r.log().Log(ctx, level, "reconcile action", "op", a.Op, "target", a.Target, "account", a.Account, "entitlement", a.Entitlement, "reason", a.Reason, "error", err)
	kind := a.Op
	if err != nil {
		kind += "-failed"
	}
	detail := map[string]string{"reason": a.Reason, "requests": strings.Join(a.Requests, ",")}
	if err != nil {
		detail["error"] = err.Error()
	}
	return errors.Join(err, r.Store.Audit(ctx, store.Event{Time: r.now(), Actor: "gatehouse", Kind: kind, Subject: a.Key.String(), Detail: detail}))
}

// call runs an action on its integration, retrying with exponential
// backoff; a protected account is never retried.
func (r *Runner) call(ctx context.Context, a Action) error {
	it, ok := r.Integrations[a.Target]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotConfigured, a.Target)
	}
	attempts, backoff := max(r.Attempts, 1), r.Backoff
	var err error
	for i := range attempts {
		if a.Op == OpGrant {
			err = it.Grant(ctx, a.Account, a.Entitlement)
		} else {
			err = it.Revoke(ctx, a.Account, a.Entitlement)
		}
		if err == nil || errors.Is(err, ErrProtected) || i == attempts-1 {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(backoff << i):
		}
	}
	return err
}

// recover finishes what an interrupted run journaled as intended but did
// not record as done (S11): integrations are idempotent, so running an
// action twice is safe, and never running it would lose it.
func (r *Runner) recover(ctx context.Context) (int, error) {
	pending, err := r.Store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	for _, p := range pending {
		err := r.call(ctx, Action{Op: p.Op, Key: Key{Target: p.Integration, Account: p.Account, Entitlement: p.Entitlement}})
		if ferr := r.Store.Finish(ctx, p.ID, err); ferr != nil {
			return 0, ferr
		}
		r.log().Info("reconcile recovered an interrupted action", "op", p.Op, "target", p.Integration, "account", p.Account, "entitlement", p.Entitlement, "error", err)
	}
	return len(pending), nil
}
