package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/policytest"
)

func init() {
	extraCommands = append(extraCommands, newTestCmd)
}

func newTestCmd() *cobra.Command {
	var (
		repo     repoFlags
		opts     policytest.Options
		format   = formatFlag{allowed: []string{policytest.FormatText, policytest.FormatJSON}}
		coverage bool
	)
	cmd := &cobra.Command{
		Use:     "test [--repo DIR] [--rev REV] [--coverage] [--run REGEX] [--verbose] [--format text|json]",
		GroupID: "repo",
		Short:   "Run the access repo's Rego policy tests",
		Long: `Test runs the Rego tests of the access repo (test_ rules in policies/**/*.rego,
usually in *_test.rego files) together with gatehouse's built-in policy
library and its tests, as opa test does, and prints opa test's report:
failures and errors under their file and line, every test with --verbose,
and a summary such as PASS: 12/12. Library files are named
gatehouse/policies/lib/....

Policies are Rego v1. Tests may call gatehouse.can(person, action, "Kind/name")
and gatehouse.who_can(action, "Kind/name"), which answer from the access
repo's own people, roles, systems and objects, or mock them:
  with gatehouse.who_can as fake_who_can
data.gatehouse.base is empty in tests: set what a test needs with
  with data.gatehouse.base.teams as {...}

--coverage prints opa test's JSON coverage report of the access repo's
policy files instead (when every test passes).

Exit status: 0 every test passed, 1 a test failed or errored, 2 the tests
could not run (a policy that does not parse or compile, an access repo with
errors).`,
		Example: `  gatehouse test --repo examples/acme
  gatehouse test --verbose --run prod_db
  gatehouse test --coverage`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			org, err := loadOrg(cmd, repo.dir, repo.rev)
			if err != nil {
				return err
			}
			opts.Org, opts.Coverage = org, coverage
			res, err := policytest.Run(cmd.Context(), opts)
			var compile *policytest.CompileError
			if errors.As(err, &compile) {
				fmt.Fprintln(cmd.ErrOrStderr(), compile)
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("the policies do not compile as Rego v1: fix %s and run gatehouse test again",
					plural(len(compile.Findings), "error"))}
			}
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if res.OrgTests == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), noOrgTests(repo, res, opts.Run))
			}
			if err := res.Report(cmd.OutOrStdout(), format.value); err != nil {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("write the test report: %w", err)}
			}
			if !res.Passed() {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	cmd.Flags().BoolVar(&coverage, "coverage", false, "print the JSON coverage report of the access repo's policies")
	cmd.Flags().StringVar(&opts.Run, "run", "", "run only the tests whose name (data.package.test_name) matches this regular expression")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "list every test, and trace each failure")
	format.register(cmd, "output format: text or json (ignored with --coverage)")
	return cmd
}

// noOrgTests says why none of the access repo's tests ran.
func noOrgTests(repo repoFlags, res policytest.Result, run string) string {
	where := repo.dir + revArg(repo.rev)
	switch {
	case res.OrgFiles == 0:
		return fmt.Sprintf("%s has no policies/*.rego: ran gatehouse's built-in library tests only", where)
	case run != "":
		return fmt.Sprintf("no test of %s matches --run %q", where, run)
	}
	return fmt.Sprintf("%s has no tests: add test_ rules in policies/*_test.rego", where)
}
