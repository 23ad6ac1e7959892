package load

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo/gitrepotest"
)

// genRepo generates an access repo of about n files in the proportions of
// a large organisation (10k people, 500 teams, 1k systems, 100k requests,
// 40k objects per 151.5k files).
func genRepo(n int) gitrepotest.Files {
	scale := func(k int) int { return max(1, k*n/151500) }
	people, teams, systems, requests, objects := scale(10000), scale(500), scale(1000), scale(100000), scale(40000)
	files := make(gitrepotest.Files, n)
	add := func(p, s string) { files[p] = gitrepotest.File{Data: []byte(s)} }
	add("gatehouse.yaml", "kind: Config\nname: acme\norganization: Acme\ngithub:\n  repository: acme/access\npolicyOwners: [p00000]\n")
	for i := range people {
		role := "employee"
		if i%10 == 0 {
			role = "collaborator"
		}
		add(fmt.Sprintf("people/p%05d.yaml", i), fmt.Sprintf(
			"kind: Person\nname: p%05d\ndisplayName: Person %d\nemail: p%05d@acme.example\ngithub: p%05d-gh\nrole: %s\nmanager: p%05d\n",
			i, i, i, i, role, i/10))
	}
	for i := range teams {
		add(fmt.Sprintf("teams/t%04d.yaml", i), fmt.Sprintf(
			"kind: Team\nname: t%04d\ndescription: Team %d\nmembers:\n  - p%05d\n  - p%05d\n  - p%05d\nadmins: [p%05d]\n",
			i, i, (i*20)%people, (i*20+1)%people, (i*20+2)%people, (i*20)%people))
	}
	for i := range systems {
		add(fmt.Sprintf("systems/s%04d.yaml", i), fmt.Sprintf(`kind: System
name: s%04d
description: System %d
approvers:
  - p%05d
  - team:t%04d
admins: [p%05d]
requireJustification: true
accessLevels:
  - name: member
    entitlement: member
    maxDuration: 90d
  - name: admin
    entitlement: admin
    maxDuration: 7d
`, i, i, (i*10)%people, i%teams, (i*10)%people))
	}
	for i := range requests {
		add(fmt.Sprintf("access/s%04d/p%05d-%d.yaml", i%systems, i%people, i), fmt.Sprintf(
			"kind: AccessRequest\nperson: p%05d\nsystem: s%04d\nlevel: member\njustification: on-call rotation for the payments service\nexpires: 2027-01-31T00:00:00Z\n",
			i%people, i%systems))
	}
	for i := range objects {
		switch i % 4 {
		case 0:
			add(fmt.Sprintf("objects/controls/c%05d.yaml", i), fmt.Sprintf("kind: Control\nname: C-%d\ntitle: Control %d\nowner: p%05d\n", i, i, (i*10)%people))
		case 1:
			add(fmt.Sprintf("objects/tests/t%05d.yaml", i), fmt.Sprintf("kind: Test\nname: T-%d\ntitle: Test %d\nowner: p%05d\ncontrols: [C-%d]\n", i, i, (i*10)%people, i-1))
		case 2:
			add(fmt.Sprintf("objects/documents/d%05d.yaml", i), fmt.Sprintf("kind: Document\nname: D-%d\ntitle: Document %d\nowner: p%05d\ncontrols: [C-%d]\nrecurrence: 365d\n", i, i, (i*10)%people, i-2))
		default:
			add(fmt.Sprintf("objects/risks/r%05d.yaml", i), fmt.Sprintf("kind: RiskScenario\nname: R-%d\ntitle: Risk %d\nowner: p%05d\ncategory: security\n", i, i, (i*10)%people))
		}
	}
	return files
}

// benchFiles is the benchmark's repo size; the target org is 150k files.
// GATEHOUSE_BENCH_FILES overrides it for full-size measurements.
var benchFiles = 20000

func init() {
	if n, err := strconv.Atoi(os.Getenv("GATEHOUSE_BENCH_FILES")); err == nil && n > 0 {
		benchFiles = n
	}
}

func benchLoad(b *testing.B, src func() Source, files int) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		org, findings, err := Load(context.Background(), src(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(findings) != 0 {
			b.Fatalf("findings on a generated repo: %v", findings[:min(3, len(findings))])
		}
		if org.Len() < files-1 {
			b.Fatalf("loaded %d documents from %d files", org.Len(), files)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*files), "ns/file")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*files), "allocs/file")
}

func BenchmarkLoadDir(b *testing.B) {
	dir := b.TempDir()
	files := genRepo(benchFiles)
	gitrepotest.WriteDir(b, dir, files)
	benchLoad(b, func() Source {
		src, err := DirSource(dir)
		if err != nil {
			b.Fatal(err)
		}
		return src
	}, len(files))
}

func BenchmarkLoadRev(b *testing.B) {
	dir := b.TempDir()
	files := genRepo(benchFiles)
	r := gitrepotest.Init(b, dir)
	gitrepotest.Commit(b, r, "generated", files)
	open := func() Source {
		src, err := RevSource(dir, "HEAD")
		if err != nil {
			b.Fatal(err)
		}
		return src
	}
	b.Run("loose", func(b *testing.B) { benchLoad(b, open, len(files)) })
	// A clone holds packed objects: measure that too when git is at hand.
	b.Run("packed", func(b *testing.B) {
		if _, err := exec.LookPath("git"); err != nil {
			b.Skip("git is not installed")
		}
		if out, err := exec.Command("git", "-C", dir, "gc", "-q").CombinedOutput(); err != nil {
			b.Fatalf("git gc: %v\n%s", err, out)
		}
		benchLoad(b, open, len(files))
	})
}
