package synth

import "github.com/gatehouse-dev/gatehouse/controller/model"

// Count is how many documents of one kind an organisation holds.
type Count struct {
	// Label names the kind in plural, for people: "access requests".
	Label string
	N     int
	// Details break the count down, e.g. {37, "offboarded"}; zero parts
	// are left out.
	Details []Detail
}

// Detail is one part of a Count worth knowing about.
type Detail struct {
	N    int
	What string
}

// Counts returns the organisation's document counts kind by kind, in the
// order of model.Kinds, followed by its policy files.
func Counts(org *model.Org) []Count {
	offboarded := 0
	for _, p := range org.People {
		if !p.Active() {
			offboarded++
		}
	}
	details := func(ds ...Detail) []Detail {
		var out []Detail
		for _, d := range ds {
			if d.N != 0 {
				out = append(out, d)
			}
		}
		return out
	}
	integrated, requestable := 0, 0
	for _, s := range org.Systems {
		if s.Integration != "" {
			integrated++
		}
		if s.IsRequestable() {
			requestable++
		}
	}
	expiring := 0
	for _, r := range org.Requests {
		if r.Expires != nil {
			expiring++
		}
	}
	integrations := 0
	if org.Config != nil {
		integrations = len(org.Config.Integrations)
	}
	config := 0
	if org.Config != nil {
		config = 1
	}
	return []Count{
		{"config", config, details(Detail{integrations, "integrations"})},
		{"people", len(org.People), details(Detail{offboarded, "offboarded"})},
		{"teams", len(org.Teams), nil},
		{"roles", len(org.Roles), nil},
		{"systems", len(org.Systems), details(Detail{integrated, "integrated"}, Detail{len(org.Systems) - requestable, "not requestable"})},
		{"access requests", len(org.Requests), details(Detail{expiring, "expiring"})},
		{"controls", len(org.Controls), nil},
		{"tests", len(org.Tests), nil},
		{"documents", len(org.Documents), nil},
		{"risk scenarios", len(org.RiskScenarios), nil},
		{"risk tasks", len(org.RiskTasks), nil},
		{"reports", len(org.Reports), nil},
		{"access reviews", len(org.AccessReviews), nil},
		{"policy files", len(org.Policies), nil},
	}
}
