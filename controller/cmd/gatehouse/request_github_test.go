package main

import (
	"context"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/github/githubtest"
)

func TestRequestOpensThePullRequestAgainstFakeGitHub(t *testing.T) {
	fake := githubtest.NewServer(t)
	fake.SetBranch("acme", "access", "main", githubtest.SHA("main"))
	fake.SetBranch("acme", "access", "request/alice-github-member", githubtest.SHA("request"))
	t.Setenv("GITHUB_TOKEN", "ghp_test")
	t.Setenv("GITHUB_API_URL", fake.URL)
	op, err := openerFor("acme/access", "")
	if err != nil {
		t.Fatal(err)
	}
	n, url, err := op.CreatePullRequest(context.Background(), "request/alice-github-member", "main", "Access request: alice → github (member)", "body")
	if err != nil || n == 0 || url == "" {
		t.Fatalf("CreatePullRequest = %d %q %v", n, url, err)
	}
	if st := fake.PullRequestState("acme", "access", n); st.State != "open" {
		t.Errorf("the pull request is %q", st.State)
	}
	if _, err := openerFor("not-a-repository", ""); err == nil {
		t.Error("a repository without owner/name was accepted")
	}
}
