package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/request"
)

func init() {
	extraCommands = append(extraCommands, newRequestCmd)
}

// stdinTerminal returns where answers to prompts come from and whether it
// is a terminal; prompts are only ever shown on one.
var stdinTerminal = func() (io.Reader, bool) {
	return os.Stdin, term.IsTerminal(int(os.Stdin.Fd()))
}

// pullRequestOpener returns the GitHub client that opens pull requests on
// repository ("owner/name") with token; nil until the GitHub client is
// wired in, in which case gatehouse request pushes the branch and prints
// the link that opens the pull request.
var pullRequestOpener func(repository, token string) (request.PullRequestOpener, error)

// requestFlagOf names the flag that sets each field of request.Input.
var requestFlagOf = map[string]string{
	"system":        "SYSTEM",
	"level":         "--level",
	"justification": "--justification",
	"permissions":   "--permissions",
	"expires":       "--expires",
	"person":        "--for",
}

func newRequestCmd() *cobra.Command {
	var (
		dir string
		in  request.Input
		as  string
		now nowFlag
	)
	cmd := &cobra.Command{
		Use:     "request SYSTEM --level L [--justification TEXT] [--permissions TEXT] [--expires DATE|DURATION] [--for PERSON] [--as PERSON] [--repo DIR]",
		GroupID: "repo",
		Short:   "Ask for access to a system: write the request, commit it on a branch and open the pull request",
		Long: `Request is how an engineer asks for access (seed 000's "Submit an Access
Request"). In a clone of the access repo it checks the request against the
system's rules on the default branch before writing anything (the system
exists and is requestable, the level exists, a justification where the
system requires one, freeform permissions only where it allows them, an
expiry within the level's maxDuration), then writes
access/<system>/<person>-<level>.yaml (with -2, -3, ... when taken), commits
it on a new branch request/<person>-<system>-<level> from the default branch
(your working tree and current branch stay as they are) and, with GitHub
configured (GITHUB_TOKEN), pushes the branch to origin and opens the pull
request. Without GitHub it stops after the local branch and prints how to
push it and open the pull request.

The request is for you (--as PERSON, or the Person whose email is your git
user.email) unless --for names someone else; you are the commit's author.
--expires takes a date (2026-06-30, the end of that day in UTC), an RFC 3339
time or a duration from now (90d, 2w, 12h).

On a terminal, gatehouse asks for what the flags leave out (the level from
the system's levels, a justification, an expiry); otherwise a missing
required flag is an error naming it.

Exit status: 0 the request is committed (and its pull request opened), 1 the
request breaks the system's rules (nothing is written), 2 could not run.`,
		Example: `  gatehouse request github --level member --justification "Reviews on the api repository"
  gatehouse request prod-db --level admin --justification "INC-231: unstick the billing job" --expires 2d
  gatehouse request 1password --level member --permissions "Vaults: Platform On-call (read)" --for alice`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := now.time()
			if err != nil {
				return err
			}
			in.Now = t
			co, err := request.OpenCheckout(cmd.Context(), dir)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			author, err := co.Author(as)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if in.Person == "" {
				in.Person = author.Person
			}
			if in.Person == "" {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("git user.email %s is no person's email in the access repo, so gatehouse cannot tell who the access is for; pass --as PERSON (who you are) or --for PERSON", author.Email)}
			}
			if len(args) == 1 {
				in.System = args[0]
			}
			if answers, ok := stdinTerminal(); ok {
				if err := promptMissing(&prompter{in: bufio.NewReader(answers), out: cmd.ErrOrStderr()}, co.Org, &in, cmd.Flags().Changed); err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
			}
			if in.System == "" {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("name the system to request: gatehouse request SYSTEM --level L; systems you can request: %s", strings.Join(request.Requestable(co.Org), ", "))}
			}
			opts, remark, err := githubOptions(co, author, in.Now)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			res, err := co.Submit(cmd.Context(), in, opts)
			var refused *request.RefusedError
			if errors.As(err, &refused) {
				return refusedError(cmd, refused)
			}
			if res != nil {
				printSubmitted(cmd.OutOrStdout(), co, res, remark)
			}
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "repo", ".", "the access repo's clone (or a folder of it)")
	cmd.Flags().StringVar(&in.Level, "level", "", "the access level to request (one of the system's accessLevels)")
	cmd.Flags().StringVar(&in.Justification, "justification", "", "why you need this access (required by some systems)")
	cmd.Flags().StringVar(&in.Permissions, "permissions", "", "freeform permissions, for systems that allow them")
	cmd.Flags().StringVar(&in.Expires, "expires", "", "when the access ends: a date (2026-06-30), an RFC 3339 time or a duration from now (90d)")
	cmd.Flags().StringVar(&in.Person, "for", "", "request access for this person instead of yourself")
	cmd.Flags().StringVar(&as, "as", "", "who you are in the access repo (default: the person whose email is your git user.email)")
	now.register(cmd, "write and check the request as of this RFC 3339 time instead of the current time")
	_ = cmd.RegisterFlagCompletionFunc("level", cobra.NoFileCompletions)
	return cmd
}

