package slack_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/integration/slack"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack/slacktest"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// build sets the integration up as the controller does: the token and
// the API URL from the environment, the settings from gatehouse.yaml.
func build(in model.Integration, getenv func(string) string) (reconcile.Integration, error) {
	token, err := slack.TokenFromEnv(slack.EnvPrefix(in.Name), getenv, os.ReadFile)
	if err != nil {
		return nil, err
	}
	var opts []slack.Option
	if u := getenv(slack.EnvAPIURL); u != "" {
		opts = append(opts, slack.WithAPIURL(u))
	}
	return slack.New(*in.Slack, token, opts...)
}

func TestBuildFromEnvAgainstFakeSlack(t *testing.T) {
	const token = "xoxp-from-the-environment"
	srv := slacktest.New(t, token)
	srv.AddUser(slacktest.User{ID: "U04ACME0010", Name: "alice"})
	in := model.Integration{Name: "slack", Type: model.IntegrationSlack, Slack: &model.SlackIntegration{Workspace: "acme"}}

	_, err := build(in, func(string) string { return "" })
	if !errors.Is(err, reconcile.ErrNotConfigured) {
		t.Fatalf("build without a token = %v, want reconcile.ErrNotConfigured", err)
	}

	env := map[string]string{"GATEHOUSE_SLACK_SLACK_TOKEN": token, slack.EnvAPIURL: srv.URL}
	it, err := build(in, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := it.List(context.Background(), []string{slack.Member})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 1 || accounts[0].ID != "U04ACME0010" {
		t.Errorf("List = %v, want alice alone", accounts)
	}
}
