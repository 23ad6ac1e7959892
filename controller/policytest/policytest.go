// Package policytest runs an access repo's Rego tests the way `opa test`
// does, together with gatehouse's built-in policy library and its tests,
// with the permission engine's built-ins (gatehouse.can, gatehouse.who_can)
// answering from the access repo's own organisation.
//
// It backs `gatehouse test`: Run compiles and runs the tests, and
// Result.Report prints them with OPA's reporters, so the output is the
// output platform teams know from opa test (PASS/FAIL/ERROR lines, the
// PASS: n/m summary, the JSON coverage report).
package policytest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/gatehouse-dev/gatehouse/controller/authz"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/policies"
)

// Options says whose tests Run runs and how.
type Options struct {
	// Org is the access repo: its policy files (tests included) are run,
	// and gatehouse.can and gatehouse.who_can answer from it.
	Org *model.Org
	// Run, when set, is a regular expression: only tests whose full name
	// (data.package.test_name) it matches run, as opa test --run.
	Run string
	// Coverage records which lines of the access repo's policies the
	// tests evaluate (Result.Coverage).
	Coverage bool
	// Verbose traces each test, so Report can show every test and the
	// evaluation trace of each failure, as opa test --verbose.
	Verbose bool
	// Timeout bounds each test; zero means 5 seconds, opa test's default.
	Timeout time.Duration
}

// Result is the outcome of one Run.
type Result struct {
	// Tests are the results of the tests that ran, in file and line order.
	Tests []*tester.Result
	// OrgFiles and OrgTests count the access repo's policy files and the
	// tests of theirs that ran; the rest come from the built-in library.
	OrgFiles, OrgTests int
	// Coverage is OPA's coverage report of the access repo's policy files,
	// set when Options.Coverage is.
	Coverage *cover.Report

	verbose bool
}

// Passed reports whether no test failed or errored (skipped tests, named
// todo_, do not count against it).
func (r Result) Passed() bool {
	for _, t := range r.Tests {
		if t.Fail || t.Error != nil {
			return false
		}
	}
	return true
}

// CompileError reports Rego files that do not parse or compile as Rego
// v1, each problem at its file, line and column.
type CompileError struct {
	Findings model.Findings
}

func (e *CompileError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// Run compiles the access repo's policy files with the built-in library
// and runs every test among them. A test that fails or errors is in the
// Result, not an error; an error means the tests could not run: a policy
// that does not parse or compile (a *CompileError), a bad Options.Run, an
// organisation the permission engine rejects.
func Run(ctx context.Context, opts Options) (Result, error) {
	if opts.Org == nil {
		return Result{}, errors.New("run policy tests: no access repo given")
	}
	if _, err := regexp.Compile(opts.Run); err != nil {
		return Result{}, fmt.Errorf("--run %q is not a regular expression: %w", opts.Run, err)
	}
	modules, orgModules, err := parseModules(opts.Org.Policies)
	if err != nil {
		return Result{}, err
	}
	builtins, err := engineBuiltins(opts.Org)
	if err != nil {
		return Result{}, err
	}
	compiler := ast.NewCompiler().
		WithCapabilities(capabilities(builtins)).
		WithEnablePrintStatements(true).
		WithUseTypeCheckAnnotations(true).
		WithDefaultRegoVersion(ast.RegoV1)
	var cov *cover.Cover
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetDefaultRegoVersion(ast.RegoV1).
		AddCustomBuiltins(builtins).
		CapturePrintOutput(true).
		EnableTracing(opts.Verbose).
		StackTraces(true).
		SetModules(modules).
		SetTimeout(cmp.Or(opts.Timeout, 5*time.Second)).
		Filter(opts.Run)
	if opts.Coverage {
		cov = cover.New()
		runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return Result{}, compileError(err)
	}
	res := Result{OrgFiles: len(orgModules), verbose: opts.Verbose}
	for t := range ch {
		res.Tests = append(res.Tests, t)
		if t.Location != nil && orgModules[t.Location.File] != nil {
			res.OrgTests++
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("run policy tests: %w", err)
	}
	slices.SortFunc(res.Tests, compareResults)
	if cov != nil {
		res.Coverage = orgCoverage(cov, orgModules)
	}
	return res, nil
}

// orgCoverage is the coverage report of the access repo's files only: the
// tests also evaluate the built-in library, whose coverage is gatehouse's
// concern and would blur the organisation's figure. Totals are computed as
// OPA computes them.
func orgCoverage(cov *cover.Cover, orgModules map[string]*ast.Module) *cover.Report {
	report := cov.Report(orgModules)
	report.CoveredLines, report.NotCoveredLines, report.Coverage = 0, 0, 0
	for file, fr := range report.Files {
		if orgModules[file] == nil {
			delete(report.Files, file)
			continue
		}
		report.CoveredLines += fr.CoveredLines
		report.NotCoveredLines += fr.NotCoveredLines
	}
	if total := report.CoveredLines + report.NotCoveredLines; total > 0 {
		report.Coverage = 100 * float64(report.CoveredLines) / float64(total)
	}
	return &report
}

// parseModules parses the built-in library with its tests and the access
// repo's policy files as Rego v1; orgModules are the latter by path.
func parseModules(files []model.PolicyFile) (all, orgModules map[string]*ast.Module, err error) {
	lib, err := policies.Files(true)
	if err != nil {
		return nil, nil, fmt.Errorf("read gatehouse's built-in policy library: %w", err)
	}
	all = make(map[string]*ast.Module, len(lib)+len(files))
	orgModules = make(map[string]*ast.Module, len(files))
	var findings model.Findings
	parse := func(path string, src []byte) *ast.Module {
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			findings = append(findings, regoFindings(path, err)...)
			return nil
		}
		if m == nil {
			findings = append(findings, model.Finding{Severity: model.SeverityError, File: path, Rule: ast.ParseErr,
				Message: "the file holds no Rego module; start it with a package declaration such as package gatehouse.org.access"})
			return nil
		}
		all[path] = m
		return m
	}
	for path, src := range lib {
		parse(path, src)
	}
	for _, f := range files {
		if m := parse(f.Path, f.Data); m != nil {
			orgModules[f.Path] = m
		}
	}
	if len(findings) > 0 {
		findings.Sort()
		return nil, nil, &CompileError{Findings: findings}
	}
	return all, orgModules, nil
}

// compileError turns the errors of compiling the modules into a
// *CompileError; anything else is returned wrapped.
func compileError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return fmt.Errorf("run policy tests: %w", err)
	}
	findings := regoFindings("", errs)
	findings.Sort()
	return &CompileError{Findings: findings}
}

