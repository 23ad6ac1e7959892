package reconcile

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Counts sums a plan up.
type Counts struct {
	Grants, Revokes, Tasks, Drift, Held, Blocked, Unavailable int
}

// Counts sums up what the plan will do.
func (p *Plan) Counts() Counts {
	var c Counts
	for _, t := range p.Targets {
		for _, a := range t.Actions {
			switch {
			case a.Task:
				c.Tasks++
			case a.Op == OpGrant:
				c.Grants++
			default:
				c.Revokes++
			}
		}
		c.Drift += len(t.Drift)
		if t.Blocked != "" {
			c.Blocked++
		}
		if t.Err != "" {
			c.Unavailable++
		}
	}
	c.Held = len(p.Held)
	return c
}

// WriteText writes the plan like a Terraform plan: per target, + for a
// grant, - for a revocation, with the request or reason behind each; then
// drift, what is held back and a summary line.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, t := range p.Targets {
		if len(t.Actions) == 0 && len(t.Drift) == 0 && t.Blocked == "" && t.Err == "" {
			continue
		}
		fmt.Fprintf(tw, "%s\n", t.Target)
		if t.Err != "" {
			fmt.Fprintf(tw, "  waiting\t%s\n", t.Err)
		}
		for _, a := range t.Actions {
			sign, op := "+", "grant"
			if a.Op == OpRevoke {
				sign, op = "-", "revoke"
			}
			if a.Task {
				op += " (task for the admins)"
			}
			fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\n", sign, op, a.Account, a.Entitlement, a.Reason)
		}
		for _, k := range t.Drift {
			fmt.Fprintf(tw, "  ! drift\t%s\t%s\tno request grants it\n", k.Account, k.Entitlement)
		}
		if t.Blocked != "" {
			fmt.Fprintf(tw, "  stopped\t%s\n", t.Blocked)
		}
	}
	if len(p.Held) > 0 {
		fmt.Fprintf(tw, "held back\n")
		for _, h := range p.Held {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", h.Request, h.State, h.Reason)
		}
	}
	_ = tw.Flush()
	c := p.Counts()
	fmt.Fprintf(&b, "Plan: %d to grant, %d to revoke, %d tasks for admins, %d drift, %d held", c.Grants, c.Revokes, c.Tasks, c.Drift, c.Held)
	if c.Blocked > 0 {
		fmt.Fprintf(&b, ", %d targets stopped at the revocation cap", c.Blocked)
	}
	if c.Unavailable > 0 {
		fmt.Fprintf(&b, ", %d targets waiting", c.Unavailable)
	}
	b.WriteString(".\n")
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}
