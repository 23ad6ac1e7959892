// Package report turns a pull request's decision into what GitHub shows:
// the check run, the one sticky comment and the access:* labels. It knows
// nothing of the GitHub API; the controller posts what it renders.
package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/decide"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Marker finds the sticky comment again, across restarts: the comment is
// edited in place, never deleted and reposted.
const Marker = "<!-- gatehouse:summary -->"

// CheckName is the check run's name.
const CheckName = "gatehouse"

// LabelPrefix starts every label gatehouse manages.
const LabelPrefix = "access:"

// States of a pull request as the labels show them.
const (
	StatePendingApproval     = "pending-approval"
	StateApproved            = "approved"
	StateDenied              = "denied"
	StatePendingProvisioning = "pending-provisioning"
	StateProvisioned         = "provisioned"
)

// Input is what a report is rendered from.
type Input struct {
	Plan *decide.Plan
	// Org is the base commit's organisation: names, logins.
	Org *model.Org
	PR  int
	// Author is the pull request's author (a GitHub login).
	Author string
	// State is the pull request's state (see the State constants).
	State string
	// DenyReason is /deny's reason when State is denied.
	DenyReason string
	// Stale lists the logins whose approvals were given on other access
	// changes and must be given again; Blocking those whose request for
	// changes stands.
	Stale, Blocking []string
	// Mentioned are the logins already @mentioned in earlier versions of
	// the comment: they are named without an @ from now on, so nobody is
	// notified on every edit.
	Mentioned []string
	// Err, when set, is why there is no decision (fail closed, S5).
	Err error
}

// Summary is the hidden machine-readable part of the comment.
type Summary struct {
	PR           int      `json:"pr"`
	State        string   `json:"state"`
	Approved     bool     `json:"approved"`
	Base         string   `json:"base,omitempty"`
	Head         string   `json:"head,omitempty"`
	Changes      []string `json:"changes"`
	Unsatisfied  []string `json:"unsatisfied"`
	Violations   int      `json:"violations"`
	WaitingOn    []string `json:"waitingOn"`
	Provisioners []string `json:"provisioners,omitempty"`
}

// Comment renders the sticky comment and returns the logins it @mentions
// for the first time.
func Comment(in Input) (body string, mentioned []string) {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	fmt.Fprintf(&b, "### %s\n\n", Headline(in))
	already := map[string]bool{}
	for _, l := range in.Mentioned {
		already[strings.ToLower(l)] = true
	}
	mention := func(person string) string {
		login := loginOf(in.Org, person)
		if login == "" {
			return person
		}
		if already[strings.ToLower(login)] {
			return login
		}
		already[strings.ToLower(login)] = true
		mentioned = append(mentioned, login)
		return "@" + login
	}
	sum := Summary{PR: in.PR, State: in.State, Changes: []string{}, Unsatisfied: []string{}, WaitingOn: []string{}}
	switch {
	case in.Err != nil:
		fmt.Fprintf(&b, "gatehouse could not decide this pull request, so it is **not approved**: %s\n\nFix the cause, or push again to retry.\n", mdText(in.Err.Error()))
	case in.State == StateDenied:
		fmt.Fprintf(&b, "Denied: %s\n", mdText(in.DenyReason))
	default:
		p := in.Plan
		sum.Approved, sum.Base, sum.Head, sum.Violations = p.Approved, p.Base, p.Head, len(p.Violations)
		for _, c := range p.Changes {
			sum.Changes = append(sum.Changes, c.ID)
		}
		if len(p.Violations) > 0 {
			b.WriteString("**This pull request cannot merge as it is:**\n\n")
			for _, v := range p.Violations {
				fmt.Fprintf(&b, "- `%s`: %s (%s)\n", mdText(v.Change), mdText(v.Message), v.Rule)
			}
			b.WriteString("\n")
		}
		if len(p.Requirements) > 0 {
			b.WriteString("| | Requirement | Who can approve |\n| --- | --- | --- |\n")
		}
		waiting := map[string]bool{}
		for _, r := range p.Requirements {
			need := fmt.Sprintf("%d × %s on `%s`", r.Count, r.Rule, mdText(r.Change))
			if r.Satisfied {
				fmt.Fprintf(&b, "| ✅ | ~~%s~~ | approved by %s |\n", need, strings.Join(r.SatisfiedBy, ", "))
				continue
			}
			sum.Unsatisfied = append(sum.Unsatisfied, r.Change+" "+r.Rule)
			var who []string
			for _, e := range r.Eligible {
				if !slices.Contains(r.SatisfiedBy, e) {
					who = append(who, mention(e))
					waiting[e] = true
				}
			}
			whoText := strings.Join(who, ", ")
			if whoText == "" {
				whoText = "no one eligible: ask an admin to fix the approvers on the default branch"
			}
			fmt.Fprintf(&b, "| ⏳ | %s (%d of %d) | %s |\n", need, len(r.SatisfiedBy), r.Count, whoText)
		}
		for w := range waiting {
			sum.WaitingOn = append(sum.WaitingOn, w)
		}
		slices.Sort(sum.WaitingOn)
		if len(in.Stale) > 0 {
			fmt.Fprintf(&b, "\nApprovals given before the requested access changed no longer count: %s, please review again.\n", strings.Join(in.Stale, ", "))
		}
		if len(in.Blocking) > 0 {
			fmt.Fprintf(&b, "\nChanges requested by %s: this pull request waits until they approve or withdraw.\n", strings.Join(in.Blocking, ", "))
		}
		if len(p.Routes) > 0 {
			b.WriteString("\n**After the merge:** ")
			var parts []string
			for _, r := range p.Routes {
				if r.Integration != "" {
					parts = append(parts, fmt.Sprintf("%s %s on %s by integration %s", r.Op, r.Person, r.System, r.Integration))
				} else {
					parts = append(parts, fmt.Sprintf("%s %s on %s by hand (admins: %s)", r.Op, r.Person, r.System, strings.Join(r.Admins, ", ")))
					sum.Provisioners = append(sum.Provisioners, r.Admins...)
				}
			}
			b.WriteString(strings.Join(parts, "; ") + ".\n")
		}
	}
	if in.State == StatePendingProvisioning {
		b.WriteString("\nMerged. Once the access is set up by hand, an admin of the system comments `/provisioned`.\n")
	}
	if in.State == StatePendingApproval {
		b.WriteString("\n<sub>Commands: `/approve` (or an approving review), `/approve cancel`, `/deny <reason>`. Only people eligible on the base branch count; the author's approval never does.</sub>\n")
	}
	data, _ := json.Marshal(sum)
	fmt.Fprintf(&b, "\n<!-- gatehouse:data %s -->\n", strings.ReplaceAll(string(data), "--", "- -"))
	return b.String(), mentioned
}