// regoFindings converts OPA's parse or compile errors to findings at their
// file, line and column; file names the file when an error has none.
func regoFindings(file string, err error) model.Findings {
	var errs ast.Errors // what the parser and the compiler return
	if !errors.As(err, &errs) {
		return model.Findings{{Severity: model.SeverityError, File: file, Rule: ast.ParseErr, Message: err.Error()}}
	}
	out := make(model.Findings, 0, len(errs))
	for _, e := range errs {
		f := model.Finding{Severity: model.SeverityError, File: file, Rule: e.Code, Message: e.Message}
		if e.Location != nil {
			f.File = cmp.Or(e.Location.File, file)
			f.Line, f.Column = e.Location.Row, e.Location.Col
		}
		out = append(out, f)
	}
	return out
}

// compareResults orders results by file, line and name.
func compareResults(a, b *tester.Result) int {
	var fa, fb string
	var ra, rb int
	if a.Location != nil {
		fa, ra = a.Location.File, a.Location.Row
	}
	if b.Location != nil {
		fb, rb = b.Location.File, b.Location.Row
	}
	return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(ra, rb), cmp.Compare(a.Package+"."+a.Name, b.Package+"."+b.Name))
}

// builtinDecls declares the permission engine's built-ins to the Rego
// compiler, with the types authz.Engine.RegoOptions gives them.
var builtinDecls = []*ast.Builtin{
	{Name: authz.RegoCan, Decl: types.NewFunction(types.Args(types.S, types.S, types.S), types.B)},
	{Name: authz.RegoWhoCan, Decl: types.NewFunction(types.Args(types.S, types.S), types.NewArray(nil, types.S))},
}

// engineBuiltins builds the permission engine over org and hands its
// built-ins to the tester: the declarations go to the compiler, the
// functions to each test's evaluation.
func engineBuiltins(org *model.Org) ([]*tester.Builtin, error) {
	engine, err := authz.New(org)
	if err != nil {
		return nil, fmt.Errorf("build the permission engine for gatehouse.can and gatehouse.who_can: %w", err)
	}
	funcs := engine.RegoOptions()
	if len(funcs) != len(builtinDecls) {
		return nil, fmt.Errorf("the permission engine registers %d Rego built-ins, gatehouse test declares %d: update policytest.builtinDecls", len(funcs), len(builtinDecls))
	}
	out := make([]*tester.Builtin, len(funcs))
	for i, f := range funcs {
		// The tester adds every Decl to the compiler and applies every
		// Func to each evaluation, so the pairing itself carries nothing.
		out[i] = &tester.Builtin{Decl: builtinDecls[i], Func: f}
	}
	return out, nil
}

// capabilities are OPA's built-ins of this version and the engine's.
func capabilities(builtins []*tester.Builtin) *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	for _, b := range builtins {
		c.Builtins = append(c.Builtins, b.Decl)
	}
	return c
}

// Report formats.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Report prints the results as opa test does: in text, a line per failed
// or errored test (every test when verbose) under its file and line, the
// failures' traces when verbose, and the PASS/FAIL/ERROR summary; in JSON,
// OPA's array of test results. With coverage it prints OPA's JSON
// coverage report when every test passed, and the failures otherwise.
func (r Result) Report(w io.Writer, format string) error {
	switch {
	case r.Coverage != nil && r.Passed():
		return writeJSON(w, r.Coverage)
	case r.Coverage != nil:
		var bad []*tester.Result
		for _, t := range r.Tests {
			if !t.Pass() && !t.Skip {
				bad = append(bad, t)
			}
		}
		return tester.PrettyReporter{Output: w, Verbose: r.verbose}.Report(feed(bad))
	case format == FormatJSON:
		return tester.JSONReporter{Output: w}.Report(feed(r.Tests))
	case format == FormatText:
		return tester.PrettyReporter{Output: w, Verbose: r.verbose}.Report(feed(r.Tests))
	}
	return fmt.Errorf("unknown report format %q; use %s or %s", format, FormatText, FormatJSON)
}

// feed returns a closed channel holding results, as the reporters read
// them.
func feed(results []*tester.Result) chan *tester.Result {
	ch := make(chan *tester.Result, len(results))
	for _, t := range results {
		ch <- t
	}
	close(ch)
	return ch
}

// writeJSON prints v indented as opa test prints its JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
