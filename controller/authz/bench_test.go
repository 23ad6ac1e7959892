package authz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// largeOrg builds the large synthetic organisation of the performance
// targets: 10,000 people, 500 teams, 1,000 systems and 40,000 compliance
// objects, with the shape of a real one (most people employees, a few
// staff owning and approving much, tests and documents mapped to one to
// three controls, some restricted documents).
func largeOrg() *model.Org {
	rng := rand.New(rand.NewPCG(1, 2))
	org := model.NewOrg()
	org.Add(&model.Config{Kind: model.KindConfig, Name: "bigco"})
	org.Add(&model.Role{Kind: model.KindRole, Name: "risk-manager", Inherits: "collaborator", Permissions: []string{"RiskScenario:*", "RiskTask:view"}})
	org.Add(&model.Role{Kind: model.KindRole, Name: "auditor", Inherits: "view-only-admin", Permissions: []string{"export", "export-evidence", "download-results"}})

	const people = 10_000
	var staff []string
	for i := range people {
		p := &model.Person{Kind: model.KindPerson, Name: fmt.Sprintf("person-%05d", i)}
		switch r := rng.IntN(100); {
		case r < 65:
		case r < 88:
			p.Role = model.RoleCollaborator
		case r < 94:
			p.Role = model.RoleEditor
		case r < 96:
			p.Role = model.RoleViewOnlyAdmin
		case r < 97:
			p.Role = model.RoleAdmin
		case r < 98:
			p.Role = "risk-manager"
		default:
			p.Role = "auditor"
		}
		if rng.IntN(50) == 0 {
			p.TrustRole = model.TrustCollaborator
		}
		if rng.IntN(50) == 0 {
			p.Status = model.StatusOffboarded
		}
		if p.Role != "" && p.Active() {
			staff = append(staff, p.Name)
		}
		org.Add(p)
	}
	pick := func() string { return staff[rng.IntN(len(staff))] }
	picks := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = pick()
		}
		return out
	}
	for i := range 500 {
		org.Add(&model.Team{Kind: model.KindTeam, Name: fmt.Sprintf("team-%03d", i), Members: picks(5 + rng.IntN(30)), Admins: picks(1)})
	}
	for i := range 1000 {
		team := fmt.Sprintf("team:team-%03d", rng.IntN(500))
		org.Add(&model.System{Kind: model.KindSystem, Name: fmt.Sprintf("system-%04d", i),
			Approvers: append(picks(2), team), Admins: []string{team}})
	}
	const controls, tests, documents, scenarios, tasks, reports, reviews = 4000, 12000, 8000, 4000, 8000, 2000, 2000
	for i := range controls {
		org.Add(&model.Control{Kind: model.KindControl, Name: fmt.Sprintf("C-%05d", i), Owner: pick()})
	}
	mapped := func() []string {
		out := make([]string, 1+rng.IntN(3))
		for i := range out {
			out[i] = fmt.Sprintf("C-%05d", rng.IntN(controls))
		}
		return out
	}
	for i := range tests {
		org.Add(&model.Test{Kind: model.KindTest, Name: fmt.Sprintf("T-%05d", i), Owner: pick(), Controls: mapped()})
	}
	for i := range documents {
		org.Add(&model.Document{Kind: model.KindDocument, Name: fmt.Sprintf("D-%05d", i), Owner: pick(), Controls: mapped(), Restricted: rng.IntN(20) == 0})
	}
	for i := range scenarios {
		org.Add(&model.RiskScenario{Kind: model.KindRiskScenario, Name: fmt.Sprintf("R-%05d", i), Owner: pick()})
	}
	for i := range tasks {
		org.Add(&model.RiskTask{Kind: model.KindRiskTask, Name: fmt.Sprintf("RT-%05d", i), Owner: pick(), RiskScenario: fmt.Sprintf("R-%05d", rng.IntN(scenarios))})
	}
	for i := range reports {
		org.Add(&model.Report{Kind: model.KindReport, Name: fmt.Sprintf("REP-%05d", i), Viewers: picks(3)})
	}
	for i := range reviews {
		var systems []model.ReviewSystem
		for j := range 5 {
			systems = append(systems, model.ReviewSystem{System: fmt.Sprintf("system-%04d", (i*5+j)%1000), Reviewers: picks(2)})
		}
		org.Add(&model.AccessReview{Kind: model.KindAccessReview, Name: fmt.Sprintf("AR-%05d", i), Systems: systems})
	}
	return org
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
	for _, sys := range []string{"System/system-0000", "System/system-0999"} {
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
	_, e := large()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.WhoCan("approve-request", fmt.Sprintf("System/system-%04d", i%1000)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkWhoCanObject asks who may act on a test: every person is a
// candidate, so this is the slow path of WhoCan.
func BenchmarkWhoCanObject(b *testing.B) {
	_, e := large()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.WhoCan("reassign-owner", fmt.Sprintf("Test/T-%05d", i%12000)); err != nil {
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
