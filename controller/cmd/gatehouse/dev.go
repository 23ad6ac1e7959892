package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

func init() {
	extraCommands = append(extraCommands, newDevCmd)
}

// newDevCmd is the hidden command group for gatehouse's own contributors.
func newDevCmd() *cobra.Command {
	dev := &cobra.Command{
		Use:    "dev",
		Short:  "Tools for gatehouse contributors",
		Hidden: true,
	}
	dev.AddCommand(newDevSynthCmd())
	return dev
}

func newDevSynthCmd() *cobra.Command {
	var (
		sizeName, out, nowText string
		seed                   int64
		withGit                bool
	)
	cmd := &cobra.Command{
		Use:   "synth --out DIR [--size small|medium|large] [--seed N] [--git]",
		Short: "Generate a synthetic organisation as an access repo",
		Long: `synth writes a valid, realistic synthetic organisation into a new folder as
an access repo, for benchmarks and demonstrations. The same size, seed and
--now give the same files.

Sizes:
  small    100 people,    20 systems,     500 requests,    400 objects
  medium   1k people,    100 systems,     10k requests,    4k objects
  large    10k people,   1k systems,      100k requests,   40k objects (about 150k files)

With --git the folder becomes a Git repository with everything committed on
main, for benchmarks that read a revision.`,
		Example: `  gatehouse dev synth --size large --out /tmp/large --git
  gatehouse validate --repo /tmp/large`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			size, err := synth.SizeByName(sizeName)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			now, err := parseSynthNow(nowText)
			if err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}
			start := time.Now()
			org := synth.Generate(size, seed, synth.WithNow(now))
			progress := synthProgress(cmd.ErrOrStderr())
			opts := []synth.WriteOption{synth.WithProgress(progress), synth.WithCommitTime(now)}
			var commit string
			if withGit {
				h, err := synth.WriteGit(cmd.Context(), org, out, opts...)
				if err != nil {
					return &exitError{code: exitCouldNotRun, err: err}
				}
				commit = h.String()
			} else if err := synth.WriteDir(cmd.Context(), org, out, opts...); err != nil {
				return &exitError{code: exitCouldNotRun, err: err}
			}

			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Wrote the %s organisation %q (seed %d, now %s) to %s: %s files in %s.\n",
				size.Name, org.Config.Organization, seed, now.Format(time.RFC3339), out,
				thousands(synth.Files(org)), time.Since(start).Round(10*time.Millisecond))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			for _, c := range synth.Counts(org) {
				var parts []string
				for _, d := range c.Details {
					parts = append(parts, thousands(d.N)+" "+d.What)
				}
				note := ""
				if len(parts) > 0 {
					note = "  (" + strings.Join(parts, ", ") + ")"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Label, thousands(c.N), note)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if commit != "" {
				fmt.Fprintf(w, "Committed as %s on %s.\n", commit, synth.Branch)
			}
			fmt.Fprintf(w, "Validate it with: gatehouse validate --repo %s\n", out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sizeName, "size", synth.Small.Name, "organisation size: small, medium or large")
	f.StringVar(&out, "out", "", "folder to write the access repo to; must be new or empty")
	f.Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same organisation")
	f.BoolVar(&withGit, "git", false, "make the folder a Git repository and commit everything on main")
	f.StringVar(&nowText, "now", "", "date (2006-01-02) or time (RFC 3339) that request expiries are measured from (default now)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// parseSynthNow reads --now; empty means the current minute, so that the
// repo validates without expired requests for the next few hours.
func parseSynthNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(time.Minute), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now %q: write a date such as 2026-01-31 or a time such as 2026-01-31T09:00:00Z", s)
	}
	return t.UTC(), nil
}

// synthProgress returns a progress callback that rewrites one line on a
// terminal and prints a line per quarter otherwise, so logs stay short.
func synthProgress(w io.Writer) func(done, total int) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	lastQuarter := -1
	return func(done, total int) {
		if total == 0 {
			return
		}
		pct := done * 100 / total
		switch {
		case tty:
			fmt.Fprintf(w, "\rwriting %s files… %d%%", thousands(total), pct)
			if done == total {
				fmt.Fprint(w, "\r\033[K")
			}
		case pct/25 != lastQuarter && total >= 10_000:
			lastQuarter = pct / 25
			fmt.Fprintf(w, "writing %s files… %d%%\n", thousands(total), pct)
		}
	}
}

// thousands formats n with comma separators: 150213 -> "150,213".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
