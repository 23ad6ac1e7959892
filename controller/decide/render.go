package decide

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// maxListed is how many impacted requests the text and markdown forms
// list; JSON lists them all.
const maxListed = 50

// Verdict is the plan's outcome in a few words.
func (p *Plan) Verdict() string {
	switch {
	case p.Approved:
		return "approved"
	case len(p.Violations) > 0:
		return "not approved: violations"
	default:
		return "not approved: waiting for approval"
	}
}

// WriteText writes the plan for a terminal: aligned sections, only those
// with something in them.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan %s..%s: %s\n", short(p.Base), short(p.Head), p.Verdict())
	if len(p.Changes) == 0 {
		b.WriteString("\nno access repo documents or policies change\n")
	}
	section := func(title string, n int, rows func(tw *tabwriter.Writer)) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		rows(tw)
		_ = tw.Flush()
	}
	section("changes", len(p.Changes), func(tw *tabwriter.Writer) {
		for _, c := range p.Changes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Op, c.ID, c.Kind)
		}
	})
	section("requirements", len(p.Requirements), func(tw *tabwriter.Writer) {
		for _, r := range p.Requirements {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", mark(r.Satisfied), r.Change, r.Rule+sourceNote(r.Source), need(r), approvedBy(r))
		}
	})
	section("violations", len(p.Violations), func(tw *tabwriter.Writer) {
		for _, v := range p.Violations {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Change, v.Rule+sourceNote(v.Source), v.Message)
		}
	})
	section("waived", len(p.Waived), func(tw *tabwriter.Writer) {
		for _, wv := range p.Waived {
			fmt.Fprintf(tw, "  %s\t%s\tby %s: %s\n", wv.Change, wv.Rule, wv.Source, wv.Reason)
		}
	})
	section("provisioning after the merge", len(p.Routes), func(tw *tabwriter.Writer) {
		for _, r := range p.Routes {
			fmt.Fprintf(tw, "  %s\t%s %s on %s\t%s\n", r.Change, r.Op, r.Person, r.System, r.by())
		}
	})
	section("approvals", len(p.Approvals), func(tw *tabwriter.Writer) {
		for _, a := range p.Approvals {
			state := "counts"
			if a.Ignored != "" {
				state = "ignored: " + a.Ignored
			}
			fmt.Fprintf(tw, "  %s\t%s\n", a.Given, state)
		}
	})
	section(fmt.Sprintf("impact of the policy changes on live requests (%d)", len(p.Impact)), len(p.Impact), func(tw *tabwriter.Writer) {
		for i, im := range p.Impact {
			if i == maxListed {
				fmt.Fprintf(tw, "  ... and %d more (--format json lists all)\n", len(p.Impact)-maxListed)
				break
			}
			fmt.Fprintf(tw, "  %s\tnow: %s\n  \tthen: %s\n", im.Request, im.Before, im.After)
		}
	})
	section("warnings", len(p.Warnings), func(tw *tabwriter.Writer) {
		for _, wn := range p.Warnings {
			fmt.Fprintf(tw, "  %s\n", wn)
		}
	})
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// WriteMarkdown writes the plan as GitHub-flavoured markdown: what the
// controller posts on the pull request and CI writes to the job summary.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	icon := "⏳"
	switch {
	case p.Approved:
		icon = "✅"
	case len(p.Violations) > 0:
		icon = "⛔"
	}
	fmt.Fprintf(&b, "### %s gatehouse: %s\n\n", icon, p.Verdict())
	fmt.Fprintf(&b, "Decided on base `%s` (policies, people and approvers as they are there) for head `%s`.\n", short(p.Base), short(p.Head))
	if len(p.Changes) == 0 {
		b.WriteString("\nNo access repo documents or policies change.\n")
	}
	if len(p.Violations) > 0 {
		b.WriteString("\n#### Violations\n\n| Change | Rule | What to do |\n| --- | --- | --- |\n")
		for _, v := range p.Violations {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", md(v.Change), md(v.Rule+sourceNote(v.Source)), md(v.Message))
		}
	}
	if len(p.Changes) > 0 {
		b.WriteString("\n#### Changes\n\n| Change | Needs | Who can approve | Approved by |\n| --- | --- | --- | --- |\n")
		for _, c := range p.Changes {
			first := true
			row := func(needs, who, by string) {
				name := ""
				if first {
					name = fmt.Sprintf("%s `%s`", c.Op, md(c.ID))
				}
				first = false
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, needs, who, by)
			}
			for _, r := range p.Requirements {
				if r.Change != c.ID {
					continue
				}
				needs := fmt.Sprintf("%d × %s%s", r.Count, md(r.Rule), md(sourceNote(r.Source)))
				if r.Satisfied {
					needs = "~~" + needs + "~~ ✓"
				}
				row(needs, md(names(r.Eligible)), md(strings.Join(r.SatisfiedBy, ", ")))
			}
			for _, wv := range p.Waived {
				if wv.Change == c.ID {
					row(fmt.Sprintf("~~%s~~ waived by %s: %s", md(wv.Rule), md(wv.Source), md(wv.Reason)), "", "")
				}
			}
			if first {
				row("nothing", "", "")
			}
		}
	}
	if len(p.Routes) > 0 {
		b.WriteString("\n#### After the merge\n\n")
		for _, r := range p.Routes {
			fmt.Fprintf(&b, "- %s %s on %s: %s\n", r.Op, md(r.Person), md(r.System), md(r.by()))
		}
	}
	if len(p.Impact) > 0 {
		fmt.Fprintf(&b, "\n#### Impact of the policy changes\n\n%d live requests would be decided differently:\n\n| Request | Now | With this change |\n| --- | --- | --- |\n", len(p.Impact))
		for i, im := range p.Impact {
			if i == maxListed {
				fmt.Fprintf(&b, "| … and %d more | | |\n", len(p.Impact)-maxListed)
				break
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", md(im.Request), md(im.Before), md(im.After))
		}
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\n<details><summary>Warnings</summary>\n\n")
		for _, wn := range p.Warnings {
			fmt.Fprintf(&b, "- %s\n", md(wn))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Route) by() string {
	if r.Integration != "" {
		return "by integration " + r.Integration
	}
	return "by hand, by an admin: " + names(r.Admins)
}

func need(r Requirement) string {
	return fmt.Sprintf("%d of %s", r.Count, names(r.Eligible))
}

func approvedBy(r Requirement) string {
	if len(r.SatisfiedBy) == 0 {
		return ""
	}
	return "approved by " + strings.Join(r.SatisfiedBy, ", ")
}

func names(l []string) string {
	if len(l) == 0 {
		return "no one eligible"
	}
	return strings.Join(l, ", ")
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func sourceNote(source string) string {
	if source == SourceBuiltin || source == "" {
		return ""
	}
	return " (" + source + ")"
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// md escapes text for a markdown table cell.
var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'")

func md(s string) string { return mdEscaper.Replace(s) }
