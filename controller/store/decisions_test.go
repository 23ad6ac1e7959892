package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestDecisionForRequest(t *testing.T) { forBackends(t, testDecisionForRequest) }

func testDecisionForRequest(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	at := func(min int) time.Time { return time.Date(2025, 3, 5, 14, min, 0, 0, time.UTC) }
	for _, d := range []Decision{
		{PR: 11, Head: "h11", MergeCommit: "m11", Approved: false, Requests: []string{"requests/b.yaml", "requests/a.yaml"}, At: at(0)},
		{PR: 12, Head: "h12", MergeCommit: "m12", Approved: true, Approvers: []string{"dave", "carol"}, Requests: []string{"requests/c.yaml"}, At: at(5)},
		// An approval after the merge of PR 11, for one of its requests.
		{PR: 11, Head: "h11", MergeCommit: "m11", Approved: true, Approvers: []string{"carol"}, Requests: []string{"requests/a.yaml"}, At: at(9)},
	} {
		if err := s.RecordDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		path     string
		found    bool
		approved bool
		at       time.Time
	}{
		{"requests/a.yaml", true, true, at(9)},
		{"requests/b.yaml", true, false, at(0)},
		{"requests/c.yaml", true, true, at(5)},
		{"requests/none.yaml", false, false, time.Time{}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			d, ok, err := s.DecisionForRequest(ctx, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.found || d.Approved != tc.approved || !d.At.Equal(tc.at) {
				t.Errorf("DecisionForRequest = %+v, %v; want found %v approved %v at %v", d, ok, tc.found, tc.approved, tc.at)
			}
		})
	}
	d, _, _ := s.DecisionForRequest(ctx, "requests/c.yaml")
	want := Decision{PR: 12, Head: "h12", MergeCommit: "m12", Approved: true, Approvers: []string{"carol", "dave"},
		Requests: []string{"requests/c.yaml"}, At: at(5)}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("decision = %+v, want %+v", d, want)
	}
}
