package policies

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/types"
)

// engineBuiltins declares gatehouse.can and gatehouse.who_can as the
// permission engine registers them. The library's tests must mock both
// (with gatehouse.who_can as ...): called unmocked, they halt the test
// with an error that says so.
func engineBuiltins() []*tester.Builtin {
	decls := []*rego.Function{
		{Name: "gatehouse.can", Decl: types.NewFunction(types.Args(types.S, types.S, types.S), types.B)},
		{Name: "gatehouse.who_can", Decl: types.NewFunction(types.Args(types.S, types.S), types.NewArray(nil, types.S))},
	}
	out := make([]*tester.Builtin, 0, len(decls))
	for _, d := range decls {
		unmocked := func(rego.BuiltinContext, []*ast.Term) (*ast.Term, error) {
			return nil, rego.NewHaltError(fmt.Errorf("%s called unmocked: the library's tests must replace it (with %s as fake)", d.Name, d.Name))
		}
		out = append(out, &tester.Builtin{
			Decl: &ast.Builtin{Name: d.Name, Decl: d.Decl},
			Func: rego.FunctionDyn(d, unmocked),
		})
	}
	return out
}

// parseFiles parses the library's files as Rego v1.
func parseFiles(t *testing.T, tests bool) map[string]*ast.Module {
	t.Helper()
	files, err := Files(tests)
	if err != nil {
		t.Fatalf("Files(%v): %v", tests, err)
	}
	modules := make(map[string]*ast.Module, len(files))
	for path, src := range files {
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			t.Fatalf("%s does not parse as Rego v1: %v", path, err)
		}
		modules[path] = m
	}
	return modules
}

// TestLibraryRegoTests runs the library's *_test.rego with OPA's tester, so
// that go test fails when one of them does.
func TestLibraryRegoTests(t *testing.T) {
	modules := parseFiles(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runner := tester.NewRunner().
		SetDefaultRegoVersion(ast.RegoV1).
		AddCustomBuiltins(engineBuiltins()).
		CapturePrintOutput(true).
		SetModules(modules)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		t.Fatalf("compile the library with its tests: %v", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	if len(results) == 0 {
		t.Fatal("the library has no Rego tests (test_ rules in lib/*_test.rego)")
	}
	for _, r := range results {
		t.Run(strings.TrimPrefix(r.Name, "test_"), func(t *testing.T) {
			where := fmt.Sprintf("%s:%d", r.Location.File, r.Location.Row)
			switch {
			case r.Error != nil:
				t.Errorf("%s: %s.%s: ERROR: %v", where, r.Package, r.Name, r.Error)
			case r.Fail:
				t.Errorf("%s: %s.%s: FAIL", where, r.Package, r.Name)
			case r.Skip:
				t.Skipf("%s: %s.%s is skipped (todo_ prefix)", where, r.Package, r.Name)
			}
			if len(r.Output) > 0 {
				t.Logf("print output:\n%s", r.Output)
			}
		})
	}
}

// TestUnmockedEngineErrors checks the guard the library tests rely on: a
// test that forgets to mock the engine errors instead of passing.
func TestUnmockedEngineErrors(t *testing.T) {
	src := `package gatehouse.lib.guard_test

test_unmocked if count(gatehouse.who_can("approve-request", "System/github")) >= 0
`
	m, err := ast.ParseModuleWithOpts("guard_test.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().
		SetDefaultRegoVersion(ast.RegoV1).
		AddCustomBuiltins(engineBuiltins()).
		SetModules(map[string]*ast.Module{"guard_test.rego": m}).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []*tester.Result
	for r := range ch {
		got = append(got, r)
	}
	if len(got) != 1 || got[0].Error == nil || !strings.Contains(got[0].Error.Error(), "called unmocked") {
		t.Fatalf("an unmocked gatehouse.who_can should error the test, got %v", got)
	}
}

// TestFilesAreRegoV1 checks every embedded file parses as Rego v1 in a
// package of the library.
func TestFilesAreRegoV1(t *testing.T) {
	for path, m := range parseFiles(t, true) {
		if pkg := m.Package.Path.String(); !strings.HasPrefix(pkg, "data.gatehouse.lib.") {
			t.Errorf("%s: package %s is outside gatehouse.lib", path, strings.TrimPrefix(pkg, "data."))
		}
	}
}

// TestFilesLeavesOutTests checks that Files(false) is Files(true) without
// exactly the *_test.rego files, and that the entry point is among them.
func TestFilesLeavesOutTests(t *testing.T) {
	all, err := Files(true)
	if err != nil {
		t.Fatal(err)
	}
	noTests, err := Files(false)
	if err != nil {
		t.Fatal(err)
	}
	var tests int
	for path, src := range all {
		isTest := strings.HasSuffix(path, "_test.rego")
		if isTest {
			tests++
		}
		got, kept := noTests[path]
		switch {
		case isTest && kept:
			t.Errorf("Files(false) includes the test file %s", path)
		case !isTest && !kept:
			t.Errorf("Files(false) leaves out the policy %s", path)
		case !isTest && string(got) != string(src):
			t.Errorf("Files(false) and Files(true) differ on %s", path)
		}
	}
	if tests == 0 {
		t.Error("Files(true) has no *_test.rego file")
	}
	if len(noTests) != len(all)-tests {
		t.Errorf("Files(false) has %d files, want %d", len(noTests), len(all)-tests)
	}
	var entry bool
	for path, src := range noTests {
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		entry = entry || m.Package.Path.String() == DecisionPackage
	}
	if !entry {
		t.Errorf("no file of Files(false) is package %s", DecisionPackage)
	}
}
