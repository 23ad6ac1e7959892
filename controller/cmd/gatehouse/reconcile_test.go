package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/store"
)

const acme = "../../../examples/acme"

func TestReconcileGolden(t *testing.T) {
	// No integration credentials in the environment: GitHub and
	// PostgreSQL wait, the manual systems become tasks.
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GITHUB_API_URL", "")
	t.Setenv("GATEHOUSE_GITHUB_APP_ID", "")
	state := t.TempDir()
	steps := []struct {
		name string
		args []string
		code int
	}{
		{"dry-run", []string{"reconcile", "--repo", acme, "--state-dir", state, "--dry-run"}, exitOK},
		{"apply", []string{"reconcile", "--repo", acme, "--state-dir", state}, exitOK},
		{"needs-attention", []string{"requests", "--state-dir", state, "--needs-attention", "alice", "--open"}, exitOK},
		{"provisioned-by-non-admin", []string{"provisioned", "access/pagerduty/zoe-responder.yaml", "--by", "zoe", "--repo", acme, "--state-dir", state}, exitCouldNotRun},
		{"provisioned", []string{"provisioned", "access/pagerduty/zoe-responder.yaml", "--by", "alice", "--repo", acme, "--state-dir", state}, exitOK},
		{"again", []string{"reconcile", "--repo", acme, "--state-dir", state, "--dry-run"}, exitOK},
		{"provisioned-integrated", []string{"provisioned", "access/github/alice-member.yaml", "--by", "alice", "--repo", acme, "--state-dir", state}, exitCouldNotRun},
	}
	for _, s := range steps {
		r := gatehouse(t, s.args...)
		got := fmt.Sprintf("$ gatehouse %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(s.args, " "), r.stdout, r.stderr, r.code)
		got = strings.ReplaceAll(got, state, "STATE")
		// Ages depend on how fast the test runs.
		got = strings.ReplaceAll(got, "  0m  ", "  AGE ")
		compareGolden(t, filepath.Join("testdata", "reconcile", s.name+".golden"), got)
		if r.code != s.code {
			t.Errorf("%s: exit %d, want %d", s.name, r.code, s.code)
		}
	}
	r := gatehouse(t, "audit", "--state-dir", state, "--kind", "provisioned", "--format", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"actor": "alice"`) || !strings.Contains(r.stdout, "zoe responder") {
		t.Errorf("the audit log lacks alice's provisioning:\n%s%s", r.stdout, r.stderr)
	}
}

func TestValidateWarnsAboutEntitlementsNeverSeen(t *testing.T) {
	state := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(state, "gatehouse.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSnapshot(context.Background(), "github", time.Now(), []store.Account{{ID: "mbell", Entitlements: []string{"admin", "member"}}}); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	r := gatehouse(t, "validate", "--repo", acme, "--state-dir", state)
	if r.code != exitOK || !strings.Contains(r.stdout+r.stderr, "unseen-entitlement") || !strings.Contains(r.stdout+r.stderr, "team:platform:maintainer") {
		t.Errorf("no unseen-entitlement warning:\n%s%s", r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, `"member", which`) {
		t.Errorf("warned about an entitlement the catalogue holds:\n%s", r.stdout+r.stderr)
	}
}
