package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event is one entry of the audit log.
type Event struct {
	// ID is assigned by Audit; ids grow in the order events are
	// recorded.
	ID int64 `json:"id"`
	// Time is when it happened; zero means now.
	Time time.Time `json:"time"`
	// Actor is who did it: a person, or "gatehouse" for the controller.
	Actor string `json:"actor"`
	// Kind says what happened: "grant", "revoke", "override",
	// "unapproved-merge", "provisioned".
	Kind string `json:"kind"`
	// Subject is what it happened to: a request path, an account.
	Subject string `json:"subject,omitempty"`
	// Detail holds the rest as text, such as the reason or the error.
	Detail map[string]string `json:"detail,omitempty"`
}

// AuditQuery selects audit events; zero fields select everything.
type AuditQuery struct {
	// Since keeps events at or after this time.
	Since time.Time
	// Until keeps events before this time.
	Until time.Time
	// Kind, Subject and Actor keep the events with exactly this value.
	Kind, Subject, Actor string
	// Limit keeps only the latest Limit events; 0 keeps all.
	Limit int
}

// Audit appends e to the audit log. The log is append-only: the store
// has no way to change or remove an event, and the database refuses to.
// Actor and Kind are required.
func (s *Store) Audit(ctx context.Context, e Event) error {
	op := fmt.Sprintf("record audit event %s of %s", e.Kind, e.Subject)
	if e.Actor == "" || e.Kind == "" {
		return fmt.Errorf("%s: an audit event needs an actor and a kind", op)
	}
	detail, err := json.Marshal(e.Detail) // map keys marshal sorted
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	return s.write(ctx, op, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_events (at, actor, kind, subject, detail) VALUES (?, ?, ?, ?, ?)`,
			nanos(s.stamp(e.Time)), e.Actor, e.Kind, e.Subject, string(detail))
		return err
	})
}

// AuditLog returns the events q selects, oldest first (by time, then by
// the order they were recorded). With a Limit it returns the latest
// Limit of them, still oldest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]Event, error) {
	var where []string
	var args []any
	if !q.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, nanos(q.Since))
	}
	if !q.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, nanos(q.Until))
	}
	for _, f := range [][2]string{{"kind", q.Kind}, {"subject", q.Subject}, {"actor", q.Actor}} {
		if f[1] != "" {
			where, args = append(where, f[0]+" = ?"), append(args, f[1])
		}
	}
	text := `SELECT id, at, actor, kind, subject, detail FROM audit_events`
	if len(where) > 0 {
		text += " WHERE " + strings.Join(where, " AND ")
	}
	text += " ORDER BY at DESC, id DESC"
	if q.Limit > 0 {
		text += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	events, err := query(ctx, s, "read the audit log", scanEvent, text, args...)
	slices.Reverse(events)
	return events, err
}

func scanEvent(row scanner) (Event, error) {
	var e Event
	var at int64
	var detail string
	if err := row.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.Subject, &detail); err != nil {
		return Event{}, err
	}
	e.Time = fromNanos(at)
	if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
		return Event{}, fmt.Errorf("read detail of audit event %d: %w", e.ID, err)
	}
	if len(e.Detail) == 0 {
		e.Detail = nil
	}
	return e, nil
}
