package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLifecycleRecordsTransitionsOnChangeOnly(t *testing.T) {
	forBackends(t, testLifecycleRecordsTransitionsOnChangeOnly)
}

func testLifecycleRecordsTransitionsOnChangeOnly(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	path := "requests/alice-github-admin.yaml"
	r := Request{Path: path, Person: "alice", System: "github", Level: "admin", State: StatePendingApproval,
		PR: 7, Commit: "abc", WaitingOn: []string{"dave", "carol"}}
	opened := time.Date(2025, 2, 28, 12, 0, 0, 0, time.FixedZone("PST", -8*3600))
	r.Since = opened
	steps := []struct {
		edit    func(*Request)
		changed bool
	}{
		{func(*Request) {}, true},
		// Same state, new head commit and one more reviewer to wait on.
		{func(r *Request) {
			r.Commit, r.WaitingOn, r.Since = "def", []string{"carol", "dave", "erin"}, time.Time{}
		}, false},
		{func(r *Request) { r.State, r.Approvers, r.WaitingOn = StateApproved, []string{"carol"}, nil }, true},
		{func(r *Request) { r.State, r.WaitingOn = StatePendingProvisioning, []string{"gh-admin"} }, true},
		{func(r *Request) {}, false},
		{func(r *Request) { r.State, r.Reason, r.WaitingOn = StateProvisioned, "provisioned by gh-admin", nil }, true},
	}
	for i, st := range steps {
		st.edit(&r)
		changed, err := s.SetRequest(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if changed != st.changed {
			t.Errorf("step %d (%s): changed = %v, want %v", i, r.State, changed, st.changed)
		}
	}
	hist, err := s.History(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, h.From+"->"+h.To)
	}
	want := []string{"->pending-approval", "pending-approval->approved", "approved->pending-provisioning",
		"pending-provisioning->provisioned"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("History = %v, want %v", got, want)
	}
	if !hist[0].At.Equal(opened) || hist[0].At.Location() != time.UTC {
		t.Errorf("first transition at %v, want the given Since %v in UTC", hist[0].At, opened)
	}
	if hist[3].Reason != "provisioned by gh-admin" {
		t.Errorf("last transition reason %q", hist[3].Reason)
	}
	cur, ok, err := s.Request(ctx, path)
	if err != nil || !ok {
		t.Fatalf("Request = %v, %v", ok, err)
	}
	if cur.State != StateProvisioned || !cur.Since.Equal(hist[3].At) || cur.Commit != "def" ||
		!reflect.DeepEqual(cur.Approvers, []string{"carol"}) || len(cur.WaitingOn) != 0 || !cur.UpdatedAt.Equal(cur.Since) {
		t.Errorf("current request %+v", cur)
	}
	if _, ok, err := s.Request(ctx, "requests/none.yaml"); ok || err != nil {
		t.Errorf("Request of an unknown path = %v, %v; want false, nil", ok, err)
	}
}

func TestSetRequestKeepsSinceWhileStateHolds(t *testing.T) {
	forBackends(t, testSetRequestKeepsSinceWhileStateHolds)
}

func testSetRequestKeepsSinceWhileStateHolds(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	r := Request{Path: "requests/a.yaml", Person: "alice", State: StatePendingApproval}
	if _, err := s.SetRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	first, _, _ := s.Request(ctx, r.Path)
	r.Since = first.Since.Add(time.Hour) // ignored: the state did not change
	if _, err := s.SetRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	again, _, _ := s.Request(ctx, r.Path)
	if !again.Since.Equal(first.Since) || !again.UpdatedAt.After(first.UpdatedAt) {
		t.Errorf("Since %v -> %v (want kept), UpdatedAt %v -> %v (want later)", first.Since, again.Since, first.UpdatedAt, again.UpdatedAt)
	}
}

func TestSetRequestRejects(t *testing.T) { forBackends(t, testSetRequestRejects) }

func testSetRequestRejects(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	for _, tc := range []struct {
		name string
		r    Request
		want string
	}{
		{"unknown state", Request{Path: "requests/a.yaml", State: "granted"}, "use one of: pending-approval"},
		{"no path", Request{State: StateApproved}, "needs its path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.SetRequest(context.Background(), tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("SetRequest: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRequestsFilter(t *testing.T) { forBackends(t, testRequestsFilter) }

func testRequestsFilter(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	for _, r := range []Request{
		{Path: "requests/d.yaml", Person: "bob", System: "postgres", State: StateProvisioned},
		{Path: "requests/a.yaml", Person: "alice", System: "github", State: StatePendingApproval, WaitingOn: []string{"carol", "dave"}},
		{Path: "requests/c.yaml", Person: "alice", System: "postgres", State: StatePendingProvisioning, WaitingOn: []string{"dba"}},
		{Path: "requests/b.yaml", Person: "bob", System: "github", State: StateUnapprovedMerge, WaitingOn: []string{"carol"}},
		{Path: "requests/e.yaml", Person: "carol", System: "github", State: StateDenied, Reason: "no business need"},
	} {
		if _, err := s.SetRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		filter RequestFilter
		want   []string
	}{
		{"all, by path", RequestFilter{}, []string{"a", "b", "c", "d", "e"}},
		{"open", RequestFilter{States: []string{StatePendingApproval, StateApproved, StatePendingProvisioning, StateUnapprovedMerge}}, []string{"a", "b", "c"}},
		{"mine", RequestFilter{Person: "alice"}, []string{"a", "c"}},
		{"needs my attention", RequestFilter{WaitingOn: "carol"}, []string{"a", "b"}},
		{"waiting on a name that is a prefix of another", RequestFilter{WaitingOn: "car"}, []string{}},
		{"system", RequestFilter{System: "postgres"}, []string{"c", "d"}},
		{"combined", RequestFilter{System: "github", WaitingOn: "carol", States: []string{StateUnapprovedMerge}}, []string{"b"}},
		{"the requester is not who it waits on", RequestFilter{WaitingOn: "carol", Person: "carol"}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.Requests(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, r := range list {
				got = append(got, strings.TrimSuffix(strings.TrimPrefix(r.Path, "requests/"), ".yaml"))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Requests(%+v) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}
