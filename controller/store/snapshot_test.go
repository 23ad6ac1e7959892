package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func catalogueText(t *testing.T, s *Store, integration string) []string {
	t.Helper()
	entries, err := s.Catalogue(context.Background(), integration)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range entries {
		out = append(out, fmt.Sprintf("%s=%d %s..%s", e.Entitlement, e.Accounts, e.FirstSeen.Format("15:04"), e.LastSeen.Format("15:04")))
	}
	return out
}

func TestCatalogueKeepsEntitlementsOfVanishedAccounts(t *testing.T) {
	forBackends(t, testCatalogueKeepsEntitlementsOfVanishedAccounts)
}

func testCatalogueKeepsEntitlementsOfVanishedAccounts(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	at := func(hour int) time.Time { return time.Date(2025, 3, 3, hour, 0, 0, 0, time.UTC) }
	steps := []struct {
		at       time.Time
		accounts []Account
		want     []string
	}{
		{at(9), []Account{
			{ID: "bob", Entitlements: []string{"member", "team:platform:member"}},
			{ID: "alice", Entitlements: []string{"admin", "member", "member"}},
		}, []string{"admin=1 09:00..09:00", "member=2 09:00..09:00", "team:platform:member=1 09:00..09:00"}},
		// alice is deleted from the organisation; carol joins.
		{at(10), []Account{
			{ID: "carol", Entitlements: []string{"member"}},
			{ID: "bob", Entitlements: []string{"member"}},
		}, []string{"admin=0 09:00..09:00", "member=2 09:00..10:00", "team:platform:member=0 09:00..09:00"}},
		// A late snapshot from before the last one adds what it saw but
		// changes neither the counts nor the latest snapshot.
		{at(8), []Account{
			{ID: "dave", Entitlements: []string{"billing_manager", "member"}},
		}, []string{"admin=0 09:00..09:00", "billing_manager=0 08:00..08:00", "member=2 08:00..10:00", "team:platform:member=0 09:00..09:00"}},
		{at(11), nil, []string{"admin=0 09:00..09:00", "billing_manager=0 08:00..08:00", "member=0 08:00..10:00", "team:platform:member=0 09:00..09:00"}},
	}
	for i, st := range steps {
		if err := s.SaveSnapshot(ctx, "github", st.at, st.accounts); err != nil {
			t.Fatal(err)
		}
		if got := catalogueText(t, s, "github"); !reflect.DeepEqual(got, st.want) {
			t.Errorf("step %d: Catalogue =\n%v\nwant\n%v", i, got, st.want)
		}
	}
	if got := catalogueText(t, s, "postgres"); len(got) != 0 {
		t.Errorf("another integration's catalogue = %v, want empty", got)
	}
}

func TestLastSnapshot(t *testing.T) { forBackends(t, testLastSnapshot) }

func testLastSnapshot(t *testing.T, b backend) {
	s, _ := openTest(t, b)
	ctx := context.Background()
	at, accounts, err := s.LastSnapshot(ctx, "github")
	if err != nil || !at.IsZero() || accounts != nil {
		t.Fatalf("LastSnapshot before any = %v, %v, %v; want zero", at, accounts, err)
	}
	taken := time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	if err := s.SaveSnapshot(ctx, "github", taken, []Account{
		{ID: "bob", Entitlements: []string{"member"}},
		{ID: "alice", Entitlements: []string{"member", "admin", ""}},
		{ID: "bob", Entitlements: []string{"team:platform:maintainer"}},
		{ID: "erin"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(ctx, "postgres", taken, []Account{{ID: "app", Entitlements: []string{"app_readonly"}}}); err != nil {
		t.Fatal(err)
	}
	at, accounts, err = s.LastSnapshot(ctx, "github")
	if err != nil {
		t.Fatal(err)
	}
	want := []Account{
		{ID: "alice", Entitlements: []string{"admin", "member"}},
		{ID: "bob", Entitlements: []string{"member", "team:platform:maintainer"}},
		{ID: "erin", Entitlements: []string{}},
	}
	if !at.Equal(taken) || at.Location() != time.UTC || !reflect.DeepEqual(accounts, want) {
		t.Errorf("LastSnapshot = %v %+v\nwant %v %+v", at, accounts, taken.UTC(), want)
	}
	if err := s.SaveSnapshot(ctx, "", taken, nil); err == nil {
		t.Error("SaveSnapshot without an integration succeeded")
	}
}
