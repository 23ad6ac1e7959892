package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/github"
	ghintegration "github.com/gatehouse-dev/gatehouse/controller/integration/github"
	"github.com/gatehouse-dev/gatehouse/controller/request"
)

func init() { pullRequestOpener = openerFor }

// openerFor opens pull requests on repository through the GitHub API,
// with GITHUB_TOKEN and GITHUB_API_URL from the environment.
func openerFor(repository, _ string) (request.PullRequestOpener, error) {
	owner, name, ok := strings.Cut(repository, "/")
	if !ok || owner == "" || name == "" {
		return nil, fmt.Errorf("github.repository %q in gatehouse.yaml is not owner/name", repository)
	}
	c, err := ghintegration.ClientFrom(os.Getenv)
	if err != nil {
		return nil, err
	}
	return prOpener{github.NewClient(c, owner, name)}, nil
}

// prOpener adapts the GitHub client to gatehouse request.
type prOpener struct{ c *github.Client }

func (o prOpener) CreatePullRequest(ctx context.Context, head, base, title, body string) (int, string, error) {
	pr, err := o.c.CreatePullRequest(ctx, head, base, title, body)
	return pr.Number, pr.HTMLURL, err
}
