package load

import (
	"context"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// The benchmarks below load the synthetic organisations gatehouse's
// performance figures are quoted on (synth.Medium: 15k files, synth.Large:
// 150k files). Each is written once under os.TempDir() and reused by later
// runs; the first run of Large spends a minute or so writing it.
//
//	go test -run XXX -bench 'Large|Medium' -benchtime 5x ./controller/load/

func BenchmarkLoadDirMedium(b *testing.B) { benchSynth(b, synth.Medium, false) }
func BenchmarkLoadDirLarge(b *testing.B)  { benchSynth(b, synth.Large, false) }
func BenchmarkLoadRevMedium(b *testing.B) { benchSynth(b, synth.Medium, true) }
func BenchmarkLoadRevLarge(b *testing.B)  { benchSynth(b, synth.Large, true) }

// benchSynth loads the cached organisation of size from its folder, or
// with fromGit from the main branch of its Git repository, and checks that
// every document arrives without a finding.
func benchSynth(b *testing.B, size synth.Size, fromGit bool) {
	if testing.Short() && size.People >= synth.Large.People {
		b.Skip("the large organisation is skipped in -short mode")
	}
	dir, err := synth.Cached(context.Background(), size, 1, fromGit)
	if err != nil {
		b.Fatal(err)
	}
	want := synth.Generate(size, 1, synth.WithNow(synth.CacheNow)).Len()
	open := func() (Source, error) { return DirSource(dir) }
	if fromGit {
		open = func() (Source, error) { return RevSource(dir, synth.Branch) }
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src, err := open()
		if err != nil {
			b.Fatal(err)
		}
		org, findings, err := Load(context.Background(), src, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(findings) > 0 {
			b.Fatalf("%d findings loading %s, first: %s", len(findings), dir, findings[0])
		}
		if org.Len() != want {
			b.Fatalf("loaded %d documents from %s, want %d", org.Len(), dir, want)
		}
		if c, ok := src.(interface{ Close() error }); ok {
			c.Close()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*want), "ns/doc")
}
