package reconcile

import (
	"testing"

	"github.com/gatehouse-dev/gatehouse/controller/model"
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
