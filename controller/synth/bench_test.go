package synth

import (
	"context"
	"testing"
)

func BenchmarkGenerate(b *testing.B) {
	for _, size := range []Size{Small, Medium} {
		b.Run(size.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Generate(size, 1, WithNow(testNow))
			}
		})
	}
}

// BenchmarkRender measures encoding every file of a medium organisation,
// the CPU half of WriteDir.
func BenchmarkRender(b *testing.B) {
	org := Generate(Medium, 1, WithNow(testNow))
	files, err := collect(org)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, err := render(f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}

// BenchmarkWriteDir measures writing a medium organisation to disk.
func BenchmarkWriteDir(b *testing.B) {
	org := Generate(Medium, 1, WithNow(testNow))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteDir(context.Background(), org, b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*Files(org)), "ns/file")
}

// BenchmarkWriteGit measures writing and committing a medium organisation.
func BenchmarkWriteGit(b *testing.B) {
	org := Generate(Medium, 1, WithNow(testNow))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteGit(context.Background(), org, b.TempDir(), WithCommitTime(testNow)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*Files(org)), "ns/file")
}
