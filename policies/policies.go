// Package policies embeds gatehouse's built-in Rego library: the rules
// that turn the changes of an access pull request into requirements,
// violations and provisioning routes (package gatehouse.lib.decision), and
// their tests. README.md in this folder is the decision contract that an
// organisation's own policies extend.
package policies

import (
	"embed"
	"io/fs"
	"strings"
)

// FS holds the library's Rego files under lib/, tests included.
//
//go:embed lib/*.rego
var FS embed.FS

// DecisionPackage is the path of the library's entry point in data.
const DecisionPackage = "data.gatehouse.lib.decision"

// Files returns the library's Rego files, path to source, in path order;
// with tests it includes the *_test.rego files.
func Files(tests bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(FS, "lib", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		if !tests && strings.HasSuffix(path, "_test.rego") {
			return nil
		}
		data, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		out["gatehouse/policies/"+path] = data
		return nil
	})
	return out, err
}
