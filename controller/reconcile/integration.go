// Package reconcile makes the target systems match the access repo's
// default branch: the desired grants (approved access requests of active
// people, not expired) against what each integration reports, applied
// idempotently, recorded before and after every action, and stopped before
// revoking more than the configured cap.
package reconcile

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Account is one account on a target system with the entitlements it
// holds there.
type Account struct {
	// ID is the account's name on the target: a GitHub login, a
	// PostgreSQL role name.
	ID string `json:"id"`
	// Entitlements are the integration's names for what the account
	// holds, sorted: "member", "team:platform:maintainer", "app_readonly".
	Entitlements []string `json:"entitlements"`
}

// Capabilities says what an integration can do; the reconciler never asks
// for more.
type Capabilities struct {
	// List: the integration can report its accounts (without it, drift
	// cannot be seen and revocations rely on the store's records).
	List bool
	// Grant and Revoke: the integration changes the target itself;
	// without them every change becomes a task for the system's admins.
	Grant, Revoke bool
}

// Integration provisions one target system. Implementations live in
// controller/integration/<type> and never import each other.
type Integration interface {
	// Capabilities reports what the integration supports.
	Capabilities() Capabilities
	// AccountFor names a person's account on the target, or returns an
	// error that says what the person's document lacks (no GitHub login,
	// say); the reconciler reports it and grants nothing.
	AccountFor(p *model.Person) (string, error)
	// List returns the accounts on the target with their entitlements.
	// scope lists the entitlements the access repo maps to; an
	// integration must report at least those, and may report more (the
	// entitlement catalogue is the union of all it ever reports).
	List(ctx context.Context, scope []string) ([]Account, error)
	// Grant gives account the entitlement; one it already holds is
	// success.
	Grant(ctx context.Context, account, entitlement string) error
	// Revoke takes the entitlement away; one it does not hold is success.
	// ErrProtected refuses a revocation the integration must never do
	// (the last organisation owner, its own account).
	Revoke(ctx context.Context, account, entitlement string) error
}

// ErrProtected reports a revocation an integration refuses whatever the
// access repo says, such as removing the last owner of a GitHub
// organisation or the controller's own account.
var ErrProtected = errors.New("protected account: gatehouse never revokes this")

// ErrNotConfigured reports an integration whose credentials are not set;
// its grants wait while the rest of the controller runs.
var ErrNotConfigured = errors.New("integration not configured")

// AccountsOf turns what an integration saw, entitlements by account, into
// List's answer: accounts sorted by id, each with its entitlements sorted.
// An account with an empty set is listed holding nothing.
func AccountsOf(held map[string]map[string]bool) []Account {
	accounts := make([]Account, 0, len(held))
	for id, ents := range held {
		a := Account{ID: id, Entitlements: slices.AppendSeq(make([]string, 0, len(ents)), maps.Keys(ents))}
		slices.Sort(a.Entitlements)
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return accounts
}
