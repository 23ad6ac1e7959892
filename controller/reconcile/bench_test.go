package reconcile

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/controller/model"
	"github.com/gatehouse-dev/gatehouse/controller/store"
	"github.com/gatehouse-dev/gatehouse/controller/synth"
)

// synthAccount names accounts on synthetic targets: GitHub logins where
// people have them, person names elsewhere.
func synthAccount(_ string, p *model.Person) (string, error) {
	if p.GitHub != "" {
		return p.GitHub, nil
	}
	return p.Name, nil
}

// observedHalf builds what the targets hold: every other desired grant,
// recorded as gatehouse's, plus one stale grant per target to revoke.
func observedHalf(desired map[Key]*Grant) map[string]Observed {
	obs := map[string]Observed{}
	i := 0
	for k := range desired {
		o, ok := obs[k.Target]
		if !ok {
			o = Observed{Listed: true, Managed: map[Key]bool{}}
		}
		if i%2 == 0 {
			o.Accounts = append(o.Accounts, Account{ID: k.Account, Entitlements: []string{k.Entitlement}})
			o.Managed[k] = true
		}
		i++
		obs[k.Target] = o
	}
	for t, o := range obs {
		stale := Key{Target: t, Account: "gone", Entitlement: "member"}
		o.Accounts = append(o.Accounts, Account{ID: "gone", Entitlements: []string{"member"}})
		o.Managed[stale] = true
		obs[t] = o
	}
	return obs
}

// BenchmarkPlan measures the desired state and the plan of the large
// synthetic organisation (100k requests) against targets held in memory.
func BenchmarkPlan(b *testing.B) {
	for _, size := range []synth.Size{synth.Medium, synth.Large} {
		b.Run(size.Name, func(b *testing.B) {
			org := synth.Generate(size, 1, synth.WithNow(synth.CacheNow))
			desired, held := Desired(DesiredInput{Org: org, Now: synth.CacheNow, Account: synthAccount})
			obs := observedHalf(desired)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				desired, held = Desired(DesiredInput{Org: org, Now: synth.CacheNow, Account: synthAccount})
				p := MakePlan(PlanInput{Org: org, Desired: desired, Held: held, Observed: obs, Account: synthAccount, AllowRevocations: 1 << 30})
				if len(p.Targets) == 0 {
					b.Fatal("empty plan")
				}
			}
			b.ReportMetric(float64(len(desired)), "grants")
		})
	}
}

// BenchmarkIncrementalReconcile measures the reconcile after a merge that
// adds ten access requests (and the next, which removes them): it should
// cost the same on an organisation ten times larger.
func BenchmarkIncrementalReconcile(b *testing.B) {
	for _, size := range []synth.Size{synth.Medium, synth.Large} {
		b.Run(size.Name, func(b *testing.B) {
			ctx := context.Background()
			org := synth.Generate(size, 1, synth.WithNow(synth.CacheNow))
			st, err := store.OpenMemory(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			r := &Runner{Store: st, Integrations: map[string]Integration{}, Now: func() time.Time { return synth.CacheNow }}
			for _, in := range org.Config.Integrations {
				t := newFakeTarget()
				r.Integrations[in.Name] = accountsBy{t, synthAccount}
			}
			if _, err := r.Reconcile(ctx, org, Options{}); err != nil {
				b.Fatal(err)
			}
			// Ten new requests on integrated systems, for ten people who
			// hold six requests each already, so that both sizes touch the
			// same amount of state.
			held := map[string]int{}
			for _, req := range org.Requests {
				held[req.Person]++
			}
			var merged []*model.AccessRequest
			for i, s := 0, 0; len(merged) < 10 && s < len(org.Systems)*len(org.People); s++ {
				sys := org.Systems[s%len(org.Systems)]
				p := org.People[(s*37)%len(org.People)]
				if sys.Integration == "" || !p.Active() || len(sys.AccessLevels) == 0 || held[p.Name] != 6 {
					continue
				}
				merged = append(merged, &model.AccessRequest{Kind: model.KindAccessRequest, Person: p.Name, System: sys.Name,
					Level: sys.AccessLevels[0].Name, Meta: model.Meta{File: fmt.Sprintf("access/%s/bench-%d.yaml", sys.Name, i)}})
				i++
			}
			only := map[string]bool{}
			for _, req := range merged {
				only[req.File] = true
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, req := range merged {
					org.RequestByPath[req.File] = req
				}
				if _, err := r.Reconcile(ctx, org, Options{Only: only}); err != nil {
					b.Fatal(err)
				}
				for _, req := range merged {
					delete(org.RequestByPath, req.File)
				}
				if _, err := r.Reconcile(ctx, org, Options{Only: only}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// accountsBy is a fake target with another account mapping.
type accountsBy struct {
	*fakeTarget
	account func(string, *model.Person) (string, error)
}

func (a accountsBy) AccountFor(p *model.Person) (string, error) { return a.account("", p) }
