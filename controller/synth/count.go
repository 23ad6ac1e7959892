package synth

import (
	"strconv"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// Count is how many documents of one kind an organisation holds.
type Count struct {
	// Label names the kind in plural, for people: "access requests".
	Label string
	N     int
	// Note adds a detail worth knowing, e.g. "37 offboarded"; it may be
	// empty.
	Note string
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
	note := func(n int, what string) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n) + " " + what
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
		{"config", config, note(integrations, "integrations")},
		{"people", len(org.People), note(offboarded, "offboarded")},
		{"teams", len(org.Teams), ""},
		{"roles", len(org.Roles), ""},
		{"systems", len(org.Systems), joinNotes(note(integrated, "integrated"), note(len(org.Systems)-requestable, "not requestable"))},
		{"access requests", len(org.Requests), note(expiring, "expiring")},
		{"controls", len(org.Controls), ""},
		{"tests", len(org.Tests), ""},
		{"documents", len(org.Documents), ""},
		{"risk scenarios", len(org.RiskScenarios), ""},
		{"risk tasks", len(org.RiskTasks), ""},
		{"reports", len(org.Reports), ""},
		{"access reviews", len(org.AccessReviews), ""},
		{"policy files", len(org.Policies), ""},
	}
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}
