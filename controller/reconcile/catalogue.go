package reconcile

import (
	"fmt"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// RuleUnseenEntitlement is the rule of an access level that maps to an
// entitlement its integration has never reported.
const RuleUnseenEntitlement = "unseen-entitlement"

// UnseenEntitlements warns about the access levels of integrated systems
// whose entitlement the integration has never reported on any account
// (seed 000: the catalogue is the union of every entitlement ever seen).
// catalogue maps a target to the entitlements seen there; a target with
// no catalogue yet (never listed) is not judged.
func UnseenEntitlements(org *model.Org, catalogue map[string][]string) model.Findings {
	var out model.Findings
	for _, s := range org.Systems {
		seen, ok := catalogue[Target(s)]
		if !ok || len(seen) == 0 || s.Integration == "" {
			continue
		}
		set := map[string]bool{}
		for _, e := range seen {
			set[e] = true
		}
		for i, l := range s.AccessLevels {
			e := Entitlement(s, l.Name)
			if set[e] {
				continue
			}
			pos := s.Pos
			if org.Locator != nil {
				pos = org.Locator.Locate(s.File, s.Index, fmt.Sprintf("accessLevels[%d].entitlement", i))
			}
			out = append(out, model.Finding{Severity: model.SeverityWarning, File: s.File, Line: pos.Line, Column: pos.Column,
				Rule: RuleUnseenEntitlement,
				Message: fmt.Sprintf("level %s maps to %q, which integration %s has never reported on any account; check the spelling (gatehouse entitlements %s lists what it has seen)",
					l.Name, e, s.Integration, s.Name)})
		}
	}
	out.Sort()
	return out
}
