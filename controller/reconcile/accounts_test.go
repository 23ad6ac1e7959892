package reconcile

import (
	"strings"
	"testing"
)

func TestAccountsOfSortsAccountsAndEntitlements(t *testing.T) {
	got := AccountsOf(map[string]map[string]bool{"bob": {"b": true, "a": true}, "alice": {}})
	if len(got) != 2 || got[0].ID != "alice" || got[0].Entitlements == nil || len(got[0].Entitlements) != 0 ||
		got[1].ID != "bob" || strings.Join(got[1].Entitlements, ",") != "a,b" {
		t.Errorf("AccountsOf = %+v", got)
	}
}
