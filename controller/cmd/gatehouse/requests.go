package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/reconcile"
	"github.com/gatehouse-dev/gatehouse/controller/store"
)

func init() {
	extraCommands = append(extraCommands, newRequestsCmd, newAuditCmd, newEntitlementsCmd, newDriftCmd, newProvisionedCmd)
}

// openStates are the states of a request that is not finished.
var openStates = []string{store.StatePendingApproval, store.StateApproved, store.StatePendingProvisioning, store.StateFailed, store.StateUnapprovedMerge}

func newRequestsCmd() *cobra.Command {
	var (
		state          stateFlags
		format         = formatFlag{allowed: []string{"text", "json"}}
		open           bool
		needsAttention string
		mine           string
		system         string
	)
	cmd := &cobra.Command{
		Use:     "requests [--open] [--needs-attention PERSON] [--mine PERSON] [--system S] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "List access requests with their state, who they wait on and since when",
		Long: `Requests lists the access requests the controller knows, with their
lifecycle state (pending-approval, approved, pending-provisioning,
provisioned, denied, failed, unapproved-merge, revoked, expired), who must
act next and since when: seed 000's "Open requests" (--open), "Needs my
attention" (--needs-attention PERSON: what waits on PERSON to approve or
provision) and "My requests" (--mine PERSON).`,
		Example: `  gatehouse requests --open
  gatehouse requests --needs-attention alice
  gatehouse requests --mine yuki --format json`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			st, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			f := store.RequestFilter{Person: mine, WaitingOn: needsAttention, System: system}
			if open {
				f.States = openStates
			}
			reqs, err := st.Requests(cmd.Context(), f)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if format.value == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"requests": reqs})
			}
			return writeRequests(cmd.OutOrStdout(), reqs, time.Now())
		},
	}
	state.register(cmd)
	format.register(cmd, "output format: text or json")
	cmd.Flags().BoolVar(&open, "open", false, "only requests that are not finished (waiting for approval or provisioning, failed, held)")
	cmd.Flags().StringVar(&needsAttention, "needs-attention", "", "only requests waiting on this person to approve or provision")
	cmd.Flags().StringVar(&mine, "mine", "", "only this person's requests")
	cmd.Flags().StringVar(&system, "system", "", "only requests for this system")
	return cmd
}

func writeRequests(w io.Writer, reqs []store.Request, now time.Time) error {
	if len(reqs) == 0 {
		_, err := fmt.Fprintln(w, "no requests")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tSTATE\tFOR\tWAITING ON\tREASON")
	for _, r := range reqs {
		waiting := strings.Join(r.WaitingOn, ", ")
		if waiting == "" {
			waiting = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Path, r.State, age(now.Sub(r.Since)), waiting, r.Reason)
	}
	return tw.Flush()
}

// age prints a duration the way people say it: 5m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return &exitError{code: exitCouldNotRun, err: err}
	}
	return nil
}

func newAuditCmd() *cobra.Command {
	var (
		state                 stateFlags
		format                = formatFlag{allowed: []string{"text", "json"}}
		since                 string
		kind, subject, person string
		limit                 int
	)
	cmd := &cobra.Command{
		Use:     "audit [--since 24h|2026-11-01] [--kind K] [--subject S] [--actor A] [--limit N] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "Query the audit log: every grant, revocation, override and task",
		Long: `Audit prints the controller's append-only audit log, newest first: every
grant and revocation with the requests behind it, failures, tasks handed to
admins, provisioning marked done, and every override of the revocation cap
with who ran it.`,
		Example: `  gatehouse audit --since 24h
  gatehouse audit --kind override
  gatehouse audit --subject 'github: alice' --format json`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			q := store.AuditQuery{Kind: kind, Subject: subject, Actor: person, Limit: limit}
			if since != "" {
				t, err := parseSince(since, time.Now())
				if err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
				q.Since = t
			}
			st, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			events, err := st.AuditLog(cmd.Context(), q)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			if format.value == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"events": events})
			}
			if len(events) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no events")
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tACTOR\tKIND\tSUBJECT\tDETAIL")
			for _, e := range events {
				keys := make([]string, 0, len(e.Detail))
				for k := range e.Detail {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				var detail []string
				for _, k := range keys {
					detail = append(detail, k+"="+e.Detail[k])
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format(time.RFC3339), e.Actor, e.Kind, e.Subject, strings.Join(detail, " "))
			}
			return tw.Flush()
		},
	}
	state.register(cmd)
	format.register(cmd, "output format: text or json")
	cmd.Flags().StringVar(&since, "since", "", "only events since this long ago (24h, 7d) or this date (2026-11-01, RFC 3339)")
	cmd.Flags().StringVar(&kind, "kind", "", "only events of this kind (grant, revoke, grant-failed, override, task-grant, provisioned, ...)")
	cmd.Flags().StringVar(&subject, "subject", "", "only events about this subject")
	cmd.Flags().StringVar(&person, "actor", "", "only events by this actor")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many events (0: all)")
	return cmd
}

// parseSince reads "24h", "7d", a date or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil {
			return now.AddDate(0, 0, -days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: use a duration (24h, 7d), a date (2026-11-01) or an RFC 3339 time", s)
}

