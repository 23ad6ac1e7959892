package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Lifecycle states of an access request (DESIGN.md, "Lifecycle of a
// request").
const (
	StatePendingApproval     = "pending-approval"
	StateApproved            = "approved"
	StatePendingProvisioning = "pending-provisioning"
	StateProvisioned         = "provisioned"
	StateDenied              = "denied"
	StateFailed              = "failed"
	StateUnapprovedMerge     = "unapproved-merge"
	StateRevoked             = "revoked"
	StateExpired             = "expired"
)

// States lists every lifecycle state, in lifecycle order.
var States = []string{StatePendingApproval, StateApproved, StatePendingProvisioning, StateProvisioned,
	StateDenied, StateFailed, StateUnapprovedMerge, StateRevoked, StateExpired}

// Request is the current lifecycle state of one access request.
type Request struct {
	// Path is the request's file in the access repo; it identifies the
	// request.
	Path string `json:"path"`
	// Person, System and Level are what the request asks for.
	Person string `json:"person"`
	System string `json:"system"`
	Level  string `json:"level"`
	// State is one of States.
	State string `json:"state"`
	// Reason explains the state: why denied, the integration's error.
	Reason string `json:"reason,omitempty"`
	// PR is the pull request that added or last changed the request; 0
	// when none (a local repo).
	PR int `json:"pr,omitempty"`
	// Commit is the commit the state was computed at.
	Commit string `json:"commit,omitempty"`
	// Approvers are the people whose approvals counted, sorted.
	Approvers []string `json:"approvers"`
	// WaitingOn are the people who must act next (approvers, or the
	// system's admins for a manual step), sorted.
	WaitingOn []string `json:"waitingOn"`
	// Since is when the request entered its state.
	Since time.Time `json:"since"`
	// UpdatedAt is when the request was last written.
	UpdatedAt time.Time `json:"updatedAt"`
}

// Transition is one change of a request's state.
type Transition struct {
	// Path is the request's file.
	Path string `json:"path"`
	// From is the state left, empty for the request's first state.
	From string `json:"from"`
	// To is the state entered.
	To string `json:"to"`
	// Reason is the request's Reason on entering To.
	Reason string `json:"reason,omitempty"`
	// At is when To was entered.
	At time.Time `json:"at"`
}

// RequestFilter selects requests; zero fields select everything.
type RequestFilter struct {
	// States keeps requests in any of these states.
	States []string
	// Person keeps the requests for this person.
	Person string
	// WaitingOn keeps the requests waiting on this person.
	WaitingOn string
	// System keeps the requests for this system.
	System string
}

// SetRequest records the current state of r, keyed by r.Path, and
// reports whether the state changed. A change (or a request seen for the
// first time) appends a Transition and starts Since afresh: r.Since, or
// now when zero. Without a change the request keeps its Since and only
// its other fields are updated. UpdatedAt is always now.
func (s *Store) SetRequest(ctx context.Context, r Request) (changed bool, err error) {
	op := fmt.Sprintf("record state of request %s", r.Path)
	if r.Path == "" {
		return false, fmt.Errorf("%s: a request needs its path", op)
	}
	if err := oneOf("request state", r.State, States); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	err = s.write(ctx, op, func(tx *txn) error {
		var old string
		var since int64
		err := tx.QueryRowContext(ctx, `SELECT state, since FROM requests WHERE path = ?`, r.Path).Scan(&old, &since)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := nanos(s.stamp(time.Time{}))
		changed = errors.Is(err, sql.ErrNoRows) || old != r.State
		if changed {
			since = now
			if !r.Since.IsZero() {
				since = nanos(r.Since)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests
			(path, person, system, level, state, reason, pr, commit_sha, approvers, waiting_on, since, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (path) DO UPDATE SET person = excluded.person, system = excluded.system,
				level = excluded.level, state = excluded.state, reason = excluded.reason, pr = excluded.pr,
				commit_sha = excluded.commit_sha, approvers = excluded.approvers,
				waiting_on = excluded.waiting_on, since = excluded.since, updated_at = excluded.updated_at`,
			r.Path, r.Person, r.System, r.Level, r.State, r.Reason, r.PR, r.Commit,
			sortedJSON(r.Approvers), sortedJSON(r.WaitingOn), since, now); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO transitions (path, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)`,
			r.Path, old, r.State, r.Reason, since)
		return err
	})
	return changed, err
}

const requestColumns = `path, person, system, level, state, reason, pr, commit_sha, approvers, waiting_on, since, updated_at`

func scanRequest(row scanner) (Request, error) {
	var r Request
	var approvers, waiting string
	var since, updated int64
	if err := row.Scan(&r.Path, &r.Person, &r.System, &r.Level, &r.State, &r.Reason, &r.PR, &r.Commit,
		&approvers, &waiting, &since, &updated); err != nil {
		return Request{}, err
	}
	var err error
	if r.Approvers, err = parseList("approvers of request "+r.Path, approvers); err != nil {
		return Request{}, err
	}
	if r.WaitingOn, err = parseList("people request "+r.Path+" waits on", waiting); err != nil {
		return Request{}, err
	}
	r.Since, r.UpdatedAt = fromNanos(since), fromNanos(updated)
	return r, nil
}

// Request returns the recorded state of the request at path, and false
// when none is recorded.
func (s *Store) Request(ctx context.Context, path string) (Request, bool, error) {
	r, err := scanRequest(s.queryRow(ctx, `SELECT `+requestColumns+` FROM requests WHERE path = ?`, path))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, false, nil
	}
	if err != nil {
		return Request{}, false, s.fail("read state of request "+path, err)
	}
	return r, true, nil
}

// Requests lists the requests f selects, by path.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]Request, error) {
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, "state IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.States)), ", ")+")")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Person != "" {
		where = append(where, "person = ?")
		args = append(args, f.Person)
	}
	if f.System != "" {
		where = append(where, "system = ?")
		args = append(args, f.System)
	}
	if f.WaitingOn != "" {
		where = append(where, s.dialect.waitingOn())
		args = append(args, f.WaitingOn)
	}
	q := `SELECT ` + requestColumns + ` FROM requests`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return query(ctx, s, "list requests", scanRequest, q+" ORDER BY path", args...)
}

// History lists the transitions of the request at path in the order they
// were recorded.
func (s *Store) History(ctx context.Context, path string) ([]Transition, error) {
	return query(ctx, s, "read history of request "+path, func(row scanner) (Transition, error) {
		var t Transition
		var at int64
		err := row.Scan(&t.Path, &t.From, &t.To, &t.Reason, &at)
		t.At = fromNanos(at)
		return t, err
	}, `SELECT path, from_state, to_state, reason, at FROM transitions WHERE path = ? ORDER BY id`, path)
}
