package authz

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// largeOrg is the large synthetic organisation of the performance
// targets (controller/synth): 10,000 people, 500 teams, 1,000 systems,
// 100,000 access requests and 40,000 compliance objects.
func largeOrg() *model.Org {
	return synth.Generate(synth.Large, 1, synth.WithNow(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)))
}

var large = sync.OnceValues(func() (*model.Org, *Engine) {
	org := largeOrg()
	e, err := New(org)
	if err != nil {
		panic(err)
	}
	return org, e
})

// queries draws n realistic questions: owners and parent owners asking
// about their objects, staff and employees about anything, approvers
// about their systems.
func queries(e *Engine, n int) [][3]string {
	rng := rand.New(rand.NewPCG(3, 4))
	objs := allObjects(e)
	var out [][3]string
	for len(out) < n {
		obj := objs[rng.IntN(len(objs))]
		o, _ := e.lookupObject(obj)
		actions := tables.kinds[o.k].actions
		p := e.personNames[rng.IntN(len(e.personNames))]
		switch {
		case rng.IntN(3) == 0 && e.obj[o.k].owner != nil && e.obj[o.k].owner[o.idx] >= 0:
			p = e.personNames[e.obj[o.k].owner[o.idx]]
		case rng.IntN(3) == 0 && tables.kinds[o.k].hasParent && len(e.obj[o.k].parents[o.idx]) > 0:
			par := e.obj[o.k].parents[o.idx][0]
			if id := e.obj[tables.kinds[o.k].parent].owner[par]; id >= 0 {
				p = e.personNames[id]
			}
		}
		out = append(out, [3]string{p, actions[rng.IntN(len(actions))], obj})
	}
	return out
}

func TestLargeOrgAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the large synthetic organisation")
	}
	_, e := large()
	allowed := 0
	for _, q := range queries(e, 20_000) {
		d, err := e.Explain(q[0], q[1], q[2])
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != e.Can(q[0], q[1], q[2]) {
			t.Fatalf("Explain and Can disagree on %v: %q", q, d.Reasons)
		}
		if d.Allowed {
			allowed++
		}
	}
	if allowed < 2000 || allowed > 18000 {
		t.Errorf("%d of 20000 questions allowed: the query mix is not realistic", allowed)
	}
	org, _ := large()
	for _, sys := range []string{"System/" + org.Systems[0].Name, "System/" + org.Systems[len(org.Systems)-1].Name} {
		got, err := e.WhoCan("approve-request", sys)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, p := range e.personNames {
			if e.Can(p, "approve-request", sys) {
				want = append(want, p)
			}
		}
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("WhoCan(approve-request, %s) = %v, want %v", sys, got, want)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	org, _ := large()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(org); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCan reports the mean time per question over a realistic mix
// and, as median-ns, the median over questions of each one's own time.
func BenchmarkCan(b *testing.B) {
	_, e := large()
	qs := queries(e, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i&4095]
		e.Can(q[0], q[1], q[2])
		i++
	}
	b.ReportMetric(medianNs(qs[:512], 200, func(q [3]string) { e.Can(q[0], q[1], q[2]) }), "median-ns")
}

func BenchmarkExplain(b *testing.B) {
	_, e := large()
	qs := queries(e, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i&4095]
		if _, err := e.Explain(q[0], q[1], q[2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(medianNs(qs[:256], 20, func(q [3]string) { _, _ = e.Explain(q[0], q[1], q[2]) }), "median-ns")
}

func BenchmarkWhoCanSystem(b *testing.B) {
	org, e := large()
	benchWhoCan(b, e, "approve-request", refs(model.KindSystem, org.Systems))
}

// BenchmarkWhoCanObject asks who may act on a test: every person is a
// candidate, so this is the slow path of WhoCan.
func BenchmarkWhoCanObject(b *testing.B) {
	org, e := large()
	benchWhoCan(b, e, "reassign-owner", refs(model.KindTest, org.Tests))
}

// refs names each document as Kind/name.
func refs[T model.Doc](kind string, docs []T) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		_, name := d.KindName()
		out[i] = kind + "/" + name
	}
	return out
}

// benchWhoCan asks who may do action on each object in turn.
func benchWhoCan(b *testing.B, e *Engine, action string, objects []string) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.WhoCan(action, objects[i%len(objects)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// medianNs times each question reps times and returns the median over
// questions of the time per call.
func medianNs(qs [][3]string, reps int, f func([3]string)) float64 {
	per := make([]float64, len(qs))
	for i, q := range qs {
		start := time.Now()
		for range reps {
			f(q)
		}
		per[i] = float64(time.Since(start).Nanoseconds()) / float64(reps)
	}
	slices.Sort(per)
	return per[len(per)/2]
}
