package reconcile

import (
	"reflect"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

func TestExpiryNoticesAndExpiredFiles(t *testing.T) {
	org := testOrg()
	add := func(file, person string, in time.Duration) {
		e := now.Add(in)
		org.Add(&model.AccessRequest{Kind: model.KindAccessRequest, Person: person, System: "badge", Level: "visitor", Expires: &e, Meta: model.Meta{File: file}})
	}
	add("a-8d.yaml", "alice", 8*24*time.Hour)
	add("b-7d.yaml", "bob", 7*24*time.Hour)
	add("c-2d.yaml", "carol", 2*24*time.Hour)
	add("d-1h.yaml", "alice", time.Hour)
	add("e-past.yaml", "bob", -time.Hour)
	add("f-offboarded.yaml", "dave", time.Hour)
	var got []string
	for _, n := range ExpiryNotices(org, now) {
		got = append(got, n.Request+" "+n.Person+" "+string(rune('0'+n.Days)))
	}
	want := []string{"b-7d.yaml bob 7", "c-2d.yaml carol 3", "d-1h.yaml alice 1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notices = %v, want %v", got, want)
	}
	if files := ExpiredFiles(org, now); !reflect.DeepEqual(files, []string{"e-past.yaml"}) {
		t.Errorf("expired files = %v", files)
	}
}

func TestUnseenEntitlementsWarnsOnlyWhereTheCatalogueIsKnown(t *testing.T) {
	org := testOrg()
	got := UnseenEntitlements(org, map[string][]string{"gh": {"member"}})
	if len(got) != 1 || got[0].Rule != RuleUnseenEntitlement || got[0].Severity != model.SeverityWarning {
		t.Fatalf("findings = %v, want one warning for team:platform:maintainer", got)
	}
	if none := UnseenEntitlements(org, nil); len(none) != 0 {
		t.Errorf("warned without a catalogue: %v", none)
	}
}