// Headline is seed 000's wording of the pull request's state, the sticky
// comment's title and the Slack messages': "[Action Required] alice
// requested access to github".
func Headline(in Input) string {
	what := "proposed changes to the access repo"
	if in.Plan != nil {
		var systems []string
		var people []string
		for _, r := range in.Plan.Routes {
			if r.Op == "grant" && !slices.Contains(systems, r.System) {
				systems = append(systems, r.System)
				if !slices.Contains(people, r.Person) {
					people = append(people, r.Person)
				}
			}
		}
		if len(systems) > 0 {
			what = "requested access to " + strings.Join(systems, ", ")
			if len(people) == 1 && loginOf(in.Org, people[0]) != "" && !strings.EqualFold(loginOf(in.Org, people[0]), in.Author) {
				what = fmt.Sprintf("requested access to %s for %s", strings.Join(systems, ", "), people[0])
			}
		}
	}
	tag := map[string]string{
		StatePendingApproval: "[Action Required]", StateApproved: "[Approved]", StateDenied: "[Denied]",
		StatePendingProvisioning: "[Action Required]", StateProvisioned: "[Provisioned]",
	}[in.State]
	if in.Err != nil {
		tag = "[Not approved]"
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s", tag, in.Author, what))
}

// Labels returns the access:* label of a state.
func Labels(state string) []string { return []string{LabelPrefix + state} }

// CheckRun returns the check run's conclusion, title and summary: success
// only when approved without violations, failure on any error (S5).
func CheckRun(in Input, markdown string) (conclusion, title, summary string) {
	switch {
	case in.Err != nil:
		return "failure", "not approved: gatehouse could not decide", "gatehouse could not decide this pull request, so it is not approved: " + in.Err.Error()
	case in.State == StateDenied:
		return "failure", "denied", "Denied: " + in.DenyReason
	case in.Plan.Approved:
		return "success", "approved", markdown
	case len(in.Plan.Violations) > 0:
		return "failure", fmt.Sprintf("%d violations", len(in.Plan.Violations)), markdown
	}
	return "action_required", "waiting for approval", markdown
}

// loginOf returns a person's GitHub login on the base, or "".
func loginOf(org *model.Org, person string) string {
	if org == nil {
		return ""
	}
	if p := org.PersonByName[person]; p != nil {
		return p.GitHub
	}
	return ""
}

var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'")

func mdText(s string) string { return mdEscaper.Replace(s) }
