package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "gatehouse",
		Short: "Policy-as-code access requests for a Git access repo",
		Long: `gatehouse keeps who may access which company systems in a Git repository
(the access repo): people, teams, roles, systems with access levels,
compliance objects and their owners, as YAML. An engineer asks for access by
opening a pull request that adds an AccessRequest file; Rego policies decide
who must approve; after the merge gatehouse provisions the access.

Start with:
  gatehouse validate --repo examples/acme     check an access repo
  gatehouse help validate                     what validate reports`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddGroup(
		&cobra.Group{ID: "repo", Title: "Access repo:"},
		&cobra.Group{ID: "authz", Title: "Permissions:"},
	)
	root.AddCommand(
		newValidateCmd(),
		newVersionCmd(),
	)
	for _, extra := range extraCommands {
		root.AddCommand(extra())
	}
	return root
}

// extraCommands lets commands built in their own files register
// themselves without editing this list.
var extraCommands []func() *cobra.Command
