package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// findingRenderers prints a findingReport in each --format.
var findingRenderers = map[string]func(*cobra.Command, findingReport) error{
	"text":   renderFindingsText,
	"json":   renderFindingsJSON,
	"github": renderFindingsGitHub,
}

// renderFindingsText prints one line per finding on stdout and a summary
// on stderr, so the findings stay easy to grep and sort.
func renderFindingsText(cmd *cobra.Command, r findingReport) error {
	out := cmd.OutOrStdout()
	for _, f := range r.findings {
		if _, err := fmt.Fprintln(out, f); err != nil {
			return err
		}
	}
	fmt.Fprintln(cmd.ErrOrStderr(), summaryLine(r))
	return nil
}

// summaryLine says what was checked and what was found:
// "examples/acme: 84 documents (27 people, 8 systems, 16 requests, ...): 2 errors, 1 warning".
func summaryLine(r findingReport) string {
	where := r.repo.dir
	if r.repo.rev != "" {
		where += "@" + r.repo.rev
	}
	var counts []string
	add := func(n int, noun, nouns string) {
		if n == 1 {
			counts = append(counts, "1 "+noun)
		} else if n > 1 {
			counts = append(counts, fmt.Sprintf("%d %s", n, nouns))
		}
	}
	o := r.org
	add(len(o.People), "person", "people")
	add(len(o.Teams), "team", "teams")
	add(len(o.Roles), "role", "roles")
	add(len(o.Systems), "system", "systems")
	add(len(o.Requests), "request", "requests")
	objects := len(o.Controls) + len(o.Tests) + len(o.Documents) + len(o.RiskScenarios) + len(o.RiskTasks) + len(o.Reports) + len(o.AccessReviews)
	add(objects, "compliance object", "compliance objects")
	add(len(o.Policies), "policy file", "policy files")
	result := "no problems"
	if e, w := r.findings.Errors(), r.findings.Warnings(); e+w > 0 {
		var parts []string
		if e > 0 {
			parts = append(parts, plural(e, "error"))
		}
		if w > 0 {
			parts = append(parts, plural(w, "warning"))
		}
		result = strings.Join(parts, ", ")
	}
	docs := plural(o.Len(), "document")
	if len(counts) > 0 {
		docs += " (" + strings.Join(counts, ", ") + ")"
	}
	if o.Len() == 0 {
		docs += " (no gatehouse YAML found: is --repo the access repo's folder?)"
	}
	return fmt.Sprintf("%s: %s: %s", where, docs, result)
}

// renderFindingsJSON prints the CLI contract's {"findings":[...]}.
func renderFindingsJSON(cmd *cobra.Command, r findingReport) error {
	findings := r.findings
	if findings == nil {
		findings = model.Findings{}
	}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings model.Findings `json:"findings"`
	}{findings})
}

// renderFindingsGitHub prints GitHub Actions workflow commands, which the
// runner turns into annotations on the pull request's files, and adds a
// summary to the job's step summary when the runner provides one.
func renderFindingsGitHub(cmd *cobra.Command, r findingReport) error {
	out := cmd.OutOrStdout()
	prefix := workspacePrefix(r.repo.dir)
	for _, f := range r.findings {
		level := "error"
		if f.Severity == model.SeverityWarning {
			level = "warning"
		}
		props := []string{"file=" + escapeProperty(path.Join(prefix, f.File))}
		if f.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Line), fmt.Sprintf("col=%d", f.Column))
		}
		props = append(props, "title="+escapeProperty("gatehouse "+f.Rule))
		if _, err := fmt.Fprintf(out, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(f.Message)); err != nil {
			return err
		}
	}
	summary := summaryLine(r)
	fmt.Fprintln(cmd.ErrOrStderr(), summary)
	if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := appendFile(p, stepSummary(summary, r.findings)); err != nil {
			return fmt.Errorf("write the job summary %s: %w", p, err)
		}
	}
	return nil
}

// workspacePrefix returns the repo directory as a slash path relative to
// the current directory (the workspace in GitHub Actions), so annotations
// land on the right files when the access repo is a subdirectory.
func workspacePrefix(dir string) string {
	if filepath.IsAbs(dir) {
		wd, err := os.Getwd()
		if err != nil {
			return ""
		}
		rel, err := filepath.Rel(wd, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			return ""
		}
		dir = rel
	}
	p := filepath.ToSlash(filepath.Clean(dir))
	if p == "." {
		return ""
	}
	return p
}

// escapeData and escapeProperty follow the runner's workflow-command
// escaping (actions/toolkit, command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func stepSummary(summary string, findings model.Findings) string {
	var b strings.Builder
	b.WriteString("### gatehouse validate\n\n" + summary + "\n\n")
	if len(findings) == 0 {
		return b.String()
	}
	b.WriteString("| | file | rule | message |\n| --- | --- | --- | --- |\n")
	for _, f := range findings {
		icon := "❌"
		if f.Severity == model.SeverityWarning {
			icon = "⚠️"
		}
		loc := f.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
		}
		fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", icon, loc, f.Rule, strings.ReplaceAll(f.Message, "|", `\|`))
	}
	return b.String() + "\n"
}

func appendFile(name, text string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
