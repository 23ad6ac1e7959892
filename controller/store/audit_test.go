package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAuditLog(t *testing.T) { forBackends(t, testAuditLog) }

func testAuditLog(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	at := func(min int) time.Time { return time.Date(2025, 3, 2, 10, min, 0, 0, time.UTC) }
	for _, e := range []Event{
		{Time: at(5), Actor: "gatehouse", Kind: "grant", Subject: "github/alice/member", Detail: map[string]string{"reason": "approved", "requests": "requests/a.yaml"}},
		{Time: at(1), Actor: "carol", Kind: "override", Subject: "revocation cap", Detail: map[string]string{"allowRevocations": "40"}},
		{Time: at(5), Actor: "gatehouse", Kind: "revoke", Subject: "github/bob/admin"},
		{Time: at(9), Actor: "gh-admin", Kind: "provisioned", Subject: "requests/c.yaml"},
		{Time: at(7), Actor: "gatehouse", Kind: "unapproved-merge", Subject: "requests/d.yaml"},
	} {
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		query AuditQuery
		want  []string // kinds
	}{
		{"all, oldest first, ties in recording order", AuditQuery{}, []string{"override", "grant", "revoke", "unapproved-merge", "provisioned"}},
		{"since is inclusive, until exclusive", AuditQuery{Since: at(5), Until: at(9)}, []string{"grant", "revoke", "unapproved-merge"}},
		{"kind", AuditQuery{Kind: "revoke"}, []string{"revoke"}},
		{"actor", AuditQuery{Actor: "gatehouse"}, []string{"grant", "revoke", "unapproved-merge"}},
		{"subject", AuditQuery{Subject: "revocation cap"}, []string{"override"}},
		{"actor and kind", AuditQuery{Actor: "gatehouse", Kind: "provisioned"}, []string{}},
		{"limit keeps the latest", AuditQuery{Limit: 2}, []string{"unapproved-merge", "provisioned"}},
		{"limit with a filter", AuditQuery{Actor: "gatehouse", Limit: 2}, []string{"revoke", "unapproved-merge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, err := s.AuditLog(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, e := range events {
				got = append(got, e.Kind)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("AuditLog(%+v) = %v, want %v", tc.query, got, tc.want)
			}
		})
	}
	events, _ := s.AuditLog(ctx, AuditQuery{Kind: "grant"})
	want := Event{ID: 1, Time: at(5), Actor: "gatehouse", Kind: "grant", Subject: "github/alice/member",
		Detail: map[string]string{"reason": "approved", "requests": "requests/a.yaml"}}
	if len(events) != 1 || !reflect.DeepEqual(events[0], want) {
		t.Errorf("grant event = %+v, want %+v", events, want)
	}
	if err := s.Audit(ctx, Event{Kind: "grant"}); err == nil || !strings.Contains(err.Error(), "needs an actor") {
		t.Errorf("Audit without an actor: %v", err)
	}
}

// TestAuditLogIsAppendOnly checks both halves of the promise: the Store
// offers no way to change the log, and the database refuses to even when
// asked directly.
func TestAuditLogIsAppendOnly(t *testing.T) { forBackends(t, testAuditLogIsAppendOnly) }

func testAuditLogIsAppendOnly(t *testing.T, b backend) {
	for _, name := range methodNames(reflect.TypeFor[*Store]()) {
		lower := strings.ToLower(name)
		if strings.Contains(lower, "audit") && name != "Audit" && name != "AuditLog" {
			t.Errorf("Store.%s: the audit log has exactly two methods, Audit and AuditLog", name)
		}
	}
	s, _ := openTest(t, b)
	ctx := context.Background()
	if err := s.Audit(ctx, Event{Actor: "carol", Kind: "override", Subject: "revocation cap"}); err != nil {
		t.Fatal(err)
	}
	attempts := []string{
		`UPDATE audit_events SET actor = 'mallory'`,
		`DELETE FROM audit_events`,
	}
	if b.name == postgresBackend.name {
		attempts = append(attempts,
			`INSERT INTO audit_events (id, at, actor, kind) VALUES (1, 0, 'mallory', 'override')
				ON CONFLICT (id) DO UPDATE SET actor = excluded.actor`,
			`TRUNCATE audit_events`)
	} else {
		attempts = append(attempts,
			`INSERT OR REPLACE INTO audit_events (id, at, actor, kind) VALUES (1, 0, 'mallory', 'override')`)
	}
	for _, stmt := range attempts {
		if _, err := s.db.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", stmt, err)
		}
	}
	events, err := s.AuditLog(ctx, AuditQuery{})
	if err != nil || len(events) != 1 || events[0].Actor != "carol" {
		t.Fatalf("audit log after the attempts = %+v, %v", events, err)
	}
}

func methodNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumMethod() {
		names = append(names, t.Method(i).Name)
	}
	return names
}
