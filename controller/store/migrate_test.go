package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// TestMigratesOldDatabases builds a database at each older schema
// version, fills what that version has, and opens it with the current
// gatehouse: every later step is applied once and nothing is lost.
func TestMigratesOldDatabases(t *testing.T) { forBackends(t, testMigratesOldDatabases) }

func testMigratesOldDatabases(t *testing.T, b backend) {
	if SchemaVersion() < 2 {
		t.Fatal("need at least two schema versions to test an upgrade")
	}
	for from := 1; from < SchemaVersion(); from++ {
		t.Run(fmt.Sprintf("from version %d", from), func(t *testing.T) {
			ctx := context.Background()
			path := b.newTarget(t)
			old, err := open(ctx, path, options{busyTimeout: DefaultBusyTimeout, upTo: from})
			if err != nil {
				t.Fatal(err)
			}
			if got := schemaVersions(t, old); len(got) != from {
				t.Fatalf("old database has versions %v, want 1..%d", got, from)
			}
			// Version 1 has the journal and the requests.
			id, err := old.Intend(ctx, grantAction("alice", "member"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := old.SetRequest(ctx, Request{Path: "requests/a.yaml", Person: "alice", State: StateApproved}); err != nil {
				t.Fatal(err)
			}
			if from >= 2 {
				if err := old.Audit(ctx, Event{Actor: "carol", Kind: "override"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}

			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			want := []int{}
			for v := 1; v <= SchemaVersion(); v++ {
				want = append(want, v)
			}
			if got := schemaVersions(t, s); !reflect.DeepEqual(got, want) {
				t.Fatalf("versions after upgrade = %v, want %v", got, want)
			}
			if p, err := s.Pending(ctx); err != nil || len(p) != 1 || p[0].ID != id {
				t.Errorf("Pending after upgrade = %+v, %v; want action %d", p, err, id)
			}
			if r, ok, err := s.Request(ctx, "requests/a.yaml"); err != nil || !ok || r.State != StateApproved {
				t.Errorf("request after upgrade = %+v, %v, %v", r, ok, err)
			}
			if events, err := s.AuditLog(ctx, AuditQuery{}); err != nil || len(events) != min(from-1, 1) {
				t.Errorf("audit log after upgrade = %+v, %v", events, err)
			}
			// The tables of every later step work.
			if err := s.Audit(ctx, Event{Actor: "gatehouse", Kind: "grant"}); err != nil {
				t.Error(err)
			}
			if _, err := s.SeenDelivery(ctx, "d-1", s.now()); err != nil {
				t.Error(err)
			}
			if err := s.RecordDecision(ctx, Decision{PR: 1, Head: "h", Approved: true, Requests: []string{"requests/a.yaml"}}); err != nil {
				t.Error(err)
			}
		})
	}
}
