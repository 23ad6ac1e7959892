package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
)

func init() { extraCommands = append(extraCommands, newPlanCmd) }

func newPlanCmd() *cobra.Command {
	var (
		dir, base, head    string
		author, lastPusher string
		approvedBy         []string
		failOn             string
		format             = formatFlag{allowed: []string{"text", "json", "markdown"}}
		now                nowFlag
	)
	cmd := &cobra.Command{
		Use:     "plan --base REV --head REV [--repo DIR] [--author P] [--approved-by P,Q] [--format text|json|markdown]",
		GroupID: "repo",
		Short:   "Decide a pull request: who must approve each change, what is forbidden",
		Long: `Plan decides the pull request from --base to --head of an access repo
exactly as the controller does: it lists the documents the pull request
adds, modifies or removes, what each needs (approve-request on a system,
reassign-owner on a control, a policy owner for policies/ and gatehouse.yaml,
and whatever the organisation's own policies add), what forbids it, and who
provisions the access after the merge.

Everything that decides is read from the BASE commit: the policies, people,
teams, roles, owners and approvers. The head supplies only the changes, so a
pull request cannot choose who approves it.

With --approved-by, plan counts the approvals given: only people on the base
commit who are active and collaborator or above count, and never the
--author, the --last-pusher or the person a request is for. Names and
GitHub logins are both accepted.

When the pull request changes policies/, plan also judges every live access
request under the new policies and lists those that would be decided
differently.

Exit status: 0 approved, 1 not approved (approvals missing or violations;
with --fail-on violations, only violations), 2 could not decide (an unknown
revision, a policy that does not compile). Any error is "not approved".`,
		Example: `  gatehouse plan --base main --head my-branch
  gatehouse plan --base main --head my-branch --author alice --approved-by carol
  gatehouse plan --base "$BASE_SHA" --head "$HEAD_SHA" --format markdown --fail-on violations`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			if failOn != "not-approved" && failOn != "violations" {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("unknown --fail-on %q; use not-approved or violations", failOn)}
			}
			if base == "" || head == "" {
				return &exitError{code: exitCouldNotRun, err: errors.New("plan needs --base and --head: the pull request's base and head revisions, e.g. --base main --head my-branch")}
			}
			t, err := now.time()
			if err != nil {
				return err
			}
			p, err := decide.Run(cmd.Context(), dir, base, head, decide.Options{
				Author: author, LastPusher: lastPusher, ApprovedBy: splitList(approvedBy), Now: t,
			})
			if err != nil {
				if errors.Is(err, gitrepo.ErrUnknownRevision) {
					err = fmt.Errorf("%w; fetch it first (git fetch origin) or check the name", err)
				}
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("not approved: %w", err)}
			}
			out := cmd.OutOrStdout()
			switch format.value {
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				err = enc.Encode(p)
			case "markdown":
				err = p.WriteMarkdown(out)
			default:
				err = p.WriteText(out)
			}
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if failOn == "violations" {
				if len(p.Violations) > 0 {
					return failed()
				}
				return nil
			}
			if !p.Approved {
				return failed()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "repo", ".", "access repo: a Git checkout, or a folder of one")
	cmd.Flags().StringVar(&base, "base", "", "the pull request's base revision (branch, tag or commit)")
	cmd.Flags().StringVar(&head, "head", "", "the pull request's head revision")
	cmd.Flags().StringVar(&author, "author", "", "the pull request's author (person name or GitHub login); their approval never counts")
	cmd.Flags().StringVar(&lastPusher, "last-pusher", "", "who pushed the head (person name or GitHub login); their approval never counts")
	cmd.Flags().StringSliceVar(&approvedBy, "approved-by", nil, "people who approved, comma-separated person names or GitHub logins")
	cmd.Flags().StringVar(&failOn, "fail-on", "not-approved", "what exits 1: not-approved, or only violations (for CI, where approvals come later)")
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"not-approved", "violations"}, cobra.ShellCompDirectiveNoFileComp))
	format.register(cmd, "output format: text, json or markdown (what the controller posts on pull requests)")
	now.register(cmd, "judge expiry and time in policies as of this RFC 3339 time instead of the current time")
	return cmd
}

// splitList trims the entries of a comma-separated list flag and drops
// empty ones.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// nowFlag is the hidden --now flag of commands that judge time: tests and
// reproductions pin it.
type nowFlag struct{ value string }

func (f *nowFlag) register(cmd *cobra.Command, help string) {
	cmd.Flags().StringVar(&f.value, "now", "", help)
	_ = cmd.Flags().MarkHidden("now")
}

// time returns the pinned time, or the zero time (meaning now).
func (f *nowFlag) time() (time.Time, error) {
	if f.value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, f.value)
	if err != nil {
		return time.Time{}, &exitError{code: exitCouldNotRun, err: fmt.Errorf("--now %q: use an RFC 3339 time such as 2026-11-23T00:00:00Z", f.value)}
	}
	return t, nil
}