// githubOptions decides how far Submit goes: with GITHUB_TOKEN it pushes
// (with the token over HTTPS) and, when a pull request opener is wired in,
// opens the pull request. remark says why it stops short.
func githubOptions(co *request.Checkout, author request.Author, now time.Time) (request.SubmitOptions, string, error) {
	opts := request.SubmitOptions{Author: author, Now: now}
	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		return opts, "GitHub is not configured (GITHUB_TOKEN is not set), so nothing was pushed.", nil
	}
	if co.RemoteURL("") == "" {
		return opts, "The clone has no remote called origin, so nothing was pushed.", nil
	}
	opts.Push = true
	if u := co.RemoteURL(""); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		opts.Auth = &githttp.BasicAuth{Username: "x-access-token", Password: token}
	}
	repository := ""
	if cfg := co.Org.Config; cfg != nil && cfg.GitHub != nil {
		repository = cfg.GitHub.Repository
	}
	if pullRequestOpener == nil || repository == "" {
		return opts, "", nil
	}
	op, err := pullRequestOpener(repository, token)
	if err != nil {
		return opts, "", fmt.Errorf("connect to GitHub for %s: %w", repository, err)
	}
	opts.Opener = op
	return opts, "", nil
}

// refusedError prints each problem with the flag that fixes it and exits 1.
func refusedError(cmd *cobra.Command, refused *request.RefusedError) error {
	w := cmd.ErrOrStderr()
	for _, p := range refused.Problems {
		flag := requestFlagOf[p.Field]
		if flag == "" {
			flag = p.Field
		}
		fmt.Fprintf(w, "  %s: %s\n", flag, p.Message)
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("request for %s refused; nothing was written", refused.System)}
}

// printSubmitted says what was done and what is left to do.
func printSubmitted(w io.Writer, co *request.Checkout, res *request.Result, remark string) {
	fmt.Fprintf(w, "%s\n", res.Title)
	fmt.Fprintf(w, "Wrote %s on the new branch %s (commit %s, from %s at %s):\n", res.RepoPath, res.Branch, res.Commit.String()[:7], res.BaseBranch, res.Base.String()[:7])
	for _, line := range strings.SplitAfter(string(res.File.Data), "\n") {
		if line != "" {
			fmt.Fprint(w, "  "+line)
		}
	}
	fmt.Fprintln(w, "Your working tree and current branch are unchanged; git switch "+res.Branch+" to see it.")
	compare := ""
	if cfg := co.Org.Config; cfg != nil && cfg.GitHub != nil && cfg.GitHub.Repository != "" {
		compare = fmt.Sprintf("https://github.com/%s/compare/%s...%s?expand=1", cfg.GitHub.Repository, res.BaseBranch, res.Branch)
	}
	switch {
	case res.URL != "":
		fmt.Fprintf(w, "Pushed it to %s and opened pull request #%d:\n  %s\n", res.Remote, res.Number, res.URL)
		fmt.Fprintf(w, "gatehouse reports there who must still approve; follow it with gatehouse requests --mine %s.\n", res.File.Request.Person)
	case res.Remote != "":
		fmt.Fprintf(w, "Pushed it to %s. Open the pull request", res.Remote)
		if compare != "" {
			fmt.Fprintf(w, " at\n  %s\nor", compare)
		}
		fmt.Fprintf(w, " with\n  gh pr create --base %s --head %s --fill\n", res.BaseBranch, res.Branch)
	default:
		if remark != "" {
			fmt.Fprintln(w, remark)
		}
		fmt.Fprintf(w, "To send the request, push the branch and open the pull request:\n  git push origin %s\n  gh pr create --base %s --head %s --fill\n", res.Branch, res.BaseBranch, res.Branch)
		if compare != "" {
			fmt.Fprintf(w, "or, after the push, open\n  %s\n", compare)
		}
	}
}

