package main

import (
	"github.com/spf13/cobra"
	"os"
	"path/filepath"

	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/server"
	"github.com/gatehouse-dev/gatehouse/controller/validate"
)

func newValidateCmd() *cobra.Command {
	var (
		repo   repoFlags
		format = formatFlag{allowed: []string{"text", "json", "github"}}
		now    nowFlag
		state  stateFlags
	)
	cmd := &cobra.Command{
		Use:     "validate [--repo DIR] [--rev REV] [--format text|json|github]",
		GroupID: "repo",
		Short:   "Check an access repo: syntax, schemas and every semantic rule",
		Long: `Validate reads every YAML document of an access repo, from a directory or
from a Git revision, and reports what is wrong with it: YAML and schema
errors (unknown fields, wrong types, missing names), references that do not
resolve (an approver who is not a person, a level the system does not
have), approvers and owners without the collaborator role, offboarded
approvers or admins, requests that lack a justification or outlive their
level's maximum duration, and more.

Each finding names the file, line and column, the rule and what to do:

  systems/github.yaml:9:5: error unknown-person: approver "alcie" is not a person; did you mean "alice"?

Exit status: 0 when there are no errors (warnings only), 1 when there are
errors, 2 when the repo could not be read at all.`,
		Example: `  gatehouse validate --repo examples/acme
  gatehouse validate --rev origin/main --format json
  gatehouse validate --format github      # annotations in GitHub Actions`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			render := findingRenderers[format.value]
			t, err := now.time()
			if err != nil {
				return err
			}
			opts := validate.Options{Now: t}
			org, findings, err := load.Open(cmd.Context(), repo.dir, repo.rev)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			findings = append(findings, validate.Org(org, opts)...)
			unseen, err := catalogueFindings(cmd, org, state)
			if err != nil {
				return err
			}
			findings = append(findings, unseen...)
			findings.Sort()
			if err := render(cmd, findingReport{repo: repo, org: org, findings: findings}); err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if findings.Errors() > 0 {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	format.register(cmd, "output format: text, json or github (workflow annotations)")
	now.register(cmd, "evaluate expiry as of this RFC 3339 time instead of the current time")
	cmd.Flags().StringVar(&state.dir, "state-dir", "", "also warn about access levels whose entitlement the integration never reported, from the controller's store in this folder (or $GATEHOUSE_STATE_DIR)")
	return cmd
}

// findingReport is what validate renders.
type findingReport struct {
	repo     repoFlags
	org      *model.Org
	findings model.Findings
}

// catalogueFindings warns about access levels mapping to entitlements the
// integrations never reported, when a controller's store is at hand
// (--state-dir or GATEHOUSE_STATE_DIR); without one there is nothing to
// compare with.
func catalogueFindings(cmd *cobra.Command, org *model.Org, state stateFlags) (model.Findings, error) {
	shared := os.Getenv(server.EnvStoreURL) != ""
	if state.dir == "" && os.Getenv("GATEHOUSE_STATE_DIR") == "" && !shared {
		return nil, nil
	}
	dir, err := state.path()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "gatehouse.db")); err != nil && !shared {
		return nil, nil
	}
	st, err := state.open(cmd)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	catalogue := map[string][]string{}
	for _, s := range org.Systems {
		t := reconcile.Target(s)
		if _, done := catalogue[t]; done || s.Integration == "" {
			continue
		}
		entries, err := st.Catalogue(cmd.Context(), t)
		if err != nil {
			return nil, &exitError{code: exitCouldNotRun, err: err}
		}
		seen := make([]string, len(entries))
		for i, e := range entries {
			seen[i] = e.Entitlement
		}
		catalogue[t] = seen
	}
	return reconcile.UnseenEntitlements(org, catalogue), nil
}
