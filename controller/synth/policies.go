package synth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// policies adds the organisation's own Rego: a requirement for a second
// approval on production admin access, a denial of empty-sounding
// justifications, and a test file for each.
func (g *gen) policies() {
	reviewer := g.admins[0].Name
	if len(g.teamList) > 0 {
		reviewer = model.TeamRefPrefix + g.teamList[0].Name
	}
	var prod []string
	for _, s := range g.sysList {
		if strings.HasSuffix(s.Name, "-prod") && s.Level("admin") != nil {
			prod = append(prod, s.Name)
		}
	}
	slices.Sort(prod)
	if len(prod) > 0 {
		var set strings.Builder
		for _, name := range prod {
			fmt.Fprintf(&set, "\t%q,\n", name)
		}
		g.org.Policies = append(g.org.Policies,
			model.PolicyFile{Path: "policies/production.rego", Data: fmt.Appendf(nil, productionPolicy, set.String(), reviewer)},
			model.PolicyFile{Path: "policies/production_test.rego", Data: fmt.Appendf(nil, productionTest, prod[0], prod[0])},
		)
	}
	g.org.Policies = append(g.org.Policies,
		model.PolicyFile{Path: "policies/justification.rego", Data: []byte(justificationPolicy)},
		model.PolicyFile{Path: "policies/justification_test.rego", Data: []byte(justificationTest)},
	)
	slices.SortFunc(g.org.Policies, func(a, b model.PolicyFile) int { return strings.Compare(a.Path, b.Path) })
}

const productionPolicy = `# METADATA
# title: Production admin access
# description: >-
#   Admin access to a production system needs two approvals, one of them
#   from the security reviewers, on top of the system's own approvers.
package gatehouse.org.production

production_systems := {
%s}

# METADATA
# title: Second approval for production admin access
requirements contains {
	"change": change.id,
	"rule": "production-admin-second-approval",
	"count": 2,
	"eligible": [%q],
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op == "add"
	change.after.system in production_systems
	change.after.level == "admin"
}
`

const productionTest = `package gatehouse.org.production_test

import data.gatehouse.org.production

test_admin_on_production_needs_second_approval if {
	reqs := production.requirements with input as {"changes": [{
		"id": "access/%s/someone-admin-1.yaml",
		"op": "add",
		"kind": "AccessRequest",
		"after": {"system": %q, "level": "admin"},
	}]}
	count(reqs) == 1
}

test_other_levels_need_nothing_more if {
	reqs := production.requirements with input as {"changes": [{
		"id": "access/github/someone-read-1.yaml",
		"op": "add",
		"kind": "AccessRequest",
		"after": {"system": "github", "level": "read"},
	}]}
	count(reqs) == 0
}
`

const justificationPolicy = `# METADATA
# title: Justifications
# description: >-
#   A justification, when given, must say why in more than a word or two.
package gatehouse.org.justification

# METADATA
# title: Deny requests with a perfunctory justification
deny contains {
	"change": change.id,
	"rule": "short-justification",
	"message": "say why you need the access in a sentence; reviewers approve reasons, not requests",
} if {
	some change in input.changes
	change.kind == "AccessRequest"
	change.op in {"add", "modify"}
	justification := object.get(change.after, "justification", "")
	justification != ""
	count(justification) < 12
}
`

const justificationTest = `package gatehouse.org.justification_test

import data.gatehouse.org.justification

test_short_justification_denied if {
	denials := justification.deny with input as {"changes": [{
		"id": "access/github/someone-read-1.yaml",
		"op": "add",
		"kind": "AccessRequest",
		"after": {"system": "github", "justification": "need it"},
	}]}
	count(denials) == 1
}

test_sentence_allowed if {
	denials := justification.deny with input as {"changes": [{
		"id": "access/github/someone-read-1.yaml",
		"op": "add",
		"kind": "AccessRequest",
		"after": {"system": "github", "justification": "On call for payments this quarter."},
	}]}
	count(denials) == 0
}
`
