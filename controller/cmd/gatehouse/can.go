package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
)

func init() {
	extraCommands = append(extraCommands, newCanCmd, newWhoCanCmd)
}

const canObjectHelp = `Objects are written Kind/name, the kind in any case: Test/T-mfa-github,
riskscenario/R-credential-theft, System/github, Config/acme (settings and
Trust rows), Person/alice, AccessReview/q1-2027 and, for one system within
an access review, AccessReview/q1-2027/github. Kind/* (Control/*, System/*)
is any object of the kind, one no one holds an object role on yet, such as
a document a pull request adds: only org-level rights count there (the
org-level role and a custom role's permissions, trust roles, what every
active person may do), never owners, reviewers, viewers or a system's
approvers and admins.`

func newCanCmd() *cobra.Command {
	var (
		repo    repoFlags
		explain bool
		format  = formatFlag{allowed: []string{"text", "json"}}
	)
	cmd := &cobra.Command{
		Use:     "can [--repo DIR] [--rev REV] [--explain] [--format text|json] PERSON ACTION KIND/NAME|KIND/*",
		GroupID: "authz",
		Short:   "Say whether a person may do an action on an object, and why",
		Long: `Can answers one permission question from the access repo: may PERSON do
ACTION on the object? It applies gatehouse's permission model (org-level
roles, custom roles, object owners, reviewers and viewers, rights passed from
a control to its tests and documents and from a risk scenario to its tasks,
restricted documents, system approvers and admins) and, with --explain, says
which facts decide the answer.

` + canObjectHelp + `

Actions are the ids of the permission table, e.g. view, comment,
reassign-owner, download-results, approve-request, provision, configure.
An unknown person, action or object is an error that suggests the closest
valid name.

Exit status: 0 allowed, 1 denied, 2 could not answer.`,
		Example: `  gatehouse can alice download-results Test/T-mfa-github
  gatehouse can --explain marcus reassign-owner test/T-mfa-sso
  gatehouse can --repo examples/acme --format json eva view Document/D-background-checks
  gatehouse can --explain marcus delete 'Control/*'`,
		Args: canArgs("PERSON ACTION KIND/NAME", "gatehouse can alice view Test/T-1"),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := loadEngine(cmd, repo, format)
			if err != nil {
				return err
			}
			d, err := e.Explain(args[0], args[1], args[2])
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if format.value == "json" {
				err = renderDecisionJSON(cmd.OutOrStdout(), d, explain)
			} else {
				err = renderDecisionText(cmd.OutOrStdout(), d, explain)
			}
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("write the answer: %w", err)}
			}
			if !d.Allowed {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	cmd.Flags().BoolVar(&explain, "explain", false, "say why: the facts that grant the right, or why nothing does")
	format.register(cmd, "output format: text or json")
	return cmd
}

func newWhoCanCmd() *cobra.Command {
	var (
		repo   repoFlags
		format = formatFlag{allowed: []string{"text", "json"}}
	)
	cmd := &cobra.Command{
		Use:     "who-can [--repo DIR] [--rev REV] [--format text|json] ACTION KIND/NAME|KIND/*",
		GroupID: "authz",
		Short:   "List the people who may do an action on an object",
		Long: `Who-can lists everyone who may do ACTION on the object, with their org-level
role and the fact that grants each the right: the eligible approvers of a
system, who may reassign a test's owner, who sees a restricted document.
Only active people are listed; approvers and admins count only when they
hold collaborator or above.

` + canObjectHelp + `

Exit status: 0 when someone may, 1 when nobody may, 2 could not answer.`,
		Example: `  gatehouse who-can approve-request System/github
  gatehouse who-can reassign-owner Test/T-mfa-github
  gatehouse who-can --format json view Document/D-background-checks
  gatehouse who-can delete 'Control/*'`,
		Args: canArgs("ACTION KIND/NAME", "gatehouse who-can approve-request System/github"),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := loadEngine(cmd, repo, format)
			if err != nil {
				return err
			}
			people, err := e.WhoCan(args[0], args[1])
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			list := whoCanList{Action: args[0], Object: args[1], People: []whoCanPerson{}}
			for _, name := range people {
				d, err := e.Explain(name, args[0], args[1])
				if err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
				list.Object = d.Object
				role := ""
				if p := e.Org().PersonByName[name]; p != nil {
					role = p.OrgRole()
				}
				list.People = append(list.People, whoCanPerson{Name: name, Role: role, Reasons: d.Reasons})
			}
			if format.value == "json" {
				err = writeCanJSON(cmd.OutOrStdout(), list)
			} else {
				err = renderWhoCanText(cmd.OutOrStdout(), list)
			}
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("write the list: %w", err)}
			}
			if len(list.People) == 0 {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	format.register(cmd, "output format: text or json")
	return cmd
}

// canArgs checks the number of positional arguments against usage and
// shows an example when it is wrong.
func canArgs(usage, example string) cobra.PositionalArgs {
	want := len(strings.Fields(usage))
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == want {
			return nil
		}
		return fmt.Errorf("%s takes %s (%d arguments, got %d); e.g. %s", cmd.Name(), usage, want, len(args), example)
	}
}

// loadEngine checks the --format, loads the access repo and builds the
// permission engine over it.
func loadEngine(cmd *cobra.Command, repo repoFlags, format formatFlag) (*authz.Engine, error) {
	if err := format.check(); err != nil {
		return nil, err
	}
	org, err := loadOrg(cmd, repo.dir, repo.rev)
	if err != nil {
		return nil, err
	}
	e, err := authz.New(org)
	if err != nil {
		return nil, &exitError{code: exitCouldNotRun, err: fmt.Errorf("build the permission engine for %s: %w", repo.dir, err)}
	}
	return e, nil
}

func renderDecisionText(w io.Writer, d authz.Decision, explain bool) error {
	var b strings.Builder
	if d.Allowed {
		fmt.Fprintf(&b, "allowed: %s may %s %s\n", d.Person, d.Action, d.Object)
	} else {
		fmt.Fprintf(&b, "denied: %s may not %s %s\n", d.Person, d.Action, d.Object)
	}
	if explain {
		for _, r := range d.Reasons {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func renderDecisionJSON(w io.Writer, d authz.Decision, explain bool) error {
	if !explain {
		d.Reasons = nil
	}
	return writeCanJSON(w, struct {
		Person  string   `json:"person"`
		Action  string   `json:"action"`
		Object  string   `json:"object"`
		Allowed bool     `json:"allowed"`
		Reasons []string `json:"reasons,omitempty"`
	}{d.Person, d.Action, d.Object, d.Allowed, d.Reasons})
}

// whoCanList is who-can's answer; its JSON form is the command's contract.
type whoCanList struct {
	Action string         `json:"action"`
	Object string         `json:"object"`
	People []whoCanPerson `json:"people"`
}

type whoCanPerson struct {
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Reasons []string `json:"reasons"`
}

// renderWhoCanText prints an aligned table, one person a line and one
// more line for each further reason.
func renderWhoCanText(w io.Writer, l whoCanList) error {
	if len(l.People) == 0 {
		_, err := fmt.Fprintf(w, "nobody may %s %s\n", l.Action, l.Object)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERSON\tROLE\tWHY")
	for _, p := range l.People {
		for i, r := range p.Reasons {
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, p.Role, r)
			} else {
				fmt.Fprintf(tw, "\t\t%s\n", r)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	noun := "people"
	if len(l.People) == 1 {
		noun = "person"
	}
	_, err := fmt.Fprintf(w, "%d %s may %s %s\n", len(l.People), noun, l.Action, l.Object)
	return err
}

func writeCanJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
