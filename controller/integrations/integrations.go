// Package integrations sets up the access repo's configured integrations
// with credentials from the environment, for the commands and the
// controller that reconcile.
package integrations

import (
	"context"
	"fmt"

	"github.com/gatehouse-dev/gatehouse/controller/integration/github"
	"github.com/gatehouse-dev/gatehouse/controller/integration/postgres"
	"github.com/gatehouse-dev/gatehouse/controller/integration/scim"
	"github.com/gatehouse-dev/gatehouse/controller/integration/slack"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
)

// Build sets up the access repo's Config integrations with
// credentials from the environment (S9: never from the access repo). An
// integration without credentials, or of a type gatehouse cannot
// provision yet, is returned in notConfigured with what to set; its
// changes wait while everything else runs. closeAll releases connections.
func Build(ctx context.Context, org *model.Org, getenv func(string) string, readFile func(string) ([]byte, error)) (
	its map[string]reconcile.Integration, notConfigured map[string]error, closeAll func()) {
	its, notConfigured = map[string]reconcile.Integration{}, map[string]error{}
	var closers []func()
	closeAll = func() {
		for _, c := range closers {
			c()
		}
	}
	if org.Config == nil {
		return its, notConfigured, closeAll
	}
	for _, in := range org.Config.Integrations {
		it, closer, err := buildIntegration(ctx, in, getenv, readFile)
		if err != nil {
			notConfigured[in.Name] = err
			continue
		}
		its[in.Name] = it
		if closer != nil {
			closers = append(closers, closer)
		}
	}
	return its, notConfigured, closeAll
}

func buildIntegration(ctx context.Context, in model.Integration, getenv func(string) string, readFile func(string) ([]byte, error)) (reconcile.Integration, func(), error) {
	switch {
	case in.Type == model.IntegrationGitHub && in.GitHub != nil:
		client, err := github.ClientFromEnv()
		if err != nil {
			return nil, nil, err
		}
		// The token's own account, which the integration never changes.
		return github.New(*in.GitHub, client, getenv("GATEHOUSE_GITHUB_LOGIN")), nil, nil
	case in.Type == model.IntegrationPostgres && in.Postgres != nil:
		cred, err := postgres.CredentialsFromEnv(postgres.EnvPrefix(in.Name), getenv, readFile)
		if err != nil {
			return nil, nil, err
		}
		it, err := postgres.New(ctx, *in.Postgres, cred)
		if err != nil {
			return nil, nil, err
		}
		return it, it.Close, nil
	case in.Type == model.IntegrationSCIM && in.SCIM != nil:
		token, err := scim.TokenFromEnv(scim.EnvPrefix(in.Name), getenv, readFile)
		if err != nil {
			return nil, nil, err
		}
		it, err := scim.New(*in.SCIM, token)
		if err != nil {
			return nil, nil, err
		}
		return it, nil, nil
	case in.Type == model.IntegrationSlack && in.Slack != nil:
		token, err := slack.TokenFromEnv(slack.EnvPrefix(in.Name), getenv, readFile)
		if err != nil {
			return nil, nil, err
		}
		var opts []slack.Option
		if u := getenv(slack.EnvAPIURL); u != "" {
			opts = append(opts, slack.WithAPIURL(u))
		}
		it, err := slack.New(*in.Slack, token, opts...)
		if err != nil {
			return nil, nil, err
		}
		return it, nil, nil
	}
	// Validation refuses both; a Config built by hand may still hold them.
	return nil, nil, fmt.Errorf("%w: integration %s of type %q has no settings block for its type, or gatehouse does not know the type (github, postgres, slack, scim); fix gatehouse.yaml (gatehouse validate says how)",
		reconcile.ErrNotConfigured, in.Name, in.Type)
}
