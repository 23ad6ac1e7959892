package decide

import (
	"context"
	"fmt"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/load"
)

// Run decides the pull request from baseRev to headRev of the access repo
// in repoDir, a Git checkout or a folder of one, for the command line: it
// resolves both revisions, loads the base, prepares it and decides. An
// unknown revision is gitrepo.ErrUnknownRevision.
func Run(ctx context.Context, repoDir, baseRev, headRev string, opts Options) (*Plan, error) {
	repo, err := gitrepo.Open(repoDir)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	base, err := repo.Resolve(baseRev)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	head, err := repo.Resolve(headRev)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	org, findings, err := load.Open(ctx, repoDir, base.Hash.String())
	if err != nil {
		return nil, fmt.Errorf("load the base commit %s: %w", base.Hash, err)
	}
	b, err := NewBase(ctx, org, findings)
	if err != nil {
		return nil, fmt.Errorf("base commit %s: %w", base.Hash, err)
	}
	p, err := Decide(ctx, b, repo, base, head, opts)
	if err != nil {
		return nil, err
	}
	if n := findings.Errors(); n > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the base commit has %d errors; documents with errors count as absent, which only makes approval harder (gatehouse validate --repo %s --rev %s lists them)", n, repoDir, baseRev))
	}
	return p, nil
}
