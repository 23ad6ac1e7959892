package validate

import (
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// BenchmarkValidateMedium and BenchmarkValidateLarge validate the
// synthetic organisations gatehouse's performance figures are quoted on,
// in memory: 15k and 150k documents.
func BenchmarkValidateMedium(b *testing.B) { benchSynth(b, synth.Medium) }
func BenchmarkValidateLarge(b *testing.B)  { benchSynth(b, synth.Large) }

func benchSynth(b *testing.B, size synth.Size) {
	if testing.Short() && size.People >= synth.Large.People {
		b.Skip("the large organisation is skipped in -short mode")
	}
	org := synth.Generate(size, 1, synth.WithNow(synth.CacheNow))
	opts := Options{Now: synth.CacheNow}
	if fs := Org(org, opts); len(fs) > 0 {
		b.Fatalf("%d findings on the synthetic %s organisation, first: %s", len(fs), size.Name, fs[0])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Org(org, opts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*org.Len()), "ns/doc")
}