func newEntitlementsCmd() *cobra.Command {
	var (
		repo   repoFlags
		state  stateFlags
		format = formatFlag{allowed: []string{"text", "json"}}
	)
	cmd := &cobra.Command{
		Use:     "entitlements SYSTEM [--repo DIR] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "List the entitlements a system's integration has ever reported",
		Long: `Entitlements prints the catalogue of a system's integration (seed 000): the
union of every entitlement ever reported on its accounts, including
accounts since deleted, with how many accounts held it at the last look,
when it was first and last seen, and which of the system's access levels
map to it. A level that maps to an entitlement never seen is listed too:
it is probably misspelled.`,
		Example: `  gatehouse entitlements github
  gatehouse entitlements prod-db --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := format.check(); err != nil {
				return err
			}
			org, err := loadOrg(cmd, repo.dir, repo.rev)
			if err != nil {
				return err
			}
			sys := org.SystemByName[args[0]]
			if sys == nil {
				return &exitError{code: exitCouldNotRun, err: fmt.Errorf("no system is called %q; gatehouse who-can request-access 'System/*' lists who may request, systems/ lists them", args[0])}
			}
			st, err := state.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			target := reconcile.Target(sys)
			entries, err := st.Catalogue(cmd.Context(), target)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			levels := map[string][]string{}
			for _, l := range sys.AccessLevels {
				e := reconcile.Entitlement(sys, l.Name)
				levels[e] = append(levels[e], l.Name)
			}
			if format.value == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"system": sys.Name, "target": target, "entitlements": entries, "levels": levels})
			}
			w := cmd.OutOrStdout()
			if len(entries) == 0 {
				fmt.Fprintf(w, "%s (%s) has reported no entitlements yet: run gatehouse reconcile with its integration configured\n", sys.Name, target)
			} else {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ENTITLEMENT\tACCOUNTS\tFIRST SEEN\tLAST SEEN\tLEVELS")
				for _, e := range entries {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", e.Entitlement, e.Accounts, e.FirstSeen.UTC().Format(time.DateOnly), e.LastSeen.UTC().Format(time.DateOnly), strings.Join(levels[e.Entitlement], ", "))
				}
				_ = tw.Flush()
			}
			seen := map[string]bool{}
			for _, e := range entries {
				seen[e.Entitlement] = true
			}
			for _, e := range slices.Sorted(func(yield func(string) bool) {
				for e := range levels {
					if !yield(e) {
						return
					}
				}
			}) {
				if len(entries) > 0 && !seen[e] {
					fmt.Fprintf(w, "warning: level %s maps to %s, which %s has never reported; check the spelling\n", strings.Join(levels[e], ", "), e, target)
				}
			}
			return nil
		},
	}
	repo.register(cmd)
	state.register(cmd)
	format.register(cmd, "output format: text or json")
	return cmd
}

func newDriftCmd() *cobra.Command {
	var (
		repo   repoFlags
		state  stateFlags
		format = formatFlag{allowed: []string{"text", "json"}}
	)
	cmd := &cobra.Command{
		Use:     "drift [--repo DIR] [--rev REV] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "List what the integrations hold that no access request grants",
		Long: `Drift asks every configured integration for its accounts and lists the
entitlements that no access request on the default branch grants and that
gatehouse did not grant: access given by hand, outside the access repo.
Nothing changes; gatehouse reconcile revokes drift only on integrations
whose Config sets prune: true.

Exit status: 0 no drift, 1 drift found, 2 could not run.`,
		Args: noArgsButRepo,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := format.check(); err != nil {
				return err
			}
			org, st, err := openRepoState(cmd, repo, state)
			if err != nil {
				return err
			}
			defer st.Close()
			runner, closeAll := newRunner(cmd, org, st, nil)
			defer closeAll()
			plan, err := runner.Plan(cmd.Context(), org, reconcile.Options{DryRun: true})
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			var drift []reconcile.Key
			for _, t := range plan.Targets {
				drift = append(drift, t.Drift...)
			}
			if format.value == "json" {
				if drift == nil {
					drift = []reconcile.Key{}
				}
				if err := writeJSON(cmd.OutOrStdout(), map[string]any{"drift": drift}); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "TARGET\tACCOUNT\tENTITLEMENT")
				for _, k := range drift {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Target, k.Account, k.Entitlement)
				}
				_ = tw.Flush()
				fmt.Fprintf(cmd.OutOrStdout(), "%d entitlements held outside the access repo\n", len(drift))
			}
			for name, why := range runner.NotConfigured {
				fmt.Fprintf(cmd.ErrOrStderr(), "gatehouse: integration %s not checked: %v\n", name, why)
			}
			if len(drift) > 0 {
				return failed()
			}
			return nil
		},
	}
	repo.register(cmd)
	state.register(cmd)
	format.register(cmd, "output format: text or json")
	return cmd
}

func newProvisionedCmd() *cobra.Command {
	var (
		repo  repoFlags
		state stateFlags
		by    string
	)
	cmd := &cobra.Command{
		Use:     "provisioned REQUEST --by ADMIN [--repo DIR] [--state-dir DIR]",
		GroupID: "repo",
		Short:   "Mark a manual provisioning (or revocation) task done",
		Long: `Provisioned records that a system's admin has done by hand what gatehouse
asked of them for REQUEST (the request's path): granted the access of a
request on the default branch, or taken back the access of one removed,
expired or offboarded. Only an admin of the system may (--by, a person
name). The request becomes provisioned (or revoked) and the event goes to
the audit log. On GitHub, /provisioned on the merged pull request does the
same.`,
		Example: `  gatehouse provisioned access/office-badge/nina-contractor.yaml --by fatima`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if by == "" {
				return &exitError{code: exitCouldNotRun, err: errors.New("say who did it: --by ADMIN (a person name)")}
			}
			org, st, err := openRepoState(cmd, repo, state)
			if err != nil {
				return err
			}
			defer st.Close()
			engine, err := authz.New(org)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			msg, err := reconcile.MarkProvisioned(cmd.Context(), st, org, engine, args[0], by, time.Now())
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		},
	}
	repo.register(cmd)
	state.register(cmd)
	cmd.Flags().StringVar(&by, "by", "", "the system admin who did it (person name)")
	return cmd
}
