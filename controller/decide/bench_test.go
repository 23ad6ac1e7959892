package decide

import (
	"context"
	"fmt"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// benchPR is a synthetic organisation committed on synth.Branch with a
// pull request on top that adds ten access requests.
type benchPR struct {
	dir        string
	repo       *gitrepo.Repo
	base, head *gitrepo.Commit
	org        *model.Org
	opts       Options
}

func setupBenchPR(b *testing.B, size synth.Size) *benchPR {
	b.Helper()
	ctx := context.Background()
	dir, err := synth.Cached(ctx, size, 1, true)
	if err != nil {
		b.Fatal(err)
	}
	gr, err := git.PlainOpen(dir)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := gr.Reference(plumbing.NewBranchReferenceName(synth.Branch), true)
	if err != nil {
		b.Fatal(err)
	}
	src, err := load.RevSource(dir, ref.Hash().String())
	if err != nil {
		b.Fatal(err)
	}
	org, _, err := load.Load(ctx, src, load.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// Ten requests for active people on requestable systems, each with the
	// system's first level and a justification, as engineers write them.
	edits := gitrepotest.Files{}
	var author string
	for i, s := 0, 0; len(edits) < 10 && s < len(org.Systems); s++ {
		sys := org.Systems[s]
		p := org.People[(s*37)%len(org.People)]
		if !sys.IsRequestable() || !p.Active() {
			continue
		}
		level := ""
		if len(sys.AccessLevels) > 0 {
			level = "level: " + sys.AccessLevels[0].Name + "\n"
		}
		path := fmt.Sprintf("access/%s/bench-%d.yaml", sys.Name, i)
		edits[path] = gitrepotest.File{Data: fmt.Appendf(nil, "kind: AccessRequest\nperson: %s\nsystem: %s\n%sjustification: benchmark\nexpires: %s\n",
			p.Name, sys.Name, level, synth.CacheNow.AddDate(0, 0, 30).Format(time.RFC3339))}
		author = p.Name
		i++
	}
	head := gitrepotest.CommitEdits(b, gr, ref.Hash(), "ten requests", edits)
	repo, err := gitrepo.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = repo.Close() })
	bc, err := repo.Resolve(ref.Hash().String())
	if err != nil {
		b.Fatal(err)
	}
	hc, err := repo.Resolve(head.String())
	if err != nil {
		b.Fatal(err)
	}
	return &benchPR{dir: dir, repo: repo, base: bc, head: hc, org: org,
		opts: Options{Author: author, ApprovedBy: []string{org.People[0].Name, org.People[1].Name}, Now: synth.CacheNow}}
}

// BenchmarkDecide measures deciding a ten-request pull request against a
// base that is already loaded and prepared (the controller's steady
// state: one Base per base commit, shared by every open pull request).
func BenchmarkDecide(b *testing.B) {
	for _, size := range []synth.Size{synth.Medium, synth.Large} {
		b.Run(size.Name, func(b *testing.B) {
			pr := setupBenchPR(b, size)
			base, err := NewBase(context.Background(), pr.org, nil)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Decide(context.Background(), base, pr.repo, pr.base, pr.head, pr.opts)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Changes) != 10 || len(p.Violations) != 0 || len(p.Requirements) < 10 {
				b.Fatalf("the benchmark's pull request is not ten clean requests:\n%v", p.Violations)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Decide(context.Background(), base, pr.repo, pr.base, pr.head, pr.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewBase measures preparing a loaded base commit: the
// permission engine, the base store and the compiled policies.
func BenchmarkNewBase(b *testing.B) {
	pr := setupBenchPR(b, synth.Large)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewBase(context.Background(), pr.org, nil); err != nil {
			b.Fatal(err)
		}
	}
}
