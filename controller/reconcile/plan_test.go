package reconcile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// testOrg is an organisation with an integrated system (github), a manual
// one (badge) and requests built from spec lines "person system level
// [expired]".
func testOrg(requests ...string) *model.Org {
	org := model.NewOrg()
	org.Add(&model.Config{Kind: model.KindConfig, Name: "acme", Integrations: []model.Integration{
		{Name: "gh", Type: model.IntegrationGitHub, GitHub: &model.GitHubIntegration{Organization: "acme"}},
		{Name: "pruned", Type: model.IntegrationGitHub, Prune: true, GitHub: &model.GitHubIntegration{Organization: "acme2"}},
	}})
	for _, p := range []string{"alice", "bob", "carol", "dave"} {
		org.Add(&model.Person{Kind: model.KindPerson, Name: p, GitHub: p + "-gh", Role: model.RoleCollaborator})
	}
	org.PersonByName["dave"].Status = model.StatusOffboarded
	org.Add(&model.System{Kind: model.KindSystem, Name: "github", Integration: "gh", AccessLevels: []model.AccessLevel{
		{Name: "member", Entitlement: "member"}, {Name: "maintainer", Entitlement: "team:platform:maintainer"}, {Name: "also-member", Entitlement: "member"},
	}})
	org.Add(&model.System{Kind: model.KindSystem, Name: "other", Integration: "pruned", AccessLevels: []model.AccessLevel{{Name: "member"}}})
	org.Add(&model.System{Kind: model.KindSystem, Name: "badge", AccessLevels: []model.AccessLevel{{Name: "visitor"}}})
	for i, spec := range requests {
		f := strings.Fields(spec)
		r := &model.AccessRequest{Kind: model.KindAccessRequest, Person: f[0], System: f[1], Level: f[2]}
		r.File = fmt.Sprintf("access/%s/%s-%d.yaml", f[1], f[0], i)
		if len(f) > 3 {
			t := now.Add(-time.Hour)
			r.Expires = &t
		}
		org.Add(r)
	}
	return org
}

func account(target string, p *model.Person) (string, error) {
	if strings.HasPrefix(target, ManualPrefix) {
		return p.Name, nil
	}
	if p.GitHub == "" {
		return "", errors.New(p.Name + " has no github login")
	}
	return p.GitHub, nil
}

// describe renders a plan as one line per action, adoption, drift and
// hold, for comparison.
func describe(p *Plan) string {
	var b strings.Builder
	for _, t := range p.Targets {
		for _, a := range t.Actions {
			task := ""
			if a.Task {
				task = " (task)"
			}
			fmt.Fprintf(&b, "%s %s %s %s%s: %s\n", a.Op, t.Target, a.Account, a.Entitlement, task, a.Reason)
		}
		for _, k := range t.Adopt {
			fmt.Fprintf(&b, "adopt %s\n", k)
		}
		for _, k := range t.Drift {
			fmt.Fprintf(&b, "drift %s\n", k)
		}
		if t.Blocked != "" {
			fmt.Fprintf(&b, "blocked %s: %s\n", t.Target, t.Blocked)
		}
		if t.Err != "" {
			fmt.Fprintf(&b, "error %s: %s\n", t.Target, t.Err)
		}
	}
	for _, h := range p.Held {
		fmt.Fprintf(&b, "held %s %s\n", h.Request, h.State)
	}
	return b.String()
}

func key(target, account, entitlement string) Key {
	return Key{Target: target, Account: account, Entitlement: entitlement}
}

