package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Operations an action performs.
const (
	OpGrant  = "grant"
	OpRevoke = "revoke"
)

// States of an action in the journal.
const (
	// ActionIntended: recorded before running and not finished since; a
	// restart must run it again.
	ActionIntended = "intended"
	// ActionDone: the integration reported success.
	ActionDone = "done"
	// ActionFailed: the integration reported an error; see Failed.
	ActionFailed = "failed"
)

// Action is one grant or revocation in the reconcile journal (S11).
type Action struct {
	// ID is assigned by Intend; ids grow in the order actions are
	// intended.
	ID int64 `json:"id"`
	// Integration names the configured integration that runs the action.
	Integration string `json:"integration"`
	// System is the access repo's system the entitlement belongs to.
	System string `json:"system"`
	// Account is the account on the target system.
	Account string `json:"account"`
	// Entitlement is the integration's name for what is granted.
	Entitlement string `json:"entitlement"`
	// Op is OpGrant or OpRevoke.
	Op string `json:"op"`
	// Requests are the paths of the access requests the action serves,
	// sorted.
	Requests []string `json:"requests"`
	// Reason says why the action runs ("expired", "person offboarded").
	Reason string `json:"reason,omitempty"`
	// State is ActionIntended, ActionDone or ActionFailed.
	State string `json:"state"`
	// Error is the integration's error text of the last failed attempt.
	Error string `json:"error,omitempty"`
	// Attempts counts the outcomes recorded by Finish: 1 after a first
	// success or failure, one more for each retry.
	Attempts int `json:"attempts"`
	// IntendedAt is when the action was recorded as intended.
	IntendedAt time.Time `json:"intendedAt"`
	// FinishedAt is when the last outcome was recorded; zero while
	// intended.
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

// Grant is an entitlement gatehouse gave an account and has not taken
// back: what lets a revocation be recognised after the request that
// caused it is gone.
type Grant struct {
	// Integration names the configured integration holding the grant.
	Integration string `json:"integration"`
	// System is the access repo's system.
	System string `json:"system"`
	// Account is the account on the target system.
	Account string `json:"account"`
	// Entitlement is the integration's name for what is held.
	Entitlement string `json:"entitlement"`
	// Since is when gatehouse first recorded the grant.
	Since time.Time `json:"since"`
}

// Intend records a as intended before it runs and returns its id, to be
// passed to Finish once the integration has answered. Integration,
// Account, Entitlement and Op are required; a zero IntendedAt means now.
// ID, State, Error, Attempts and FinishedAt are ignored.
func (s *Store) Intend(ctx context.Context, a Action) (int64, error) {
	op := fmt.Sprintf("intend %s of %s to %s on %s", a.Op, a.Entitlement, a.Account, a.Integration)
	if err := oneOf("action op", a.Op, []string{OpGrant, OpRevoke}); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if a.Integration == "" || a.Account == "" || a.Entitlement == "" {
		return 0, fmt.Errorf("%s: an action needs an integration, an account and an entitlement", op)
	}
	var id int64
	err := s.write(ctx, op, func(tx *txn) error {
		var err error
		id, err = insertID(ctx, tx, `INSERT INTO actions
			(integration, system, account, entitlement, op, requests, reason, state, intended_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.Integration, a.System, a.Account, a.Entitlement, a.Op, sortedJSON(a.Requests), a.Reason,
			ActionIntended, nanos(s.stamp(a.IntendedAt)))
		return err
	})
	return id, err
}

// Finish records the outcome of action id: done when runErr is nil,
// failed with runErr's text otherwise, counting one more attempt either
// way. A done grant is added to the managed grants and a done revocation
// removed from them in the same transaction, so a crash never leaves the
// journal and the managed set disagreeing; a failure leaves them as they
// were. Finishing a failed action again records a retry; finishing a
// done action is an error, as is an unknown id (ErrNotFound).
func (s *Store) Finish(ctx context.Context, id int64, runErr error) error {
	op := fmt.Sprintf("finish action %d", id)
	return s.write(ctx, op, func(tx *txn) error {
		a, err := scanAction(tx.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM actions WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no action with this id was intended", ErrNotFound)
		}
		if err != nil {
			return err
		}
		if a.State == ActionDone {
			return fmt.Errorf("the action is already done; intend a new action to run it again")
		}
		now := nanos(s.stamp(time.Time{}))
		state, text := ActionDone, ""
		if runErr != nil {
			state, text = ActionFailed, runErr.Error()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE actions
			SET state = ?, error = ?, attempts = attempts + 1, finished_at = ? WHERE id = ?`,
			state, text, now, id); err != nil {
			return err
		}
		if runErr != nil {
			return nil
		}
		if a.Op == OpGrant {
			return setManaged(ctx, tx, Grant{Integration: a.Integration, System: a.System,
				Account: a.Account, Entitlement: a.Entitlement}, now)
		}
		return unmanage(ctx, tx, a.Integration, a.Account, a.Entitlement)
	})
}

// Pending lists the actions intended but neither done nor failed, by id:
// what a restart after a crash must run again (integrations are
// idempotent, so running an action twice is safe; never running it would
// lose it).
func (s *Store) Pending(ctx context.Context) ([]Action, error) {
	return query(ctx, s, "list pending actions", scanAction,
		`SELECT `+actionColumns+` FROM actions WHERE state = 'intended' ORDER BY id`)
}

// Failed lists, by id, the failed actions still worth retrying: those
// that are the latest action for their integration, account and
// entitlement. A later action for the same key, of either op and in any
// state, supersedes a failure: a later success settles it, a later
// failure replaces it, and a later intended action is run by Pending.
func (s *Store) Failed(ctx context.Context) ([]Action, error) {
	return query(ctx, s, "list failed actions", scanAction,
		`SELECT `+actionColumns+` FROM actions a WHERE state = 'failed' AND NOT EXISTS (
			SELECT 1 FROM actions b WHERE b.integration = a.integration AND b.account = a.account
				AND b.entitlement = a.entitlement AND b.id > a.id)
		ORDER BY id`)
}

// PruneJournal forgets the settled actions that finished before time
// before, and returns how many it forgot: done actions, and failed ones a
// later action for the same account and entitlement superseded. Intended
// actions (a restart runs them) and failures still to retry stay
// whatever their age, as do the managed grants; every outcome is also in
// the audit log, which is never pruned.
func (s *Store) PruneJournal(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, "prune the reconcile journal", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM actions AS a WHERE a.finished_at < ? AND (a.state = 'done'
			OR (a.state = 'failed' AND EXISTS (SELECT 1 FROM actions b WHERE b.integration = a.integration
				AND b.account = a.account AND b.entitlement = a.entitlement AND b.id > a.id)))`, nanos(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// Managed lists the grants gatehouse holds on integration, by account and
// entitlement; an empty integration lists every integration's, by
// integration first.
func (s *Store) Managed(ctx context.Context, integration string) ([]Grant, error) {
	return query(ctx, s, "list managed grants of "+integration, scanGrant,
		`SELECT integration, system, account, entitlement, since FROM managed
		WHERE ? = '' OR integration = ? ORDER BY integration, account, entitlement`, integration, integration)
}

// ManagedByAccounts lists the grants gatehouse holds for any of accounts,
// on every integration, by integration, account and entitlement: what an
// incremental reconcile needs of the people a merge touched, at a cost
// that follows them, not the organisation.
func (s *Store) ManagedByAccounts(ctx context.Context, accounts []string) ([]Grant, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	args := make([]any, len(accounts))
	for i, a := range accounts {
		args[i] = a
	}
	return query(ctx, s, "list managed grants of "+strings.Join(accounts, ", "), scanGrant,
		`SELECT integration, system, account, entitlement, since FROM managed
		WHERE account IN (?`+strings.Repeat(", ?", len(accounts)-1)+`) ORDER BY integration, account, entitlement`, args...)
}

// ManagedTargets lists, sorted, the integrations on which gatehouse holds
// at least one grant: those a reconcile must look at even when the access
// repo no longer maps anything to them.
func (s *Store) ManagedTargets(ctx context.Context) ([]string, error) {
	return query(ctx, s, "list integrations with managed grants", scanString,
		`SELECT DISTINCT integration FROM managed ORDER BY integration`)
}

// SetManaged records g as granted by gatehouse, for grants made outside
// the journal: a manual provisioning confirmed by an admin, or an
// account that already held what the access repo grants. A grant already
// recorded keeps its Since; a zero Since means now.
func (s *Store) SetManaged(ctx context.Context, g Grant) error {
	op := fmt.Sprintf("record managed grant of %s to %s on %s", g.Entitlement, g.Account, g.Integration)
	if g.Integration == "" || g.Account == "" || g.Entitlement == "" {
		return fmt.Errorf("%s: a grant needs an integration, an account and an entitlement", op)
	}
	return s.write(ctx, op, func(tx *txn) error {
		return setManaged(ctx, tx, g, nanos(s.stamp(g.Since)))
	})
}

// Unmanage forgets a grant once it is revoked outside the journal (a
// manual revocation confirmed by an admin). Forgetting one not recorded
// is not an error.
func (s *Store) Unmanage(ctx context.Context, integration, account, entitlement string) error {
	op := fmt.Sprintf("forget managed grant of %s to %s on %s", entitlement, account, integration)
	return s.write(ctx, op, func(tx *txn) error {
		return unmanage(ctx, tx, integration, account, entitlement)
	})
}

func setManaged(ctx context.Context, tx *txn, g Grant, since int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO managed (integration, system, account, entitlement, since)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (integration, account, entitlement) DO UPDATE SET system = excluded.system`,
		g.Integration, g.System, g.Account, g.Entitlement, since)
	return err
}

func unmanage(ctx context.Context, tx *txn, integration, account, entitlement string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM managed WHERE integration = ? AND account = ? AND entitlement = ?`,
		integration, account, entitlement)
	return err
}

const actionColumns = `id, integration, system, account, entitlement, op, requests, reason,
	state, error, attempts, intended_at, finished_at`

func scanAction(r scanner) (Action, error) {
	var a Action
	var requests string
	var intended int64
	var finished sql.NullInt64
	if err := r.Scan(&a.ID, &a.Integration, &a.System, &a.Account, &a.Entitlement, &a.Op, &requests,
		&a.Reason, &a.State, &a.Error, &a.Attempts, &intended, &finished); err != nil {
		return Action{}, err
	}
	var err error
	if a.Requests, err = parseList("requests of action", requests); err != nil {
		return Action{}, err
	}
	a.IntendedAt, a.FinishedAt = fromNanos(intended), fromNull(finished)
	return a, nil
}

func scanGrant(r scanner) (Grant, error) {
	var g Grant
	var since int64
	err := r.Scan(&g.Integration, &g.System, &g.Account, &g.Entitlement, &since)
	g.Since = fromNanos(since)
	return g, err
}

func scanString(r scanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}