// prompter asks questions on a terminal.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

// ask prints question and returns the answer's line, trimmed; io.EOF
// when the input ends.
func (p *prompter) ask(question string) (string, error) {
	fmt.Fprint(p.out, question)
	line, err := p.in.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// choose asks for one of options by number or name, until it gets one.
func (p *prompter) choose(question string, options []string, describe func(int) string) (string, error) {
	fmt.Fprintln(p.out, question)
	for i, o := range options {
		fmt.Fprintf(p.out, "  %d. %s%s\n", i+1, o, describe(i))
	}
	for {
		answer, err := p.ask(fmt.Sprintf("Choose 1-%d: ", len(options)))
		if err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
			return options[n-1], nil
		}
		for _, o := range options {
			if answer == o {
				return o, nil
			}
		}
		fmt.Fprintf(p.out, "%q is not one of them.\n", answer)
	}
}

// promptMissing asks for what the flags left out: the system, the level
// (from the system's levels), a justification (required or optional), the
// freeform permissions where allowed and an expiry (required when the
// level has a maxDuration). A system gatehouse does not know is left for
// the request's checks to report.
func promptMissing(p *prompter, org *model.Org, in *request.Input, changed func(string) bool) error {
	noAnswer := func(flag string, err error) error {
		return fmt.Errorf("no answer for %s (%v); pass it as a flag", flag, err)
	}
	if in.System == "" {
		names := request.Requestable(org)
		if len(names) == 0 {
			return nil
		}
		sys, err := p.choose("Which system?", names, func(i int) string {
			if d := org.SystemByName[names[i]].Description; d != "" {
				return " — " + d
			}
			return ""
		})
		if err != nil {
			return noAnswer("SYSTEM", err)
		}
		in.System = sys
	}
	sys := org.SystemByName[in.System]
	if sys == nil || !sys.IsRequestable() {
		return nil
	}
	if in.Level == "" && len(sys.AccessLevels) > 0 {
		names := make([]string, len(sys.AccessLevels))
		for i, l := range sys.AccessLevels {
			names[i] = l.Name
		}
		level, err := p.choose("Which access level of "+sys.Name+"?", names, func(i int) string {
			if d := sys.AccessLevels[i].Description; d != "" {
				return " — " + d
			}
			return ""
		})
		if err != nil {
			return noAnswer("--level", err)
		}
		in.Level = level
	}
	if !changed("justification") {
		question := "Why do you need this access? (Enter to skip) "
		if sys.RequireJustification {
			question = "Why do you need this access? (" + sys.Name + " requires a justification) "
		}
		for {
			answer, err := p.ask(question)
			if err != nil {
				return noAnswer("--justification", err)
			}
			in.Justification = answer
			if answer != "" || !sys.RequireJustification {
				break
			}
		}
	}
	if !changed("permissions") && sys.AllowFreeformPermissions {
		answer, err := p.ask("Which permissions exactly? (Enter to skip) ")
		if err != nil {
			return noAnswer("--permissions", err)
		}
		in.Permissions = answer
	}
	if !changed("expires") {
		question := "Until when? A date (2026-06-30) or a duration (90d); Enter for no end: "
		var max *model.Duration
		if l := sys.Level(in.Level); l != nil && l.MaxDuration != nil {
			max = l.MaxDuration
			question = fmt.Sprintf("Until when? At most %s: a date (2026-06-30) or a duration (%s): ", max.Text, max.Text)
		}
		for {
			answer, err := p.ask(question)
			if err != nil {
				return noAnswer("--expires", err)
			}
			in.Expires = answer
			if answer != "" || max == nil {
				break
			}
		}
	}
	return nil
}
