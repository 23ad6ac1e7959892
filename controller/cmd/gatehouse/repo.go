package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// repoFlags are the flags every command that reads an access repo takes.
type repoFlags struct {
	dir string
	rev string
}

func (f *repoFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "repo", ".", "access repo: a directory, or a Git repository when --rev is given")
	cmd.Flags().StringVar(&f.rev, "rev", "", "read the access repo at this Git revision (branch, tag or commit) instead of the working tree")
}

// loadOrg loads the access repo for commands that answer questions about
// it. A repo with errors is refused (exit 2): answering from a model with
// documents left out would be answering about a different organisation.
func loadOrg(cmd *cobra.Command, repoDir, rev string) (*model.Org, error) {
	org, findings, err := load.Open(cmd.Context(), repoDir, rev)
	if err != nil {
		return nil, &exitError{code: exitCouldNotRun, err: err}
	}
	if n := findings.Errors(); n > 0 {
		for _, f := range findings {
			if f.Severity == model.SeverityError {
				fmt.Fprintln(cmd.ErrOrStderr(), f)
			}
		}
		return nil, &exitError{code: exitCouldNotRun, err: fmt.Errorf("the access repo has %s; fix %s first (gatehouse validate --repo %s%s lists them)",
			plural(n, "error"), pronoun(n), repoDir, revArg(rev))}
	}
	return org, nil
}

func revArg(rev string) string {
	if rev == "" {
		return ""
	}
	return " --rev " + rev
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// plural formats a count with its noun: "1 error", "3 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// noArgsButRepo rejects positional arguments, pointing people who pass the
// repo's directory as one at --repo.
func noArgsButRepo(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return &exitError{code: exitCouldNotRun, err: fmt.Errorf("%s takes no arguments; to check the access repo in %s, run: gatehouse %s --repo %s",
		cmd.Name(), args[0], cmd.Name(), args[0])}
}

// formatFlag is the --format flag of a command: its value and the formats
// the command can print.
type formatFlag struct {
	value   string
	allowed []string
}

// register adds --format to cmd with its help and shell completion; the
// first allowed format is the default.
func (f *formatFlag) register(cmd *cobra.Command, help string) {
	cmd.Flags().StringVar(&f.value, "format", f.allowed[0], help)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(f.allowed, cobra.ShellCompDirectiveNoFileComp))
}

// check rejects a format the command cannot print (exit 2).
func (f *formatFlag) check() error {
	if slices.Contains(f.allowed, f.value) {
		return nil
	}
	return &exitError{code: exitCouldNotRun, err: fmt.Errorf("unknown --format %q; use %s", f.value, orWords(f.allowed))}
}

// orWords joins words as "a, b or c".
func orWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