func TestPlanDiffsDesiredAgainstObserved(t *testing.T) {
	cases := []struct {
		name     string
		requests []string
		approved func(string) bool
		observed map[string]Observed
		allow    int
		want     string
	}{
		{"new grant on an integration and a task on a manual system",
			[]string{"alice github member", "bob badge visitor"},
			nil,
			map[string]Observed{"gh": {Listed: true}, "manual/badge": {}},
			0,
			"grant gh alice-gh member: access/github/alice-0.yaml\ngrant manual/badge bob visitor (task): access/badge/bob-1.yaml\n"},
		{"already held and recorded: nothing to do",
			[]string{"alice github member"},
			nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "alice-gh", Entitlements: []string{"member"}}}, Managed: map[Key]bool{key("gh", "alice-gh", "member"): true}}},
			0, ""},
		{"already held but not recorded: adopted",
			[]string{"alice github member"},
			nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "alice-gh", Entitlements: []string{"member"}}}}},
			0, "adopt gh: alice-gh member\n"},
		{"two requests grant one entitlement: it stays while one remains (S12)",
			[]string{"alice github also-member"},
			nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "alice-gh", Entitlements: []string{"member"}}}, Managed: map[Key]bool{key("gh", "alice-gh", "member"): true}}},
			0, ""},
		{"the last request removed: revoked (S12)",
			nil,
			nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "alice-gh", Entitlements: []string{"member"}}}, Managed: map[Key]bool{key("gh", "alice-gh", "member"): true}}},
			0, "revoke gh alice-gh member: no request grants it any more\n"},
		{"offboarded: everything revoked (S12)",
			[]string{"dave github member"},
			nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "dave-gh", Entitlements: []string{"member"}}}, Managed: map[Key]bool{key("gh", "dave-gh", "member"): true}}},
			0, "revoke gh dave-gh member: dave is offboarded\n"},
		{"expired: held and revoked (S12)",
			[]string{"bob badge visitor expired"},
			nil,
			map[string]Observed{"manual/badge": {Managed: map[Key]bool{key("manual/badge", "bob", "visitor"): true}}},
			0, "revoke manual/badge bob visitor (task): the request expired\nheld access/badge/bob-0.yaml expired\n"},
		{"merged without approval: held, nothing granted (S13)",
			[]string{"alice github member", "bob github member"},
			func(r string) bool { return strings.Contains(r, "bob") },
			map[string]Observed{"gh": {Listed: true}},
			0, "grant gh bob-gh member: access/github/bob-1.yaml\nheld access/github/alice-0.yaml unapproved-merge\n"},
		{"drift is reported, not revoked",
			nil, nil,
			map[string]Observed{"gh": {Listed: true, Accounts: []Account{{ID: "zed", Entitlements: []string{"admin"}}}}},
			0, "drift gh: zed admin\n"},
		{"drift is revoked with prune: true",
			nil, nil,
			map[string]Observed{"pruned": {Listed: true, Accounts: []Account{{ID: "zed", Entitlements: []string{"member"}}}}},
			0, "revoke pruned zed member: drift: no request grants it (prune: true)\ndrift pruned: zed member\n"},
		{"a target that cannot be read waits",
			[]string{"alice github member"}, nil,
			map[string]Observed{"gh": {Err: ErrNotConfigured}},
			0, "error gh: integration not configured\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			org := testOrg(tc.requests...)
			desired, held := Desired(DesiredInput{Org: org, Now: now, Approved: tc.approved, Account: account})
			p := MakePlan(PlanInput{Org: org, Desired: desired, Held: held, Observed: tc.observed, AllowRevocations: tc.allow,
				Account: account, Tasks: func(t string) bool { return strings.HasPrefix(t, ManualPrefix) }})
			if got := describe(p); got != tc.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestS8MassRevocationStopsAtTheCap(t *testing.T) {
	org := testOrg()
	obs := Observed{Listed: true, Managed: map[Key]bool{}}
	for i := range 11 {
		id := fmt.Sprintf("user%d", i)
		obs.Accounts = append(obs.Accounts, Account{ID: id, Entitlements: []string{"member"}})
		obs.Managed[key("gh", id, "member")] = true
	}
	for _, tc := range []struct {
		allow   int
		revokes int
		blocked bool
	}{{0, 0, true}, {10, 0, true}, {11, 11, false}} {
		t.Run(fmt.Sprintf("allow %d", tc.allow), func(t *testing.T) {
			p := MakePlan(PlanInput{Org: org, Desired: map[Key]*Grant{}, Observed: map[string]Observed{"gh": obs}, AllowRevocations: tc.allow, Account: account})
			tp := p.Targets[0]
			if len(tp.Actions) != tc.revokes || (tp.Blocked != "") != tc.blocked {
				t.Fatalf("%d actions, blocked %q; want %d revocations, blocked %v", len(tp.Actions), tp.Blocked, tc.revokes, tc.blocked)
			}
			if tc.blocked && !strings.Contains(tp.Blocked, "--allow-revocations 11") {
				t.Errorf("the block does not say how to override it: %s", tp.Blocked)
			}
		})
	}
	// A share of the accounts: 3 of 10 is over 20%.
	small := Observed{Listed: true, Managed: map[Key]bool{}}
	for i := range 10 {
		id := fmt.Sprintf("user%d", i)
		small.Accounts = append(small.Accounts, Account{ID: id, Entitlements: []string{"member"}})
		if i < 3 {
			small.Managed[key("gh", id, "member")] = true
		}
	}
	p := MakePlan(PlanInput{Org: org, Desired: map[Key]*Grant{}, Observed: map[string]Observed{"gh": small}, Account: account})
	if p.Targets[0].Blocked == "" {
		t.Errorf("3 revocations of 10 accounts were not blocked at 20%%")
	}
}
