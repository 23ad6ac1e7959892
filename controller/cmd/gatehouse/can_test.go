package main

import (
	"strings"
	"testing"
)

// TestCanGolden runs can and who-can on testdata/can/repo and compares
// stdout, stderr and the exit status with testdata/can/<name>.golden.
func TestCanGolden(t *testing.T) {
	const repo = "testdata/can/repo"
	tests := []struct {
		name string
		args []string
	}{
		{"can-allowed", []string{"can", "--repo", repo, "cora", "reassign-owner", "test/T-1"}},
		{"can-denied", []string{"can", "--repo", repo, "tess", "reassign-owner", "Test/T-1"}},
		{"can-explain-allowed", []string{"can", "--repo", repo, "--explain", "cora", "reassign-owner", "Test/T-1"}},
		{"can-explain-denied", []string{"can", "--repo", repo, "--explain", "eddie", "view", "Document/D-secret"}},
		{"can-explain-custom-role", []string{"can", "--repo", repo, "--explain", "lena", "archive", "RiskScenario/R-1"}},
		{"can-explain-offboarded", []string{"can", "--repo", repo, "--explain", "wes", "provision", "System/badge"}},
		{"can-json", []string{"can", "--repo", repo, "--format", "json", "pam", "approve-request", "System/github"}},
		{"can-json-explain", []string{"can", "--repo", repo, "--format", "json", "--explain", "emil", "approve-request", "System/github"}},
		{"can-unknown-person", []string{"can", "--repo", repo, "tes", "view", "Test/T-1"}},
		{"can-unknown-action", []string{"can", "--repo", repo, "tess", "veiw", "Test/T-1"}},
		{"can-unknown-object", []string{"can", "--repo", repo, "tess", "view", "Test/T-2"}},
		{"can-unknown-kind", []string{"can", "--repo", repo, "tess", "view", "Tset/T-1"}},
		{"can-bad-format", []string{"can", "--repo", repo, "--format", "yaml", "tess", "view", "Test/T-1"}},
		{"can-missing-args", []string{"can", "--repo", repo, "tess", "view"}},
		{"who-can-system", []string{"who-can", "--repo", repo, "approve-request", "System/github"}},
		{"who-can-restricted", []string{"who-can", "--repo", repo, "view", "document/D-secret"}},
		{"who-can-json", []string{"who-can", "--repo", repo, "--format", "json", "reassign-owner", "Test/T-1"}},
		{"who-can-nobody", []string{"who-can", "--repo", repo, "provision", "System/badge"}},
		{"who-can-unknown-object", []string{"who-can", "--repo", repo, "provision", "System/gihub"}},
		{"can-explain-any-system", []string{"can", "--repo", repo, "--explain", "pam", "approve-request", "System/*"}},
		{"can-json-explain-any-document", []string{"can", "--repo", repo, "--format", "json", "--explain", "eddie", "view", "document/*"}},
		{"can-unknown-wildcard", []string{"can", "--repo", repo, "ada", "view", "Test/T-*"}},
		{"who-can-any-control-acme", []string{"who-can", "--repo", "../../../examples/acme", "delete", "Control/*"}},
		{"who-can-any-system-nobody", []string{"who-can", "--repo", repo, "approve-request", "System/*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, "can", tt.name, tt.args...)
		})
	}
}

// TestCanExitCodes checks the CLI contract's exit statuses directly, so a
// golden file rewritten by mistake cannot hide a change.
func TestCanExitCodes(t *testing.T) {
	const repo = "testdata/can/repo"
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"can", "--repo", repo, "cora", "view", "Test/T-1"}, exitOK},
		{[]string{"can", "--repo", repo, "emil", "view", "Test/T-1"}, exitFailed},
		{[]string{"can", "--repo", repo, "nobody", "view", "Test/T-1"}, exitCouldNotRun},
		{[]string{"can", "--repo", "testdata/can/no-such-repo", "cora", "view", "Test/T-1"}, exitCouldNotRun},
		{[]string{"who-can", "--repo", repo, "view", "Test/T-1"}, exitOK},
		{[]string{"who-can", "--repo", repo, "provision", "System/badge"}, exitFailed},
		{[]string{"who-can", "--repo", repo, "view", "Test/nope"}, exitCouldNotRun},
		{[]string{"can", "--repo", repo, "ada", "delete", "Control/*"}, exitOK},
		{[]string{"can", "--repo", repo, "cora", "view", "Control/*"}, exitFailed},
		{[]string{"who-can", "--repo", repo, "configure", "System/*"}, exitOK},
		{[]string{"who-can", "--repo", repo, "provision", "System/*"}, exitFailed},
		{[]string{"who-can", "--repo", repo, "view", "AccessReview/*/github"}, exitCouldNotRun},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[3:], " "), func(t *testing.T) {
			if r := gatehouse(t, tt.args...); r.code != tt.want {
				t.Errorf("exit %d, want %d; stdout %q, stderr %q", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}
